/**
 * The shapes of the experiment service (./experiments.ts): what a submission holds, its
 * options, the child admission of derived children, what an advance returns, and the service
 * interface the API, the driver and the tests use.
 */
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import type {
  ArmCurves,
  ControlName,
  ExperimentRecord,
  ExperimentThreshold,
  Grid,
  GridValue,
} from "../experiments/types.js";
import type { ExperimentSummary, ExperimentView } from "../experiments/view.js";
import type { JobSpec } from "../training/spec.js";
import type { JobService, Viewer } from "./types.js";

export interface ExperimentSubmission {
  readonly name?: string | null | undefined;
  readonly tags?: readonly string[] | undefined;
  /** The base spec (defaults applied). */
  readonly spec: JobSpec;
  readonly grid: Grid;
  readonly threshold?: ExperimentThreshold | undefined;
  /** The baseline arm every other arm is compared with (`comparisons` of the view). */
  readonly compare?: { readonly baseline: Readonly<Record<string, GridValue>> } | undefined;
  /** Controls derived from every feedback arm's finished runs (src/experiments/controls.ts). */
  readonly controls?: readonly ControlName[] | undefined;
  /** Arms whose fields are tuned per seed on the validation split (src/experiments/plan-record.ts). */
  readonly tune?: ExperimentRecord["tune"];
  /** Each replicate seed also sets dataset.seed. */
  readonly splitPerSeed?: boolean | undefined;
  /** Arms that take fields from the baseline arm's run of the same seed. */
  readonly inherit?: ExperimentRecord["inherit"];
}

export interface ExperimentSubmitOptions {
  /** Hash of the submitting API key (null when auth is off). */
  readonly owner?: string | null;
  /**
   * Server-side checks of one child spec (configured backend, limits, dataset path); may
   * return the spec rewritten (e.g. a resolved path). Runs on every child ready at submission
   * before any is queued.
   */
  readonly admit?: (spec: JobSpec) => JobSpec | Promise<JobSpec>;
  /**
   * Same key + same submission → the experiment created the first time (no new children);
   * same key + another submission → QPLANE_ERR_IDEMPOTENCY_CONFLICT. Keys are per owner.
   */
  readonly idempotencyKey?: string;
}

/**
 * Server-side checks of a derived child spec for its experiment's owner, as
 * ExperimentSubmitOptions.admit at submission; a QplaneError makes the child unrunnable.
 */
export type ChildAdmission = (spec: JobSpec, owner: string | null) => JobSpec | Promise<JobSpec>;

/** What one advance did, and what is left. */
export interface AdvanceResult {
  /** Children queued by this advance. */
  readonly launched: number;
  /** Slots this advance recorded as unrunnable. */
  readonly unrunnable: number;
  /** Children still to derive: waiting on unfinished runs, or to be tried again. */
  readonly waiting: number;
}

export interface ExperimentSubmitResult {
  /** False when an Idempotency-Key matched an earlier identical submission. */
  readonly created: boolean;
  readonly experiment: ExperimentView;
}

export interface ExperimentPage {
  /** Summaries: status counts and arms without aggregates (read one experiment for those). */
  readonly experiments: readonly ExperimentSummary[];
  readonly nextCursor: string | null;
}

/** A submission planned and admitted, nothing queued (`POST /v1/experiments/dry-runs`). */
export interface ExperimentPlan {
  /** The record as submission would store it, before any child is launched. */
  readonly record: ExperimentRecord;
  /** The children queued at submission, admitted; derived ones (counts.waiting) are not. */
  readonly ready: readonly {
    readonly armIndex: number;
    readonly slot: string;
    readonly spec: JobSpec;
  }[];
}

export interface ExperimentService {
  submit(
    submission: ExperimentSubmission,
    options?: ExperimentSubmitOptions,
  ): Promise<ExperimentSubmitResult>;
  /** Every check of `submit` except the job slots; plans and admits, queues nothing. */
  plan(
    submission: ExperimentSubmission,
    options?: ExperimentSubmitOptions,
  ): Promise<ExperimentPlan>;
  /** With `admit`, advances the experiment first when it has children still to derive. */
  get(id: string, viewer: Viewer, admit?: ChildAdmission): Promise<ExperimentView>;
  /** Per arm, per epoch mean ± std of the learning and information-plane curves. */
  curves(id: string, viewer: Viewer, admit?: ChildAdmission): Promise<readonly ArmCurves[]>;
  /** The viewer's experiments, newest first. */
  list(
    query: { readonly limit: number; readonly cursor?: string },
    viewer: Viewer,
  ): Promise<ExperimentPage>;
  /** Cancels every unfinished child and stops deriving. */
  cancel(id: string, viewer: Viewer): Promise<ExperimentView>;
  /** Derives, admits and queues the children that are ready (see ./experiment-advance.ts). */
  advance(id: string, admit: ChildAdmission): Promise<AdvanceResult>;
  /** Ids of the experiments with children still to derive (the driver's work list). */
  deferred(): Promise<readonly string[]>;
  close(): Promise<void>;
}

export interface ExperimentServiceOptions {
  readonly config: Config;
  /** Where children are submitted and cancelled. */
  readonly jobs: JobService;
  /** A connection to use instead of one made from config.redisUrl (left open on close). */
  readonly redis?: Redis;
  readonly logger?: Logger;
}
