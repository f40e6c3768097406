/**
 * The zod schemas of the HTTP API: requests are validated with them and the OpenAPI document
 * is generated from them. The job spec itself is `jobSpecSchema` (src/training/spec.ts),
 * the same schema `qplane train` uses, so defaults and limits have one source.
 *
 * Component names and descriptions live in `apiSchemas`, a registry of this module (not zod's
 * global one, which would be shared with every other user of the spec schemas).
 */
import { z } from "zod";
import { JOB_ID_PATTERN } from "../jobs/ids.js";
import {
  JOB_STATUSES,
  jobNameSchema,
  jobTagSchema,
  jobTagsSchema,
  MAX_IDEMPOTENCY_KEY_LENGTH,
} from "../jobs/job-rules.js";
import {
  backendSpecSchema,
  DATASET_NAMES,
  datasetSpecSchema,
  feedbackSpecSchema,
  infoPlaneSpecSchema,
  jobSpecSchema,
  modelSpecSchema,
  trainingSpecSchema,
} from "../training/spec.js";

export interface ApiSchemaMeta {
  id?: string | undefined;
  description?: string | undefined;
  [key: string]: unknown;
}

export const apiSchemas = z.registry<ApiSchemaMeta>();

export function named<T extends z.ZodType>(id: string, schema: T, description?: string): T {
  apiSchemas.add(schema, description === undefined ? { id } : { id, description });
  return schema;
}

export function doc<T extends z.ZodType>(schema: T, description: string): T {
  apiSchemas.add(schema, { description });
  return schema;
}

named("DatasetSpec", datasetSpecSchema, "Which data to train on (only `name` is required).");
named(
  "ModelSpec",
  modelSpecSchema,
  "The variational circuit (or a classical baseline: the MLP or the linear model).",
);
named("TrainingSpec", trainingSpecSchema, "Optimisation settings.");
named("FeedbackSpec", feedbackSpecSchema, "Compression-gnostic feedback (arXiv:2411.02313).");
named("InfoPlaneSpec", infoPlaneSpecSchema, "How I(X;T) and I(T;Y) are measured.");
named("BackendSpec", backendSpecSchema, "A configured backend (a name, never a URL).");
named("JobSpec", jobSpecSchema, "A training spec; every field but `dataset.name` has a default.");

// ---------------------------------------------------------------------------------------------
// Shared pieces

/** Same rule as `backend.name` in the spec. */
const BACKEND_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** Visible ASCII (a subset of what the job service accepts: no control characters). */
const IDEMPOTENCY_KEY_PATTERN = new RegExp(`^[\\x21-\\x7e]{1,${MAX_IDEMPOTENCY_KEY_LENGTH}}$`);
export const CURSOR_PATTERN = /^[A-Za-z0-9_.:=-]{1,512}$/;

export const jobIdSchema = doc(
  z.string().regex(JOB_ID_PATTERN, {
    message: "must be a job id (26 characters of 0-9 and A-Z without I, L, O, U)",
  }),
  "Job id (ULID-style: 26 characters of Crockford base 32, ordered by creation time).",
);

export const jobParamsSchema = z.strictObject({ id: jobIdSchema });

/** The job service's tag rule (src/jobs/job-rules.ts); a fresh schema per use, for docs. */
export const tagSchema = () => jobTagSchema.clone();

/** A query-string whole number (`?limit=20`): digits only, then range-checked. */
export const queryInteger = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,15}$/, { message: "must be a whole number" })
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

// ---------------------------------------------------------------------------------------------
// Requests

/** `name` and `tags` of a submission (a job's or an experiment's). */
export const labelFields = {
  name: doc(jobNameSchema.optional(), "A label for people; not unique."),
  tags: doc(jobTagsSchema.optional(), "Labels to filter `GET /v1/jobs` by (`?tag=`)."),
};

export const jobSubmissionSchema = named(
  "JobSubmission",
  jobSpecSchema.extend(labelFields),
  "The training spec (the six sections `qplane train` reads) plus optional `name` and `tags`.",
);
export type JobSubmission = z.output<typeof jobSubmissionSchema>;

export const submitHeadersSchema = z.looseObject({
  "idempotency-key": doc(
    z
      .string()
      .regex(IDEMPOTENCY_KEY_PATTERN, {
        message: `must be 1-${MAX_IDEMPOTENCY_KEY_LENGTH} visible ASCII characters`,
      })
      .optional(),
    "Repeat a submission safely: the same key with the same body returns the job created the " +
      "first time (200); the same key with a different body is refused (409).",
  ),
});

export const listQuerySchema = z.strictObject({
  status: z.enum(JOB_STATUSES).optional(),
  tag: doc(tagSchema().optional(), "Only jobs carrying this tag."),
  backend: doc(
    z.string().regex(BACKEND_NAME_PATTERN, { message: "must be a backend name" }).optional(),
    "Only jobs on this backend.",
  ),
  cursor: doc(
    z.string().regex(CURSOR_PATTERN, { message: "must be a cursor from `nextCursor`" }).optional(),
    "`nextCursor` of the previous page.",
  ),
  limit: doc(queryInteger(1, 100).default(20), "Jobs per page (1-100, default 20)."),
});

export const METRICS_FORMATS = ["json", "csv"] as const;

export const metricsQuerySchema = z.strictObject({
  format: doc(
    z.enum(METRICS_FORMATS).default("json"),
    "`json` (default) or `csv` (the CLI's metrics.csv).",
  ),
  sinceEpoch: doc(
    queryInteger(0, 1_000_000_000).optional(),
    "Only epochs after this one (cheap polling: pass the last epoch you have).",
  ),
});

// ---------------------------------------------------------------------------------------------
// Responses

/** A metric value; null where the run produced a non-finite number (a diverged loss). */
const metric = () => z.number().nullable();

export const epochRecordSchema = named(
  "EpochRecord",
  z.looseObject({
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
  }),
  "One epoch of training: the same record as the CLI's metrics.json.",
);

export type EpochRecordView = z.output<typeof epochRecordSchema>;

export const runSummarySchema = named(
  "RunSummary",
  z.looseObject({
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
  }),
);

export type RunSummaryView = z.output<typeof runSummarySchema>;

export const jobSchema = named(
  "Job",
  z.object({
    id: z.string(),
    status: z.enum(JOB_STATUSES),
    name: z.string().nullable(),
    tags: z.array(z.string()),
    progress: z.object({ epoch: z.number().int(), epochs: z.number().int() }),
    etaSeconds: doc(
      z.number().nullable(),
      "Estimated seconds to completion (null before one epoch).",
    ),
    latest: doc(epochRecordSchema.nullable(), "The last epoch record."),
    summary: runSummarySchema.nullable(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    cancelRequested: z.boolean(),
    attempts: doc(z.number().int(), "Times a worker started or resumed the job."),
    spec: jobSpecSchema,
  }),
);
export type JobView = z.output<typeof jobSchema>;

export const submittedSchema = doc(
  z.object({ id: z.string(), status: z.literal("queued") }),
  "Queued; `Location` is the job's URL.",
);
export const submitQuerySchema = z.strictObject({
  dryRun: doc(
    z.enum(["true", "false"]).optional(),
    "`true`: validate the spec and return the run's plan (submissions, shots, estimated cost, " +
      "amplitude-operations, peak memory) without queuing anything.",
  ),
});

export const runPlanSchema = named(
  "RunPlan",
  z.object({
    epochs: z.number().int(),
    stepsPerEpoch: z.number().int(),
    submissionsPerEpoch: z.number().int(),
    circuitsPerEpoch: z.number().int(),
    shotsPerEpoch: z.number().int(),
    costPerEpochUsd: z.number(),
    totalSubmissions: z.number().int(),
    totalCircuits: z.number().int(),
    totalShots: z.number().int(),
    estimatedCostUsd: doc(z.number(), "From the backend's price table (0 on simulators)."),
    amplitudeOperations: doc(
      z.number(),
      "Compute of the whole run: one gate on one statevector amplitude (plus a fixed 64 per " +
        "gate), summed over every step, gradient, evaluation and probe (the MLP: multiply-adds). " +
        "Checked against QPLANE_MAX_JOB_WORK.",
    ),
    peakMemoryBytes: doc(
      z.number(),
      "Memory of the largest step or evaluation, dataset included; checked against " +
        "QPLANE_MAX_JOB_MEMORY_MB.",
    ),
    costDrivers: doc(
      z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
      'The spec fields that drive the compute cost, e.g. `{"model.qubits": 20}`.',
    ),
    transpiled: doc(
      z
        .object({
          depth: z.number().int(),
          twoQubitGates: z.number().int(),
          swaps: doc(z.number().int().optional(), "Only when the coupling map forced SWAPs."),
          layout: z.array(z.number().int()),
        })
        .optional(),
      "IBM backends: the ISA circuit the model circuit becomes.",
    ),
  }),
  "What a run would submit and cost, computed without running anything.",
);

export const dryRunSchema = doc(
  z.object({ plan: runPlanSchema }),
  "`dryRun=true`: the plan of the run; nothing was queued.",
);

export const replayedSchema = doc(
  z.object({ id: z.string(), status: z.enum(JOB_STATUSES) }),
  "An `Idempotency-Key` matched an earlier identical submission: that job (in its current " +
    "status), not a new one. `Location` is its URL; `Idempotent-Replayed: true`.",
);
export const removedSchema = doc(z.undefined(), "Removed.");

export const jobPageSchema = z.object({
  jobs: z.array(jobSchema),
  nextCursor: doc(z.string().nullable(), "Pass as `cursor` for the next page; null on the last."),
});

export const metricsResponseSchema = z.object({ metrics: z.array(epochRecordSchema) });

export const errorSchema = named(
  "Error",
  z.object({
    error: z.object({
      code: doc(z.string(), "A QPLANE_ERR_* code of the error catalogue."),
      message: doc(z.string(), "What went wrong, naming the field at fault."),
    }),
  }),
);

/** An error response of one status, described for OpenAPI (the body is always `Error`). */
export const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: errorSchema } },
});

const capabilitiesSchema = z.object({
  provider: z.enum(["local", "ibm", "braket"]),
  device: z.string(),
  numQubits: z.number().int(),
  nativeGates: z.array(z.string()),
  couplingMap: z.array(z.tuple([z.number().int(), z.number().int()])).nullable(),
  exactProbabilities: z.boolean(),
  minShots: z.number().int(),
  maxShots: z.number().int(),
  batchesParameterRows: z.boolean(),
});

export const backendsResponseSchema = z.object({
  backends: z.array(
    named(
      "Backend",
      z.object({
        name: doc(z.string(), "What a spec names in `backend.name`."),
        provider: z.enum(["local", "ibm", "braket"]).nullable(),
        device: z.string().nullable(),
        capabilities: doc(
          capabilitiesSchema.nullable(),
          "Null (with `provider` and `device`) while a remote backend cannot be reached.",
        ),
        settings: doc(
          z.record(z.string(), z.unknown()),
          "How the server configured it (QPLANE_BACKENDS): e.g. executionMode, options, " +
            "fractionalGates, pricing, readoutError. Never credentials or endpoint overrides.",
        ),
        status: z.object({
          operational: z.boolean(),
          message: z.string(),
          queueLength: z.number().int(),
        }),
      }),
    ),
  ),
});

export const datasetsResponseSchema = z.object({
  datasets: z.array(
    named(
      "Dataset",
      z.object({
        name: z.enum(DATASET_NAMES),
        task: z.enum(["classification", "regression"]).nullable(),
        features: z.number().int().nullable(),
        classes: z.number().int().nullable(),
        description: z.string(),
      }),
    ),
  ),
});

/** `jobId` is on the frames of `/v1/events` (every job), not on a single job's stream. */
const eventJobId = doc(z.string().optional(), "The job (on `/v1/events` only).");

export const jobEventSchema = named(
  "JobEvent",
  z.discriminatedUnion("type", [
    z.object({
      type: z.literal("status"),
      jobId: eventJobId,
      status: z.enum(JOB_STATUSES),
      at: doc(z.string(), "When the job entered this status (ISO 8601)."),
    }),
    z.object({
      type: z.literal("progress"),
      jobId: eventJobId,
      epoch: z.number().int(),
      epochs: z.number().int(),
      step: z.number().int(),
      stepsPerEpoch: z.number().int(),
    }),
    z.object({ type: z.literal("metric"), jobId: eventJobId, record: epochRecordSchema }),
  ]),
  "The `data:` of one Server-Sent Event (`event:` is its `type`), as JSON.",
);

export const healthSchema = z.object({ status: z.literal("ok") });
export const readySchema = z.object({ status: z.literal("ready") });
