/** `/v1/experiments` over the real job system: grids refused, limits, CSV and circuit-model grids, the API key. */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EVERYONE } from "../../src/jobs/types.js";
import { keysUnder } from "../jobs/helpers.js";
import { TINY_SPEC, useExperimentsApi } from "./experiments-api.js";

describe("experiments API over the job system", () => {
  const { prefix, state, post, get } = useExperimentsApi("experiments-submission");

  it("refuses bad grids with a 400 naming the field, and queues nothing", async () => {
    const cases: [object, RegExp][] = [
      [{ spec: TINY_SPEC, grid: {} }, /^grid: must vary at least one field/],
      [
        { spec: TINY_SPEC, grid: { "feedback.speed": [1] } },
        /^grid\.feedback\.speed: unknown spec field/,
      ],
      [
        { spec: TINY_SPEC, grid: { "feedback.alpha": [1, "lots"] } },
        /^grid\.feedback\.alpha\[1\] = "lots": spec\.feedback\.alpha: /,
      ],
      [
        { spec: TINY_SPEC, grid: { "training.seed": Array.from({ length: 41 }, (_, i) => i) } },
        /^grid: 41 = 41 jobs, more than the 40 an experiment may have$/,
      ],
      [
        { spec: { ...TINY_SPEC, training: { epochs: 0 } }, grid: { "training.seed": [1] } },
        /^spec\.training\.epochs: /,
      ],
      [
        { spec: TINY_SPEC, grid: { "backend.name": ["local", "nowhere"] } },
        /^grid: arm backend\.name=nowhere: spec\.backend\.name: unknown backend "nowhere"/,
      ],
      [
        {
          spec: TINY_SPEC,
          grid: { "training.seed": [1] },
          threshold: { metric: "speed", value: 1 },
        },
        /^threshold\.metric: /,
      ],
      [{ spec: TINY_SPEC }, /^grid: /],
    ];
    for (const [payload, message] of cases) {
      const response = await post("/v1/experiments", payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().error.message).toMatch(message);
    }
    expect((await state.jobs.list({ limit: 10 }, EVERYONE)).jobs).toEqual([]);
    expect(await keysUnder(state.redis, `${prefix}:experiment`)).toEqual([]);
    expect((await get("/v1/experiments")).json()).toEqual({ experiments: [], nextCursor: null });
    expect((await get("/v1/experiments/not-an-id")).statusCode).toBe(400);
    const missing = await get("/v1/experiments/01KB0000000000000000000000");
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe("QPLANE_ERR_EXPERIMENT_NOT_FOUND");
  });

  it("counts children against the key's unfinished-job limit: over it, nothing stays queued", async () => {
    const response = await post("/v1/experiments", {
      spec: TINY_SPEC,
      grid: { "training.seed": Array.from({ length: 36 }, (_, i) => i + 1) },
    });
    expect(response.statusCode).toBe(429);
    expect(response.json().error).toEqual({
      code: "QPLANE_ERR_TOO_MANY_JOBS",
      message:
        "the experiment needs 36 job slots of this API key, which has 0 unfinished jobs of the 35 allowed (QPLANE_MAX_CONCURRENT_JOBS_PER_KEY); nothing was queued",
    });
    expect((await state.jobs.list({ limit: 100 }, EVERYONE)).jobs).toEqual([]);
    expect(await keysUnder(state.redis, `${prefix}:experiment`)).toEqual([]);
  });

  it("runs grids over a CSV dataset from the dataset directory", async () => {
    const response = await post("/v1/experiments", {
      spec: {
        dataset: { name: "csv", path: "good.csv", target: "kind" },
        model: { qubits: 2, layers: 1 },
        training: { epochs: 1 },
      },
      grid: { "training.seed": [1, 2] },
    });
    expect(response.statusCode, response.body).toBe(202);
    const child = (await get(`/v1/jobs/${response.json().jobIds[1]}`)).json();
    expect(child.spec.dataset.path).toBe(
      fileURLToPath(new URL("../fixtures/data/good.csv", import.meta.url)),
    );
    expect(child.spec.training.seed).toBe(2);
    await post(`/v1/experiments/${response.json().id}/cancel`);
    for (const id of response.json().jobIds) await state.jobs.remove(id, EVERYONE);
  });

  it("grids over a circuit model: gradients × seeds and program alternatives, keyed by hash", async () => {
    const fixture = readFileSync(
      new URL("../fixtures/circuits/qiskit-vqc.qasm", import.meta.url),
      "utf8",
    );
    const cz = fixture.replace("cx q[0], q[1];", "cz q[0], q[1];");
    const spec = {
      dataset: { name: "iris" },
      model: { kind: "circuit", qasm: fixture },
      training: { epochs: 1 },
    };
    const response = await post("/v1/experiments", {
      spec,
      grid: {
        "model.qasm": [fixture, cz],
        "training.gradient": ["adjoint", "parameter-shift"],
        "training.seed": [1, 2],
      },
    });
    expect(response.statusCode, response.body).toBe(202);
    const { id, jobIds } = response.json() as { id: string; jobIds: string[] };
    expect(jobIds).toHaveLength(8);
    const sha = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 12);
    const view = (await get(`/v1/experiments/${id}`)).json();
    expect(view.arms.map((arm: { key: string }) => arm.key)).toEqual([
      `model.qasm=sha256:${sha(fixture)}, training.gradient=adjoint`,
      `model.qasm=sha256:${sha(fixture)}, training.gradient=parameter-shift`,
      `model.qasm=sha256:${sha(cz)}, training.gradient=adjoint`,
      `model.qasm=sha256:${sha(cz)}, training.gradient=parameter-shift`,
    ]);
    const last = (await get(`/v1/jobs/${jobIds[7]}`)).json();
    expect(last.spec.model).toMatchObject({ kind: "circuit", qasm: cz, qubits: 4 });
    expect(last.spec.training).toMatchObject({ gradient: "parameter-shift", seed: 2 });
    await post(`/v1/experiments/${id}/cancel`);
    for (const jobId of jobIds) await state.jobs.remove(jobId, EVERYONE);

    // a program file is the CLI's: the API names the grid entry
    const file = await post("/v1/experiments", {
      spec,
      grid: { "model.qasmFile": ["vqc.qasm"] },
    });
    expect(file.statusCode).toBe(400);
    expect(file.json().error.message).toMatch(
      /^grid\.model\.qasmFile\[0\] = "vqc\.qasm": spec\.model\.qasmFile: only the CLI reads a program file/,
    );
  });

  it("needs the API key, and never answers a malformed body with a 5xx", async () => {
    const anonymous = await state.app.inject({
      method: "POST",
      url: "/v1/experiments",
      payload: { spec: TINY_SPEC, grid: { "training.seed": [1] } },
    });
    expect(anonymous.statusCode).toBe(401);
    expect((await state.app.inject({ method: "GET", url: "/v1/experiments" })).statusCode).toBe(
      401,
    );
    const gridValue = fc.oneof(
      fc.constantFrom("off", "lr", "adam", -1, 0, 0.5, 3, 1e9, true, null),
      fc.array(fc.integer({ min: -2, max: 9 }), { maxLength: 3 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            spec: fc.oneof(fc.constant(TINY_SPEC), fc.jsonValue()),
            grid: fc.oneof(
              fc.dictionary(
                fc.constantFrom(
                  "feedback.mode",
                  "training.seed",
                  "model.qubits",
                  "x.y",
                  "dataset",
                  "",
                ),
                fc.oneof(fc.array(gridValue, { maxLength: 3 }), fc.jsonValue()),
                { maxKeys: 3 },
              ),
              fc.jsonValue(),
            ),
            threshold: fc.jsonValue(),
            name: fc.oneof(fc.string(), fc.jsonValue()),
          },
          { requiredKeys: [] },
        ),
        async (payload) => {
          const response = await post("/v1/experiments", payload);
          expect(response.statusCode, JSON.stringify(payload)).toBeLessThan(500);
          if (response.statusCode !== 202) {
            expect(response.statusCode).toBe(400);
            expect(response.json().error.message).toMatch(
              /^(spec|grid|threshold|name|tags|body)\b/,
            );
          }
        },
      ),
      { numRuns: 150 },
    );
    // the few valid grids queued their children; cancel them so the next test starts clean
    const page = (await get("/v1/experiments?limit=100")).json();
    for (const experiment of page.experiments) {
      await post(`/v1/experiments/${experiment.id}/cancel`);
      for (const id of experiment.jobIds) await state.jobs.remove(id, EVERYONE).catch(() => {});
      await state.redis.del(`${prefix}:experiment:${experiment.id}`);
      await state.redis.zrem(`${prefix}:experiments`, experiment.id);
    }
  }, 60_000);
});
