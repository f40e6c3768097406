/**
 * The API's JSON as the dashboard reads it (see src/api/schemas.ts). Metric values are null
 * where a run produced a non-finite number (a diverged loss).
 */

import type { z } from "zod";
import type {
  experimentCurvesSchema,
  experimentSchema,
  experimentSummarySchema,
} from "../src/api/experiment-schemas.js";

export const JOB_STATUSES = ["queued", "running", "completed", "failed", "cancelled"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const TERMINAL_STATUSES: ReadonlySet<string> = new Set(["completed", "failed", "cancelled"]);

export interface EpochRecord {
  readonly epoch: number;
  /** Cumulative optimisation steps at the end of the epoch (absent in older runs' records). */
  readonly step?: number;
  readonly trainLoss: number | null;
  readonly testLoss: number | null;
  readonly trainAccuracy?: number | null;
  readonly testAccuracy?: number | null;
  readonly trainMse?: number | null;
  readonly testMse?: number | null;
  readonly testR2?: number | null;
  /** Validation split metrics (absent without `dataset.validationFraction`). */
  readonly validationLoss?: number | null;
  readonly validationAccuracy?: number | null;
  readonly validationMse?: number | null;
  readonly validationR2?: number | null;
  readonly learningRate: number | null;
  /** Mean effective learning rate over the epoch's steps (absent in older runs' records). */
  readonly meanLearningRate?: number | null;
  readonly ixt: number | null;
  readonly ity: number | null;
  readonly hy?: number | null;
  readonly ht?: number | null;
  /** I(X;T) ≥ 0.9·log2 N (absent in older runs' records). */
  readonly saturated?: boolean;
  readonly compressionPenalty: number | null;
  readonly compressionTarget: number | null;
  readonly alpha?: number | null;
  readonly submissions?: number;
  readonly shotsUsed?: number;
  readonly estimatedCostUsd?: number | null;
  readonly circuitEvaluations?: number;
  readonly elapsedMs?: number | null;
}

/** The fields of a run's summary the dashboard shows (the rest pass through). */
export interface RunSummaryView {
  readonly epochs: number;
  /** The epoch whose test metrics the summary reports (`training.select`; absent in older runs). */
  readonly selectedEpoch?: number;
  /** Mean effective learning rate over every step (absent in older runs). */
  readonly meanLearningRate?: number | null;
  /** Feedback on: min L_comp ÷ first L_comp (null when off or undefined). */
  readonly feedbackReachability?: number | null;
  /** Feedback on: false when L_comp never fell below half its first value. */
  readonly feedbackReachable?: boolean;
  readonly [field: string]: unknown;
}

export interface JobSpecView {
  readonly dataset: { readonly name: string; readonly [field: string]: unknown };
  readonly training: { readonly epochs: number; readonly [field: string]: unknown };
  readonly feedback: {
    readonly mode: string;
    readonly alpha?: number;
    readonly [field: string]: unknown;
  };
  readonly backend: { readonly name: string; readonly [field: string]: unknown };
  readonly [section: string]: unknown;
}

export interface JobView {
  readonly id: string;
  readonly status: JobStatus;
  readonly name: string | null;
  readonly tags: readonly string[];
  readonly progress: { readonly epoch: number; readonly epochs: number };
  readonly etaSeconds: number | null;
  readonly latest: EpochRecord | null;
  /** Present once the run ended (null before; absent in older servers' answers). */
  readonly summary?: RunSummaryView | null;
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly cancelRequested: boolean;
  readonly spec: JobSpecView;
}

/** A job event; `jobId` is present on the all-jobs stream (GET /v1/events). */
export type JobEvent =
  | {
      readonly jobId?: string;
      readonly type: "status";
      readonly status: JobStatus;
      readonly at: string;
    }
  | {
      readonly jobId?: string;
      readonly type: "progress";
      readonly epoch: number;
      readonly epochs: number;
      readonly step: number;
      readonly stepsPerEpoch: number;
    }
  | { readonly jobId?: string; readonly type: "metric"; readonly record: EpochRecord };

// Experiments: the response schemas' own types (type-only imports: nothing of them is bundled).
export type ExperimentView = z.output<typeof experimentSchema>;
/** An experiment as `GET /v1/experiments` lists it (arms without aggregates). */
export type ExperimentSummary = z.output<typeof experimentSummarySchema>;
export type ArmView = ExperimentView["arms"][number];
export type ArmCurves = z.output<typeof experimentCurvesSchema>["arms"][number];
export type MeanStd = ArmCurves["epochs"][number]["ixt"];
