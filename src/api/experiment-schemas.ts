/** The zod schemas of the `/v1/experiments` routes (validation and the OpenAPI document). */
import { z } from "zod";
import { THRESHOLD_METRICS } from "../experiments/types.js";
import { JOB_ID_PATTERN } from "../jobs/ids.js";
import { jobSpecSchema } from "../training/spec.js";
import {
  CURSOR_PATTERN,
  doc,
  labelFields,
  METRICS_FORMATS,
  named,
  queryInteger,
} from "./schemas.js";

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const gridValueSchema = z.union([scalar, z.array(scalar)]);

export const experimentSubmissionSchema = named(
  "ExperimentSubmission",
  z.strictObject({
    ...labelFields,
    spec: doc(jobSpecSchema, "The base spec every child starts from."),
    grid: doc(
      z.record(
        z.string().max(64),
        z.array(gridValueSchema).max(1000, { message: "too many values for one field" }),
      ),
      "Spec field (`section.field`) → values to try. `training.seed` is the replicate axis: " +
        "arms are the combinations of the other fields, and an arm's seeds are aggregated. " +
        "One child job per grid point, at most QPLANE_MAX_EXPERIMENT_JOBS.",
    ),
    threshold: doc(
      z
        .strictObject({
          metric: z.enum(THRESHOLD_METRICS),
          value: z.number().refine(Number.isFinite, { message: "must be a finite number" }),
        })
        .optional(),
      "What `epochsToThreshold` counts (≥ for accuracy and R², ≤ for losses and MSE). " +
        "Default: the arm's final metric ≥ 0.9.",
    ),
  }),
  "An experiment: a base spec, a grid of field values and an optional threshold.",
);

export const experimentIdSchema = doc(
  z.string().regex(JOB_ID_PATTERN, {
    message: "must be an experiment id (26 characters of 0-9 and A-Z without I, L, O, U)",
  }),
  "Experiment id (same form as job ids).",
);
export const experimentParamsSchema = z.strictObject({ id: experimentIdSchema });

export const experimentQuerySchema = z.strictObject({
  format: doc(z.enum(METRICS_FORMATS).default("json"), "`json` (default) or `csv` (arms table)."),
});

export const experimentListQuerySchema = z.strictObject({
  cursor: doc(
    z.string().regex(CURSOR_PATTERN, { message: "must be a cursor from `nextCursor`" }).optional(),
    "`nextCursor` of the previous page.",
  ),
  limit: doc(queryInteger(1, 100).default(20), "Experiments per page (1-100, default 20)."),
});

const statSchema = named(
  "Stat",
  z.object({
    mean: z.number().nullable(),
    std: doc(z.number().nullable(), "Sample standard deviation (n − 1); null for n < 2."),
    n: z.number().int(),
  }),
  "Mean ± standard deviation over the children that have the value.",
);
const valuesSchema = z.record(z.string(), gridValueSchema);
const finalMetricSchema = z.enum(["testAccuracy", "testR2"]);
const countsSchema = z.object({
  queued: z.number().int(),
  running: z.number().int(),
  completed: z.number().int(),
  failed: z.number().int(),
  cancelled: z.number().int(),
  missing: doc(z.number().int(), "Children whose records expired or were removed."),
});

export const experimentSchema = named(
  "Experiment",
  z.object({
    id: z.string(),
    name: z.string().nullable(),
    tags: z.array(z.string()),
    createdAt: z.string(),
    status: z.enum(["queued", "running", "completed", "failed", "cancelled"]),
    grid: z.record(z.string(), z.array(gridValueSchema)),
    replicateField: z.string(),
    metric: finalMetricSchema,
    threshold: z.object({ metric: z.enum(THRESHOLD_METRICS), value: z.number() }),
    counts: countsSchema,
    jobIds: z.array(z.string()),
    arms: z.array(
      named(
        "ExperimentArm",
        z.object({
          key: doc(z.string(), "`field=value, …` over the non-replicate grid fields."),
          values: valuesSchema,
          metric: finalMetricSchema,
          jobIds: z.array(z.string()),
          jobs: z.number().int(),
          completed: z.number().int(),
          finalMetric: statSchema,
          epochsToThreshold: doc(statSchema, "Over the completed children that reached it."),
          finalIxt: statSchema,
          finalIty: statSchema,
        }),
      ),
    ),
  }),
  "An experiment with its children's status counts and one aggregate row per arm.",
);

export const experimentSummarySchema = named(
  "ExperimentSummary",
  experimentSchema.extend({
    arms: z.array(
      z.object({
        key: z.string(),
        values: valuesSchema,
        metric: finalMetricSchema,
        jobIds: z.array(z.string()),
        jobs: z.number().int(),
        completed: z.number().int(),
      }),
    ),
  }),
  "An experiment in a list: its children's status counts and arms without aggregates " +
    "(`GET /v1/experiments/{id}` has those).",
);

export const experimentPageSchema = z.object({
  experiments: z.array(experimentSummarySchema),
  nextCursor: doc(z.string().nullable(), "Pass as `cursor` for the next page; null on the last."),
});

export const experimentCurvesSchema = named(
  "ExperimentCurves",
  z.object({
    arms: z.array(
      z.object({
        key: z.string(),
        values: valuesSchema,
        metric: finalMetricSchema,
        epochs: z.array(
          z.object({
            epoch: z.number().int(),
            n: doc(z.number().int(), "Children with a record for this epoch."),
            trainLoss: statSchema,
            testLoss: statSchema,
            testMetric: statSchema,
            ixt: statSchema,
            ity: statSchema,
            learningRate: statSchema,
            compressionTarget: doc(statSchema, "I* of the feedback (n = 0 when it is off)."),
          }),
        ),
      }),
    ),
  }),
  "Per arm, per epoch: mean ± std across the arm's children of the learning and " +
    "information-plane curves.",
);
