/**
 * The upgrade step of the spec-hash index (`<p>:jobs:spec:<specHash>`, spec-hash.ts): jobs
 * stored before it have no `specHash`, so no run would list them as its twin. This gives each
 * its hash from its stored spec and indexes it, once per deployment (`migrateOnce`, with the
 * owner-index backfill's marker, lock and bounded ZSCAN batches); workers run it with that one.
 *
 * A job that finished before keeps its old note for the sweeper (without the hash): its spec
 * index entry is dropped by the listings that meet it after it expired.
 */
import type { Redis } from "ioredis";
import type { JobSpec } from "../training/spec.js";
import { BATCH_SIZE, migrateOnce } from "./backfill.js";
import type { JobKeys } from "./keys.js";
import { results } from "./redis.js";
import { SET_SPEC_HASH } from "./scripts.js";
import { specHashOf } from "./spec-hash.js";

/** Its field in `<p>:migrations`. */
export const SPEC_HASHES_MIGRATION = "spec-hashes";

export interface SpecHashBackfill {
  /** False when it was done already, or another worker is doing it. */
  readonly ran: boolean;
  /** Jobs given a spec hash. */
  readonly jobs: number;
}

/** Hashes and indexes one ZSCAN batch of `<p>:jobs`; returns how many jobs it changed. */
async function batch(redis: Redis, keys: JobKeys, flat: readonly string[]): Promise<number> {
  const ids = flat.filter((_, i) => i % 2 === 0);
  const pipeline = redis.pipeline();
  for (const id of ids) pipeline.hmget(keys.job(id), "spec", "specHash");
  const fields = results(await pipeline.exec()) as [string | null, string | null][];
  const scriptKeys: string[] = [];
  const args: string[] = [];
  ids.forEach((id, i) => {
    const [spec, stored] = fields[i] ?? [null, null];
    // gone meanwhile, or hashed at submission
    if (spec === null || stored !== null) return;
    const specHash = specHashOf(JSON.parse(spec) as JobSpec);
    scriptKeys.push(keys.job(id), keys.specJobs(specHash));
    args.push(flat[2 * i + 1]!, id, JSON.stringify(specHash));
  });
  return scriptKeys.length === 0 ? 0 : Number(await SET_SPEC_HASH.run(redis, scriptKeys, args));
}

/** Gives earlier jobs their spec hash, once per deployment (see above). */
export async function backfillSpecHashes(redis: Redis, keys: JobKeys): Promise<SpecHashBackfill> {
  const jobs = await migrateOnce(redis, keys, SPEC_HASHES_MIGRATION, async () => {
    let changed = 0;
    let cursor = "0";
    do {
      const [next, flat] = await redis.zscan(keys.jobs, cursor, "COUNT", BATCH_SIZE);
      cursor = next;
      changed += await batch(redis, keys, flat);
    } while (cursor !== "0");
    return changed;
  });
  return jobs === null ? { ran: false, jobs: 0 } : { ran: true, jobs };
}
