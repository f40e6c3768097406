/**
 * Train/test splits, deterministic from a seed.
 * - Classification: stratified. A class with n_c samples puts round(n_c · f) in the test
 *   split, clamped to [1, n_c − 1] when n_c ≥ 2 so both splits see the class; a class with
 *   a single sample goes to the training split.
 * - Regression: a random round(n · f) rows, clamped to [1, n − 1], go to the test split.
 * Both splits are returned in a random order (shuffled with the same generator), so a
 * prefix of either is a fair sample of it.
 */
import { QplaneError } from "../errors/catalogue.js";
import { createRng } from "../random/rng.js";
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

/** Test rows for a group of n rows: round(n · f), clamped to [1, n − 1] when n ≥ 2. */
export function testCount(n: number, testFraction: number): number {
  if (n < 2) return 0;
  return Math.min(n - 1, Math.max(1, Math.round(n * testFraction)));
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
): { train: number[]; test: number[] } {
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
  return { train, test };
}

export function splitDataset(dataset: Dataset, testFraction: number, seed: number): DatasetSplit {
  const { train, test } = splitIndices(dataset, testFraction, seed);
  return { train: subset(dataset, train), test: subset(dataset, test) };
}
