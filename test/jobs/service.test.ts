/**
 * The job service and an in-process worker against the real Redis: submit → run →
 * metrics and events, cancel (running and queued), idempotency, remove, errors.
 */
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newJobId } from "../../src/jobs/ids.js";
import { queuedJobRecord } from "../../src/jobs/queued-record.js";
import { createJobService } from "../../src/jobs/service.js";
import { JobStore } from "../../src/jobs/store.js";
import { EVERYONE, type JobEvent, type JobRecord, type JobService } from "../../src/jobs/types.js";
import { startWorker, type WorkerHandle } from "../../src/jobs/worker.js";
import { type JobSpec, parseJobSpec } from "../../src/training/spec.js";
import { runTraining } from "../local-backend.js";
import {
  connect,
  deleteKeysUnder,
  jobFinished,
  keysUnder,
  silentLogger,
  testConfig,
  testPrefix,
  tinyJobSpec,
  waitFor,
  withoutTimes,
} from "./helpers.js";

const TINY = tinyJobSpec(3);
/** Minutes of training unless cancelled: epochs of seconds, steps of ~10 ms. */
const LONG = parseJobSpec({
  dataset: { name: "moons", samples: 4000 },
  model: { qubits: 10, layers: 6 },
  training: { epochs: 500 },
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function running(service: JobService, id: string, minEpoch = 0): Promise<JobRecord> {
  return waitFor(async () => {
    const job = await service.get(id, EVERYONE);
    return job.status === "running" && job.progress.epoch >= minEpoch ? job : undefined;
  }, `job ${id} to run`);
}

describe("job service with an in-process worker", () => {
  const prefix = testPrefix("service");
  const config = testConfig(prefix);
  let redis: Redis;
  let service: JobService;
  let worker: WorkerHandle | null = null;
  const startedWorker = async () => {
    worker ??= await startWorker(config, { logger: silentLogger });
    return worker;
  };
  /** The job of `spec` (run by the in-process worker) once it has failed at its first attempt. */
  const failedAtFirstAttempt = async (spec: JobSpec) => {
    await startedWorker();
    const { job } = await service.submit(spec);
    const done = await jobFinished(service, job.id);
    expect(done).toMatchObject({ status: "failed", attempts: 1 });
    return done;
  };

  beforeAll(() => {
    redis = connect();
    service = createJobService({ config, logger: silentLogger });
  });

  afterAll(async () => {
    await worker?.close();
    await service.close();
    await deleteKeysUnder(redis, prefix);
    redis.disconnect();
  });

  it("runs a submitted job to completion, with per-epoch metrics and live events", async () => {
    const { created, job } = await service.submit(TINY, { name: "tiny", tags: ["smoke"] });
    expect(created).toBe(true);
    expect(job).toMatchObject({
      status: "queued",
      name: "tiny",
      tags: ["smoke"],
      progress: { epoch: 0, epochs: 3 },
      attempts: 0,
      cancelRequested: false,
      owner: null,
      spec: TINY,
    });
    const events: JobEvent[] = [];
    const unsubscribe = await service.subscribe(job.id, (event) => events.push(event), EVERYONE);
    const epochsSeen: number[] = [];
    const seenByWatchAll: string[] = [];
    const stopWatching = await service.watchAll((jobId, event) => {
      seenByWatchAll.push(`${jobId}:${event.type}`);
      if (event.type === "metric") epochsSeen.push(event.record.epoch);
    }, EVERYONE);
    // the worker starts after the subscription, so no event can be missed
    await startedWorker();
    const done = await jobFinished(service, job.id);
    expect(done).toMatchObject({
      status: "completed",
      progress: { epoch: 3, epochs: 3 },
      etaSeconds: 0,
      error: null,
      attempts: 1,
      summary: { epochs: 3, task: "classification" },
    });
    expect(Date.parse(done.startedAt!)).toBeGreaterThanOrEqual(Date.parse(done.createdAt));
    expect(Date.parse(done.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(done.startedAt!));

    const metrics = await service.metrics(job.id, EVERYONE);
    expect(metrics.map((record) => record.epoch)).toEqual([1, 2, 3]);
    for (const record of metrics) {
      expect(record.ixt).toBeGreaterThan(0);
      expect(record.ity).toBeGreaterThan(0);
      expect(record.ity).toBeLessThanOrEqual(record.ixt + 1e-12);
      expect(record.ixt).toBeLessThanOrEqual(1 + 1e-12); // one readout qubit
    }
    // the worker runs the same training core as the CLI: same numbers
    const reference = await runTraining(TINY);
    expect(withoutTimes(metrics)).toEqual(withoutTimes(reference.result.records));
    expect(done.latest).toEqual(metrics[2]);
    expect(await service.metrics(job.id, EVERYONE, 2)).toEqual([metrics[2]]);

    await waitFor(
      () => events.some((event) => event.type === "status" && event.status === "completed"),
      "the completed event",
    );
    expect(events.filter((event) => event.type === "status").map((event) => event.status)).toEqual([
      "running",
      "completed",
    ]);
    const metricEvents = events.filter((event) => event.type === "metric");
    expect(metricEvents.map((event) => event.record)).toEqual(metrics);
    const progress = events.filter((event) => event.type === "progress");
    expect(progress.at(-1)).toMatchObject({ epoch: 3, epochs: 3 });
    // watchAll sees every job's events with the job's id (the dashboard's job list; the
    // epoch-duration histogram reads its metric events)
    expect(epochsSeen).toEqual([1, 2, 3]);
    expect(seenByWatchAll).toContain(`${job.id}:status`);
    expect(seenByWatchAll.filter((entry) => entry === `${job.id}:metric`)).toHaveLength(3);
    expect(seenByWatchAll.every((entry) => entry.startsWith(`${job.id}:`))).toBe(true);
    await unsubscribe();
    await stopWatching();
  });

  it("cancels a running job within a step: it stops mid-epoch, and its metrics stop", async () => {
    await startedWorker();
    const { job } = await service.submit(LONG);
    const events: JobEvent[] = [];
    const unsubscribe = await service.subscribe(job.id, (event) => events.push(event), EVERYONE);
    await waitFor(
      () =>
        events.some((event) => event.type === "progress" && event.epoch === 1 && event.step >= 2),
      "a few steps of the first epoch",
    );
    const answer = await service.cancel(job.id, EVERYONE);
    expect(answer.cancelRequested).toBe(true);
    expect(["running", "cancelled"]).toContain(answer.status);
    const done = await jobFinished(service, job.id, 10_000);
    expect(done).toMatchObject({
      status: "cancelled",
      progress: { epoch: 0 },
      summary: { epochs: 0 },
    });
    // an epoch takes seconds: no metric means it stopped within the step it was in
    expect(await service.metrics(job.id, EVERYONE)).toEqual([]);
    await sleep(300);
    expect(await service.metrics(job.id, EVERYONE)).toEqual([]);
    await waitFor(
      () => events.some((event) => event.type === "status" && event.status === "cancelled"),
      "the cancelled event",
    );
    expect(events.some((event) => event.type === "metric")).toBe(false);
    await expect(service.cancel(job.id, EVERYONE)).rejects.toMatchObject({
      code: "QPLANE_ERR_JOB_STATE",
      message: `job ${job.id} is cancelled; only queued or running jobs can be cancelled`,
    });
    await unsubscribe();
  });

  it("cancels a queued job at once: it leaves the queue and never runs", async () => {
    await startedWorker();
    const { job: busy } = await service.submit(LONG);
    await running(service, busy.id);
    const { job: waiting } = await service.submit(TINY);
    expect(await redis.exists(`${prefix}:${prefix}-training:${waiting.id}`)).toBe(1);
    const cancelled = await service.cancel(waiting.id, EVERYONE);
    expect(cancelled).toMatchObject({ status: "cancelled", cancelRequested: true, attempts: 0 });
    expect(cancelled.finishedAt).not.toBeNull();
    expect(await redis.exists(`${prefix}:${prefix}-training:${waiting.id}`)).toBe(0);
    await service.cancel(busy.id, EVERYONE);
    await jobFinished(service, busy.id);
    await sleep(200);
    expect(await service.get(waiting.id, EVERYONE)).toMatchObject({
      status: "cancelled",
      attempts: 0,
      startedAt: null,
    });
    expect(await service.metrics(waiting.id, EVERYONE)).toEqual([]);
  });

  it("answers a repeated Idempotency-Key with the first job, and refuses it with another body", async () => {
    const first = await service.submit(TINY, { idempotencyKey: "key-1", tags: ["idem"] });
    expect(first.created).toBe(true);
    const again = await service.submit(TINY, { idempotencyKey: "key-1", tags: ["idem"] });
    expect(again.created).toBe(false);
    expect(again.job.id).toBe(first.job.id);
    // defaults written out make the same body
    const spelled = await service.submit(
      parseJobSpec({ ...TINY, training: { ...TINY.training, optimizer: "adam" } }),
      { idempotencyKey: "key-1", tags: ["idem"] },
    );
    expect(spelled.job.id).toBe(first.job.id);
    for (const [spec, tags] of [
      [{ ...TINY, training: { ...TINY.training, epochs: 4 } }, ["idem"]],
      [TINY, ["other"]],
    ] as [JobSpec, string[]][]) {
      await expect(service.submit(spec, { idempotencyKey: "key-1", tags })).rejects.toMatchObject({
        code: "QPLANE_ERR_IDEMPOTENCY_CONFLICT",
        message: `Idempotency-Key: already used for job ${first.job.id} with a different request body`,
      });
    }
    // a key belongs to the API key that used it
    const other = await service.submit(TINY, {
      idempotencyKey: "key-1",
      tags: ["idem"],
      owner: "owner-b",
    });
    expect(other.created).toBe(true);
    expect(other.job.id).not.toBe(first.job.id);
    // identical submissions racing each other make one job
    const racing = await Promise.all(
      Array.from({ length: 6 }, () => service.submit(TINY, { idempotencyKey: "key-2" })),
    );
    expect(new Set(racing.map((result) => result.job.id)).size).toBe(1);
    expect(racing.filter((result) => result.created)).toHaveLength(1);
    // a removed job frees its key
    const removable = await jobFinished(service, first.job.id);
    await service.remove(removable.id, EVERYONE);
    const fresh = await service.submit(TINY, { idempotencyKey: "key-1", tags: ["idem"] });
    expect(fresh.created).toBe(true);
    expect(fresh.job.id).not.toBe(first.job.id);
  });

  it("removes a finished job with all its data, and refuses unfinished ones", async () => {
    await startedWorker();
    const { job } = await service.submit(TINY, { tags: ["removable"] });
    await jobFinished(service, job.id);
    // the record says completed a moment before BullMQ drops its own keys of the job (its
    // hash, its lock); then only the record, the metrics and the checkpoint are left
    const keysOfJob = async () =>
      (await keysUnder(redis, prefix)).filter((key) => key.includes(job.id));
    await waitFor(async () => (await keysOfJob()).length === 3, "the job's three keys");
    await service.remove(job.id, EVERYONE);
    expect((await keysUnder(redis, prefix)).filter((key) => key.includes(job.id))).toEqual([]);
    for (const key of await keysUnder(redis, prefix)) {
      if ((await redis.type(key)) === "zset") {
        expect(
          (await redis.zrange(key, 0, "-1")).some((member) => member.includes(job.id)),
          key,
        ).toBe(false);
      }
    }
    await expect(service.get(job.id, EVERYONE)).rejects.toMatchObject({
      code: "QPLANE_ERR_JOB_NOT_FOUND",
    });

    const { job: busy } = await service.submit(LONG);
    await running(service, busy.id);
    const { job: waiting } = await service.submit(TINY);
    await expect(service.remove(busy.id, EVERYONE)).rejects.toMatchObject({
      code: "QPLANE_ERR_JOB_STATE",
      message: `job ${busy.id} is running; only finished jobs can be removed (cancel it first)`,
    });
    await expect(service.remove(waiting.id, EVERYONE)).rejects.toMatchObject({
      code: "QPLANE_ERR_JOB_STATE",
    });
    await service.cancel(waiting.id, EVERYONE);
    await service.cancel(busy.id, EVERYONE);
    await jobFinished(service, busy.id);
    await service.remove(busy.id, EVERYONE);
    await service.remove(waiting.id, EVERYONE);
    await expect(service.remove(busy.id, EVERYONE)).rejects.toMatchObject({
      code: "QPLANE_ERR_JOB_NOT_FOUND",
    });
  });

  it("re-enqueues an unfinished job that lost its queue entry", async () => {
    const handle = await startedWorker();
    const store = new JobStore(redis, { prefix, retentionSeconds: config.retentionSeconds });
    const id = newJobId();
    const orphan = queuedJobRecord({
      id,
      spec: TINY,
      name: null,
      tags: [],
      owner: null,
      // long ago: not a submission still on its way to the queue
      createdAt: new Date(Date.now() - 120_000).toISOString(),
    });
    await store.create(orphan);
    await sleep(200);
    expect((await service.get(id, EVERYONE)).status).toBe("queued");
    await handle.maintain();
    expect(await jobFinished(service, id)).toMatchObject({ status: "completed", attempts: 1 });
  });

  it("keeps the error of a failed job, without retrying it", async () => {
    const done = await failedAtFirstAttempt(
      parseJobSpec({ dataset: { name: "csv", path: "/nonexistent/qplane.csv", target: "y" } }),
    );
    expect(done.error).toMatchObject({
      code: "QPLANE_ERR_DATASET",
      message: 'dataset.path "qplane.csv": cannot read file (ENOENT)',
    });
  });

  it("fails a job over its budget before its first submission, naming the field and numbers", async () => {
    const done = await failedAtFirstAttempt(
      parseJobSpec({
        ...TINY,
        training: { ...TINY.training, gradient: "spsa" },
        backend: { name: "local", shots: 100, maxShots: 100 },
      }),
    );
    expect(done.error).toMatchObject({
      code: "QPLANE_ERR_BUDGET_EXCEEDED",
      message: expect.stringMatching(
        /^spec\.backend\.maxShots: the run plans \d+ shots, over the limit of 100$/,
      ),
    });
    expect(await service.metrics(done.id, EVERYONE)).toEqual([]);
  });

  it("fails a job whose label-entropy target the register cannot carry, naming feedback.target", async () => {
    // the admission path knows only the data's shape, which bounds H(Y) from above: the
    // refusal needs the labels, so the worker gives it when it prepares the run
    const done = await failedAtFirstAttempt(
      parseJobSpec({
        dataset: { name: "sine", samples: 40 },
        model: { qubits: 2, layers: 1, encoding: "fixed", scaling: "minmax" },
        training: { epochs: 1 },
        feedback: { mode: "lr", target: "label-entropy" },
      }),
    );
    expect(done.error).toMatchObject({
      code: "QPLANE_ERR_SPEC_INVALID",
      message: expect.stringMatching(
        /^spec\.feedback\.target: "label-entropy" is unreachable: H\(Y\) of the training labels is 2\.990 bits, but the representation register carries at most 2\.000 bits/,
      ),
    });
    expect(await service.metrics(done.id, EVERYONE)).toEqual([]);
  });

  it("answers unknown and malformed ids with JOB_NOT_FOUND", async () => {
    for (const id of [newJobId(), "not-a-job", "../../etc/passwd"]) {
      for (const call of [
        () => service.get(id, EVERYONE),
        () => service.metrics(id, EVERYONE),
        () => service.cancel(id, EVERYONE),
        () => service.remove(id, EVERYONE),
        () => service.subscribe(id, () => {}, EVERYONE),
      ]) {
        await expect(call()).rejects.toMatchObject({ code: "QPLANE_ERR_JOB_NOT_FOUND" });
      }
    }
  });

  it("refuses bad specs and options before touching Redis", async () => {
    await expect(
      service.submit({ ...TINY, model: { ...TINY.model, qubits: 22 } }),
    ).rejects.toMatchObject({
      code: "QPLANE_ERR_LIMIT_EXCEEDED",
      message: "spec.model.qubits: 22 is above this server's limit of 20",
    });
    await expect(service.submit({ ...TINY, extra: 1 } as unknown as JobSpec)).rejects.toMatchObject(
      {
        code: "QPLANE_ERR_SPEC_INVALID",
        message: "spec.extra: unknown field",
      },
    );
    await expect(service.submit(TINY, { tags: ["ok", ""] })).rejects.toMatchObject({
      code: "QPLANE_ERR_REQUEST_INVALID",
      message:
        "tags[1]: must be 1-64 letters, digits, '.', '_', ':' or '-', starting with a letter or digit (got \"\")",
    });
    await expect(service.submit(TINY, { name: "x".repeat(201) })).rejects.toMatchObject({
      code: "QPLANE_ERR_REQUEST_INVALID",
    });
    await expect(service.submit(TINY, { idempotencyKey: "" })).rejects.toMatchObject({
      code: "QPLANE_ERR_REQUEST_INVALID",
    });
  });
});

describe("job service without a worker", () => {
  const prefix = testPrefix("service-queue");
  const config = testConfig(prefix, { QPLANE_MAX_CONCURRENT_JOBS_PER_KEY: "2" });
  let redis: Redis;
  let service: JobService;

  beforeAll(() => {
    redis = connect();
    service = createJobService({ config, logger: silentLogger });
  });

  afterAll(async () => {
    await service.close();
    await deleteKeysUnder(redis, prefix);
    redis.disconnect();
  });

  it("limits unfinished jobs per API key", async () => {
    const a = await service.submit(TINY, { owner: "key-a" });
    await service.submit(TINY, { owner: "key-a" });
    await expect(service.submit(TINY, { owner: "key-a" })).rejects.toMatchObject({
      code: "QPLANE_ERR_TOO_MANY_JOBS",
      message:
        "this API key has 2 unfinished jobs, the most allowed (2); wait for one to finish or cancel one",
    });
    await service.submit(TINY, { owner: "key-b" });
    await service.submit(TINY); // no API key (auth off): no per-key limit
    await service.cancel(a.job.id, EVERYONE);
    expect((await service.submit(TINY, { owner: "key-a" })).created).toBe(true);
  });

  it("counts jobs by status and the queue depth", async () => {
    const stats = await service.stats();
    expect(stats).toEqual({
      byStatus: { queued: 4, running: 0, completed: 0, failed: 0, cancelled: 1 },
      queueDepth: 4,
    });
    const page = await service.list({ status: "queued", limit: 3 }, EVERYONE);
    expect(page.jobs).toHaveLength(3);
    expect(page.nextCursor).not.toBeNull();
    await expect(
      service.list({ status: "paused" as never, limit: 3 }, EVERYONE),
    ).rejects.toMatchObject({
      code: "QPLANE_ERR_REQUEST_INVALID",
    });
    expect(await service.ready()).toBe(true);
  });
});

describe("a job failing on an unexpected error", () => {
  const prefix = testPrefix("service-retry");
  const config = testConfig(prefix, { QPLANE_JOB_ATTEMPTS: "2" });
  let redis: Redis;

  beforeAll(() => {
    redis = connect();
  });

  afterAll(async () => {
    await deleteKeysUnder(redis, prefix);
    redis.disconnect();
  });

  it("is retried, then failed with a generic internal error", async () => {
    const service = createJobService({ config, logger: silentLogger });
    let calls = 0;
    const worker = await startWorker(config, {
      logger: silentLogger,
      resolveBackend: () => {
        calls++;
        throw new Error("secret internal detail");
      },
    });
    try {
      const { job } = await service.submit(TINY);
      const done = await jobFinished(service, job.id);
      expect(done).toMatchObject({
        status: "failed",
        attempts: 2,
        error: {
          code: "QPLANE_ERR_INTERNAL",
          message: "training stopped on an unexpected internal error (details in the worker log)",
        },
      });
      expect(calls).toBe(2);
    } finally {
      await worker.close();
      await service.close();
    }
  });
});
