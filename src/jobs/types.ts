/**
 * The shapes shared by the job store, the queue's worker and the HTTP API. A job is a
 * training spec plus what happened to it; per-epoch metrics and checkpoints live beside it.
 */
import type { TrainingCheckpoint } from "../training/loop.js";
import type { EpochRecord, RunSummary } from "../training/records.js";
import type { SentProgram } from "../training/sent-program.js";
import type { JobSpec } from "../training/spec.js";

import type { JobStatus } from "./job-rules.js";

// the statuses are defined with the other job rules; re-exported for the modules that read
// them with the record shapes
export { JOB_STATUSES, type JobStatus, TERMINAL_JOB_STATUSES } from "./job-rules.js";

export interface JobError {
  /** A QPLANE_ERR_* code from the error catalogue (or QPLANE_ERR_INTERNAL). */
  readonly code: string;
  readonly message: string;
}

export interface JobRecord {
  readonly id: string;
  readonly status: JobStatus;
  readonly name: string | null;
  readonly tags: readonly string[];
  /** The validated spec with every default applied. */
  readonly spec: JobSpec;
  readonly progress: { readonly epoch: number; readonly epochs: number };
  /** Seconds to completion estimated from the mean epoch time so far (null before one epoch). */
  readonly etaSeconds: number | null;
  /** The last epoch record. */
  readonly latest: EpochRecord | null;
  readonly summary: RunSummary | null;
  readonly error: JobError | null;
  /** ISO-8601 timestamps. */
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  /** A cancel was asked for; the worker stops the run within about a second, even mid-step. */
  readonly cancelRequested: boolean;
  /** Times a worker started (or resumed) this job. */
  readonly attempts: number;
  /**
   * Training time spent on the job over all its runs, partial epochs included, in whole ms
   * (what the time limit counts): added by workers at every stop and every few seconds while
   * training, so a killed worker loses at most those seconds. Absent before the first run.
   */
  readonly trainingMsUsed?: number;
  /** Which API key submitted the job (a hash, never the key), for per-key limits and tenancy. */
  readonly owner: string | null;
  /**
   * The spec's hash without where it runs (spec-hash.ts): equal for a run and its twin.
   * Absent on records stored before it existed (they are listed under no spec hash).
   */
  readonly specHash?: string;
}

/**
 * Whose jobs a caller may see and act on: one API key's (its owner hash), or every job (an
 * admin key, a server without keys, or the server itself). To an owner, another owner's job
 * does not exist: every read and write of it answers not found.
 */
export type Viewer =
  | { readonly kind: "everyone" }
  | { readonly kind: "owner"; readonly owner: string };

/**
 * The viewer that sees every job: admin keys, a server without keys, and in-process callers
 * (worker, CLI, tests), which pass it deliberately; there is no default viewer.
 */
export const EVERYONE: Viewer = Object.freeze({ kind: "everyone" });

/** Whether `viewer` may see a job or experiment recorded with `owner`. */
export function canSee(viewer: Viewer, owner: string | null): boolean {
  return viewer.kind === "everyone" || viewer.owner === owner;
}

/** What the API and dashboards stream (Server-Sent Events) while a job runs. */
export type JobEvent =
  | { readonly type: "status"; readonly status: JobStatus; readonly at: string }
  | {
      readonly type: "progress";
      readonly epoch: number;
      readonly epochs: number;
      readonly step: number;
      readonly stepsPerEpoch: number;
    }
  | { readonly type: "metric"; readonly record: EpochRecord };

export interface JobListQuery {
  readonly status?: JobStatus;
  readonly tag?: string;
  readonly backend?: string;
  /** Only runs of this spec on any backend (JobRecord.specHash). */
  readonly specHash?: string;
  /** Opaque cursor from a previous page. */
  readonly cursor?: string;
  readonly limit: number;
}

export interface JobPage {
  readonly jobs: readonly JobRecord[];
  readonly nextCursor: string | null;
}

export type CheckpointState = TrainingCheckpoint;

export interface SubmitOptions {
  readonly name?: string | null;
  readonly tags?: readonly string[];
  /** Same key + same body → the same job; same key + different body → QPLANE_ERR_IDEMPOTENCY_CONFLICT. */
  readonly idempotencyKey?: string;
  /** Hash of the submitting API key (null when auth is off). */
  readonly owner?: string | null;
}

export interface SubmitResult {
  /** False when an Idempotency-Key matched an earlier identical submission. */
  readonly created: boolean;
  readonly job: JobRecord;
}

export interface QueueStats {
  readonly byStatus: Readonly<Record<JobStatus, number>>;
  /** Jobs waiting in the queue for a worker. */
  readonly queueDepth: number;
}

/**
 * What the API needs from the job system (store + queue). Implemented over Redis and BullMQ;
 * methods throw QplaneError with catalogue codes (not found → QPLANE_ERR_JOB_NOT_FOUND, etc.).
 * Reads and writes of a job take the caller's `viewer`, always explicitly (the HTTP API passes
 * the request's; in-process callers pass EVERYONE deliberately): a job the viewer may not see
 * answers QPLANE_ERR_JOB_NOT_FOUND exactly as a job that does not exist, whatever its status.
 */
export interface JobService {
  submit(spec: JobSpec, options?: SubmitOptions): Promise<SubmitResult>;
  get(id: string, viewer: Viewer): Promise<JobRecord>;
  /** The viewer's jobs only. */
  list(query: JobListQuery, viewer: Viewer): Promise<JobPage>;
  /** Per-epoch records with epoch > sinceEpoch (all when omitted). */
  metrics(id: string, viewer: Viewer, sinceEpoch?: number): Promise<readonly EpochRecord[]>;
  /**
   * The ISA program the job's run first submitted on a transpiling backend (IBM), or null
   * when none was recorded (the backend runs circuits as written, or nothing was submitted yet).
   */
  sentProgram(id: string, viewer: Viewer): Promise<SentProgram | null>;
  /** Stops a queued or running job (within about a second, even mid-step); terminal → 409. */
  cancel(id: string, viewer: Viewer): Promise<JobRecord>;
  /** Removes a finished job and its data; unfinished → 409. */
  remove(id: string, viewer: Viewer): Promise<void>;
  /** Live events of one job until the returned function is called. */
  subscribe(
    id: string,
    onEvent: (event: JobEvent) => void,
    viewer: Viewer,
  ): Promise<() => Promise<void>>;
  /**
   * Live events of every job the viewer may see, from any worker, until the returned function
   * is called (the dashboard's job list; the epoch-duration histogram reads the metric events).
   * Answers QPLANE_ERR_UNAVAILABLE when the store does not answer, rather than a silent stream.
   */
  watchAll(
    listener: (jobId: string, event: JobEvent) => void,
    viewer: Viewer,
  ): Promise<() => Promise<void>>;
  /** Whether Redis answers. */
  ready(): Promise<boolean>;
  /** Workers with a live heartbeat (src/jobs/heartbeat.ts), wherever they run. */
  workers(): Promise<number>;
  stats(): Promise<QueueStats>;
  close(): Promise<void>;
}
