/**
 * The dataset section of a job spec (`spec.dataset`): which dataset, its size, noise, splits
 * and generator options, with every default. Defined here, beside the datasets it describes;
 * the training spec (src/training/spec.ts) embeds it.
 */
import { z } from "zod";
import { friedman1FeatureCountProblem } from "./friedman1.js";
import {
  GENERATED_DATASET_NAMES,
  generatedFeatureCount,
  MAX_GENERATED_VALUES,
  wideOptionsOf,
} from "./index.js";
import { wideOptionProblems } from "./wide.js";

/** The generated datasets, then the ones read from files. */
export const DATASET_NAMES = [
  ...GENERATED_DATASET_NAMES,
  "iris",
  "penguins",
  "cars",
  "csv",
] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

/** Field builders the whole job spec shares (src/training/spec.ts uses them too). */
export const finite = () =>
  z.number().refine(Number.isFinite, { message: "must be a finite number" });
export const integer = (min: number, max: number) => z.number().int().min(min).max(max);
export const seed = () => integer(0, Number.MAX_SAFE_INTEGER);

export const datasetSpecSchema = z
  .strictObject({
    name: z.enum(DATASET_NAMES),
    /** Samples drawn by synthetic generators. */
    samples: integer(4, 1_000_000).default(200),
    /**
     * Noise level of synthetic generators (std of added Gaussian noise; for `friedman1` in
     * y's units). Not used by `wide`, whose label noise is `labelNoise`.
     */
    noise: finite().pipe(z.number().min(0).max(10)).default(0.1),
    testFraction: z.number().gt(0).lt(1).default(0.25),
    /**
     * Fraction of the whole dataset held out (stratified) from the training rows for
     * validation: model selection (`training.select`) and thresholds. 0 = no validation
     * split. The test split is the same whatever this fraction (same `seed`).
     */
    validationFraction: z.number().min(0).lt(1).default(0),
    seed: seed().default(1),
    /** Classes of `blobs` and `wide`. */
    classes: integer(2, 64).default(3),
    /** Degree of the `polynomial` regression target. */
    degree: integer(1, 10).default(3),
    /** `csv`: file path (server-side path rules apply in the API). */
    path: z.string().min(1).optional(),
    /** `csv`: target column name. */
    target: z.string().min(1).optional(),
    /** `csv`: feature column names (default: every other column). */
    features: z.array(z.string().min(1)).min(1).optional(),
    /** `csv`: task; default: classification for non-numeric targets, regression otherwise. */
    task: z.enum(["classification", "regression"]).optional(),
    /**
     * `wide` (default 20) and `friedman1` (default 10, at least 5): feature columns generated
     * (the defaults are WIDE_DEFAULT_* / FRIEDMAN1_DEFAULT_* in src/data).
     */
    featureCount: integer(1, 1000).optional(),
    /** `wide`: features that carry the class structure (default 5). */
    informative: integer(1, 64).optional(),
    /** `wide`: random linear combinations of the informative features (default 5). */
    redundant: integer(0, 1000).optional(),
    /** `wide`: half the side of the hypercube whose vertices are the cluster centres (default 1). */
    classSeparation: finite().pipe(z.number().gt(0).max(100)).optional(),
    /** `wide`: fraction of labels replaced by a uniformly random class (default 0.01). */
    labelNoise: finite().pipe(z.number().min(0).max(1)).optional(),
  })
  .superRefine((dataset, context) => {
    if (dataset.name === "csv") {
      for (const field of ["path", "target"] as const) {
        if (dataset[field] === undefined) {
          context.addIssue({
            code: "custom",
            path: [field],
            message: `is required when dataset.name is "csv"`,
          });
        }
      }
    } else {
      for (const field of ["path", "target", "features", "task"] as const) {
        if (dataset[field] !== undefined) {
          context.addIssue({
            code: "custom",
            path: [field],
            message: `only applies to dataset.name "csv"`,
          });
        }
      }
    }
    // `featureCount` shapes `wide` and `friedman1`; the other generator fields only `wide`.
    const onlyFor: Record<string, readonly DatasetName[]> = {
      featureCount: ["wide", "friedman1"],
      informative: ["wide"],
      redundant: ["wide"],
      classSeparation: ["wide"],
      labelNoise: ["wide"],
    };
    for (const [field, names] of Object.entries(onlyFor)) {
      if (dataset[field as keyof typeof dataset] !== undefined && !names.includes(dataset.name)) {
        context.addIssue({
          code: "custom",
          path: [field],
          message: `only applies to dataset.name ${names.map((name) => `"${name}"`).join(" or ")}`,
        });
      }
    }
    if (dataset.validationFraction > 0 && dataset.testFraction + dataset.validationFraction >= 1) {
      context.addIssue({
        code: "custom",
        path: ["validationFraction"],
        message: `with dataset.testFraction ${dataset.testFraction} leaves no training split (their sum must be below 1)`,
      });
    }
    if (dataset.name === "wide") {
      for (const problem of wideOptionProblems(wideOptionsOf(dataset))) {
        // name a field the user set: a default one would print "(got nothing)"
        const field =
          dataset[problem.field] !== undefined
            ? problem.field
            : ((["informative", "redundant", "featureCount"] as const).find(
                (candidate) => dataset[candidate] !== undefined,
              ) ?? "classes");
        const note = field === problem.field ? "" : ` (${problem.field} is at its default)`;
        context.addIssue({ code: "custom", path: [field], message: problem.message + note });
      }
    }
    if (dataset.name === "wide" || dataset.name === "friedman1") {
      const values = dataset.samples * generatedFeatureCount(dataset);
      if (values > MAX_GENERATED_VALUES) {
        context.addIssue({
          code: "custom",
          path: ["samples"],
          message: `${dataset.samples} samples × ${generatedFeatureCount(dataset)} features = ${values.toPrecision(3)} values, more than the ${MAX_GENERATED_VALUES.toPrecision(1)} a generated dataset may have`,
        });
      }
    }
    const friedmanProblem =
      dataset.name === "friedman1" && dataset.featureCount !== undefined
        ? friedman1FeatureCountProblem(dataset.featureCount)
        : null;
    if (friedmanProblem) {
      context.addIssue({ code: "custom", path: ["featureCount"], message: friedmanProblem });
    }
  });

export type DatasetSpec = z.output<typeof datasetSpecSchema>;
