/**
 * The zod schemas of the HTTP API: requests are validated with them and the OpenAPI document
 * is generated from them. The job spec itself is `jobSpecSchema` (src/training/spec.ts),
 * the same schema `qplane train` uses, so defaults and limits have one source.
 *
 * The records the API shows (epoch records, run summaries, job events, statuses) are in
 * record-schemas.ts, linked to training's types at compile time; component names and
 * descriptions live in the API's own registry (registry.ts).
 */
import { z } from "zod";
import { JOB_ID_PATTERN } from "../jobs/ids.js";
import {
  jobNameSchema,
  jobTagSchema,
  jobTagsSchema,
  MAX_IDEMPOTENCY_KEY_LENGTH,
} from "../jobs/job-rules.js";
import { SPEC_HASH_PATTERN, SPEC_HASH_RULE } from "../jobs/spec-hash.js";
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
import { epochRecordSchema, jobStatusSchema, runSummarySchema } from "./record-schemas.js";
import { doc, named } from "./registry.js";

export { apiSchemas, doc, named } from "./registry.js";

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

/**
 * Query-string whole numbers and their ranges: a query string is text, so the schema reads
 * digits, but the OpenAPI document shows the parameter as the integer it is (openapi.ts).
 */
export const QUERY_INTEGER_RANGES = new WeakMap<z.ZodType, { minimum: number; maximum: number }>();

/** A query-string whole number (`?limit=20`): digits only, then range-checked. */
export const queryInteger = (min: number, max: number) => {
  const schema = z
    .string()
    .regex(/^\d{1,15}$/, { message: "must be a whole number" })
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
  QUERY_INTEGER_RANGES.set(schema, { minimum: min, maximum: max });
  return schema;
};

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
  status: doc(jobStatusSchema.optional(), "Only jobs in this status."),
  tag: doc(tagSchema().optional(), "Only jobs carrying this tag."),
  backend: doc(
    z.string().regex(BACKEND_NAME_PATTERN, { message: "must be a backend name" }).optional(),
    "Only jobs on this backend.",
  ),
  specHash: doc(
    z
      .string()
      .regex(SPEC_HASH_PATTERN, { message: `must be ${SPEC_HASH_RULE}` })
      .optional(),
    "Only runs of this spec, on any backend: the `specHash` of a job lists it with its twin " +
      "and device runs.",
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

export const jobSchema = named(
  "Job",
  z.object({
    id: z.string(),
    status: jobStatusSchema,
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
    specHash: doc(
      z.string().nullable(),
      "Hash of the spec without `backend.name` and the budgets: equal for runs of the same " +
        "training on different backends (a device and its twin); list them with " +
        "`GET /v1/jobs?specHash=`. Null for jobs submitted before it existed.",
    ),
    spec: jobSpecSchema,
  }),
);
export type JobView = z.output<typeof jobSchema>;

export const submittedSchema = named(
  "QueuedJob",
  z.object({ id: z.string(), status: z.literal("queued") }),
  "A job just queued; `Location` is its URL.",
);
/**
 * `?dryRun=true`, kept for clients written before `POST /v1/dry-runs`: it answers what that
 * operation answers. The OpenAPI document leaves it out (`LEGACY_QUERY_PARAMETERS`, applied
 * by openapi-contract.ts), so that `POST /v1/jobs` documents one 200 body.
 */
export const submitQuerySchema = z.strictObject({
  dryRun: z.enum(["true", "false"]).optional(),
});
export const LEGACY_QUERY_PARAMETERS: Readonly<Record<string, readonly string[]>> = {
  submitJob: ["dryRun"],
};

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

const epochOutcomeSchema = named(
  "EpochOutcome",
  z.object({
    ixt: doc(z.number(), "I(X;T) in bits after the first epoch (on `infoPlane.split`)."),
    ity: doc(z.number(), "I(T;Y) in bits after the first epoch."),
    testMetric: z.object({ name: z.enum(["testAccuracy", "testMse"]), value: z.number() }),
  }),
  "The first epoch's information plane and test metric.",
);

export const predictionSchema = named(
  "Prediction",
  z.object({
    noise: doc(
      z.object({ source: z.enum(["twin", "calibration"]), backend: z.string() }),
      "`twin`: the twin backend named (the spec's, or one configured for the device); " +
        "`calibration`: a twin of the device's own calibration (cached, refreshed hourly).",
    ),
    maxAmplitudeOperations: doc(
      z.number(),
      "The prediction's budget: about 2 s of one core for a dry run.",
    ),
    amplitudeOperations: doc(
      z.number().optional(),
      "Both first epochs (twin and noiseless) as the cost model prices them.",
    ),
    noisy: doc(epochOutcomeSchema.optional(), "The first epoch on the twin."),
    noiseless: doc(
      epochOutcomeSchema.optional(),
      "The same first epoch (same spec and seed) on the noiseless simulator.",
    ),
    skipped: doc(
      z.string().optional(),
      "Why nothing was run: over the budget, no calibration, a classical model, CSV data.",
    ),
  }),
  "The first epoch run in-process under the device's noise and without it; present on twin " +
    "and hardware backends.",
);

export const dryRunSchema = named(
  "DryRun",
  z.object({ plan: runPlanSchema, prediction: predictionSchema.optional() }),
  "The plan of a run, and on a twin or device the predicted first epoch; nothing was queued.",
);

export const replayedSchema = named(
  "ReplayedJob",
  z.object({ id: z.string(), status: jobStatusSchema }),
  "An `Idempotency-Key` matched an earlier identical submission: that job (in its current " +
    "status), not a new one. `Location` is its URL; `Idempotent-Replayed: true`.",
);
export const removedSchema = doc(z.undefined(), "Removed.");

export const jobPageSchema = named(
  "JobPage",
  z.object({
    jobs: z.array(jobSchema),
    nextCursor: doc(z.string().nullable(), "Pass as `cursor` for the next page; null on the last."),
  }),
  "One page of jobs, newest first.",
);

export const metricsResponseSchema = named(
  "EpochRecords",
  z.object({ metrics: z.array(epochRecordSchema) }),
  "A job's epoch records, oldest first.",
);

export const metricsCsvSchema = named(
  "EpochRecordsCsv",
  z.string(),
  "The CLI's metrics.csv: a header row of field names, then one row per epoch, oldest first.",
);

export const svgImageSchema = named("SvgImage", z.string(), "An SVG image.");

/** Which program `GET /v1/jobs/:id/circuit.qasm` serves. */
export const CIRCUIT_PROGRAMS = ["model", "sent"] as const;

export const circuitQuerySchema = z.strictObject({
  program: doc(
    z.enum(CIRCUIT_PROGRAMS).default("model"),
    "`model` (default): the model's program — a `kind: circuit` model's own, or the built-in " +
      "ansatz as `qplane circuit` prints it. `sent`: the transpiled (ISA) program the job's run " +
      "first submitted on a transpiling backend (IBM), as it was sent.",
  ),
});

export const openQasmTextSchema = named(
  "OpenQasm3Program",
  z.string(),
  "An OpenQASM 3 program (served as text/plain; charset=utf-8).",
);

export const prometheusTextSchema = named(
  "PrometheusText",
  z.string(),
  "Prometheus text exposition format (version 0.0.4).",
);

export const jobEventStreamSchema = named(
  "JobEventStream",
  z.string(),
  "Server-Sent Events: frames `event: <type>\\ndata: <JobEvent as JSON>\\n\\n`, where <type> is " +
    "the event's `type` (`status`, `progress` or `metric`), and `:` comment lines.",
);

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

export const backendsResponseSchema = named(
  "BackendList",
  z.object({
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
  }),
  "The backends this server is configured with.",
);

export const datasetsResponseSchema = named(
  "DatasetList",
  z.object({
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
  }),
  "The datasets a spec can name.",
);

export const healthSchema = named(
  "Health",
  z.object({ status: z.literal("ok") }),
  "The process answers.",
);
export const readySchema = named(
  "Readiness",
  z.object({ status: z.literal("ready") }),
  "The job store answers (and, in QPLANE_ROLE=all, a worker is alive).",
);
