import type { FastifyInstance } from "fastify";
import { describe, expect, it } from "vitest";
import { planRun } from "../../src/training/plan.js";
import { prepareRun } from "../local-backend.js";
import type { FakeJobService } from "./fake-job-service.js";
import { spec, useTestApp } from "./helpers.js";

let app: FastifyInstance;
let service: FakeJobService;

useTestApp((built) => ({ app, service } = built));

const post = (url: string, payload: object) => app.inject({ method: "POST", url, payload });

describe("POST /v1/jobs?dryRun=true", () => {
  it("returns the run's plan (200) and queues nothing", async () => {
    const body = spec({ training: { epochs: 3, gradient: "spsa" }, backend: { shots: 100 } });
    const response = await post("/v1/jobs?dryRun=true", body);
    expect(response.statusCode).toBe(200);
    const { plan } = response.json();
    expect(plan).toEqual(await planRun(prepareRun(body)));
    expect(plan).toMatchObject({ epochs: 3, estimatedCostUsd: 0 });
    expect(plan.totalSubmissions).toBe(3 * plan.submissionsPerEpoch);
    expect(plan.totalShots).toBeGreaterThan(0);
    expect(service.submitted).toHaveLength(0);
    expect(response.headers.location).toBeUndefined();
  });

  it('refuses feedback.target "baseline", which only an experiment resolves, like a submission', async () => {
    for (const url of ["/v1/jobs?dryRun=true", "/v1/jobs"]) {
      const response = await post(url, spec({ feedback: { mode: "lr", target: "baseline" } }));
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatchObject({
        code: "QPLANE_ERR_SPEC_INVALID",
        message:
          'spec.feedback.target: "baseline" is the baseline run\'s I(X;T), only in experiments with compare.baseline; give a number of bits, "label-entropy" or "relevance"',
      });
    }
    expect(service.submitted).toHaveLength(0);
  });

  it("validates like a real submission: bad specs and unknown backends are refused", async () => {
    const invalid = await post("/v1/jobs?dryRun=true", spec({ training: { epochs: 0 } }));
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error.code).toBe("QPLANE_ERR_SPEC_INVALID");
    const unknown = await post(
      "/v1/jobs?dryRun=true",
      spec({ backend: { name: "ibm-nowhere", shots: 10 } }),
    );
    expect(unknown.statusCode).toBe(400);
    const overLimit = await post("/v1/jobs?dryRun=true", spec({ model: { qubits: 20 } }));
    expect(overLimit.statusCode).toBe(400);
    const badFlag = await post("/v1/jobs?dryRun=yes", spec());
    expect(badFlag.statusCode).toBe(400);
    expect(service.submitted).toHaveLength(0);
  });

  it("refuses a spec over its budget with QPLANE_ERR_BUDGET_EXCEEDED naming the field", async () => {
    const response = await post(
      "/v1/jobs?dryRun=true",
      spec({ training: { gradient: "spsa" }, backend: { shots: 100, maxShots: 500 } }),
    );
    expect(response.statusCode).toBe(400);
    const { error } = response.json();
    expect(error.code).toBe("QPLANE_ERR_BUDGET_EXCEEDED");
    expect(error.message).toMatch(
      /^spec\.backend\.maxShots: the run plans \d+ shots, over the limit of 500$/,
    );
  });

  it("without dryRun (or dryRun=false) queues as before", async () => {
    const response = await post("/v1/jobs?dryRun=false", spec());
    expect(response.statusCode).toBe(202);
    expect(service.submitted).toHaveLength(1);
  });
});

describe("POST /v1/dry-runs", () => {
  it("returns the plan `?dryRun=true` returns, for the body of a submission, and queues nothing", async () => {
    const body = {
      ...spec({ training: { epochs: 2, gradient: "spsa" }, backend: { shots: 50 } }),
      name: "planned",
      tags: ["plan"],
    };
    const planned = await post("/v1/dry-runs", body);
    expect(planned.statusCode).toBe(200);
    expect(planned.headers["content-type"]).toBe("application/json; charset=utf-8");
    const { name: _name, tags: _tags, ...specOnly } = body;
    expect(planned.json()).toEqual({ plan: await planRun(prepareRun(specOnly)) });
    const legacy = await post("/v1/jobs?dryRun=true", body);
    expect(legacy.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(legacy.json()).toEqual(planned.json());
    expect(service.submitted).toHaveLength(0);
    expect(planned.headers.location).toBeUndefined();
  });

  it("checks the spec, the server's limits and the budget like a submission", async () => {
    const refused = async (payload: Record<string, unknown>) => {
      const response = await post("/v1/dry-runs", payload);
      expect(response.statusCode).toBe(400);
      return response.json().error as { code: string; message: string };
    };
    expect(await refused(spec({ training: { epochs: 0 } }))).toMatchObject({
      code: "QPLANE_ERR_SPEC_INVALID",
      message: expect.stringContaining("training.epochs"),
    });
    expect(await refused(spec({ model: { qubits: 20 } }))).toEqual({
      code: "QPLANE_ERR_LIMIT_EXCEEDED",
      message: "spec.model.qubits: 20 is above this server's limit of 8",
    });
    expect(
      await refused(
        spec({ training: { gradient: "spsa" }, backend: { shots: 100, maxShots: 500 } }),
      ),
    ).toMatchObject({ code: "QPLANE_ERR_BUDGET_EXCEEDED" });
    expect(service.submitted).toHaveLength(0);
  });
});
