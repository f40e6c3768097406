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

/** The sweeper's note of a finished job's index entries (all immutable once finished). */
export function expiringMember(job: JobRecord, status: JobStatus): string {
  return JSON.stringify([job.id, status, job.spec.backend.name, job.tags, job.owner]);
}

/** A note read back by the sweeper. */
export interface ExpiringEntry {
  readonly member: string;
  readonly id: string;
  readonly status: JobStatus;
  readonly backend: string;
  readonly tags: readonly string[];
  readonly owner: string | null;
}

export function parseExpiringMember(member: string): ExpiringEntry {
  // members written before tenancy have no owner (nor an owner index entry)
  const [id, status, backend, tags, owner = null] = JSON.parse(member) as [
    string,
    JobStatus,
    string,
    string[],
    (string | null)?,
  ];
  return { member, id, status, backend, tags, owner };
}

/** Queues, on `multi`, the removal of a job from every listing index. */
export function unindex(
  multi: ChainableCommander,
  keys: JobKeys,
  id: string,
  backend: string,
  tags: readonly string[],
  owner: string | null,
): void {
  multi.zrem(keys.jobs, id).zrem(keys.backend(backend), id);
  if (owner !== null) multi.zrem(keys.ownerJobs(owner), id);
  for (const status of JOB_STATUSES) multi.zrem(keys.status(status), id);
  for (const tag of tags) multi.zrem(keys.tag(tag), id);
}
