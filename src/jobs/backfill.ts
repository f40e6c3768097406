/**
 * The upgrade step of the per-owner indexes (`<p>:owner:<owner>:jobs` and `:experiments`,
 * keys.ts): jobs and experiments stored before they existed are in the all-jobs and
 * all-experiments indexes only, so their owners would not see them in their own lists. This
 * adds each to its owner's index.
 *
 * Workers run it (worker.ts: at start and in every maintenance); it does the work
 * once per deployment: a marker in `<p>:migrations` says it is done (later runs cost one
 * HEXISTS), and a lock with a TTL keeps two workers from walking at the same time. It walks
 * with ZSCAN in bounded batches and writes each batch with one short script, so Redis is never
 * blocked; and it is idempotent, so a worker dying half-way leaves work the next run redoes.
 */
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { ExperimentRecord } from "../experiments/types.js";
import type { JobKeys } from "./keys.js";
import { DELETE_IF_EQUAL, INDEX_IF_EXISTS } from "./scripts.js";

/** Its field in `<p>:migrations`. */
export const OWNER_INDEXES_MIGRATION = "owner-indexes";

/** Index entries per ZSCAN and per script call. */
export const BATCH_SIZE = 200;
/** A walk longer than this lets another worker start one too (harmless: it is idempotent). */
const LOCK_SECONDS = 300;

export interface BackfillResult {
  /** False when it was done already, or another worker is doing it. */
  readonly ran: boolean;
  /** Jobs and experiments added to their owner's index. */
  readonly jobs: number;
  readonly experiments: number;
}

/** The owners of records by id (null: no owner, or the record is gone). */
type OwnerOf = (redis: Redis, ids: readonly string[]) => Promise<(string | null)[]>;

const jobOwners: (keys: JobKeys) => OwnerOf = (keys) => async (redis, ids) => {
  const pipeline = redis.pipeline();
  for (const id of ids) pipeline.hget(keys.job(id), "owner");
  const replies = (await pipeline.exec()) ?? [];
  return replies.map(([error, text]) => {
    if (error) throw error;
    return text === null ? null : (JSON.parse(text as string) as string | null);
  });
};

const experimentOwners: (keys: JobKeys) => OwnerOf = (keys) => async (redis, ids) => {
  if (ids.length === 0) return [];
  const texts = await redis.mget(...ids.map((id) => keys.experiment(id)));
  return texts.map((text) =>
    text === null ? null : ((JSON.parse(text) as ExperimentRecord).owner ?? null),
  );
};

/**
 * Adds every owned member of `index` to its owner's index; returns how many were missing.
 * Members removed meanwhile are not added back (INDEX_IF_EXISTS checks the record).
 */
async function walk(
  redis: Redis,
  index: string,
  ownersOf: OwnerOf,
  record: (id: string) => string,
  ownerIndex: (owner: string) => string,
): Promise<number> {
  let added = 0;
  let cursor = "0";
  do {
    const [next, flat] = await redis.zscan(index, cursor, "COUNT", BATCH_SIZE);
    cursor = next;
    const ids = flat.filter((_, i) => i % 2 === 0);
    const owners = await ownersOf(redis, ids);
    const keys: string[] = [];
    const args: string[] = [];
    ids.forEach((id, i) => {
      const owner = owners[i];
      if (owner === null || owner === undefined) return;
      keys.push(record(id), ownerIndex(owner));
      args.push(flat[2 * i + 1]!, id);
    });
    if (keys.length > 0) added += Number(await INDEX_IF_EXISTS.run(redis, keys, args));
  } while (cursor !== "0");
  return added;
}

/**
 * Runs migration `name` unless it is done or another worker is running it (then null): the
 * marker in `<p>:migrations` and the lock described above. `work` must be idempotent.
 */
export async function migrateOnce<T>(
  redis: Redis,
  keys: JobKeys,
  name: string,
  work: () => Promise<T>,
): Promise<T | null> {
  if (await redis.hexists(keys.migrations, name)) return null;
  const lock = keys.migrationLock(name);
  const token = randomUUID();
  if ((await redis.set(lock, token, "EX", LOCK_SECONDS, "NX")) !== "OK") return null;
  try {
    const result = await work();
    await redis.hset(keys.migrations, name, new Date().toISOString());
    return result;
  } finally {
    // unreleased (Redis away), the lock expires by itself; the walk's own error matters more
    await DELETE_IF_EQUAL.run(redis, [lock], [token]).catch(() => {});
  }
}

/** Indexes earlier jobs and experiments under their owners, once per deployment (see above). */
export async function backfillOwnerIndexes(redis: Redis, keys: JobKeys): Promise<BackfillResult> {
  const counts = await migrateOnce(redis, keys, OWNER_INDEXES_MIGRATION, async () => ({
    jobs: await walk(
      redis,
      keys.jobs,
      jobOwners(keys),
      (id) => keys.job(id),
      (owner) => keys.ownerJobs(owner),
    ),
    experiments: await walk(
      redis,
      keys.experiments,
      experimentOwners(keys),
      (id) => keys.experiment(id),
      (owner) => keys.ownerExperiments(owner),
    ),
  }));
  return counts === null ? { ran: false, jobs: 0, experiments: 0 } : { ran: true, ...counts };
}
