/**
 * Experiments: one base spec, a grid of field values, one child job per grid point. The
 * replicate field (`training.seed`) is aggregated within an arm; every other grid field
 * defines the arms. Shared by the HTTP API (children are queued jobs) and `qplane experiment`
 * (children run in-process).
 */
import type { EpochRecord, RunSummary } from "../training/records.js";

/** A JSON value a grid may assign to a spec field. */
export type GridValue = string | number | boolean | null | readonly GridValue[];

/** Spec field (`section.field`) → the values to try, in order. */
export type Grid = Readonly<Record<string, readonly GridValue[]>>;

/** Metrics an "epochs to threshold" can be counted on (those of EpochRecord). */
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

export interface ArmAggregate extends ExperimentArm {
  readonly jobs: number;
  readonly completed: number;
  /** Over completed children. */
  readonly finalMetric: Stat;
  /** Over completed children that reached the threshold (n = how many did). */
  readonly epochsToThreshold: Stat;
  readonly finalIxt: Stat;
  readonly finalIty: Stat;
  /**
   * Feedback arms only: of the completed children whose summary carries feedbackReachable
   * (`of`), how many say false (L_comp never fell below half its first value).
   */
  readonly feedbackUnreachable?: { readonly count: number; readonly of: number };
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
