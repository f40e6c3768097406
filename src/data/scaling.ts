/**
 * Feature and target scalers, always fitted on the training split only and then applied
 * unchanged to any other rows (test values may land outside the training range: no clipping).
 */
import { QplaneError } from "../errors/catalogue.js";
import type { Dataset } from "./types.js";

/** A fitted per-feature map applied to row-major feature matrices. */
export interface FeatureScaler {
  readonly featureCount: number;
  /** Returns a new row-major array (same shape) with every feature mapped. */
  transform(features: Float64Array): Float64Array;
}

export interface AngleScaler extends FeatureScaler {
  readonly kind: "angle";
  /** Half-width of the target interval: scale·π/2. */
  readonly halfRange: number;
  readonly min: Float64Array;
  readonly max: Float64Array;
}

/**
 * Robust angle scaler: z = (v − median)/spread per feature, angle = halfRange·tanh(z/2), so
 * one outlier moves neither the centre nor the spread, and every value lands inside
 * (−halfRange, halfRange) (at ±halfRange only when |z| > ~37, where tanh rounds to ±1).
 */
export interface RobustAngleScaler extends FeatureScaler {
  readonly kind: "robust-angle";
  /** Half-width of the target interval: scale·π/2. */
  readonly halfRange: number;
  /** Training median per feature. */
  readonly centre: Float64Array;
  /**
   * IQR/1.349 (σ for normal data), the population std when the IQR is 0, and 0 for a
   * constant training column (which then maps to 0).
   */
  readonly spread: Float64Array;
}

export interface StandardScaler extends FeatureScaler {
  readonly kind: "standard";
  readonly mean: Float64Array;
  /** Population standard deviation (divides by n) per feature. */
  readonly std: Float64Array;
}

export interface TargetScaler {
  readonly mean: number;
  /** Population standard deviation of the training targets (1 when they are constant). */
  readonly std: number;
  transform(targets: Float64Array): Float64Array;
  inverse(standardized: Float64Array): Float64Array;
}

function fail(message: string): never {
  throw new QplaneError("QPLANE_ERR_DATASET", message);
}

function requireRows(train: Dataset, what: string): void {
  if (train.samples < 1) fail(`dataset "${train.name}": cannot fit ${what} on 0 training samples`);
}

function mapColumns(
  featureCount: number,
  features: Float64Array,
  map: (value: number, column: number) => number,
): Float64Array {
  if (featureCount === 0 || features.length % featureCount !== 0) {
    throw new RangeError(
      `scaler fitted on ${featureCount} features cannot transform an array of length ${features.length}`,
    );
  }
  const out = new Float64Array(features.length);
  for (let i = 0; i < features.length; i++) out[i] = map(features[i]!, i % featureCount);
  return out;
}

/** scale·π/2, the half-width of the angle interval, for a valid `model.encodingScale`. */
function angleHalfRange(scale: number): number {
  if (!(Number.isFinite(scale) && scale > 0))
    fail(`model.encodingScale ${scale}: must be a finite number > 0`);
  return (scale * Math.PI) / 2;
}

/**
 * Angle encoding scaler: per feature, the training minimum maps to −scale·π/2 and the
 * maximum to +scale·π/2, linearly in between (t = (v − min)/(max − min), angle = h·(2t − 1),
 * which hits both ends exactly). Columns constant on the training split map to 0.
 */
export function fitAngleScaler(train: Dataset, scale: number): AngleScaler {
  const halfRange = angleHalfRange(scale);
  requireRows(train, "the angle scaler");
  const width = train.featureNames.length;
  const min = new Float64Array(width).fill(Number.POSITIVE_INFINITY);
  const max = new Float64Array(width).fill(Number.NEGATIVE_INFINITY);
  train.features.forEach((value, i) => {
    const column = i % width;
    if (value < min[column]!) min[column] = value;
    if (value > max[column]!) max[column] = value;
  });
  return {
    kind: "angle",
    featureCount: width,
    halfRange,
    min,
    max,
    transform: (features) =>
      mapColumns(width, features, (value, column) => {
        const low = min[column]!;
        const span = max[column]! - low;
        return span === 0 ? 0 : halfRange * (2 * ((value - low) / span) - 1);
      }),
  };
}

function meanAndStd(values: ArrayLike<number>, stride: number, offset: number): [number, number] {
  let sum = 0;
  let count = 0;
  for (let i = offset; i < values.length; i += stride) {
    sum += values[i]!;
    count++;
  }
  const mean = sum / count;
  let squares = 0;
  for (let i = offset; i < values.length; i += stride) squares += (values[i]! - mean) ** 2;
  return [mean, Math.sqrt(squares / count)];
}

/** The p-quantile of ascending `sorted` values, interpolating linearly (numpy's default, Hyndman–Fan type 7). */
export function sortedQuantile(sorted: ArrayLike<number>, p: number): number {
  const position = p * (sorted.length - 1);
  const low = Math.floor(position);
  const high = Math.min(low + 1, sorted.length - 1);
  return sorted[low]! + (position - low) * (sorted[high]! - sorted[low]!);
}

/** IQR/1.349 is a consistent estimate of σ for normal data (IQR = 2·Φ⁻¹(0.75)·σ ≈ 1.349σ). */
export const IQR_PER_SIGMA = 1.349;

/**
 * Quantile ranges that estimate σ for normal data, tried in order: the IQR (2·Φ⁻¹(0.75)σ),
 * then the 10–90 % range (2·Φ⁻¹(0.9)σ ≈ 2.563σ), then the 1–99 % range (≈ 4.653σ). A column
 * that is mostly one value (binary, counts, one-hot) has IQR 0; a wider range still ignores
 * a lone outlier, which the std would not (one 1000 among 0/1 values would squash them).
 */
const ROBUST_SPREADS: readonly (readonly [low: number, high: number, perSigma: number])[] = [
  [0.25, 0.75, IQR_PER_SIGMA],
  [0.1, 0.9, 2.563],
  [0.01, 0.99, 4.653],
];

/** The first positive quantile-range spread of ascending `sorted`, else the population std. */
function robustSpread(sorted: Float64Array): number {
  for (const [low, high, perSigma] of ROBUST_SPREADS) {
    const range = sortedQuantile(sorted, high) - sortedQuantile(sorted, low);
    if (range > 0) return range / perSigma;
  }
  return meanAndStd(sorted, 1, 0)[1];
}

/**
 * Robust angle scaling (see {@link RobustAngleScaler}): centre = training median, spread =
 * the first positive of IQR/1.349, (q90 − q10)/2.563, (q99 − q1)/4.653, else the population
 * std (a column constant but for under 1 % of its rows); angle = h·tanh(z/2) with
 * z = (v − centre)/spread and h = scale·π/2.
 */
export function fitRobustAngleScaler(train: Dataset, scale: number): RobustAngleScaler {
  const halfRange = angleHalfRange(scale);
  requireRows(train, "the robust angle scaler");
  const width = train.featureNames.length;
  const centre = new Float64Array(width);
  const spread = new Float64Array(width);
  const column = new Float64Array(train.samples);
  for (let j = 0; j < width; j++) {
    for (let row = 0; row < train.samples; row++) column[row] = train.features[row * width + j]!;
    column.sort();
    centre[j] = sortedQuantile(column, 0.5);
    spread[j] = robustSpread(column);
  }
  return {
    kind: "robust-angle",
    featureCount: width,
    halfRange,
    centre,
    spread,
    transform: (features) =>
      mapColumns(width, features, (value, j) =>
        spread[j] === 0 ? 0 : halfRange * Math.tanh((value - centre[j]!) / spread[j]! / 2),
      ),
  };
}

/** Standardisation z = (v − mean)/std per feature; constant training columns map to 0. */
export function fitStandardScaler(train: Dataset): StandardScaler {
  requireRows(train, "the standard scaler");
  const width = train.featureNames.length;
  const mean = new Float64Array(width);
  const std = new Float64Array(width);
  for (let column = 0; column < width; column++) {
    [mean[column], std[column]] = meanAndStd(train.features, width, column);
  }
  return {
    kind: "standard",
    featureCount: width,
    mean,
    std,
    transform: (features) =>
      mapColumns(width, features, (value, column) =>
        std[column] === 0 ? 0 : (value - mean[column]!) / std[column]!,
      ),
  };
}

/** Regression targets: z = (y − mean)/std and back; std = 1 when the targets are constant. */
export function fitTargetScaler(train: Dataset): TargetScaler {
  if (train.task !== "regression" || !train.targets) {
    fail(`dataset "${train.name}": target scaling needs a regression dataset with targets`);
  }
  requireRows(train, "the target scaler");
  const [mean, spread] = meanAndStd(train.targets, 1, 0);
  const std = spread === 0 ? 1 : spread;
  return {
    mean,
    std,
    transform: (targets) => targets.map((y) => (y - mean) / std),
    inverse: (standardized) => standardized.map((z) => z * std + mean),
  };
}
