/**
 * The records the API shows as they are on the wire: an epoch's metrics, a run's summary and a
 * job's events. Training (src/training/records.ts) and the job system (src/jobs/types.ts)
 * declare them as TypeScript types; the schemas here are the one wire description the API
 * validates with, the OpenAPI document publishes and the dashboard (web/types.ts) imports.
 * Type-level checks below fail the typecheck when a schema and its training type drift apart.
 */
import { z } from "zod";
import { JOB_STATUSES, type JobEvent } from "../jobs/types.js";
import type { EpochRecord, RunSummary } from "../training/records.js";
import { doc, named } from "./registry.js";

/** The statuses of a job (the job system's list, `JOB_STATUSES`). */
export const jobStatusSchema = named(
  "JobStatus",
  z.enum(JOB_STATUSES),
  "`queued` → `running` → `completed`, `failed` or `cancelled` (the last three are final).",
);
export type JobStatusView = z.output<typeof jobStatusSchema>;

/** A metric value; null where the run produced a non-finite number (a diverged loss). */
const metric = () => z.number().nullable();

/** The fields of an epoch record, one per field of training's `EpochRecord` (checked below). */
const epochRecordShape = {
  epoch: z.number().int(),
  step: doc(
    z.number().int().optional(),
    "Optimisation steps taken by the end of this epoch, cumulative over the run. Absent in " +
      "records of runs from before the field existed.",
  ),
  trainLoss: metric(),
  testLoss: metric(),
  trainAccuracy: metric().optional(),
  testAccuracy: metric().optional(),
  trainMse: metric().optional(),
  testMse: metric().optional(),
  testR2: metric().optional(),
  validationLoss: doc(
    metric().optional(),
    "Mean loss on the validation split (`dataset.validationFraction` > 0); absent without one.",
  ),
  validationAccuracy: doc(metric().optional(), "Validation accuracy (classification)."),
  validationMse: doc(metric().optional(), "Validation MSE in the target's units (regression)."),
  validationR2: doc(metric().optional(), "Validation R² (regression)."),
  learningRate: doc(
    metric(),
    "Effective learning rate of the epoch's last step: η₀ × the schedule's factor × the " +
      "feedback factor in `lr` mode.",
  ),
  meanLearningRate: doc(
    metric().optional(),
    "Mean effective learning rate over the epoch's steps. Absent in records of runs from " +
      "before the field existed.",
  ),
  ixt: doc(metric(), "I(X;T) in bits."),
  ity: doc(metric(), "I(T;Y) in bits."),
  hy: doc(metric(), "H(Y) in bits."),
  ht: doc(metric(), "H(T) in bits."),
  saturated: doc(
    z.boolean().optional(),
    "I(X;T) ≥ 0.9·log2 N over the N samples it was measured on: T tells (nearly) every " +
      "sample apart, so I(X;T) reflects N rather than compression. Absent in records of " +
      "runs from before the field existed.",
  ),
  holevo: doc(metric().optional(), "Holevo quantity of the readout register in bits."),
  compressionPenalty: metric(),
  compressionTarget: metric(),
  alpha: metric(),
  estimator: z.enum(["exact", "plugin", "miller-madow"]),
  shots: z.number().int(),
  circuitEvaluations: z.number().int(),
  submissions: doc(z.number().int().optional(), "Provider submissions in this epoch."),
  shotsUsed: doc(z.number().int().optional(), "Shots spent in this epoch (rows × shots)."),
  estimatedCostUsd: doc(
    metric().optional(),
    "This epoch's estimated cost in USD from the backend's price table.",
  ),
  elapsedMs: metric(),
};

export const epochRecordSchema = named(
  "EpochRecord",
  z.looseObject(epochRecordShape),
  "One epoch of training: the same record as the CLI's metrics.json.",
);

export type EpochRecordView = z.output<typeof epochRecordSchema>;

/** The fields of a run summary, one per field of training's `RunSummary` (checked below). */
const runSummaryShape = {
  epochs: z.number().int(),
  task: z.enum(["classification", "regression"]),
  selectedEpoch: doc(
    z.number().int().optional(),
    "The epoch whose test metrics the summary reports (`training.select`: the last, or the " +
      "best on the validation split). Absent before the first epoch and in summaries from " +
      "before the field existed.",
  ),
  testAccuracy: metric().optional(),
  testMse: metric().optional(),
  testR2: metric().optional(),
  finalIxt: metric(),
  finalIty: metric(),
  circuitEvaluations: z.number().int(),
  elapsedMs: metric(),
  meanLearningRate: doc(
    metric().optional(),
    "Mean effective learning rate over every step of the run (the dose a dose-matched " +
      "control trains at). Absent in summaries from before the field existed.",
  ),
  feedbackReachability: doc(
    metric().optional(),
    "With feedback on: min measured L_comp ÷ the first measured L_comp (null when " +
      "feedback is off, the first was 0 or nothing was measured).",
  ),
  feedbackReachable: doc(
    z.boolean().optional(),
    "With feedback on: false when L_comp never fell below half its first value, so the " +
      "feedback was a near-constant factor on the learning rate. Absent when feedback is off.",
  ),
};

export const runSummarySchema = named(
  "RunSummary",
  z.looseObject(runSummaryShape),
  "How a run ended: the selected epoch's test metrics and the final information plane.",
);

export type RunSummaryView = z.output<typeof runSummarySchema>;

/** `jobId` is on the frames of `/v1/events` (every job), not on a single job's stream. */
const eventJobId = doc(z.string().optional(), "The job (on `/v1/events` only).");

export const jobStatusEventSchema = named(
  "JobStatusEvent",
  z.object({
    type: z.literal("status"),
    jobId: eventJobId,
    status: jobStatusSchema,
    at: doc(z.string(), "When the job entered this status (ISO 8601)."),
  }),
  "`event: status`: the job entered a status. The first event of a job's stream is its " +
    "current status; a stream of one job ends after a terminal one.",
);

export const jobProgressEventSchema = named(
  "JobProgressEvent",
  z.object({
    type: z.literal("progress"),
    jobId: eventJobId,
    epoch: doc(z.number().int(), "The epoch in progress (1-based)."),
    epochs: z.number().int(),
    step: doc(z.number().int(), "Steps done in this epoch."),
    stepsPerEpoch: z.number().int(),
  }),
  "`event: progress`: optimisation steps inside an epoch.",
);

export const jobMetricEventSchema = named(
  "JobMetricEvent",
  z.object({ type: z.literal("metric"), jobId: eventJobId, record: epochRecordSchema }),
  "`event: metric`: an epoch finished; `record` is its epoch record.",
);

export const jobEventSchema = named(
  "JobEvent",
  z.discriminatedUnion("type", [
    jobStatusEventSchema,
    jobProgressEventSchema,
    jobMetricEventSchema,
  ]),
  "The `data:` of one Server-Sent Event as JSON; the frame's `event:` is its `type`.",
);
export type JobEventView = z.output<typeof jobEventSchema>;

// ---------------------------------------------------------------------------------------------
// Compile-time links to training's types

/** True when A and B are the same type (not merely assignable either way). */
export type Same<A, B> =
  (<G>() => G extends A ? 1 : 2) extends <G>() => G extends B ? 1 : 2 ? true : false;
/** Compiles only for `true`: `Assert<Same<A, B>>` fails the typecheck when A and B differ. */
export type Assert<T extends true> = T;

type OptionalKeys<T> = { [K in keyof T]-?: undefined extends T[K] ? K : never }[keyof T];
/** Each field's value type without null and undefined: what both sides must agree on. */
type Values<T> = { -readonly [K in keyof T]-?: NonNullable<T[K]> };

/**
 * A wire schema's fields against a training type: the same field names with the same value
 * types (the wire adds null, for non-finite numbers), optional exactly where training's are
 * or where records stored before a field existed lack it (`Legacy`).
 */
export type MatchesTraining<Wire, Training, Legacy extends keyof Training = never> = [
  Same<Values<Wire>, Values<Training>>,
  Same<OptionalKeys<Wire>, OptionalKeys<Training> | Legacy>,
] extends [true, true]
  ? true
  : false;

/** Fields of epoch records that records written before the field existed lack. */
type LegacyEpochFields = "saturated" | "submissions" | "shotsUsed" | "estimatedCostUsd";

export type EpochRecordLinked = Assert<
  MatchesTraining<z.output<z.ZodObject<typeof epochRecordShape>>, EpochRecord, LegacyEpochFields>
>;
export type RunSummaryLinked = Assert<
  MatchesTraining<z.output<z.ZodObject<typeof runSummaryShape>>, RunSummary>
>;

/** Each event type's fields: the job system's plus the all-jobs stream's `jobId`. */
type EventFields<Event extends { type: string }> = {
  [T in Event["type"]]: Exclude<keyof Extract<Event, { type: T }>, "jobId">;
};
export type JobEventLinked = Assert<
  Same<EventFields<z.output<typeof jobEventSchema>>, EventFields<JobEvent>>
>;
