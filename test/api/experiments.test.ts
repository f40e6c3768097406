/**
 * `/v1/experiments` over the real job system (Redis, BullMQ, two in-process workers): a grid
 * of 30 tiny jobs completes and its aggregate table equals what the children's own metrics
 * give; bad grids queue nothing; CSV, curves, cancel and the all-jobs event stream.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import type { FastifyInstance } from "fastify";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/api/app.js";
import { meanStd, stepsToExperimentThreshold } from "../../src/experiments/aggregate.js";
import { holmAdjust } from "../../src/experiments/statistics.js";
import type { ExperimentService } from "../../src/jobs/experiment-types.js";
import { createExperimentService } from "../../src/jobs/experiments.js";
import { createJobService } from "../../src/jobs/service.js";
import { EVERYONE, type JobService } from "../../src/jobs/types.js";
import { startWorker, type WorkerHandle } from "../../src/jobs/worker.js";
import type { EpochRecord } from "../../src/training/records.js";
import { statusCounts } from "../helpers/status-counts.js";
import {
  connect,
  deleteKeysUnder,
  keysUnder,
  silentLogger,
  testConfig,
  testPrefix,
  waitFor,
} from "../jobs/helpers.js";

const KEY = "experiments-test-key-0123456789";
const AUTH = { authorization: `Bearer ${KEY}` };
const TINY_SPEC = {
  dataset: { name: "moons", samples: 40 },
  model: { qubits: 2, layers: 1 },
  training: { epochs: 2 },
};

interface StatJson {
  mean: number | null;
  std: number | null;
  n: number;
}

describe("experiments API over the job system", () => {
  const prefix = testPrefix("experiments");
  const config = testConfig(prefix, {
    QPLANE_MAX_EXPERIMENT_JOBS: "40",
    QPLANE_MAX_CONCURRENT_JOBS_PER_KEY: "35",
  });
  let redis: Redis;
  let jobs: JobService;
  let experiments: ExperimentService;
  let app: FastifyInstance;
  const workers: WorkerHandle[] = [];

  beforeAll(async () => {
    redis = connect();
    jobs = createJobService({ config, logger: silentLogger });
    experiments = createExperimentService({ config, jobs, logger: silentLogger });
    app = await buildApp({
      service: jobs,
      experiments,
      apiKeys: [KEY],
      datasetDir: fileURLToPath(new URL("../fixtures/data/", import.meta.url)),
      log: false,
      limits: { ...config.limits, rateLimitPerMinute: 0 },
    });
  });

  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.close()));
    await app.close();
    await experiments.close();
    await jobs.close();
    await deleteKeysUnder(redis, prefix);
    redis.disconnect();
  });

  const post = (url: string, payload?: object) =>
    payload === undefined
      ? app.inject({ method: "POST", url, headers: AUTH })
      : app.inject({ method: "POST", url, headers: AUTH, payload });
  const get = (url: string) => app.inject({ method: "GET", url, headers: AUTH });
  /** The experiment's view once it has completed, read every 200 ms. */
  const completedExperiment = (id: string, what: string, timeoutMs: number) =>
    waitFor(
      async () => {
        const view = (await get(`/v1/experiments/${id}`)).json();
        return view.status === "completed" ? view : undefined;
      },
      what,
      timeoutMs,
      200,
    );

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
    expect((await jobs.list({ limit: 10 }, EVERYONE)).jobs).toEqual([]);
    expect(await keysUnder(redis, `${prefix}:experiment`)).toEqual([]);
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
    expect((await jobs.list({ limit: 100 }, EVERYONE)).jobs).toEqual([]);
    expect(await keysUnder(redis, `${prefix}:experiment`)).toEqual([]);
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
    for (const id of response.json().jobIds) await jobs.remove(id, EVERYONE);
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
    for (const jobId of jobIds) await jobs.remove(jobId, EVERYONE);

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
    const anonymous = await app.inject({
      method: "POST",
      url: "/v1/experiments",
      payload: { spec: TINY_SPEC, grid: { "training.seed": [1] } },
    });
    expect(anonymous.statusCode).toBe(401);
    expect((await app.inject({ method: "GET", url: "/v1/experiments" })).statusCode).toBe(401);
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
      for (const id of experiment.jobIds) await jobs.remove(id, EVERYONE).catch(() => {});
      await redis.del(`${prefix}:experiment:${experiment.id}`);
      await redis.zrem(`${prefix}:experiments`, experiment.id);
    }
  }, 60_000);

  it("runs 30 tiny jobs on two workers; the aggregate table equals the children's metrics", async () => {
    const submitted = await post("/v1/experiments", {
      name: "modes",
      tags: ["smoke"],
      spec: TINY_SPEC,
      grid: {
        "feedback.mode": ["off", "loss", "lr"],
        "training.seed": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      },
      threshold: { metric: "testAccuracy", value: 0.6 },
    });
    expect(submitted.statusCode).toBe(202);
    const created = submitted.json();
    expect(submitted.headers.location).toBe(`/v1/experiments/${created.id}`);
    expect(created).toMatchObject({
      name: "modes",
      tags: ["smoke"],
      status: "queued",
      metric: "testAccuracy",
      replicateField: "training.seed",
      counts: { queued: 30, running: 0, completed: 0, failed: 0, cancelled: 0, missing: 0 },
    });
    expect(created.arms.map((arm: { key: string }) => arm.key)).toEqual([
      "feedback.mode=off",
      "feedback.mode=loss",
      "feedback.mode=lr",
    ]);
    // children are ordinary jobs, tagged with the experiment
    const child = (await get(`/v1/jobs/${created.arms[2].jobIds[4]}`)).json();
    expect(child.tags).toEqual([`experiment:${created.id}`, "smoke"]);
    expect(child.name).toBe("modes · feedback.mode=lr, seed=5");
    expect(child.spec.feedback.mode).toBe("lr");
    expect(child.spec.training.seed).toBe(5);

    const started = Date.now();
    workers.push(
      await startWorker(config, { logger: silentLogger }),
      await startWorker(config, { logger: silentLogger }),
    );
    const done = await completedExperiment(created.id, "the experiment to complete", 120_000);
    const elapsedMs = Date.now() - started;
    console.info(`experiment of 30 tiny jobs on 2 workers: ${elapsedMs} ms`);
    expect(done.counts).toMatchObject({ completed: 30 });

    // recompute every arm from the children's own records, as a client would
    for (const arm of done.arms as {
      jobIds: string[];
      finalMetric: StatJson;
      stepsToThreshold: StatJson & { censored: number; split?: string };
      finalIxt: StatJson;
      finalIty: StatJson;
    }[]) {
      const finals: EpochRecord[] = [];
      const steps: number[] = [];
      let censored = 0;
      for (const id of arm.jobIds) {
        const records: EpochRecord[] = (await get(`/v1/jobs/${id}/metrics`)).json().metrics;
        expect(records).toHaveLength(2);
        finals.push(records.at(-1)!);
        // testAccuracy thresholds count steps on the validation, else the training, split
        const reached = stepsToExperimentThreshold(records, { metric: "testAccuracy", value: 0.6 });
        steps.push(reached!.steps);
        if (reached!.censored) censored++;
      }
      expect(arm.finalMetric).toEqual(meanStd(finals.map((record) => record.testAccuracy!)));
      expect(arm.finalIxt).toEqual(meanStd(finals.map((record) => record.ixt)));
      expect(arm.finalIty).toEqual(meanStd(finals.map((record) => record.ity)));
      expect(arm.stepsToThreshold).toEqual({ ...meanStd(steps), censored, split: "train" });
      expect(arm.finalMetric.n).toBe(10);
    }
    // different modes are different runs: lr feedback changes the trajectory
    expect(done.arms[0].finalIxt.mean).not.toBe(done.arms[2].finalIxt.mean);

    const csv = await get(`/v1/experiments/${created.id}?format=csv`);
    expect(csv.headers["content-type"]).toBe("text/csv; charset=utf-8");
    const rows = csv.body.trimEnd().split("\n");
    expect(rows).toHaveLength(4);
    expect(rows[1]!.split(",").slice(0, 8)).toEqual([
      "feedback.mode=off",
      "off",
      "10",
      "10",
      "testAccuracy",
      String(done.arms[0].finalMetric.mean),
      String(done.arms[0].finalMetric.std),
      "10",
    ]);

    const curves = (await get(`/v1/experiments/${created.id}/curves`)).json();
    expect(curves.arms).toHaveLength(3);
    expect(curves.arms[1].epochs.map((epoch: { n: number }) => epoch.n)).toEqual([10, 10]);
    expect(curves.arms[1].epochs[1].ixt).toEqual(done.arms[1].finalIxt);
    // I* exists only where feedback is on: H(Y) of the training labels, about 1 bit for moons
    expect(curves.arms[0].epochs[1].compressionTarget).toEqual({ mean: null, std: null, n: 0 });
    expect(curves.arms[2].epochs[1].compressionTarget.n).toBe(10);
    expect(curves.arms[2].epochs[1].compressionTarget.mean).toBeGreaterThan(0.9);
    expect(curves.arms[2].epochs[1].compressionTarget.mean).toBeLessThanOrEqual(1);

    const listed = (await get("/v1/experiments?limit=5")).json();
    expect(listed.experiments.map((experiment: { id: string }) => experiment.id)).toEqual([
      created.id,
    ]);
    expect(listed.nextCursor).toBeNull();
    // lists read statuses only: counts and per-arm progress, no aggregates
    expect(listed.experiments[0]).toMatchObject({ status: "completed", counts: { completed: 30 } });
    expect(listed.experiments[0].arms[0]).toEqual({
      key: "feedback.mode=off",
      values: { "feedback.mode": "off" },
      metric: "testAccuracy",
      jobIds: done.arms[0].jobIds,
      slots: ["r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9"],
      jobs: 10,
      completed: 10,
    });
  }, 150_000);

  it("compare: a baseline naming no arm and controls are 400s naming the field, nothing queued", async () => {
    const before = (await jobs.list({ limit: 100 }, EVERYONE)).jobs.length;
    const cases: [object, string][] = [
      [
        {
          spec: TINY_SPEC,
          grid: { "feedback.mode": ["off", "lr"], "training.seed": [1, 2] },
          compare: { baseline: { "feedback.mode": "loss" } },
        },
        'compare.baseline: {"feedback.mode":"loss"} matches no arm; it must name exactly one of the arms "feedback.mode=off", "feedback.mode=lr"',
      ],
      [
        {
          spec: TINY_SPEC,
          grid: { "training.seed": [1, 2] },
          compare: { baseline: { "feedback.mode": "off" } },
        },
        "compare.baseline.feedback.mode: not a field that defines the arms (they vary nothing but the replicate seed)",
      ],
      [
        {
          spec: TINY_SPEC,
          grid: { "feedback.mode": ["off", "lr"], "training.seed": [1, 2] },
          controls: ["placebo"],
        },
        'controls: ["placebo"] are compared with the baseline arm: give compare.baseline',
      ],
      [
        {
          spec: TINY_SPEC,
          grid: { "feedback.alpha": [1, 2], "training.seed": [1, 2] },
          compare: { baseline: { "feedback.alpha": 1 } },
          controls: ["placebo"],
        },
        'controls: ["placebo"] are derived from feedback arms, but every arm has feedback.mode "off" (vary feedback.mode in the grid or set it in the spec)',
      ],
      [
        {
          spec: TINY_SPEC,
          grid: { "feedback.mode": ["off", "lr"], "training.seed": [1, 2] },
          tune: [
            {
              arm: { "feedback.mode": "off" },
              candidates: { "training.learningRate": [0.05, 0.2] },
            },
          ],
        },
        "tune[0]: arm feedback.mode=off has no validation split to choose its candidates on (set dataset.validationFraction > 0)",
      ],
      [
        {
          spec: TINY_SPEC,
          grid: { "feedback.mode": ["off", "lr"], "training.seed": [1, 2] },
          inherit: [{ arm: { "feedback.mode": "lr" }, fields: ["training.learningRate"] }],
        },
        "inherit: needs compare.baseline (the arm whose selected run the fields are taken from)",
      ],
    ];
    for (const [payload, message] of cases) {
      const response = await post("/v1/experiments", payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().error.message).toBe(message);
    }
    expect((await jobs.list({ limit: 100 }, EVERYONE)).jobs).toHaveLength(before);
  });

  it("compare: comparisons pair the children's own summaries by seed, in JSON and CSV", async () => {
    const submitted = await post("/v1/experiments", {
      spec: TINY_SPEC,
      grid: { "feedback.mode": ["off", "lr"], "training.seed": [1, 2, 3] },
      threshold: { metric: "trainLoss", value: 0.5 },
      compare: { baseline: { "feedback.mode": "off" } },
    });
    expect(submitted.statusCode, submitted.body).toBe(202);
    const { id } = submitted.json();
    expect(submitted.json().compare).toEqual({
      baseline: { "feedback.mode": "off" },
      baselineArm: "feedback.mode=off",
    });
    expect(submitted.json().comparisons).toEqual([]);
    const done = await completedExperiment(id, "the compared experiment to complete", 60_000);
    expect(done.comparisons.map((c: { metric: string; n: number }) => [c.metric, c.n])).toEqual([
      ["testAccuracy", 3],
      ["stepsToThreshold", 3],
    ]);
    const [accuracy, steps] = done.comparisons;
    for (const [index, pair] of accuracy.pairs.entries()) {
      const mine = (await get(`/v1/jobs/${done.arms[1].jobIds[index]}`)).json();
      const theirs = (await get(`/v1/jobs/${done.arms[0].jobIds[index]}`)).json();
      expect(pair).toEqual({
        seed: index + 1,
        value: mine.summary.testAccuracy,
        baselineValue: theirs.summary.testAccuracy,
      });
      // steps to train loss ≤ 0.5 (no validation split), else censored: the budget + 1
      const stepsOf = async (jobId: string) => {
        const records: EpochRecord[] = (await get(`/v1/jobs/${jobId}/metrics`)).json().metrics;
        const reached = records.find((record) => record.trainLoss <= 0.5);
        return reached ? reached.step : records.at(-1)!.step! + 1;
      };
      expect(steps.pairs[index]).toEqual({
        seed: index + 1,
        value: await stepsOf(done.arms[1].jobIds[index]),
        baselineValue: await stepsOf(done.arms[0].jobIds[index]),
      });
    }
    expect(steps.split).toBe("train");
    // every child completed, on one split and budget: no seed left out
    expect([accuracy.unpaired, steps.unpaired, steps.excluded]).toEqual([
      { arm: 0, baseline: 0 },
      { arm: 0, baseline: 0 },
      { split: 0, budget: 0 },
    ]);
    expect(steps.censored.arm + steps.censored.baseline).toBeLessThanOrEqual(6);
    expect([accuracy.holmP, steps.holmP]).toEqual(
      holmAdjust([accuracy.wilcoxonP, steps.wilcoxonP]),
    );
    const csv = (await get(`/v1/experiments/${id}?format=csv`)).body;
    const [armsTable, comparisonTable] = csv.split("\n\n") as [string, string];
    expect(armsTable.split("\n")).toHaveLength(3);
    const rows = comparisonTable.trimEnd().split("\n");
    expect(
      rows[0]!.startsWith(
        "comparisonArm,baseline,metric,n,unpairedArm,unpairedBaseline,medianDiff,ci95Low,ci95High,",
      ),
    ).toBe(true);
    expect(rows[1]!.split(",").slice(0, 7)).toEqual([
      "feedback.mode=lr",
      "feedback.mode=off",
      "testAccuracy",
      "3",
      "0",
      "0",
      String(accuracy.medianDiff),
    ]);
  }, 90_000);

  it("controls: queued as their feedback runs finish; they complete as arms with comparisons", async () => {
    const submitted = await post("/v1/experiments", {
      spec: TINY_SPEC,
      grid: { "feedback.mode": ["off", "lr"], "training.seed": [1, 2] },
      compare: { baseline: { "feedback.mode": "off" } },
      controls: ["dose-matched", "placebo"],
    });
    expect(submitted.statusCode, submitted.body).toBe(202);
    const created = submitted.json();
    expect(created.controls).toEqual(["dose-matched", "placebo"]);
    // the workers are running: the grid's four children may have started already
    expect(created.counts.waiting).toBe(4);
    expect(created.counts.queued + created.counts.running + created.counts.completed).toBe(4);
    expect(created.arms.map((arm: { jobIds: string[] }) => arm.jobIds.length)).toEqual([
      2, 2, 0, 0,
    ]);
    // reading the experiment queues the controls once their feedback runs have finished
    const done = await completedExperiment(
      created.id,
      "the experiment with controls to complete",
      90_000,
    );
    expect(done.counts).toEqual(statusCounts({ completed: 8 }));
    expect(
      done.arms.map((arm: { key: string; control?: object; completed: number }) => [
        arm.key,
        arm.control ?? null,
        arm.completed,
      ]),
    ).toEqual([
      ["feedback.mode=off", null, 2],
      ["feedback.mode=lr", null, 2],
      ["feedback.mode=lr / dose-matched", { kind: "dose-matched", of: "feedback.mode=lr" }, 2],
      ["feedback.mode=lr / placebo", { kind: "placebo", of: "feedback.mode=lr" }, 2],
    ]);
    // jobIds[i] is the child of slots[i]: seed order
    for (const arm of done.arms) expect(arm.slots).toEqual(["r0", "r1"]);
    for (const [index, sourceId] of done.arms[1].jobIds.entries()) {
      const source = (await get(`/v1/jobs/${sourceId}`)).json();
      const dose = (await get(`/v1/jobs/${done.arms[2].jobIds[index]}`)).json();
      expect(dose.tags).toEqual([`experiment:${created.id}`]);
      expect(dose.spec.feedback.mode).toBe("off");
      expect(dose.spec.training.learningRate).toBe(source.summary.meanLearningRate);
      expect(dose.spec.training.seed).toBe(index + 1);
    }
    expect(
      done.comparisons.map((c: { arm: string; metric: string; n: number }) => [
        c.arm,
        c.metric,
        c.n,
      ]),
    ).toEqual([
      ["feedback.mode=lr", "testAccuracy", 2],
      ["feedback.mode=lr / dose-matched", "testAccuracy", 2],
      ["feedback.mode=lr / placebo", "testAccuracy", 2],
    ]);
    const placeboPairs = done.comparisons[2].pairs;
    for (const [index, pair] of placeboPairs.entries()) {
      const placebo = (await get(`/v1/jobs/${done.arms[3].jobIds[index]}`)).json();
      expect(pair.value).toBe(placebo.summary.testAccuracy);
    }
  }, 120_000);

  it("tune + inherit + feedback.target baseline: the lr arm runs at the baseline's selected rate and I(X;T)", async () => {
    const submitted = await post("/v1/experiments", {
      spec: {
        ...TINY_SPEC,
        dataset: { name: "moons", samples: 40, validationFraction: 0.25 },
        feedback: { target: "baseline" },
      },
      grid: { "feedback.mode": ["off", "lr"], "training.seed": [1, 2] },
      compare: { baseline: { "feedback.mode": "off" } },
      tune: [
        { arm: { "feedback.mode": "off" }, candidates: { "training.learningRate": [0.02, 0.3] } },
      ],
      inherit: [{ arm: { "feedback.mode": "lr" }, fields: ["training.learningRate"] }],
    });
    expect(submitted.statusCode, submitted.body).toBe(202);
    const created = submitted.json();
    expect(created.counts.waiting).toBe(2);
    expect(created.counts.queued + created.counts.running + created.counts.completed).toBe(4);
    expect(created.arms[0].tuning).toEqual({
      candidates: [{ "training.learningRate": 0.02 }, { "training.learningRate": 0.3 }],
    });
    expect(created.arms[1]).toMatchObject({ deferred: true, jobIds: [] });
    const done = await completedExperiment(created.id, "the tuned experiment to complete", 90_000);
    expect(done.counts).toMatchObject({ completed: 6, waiting: 0, unrunnable: 0 });
    expect(done.arms[1].slots).toEqual(["r0", "r1"]);
    const children = (await get(`/v1/jobs?tag=experiment:${created.id}&limit=10`)).json().jobs;
    expect(children).toHaveLength(6);
    for (const [index, selection] of done.arms[0].selected.entries()) {
      const seed = index + 1;
      // the candidate with the best validation accuracy at the last epoch (ties: lower loss)
      const candidates = children.filter(
        (job: { spec: { feedback: { mode: string }; training: { seed: number } } }) =>
          job.spec.feedback.mode === "off" && job.spec.training.seed === seed,
      );
      expect(candidates).toHaveLength(2);
      const scored = await Promise.all(
        candidates.map(
          async (job: { id: string; spec: { training: { learningRate: number } } }) => {
            const last = (await get(`/v1/jobs/${job.id}/metrics`)).json().metrics.at(-1);
            return {
              job,
              accuracy: last.validationAccuracy,
              loss: last.validationLoss,
              ixt: last.ixt,
            };
          },
        ),
      );
      scored.sort(
        (a, b) =>
          b.accuracy - a.accuracy ||
          a.loss - b.loss ||
          a.job.spec.training.learningRate - b.job.spec.training.learningRate,
      );
      const best = scored[0]!;
      expect(selection).toEqual({
        seed,
        candidate: { "training.learningRate": best.job.spec.training.learningRate },
        jobId: best.job.id,
      });
      expect(done.arms[0].jobIds[index]).toBe(best.job.id);
      const lr = (await get(`/v1/jobs/${done.arms[1].jobIds[index]}`)).json();
      expect(lr.spec.training.seed).toBe(seed);
      expect(lr.spec.training.learningRate).toBe(best.job.spec.training.learningRate);
      expect(lr.spec.feedback.target).toBe(best.ixt);
      expect(done.comparisons[0].pairs[index]).toEqual({
        seed,
        value: lr.summary.testAccuracy,
        baselineValue: (await get(`/v1/jobs/${best.job.id}`)).json().summary.testAccuracy,
      });
    }
  }, 120_000);

  it("cancels every unfinished child", async () => {
    const submitted = await post("/v1/experiments", {
      spec: {
        ...TINY_SPEC,
        dataset: { name: "moons", samples: 2000 },
        model: { qubits: 8, layers: 4 },
        training: { epochs: 200 },
      },
      grid: { "training.seed": [1, 2, 3, 4] },
    });
    expect(submitted.statusCode).toBe(202);
    const { id } = submitted.json();
    const cancelled = await post(`/v1/experiments/${id}/cancel`);
    expect(cancelled.statusCode).toBe(200);
    const view = await waitFor(
      async () => {
        const current = (await get(`/v1/experiments/${id}`)).json();
        return current.status === "cancelled" ? current : undefined;
      },
      "the experiment to be cancelled",
      30_000,
    );
    expect(view.counts.cancelled).toBe(4);
    expect(view.arms[0].finalMetric).toEqual({ mean: null, std: null, n: 0 });
    // an experiment lives as long as its children: removed (or expired) children end it
    for (const jobId of view.jobIds) await jobs.remove(jobId, EVERYONE);
    const gone = await get(`/v1/experiments/${id}`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.code).toBe("QPLANE_ERR_EXPERIMENT_NOT_FOUND");
    expect(await redis.exists(`${prefix}:experiment:${id}`)).toBe(0);
  }, 40_000);

  it("replays an Idempotency-Key: same body → the same experiment, other body → 409", async () => {
    const payload = { spec: TINY_SPEC, grid: { "training.seed": [11, 12] } };
    const headers = { ...AUTH, "idempotency-key": "sweep-2026-11-28" };
    const send = (body: object) =>
      app.inject({ method: "POST", url: "/v1/experiments", headers, payload: body });
    const first = await send(payload);
    expect(first.statusCode).toBe(202);
    const again = await send(payload);
    expect(again.statusCode).toBe(200);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(again.headers.location).toBe(first.headers.location);
    expect(again.json().id).toBe(first.json().id);
    expect(again.json().jobIds).toEqual(first.json().jobIds);
    // no second set of children
    const children = await jobs.list({ tag: `experiment:${first.json().id}`, limit: 10 }, EVERYONE);
    expect(children.jobs).toHaveLength(2);
    const other = await send({ ...payload, grid: { "training.seed": [13] } });
    expect(other.statusCode).toBe(409);
    expect(other.json().error).toEqual({
      code: "QPLANE_ERR_IDEMPOTENCY_CONFLICT",
      message: `Idempotency-Key: already used for experiment ${first.json().id} with a different request body`,
    });
    await post(`/v1/experiments/${first.json().id}/cancel`);
  });

  it("streams every job's events with its id on /v1/events", async () => {
    const address = await app.listen({ port: 0, host: "127.0.0.1" });
    const controller = new AbortController();
    const response = await fetch(`${address}/v1/events`, {
      headers: AUTH,
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const reader = response.body!.getReader();
    let text = "";
    const submitted = await post("/v1/jobs", TINY_SPEC);
    const jobId = submitted.json().id as string;
    await waitFor(
      async () => {
        const { value } = await reader.read();
        text += new TextDecoder().decode(value);
        return text.includes(`"jobId":"${jobId}","type":"status","status":"completed"`);
      },
      "the job's completed event on the all-jobs stream",
      30_000,
    );
    controller.abort();
    expect(text.startsWith(": connected\n\n")).toBe(true);
    expect(text).toContain(
      `event: status\ndata: {"jobId":"${jobId}","type":"status","status":"queued"`,
    );
    expect(text).toContain(
      `event: metric\ndata: {"jobId":"${jobId}","type":"metric","record":{"epoch":2,`,
    );
  }, 40_000);
});
