/**
 * Bounded running time against a real worker process (the compiled
 * dist/src/jobs/worker-main.js; `npm test` builds first) and Redis: a step of a wide circuit
 * takes many seconds, yet cancel and SIGTERM act within about a second, the job's lock is
 * renewed during the step, and a job past its time limit fails keeping its epochs. The same
 * holds for a one-step MLP job and a job sampling 10^5 shots per row; a job handed
 * back mid-epoch keeps the training time it spent (trainingMsUsed) for its time limit.
 *
 * The worker runs with a 1 s lock: before the simulator paused inside steps, a step longer
 * than the lock lost it ("lost job lock") and the job was requeued until its retries ran out.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { EVERYONE, type JobRecord } from "../../src/jobs/types.js";
import type { ForkedWorker } from "../../src/jobs/worker.js";
import { type JobSpec, parseJobSpec } from "../../src/training/spec.js";
import { useWorkerProcesses } from "../helpers/compiled.js";
import { useRealServer } from "../helpers/real-server.js";
import { jobFinished, jobRunning } from "../jobs/helpers.js";

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
/** The MLP baseline, 3 × 1024 hidden units, one batch: a single step of tens of seconds. */
const MLP_STEP = parseJobSpec({
  dataset: { name: "moons", samples: 2000 },
  model: { kind: "mlp", hidden: [1024, 1024, 1024] },
  training: { epochs: 1, batchSize: 2000 },
});
/** SPSA on 10^5 shots per row (the server's most): a step of 16 000 rows is ~30 s of sampling. */
const MANY_SHOTS = parseJobSpec({
  dataset: { name: "moons", samples: 10_000 },
  model: { qubits: 2, layers: 1 },
  training: { epochs: 1, batchSize: 10_000, gradient: "spsa" },
  backend: { shots: 100_000 },
});
/** Epochs of a few tens of ms, far more of them than fit in 1 s. */
const MANY_EPOCHS = parseJobSpec({
  dataset: { name: "moons", samples: 200 },
  model: { qubits: 6, layers: 3 },
  training: { epochs: 1000, maxSeconds: 1 },
});

const fixture = useRealServer("runtime", { experiments: false });
const { prefix } = fixture;
const spawnWorker = useWorkerProcesses(prefix, { QPLANE_LOCK_DURATION_MS: "1000" });
let worker: ForkedWorker;

beforeAll(() => {
  worker = spawnWorker();
});

/** Submits a spec and waits until its first step has been running for `intoStepMs`. */
async function runningFor(spec: JobSpec, intoStepMs: number): Promise<string> {
  const { job } = await fixture.jobs.submit(spec);
  await jobRunning(fixture.jobs, job.id);
  await new Promise((resolve) => setTimeout(resolve, intoStepMs));
  const mid = await fixture.jobs.get(job.id, EVERYONE);
  expect(mid).toMatchObject({ status: "running", progress: { epoch: 0 } });
  return job.id;
}

const finished = (id: string): Promise<JobRecord> => jobFinished(fixture.jobs, id, 60_000, 10);

describe("a worker running a long step", () => {
  it("renews the job's lock during a step longer than the lock: done on attempt 1", async () => {
    const { job } = await fixture.jobs.submit(LONG_STEP);
    const done = await finished(job.id);
    expect(done, worker.output()).toMatchObject({
      status: "completed",
      attempts: 1,
      error: null,
      progress: { epoch: 2, epochs: 2 },
    });
    expect(worker.output()).not.toMatch(/lost job lock|stalled/);
    // the steps really were longer than the lock
    for (const record of await fixture.jobs.metrics(job.id, EVERYONE))
      expect(record.elapsedMs).toBeGreaterThan(2000);
  }, 90_000);

  it("fails a job past training.maxSeconds with QPLANE_ERR_TIME_LIMIT, keeping its epochs", async () => {
    const { job } = await fixture.jobs.submit(MANY_EPOCHS);
    const done = await finished(job.id);
    const metrics = await fixture.jobs.metrics(job.id, EVERYONE);
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
    const checkpoint = JSON.parse((await fixture.redis.get(`${prefix}:job:${job.id}:checkpoint`))!);
    expect(checkpoint.epoch).toBe(epochs);
    // the training time the limit counts (across resumes) is the epochs' time
    const trainingMs = metrics.reduce((total, record) => total + record.elapsedMs, 0);
    expect(checkpoint.elapsedMs).toBeCloseTo(trainingMs, 6);
  }, 90_000);

  it("cancels a 20-qubit job within about a second while it is inside a step", async () => {
    const id = await runningFor(WIDE, 1500);
    const requested = performance.now();
    await fixture.jobs.cancel(id, EVERYONE);
    const done = await finished(id);
    const latencyMs = performance.now() - requested;
    console.info(`cancel latency mid-step, 20 qubits: ${latencyMs.toFixed(0)} ms`);
    expect(done).toMatchObject({ status: "cancelled", attempts: 1, progress: { epoch: 0 } });
    expect(await fixture.jobs.metrics(id, EVERYONE)).toEqual([]);
    expect(latencyMs).toBeLessThan(5000);
  }, 90_000);

  it("cancels a one-step MLP job and a many-shot job within about a second mid-step", async () => {
    for (const [what, spec] of [
      ["MLP 3 × 1024, one step", MLP_STEP],
      ["SPSA, 10^5 shots per row", MANY_SHOTS],
    ] as const) {
      const id = await runningFor(spec, 1500);
      const requested = performance.now();
      await fixture.jobs.cancel(id, EVERYONE);
      const done = await finished(id);
      const latencyMs = performance.now() - requested;
      console.info(`cancel latency mid-step, ${what}: ${latencyMs.toFixed(0)} ms`);
      expect(done, worker.output()).toMatchObject({ status: "cancelled", attempts: 1 });
      expect(latencyMs).toBeLessThan(5000);
    }
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
    const handedBack = await fixture.jobs.get(id, EVERYONE);
    expect(handedBack).toMatchObject({
      status: "queued",
      attempts: 1,
      cancelRequested: false,
      error: null,
      progress: { epoch: 0 },
    });
    // the partial epoch's training time is kept for the time limit of the next run
    console.info(`training time recorded at the hand-back: ${handedBack.trainingMsUsed} ms`);
    expect(handedBack.trainingMsUsed).toBeGreaterThanOrEqual(1000);
    expect(handedBack.trainingMsUsed).toBeLessThan(latencyMs + 1500 + 5000);
    // no worker is left to run it: cancel it so nothing of it outlives the test
    expect((await fixture.jobs.cancel(id, EVERYONE)).status).toBe("cancelled");
  }, 90_000);
});
