/**
 * Train/test splits, deterministic from a seed.
 * - Classification: stratified. A class with n_c samples puts round(n_c · f) in the test
 *   split, clamped to [1, n_c − 1] when n_c ≥ 2 so both splits see the class; a class with
 *   a single sample goes to the training split.
 * - Regression: a random round(n · f) rows, clamped to [1, n − 1], go to the test split.
 * Both splits are returned in a random order (shuffled with the same generator), so a
 * prefix of either is a fair sample of it.
 * - Validation (optional): carved out of the training split AFTER the test split is drawn,
 *   with the same generator's continuation, so the test rows are the same whatever the
 *   validation fraction. Stratified like the test split: a stratum of n rows gives
 *   round(n · v) of its training rows (v a fraction of the WHOLE dataset), clamped to
 *   [1, r − 1] for its r training rows when r ≥ 2 (none when r < 2).
 */
import { QplaneError } from "../errors/catalogue.js";
import { createRng, type Rng } from "../random/rng.js";
import { shuffleInPlace } from "../random/sampling.js";
import type { Dataset, DatasetSplit } from "./types.js";

/** Rows of `dataset` at `indices` (in that order), as a new dataset. */
export function subset(dataset: Dataset, indices: ArrayLike<number>): Dataset {
  const width = dataset.featureNames.length;
  const count = indices.length;
  const features = new Float64Array(count * width);
  for (let i = 0; i < count; i++) {
    const row = indices[i]!;
    if (!Number.isInteger(row) || row < 0 || row >= dataset.samples) {
      throw new RangeError(`subset: row ${row} out of range 0..${dataset.samples - 1}`);
    }
    features.set(dataset.features.subarray(row * width, (row + 1) * width), i * width);
  }
  const pick = <T extends Int32Array | Float64Array>(source: T, make: (n: number) => T): T => {
    const out = make(count);
    for (let i = 0; i < count; i++) out[i] = source[indices[i]!]!;
    return out;
  };
  return {
    ...dataset,
    samples: count,
    features,
    ...(dataset.labels ? { labels: pick(dataset.labels, (n) => new Int32Array(n)) } : {}),
    ...(dataset.targets ? { targets: pick(dataset.targets, (n) => new Float64Array(n)) } : {}),
  };
}

/** `wanted` rows held out of `available`, clamped to [1, available − 1]; 0 below 2 rows. */
function heldOutCount(available: number, wanted: number): number {
  if (available < 2) return 0;
  return Math.min(available - 1, Math.max(1, wanted));
}

/** Test rows for a group of n rows: round(n · f), clamped to [1, n − 1] when n ≥ 2. */
export function testCount(n: number, testFraction: number): number {
  return heldOutCount(n, Math.round(n * testFraction));
}

/**
 * Validation rows for a stratum of n rows: round(n · v), clamped to [1, r − 1] for the r rows
 * the test split leaves when r ≥ 2; 0 when r < 2 or v = 0.
 */
export function validationCount(
  n: number,
  testFraction: number,
  validationFraction: number,
): number {
  if (validationFraction === 0) return 0;
  return heldOutCount(n - testCount(n, testFraction), Math.round(n * validationFraction));
}

/**
 * Refuses a validation fraction that leaves no training rows (test + validation ≥ 1), or a
 * validation split that is empty (QPLANE_ERR_SPEC_INVALID, naming dataset.validationFraction).
 */
export function checkValidationSize(
  name: string,
  validationSamples: number,
  testFraction: number,
  validationFraction: number,
): void {
  if (validationFraction === 0) return;
  if (testFraction + validationFraction >= 1) {
    throw new QplaneError(
      "QPLANE_ERR_SPEC_INVALID",
      `spec.dataset.validationFraction: ${validationFraction} with dataset.testFraction ${testFraction} leaves no training split (their sum must be below 1)`,
    );
  }
  if (validationSamples > 0) return;
  throw new QplaneError(
    "QPLANE_ERR_SPEC_INVALID",
    `spec.dataset.validationFraction: ${validationFraction} leaves the validation split of dataset "${name}" empty (a class needs ≥ 3 samples to appear in all three splits)`,
  );
}

/** Refuses a split that leaves the training or the test split empty (QPLANE_ERR_DATASET). */
export function checkSplitSizes(
  name: string,
  trainSamples: number,
  testSamples: number,
  testFraction: number,
): void {
  if (trainSamples > 0 && testSamples > 0) return;
  throw new QplaneError(
    "QPLANE_ERR_DATASET",
    `dataset "${name}": ${trainSamples + testSamples} samples leave the ${trainSamples === 0 ? "training" : "test"} split empty (dataset.testFraction ${testFraction}; a class needs ≥ 2 samples to appear in both splits)`,
  );
}

/** Split row indices (before subsetting): exposed for tests and for callers that need them. */
export function splitIndices(
  dataset: Dataset,
  testFraction: number,
  seed: number,
  validationFraction = 0,
): { train: number[]; test: number[]; validation: number[] } {
  if (!(testFraction > 0 && testFraction < 1)) {
    throw new QplaneError(
      "QPLANE_ERR_DATASET",
      `dataset.testFraction ${testFraction}: must be in (0, 1)`,
    );
  }
  const rng = createRng(seed);
  const groups: number[][] = [];
  if (dataset.task === "classification") {
    const labels = dataset.labels;
    const classes = dataset.classNames?.length ?? 0;
    if (!labels)
      throw new QplaneError(
        "QPLANE_ERR_DATASET",
        `dataset "${dataset.name}": classification without labels`,
      );
    for (let c = 0; c < classes; c++) groups.push([]);
    labels.forEach((label, row) => {
      const group = groups[label];
      if (!group) {
        throw new QplaneError(
          "QPLANE_ERR_DATASET",
          `dataset "${dataset.name}": label ${label} at row ${row} is not a class index`,
        );
      }
      group.push(row);
    });
  } else {
    groups.push(Array.from({ length: dataset.samples }, (_, row) => row));
  }
  const train: number[] = [];
  const test: number[] = [];
  for (const group of groups) {
    shuffleInPlace(group, rng);
    const cut = testCount(group.length, testFraction);
    test.push(...group.slice(0, cut));
    train.push(...group.slice(cut));
  }
  checkSplitSizes(dataset.name, train.length, test.length, testFraction);
  shuffleInPlace(train, rng);
  shuffleInPlace(test, rng);
  if (validationFraction === 0) return { train, test, validation: [] };
  return {
    test,
    ...carveValidation(dataset, groups, train, testFraction, validationFraction, rng),
  };
}

/**
 * Moves validationCount rows of each stratum (a random choice, the generator continuing after
 * the test split) from the shuffled training rows to the validation split; the training rows
 * keep their order.
 */
function carveValidation(
  dataset: Dataset,
  groups: readonly number[][],
  train: readonly number[],
  testFraction: number,
  validationFraction: number,
  rng: Rng,
): { train: number[]; validation: number[] } {
  const held = new Set<number>();
  const inTrain = new Set(train);
  const validation: number[] = [];
  for (const group of groups) {
    const rows = group.filter((row) => inTrain.has(row)).sort((a, b) => a - b);
    shuffleInPlace(rows, rng);
    const cut = validationCount(group.length, testFraction, validationFraction);
    for (const row of rows.slice(0, cut)) {
      held.add(row);
      validation.push(row);
    }
  }
  checkValidationSize(dataset.name, validation.length, testFraction, validationFraction);
  shuffleInPlace(validation, rng);
  return { train: train.filter((row) => !held.has(row)), validation };
}

export function splitDataset(
  dataset: Dataset,
  testFraction: number,
  seed: number,
  validationFraction = 0,
): DatasetSplit {
  const { train, test, validation } = splitIndices(dataset, testFraction, seed, validationFraction);
  return {
    train: subset(dataset, train),
    test: subset(dataset, test),
    ...(validation.length > 0 ? { validation: subset(dataset, validation) } : {}),
  };
}
