import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newJobId } from "../../src/jobs/ids.js";
import { queuedJobRecord } from "../../src/jobs/queued-record.js";
import { JobStore } from "../../src/jobs/store.js";
import type { JobRecord, JobStatus } from "../../src/jobs/types.js";
import type { TrainingCheckpoint } from "../../src/training/loop.js";
import type { EpochRecord } from "../../src/training/records.js";
import { parseJobSpec } from "../../src/training/spec.js";
import { fillerRecord } from "../helpers/records.js";
import { connect, deleteKeysUnder, keysUnder, testPrefix } from "./helpers.js";

const prefix = testPrefix("store");
let redis: Redis;
let store: JobStore;

beforeAll(() => {
  redis = connect();
  store = new JobStore(redis, { prefix, retentionSeconds: 3600 });
});

afterAll(async () => {
  await deleteKeysUnder(redis, prefix);
  redis.disconnect();
});

let clock = Date.UTC(2026, 5, 1);

function newJob(
  options: { tags?: string[]; backend?: string; owner?: string | null; at?: number } = {},
): JobRecord {
  if (options.at === undefined) clock += 1000;
  const at = options.at ?? clock;
  const id = newJobId(at);
  const spec = parseJobSpec({
    dataset: { name: "moons", samples: 40 },
    training: { epochs: 3 },
    backend: { name: options.backend ?? "local" },
  });
  return queuedJobRecord({
    id,
    spec,
    name: `job ${id}`,
    tags: options.tags ?? [],
    owner: options.owner ?? null,
    createdAt: new Date(at).toISOString(),
  });
}

async function created(options?: Parameters<typeof newJob>[0]): Promise<JobRecord> {
  const job = newJob(options);
  expect(await store.create(job)).toEqual({ ok: true });
  return job;
}

function epochRecord(epoch: number): EpochRecord {
  return fillerRecord(epoch, {
    trainLoss: 1 / epoch,
    testLoss: 1.1 / epoch,
    trainAccuracy: 0.5 + epoch / 100,
    testAccuracy: 0.5,
    learningRate: 0.05,
    ixt: 0.1 * epoch,
    ity: 0.05 * epoch,
    ht: 0.9,
    circuitEvaluations: 100,
    submissions: 2,
    elapsedMs: 12.5,
  });
}

function checkpoint(records: EpochRecord[]): TrainingCheckpoint {
  return {
    version: 1,
    epoch: records.length,
    step: records.length * 3,
    weights: [0.1, -0.2, Math.PI],
    optimizer: { kind: "adam", step: records.length * 3, m: [0, 0, 0], v: [0, 0, 0] } as never,
    rng: [1, 2, 3, 4],
    feedback: { penalty: 0, target: null },
    records,
    elapsedMs: 12.5 * records.length,
  };
}

/** The ids of every page of `query`, `limit` a page, from `from` (at most 100 pages). */
async function listAll(
  query: { status?: JobStatus; tag?: string; backend?: string },
  limit: number,
  from: JobStore = store,
) {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await from.list({ ...query, limit, cursor });
    pages.push(page.jobs.map((job) => job.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined && pages.length < 100);
  return pages;
}

describe("JobStore", () => {
  it("stores a record and reads it back whole", async () => {
    const job = await created({ tags: ["a", "b c"], owner: "owner-1" });
    expect(await store.get(job.id)).toEqual(job);
    expect(await store.get(newJobId())).toBeNull();
    expect(await store.getMany([job.id, newJobId()])).toEqual([job, null]);
    // a second create of the same id is a bug, not an overwrite
    await expect(store.create(job)).rejects.toThrow("already exists");
  });

  it("lists newest first in pages, with filters by status, tag and backend", async () => {
    const local = testPrefix("store-list");
    const listing = new JobStore(redis, { prefix: local, retentionSeconds: 3600 });
    const jobs: JobRecord[] = [];
    try {
      for (let i = 0; i < 25; i++) {
        const job = newJob({
          tags: i % 2 === 0 ? ["even"] : ["odd"],
          backend: i % 5 === 0 ? "ibm-test" : "local",
        });
        expect(await listing.create(job)).toEqual({ ok: true });
        jobs.push(job);
      }
      const newestFirst = jobs.map((job) => job.id).reverse();
      const pages = (query: Parameters<typeof listAll>[0], limit: number) =>
        listAll(query, limit, listing);
      const all = await pages({}, 10);
      expect(all.map((page) => page.length)).toEqual([10, 10, 5]);
      expect(all.flat()).toEqual(newestFirst);
      // an exact multiple of the page size ends without an empty page
      expect((await pages({}, 5)).map((page) => page.length)).toEqual([5, 5, 5, 5, 5]);

      // move a few through their statuses
      for (const [index, to] of [
        [0, "running"],
        [1, "running"],
        [2, "completed"],
        [24, "failed"],
      ] as const) {
        const from: JobStatus[] = to === "running" ? ["queued"] : ["queued", "running"];
        expect((await listing.transition(jobs[index]!, from, to)).ok).toBe(true);
      }
      expect((await pages({ status: "running" }, 10)).flat()).toEqual([jobs[1]!.id, jobs[0]!.id]);
      expect((await pages({ status: "completed" }, 10)).flat()).toEqual([jobs[2]!.id]);
      expect((await pages({ status: "queued" }, 10)).flat()).toHaveLength(21);
      const even = newestFirst.filter((_, i) => (24 - i) % 2 === 0);
      expect((await pages({ tag: "even" }, 4)).flat()).toEqual(even);
      expect((await pages({ backend: "ibm-test" }, 2)).flat()).toEqual(
        newestFirst.filter((_, i) => (24 - i) % 5 === 0),
      );
      // two filters at once: the second is applied to the records
      expect((await pages({ tag: "even", status: "running" }, 10)).flat()).toEqual([jobs[0]!.id]);
      expect((await pages({ tag: "odd", backend: "ibm-test" }, 1)).flat()).toEqual([
        jobs[15]!.id,
        jobs[5]!.id,
      ]);
      expect((await listing.list({ tag: "none", limit: 10 })).jobs).toEqual([]);
      expect(await listing.countByStatus()).toEqual({
        queued: 21,
        running: 2,
        completed: 1,
        failed: 1,
        cancelled: 0,
      });
    } finally {
      await deleteKeysUnder(redis, local);
    }
  });

  it("pages correctly through jobs created in the same millisecond", async () => {
    const local = testPrefix("store-ties");
    const listing = new JobStore(redis, { prefix: local, retentionSeconds: 3600 });
    try {
      const at = Date.UTC(2026, 6, 1);
      const jobs = [
        newJob({ at: at - 1 }),
        ...Array.from({ length: 5 }, () => newJob({ at })),
        newJob({ at: at + 1 }),
      ];
      for (const job of jobs) await listing.create(job);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await listing.list({ limit: 2, cursor });
        seen.push(...page.jobs.map((job) => job.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual(jobs.map((job) => job.id).reverse());
    } finally {
      await deleteKeysUnder(redis, local);
    }
  });

  it("refuses a cursor it did not make", async () => {
    for (const cursor of ["not-a-cursor", Buffer.from('{"a":1}').toString("base64url")]) {
      await expect(store.list({ limit: 5, cursor })).rejects.toMatchObject({
        code: "QPLANE_ERR_REQUEST_INVALID",
        message: "cursor: not a cursor from a previous page of this listing",
      });
    }
  });

  it("skips, and unindexes, jobs whose record expired", async () => {
    const local = testPrefix("store-expired");
    const listing = new JobStore(redis, { prefix: local, retentionSeconds: 3600 });
    try {
      const jobs = [newJob({ tags: ["t"] }), newJob({ tags: ["t"] }), newJob({ tags: ["t"] })];
      for (const job of jobs) await listing.create(job);
      await redis.del(listing.keys.job(jobs[1]!.id)); // as if its TTL ran out
      const page = await listing.list({ limit: 10 });
      expect(page.jobs.map((job) => job.id)).toEqual([jobs[2]!.id, jobs[0]!.id]);
      expect(page.nextCursor).toBeNull();
      expect(await redis.zscore(listing.keys.jobs, jobs[1]!.id)).toBeNull();
      // other indexes are cleaned when they are listed
      expect((await listing.list({ tag: "t", limit: 1 })).jobs.map((job) => job.id)).toEqual([
        jobs[2]!.id,
      ]);
      expect((await listing.list({ tag: "t", limit: 5 })).jobs).toHaveLength(2);
      expect(await redis.zcard(listing.keys.tag("t"))).toBe(2);
    } finally {
      await deleteKeysUnder(redis, local);
    }
  });

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

  it("lists one owner's jobs from its own index, with the other filters and cursors", async () => {
    const local = testPrefix("store-owner");
    const scoped = new JobStore(redis, { prefix: local, retentionSeconds: 3600 });
    try {
      const at = Date.parse("2025-03-01T00:00:00Z");
      const mine = [0, 1, 2, 3].map((i) => newJob({ owner: "owner-a", tags: ["t"], at: at + i }));
      const theirs = [0, 1].map((i) => newJob({ owner: "owner-b", tags: ["t"], at: at + 10 + i }));
      const nobody = newJob({ owner: null, tags: ["t"], at: at + 20 });
      for (const job of [...mine, ...theirs, nobody]) await scoped.create(job);
      await scoped.transition(mine[1]!, ["queued"], "running");
      expect(await redis.zrange(scoped.keys.ownerJobs("owner-a"), 0, "-1")).toEqual(
        mine.map((job) => job.id),
      );
      const first = await scoped.list({ limit: 3 }, "owner-a");
      expect(first.jobs.map((job) => job.id)).toEqual([mine[3]!.id, mine[2]!.id, mine[1]!.id]);
      const rest = await scoped.list({ limit: 3, cursor: first.nextCursor! }, "owner-a");
      expect(rest).toEqual({
        jobs: [expect.objectContaining({ id: mine[0]!.id })],
        nextCursor: null,
      });
      // with a filter the smaller index is walked; the answer is the same
      const running = await scoped.list({ limit: 10, status: "running" }, "owner-a");
      expect(running.jobs.map((job) => job.id)).toEqual([mine[1]!.id]);
      const tagged = await scoped.list({ limit: 10, tag: "t" }, "owner-b");
      expect(tagged.jobs.map((job) => job.id)).toEqual([theirs[1]!.id, theirs[0]!.id]);
      expect((await scoped.list({ limit: 10 })).jobs).toHaveLength(7);
      expect(await scoped.owner(mine[0]!.id)).toBe("owner-a");
      expect(await scoped.owner(nobody.id)).toBeNull();
      expect(await scoped.owner(newJobId())).toBeUndefined();
    } finally {
      await deleteKeysUnder(redis, local);
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

  it("lists with the default cursor flow across a filtered index", async () => {
    const tagged = [
      await created({ tags: ["flow"] }),
      await created({ tags: ["flow"] }),
      await created({ tags: ["flow"] }),
    ];
    expect(await listAll({ tag: "flow" }, 2)).toEqual([
      [tagged[2]!.id, tagged[1]!.id],
      [tagged[0]!.id],
    ]);
  });
});
