/**
 * The job service's refusals, one constructor each, so every JobService (the Redis one and
 * the in-memory one the API tests run on) words them alike; HTTP statuses follow the codes
 * (src/errors/catalogue.ts).
 */
import { QplaneError } from "../errors/catalogue.js";
import { JOB_STATUSES, type JobStatus } from "./job-rules.js";
import { SPEC_HASH_PATTERN, SPEC_HASH_RULE } from "./spec-hash.js";
import type { JobListQuery } from "./types.js";

/** Also what another owner's job answers: the two must not be told apart. */
export const jobNotFound = (id: string) =>
  new QplaneError("QPLANE_ERR_JOB_NOT_FOUND", `job ${id}: no such job`);

export const notCancellable = (id: string, status: JobStatus) =>
  new QplaneError(
    "QPLANE_ERR_JOB_STATE",
    `job ${id} is ${status}; only queued or running jobs can be cancelled`,
  );

export const notRemovable = (id: string, status: JobStatus) =>
  new QplaneError(
    "QPLANE_ERR_JOB_STATE",
    `job ${id} is ${status}; only finished jobs can be removed (cancel it first)`,
  );

export const tooManyJobs = (active: number, limit: number) =>
  new QplaneError(
    "QPLANE_ERR_TOO_MANY_JOBS",
    `this API key has ${active} unfinished jobs, the most allowed (${limit}); wait for one to finish or cancel one`,
  );

export const idempotencyConflict = (jobId: string) =>
  new QplaneError(
    "QPLANE_ERR_IDEMPOTENCY_CONFLICT",
    `Idempotency-Key: already used for job ${jobId} with a different request body`,
  );

/** A listing's filters that the type alone does not hold to their rule, checked. */
export function checkListQuery(query: Pick<JobListQuery, "status" | "specHash">): void {
  const { status, specHash } = query;
  if (status !== undefined && !JOB_STATUSES.includes(status)) {
    throw new QplaneError(
      "QPLANE_ERR_REQUEST_INVALID",
      `status: must be one of ${JOB_STATUSES.join(", ")}`,
    );
  }
  if (specHash !== undefined && !SPEC_HASH_PATTERN.test(specHash)) {
    throw new QplaneError(
      "QPLANE_ERR_REQUEST_INVALID",
      `specHash: ${JSON.stringify(specHash)} is not a spec hash (${SPEC_HASH_RULE})`,
    );
  }
}
