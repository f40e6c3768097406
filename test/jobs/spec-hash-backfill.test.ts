/**
 * The spec-hash backfill (src/jobs/spec-hash-backfill.ts) on a store written before spec
 * hashes: its jobs get their hash and are listed with the runs of their spec afterwards, once
 * per deployment, in batches, without bringing back a job gone meanwhile.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { specHashOf } from "../../src/jobs/spec-hash.js";
import { backfillSpecHashes, SPEC_HASHES_MIGRATION } from "../../src/jobs/spec-hash-backfill.js";
import { JobStore } from "../../src/jobs/store.js";
import { EVERYONE, type JobRecord } from "../../src/jobs/types.js";
import { type JobSpec, parseJobSpec } from "../../src/training/spec.js";
import { useRealServer } from "../helpers/real-server.js";
import { unhashedJobRecord } from "../helpers/records.js";
import { deleteKeysUnder } from "./helpers.js";

const spec = (backend: string, seed = 1) =>
  parseJobSpec({
    dataset: { name: "moons", samples: 40 },
    training: { epochs: 1, seed },
    backend: { name: backend, shots: 100 },
  });
const DEVICE = spec("ibm-fez");
const TWIN = spec("ibm-fez-twin");
const OTHER = spec("ibm-fez-twin", 2);

describe("spec-hash backfill", () => {
  const server = useRealServer("spec-backfill", { experiments: false });
  let store: JobStore;
  let clock = Date.now();

  /** A job as the store held it before spec hashes (`hashed`: as submitted since). */
  async function job(jobSpec: JobSpec, hashed = false): Promise<JobRecord> {
    clock += 1000;
    const record = unhashedJobRecord(
      jobSpec,
      clock,
      hashed ? { specHash: specHashOf(jobSpec) } : {},
    );
    await store.create(record);
    return record;
  }

  const runsOf = async (jobSpec: JobSpec) =>
    (await server.jobs.list({ limit: 100, specHash: specHashOf(jobSpec) }, EVERYONE)).jobs.map(
      (listed) => listed.id,
    );

  beforeAll(() => {
    store = new JobStore(server.redis, { prefix: server.prefix, retentionSeconds: 3600 });
  });
  beforeEach(async () => {
    await deleteKeysUnder(server.redis, server.prefix);
  });

  it("hashes and indexes earlier jobs from their stored spec, once per deployment", async () => {
    const device = await job(DEVICE);
    const other = await job(OTHER);
    const twin = await job(TWIN, true);
    const gone = await job(DEVICE);
    await server.redis.del(store.keys.job(gone.id));
    expect(await runsOf(DEVICE)).toEqual([twin.id]);
    expect((await server.jobs.get(device.id, EVERYONE)).specHash).toBeUndefined();

    expect(await backfillSpecHashes(server.redis, store.keys)).toEqual({ ran: true, jobs: 2 });
    expect(await runsOf(DEVICE)).toEqual([twin.id, device.id]);
    expect(await runsOf(OTHER)).toEqual([other.id]);
    expect((await server.jobs.get(device.id, EVERYONE)).specHash).toBe(specHashOf(TWIN));
    expect(await server.redis.exists(store.keys.job(gone.id))).toBe(0);
    expect(await server.redis.zscore(store.keys.specJobs(specHashOf(DEVICE)), gone.id)).toBeNull();

    // done: the marker stops later runs; without it, a run changes only what is missing
    expect(await server.redis.hexists(store.keys.migrations, SPEC_HASHES_MIGRATION)).toBe(1);
    const late = await job(DEVICE);
    expect(await backfillSpecHashes(server.redis, store.keys)).toEqual({ ran: false, jobs: 0 });
    await server.redis.hdel(store.keys.migrations, SPEC_HASHES_MIGRATION);
    expect(await backfillSpecHashes(server.redis, store.keys)).toEqual({ ran: true, jobs: 1 });
    expect(await runsOf(DEVICE)).toEqual([late.id, twin.id, device.id]);
  });

  it("walks more jobs than one batch", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 450; i++) ids.push((await job(DEVICE)).id);
    expect(await backfillSpecHashes(server.redis, store.keys)).toEqual({ ran: true, jobs: 450 });
    expect(await server.redis.zcard(store.keys.specJobs(specHashOf(DEVICE)))).toBe(450);
    expect(await runsOf(DEVICE)).toEqual(ids.slice(-100).reverse());
  });
});
