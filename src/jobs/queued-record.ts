import type { JobSpec } from "../training/spec.js";
import { specHashOf } from "./spec-hash.js";
import type { JobRecord } from "./types.js";

/** What a submission decides about a new job; every other field of its record starts empty. */
export interface NewJob {
  readonly id: string;
  readonly spec: JobSpec;
  readonly name: string | null;
  readonly tags: readonly string[];
  readonly owner: string | null;
  /** ISO-8601. */
  readonly createdAt: string;
}

/**
 * The record of a job just submitted: queued, no epoch done, no results, never started; its
 * spec hash taken now (spec-hash.ts).
 */
export function queuedJobRecord(job: NewJob): JobRecord {
  return {
    id: job.id,
    status: "queued",
    name: job.name,
    tags: job.tags,
    spec: job.spec,
    progress: { epoch: 0, epochs: job.spec.training.epochs },
    etaSeconds: null,
    latest: null,
    summary: null,
    error: null,
    createdAt: job.createdAt,
    startedAt: null,
    finishedAt: null,
    cancelRequested: false,
    attempts: 0,
    owner: job.owner,
    specHash: specHashOf(job.spec),
  };
}
