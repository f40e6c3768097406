/**
 * The API's JSON as the dashboard reads it: the types of the API's own response schemas
 * (src/api/record-schemas.ts, schemas.ts, experiment-schemas.ts), imported as types only, so
 * nothing of them is bundled and a change to the API's wire shapes is a type error here.
 * Metric values are null where a run produced a non-finite number (a diverged loss).
 */

import type { z } from "zod";
import type {
  experimentCurvesSchema,
  experimentDryRunSchema,
  experimentSchema,
  experimentSummarySchema,
  REPLICATE_FIELD as SERVER_REPLICATE_FIELD,
} from "../src/api/experiment-schemas.js";
import type {
  Assert,
  EpochRecordView,
  JobEventView,
  JobStatusView,
  RunSummaryView,
  Same,
} from "../src/api/record-schemas.js";
import type { JobView, runPlanSchema } from "../src/api/schemas.js";

export type { JobView, RunSummaryView };
export type JobStatus = JobStatusView;
export type EpochRecord = EpochRecordView;
/** A job event; `jobId` is present on the all-jobs stream (GET /v1/events). */
export type JobEvent = JobEventView;

/**
 * The statuses in the order the dashboard lists them. The bundle needs them as a value, which
 * it cannot import from the server's modules; the check below fails the typecheck when this
 * list and the API's statuses differ.
 */
export const JOB_STATUSES = [
  "queued",
  "running",
  "completed",
  "failed",
  "cancelled",
] as const satisfies readonly JobStatus[];
export type JobStatusesComplete = Assert<Same<(typeof JOB_STATUSES)[number], JobStatus>>;
/** Statuses a job (or an experiment) never leaves. */
export const TERMINAL_STATUSES: ReadonlySet<string> = new Set<JobStatus>([
  "completed",
  "failed",
  "cancelled",
]);

// Experiments: the response schemas' own types.
export type ExperimentView = z.output<typeof experimentSchema>;
/** An experiment as `GET /v1/experiments` lists it (arms without aggregates). */
export type ExperimentSummary = z.output<typeof experimentSummarySchema>;
export type ArmView = ExperimentView["arms"][number];
export type ArmCurves = z.output<typeof experimentCurvesSchema>["arms"][number];
export type MeanStd = ArmCurves["epochs"][number]["ixt"];

/** What a run would submit and cost (`POST /v1/dry-runs`). */
export type RunPlan = z.output<typeof runPlanSchema>;
/** An experiment's plan per arm and in total (`POST /v1/experiments/dry-runs`). */
export type ExperimentDryRun = z.output<typeof experimentDryRunSchema>;

/**
 * The grid field whose values are an experiment's seeds (aggregated within an arm, not an
 * arm of their own): the server's REPLICATE_FIELD, checked equal by the typecheck.
 */
export const REPLICATE_FIELD = "training.seed";
export type ReplicateFieldSame = Assert<
  Same<typeof REPLICATE_FIELD, typeof SERVER_REPLICATE_FIELD>
>;
