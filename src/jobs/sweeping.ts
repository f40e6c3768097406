/**
 * The sweeper: removes the listing-index entries of finished jobs whose retention ended.
 * Their keys expire in Redis on their own (TTL); the entries they leave in the indexes are
 * found through the notes in `<p>:jobs:expiring` (indexes.ts). Listing also drops expired
 * entries it meets; this keeps counts (stats) and rarely listed indexes exact.
 */
import { parseExpiringMember, unindex } from "./indexes.js";
import type { JobRecords } from "./records.js";
import { results } from "./redis.js";

/**
 * Removes the index entries of finished jobs whose retention ended (their keys expired in
 * Redis). Returns how many jobs were unindexed.
 */
export async function sweepExpired(
  records: JobRecords,
  now: number = Date.now(),
  batch = 200,
): Promise<number> {
  const { keys: k, redis } = records;
  const due = await redis.zrange(k.expiring, "-inf", String(now), "BYSCORE", "LIMIT", 0, batch);
  if (due.length === 0) return 0;
  const entries = due.map(parseExpiringMember);
  const check = redis.pipeline();
  for (const entry of entries) check.exists(k.job(entry.id));
  const exists = results(await check.exec()) as number[];
  const multi = redis.multi();
  let swept = 0;
  entries.forEach((entry, i) => {
    // a record outliving its score (clock skew between hosts) waits for a later sweep
    if (exists[i]) return;
    unindex(multi, k, entry);
    multi.zrem(k.expiring, entry.member);
    swept++;
  });
  if (swept > 0) results(await multi.exec());
  return swept;
}
