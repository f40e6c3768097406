/** The zod schemas of the `/v1/experiments` routes (validation and the OpenAPI document). */
import { z } from "zod";
import { MAX_CANDIDATES } from "../experiments/plan-record.js";
import { CONTROL_NAMES, THRESHOLD_METRICS } from "../experiments/types.js";
import { JOB_ID_PATTERN } from "../jobs/ids.js";
import { JOB_STATUSES } from "../jobs/job-rules.js";
import { jobSpecSchema } from "../training/spec.js";
import {
  CURSOR_PATTERN,
  doc,
  labelFields,
  METRICS_FORMATS,
  named,
  queryInteger,
  runPlanSchema,
} from "./schemas.js";

/** The grid's replicate axis, re-exported for the dashboard's typecheck (web/types.ts). */
export { REPLICATE_FIELD } from "../experiments/grid.js";

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const gridValueSchema = z.union([scalar, z.array(scalar)]);

/** What defines an experiment: a submission's body minus its labels (and a view's `definition`). */
export const experimentDefinitionSchema = named(
  "ExperimentDefinition",
  z.strictObject({
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
      "What each arm's `stepsToThreshold` counts (≥ for accuracy and R², ≤ for losses and " +
        "MSE): optimisation steps until the metric reaches it on the validation split (else " +
        "the training split; never the test split: `testAccuracy` means accuracy there), runs " +
        "that never reach it censored at their budget. Default: the arm's final metric ≥ 0.9. " +
        "With `compare`, a given threshold is also compared in `comparisons`.",
    ),
    compare: doc(
      z
        .strictObject({
          baseline: doc(
            z.record(z.string().max(64), gridValueSchema),
            'Grid field → value naming exactly one arm (e.g. `{"feedback.mode": "off"}`).',
          ),
        })
        .optional(),
      "The baseline arm: every other arm (controls included) is compared with it, paired by " +
        "training.seed, in `comparisons`.",
    ),
    controls: doc(
      z.array(z.enum(CONTROL_NAMES)).max(CONTROL_NAMES.length).optional(),
      "Controls derived per seed from every arm with feedback on, once its run finished: " +
        "`dose-matched` = feedback off at that run's mean effective learning rate (constant); " +
        "`placebo` = feedback off replaying another seed's learning-rate trajectory " +
        "(training.schedule `replay`). They appear as arms `<arm> / <control>`, queued as " +
        "their feedback runs finish.",
    ),
    tune: doc(
      z
        .array(
          z.strictObject({
            arm: doc(
              z.record(z.string().max(64), gridValueSchema),
              "Grid field → value: every arm matching all of them is tuned (at least one).",
            ),
            candidates: doc(
              z.record(
                z.string().max(64),
                z.array(gridValueSchema).max(MAX_CANDIDATES, { message: "too many candidates" }),
              ),
              "Spec field (not a grid field, not a dataset field: those define the data and its " +
                "split) → values; the candidates are their product (first field slowest), at most " +
                `${MAX_CANDIDATES} per arm.`,
            ),
          }),
        )
        .max(100)
        .optional(),
      "Tuned arms: per seed, one child per candidate; once all finished, the one with the best " +
        "validation accuracy (R² for regression) at its selected epoch is the arm's run for that " +
        "seed (ties: lower validation loss, then the earlier candidate). Needs " +
        "dataset.validationFraction > 0. Never chosen on the test split.",
    ),
    inherit: doc(
      z
        .array(
          z.strictObject({
            arm: doc(
              z.record(z.string().max(64), gridValueSchema),
              "Grid field → value: every matching arm (not the baseline) inherits.",
            ),
            fields: doc(
              z.array(z.string().max(64)).max(64),
              "Spec fields (not grid fields, not dataset fields) taken from the baseline arm's " +
                "selected run of the same seed.",
            ),
          }),
        )
        .max(100)
        .optional(),
      "Per seed, the matched arms' children take these fields from the baseline arm's selected " +
        "child (e.g. its tuned training.learningRate); they run once it finished. Needs `compare`.",
    ),
    splitPerSeed: doc(
      z.boolean().optional(),
      "true: each `training.seed` replicate also sets dataset.seed, so a seed draws its own " +
        "train/validation/test split as well as its initialisation (arms still share each " +
        "seed's split: pairs are by seed), and the statistics cover split variation too. " +
        "Default false: every seed trains on the base spec's split.",
    ),
  }),
  "What defines an experiment: a base spec, a grid of field values, an optional threshold, " +
    "comparison, controls, tuning and inheritance.",
);

export const experimentSubmissionSchema = named(
  "ExperimentSubmission",
  experimentDefinitionSchema.extend(labelFields),
  "An experiment's definition plus optional `name` and `tags`.",
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
/** An arm's grid values: field → value. */
export const valuesSchema = z.record(z.string(), gridValueSchema);
const controlSchema = doc(
  z
    .object({ kind: z.enum(CONTROL_NAMES), of: doc(z.string(), "The feedback arm's key.") })
    .optional(),
  "Control arms only: which control, derived from which arm.",
);
/** What an arm's record says about its children's derivation (derive.ts). */
const armDerivationFields = {
  slots: doc(
    z.array(z.string()).optional(),
    "Parallel to jobIds: each child's slot (`r<seed index>`, `r<seed index>.c<candidate index>`).",
  ),
  unrunnable: doc(
    z.array(z.object({ slot: z.string(), message: z.string() })).optional(),
    "Children that can never run (a run they derive from failed), with why.",
  ),
  tuning: doc(
    z.object({ candidates: z.array(valuesSchema) }).optional(),
    "Tuned arms: the candidates tried per seed.",
  ),
  deferred: doc(
    z.boolean().optional(),
    "Its children wait for other children (controls, inherit, feedback.target baseline).",
  ),
};
const comparisonSchema = named(
  "ExperimentComparison",
  z.object({
    arm: z.string(),
    baseline: doc(z.string(), "The baseline arm's key."),
    metric: doc(
      z.enum(["testAccuracy", "testR2", "stepsToThreshold"]),
      "The final test metric (the summary's: the selected epoch's with training.select " +
        "best-validation) or optimisation steps to the experiment's threshold (lower is better).",
    ),
    n: doc(z.number().int(), "Seeds with a completed run in both arms."),
    unpaired: doc(
      z.object({ arm: z.number().int(), baseline: z.number().int() }),
      "Seeds left out of n because only that side has a completed run with the value (the " +
        "other's failed, was cancelled, expired, is still running or lacks it).",
    ),
    medianDiff: doc(z.number(), "Median over the seeds of arm − baseline."),
    ci95: doc(
      z.array(z.number()).length(2),
      "[lo, hi]: 95 % percentile bootstrap of medianDiff (2000 resamples, seeded by a hash of " +
        "the experiment's base spec and grid, arm, baseline and metric: reproducible).",
    ),
    wilcoxonP: doc(z.number(), "Two-sided Wilcoxon signed-rank p (as SciPy 1.10's default)."),
    holmP: doc(z.number(), "Holm-adjusted across every comparison of the experiment."),
    pairs: z.array(z.object({ seed: z.number(), value: z.number(), baselineValue: z.number() })),
    censored: doc(
      z.object({ arm: z.number().int(), baseline: z.number().int() }).optional(),
      "stepsToThreshold: runs among the pairs that never reached it (counted at their budget).",
    ),
    split: doc(
      z.enum(["validation", "train"]).optional(),
      "stepsToThreshold: the split the threshold was measured on.",
    ),
    excluded: doc(
      z.object({ split: z.number().int(), budget: z.number().int() }).optional(),
      "stepsToThreshold: seeds with completed runs on both sides left out of n, measured on " +
        "different splits (`split`) or censored against a different step budget (`budget`).",
    ),
  }),
  "One arm against the baseline arm, paired by training.seed.",
);
const stepsStatSchema = named(
  "StepsStat",
  statSchema.extend({
    censored: doc(
      z.number().int(),
      "Counted runs that never reached the threshold, each at its step budget (the mean is " +
        "then a lower bound).",
    ),
    split: doc(
      z.enum(["validation", "train"]).optional(),
      "Where the steps were measured (absent while no run is counted).",
    ),
  }),
  "Optimisation steps to the threshold over the completed children.",
);
const compareViewSchema = doc(
  z.object({ baseline: valuesSchema, baselineArm: z.string() }).optional(),
  "`compare.baseline` as submitted and the key of the arm it names.",
);
const finalMetricSchema = z.enum(["testAccuracy", "testR2"]);
const countsSchema = z.object({
  queued: z.number().int(),
  running: z.number().int(),
  completed: z.number().int(),
  failed: z.number().int(),
  cancelled: z.number().int(),
  missing: doc(z.number().int(), "Children whose records expired or were removed."),
  waiting: doc(
    z.number().int(),
    "Children not queued yet: they derive from runs still unfinished (controls, tuned or " +
      "inheriting arms); the experiment is running while any waits.",
  ),
  unrunnable: doc(
    z.number().int(),
    "Children that will never run (a run they derive from failed, the server refused them, " +
      "or the experiment was cancelled): each arm's `unrunnable` says why. Any makes a " +
      "finished experiment failed, unless it was cancelled.",
  ),
});

export const experimentSchema = named(
  "Experiment",
  z.object({
    id: z.string(),
    name: z.string().nullable(),
    tags: z.array(z.string()),
    createdAt: z.string(),
    // an experiment moves through the same statuses as its jobs
    status: z.enum(JOB_STATUSES),
    definition: doc(
      experimentDefinitionSchema.nullable(),
      "The body it was submitted with minus `name` and `tags` (defaults applied to the spec; " +
        "the default threshold given explicitly unless `compare` had none): submitting it " +
        "again defines the same experiment. Null for experiments stored before it was kept.",
    ),
    grid: z.record(z.string(), z.array(gridValueSchema)),
    replicateField: z.string(),
    metric: finalMetricSchema,
    threshold: z.object({ metric: z.enum(THRESHOLD_METRICS), value: z.number() }),
    counts: countsSchema,
    jobIds: z.array(z.string()),
    compare: compareViewSchema,
    controls: z.array(z.enum(CONTROL_NAMES)).optional(),
    comparisons: doc(
      z.array(comparisonSchema).optional(),
      "With `compare`: every other arm vs the baseline on the final test metric (and steps to " +
        "a given threshold), once a seed has completed runs in both arms.",
    ),
    arms: z.array(
      named(
        "ExperimentArm",
        z.object({
          key: doc(
            z.string(),
            "`field=value, …` over the non-replicate grid fields (`<arm> / <control>` for controls).",
          ),
          values: valuesSchema,
          metric: finalMetricSchema,
          control: controlSchema,
          jobIds: doc(
            z.array(z.string()),
            "The children aggregated: one per seed (a tuned arm: the run `selected` for that seed).",
          ),
          ...armDerivationFields,
          selected: doc(
            z
              .array(
                z.object({
                  seed: gridValueSchema,
                  candidate: valuesSchema,
                  jobId: z.string(),
                }),
              )
              .optional(),
            "Tuned arms: per seed, the candidate chosen on the validation split (its run is the " +
              "arm's run for that seed).",
          ),
          jobs: z.number().int(),
          completed: z.number().int(),
          finalMetric: statSchema,
          stepsToThreshold: stepsStatSchema,
          finalIxt: statSchema,
          finalIty: statSchema,
          feedbackUnreachable: doc(
            z.object({ count: z.number().int(), of: z.number().int() }).optional(),
            "Arms with feedback on: of the `of` completed runs whose summary carries " +
              "feedbackReachable, `count` say false (L_comp never fell below half its first value).",
          ),
        }),
      ),
    ),
  }),
  "An experiment with its children's status counts and one aggregate row per arm.",
);

export const experimentSummarySchema = named(
  "ExperimentSummary",
  experimentSchema.omit({ definition: true }).extend({
    arms: z.array(
      z.object({
        key: z.string(),
        values: valuesSchema,
        metric: finalMetricSchema,
        control: controlSchema,
        jobIds: z.array(z.string()),
        ...armDerivationFields,
        jobs: z.number().int(),
        completed: z.number().int(),
      }),
    ),
  }),
  "An experiment in a list: its children's status counts and arms without aggregates " +
    "(`GET /v1/experiments/{id}` has those).",
);

export const experimentPageSchema = named(
  "ExperimentPage",
  z.object({
    experiments: z.array(experimentSummarySchema),
    nextCursor: doc(z.string().nullable(), "Pass as `cursor` for the next page; null on the last."),
  }),
  "One page of experiments, newest first.",
);

export const experimentCsvSchema = named(
  "ExperimentArmsCsv",
  z.string(),
  "The arms table (one row per arm); with comparisons, an empty line and the comparisons table.",
);

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

const dryRunTotalsSchema = z.object({
  runs: doc(z.number().int(), "Children planned in all, derived ones included."),
  planned: doc(z.number().int(), "Children queued at submission: the sums are over these."),
  waiting: doc(z.number().int(), "Children derived from finished runs later: not planned yet."),
  submissions: z.number().int(),
  circuits: z.number().int(),
  shots: z.number().int(),
  estimatedCostUsd: z.number(),
  amplitudeOperations: z.number(),
  peakMemoryBytes: doc(z.number(), "The largest child's."),
});

export const experimentDryRunSchema = named(
  "ExperimentDryRun",
  z.object({
    arms: z.array(
      z.object({
        key: z.string(),
        values: valuesSchema,
        plan: doc(
          runPlanSchema.nullable(),
          "The arm's first planned child's run plan (null when all its children wait).",
        ),
        totals: dryRunTotalsSchema,
      }),
    ),
    totals: dryRunTotalsSchema,
  }),
  "An experiment's plan per arm and in total; nothing was queued.",
);
