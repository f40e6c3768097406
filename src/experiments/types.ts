/**
 * Experiments: one base spec, a grid of field values, one child job per grid point. The
 * replicate field (`training.seed`) is aggregated within an arm; every other grid field
 * defines the arms. Shared by the HTTP API (children are queued jobs) and `qplane experiment`
 * (children run in-process).
 */
import type { EpochRecord, RunSummary } from "../training/records.js";
import type { JobSpec } from "../training/spec.js";

/** A JSON value a grid may assign to a spec field. */
export type GridValue = string | number | boolean | null | readonly GridValue[];

/** Spec field (`section.field`) → the values to try, in order. */
export type Grid = Readonly<Record<string, readonly GridValue[]>>;

/**
 * Metrics a threshold may name (those of EpochRecord). Steps to it are counted split-free:
 * on the validation split, else the training split (aggregate.ts STEP_METRIC).
 */
export const THRESHOLD_METRICS = [
  "testAccuracy",
  "trainAccuracy",
  "testR2",
  "testMse",
  "trainMse",
  "testLoss",
  "trainLoss",
] as const;
export type ThresholdMetric = (typeof THRESHOLD_METRICS)[number];

/** Metrics where lower is better: the threshold is reached at or below the value. */
export const LOWER_IS_BETTER: ReadonlySet<ThresholdMetric> = new Set([
  "testMse",
  "trainMse",
  "testLoss",
  "trainLoss",
]);

export interface ExperimentThreshold {
  readonly metric: ThresholdMetric;
  readonly value: number;
}

/** The final test metric aggregated per arm: accuracy (classification) or R² (regression). */
export type FinalMetric = "testAccuracy" | "testR2";

/** Which arm: its grid values and the final metric it is judged by. */
export interface ArmIdentity {
  /** `field=value, …` over the non-replicate grid fields (`all` when there are none). */
  readonly key: string;
  readonly values: Readonly<Record<string, GridValue>>;
  readonly metric: FinalMetric;
}

/** Controls derived per seed from every feedback arm (src/experiments/controls.ts). */
export const CONTROL_NAMES = ["dose-matched", "placebo"] as const;
export type ControlName = (typeof CONTROL_NAMES)[number];

export interface ExperimentArm extends ArmIdentity {
  /** Child job ids (or run ids in-process), one per replicate, in grid order. */
  readonly jobIds: readonly string[];
  /** A control arm: which control, derived from which feedback arm (its key). */
  readonly control?: { readonly kind: ControlName; readonly of: string };
  /** Parallel to jobIds: each launched child's slot (absent in old records: jobIds[i] is replicate i). */
  readonly slots?: readonly string[];
  /** Slots that can never run (a dependency failed), with why. */
  readonly unrunnable?: readonly { readonly slot: string; readonly message: string }[];
  /** A tuned arm: per seed, one child per candidate; the best on validation is its run. */
  readonly tuning?: { readonly candidates: readonly Readonly<Record<string, GridValue>>[] };
  /** Its children wait for other children (controls, inherit, target baseline). */
  readonly deferred?: boolean;
}

/** `tune[j]` of a submission: the arms it selects and the spec fields' candidate values. */
export interface TuneEntry {
  readonly arm: Readonly<Record<string, GridValue>>;
  readonly candidates: Readonly<Record<string, readonly GridValue[]>>;
}

/** `inherit[j]` of a submission: the arms that take these fields from the baseline's run. */
export interface InheritEntry {
  readonly arm: Readonly<Record<string, GridValue>>;
  readonly fields: readonly string[];
}

/** Which candidate a tuned arm selected for one seed (on the validation split). */
export interface TunedSelection {
  /** The replicate value (null when the grid has no replicate axis). */
  readonly seed: GridValue | null;
  readonly candidate: Readonly<Record<string, GridValue>>;
  readonly jobId: string;
}

/** `compare` of a submission, resolved: the baseline arm every other arm is compared with. */
export interface ExperimentCompare {
  /** Grid field → value, as submitted; matches exactly one arm. */
  readonly baseline: Readonly<Record<string, GridValue>>;
  /** That arm's key. */
  readonly baselineArm: string;
  /** Whether the submission gave a threshold (then steps to it are compared too). */
  readonly thresholdGiven: boolean;
}

/** What is stored of an experiment: the definition and its children. */
export interface ExperimentRecord {
  readonly id: string;
  readonly name: string | null;
  readonly tags: readonly string[];
  /** ISO-8601. */
  readonly createdAt: string;
  /** Hash of the submitting API key (null when auth is off). */
  readonly owner: string | null;
  readonly grid: Grid;
  readonly replicateField: string;
  readonly threshold: ExperimentThreshold;
  readonly arms: readonly ExperimentArm[];
  /** Absent in experiments without `compare` (and in records stored before it existed). */
  readonly compare?: ExperimentCompare;
  readonly controls?: readonly ControlName[];
  /** The base spec, defaults applied (absent in records stored before it): deferred children derive from it. */
  readonly spec?: JobSpec;
  /** As submitted. */
  readonly tune?: readonly TuneEntry[];
  readonly inherit?: readonly InheritEntry[];
  /** Each replicate seed also set dataset.seed (absent: false). */
  readonly splitPerSeed?: boolean;
  /** ISO time the experiment was cancelled (as read: the `:derived` hash's `cancelled` field). */
  readonly cancelledAt?: string;
}

/** Where one child stands, as far as aggregation needs. */
export interface ChildOutcome {
  readonly id: string;
  /** Job status; `missing` when its record expired or was removed. */
  readonly status: "queued" | "running" | "completed" | "failed" | "cancelled" | "missing";
  readonly records: readonly EpochRecord[];
  readonly summary: RunSummary | null;
  /** Its spec's training.seed: what comparisons pair on (absent: its index in the arm). */
  readonly seed?: number;
}

/** Mean and sample standard deviation (n − 1) of the values present; null when too few. */
export interface Stat {
  readonly mean: number | null;
  readonly std: number | null;
  readonly n: number;
}

/** Steps to a threshold: a Stat over the runs counted, censored ones at their budget. */
export interface StepsStat extends Stat {
  /** Counted runs that never reached the threshold (each counted at its step budget). */
  readonly censored: number;
  /** Where the steps were measured; absent while no run is counted. */
  readonly split?: "validation" | "train";
}

export interface ArmAggregate extends ExperimentArm {
  readonly jobs: number;
  readonly completed: number;
  /** Over completed children. */
  readonly finalMetric: Stat;
  /**
   * Optimisation steps to the experiment's threshold over completed children, on the
   * validation split, else the training split (never the test split).
   */
  readonly stepsToThreshold: StepsStat;
  readonly finalIxt: Stat;
  readonly finalIty: Stat;
  /**
   * Feedback arms only: of the completed children whose summary carries feedbackReachable
   * (`of`), how many say false (L_comp never fell below half its first value).
   */
  readonly feedbackUnreachable?: { readonly count: number; readonly of: number };
  /** Tuned arms: which candidate each seed selected (the arm's aggregates are over those runs). */
  readonly selected?: readonly TunedSelection[];
}

export interface EpochStat {
  readonly epoch: number;
  /** Children with a record for this epoch. */
  readonly n: number;
  readonly trainLoss: Stat;
  readonly testLoss: Stat;
  readonly testMetric: Stat;
  readonly ixt: Stat;
  readonly ity: Stat;
  readonly learningRate: Stat;
  /** I* of the feedback (n = 0 when feedback is off). */
  readonly compressionTarget: Stat;
}

export interface ArmCurves extends ArmIdentity {
  readonly epochs: readonly EpochStat[];
}
