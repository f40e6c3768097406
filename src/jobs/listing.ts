/**
 * Listing jobs newest first, a page at a time, by status, tag, backend, spec hash and owner: the
 * smallest matching index (indexes.ts) is walked from an opaque cursor (the last job shown:
 * its creation score and id), records are read in chunks, and index entries of expired jobs
 * met on the way are removed. The cursor is the only input it refuses (QplaneError).
 */
import { QplaneError } from "../errors/catalogue.js";
import { present } from "../errors/checked.js";
import type { JobRecords } from "./records.js";
import { results } from "./redis.js";
import type { JobListQuery, JobPage, JobRecord } from "./types.js";

/** Largest page a listing returns. */
export const MAX_PAGE_SIZE = 1000;

/** Position in a newest-first listing: the last job shown. */
interface Cursor {
  readonly score: number;
  readonly id: string;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.score, cursor.id])).toString("base64url");
}

function decodeCursor(text: string): Cursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      Number.isSafeInteger(value[0]) &&
      typeof value[1] === "string" &&
      value[1].length <= 64
    ) {
      return { score: value[0], id: value[1] };
    }
  } catch {
    // reported below
  }
  throw new QplaneError(
    "QPLANE_ERR_REQUEST_INVALID",
    "cursor: not a cursor from a previous page of this listing",
  );
}

/** Pairs of [member, score] from a WITHSCORES reply. */
function pairs(reply: string[]): [string, number][] {
  const out: [string, number][] = [];
  for (let i = 0; i < reply.length; i += 2) out.push([reply[i]!, Number(reply[i + 1])]);
  return out;
}

export class JobListing {
  constructor(private readonly records: JobRecords) {}

  /**
   * Lists jobs newest first; see JobListQuery. With `onlyOwner`, that owner's jobs only.
   * Skips (and unindexes) expired jobs.
   */
  async list(query: JobListQuery, onlyOwner?: string): Promise<JobPage> {
    const k = this.records.keys;
    const limit = Math.min(Math.max(1, Math.floor(query.limit) || 1), MAX_PAGE_SIZE);
    const index = await this.smallest([
      ...(query.status ? [k.status(query.status)] : []),
      ...(query.tag !== undefined ? [k.tag(query.tag)] : []),
      ...(query.backend !== undefined ? [k.backend(query.backend)] : []),
      ...(query.specHash !== undefined ? [k.specJobs(query.specHash)] : []),
      ...(onlyOwner !== undefined ? [k.ownerJobs(onlyOwner)] : []),
    ]);
    const matches = (job: JobRecord) =>
      (!query.status || job.status === query.status) &&
      (query.tag === undefined || job.tags.includes(query.tag)) &&
      (query.backend === undefined || job.spec.backend.name === query.backend) &&
      (query.specHash === undefined || job.specHash === query.specHash) &&
      (onlyOwner === undefined || job.owner === onlyOwner);

    let cursor = query.cursor === undefined ? null : decodeCursor(query.cursor);
    const jobs: JobRecord[] = [];
    const chunk = Math.min(limit + 1, 200);
    for (;;) {
      const candidates = await this.after(index, cursor, chunk);
      const records = await this.records.getMany(candidates.map(([id]) => id));
      const expired: string[] = [];
      for (const [i, [id, score]] of candidates.entries()) {
        const job = records[i];
        if (!job) {
          expired.push(id);
        } else if (matches(job)) {
          if (jobs.length === limit) {
            // one more match exists: the page ends at the previous job
            return { jobs, nextCursor: encodeCursor(present(cursor, "the page's last cursor")) };
          }
          jobs.push(job);
        }
        cursor = { score, id };
      }
      if (expired.length > 0) await this.records.redis.zrem(index, ...expired);
      if (candidates.length < chunk) return { jobs, nextCursor: null };
    }
  }

  /**
   * The index with the fewest members among those that hold every match (all share the
   * creation-time scores, so a cursor stays valid whichever index a page walks); all jobs
   * when there is none.
   */
  private async smallest(indexes: readonly string[]): Promise<string> {
    if (indexes.length <= 1) return indexes[0] ?? this.records.keys.jobs;
    const multi = this.records.redis.multi();
    for (const index of indexes) multi.zcard(index);
    const sizes = results(await multi.exec()) as number[];
    return indexes[sizes.indexOf(Math.min(...sizes))]!;
  }

  /** Up to `count` [id, score] of `index` after `cursor`, newest first (ties: greater id first). */
  private async after(
    index: string,
    cursor: Cursor | null,
    count: number,
  ): Promise<[string, number][]> {
    // the first `count` members scored `highest` or lower, highest first, with their scores
    const newestFrom = (highest: string) =>
      [index, highest, "-inf", "BYSCORE", "REV", "LIMIT", 0, count, "WITHSCORES"] as const;
    if (cursor === null) return pairs(await this.records.redis.zrange(...newestFrom("+inf")));
    const [ties, older] = results(
      await this.records.redis
        .multi()
        .zrange(index, cursor.score, String(cursor.score), "BYSCORE", "REV", "WITHSCORES")
        .zrange(...newestFrom(`(${cursor.score}`))
        .exec(),
    ) as [string[], string[]];
    return [...pairs(ties).filter(([id]) => id < cursor.id), ...pairs(older)].slice(0, count);
  }
}
