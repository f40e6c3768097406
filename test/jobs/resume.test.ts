/**
 * Worker processes (the compiled dist/src/jobs/worker-main.js; `npm test` builds first)
 * killed or stopped mid-job: the job resumes on another worker from its last checkpointed
 * epoch and ends exactly as an uninterrupted run.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { EVERYONE, type JobEvent, type JobRecord } from "../../src/jobs/types.js";
import type { TrainingResult } from "../../src/training/loop.js";
import { INTERRUPTIBLE_SPEC as SPEC, useWorkerProcesses } from "../helpers/compiled.js";
import { useRealServer } from "../helpers/real-server.js";
import { runTraining } from "../local-backend.js";
import { jobCheckpointed, jobFinished, withoutTimes } from "./helpers.js";

const fixture = useRealServer("resume", { experiments: false });
const { prefix } = fixture;
// a dead worker's job is free 2 s after its last lock renewal
const spawnWorker = useWorkerProcesses(prefix, { QPLANE_LOCK_DURATION_MS: "2000" });

let reference: TrainingResult;

function finished(id: string): Promise<JobRecord> {
  return jobFinished(fixture.jobs, id, 60_000, 50);
}

beforeAll(async () => {
  // the uninterrupted run to compare with
  reference = (await runTraining(SPEC)).result;
}, 60_000);

/** Submits SPEC, records its events, and waits until `epochs` epochs are checkpointed. */
async function submitAndRunTo(epochs: number) {
  const { job } = await fixture.jobs.submit(SPEC);
  const events: JobEvent[] = [];
  const unsubscribe = await fixture.jobs.subscribe(job.id, (event) => events.push(event), EVERYONE);
  await jobCheckpointed(fixture.jobs, job.id, epochs);
  return { id: job.id, events, unsubscribe };
}

describe("a job whose worker process dies or stops", () => {
  it("resumes on another worker after SIGKILL, from its last checkpoint, with the same result", async () => {
    const first = spawnWorker();
    const { id, events, unsubscribe } = await submitAndRunTo(2);
    first.kill("SIGKILL");
    expect((await first.exited).signal).toBe("SIGKILL");

    const orphaned = await fixture.jobs.get(id, EVERYONE);
    const before = await fixture.jobs.metrics(id, EVERYONE);
    const checkpointed = before.length;
    expect(orphaned).toMatchObject({
      status: "running",
      attempts: 1,
      progress: { epoch: checkpointed },
    });
    expect(checkpointed).toBeGreaterThanOrEqual(2);
    expect(checkpointed).toBeLessThan(SPEC.training.epochs);
    const seen = events.length;

    const second = spawnWorker();
    const done = await finished(id);
    expect(done, second.output()).toMatchObject({
      status: "completed",
      attempts: 2,
      error: null,
      progress: { epoch: 12, epochs: 12 },
    });
    const metrics = await fixture.jobs.metrics(id, EVERYONE);
    expect(metrics.map((record) => record.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    // the epochs done before the kill were kept, not recomputed (same wall times too)
    expect(metrics.slice(0, checkpointed)).toEqual(before);
    // and the second worker trained only the rest
    const resumed = events.slice(seen).filter((event) => event.type === "metric");
    expect(resumed.map((event) => event.record.epoch)).toEqual(
      Array.from({ length: 12 - checkpointed }, (_, i) => checkpointed + 1 + i),
    );
    // bit-identical to the uninterrupted run on the exact simulator
    expect(withoutTimes(metrics)).toEqual(withoutTimes(reference.records));
    const { elapsedMs: _a, ...summary } = done.summary!;
    const { elapsedMs: _b, ...expected } = reference.summary;
    expect(summary).toEqual(expected);
    await unsubscribe();
    expect(await second.close()).toEqual({ code: 0, signal: null });
  }, 90_000);

  it("is handed back at its last epoch on SIGTERM and finished by the next worker", async () => {
    const first = spawnWorker();
    const { id, events, unsubscribe } = await submitAndRunTo(1);
    first.kill("SIGTERM");
    expect(await first.exited, first.output()).toEqual({ code: 0, signal: null });

    const handedBack = await fixture.jobs.get(id, EVERYONE);
    const before = await fixture.jobs.metrics(id, EVERYONE);
    expect(handedBack).toMatchObject({
      status: "queued",
      attempts: 1,
      cancelRequested: false,
      progress: { epoch: before.length },
      error: null,
    });
    expect(before.length).toBeGreaterThanOrEqual(1);
    expect(before.length).toBeLessThan(SPEC.training.epochs);
    // back in BullMQ's wait list at once, not after a lock timeout
    expect(await fixture.redis.lrange(`${prefix}:${prefix}-training:wait`, 0, -1)).toEqual([id]);
    expect((await fixture.jobs.stats()).queueDepth).toBe(1);
    const statuses = events.filter((event) => event.type === "status").map((event) => event.status);
    expect(statuses).toEqual(["running", "queued"]);

    const second = spawnWorker();
    const done = await finished(id);
    expect(done, second.output()).toMatchObject({ status: "completed", attempts: 2 });
    const metrics = await fixture.jobs.metrics(id, EVERYONE);
    expect(metrics.slice(0, before.length)).toEqual(before);
    expect(withoutTimes(metrics)).toEqual(withoutTimes(reference.records));
    await unsubscribe();
    expect(await second.close()).toEqual({ code: 0, signal: null });
  }, 90_000);

  it("is failed, not left running, when its workers die more often than allowed", async () => {
    const strict = { QPLANE_MAX_STALLED_COUNT: "0" };
    const first = spawnWorker(strict);
    const { id, unsubscribe } = await submitAndRunTo(1);
    first.kill("SIGKILL");
    await first.exited;
    const second = spawnWorker(strict);
    const done = await finished(id);
    expect(done, second.output()).toMatchObject({
      status: "failed",
      attempts: 1,
      error: {
        code: "QPLANE_ERR_INTERNAL",
        message:
          "the job was given up after its workers stopped while running it (job stalled more than allowable limit)",
      },
    });
    expect(done.finishedAt).not.toBeNull();
    await unsubscribe();
    expect(await second.close()).toEqual({ code: 0, signal: null });
  }, 90_000);
});
