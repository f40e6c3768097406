/**
 * The owner-index backfill (src/jobs/backfill.ts) on a store written before the per-owner
 * indexes existed: its jobs and experiments appear in their owners' lists afterwards, once per
 * deployment, and a worker runs it when it starts.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ExperimentRecord } from "../../src/experiments/types.js";
import { backfillOwnerIndexes, OWNER_INDEXES_MIGRATION } from "../../src/jobs/backfill.js";
import { newJobId } from "../../src/jobs/ids.js";
import { JobStore } from "../../src/jobs/store.js";
import { EVERYONE, type JobRecord, type Viewer } from "../../src/jobs/types.js";
import { startWorker } from "../../src/jobs/worker.js";
import { parseJobSpec } from "../../src/training/spec.js";
import { useRealServer } from "../helpers/real-server.js";
import { queuedJobRecord } from "../helpers/records.js";
import { deleteKeysUnder, silentLogger, waitFor } from "./helpers.js";

const SPEC = parseJobSpec({
  dataset: { name: "moons", samples: 40 },
  model: { qubits: 2, layers: 1 },
  training: { epochs: 1 },
});
const ALICE: Viewer = { kind: "owner", owner: "alice-hash" };
const BOB: Viewer = { kind: "owner", owner: "bob-hash" };

describe("owner-index backfill", () => {
  const server = useRealServer("backfill");
  let store: JobStore;
  let clock = Date.now();
  /** Distinct, increasing creation times (listings are newest first). */
  const tick = () => {
    clock += 1000;
    return clock;
  };

  /** A finished job as the store held it before tenancy: in every index but its owner's. */
  async function oldJob(owner: string | null): Promise<JobRecord> {
    const job = queuedJobRecord(SPEC, tick(), { owner });
    const { id } = job;
    await store.create(job);
    // finished, so that a worker started by a test leaves it alone
    await store.transition(job, ["queued"], "completed", { finishedAt: job.createdAt });
    if (owner !== null) await server.redis.zrem(store.keys.ownerJobs(owner), id);
    return job;
  }

  /** An experiment over `children`, stored as before tenancy (no owner index entry). */
  async function oldExperiment(owner: string, children: readonly JobRecord[]): Promise<string> {
    const id = newJobId(tick());
    const record: ExperimentRecord = {
      id,
      name: null,
      tags: [],
      createdAt: new Date(clock).toISOString(),
      owner,
      grid: { "training.seed": [1] },
      replicateField: "training.seed",
      threshold: { metric: "testAccuracy", value: 0.8 },
      arms: [
        { key: "all", values: {}, metric: "testAccuracy", jobIds: children.map((job) => job.id) },
      ],
    };
    await server.redis.set(store.keys.experiment(id), JSON.stringify(record));
    await server.redis.zadd(store.keys.experiments, 0, id);
    return id;
  }

  const listed = async (viewer: Viewer) =>
    (await server.jobs.list({ limit: 100 }, viewer)).jobs.map((job) => job.id);
  const listedExperiments = async (viewer: Viewer) =>
    (await server.experiments.list({ limit: 100 }, viewer)).experiments.map((view) => view.id);

  beforeAll(() => {
    store = new JobStore(server.redis, { prefix: server.prefix, retentionSeconds: 3600 });
  });

  beforeEach(async () => {
    await deleteKeysUnder(server.redis, server.prefix);
  });

  it("lists earlier jobs and experiments for their owners, once per deployment", async () => {
    const a1 = await oldJob(ALICE.owner);
    const a2 = await oldJob(ALICE.owner);
    const b1 = await oldJob(BOB.owner);
    const ownerless = await oldJob(null);
    const experiment = await oldExperiment(ALICE.owner, [a1, a2]);
    expect(await listed(ALICE)).toEqual([]);
    expect(await listedExperiments(ALICE)).toEqual([]);

    expect(await backfillOwnerIndexes(server.redis, store.keys)).toEqual({
      ran: true,
      jobs: 3,
      experiments: 1,
    });
    expect(await listed(ALICE)).toEqual([a2.id, a1.id]);
    expect(await listed(BOB)).toEqual([b1.id]);
    expect(await listed(EVERYONE)).toEqual([ownerless.id, b1.id, a2.id, a1.id]);
    expect(await listedExperiments(ALICE)).toEqual([experiment]);
    expect(await listedExperiments(BOB)).toEqual([]);

    // done: the marker stops later runs (an old-style job written now is not picked up)
    expect(await server.redis.hexists(store.keys.migrations, OWNER_INDEXES_MIGRATION)).toBe(1);
    const late = await oldJob(BOB.owner);
    expect(await backfillOwnerIndexes(server.redis, store.keys)).toEqual({
      ran: false,
      jobs: 0,
      experiments: 0,
    });
    expect(await listed(BOB)).toEqual([b1.id]);

    // idempotent: run again without the marker, it adds only what is missing
    await server.redis.hdel(store.keys.migrations, OWNER_INDEXES_MIGRATION);
    expect(await backfillOwnerIndexes(server.redis, store.keys)).toEqual({
      ran: true,
      jobs: 1,
      experiments: 0,
    });
    expect(await listed(BOB)).toEqual([late.id, b1.id]);
    expect(await listed(ALICE)).toEqual([a2.id, a1.id]);
  });

  it("walks in batches, skips jobs gone meanwhile, and leaves a walk in progress alone", async () => {
    const many: string[] = [];
    for (let i = 0; i < 450; i++) many.push((await oldJob(ALICE.owner)).id);
    // an index entry whose record expired: not brought back into a listing
    const gone = await oldJob(ALICE.owner);
    await server.redis.del(store.keys.job(gone.id));

    await server.redis.set(store.keys.migrationLock(OWNER_INDEXES_MIGRATION), "another worker");
    expect((await backfillOwnerIndexes(server.redis, store.keys)).ran).toBe(false);
    await server.redis.del(store.keys.migrationLock(OWNER_INDEXES_MIGRATION));

    expect(await backfillOwnerIndexes(server.redis, store.keys)).toEqual({
      ran: true,
      jobs: 450,
      experiments: 0,
    });
    expect(await server.redis.zcard(store.keys.ownerJobs(ALICE.owner))).toBe(450);
    expect(await server.redis.zscore(store.keys.ownerJobs(ALICE.owner), gone.id)).toBeNull();
    expect(await listed(ALICE)).toEqual(many.slice(-100).reverse());
    // the lock is released
    expect(await server.redis.exists(store.keys.migrationLock(OWNER_INDEXES_MIGRATION))).toBe(0);
  });

  it("runs when a worker starts", async () => {
    const job = await oldJob(ALICE.owner);
    const worker = await startWorker(server.config, { logger: silentLogger });
    try {
      expect(
        await waitFor(async () => (await listed(ALICE)).length > 0 && listed(ALICE), "backfill"),
      ).toEqual([job.id]);
    } finally {
      await worker.close();
    }
  });
});
