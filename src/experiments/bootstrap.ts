/**
 * Seeded percentile bootstrap of the median paired difference, and the selection helpers it
 * runs on. Every resample draws from the project's RNG (src/random/rng.ts) seeded by the
 * caller, so a confidence interval is reproducible bit for bit from (differences, seed).
 *
 * Method: B resamples of size n drawn with replacement; the median of each (the mean of the
 * two middle values when n is even, as numpy.median); the interval is the (1 − level)/2 and
 * (1 + level)/2 quantiles of the B medians with linear interpolation between order
 * statistics (numpy.quantile's default "linear" rule, Hyndman & Fan type 7).
 */
import { QplaneError } from "../errors/catalogue.js";
import { createRng } from "../random/rng.js";
import { uniformIndex } from "../random/sampling.js";

/** Fewer resamples make the 2.5 % tail rest on a few dozen medians; the issue asks ≥ 2000. */
export const MIN_BOOTSTRAP_RESAMPLES = 2000;

export interface BootstrapOptions {
  /** Number of resamples B (integer ≥ 2000; default 2000). */
  readonly resamples?: number;
  /** Two-sided confidence level in (0, 1) (default 0.95). */
  readonly level?: number;
  /** Seed of the resampling generator (safe integer). */
  readonly seed: number;
}

/** Ranges this short are insertion-sorted: cheaper than another partition pass. */
const INSERTION_SORT_SPAN = 8;

/**
 * Rearranges values[0, length) so that values[k] holds the k-th smallest (0-based), every
 * element before k is ≤ it and every element after is ≥ it (Hoare's quickselect with a
 * median-of-three pivot); returns values[k]. In place, no allocation.
 */
export function selectInPlace(values: Float64Array, length: number, k: number): number {
  let left = 0;
  let right = length - 1;
  while (right - left >= INSERTION_SORT_SPAN) {
    const middle = (left + right) >>> 1;
    // Order values[left] ≤ values[middle] ≤ values[right]; the middle one is the pivot.
    if (values[middle]! < values[left]!) swap(values, middle, left);
    if (values[right]! < values[left]!) swap(values, right, left);
    if (values[right]! < values[middle]!) swap(values, right, middle);
    const pivot = values[middle]!;
    let i = left;
    let j = right;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        swap(values, i, j);
        i++;
        j--;
      }
    }
    // Now [left, j] ≤ pivot ≤ [i, right], and everything strictly between equals the pivot.
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return values[k]!;
  }
  for (let i = left + 1; i <= right; i++) {
    const held = values[i]!;
    let j = i - 1;
    while (j >= left && values[j]! > held) {
      values[j + 1] = values[j]!;
      j--;
    }
    values[j + 1] = held;
  }
  return values[k]!;
}

function swap(values: Float64Array, a: number, b: number): void {
  const held = values[a]!;
  values[a] = values[b]!;
  values[b] = held;
}

/**
 * Median of values[0, length) (length ≥ 1), reordering them in place: the middle value, or
 * the mean of the two middle values when length is even.
 */
export function medianInPlace(values: Float64Array, length: number): number {
  const upperIndex = length >>> 1;
  const upper = selectInPlace(values, length, upperIndex);
  if (length % 2 === 1) return upper;
  // After selection everything below upperIndex is ≤ upper: the lower middle is their maximum.
  let lower = values[0]!;
  for (let i = 1; i < upperIndex; i++) if (values[i]! > lower) lower = values[i]!;
  return (lower + upper) / 2;
}

/** Quantile q ∈ [0, 1] of ascending values, interpolating linearly (type 7, numpy's default). */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  const fraction = position - below;
  return sorted[below]! + fraction * (sorted[above]! - sorted[below]!);
}

/**
 * Percentile-bootstrap confidence interval [lo, hi] of the median of `differences` (paired
 * differences, at least one, all finite).
 */
export function bootstrapMedianCi(
  differences: ArrayLike<number>,
  options: BootstrapOptions,
): [number, number] {
  const resamples = options.resamples ?? MIN_BOOTSTRAP_RESAMPLES;
  const level = options.level ?? 0.95;
  checkBootstrapInput(differences, resamples, level, options.seed);
  const n = differences.length;
  const data = Float64Array.from(differences);
  const sample = new Float64Array(n);
  const medians = new Float64Array(resamples);
  const rng = createRng(options.seed);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) sample[i] = data[uniformIndex(rng, n)]!;
    medians[b] = medianInPlace(sample, n);
  }
  medians.sort();
  const tail = (1 - level) / 2;
  return [quantileSorted(medians, tail), quantileSorted(medians, 1 - tail)];
}

function checkBootstrapInput(
  differences: ArrayLike<number>,
  resamples: number,
  level: number,
  seed: number,
): void {
  if (differences.length === 0) {
    throw invalidStatisticsInput(
      "bootstrap differences: none given; the median of no pairs is undefined",
    );
  }
  for (let i = 0; i < differences.length; i++) {
    if (!Number.isFinite(differences[i])) {
      throw invalidStatisticsInput(
        `bootstrap differences[${i}]: ${differences[i]} is not a finite number`,
      );
    }
  }
  if (!Number.isInteger(resamples) || resamples < MIN_BOOTSTRAP_RESAMPLES) {
    throw invalidStatisticsInput(
      `bootstrap resamples: ${resamples}, but at least ${MIN_BOOTSTRAP_RESAMPLES} (an integer) are required`,
    );
  }
  if (!(level > 0 && level < 1)) {
    throw invalidStatisticsInput(`bootstrap level: ${level} is not a confidence level in (0, 1)`);
  }
  if (!Number.isSafeInteger(seed)) {
    throw invalidStatisticsInput(`bootstrap seed: ${seed} is not a safe integer`);
  }
}

/** The error for bad input to the statistics of this directory (names field and value). */
export function invalidStatisticsInput(message: string): QplaneError {
  return new QplaneError("QPLANE_ERR_SPEC_INVALID", message);
}
