/**
 * What the JobStore tests share: a store over Redis under a prefix of the file's own, job
 * records on an advancing clock, epoch records, checkpoints and every page of a listing.
 */
import type { Redis } from "ioredis";
import { afterAll, beforeAll, expect } from "vitest";
import { newJobId } from "../../src/jobs/ids.js";
import { queuedJobRecord } from "../../src/jobs/queued-record.js";
import { JobStore } from "../../src/jobs/store.js";
import type { JobRecord, JobStatus } from "../../src/jobs/types.js";
import type { TrainingCheckpoint } from "../../src/training/loop.js";
import type { EpochRecord } from "../../src/training/records.js";
import { parseJobSpec } from "../../src/training/spec.js";
import { fillerRecord } from "../helpers/records.js";
import { connect, deleteKeysUnder, testPrefix } from "./helpers.js";

// live bindings: a test file sees the store its own useJobStore made
export let prefix: string;
export let redis: Redis;
export let store: JobStore;

/** A store over Redis for one test file; `name` makes its key prefix. */
export function useJobStore(name: string): void {
  prefix = testPrefix(name);
  beforeAll(() => {
    redis = connect();
    store = new JobStore(redis, { prefix, retentionSeconds: 3600 });
  });

  afterAll(async () => {
    await deleteKeysUnder(redis, prefix);
    redis.disconnect();
  });
}

let clock = Date.UTC(2026, 5, 1);

export function newJob(
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

export async function created(options?: Parameters<typeof newJob>[0]): Promise<JobRecord> {
  const job = newJob(options);
  expect(await store.create(job)).toEqual({ ok: true });
  return job;
}

export function epochRecord(epoch: number): EpochRecord {
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

export function checkpoint(records: EpochRecord[]): TrainingCheckpoint {
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
export async function listAll(
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
