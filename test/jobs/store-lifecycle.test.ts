/** JobStore: statuses, metrics, checkpoints, retention, removal, owner limits and idempotency keys. */
import { describe, expect, it } from "vitest";
import { newJobId } from "../../src/jobs/ids.js";
import { JobStore } from "../../src/jobs/store.js";
import { deleteKeysUnder, keysUnder, testPrefix } from "./helpers.js";
import {
  checkpoint,
  created,
  epochRecord,
  newJob,
  prefix,
  redis,
  store,
  useJobStore,
} from "./store-fixtures.js";

useJobStore("store-lifecycle");

describe("JobStore", () => {
  it("moves statuses only from the allowed ones, counting attempts", async () => {
    const job = await created();
    const started = await store.transition(
      job,
      ["queued", "running"],
      "running",
      { startedAt: "2026-01-01T00:00:00.000Z" },
      { countAttempt: true },
    );
    expect(started).toEqual({ ok: true, attempts: 1, cancelRequested: false });
    expect(await store.transition(job, ["queued"], "cancelled")).toEqual({
      ok: false,
      reason: "state",
      status: "running",
    });
    const asked = await store.transition(job, ["queued", "running"], null, {
      cancelRequested: true,
    });
    expect(asked).toEqual({ ok: true, attempts: 1, cancelRequested: true });
    expect(await store.get(job.id)).toMatchObject({
      status: "running",
      startedAt: "2026-01-01T00:00:00.000Z",
      cancelRequested: true,
      attempts: 1,
    });
    expect(await redis.zscore(store.keys.status("running"), job.id)).not.toBeNull();
    expect(await redis.zscore(store.keys.status("queued"), job.id)).toBeNull();
    expect(await store.transition(newJob(), ["queued"], "running")).toEqual({
      ok: false,
      reason: "missing",
    });
  });

  it("appends one metric per epoch and reads them since an epoch", async () => {
    const job = await created();
    await store.transition(job, ["queued"], "running", {}, { countAttempt: true });
    const records = [1, 2, 3].map(epochRecord);
    for (let e = 1; e <= 3; e++) {
      const written = await store.recordEpoch(
        job.id,
        1,
        records[e - 1]!,
        checkpoint(records.slice(0, e)),
        {
          progress: { epoch: e, epochs: 3 },
          latest: records[e - 1]!,
          etaSeconds: 3 - e,
        },
      );
      expect(written).toEqual({ ok: true, cancelRequested: false });
    }
    expect(await store.metrics(job.id)).toEqual(records);
    expect(await store.metrics(job.id, 1)).toEqual(records.slice(1));
    expect(await store.metrics(job.id, 3)).toEqual([]);
    expect(await store.metrics(newJobId())).toBeNull();
    expect(await store.get(job.id)).toMatchObject({
      progress: { epoch: 3, epochs: 3 },
      latest: records[2],
      etaSeconds: 0,
    });

    // a resumed epoch 2 replaces epochs 2 and 3 instead of duplicating them
    const again = { ...epochRecord(2), elapsedMs: 99 };
    await store.recordEpoch(job.id, 1, again, checkpoint([records[0]!, again]), {});
    expect((await store.metrics(job.id))?.map((record) => record.elapsedMs)).toEqual([12.5, 99]);
  });

  it("saves checkpoints without their records and loads them with the metrics", async () => {
    const job = await created();
    await store.transition(job, ["queued"], "running", {}, { countAttempt: true });
    expect(await store.loadCheckpoint(job.id)).toBeNull();
    const records = [epochRecord(1), epochRecord(2)];
    await store.recordEpoch(job.id, 1, records[0]!, checkpoint(records.slice(0, 1)), {});
    await store.recordEpoch(job.id, 1, records[1]!, checkpoint(records), {});
    const stored = JSON.parse((await redis.get(store.keys.checkpoint(job.id)))!);
    expect(stored.records).toBeUndefined();
    expect(stored.epoch).toBe(2);
    expect(await store.loadCheckpoint(job.id)).toEqual(checkpoint(records));
    // metrics and checkpoint disagree (only by tampering): no resume rather than a wrong one
    await redis.rpop(store.keys.metrics(job.id));
    expect(await store.loadCheckpoint(job.id)).toBeNull();
  });

  it("writes epochs only for the running attempt that owns the job", async () => {
    const job = await created();
    const record = epochRecord(1);
    expect(await store.recordEpoch(job.id, 0, record, checkpoint([record]), {})).toEqual({
      ok: false,
      reason: "state",
    });
    await store.transition(job, ["queued"], "running", {}, { countAttempt: true });
    await store.transition(job, ["running"], "running", {}, { countAttempt: true }); // another worker took over
    expect(await store.recordEpoch(job.id, 1, record, checkpoint([record]), {})).toEqual({
      ok: false,
      reason: "superseded",
    });
    expect(await store.recordEpoch(job.id, 2, record, checkpoint([record]), {})).toEqual({
      ok: true,
      cancelRequested: false,
    });
    expect(await store.recordEpoch(newJobId(), 1, record, checkpoint([record]), {})).toEqual({
      ok: false,
      reason: "missing",
    });
    expect(await redis.exists(store.keys.metrics(job.id))).toBe(1);
  });

  it("adds training time only while the job is running", async () => {
    const job = await created();
    await store.addTrainingTime(job.id, 100); // queued: no run is counting yet
    expect((await store.get(job.id))?.trainingMsUsed).toBeUndefined();
    await store.transition(job, ["queued"], "running", {}, { countAttempt: true });
    await store.addTrainingTime(job.id, 250);
    await store.addTrainingTime(job.id, 50); // a run that lost its lock and its successor
    expect((await store.get(job.id))?.trainingMsUsed).toBe(300);
    await store.transition(job, ["running"], "completed");
    await store.addTrainingTime(job.id, 400); // the lost run, after the job completed
    expect((await store.get(job.id))?.trainingMsUsed).toBe(300);
    const gone = newJobId();
    await store.addTrainingTime(gone, 100); // no record: none is created
    expect(await redis.exists(store.keys.job(gone))).toBe(0);
  });

  it("keeps a running job's first sent program only, and none for a job not running", async () => {
    const job = await created();
    await store.recordSentProgram(job.id, { qasm: "queued\n" }); // not running: not kept
    expect(await store.sentProgram(job.id)).toBeNull();
    await store.transition(job, ["queued"], "running", {}, { countAttempt: true });
    await store.recordSentProgram(job.id, { qasm: "first\n" });
    await store.recordSentProgram(job.id, { omittedChars: 2_000_000 }); // a resumed run
    expect(await store.sentProgram(job.id)).toEqual({ qasm: "first\n" });
    const gone = newJobId();
    await store.recordSentProgram(gone, { qasm: "stray\n" });
    expect(await redis.exists(store.keys.sentProgram(gone))).toBe(0);
  });

  it("starts the retention TTL on every key of a finished job", async () => {
    const job = await created({ tags: ["ttl"] });
    await store.transition(job, ["queued"], "running", {}, { countAttempt: true });
    const record = epochRecord(1);
    await store.recordEpoch(job.id, 1, record, checkpoint([record]), {});
    await store.recordSentProgram(job.id, { qasm: "OPENQASM 3.0;\n" });
    const keys = [
      store.keys.job(job.id),
      store.keys.metrics(job.id),
      store.keys.checkpoint(job.id),
      store.keys.sentProgram(job.id),
    ];
    for (const key of keys) {
      expect(await redis.ttl(key)).toBe(-1);
    }
    await store.transition(job, ["running"], "completed", { finishedAt: new Date().toISOString() });
    for (const key of keys) {
      const ttl = await redis.ttl(key);
      expect(ttl).toBeGreaterThan(3590);
      expect(ttl).toBeLessThanOrEqual(3600);
    }
    expect(await redis.zcard(store.keys.expiring)).toBeGreaterThan(0);
  });

  it("sweeps the index entries of jobs whose retention ended", async () => {
    const local = testPrefix("store-sweep");
    const short = new JobStore(redis, { prefix: local, retentionSeconds: 1 });
    try {
      const gone = newJob({ tags: ["x"], backend: "ibm-test", owner: "owner-sweep" });
      const kept = newJob({ tags: ["x"], owner: "owner-sweep" });
      for (const job of [gone, kept]) await short.create(job);
      await short.transition(gone, ["queued"], "failed", {
        error: { code: "QPLANE_ERR_DATASET", message: "no" },
      });
      expect(await short.sweepExpired()).toBe(0); // not due yet
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect(await redis.exists(short.keys.job(gone.id))).toBe(0);
      expect(await short.sweepExpired()).toBe(1);
      expect(await short.countByStatus()).toMatchObject({ failed: 0, queued: 1 });
      expect(await redis.zrange(short.keys.jobs, 0, "-1")).toEqual([kept.id]);
      expect(await redis.zrange(short.keys.tag("x"), 0, "-1")).toEqual([kept.id]);
      expect(await redis.zrange(short.keys.ownerJobs("owner-sweep"), 0, "-1")).toEqual([kept.id]);
      // the two differ in backend only: one spec hash, whose index keeps the unexpired job
      expect(gone.specHash).toBe(kept.specHash);
      expect(await redis.zrange(short.keys.specJobs(kept.specHash!), 0, "-1")).toEqual([kept.id]);
      expect(await redis.exists(short.keys.backend("ibm-test"), short.keys.expiring)).toBe(0);
    } finally {
      await deleteKeysUnder(redis, local);
    }
  });

  it("removes a job with every key and index entry", async () => {
    const job = await created({ tags: ["rm"], owner: "owner-rm" });
    await store.transition(job, ["queued"], "running", {}, { countAttempt: true });
    const record = epochRecord(1);
    await store.recordEpoch(job.id, 1, record, checkpoint([record]), {});
    await store.recordSentProgram(job.id, { qasm: "OPENQASM 3.0;\n" });
    await store.transition(job, ["running"], "completed");
    const finished = (await store.get(job.id))!;
    await store.remove(finished);
    expect((await keysUnder(redis, prefix)).filter((key) => key.includes(job.id))).toEqual([]);
    for (const key of await keysUnder(redis, prefix)) {
      const type = await redis.type(key);
      if (type === "zset") {
        const members = await redis.zrange(key, 0, "-1");
        expect(
          members.some((member) => member.includes(job.id)),
          key,
        ).toBe(false);
      }
    }
  });

  it("holds an owner to its limit of unfinished jobs, atomically", async () => {
    const first = newJob({ owner: "owner-limit" });
    const second = newJob({ owner: "owner-limit" });
    const third = newJob({ owner: "owner-limit" });
    const results = await Promise.all([first, second, third].map((job) => store.create(job, 2)));
    expect(results.filter((result) => result.ok)).toHaveLength(2);
    expect(results.find((result) => !result.ok)).toEqual({ ok: false, active: 2 });
    // another owner, or no owner, is not affected
    expect(await store.create(newJob({ owner: "owner-other" }), 2)).toEqual({ ok: true });
    expect(await store.create(newJob({ owner: null }), 2)).toEqual({ ok: true });
    // a finished job frees its slot
    const admitted = [first, second, third].filter((_, i) => results[i]!.ok);
    await store.transition(admitted[0]!, ["queued"], "cancelled");
    expect(await store.create(newJob({ owner: "owner-limit" }), 2)).toEqual({ ok: true });
    expect(await store.create(newJob({ owner: "owner-limit" }), 2)).toEqual({
      ok: false,
      active: 2,
    });
  });

  it("binds an idempotency key to the first claim until released", async () => {
    const claim = { jobId: newJobId(), bodyHash: "h1" };
    expect(await store.idempotency.claim("digest-1", claim, 60)).toBeNull();
    expect(
      await store.idempotency.claim("digest-1", { jobId: newJobId(), bodyHash: "h2" }, 60),
    ).toEqual(claim);
    const ttl = await redis.ttl(store.keys.idempotency("digest-1"));
    expect(ttl).toBeGreaterThan(50);
    await store.idempotency.release("digest-1", { jobId: newJobId(), bodyHash: "h1" }); // not ours: kept
    expect(
      await store.idempotency.claim("digest-1", { jobId: newJobId(), bodyHash: "h3" }, 60),
    ).toEqual(claim);
    await store.idempotency.release("digest-1", claim);
    expect(
      await store.idempotency.claim("digest-1", { jobId: newJobId(), bodyHash: "h4" }, 60),
    ).toBeNull();
  });
});
