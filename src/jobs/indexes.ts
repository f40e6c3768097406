/**
 * The listing indexes' upkeep, shared by the records (create, transition, remove) and the
 * sweeper: every index of a job is a sorted set scored by its creation time, and a finished
 * job leaves a note of its index entries in `<p>:jobs:expiring` so the sweeper can remove
 * them once its keys have expired. Key layout in keys.ts.
 */
import type { ChainableCommander } from "ioredis";
import { JOB_STATUSES, type JobStatus } from "./job-rules.js";
import type { JobKeys } from "./keys.js";
import type { JobRecord } from "./types.js";

/** The score of a job in every listing index: its creation time in ms. */
export function creationScore(job: Pick<JobRecord, "createdAt">): number {
  return Date.parse(job.createdAt);
}

/** What a job is listed under, besides its status: all immutable once it is created. */
export interface IndexedJob {
  readonly id: string;
  readonly backend: string;
  readonly tags: readonly string[];
  readonly owner: string | null;
  /** Null for records stored before spec hashes. */
  readonly specHash: string | null;
}

export function indexedJob(job: JobRecord): IndexedJob {
  return {
    id: job.id,
    backend: job.spec.backend.name,
    tags: job.tags,
    owner: job.owner,
    specHash: job.specHash ?? null,
  };
}

/** The sweeper's note of a finished job's index entries (all immutable once finished). */
export function expiringMember(job: JobRecord, status: JobStatus): string {
  const { id, backend, tags, owner, specHash } = indexedJob(job);
  return JSON.stringify([id, status, backend, tags, owner, specHash]);
}

/** A note read back by the sweeper. */
export interface ExpiringEntry extends IndexedJob {
  readonly member: string;
  readonly status: JobStatus;
}

export function parseExpiringMember(member: string): ExpiringEntry {
  // members written before tenancy have no owner (nor an owner index entry), those written
  // before spec hashes no spec hash
  const [id, status, backend, tags, owner = null, specHash = null] = JSON.parse(member) as [
    string,
    JobStatus,
    string,
    string[],
    (string | null)?,
    (string | null)?,
  ];
  return { member, id, status, backend, tags, owner, specHash };
}

/** Queues, on `multi`, the removal of a job from every listing index. */
export function unindex(multi: ChainableCommander, keys: JobKeys, job: IndexedJob): void {
  const { id, owner, specHash } = job;
  multi.zrem(keys.jobs, id).zrem(keys.backend(job.backend), id);
  if (owner !== null) multi.zrem(keys.ownerJobs(owner), id);
  if (specHash !== null) multi.zrem(keys.specJobs(specHash), id);
  for (const status of JOB_STATUSES) multi.zrem(keys.status(status), id);
  for (const tag of job.tags) multi.zrem(keys.tag(tag), id);
}
