/**
 * Seeded synthetic datasets. Every generator draws all of its randomness from
 * `createRng(seed)`, so the same options give bit-identical features, labels and targets.
 *
 * Conventions shared by the classification generators:
 * - rows are built class by class, then put in a random order (Fisher–Yates), then
 *   Gaussian noise N(0, noise²) is added to every feature;
 * - classes are balanced: with n samples and C classes, the first n mod C classes get one
 *   extra sample (so for two classes an odd extra sample goes to class 0);
 * - the random stream does not depend on `noise` (noise draws are made even at noise 0),
 *   so changing only the noise level moves the same points.
 */
import { QplaneError } from "../errors/catalogue.js";
import { createRng, type Rng } from "../random/rng.js";
import { createGaussian, shuffleInPlace } from "../random/sampling.js";
import type { Dataset } from "./types.js";

export interface SyntheticOptions {
  /** Number of rows (≥ 2, and ≥ classes for classification). */
  readonly samples: number;
  /** Standard deviation of the added Gaussian noise (≥ 0). */
  readonly noise: number;
  readonly seed: number;
}

export interface BlobsOptions extends SyntheticOptions {
  /** Number of blobs (= classes), ≥ 2. */
  readonly classes: number;
}

export interface PolynomialOptions extends SyntheticOptions {
  /** Degree of the target polynomial, ≥ 1. */
  readonly degree: number;
}

/** Half-width of the square [−5, 5]² the blob centres are drawn from. */
export const BLOB_CENTRE_RANGE = 5;
/** Radius of the inner circle of `circles` (the outer has radius 1). */
export const CIRCLES_FACTOR = 0.5;

/** Samples per class when n samples are spread over C classes (extras go to low classes). */
export function balancedCounts(samples: number, classes: number): number[] {
  const base = Math.floor(samples / classes);
  const extra = samples % classes;
  return Array.from({ length: classes }, (_, c) => base + (c < extra ? 1 : 0));
}

/** The blob standard deviation for a noise level: 1 + noise (documented in DATASET_INFO). */
export function blobStd(noise: number): number {
  return 1 + noise;
}

/** Coefficients c_k = (−1)^k / (k + 1), k = 0..degree, of the `polynomial` target. */
export function polynomialCoefficients(degree: number): Float64Array {
  const coefficients = new Float64Array(degree + 1);
  for (let k = 0; k <= degree; k++) coefficients[k] = (k % 2 === 0 ? 1 : -1) / (k + 1);
  return coefficients;
}

/** Σ c_k x^k by Horner's rule. */
export function evaluatePolynomial(coefficients: Float64Array, x: number): number {
  let value = 0;
  for (let k = coefficients.length - 1; k >= 0; k--) value = value * x + coefficients[k]!;
  return value;
}

/** The generators' checks of `samples`, `noise` and one sample per class (also used to size a run without generating it). */
export function checkSyntheticOptions(
  name: string,
  options: SyntheticOptions,
  classes: number,
): void {
  const { samples, noise } = options;
  if (!Number.isInteger(samples) || samples < 2) {
    throw new QplaneError(
      "QPLANE_ERR_DATASET",
      `dataset.samples ${samples}: must be an integer ≥ 2`,
    );
  }
  if (!Number.isFinite(noise) || noise < 0) {
    throw new QplaneError(
      "QPLANE_ERR_DATASET",
      `dataset.noise ${noise}: must be a finite number ≥ 0`,
    );
  }
  if (samples < classes) {
    throw new QplaneError(
      "QPLANE_ERR_DATASET",
      `dataset: ${samples} samples but ${classes} classes (${name} needs at least one sample per class)`,
    );
  }
}

interface LabelledPoints {
  readonly xs: number[];
  readonly ys: number[];
  readonly labels: number[];
}

/** Shuffles the rows, adds noise to both coordinates, and packs a 2-feature dataset. */
function finishClassification(
  name: string,
  points: LabelledPoints,
  classNames: readonly string[],
  noise: number,
  rng: Rng,
): Dataset {
  const n = points.labels.length;
  const order = shuffleInPlace(
    Array.from({ length: n }, (_, i) => i),
    rng,
  );
  const gaussian = createGaussian(rng);
  const features = new Float64Array(2 * n);
  const labels = new Int32Array(n);
  for (let row = 0; row < n; row++) {
    const source = order[row]!;
    const dx = gaussian();
    const dy = gaussian();
    features[2 * row] = noise === 0 ? points.xs[source]! : points.xs[source]! + noise * dx;
    features[2 * row + 1] = noise === 0 ? points.ys[source]! : points.ys[source]! + noise * dy;
    labels[row] = points.labels[source]!;
  }
  return {
    name,
    task: "classification",
    featureNames: ["x1", "x2"],
    samples: n,
    features,
    labels,
    classNames,
    droppedRows: 0,
  };
}

/** Evenly spaced values from start to stop inclusive (numpy linspace); one value → start. */
function linspace(start: number, stop: number, count: number, endpoint: boolean): number[] {
  const intervals = endpoint ? count - 1 : count;
  return Array.from({ length: count }, (_, i) =>
    intervals === 0 ? start : start + ((stop - start) * i) / intervals,
  );
}

/**
 * Two interleaving half circles (scikit-learn's make_moons): class 0 ("outer") on
 * (cos t, sin t), class 1 ("inner") on (1 − cos t, 1 − sin t − 0.5), with t evenly spaced
 * over [0, π] within each class; then shuffled and noised.
 */
export function generateMoons(options: SyntheticOptions): Dataset {
  checkSyntheticOptions("moons", options, 2);
  const rng = createRng(options.seed);
  const [outer, inner] = balancedCounts(options.samples, 2) as [number, number];
  const points: LabelledPoints = { xs: [], ys: [], labels: [] };
  for (const t of linspace(0, Math.PI, outer, true)) {
    points.xs.push(Math.cos(t));
    points.ys.push(Math.sin(t));
    points.labels.push(0);
  }
  for (const t of linspace(0, Math.PI, inner, true)) {
    points.xs.push(1 - Math.cos(t));
    points.ys.push(1 - Math.sin(t) - 0.5);
    points.labels.push(1);
  }
  return finishClassification("moons", points, ["outer", "inner"], options.noise, rng);
}

/**
 * Two concentric circles: class 0 ("outer") of radius 1, class 1 ("inner") of radius
 * {@link CIRCLES_FACTOR}; angles evenly spaced over [0, 2π) within each class.
 */
export function generateCircles(options: SyntheticOptions): Dataset {
  checkSyntheticOptions("circles", options, 2);
  const rng = createRng(options.seed);
  const counts = balancedCounts(options.samples, 2);
  const points: LabelledPoints = { xs: [], ys: [], labels: [] };
  const radii = [1, CIRCLES_FACTOR];
  for (let label = 0; label < 2; label++) {
    for (const t of linspace(0, 2 * Math.PI, counts[label]!, false)) {
      points.xs.push(radii[label]! * Math.cos(t));
      points.ys.push(radii[label]! * Math.sin(t));
      points.labels.push(label);
    }
  }
  return finishClassification("circles", points, ["outer", "inner"], options.noise, rng);
}

/**
 * XOR: points uniform in [−1, 1]², label = (x > 0) XOR (y > 0) computed before noise.
 * Quadrants are visited round-robin (++, −+, −−, +−) so the labels are balanced and every
 * quadrant is equally filled; within a quadrant |x|, |y| are uniform in (0, 1].
 * Class 0 ("same-sign") = quadrants ++ and −−, class 1 ("opposite-sign") = −+ and +−.
 */
export function generateXor(options: SyntheticOptions): Dataset {
  checkSyntheticOptions("xor", options, 2);
  const rng = createRng(options.seed);
  const signs: readonly (readonly [number, number])[] = [
    [1, 1],
    [-1, 1],
    [-1, -1],
    [1, -1],
  ];
  const points: LabelledPoints = { xs: [], ys: [], labels: [] };
  for (let i = 0; i < options.samples; i++) {
    const [sx, sy] = signs[i % 4]!;
    const x = sx * (1 - rng.nextFloat());
    const y = sy * (1 - rng.nextFloat());
    points.xs.push(x);
    points.ys.push(y);
    points.labels.push(x > 0 !== y > 0 ? 1 : 0);
  }
  return finishClassification("xor", points, ["same-sign", "opposite-sign"], options.noise, rng);
}

/**
 * k isotropic Gaussian blobs in 2-D. Centres are drawn uniformly in [−5, 5]² (first 2k
 * draws of the stream); each point is its centre plus N(0, σ²) per coordinate with
 * σ = {@link blobStd}(noise) = 1 + noise. Class names are "blob0".."blob{k−1}".
 */
export function generateBlobs(options: BlobsOptions): Dataset {
  const { classes } = options;
  if (!Number.isInteger(classes) || classes < 2) {
    throw new QplaneError(
      "QPLANE_ERR_DATASET",
      `dataset.classes ${classes}: must be an integer ≥ 2`,
    );
  }
  checkSyntheticOptions("blobs", options, classes);
  const rng = createRng(options.seed);
  const centres: [number, number][] = [];
  for (let c = 0; c < classes; c++) {
    const cx = BLOB_CENTRE_RANGE * (2 * rng.nextFloat() - 1);
    const cy = BLOB_CENTRE_RANGE * (2 * rng.nextFloat() - 1);
    centres.push([cx, cy]);
  }
  const points: LabelledPoints = { xs: [], ys: [], labels: [] };
  balancedCounts(options.samples, classes).forEach((count, label) => {
    const [cx, cy] = centres[label]!;
    for (let i = 0; i < count; i++) {
      points.xs.push(cx);
      points.ys.push(cy);
      points.labels.push(label);
    }
  });
  const classNames = Array.from({ length: classes }, (_, c) => `blob${c}`);
  return finishClassification("blobs", points, classNames, blobStd(options.noise), rng);
}

/** Draws x uniform in [low, high) for every row, then target(x) + noise·N(0, 1). */
function generateRegression1d(
  name: string,
  options: SyntheticOptions,
  low: number,
  high: number,
  target: (x: number) => number,
): Dataset {
  checkSyntheticOptions(name, options, 1);
  const rng = createRng(options.seed);
  const n = options.samples;
  const features = new Float64Array(n);
  for (let i = 0; i < n; i++) features[i] = low + (high - low) * rng.nextFloat();
  const gaussian = createGaussian(rng);
  const targets = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const z = gaussian();
    const clean = target(features[i]!);
    targets[i] = options.noise === 0 ? clean : clean + options.noise * z;
  }
  return {
    name,
    task: "regression",
    featureNames: ["x"],
    samples: n,
    features,
    targets,
    droppedRows: 0,
  };
}

/** Regression: x uniform in [−π, π), y = sin(x) + noise·N(0, 1). */
export function generateSine(options: SyntheticOptions): Dataset {
  return generateRegression1d("sine", options, -Math.PI, Math.PI, Math.sin);
}

/**
 * Regression: x uniform in [−1, 1), y = Σ_{k=0..degree} c_k x^k + noise·N(0, 1) with the
 * fixed coefficients c_k = (−1)^k / (k + 1) ({@link polynomialCoefficients}).
 */
export function generatePolynomial(options: PolynomialOptions): Dataset {
  const { degree } = options;
  if (!Number.isInteger(degree) || degree < 1) {
    throw new QplaneError("QPLANE_ERR_DATASET", `dataset.degree ${degree}: must be an integer ≥ 1`);
  }
  const coefficients = polynomialCoefficients(degree);
  return generateRegression1d("polynomial", options, -1, 1, (x) =>
    evaluatePolynomial(coefficients, x),
  );
}
