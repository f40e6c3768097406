/**
 * The job store over one ioredis connection: the job records (records.ts) with listing
 * (listing.ts), the sweeper (sweeping.ts), Idempotency-Key claims (idempotency.ts) and event
 * publication (events.ts) over the same connection and key layout (keys.ts). Each part does
 * one job; this class only wires them together for the service, the processor and the worker.
 *
 * The store knows nothing of BullMQ or HTTP; it throws QplaneError only for a bad cursor.
 * Redis failures propagate as ioredis errors (the service maps them to 503).
 */
import { publishCancel, publishJobEvent } from "./events.js";
import { IdempotencyClaims } from "./idempotency.js";
import { JobListing } from "./listing.js";
import { JobRecords } from "./records.js";
import { sweepExpired } from "./sweeping.js";
import type { JobEvent, JobListQuery, JobPage } from "./types.js";

export class JobStore extends JobRecords {
  /** Idempotency-Key claims and replays (the job service's and the experiment service's). */
  readonly idempotency = new IdempotencyClaims(this);
  private readonly listing = new JobListing(this);

  /**
   * Lists jobs newest first; see JobListQuery. With `onlyOwner`, that owner's jobs only.
   * Skips (and unindexes) expired jobs.
   */
  list(query: JobListQuery, onlyOwner?: string): Promise<JobPage> {
    return this.listing.list(query, onlyOwner);
  }

  /** Unindexes finished jobs whose retention ended; how many (sweeping.ts). */
  sweepExpired(now: number = Date.now(), batch = 200): Promise<number> {
    return sweepExpired(this, now, batch);
  }

  publish(id: string, event: JobEvent): Promise<void> {
    return publishJobEvent(this.redis, this.keys, id, event);
  }

  /** Tells every worker that a job's cancel was asked for. */
  publishCancel(id: string): Promise<void> {
    return publishCancel(this.redis, this.keys, id);
  }
}
