import { readFileSync } from "node:fs";
import type { FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FakeJobService } from "./fake-job-service.js";
import { submit, testApp } from "./helpers.js";

const FIXTURE = readFileSync(
  new URL("../fixtures/circuits/qiskit-vqc.qasm", import.meta.url),
  "utf8",
);
const circuitSpec = (model: Record<string, unknown>) => ({
  dataset: { name: "iris", samples: 150 },
  model: { kind: "circuit", ...model },
  training: { epochs: 2 },
});

let app: FastifyInstance;
let service: FakeJobService;

beforeEach(async () => {
  ({ app, service } = await testApp());
});
afterEach(async () => {
  await app.close();
});

describe("model.kind: circuit over HTTP", () => {
  it("plans an inline program (dry run) and GET shows the program in the spec", async () => {
    const body = circuitSpec({ qasm: FIXTURE });
    const dry = await app.inject({ method: "POST", url: "/v1/jobs?dryRun=true", payload: body });
    expect(dry.statusCode).toBe(200);
    expect(dry.json().plan).toMatchObject({ epochs: 2 });
    expect(service.submitted).toHaveLength(0);

    const id = await submit(app, body);
    const job = (await app.inject({ url: `/v1/jobs/${id}` })).json();
    expect(job.spec.model).toMatchObject({ kind: "circuit", qasm: FIXTURE, qubits: 4 });
  });

  it("refuses model.qasmFile (400 naming the field) and a bad program with its line and column", async () => {
    const file = await app.inject({
      method: "POST",
      url: "/v1/jobs",
      payload: circuitSpec({ qasmFile: "/etc/passwd" }),
    });
    expect(file.statusCode).toBe(400);
    expect(file.json().error.code).toBe("QPLANE_ERR_SPEC_INVALID");
    expect(file.json().error.message).toContain("spec.model.qasmFile: only the CLI reads");

    const bad = await app.inject({
      method: "POST",
      url: "/v1/jobs",
      payload: circuitSpec({
        qasm: FIXTURE.replace("reset", "").replace("cx q[0], q[1];", "reset q[0];"),
      }),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(
      /spec\.model\.qasm: line 37, column 1: 'reset' is not supported/,
    );

    // the data's feature count is only known at admission: still a 400 before queueing
    const moons = await app.inject({
      method: "POST",
      url: "/v1/jobs",
      payload: { ...circuitSpec({ qasm: FIXTURE }), dataset: { name: "moons", samples: 64 } },
    });
    expect(moons.statusCode).toBe(400);
    expect(moons.json().error.message).toMatch(/spec\.model\.qasm: .*input x2 names feature 2/);
    expect(service.submitted).toHaveLength(0);
  });

  it("refuses model.initialWeights naming no weight, or a non-finite value, before queueing", async () => {
    const unknown = await app.inject({
      method: "POST",
      url: "/v1/jobs",
      payload: circuitSpec({ qasm: FIXTURE, initialWeights: { theta_0: 0.1, phi: 2 } }),
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error).toEqual({
      code: "QPLANE_ERR_SPEC_INVALID",
      message:
        "spec.model.initialWeights.phi: the program declares no input phi (got 2; weights: theta_0, theta_1, theta_2, theta_3, theta_4, theta_5, theta_6, theta_7, … (16 in all))",
    });
    const text = await app.inject({
      method: "POST",
      url: "/v1/jobs",
      payload: circuitSpec({ qasm: FIXTURE, initialWeights: { theta_0: "big" } }),
    });
    expect(text.statusCode).toBe(400);
    expect(text.json().error.message).toBe(
      'spec.model.initialWeights.theta_0: Invalid input: expected number, received string (got "big")',
    );
    expect(service.submitted).toHaveLength(0);

    const id = await submit(app, circuitSpec({ qasm: FIXTURE, initialWeights: { theta_3: -0.5 } }));
    const job = (await app.inject({ url: `/v1/jobs/${id}` })).json();
    expect(job.spec.model.initialWeights).toEqual({ theta_3: -0.5 });
  });
});
