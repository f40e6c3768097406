/**
 * Bounded running time against a real worker process (the compiled
 * dist/src/jobs/worker-main.js; `npm test` builds first) and Redis: a step of a wide circuit
 * takes many seconds, yet cancel and SIGTERM act within about a second, the job's lock is
 * renewed during the step, and a job past its time limit fails keeping its epochs.
 *
 * The worker runs with a 1 s lock: before the simulator paused inside steps, a step longer
 * than the lock lost it ("lost job lock") and the job was requeued until its retries ran out.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJobService } from "../../src/jobs/service.js";
import { EVERYONE, type JobRecord, type JobService } from "../../src/jobs/types.js";
import { type ForkedWorker, forkWorker } from "../../src/jobs/worker-process.js";
import { type JobSpec, parseJobSpec } from "../../src/training/spec.js";
import {
  connect,
  deleteKeysUnder,
  jobFinished,
  REDIS_URL,
  silentLogger,
  testConfig,
  testPrefix,
  waitFor,
} from "../jobs/helpers.js";

const WORKER_MAIN = fileURLToPath(new URL("../../dist/src/jobs/worker-main.js", import.meta.url));

/** 20 qubits: one step of 48 rows takes 20–60 s; the tests stop it a second or two in. */
const WIDE = parseJobSpec({
  dataset: { name: "moons", samples: 64 },
  model: { qubits: 20, layers: 2 },
  training: { epochs: 2, batchSize: 64 },
});
/** 18 qubits: one step (one per epoch) of 24 rows takes 2–6 s, longer than the 1 s lock. */
const LONG_STEP = parseJobSpec({
  dataset: { name: "moons", samples: 32 },
  model: { qubits: 18, layers: 2 },
  training: { epochs: 2, batchSize: 24 },
});
/** Epochs of a few tens of ms, far more of them than fit in 1 s. */
const MANY_EPOCHS = parseJobSpec({
  dataset: { name: "moons", samples: 200 },
  model: { qubits: 6, layers: 3 },
  training: { epochs: 1000, maxSeconds: 1 },
});

const prefix = testPrefix("runtime");
const config = testConfig(prefix);
const childEnv = {
  ...process.env,
  REDIS_URL,
  QPLANE_KEY_PREFIX: prefix,
  QPLANE_LOCK_DURATION_MS: "1000",
  QPLANE_STALLED_INTERVAL_MS: "500",
  LOG_LEVEL: "warn",
};

let redis: Redis;
let service: JobService;
let worker: ForkedWorker;

beforeAll(async () => {
  if (!existsSync(WORKER_MAIN)) {
    throw new Error(`${WORKER_MAIN} is missing: run \`npm run build\` first (npm test does)`);
  }
  redis = connect();
  service = createJobService({ config, logger: silentLogger });
  worker = forkWorker({ entry: WORKER_MAIN, env: childEnv, stdio: "pipe" });
});

afterAll(async () => {
  worker.kill("SIGKILL");
  await worker.exited;
  await service.close();
  await deleteKeysUnder(redis, prefix);
  redis.disconnect();
});

/** Submits a spec and waits until its first step has been running for `intoStepMs`. */
async function runningFor(spec: JobSpec, intoStepMs: number): Promise<string> {
  const { job } = await service.submit(spec);
  await waitFor(
    async () => (await service.get(job.id, EVERYONE)).status === "running",
    "the job to start",
    30_000,
    10,
  );
  await new Promise((resolve) => setTimeout(resolve, intoStepMs));
  const mid = await service.get(job.id, EVERYONE);
  expect(mid).toMatchObject({ status: "running", progress: { epoch: 0 } });
  return job.id;
}

const finished = (id: string): Promise<JobRecord> => jobFinished(service, id, 60_000, 10);

describe("a worker running a long step", () => {
  it("renews the job's lock during a step longer than the lock: done on attempt 1", async () => {
    const { job } = await service.submit(LONG_STEP);
    const done = await finished(job.id);
    expect(done, worker.output()).toMatchObject({
      status: "completed",
      attempts: 1,
      error: null,
      progress: { epoch: 2, epochs: 2 },
    });
    expect(worker.output()).not.toMatch(/lost job lock|stalled/);
    // the steps really were longer than the lock
    for (const record of await service.metrics(job.id, EVERYONE))
      expect(record.elapsedMs).toBeGreaterThan(2000);
  }, 90_000);

  it("fails a job past training.maxSeconds with QPLANE_ERR_TIME_LIMIT, keeping its epochs", async () => {
    const { job } = await service.submit(MANY_EPOCHS);
    const done = await finished(job.id);
    const metrics = await service.metrics(job.id, EVERYONE);
    const epochs = metrics.length;
    expect(epochs).toBeGreaterThanOrEqual(1);
    expect(epochs).toBeLessThan(1000);
    expect(done, worker.output()).toMatchObject({
      status: "failed",
      attempts: 1,
      progress: { epoch: epochs, epochs: 1000 },
      latest: metrics.at(-1),
      summary: { epochs },
      error: {
        code: "QPLANE_ERR_TIME_LIMIT",
        message: `training reached its time limit of 1 s (set by spec.training.maxSeconds) in epoch ${epochs + 1} of 1000; the ${epochs} completed epoch(s) are kept`,
      },
    });
    expect(metrics.map((record) => record.epoch)).toEqual(
      Array.from({ length: epochs }, (_, i) => i + 1),
    );
    const checkpoint = JSON.parse((await redis.get(`${prefix}:job:${job.id}:checkpoint`))!);
    expect(checkpoint.epoch).toBe(epochs);
    // the training time the limit counts (across resumes) is the epochs' time
    const trainingMs = metrics.reduce((total, record) => total + record.elapsedMs, 0);
    expect(checkpoint.elapsedMs).toBeCloseTo(trainingMs, 6);
  }, 90_000);

  it("cancels a 20-qubit job within about a second while it is inside a step", async () => {
    const id = await runningFor(WIDE, 1500);
    const requested = performance.now();
    await service.cancel(id, EVERYONE);
    const done = await finished(id);
    const latencyMs = performance.now() - requested;
    console.info(`cancel latency mid-step, 20 qubits: ${latencyMs.toFixed(0)} ms`);
    expect(done).toMatchObject({ status: "cancelled", attempts: 1, progress: { epoch: 0 } });
    expect(await service.metrics(id, EVERYONE)).toEqual([]);
    expect(latencyMs).toBeLessThan(5000);
  }, 90_000);

  it("hands a 20-qubit job back and exits within seconds of SIGTERM mid-step", async () => {
    const id = await runningFor(WIDE, 1500);
    const signalled = performance.now();
    worker.kill("SIGTERM");
    const exit = await worker.exited;
    const latencyMs = performance.now() - signalled;
    console.info(`SIGTERM to exit mid-step, 20 qubits: ${latencyMs.toFixed(0)} ms`);
    expect(exit, worker.output()).toEqual({ code: 0, signal: null });
    expect(latencyMs).toBeLessThan(5000);
    expect(await service.get(id, EVERYONE)).toMatchObject({
      status: "queued",
      attempts: 1,
      cancelRequested: false,
      error: null,
    });
    // no worker is left to run it: cancel it so nothing of it outlives the test
    expect((await service.cancel(id, EVERYONE)).status).toBe("cancelled");
  }, 90_000);
});
