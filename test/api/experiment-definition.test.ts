/**
 * An experiment's `definition` (GET /v1/experiments/:id) round-trips through
 * POST /v1/experiments, and `POST /v1/experiments/dry-runs` plans an experiment as its
 * submission would be admitted, queuing nothing. No workers: submitted children stay queued.
 */
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/api/app.js";
import type { ExperimentService } from "../../src/jobs/experiment-types.js";
import { createExperimentService } from "../../src/jobs/experiments.js";
import { createJobService } from "../../src/jobs/service.js";
import type { JobService } from "../../src/jobs/types.js";
import { jobSpecSchema } from "../../src/training/spec.js";
import { connect, deleteKeysUnder, silentLogger, testConfig, testPrefix } from "../jobs/helpers.js";

const KEY = "definition-test-key-0123456789";
const OTHER_KEY = "definition-test-other-key-98765";
const SPEC = {
  dataset: { name: "moons", samples: 40, validationFraction: 0.25 },
  model: { qubits: 2, layers: 1 },
  training: { epochs: 2 },
  feedback: { target: "baseline" },
};
/** Every part of a definition: tune, inherit, compare, controls, splitPerSeed, threshold. */
const DEFINITION = {
  spec: SPEC,
  grid: { "feedback.mode": ["off", "lr"], "training.seed": [1, 2] },
  threshold: { metric: "testAccuracy", value: 0.75 },
  compare: { baseline: { "feedback.mode": "off" } },
  controls: ["dose-matched"],
  tune: [{ arm: { "feedback.mode": "off" }, candidates: { "training.learningRate": [0.02, 0.3] } }],
  inherit: [{ arm: { "feedback.mode": "lr" }, fields: ["training.learningRate"] }],
  splitPerSeed: true,
};

describe("experiment definition and dry run", () => {
  const prefix = testPrefix("expdef");
  const config = testConfig(prefix, {
    QPLANE_MAX_EXPERIMENT_JOBS: "40",
    QPLANE_MAX_CONCURRENT_JOBS_PER_KEY: "35",
  });
  let redis: Redis;
  let jobs: JobService;
  let experiments: ExperimentService;
  let app: FastifyInstance;

  beforeAll(async () => {
    redis = connect();
    jobs = createJobService({ config, logger: silentLogger });
    experiments = createExperimentService({ config, jobs, logger: silentLogger });
    app = await buildApp({
      service: jobs,
      experiments,
      apiKeys: [KEY, OTHER_KEY],
      datasetDir: fileURLToPath(new URL("../fixtures/data/", import.meta.url)),
      log: false,
      limits: { ...config.limits, rateLimitPerMinute: 0 },
    });
  });

  afterAll(async () => {
    await app.close();
    await experiments.close();
    await jobs.close();
    await deleteKeysUnder(redis, prefix);
    redis.disconnect();
  });

  const post = (url: string, payload: object, key = KEY) =>
    app.inject({ method: "POST", url, payload, headers: { authorization: `Bearer ${key}` } });
  const get = (url: string, key = KEY) =>
    app.inject({ method: "GET", url, headers: { authorization: `Bearer ${key}` } });

  it("GET definition → POST defines an experiment with the same definition; other tenants get 404", async () => {
    const first = await post("/v1/experiments", { name: "round trip", tags: ["a"], ...DEFINITION });
    expect(first.statusCode, first.body).toBe(202);
    const { id } = first.json();
    const definition = (await get(`/v1/experiments/${id}`)).json().definition;
    expect(definition).toEqual({ ...DEFINITION, spec: jobSpecSchema.parse(SPEC) });

    const again = await post("/v1/experiments", definition);
    expect(again.statusCode, again.body).toBe(202);
    const clone = (await get(`/v1/experiments/${again.json().id}`)).json();
    expect(clone.id).not.toBe(id);
    expect(clone.definition).toEqual(definition);

    const foreign = await get(`/v1/experiments/${id}`, OTHER_KEY);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.body).not.toContain("definition");
    await Promise.all(
      [id, clone.id].map((experiment) => post(`/v1/experiments/${experiment}/cancel`, {})),
    );
  });

  it("compare without a threshold: the definition leaves the default threshold out", async () => {
    const body = {
      spec: SPEC,
      grid: { "feedback.mode": ["off", "lr"] },
      compare: { baseline: { "feedback.mode": "off" } },
    };
    const created = await post("/v1/experiments", body);
    expect(created.statusCode, created.body).toBe(202);
    expect(created.json().definition).toEqual({ ...body, spec: jobSpecSchema.parse(SPEC) });
    await post(`/v1/experiments/${created.json().id}/cancel`, {});
  });

  it("dry run: per arm and in total the children's plans, exactly the single jobs' dry runs; nothing queued", async () => {
    const spec = { ...SPEC, feedback: { target: "label-entropy" } };
    const grid = { "model.layers": [1, 2], "training.seed": [1, 2, 3] };
    const response = await post("/v1/experiments/dry-runs", { spec, grid });
    expect(response.statusCode, response.body).toBe(200);
    const dryRun = response.json();
    const plans = await Promise.all(
      [1, 2].map(async (layers) => {
        const single = await post("/v1/dry-runs", {
          ...spec,
          model: { ...spec.model, layers },
          training: { ...spec.training, seed: 1 },
        });
        expect(single.statusCode, single.body).toBe(200);
        return single.json().plan;
      }),
    );
    const totalsOf = (plan: (typeof plans)[number], runs: number) => ({
      runs,
      planned: runs,
      waiting: 0,
      submissions: runs * plan.totalSubmissions,
      circuits: runs * plan.totalCircuits,
      shots: runs * plan.totalShots,
      estimatedCostUsd: runs * plan.estimatedCostUsd,
      amplitudeOperations: runs * plan.amplitudeOperations,
      peakMemoryBytes: plan.peakMemoryBytes,
    });
    expect(dryRun.arms).toEqual([
      {
        key: "model.layers=1",
        values: { "model.layers": 1 },
        plan: plans[0],
        totals: totalsOf(plans[0], 3),
      },
      {
        key: "model.layers=2",
        values: { "model.layers": 2 },
        plan: plans[1],
        totals: totalsOf(plans[1], 3),
      },
    ]);
    const [one, two] = [totalsOf(plans[0], 3), totalsOf(plans[1], 3)];
    expect(dryRun.totals).toEqual({
      runs: 6,
      planned: 6,
      waiting: 0,
      submissions: one.submissions + two.submissions,
      circuits: one.circuits + two.circuits,
      shots: one.shots + two.shots,
      estimatedCostUsd: 0,
      amplitudeOperations: one.amplitudeOperations + two.amplitudeOperations,
      peakMemoryBytes: Math.max(one.peakMemoryBytes, two.peakMemoryBytes),
    });
    // the local simulator: exact shot-free plans (2 epochs of 30 training samples)
    expect(plans[0]).toMatchObject({ epochs: 2, totalShots: 0, estimatedCostUsd: 0 });
    const queued = (await get("/v1/jobs?limit=100")).json().jobs;
    expect(
      queued.filter((job: { spec: { model: { layers: number } } }) => job.spec.model.layers === 2),
    ).toEqual([]);
  });

  it("dry run of derived children: the tuned arm is planned per candidate, the inheriting arm and control wait", async () => {
    const response = await post("/v1/experiments/dry-runs", DEFINITION);
    expect(response.statusCode, response.body).toBe(200);
    const { arms, totals } = response.json();
    expect(
      arms.map(
        (arm: {
          key: string;
          plan: object | null;
          totals: { runs: number; planned: number; waiting: number };
        }) => [arm.key, arm.plan === null, arm.totals.runs, arm.totals.planned, arm.totals.waiting],
      ),
    ).toEqual([
      ["feedback.mode=off", false, 4, 4, 0],
      ["feedback.mode=lr", true, 2, 0, 2],
      ["feedback.mode=lr / dose-matched", true, 2, 0, 2],
    ]);
    expect(totals).toMatchObject({ runs: 8, planned: 4, waiting: 4 });
  });

  it("dry run: a bad grid value is a 400 naming it, as the submission's", async () => {
    const body = { spec: SPEC, grid: { "feedback.mode": ["off", "sideways"] } };
    const dryRun = await post("/v1/experiments/dry-runs", body);
    const submitted = await post("/v1/experiments", body);
    expect(dryRun.statusCode).toBe(400);
    expect(dryRun.json()).toEqual(submitted.json());
    expect(dryRun.json().error.message).toBe(
      'grid.feedback.mode[1] = "sideways": spec.feedback.mode: Invalid option: expected one of "off"|"loss"|"lr" (got "sideways")',
    );
  });
});
