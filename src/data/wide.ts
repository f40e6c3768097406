/**
 * `wide`: a seeded many-feature classification table in the style of scikit-learn's
 * make_classification (Guyon 2003, the NIPS feature-selection benchmark design). Each class
 * is two Gaussian clusters around distinct vertices of the hypercube [−sep, sep]^informative,
 * each cluster linearly distorted by its own random matrix; `redundant` columns are random
 * linear combinations of the informative ones, the rest pure N(0, 1) noise; a fraction
 * `labelNoise` of labels is redrawn uniformly; rows and columns are shuffled.
 *
 * Random stream (createRng(seed)), in this order, so the class counts can be computed without
 * drawing the features (`wideClassCounts`) and do not depend on the geometry options:
 * 1. per row (cluster order): one uniform for "flip?" and one class index, drawn always;
 * 2. cluster vertices, 3. per-cluster distortion matrices, 4. the redundancy matrix B,
 * 5. the Gaussian features, 6. the row permutation, 7. the column permutation.
 */
import { QplaneError } from "../errors/catalogue.js";
import { createRng, type Rng } from "../random/rng.js";
import { createGaussian, permutation, uniformIndex } from "../random/sampling.js";
import { balancedCounts, checkSyntheticOptions } from "./synthetic.js";
import type { Dataset } from "./types.js";

/** Defaults of the `wide`-only dataset fields (one definition; the spec leaves them unset). */
export const WIDE_DEFAULT_FEATURE_COUNT = 20;
export const WIDE_DEFAULT_INFORMATIVE = 5;
export const WIDE_DEFAULT_REDUNDANT = 5;
export const WIDE_DEFAULT_CLASS_SEPARATION = 1;
export const WIDE_DEFAULT_LABEL_NOISE = 0.01;
/** Gaussian clusters per class (make_classification's n_clusters_per_class = 2). */
export const WIDE_CLUSTERS_PER_CLASS = 2;

export interface WideOptions {
  readonly samples: number;
  readonly seed: number;
  readonly classes: number;
  readonly featureCount: number;
  readonly informative: number;
  readonly redundant: number;
  readonly classSeparation: number;
  readonly labelNoise: number;
}

/** One problem with `wide`'s options: the dataset field it names and what is wrong. */
export interface WideOptionProblem {
  readonly field: "featureCount" | "informative" | "classes";
  readonly message: string;
}

/**
 * Cross-field checks of `wide` (the ranges of single fields are the spec's): the informative
 * and redundant columns must fit in `featureCount`, and the 2·classes cluster centres need as
 * many distinct vertices of the informative hypercube (2^informative of them).
 */
export function wideOptionProblems(
  options: Pick<WideOptions, "featureCount" | "informative" | "redundant" | "classes">,
): WideOptionProblem[] {
  const { featureCount, informative, redundant, classes } = options;
  const problems: WideOptionProblem[] = [];
  if (informative + redundant > featureCount) {
    problems.push({
      field: "featureCount",
      message: `${featureCount} features cannot hold ${informative} informative + ${redundant} redundant ones`,
    });
  }
  const clusters = WIDE_CLUSTERS_PER_CLASS * classes;
  if (clusters > 2 ** informative) {
    problems.push({
      field: "informative",
      message: `${informative} informative features give ${2 ** informative} hypercube vertices, fewer than the ${clusters} clusters of ${classes} classes (${WIDE_CLUSTERS_PER_CLASS} per class)`,
    });
  }
  return problems;
}

function checkWideOptions(options: WideOptions): void {
  checkSyntheticOptions(
    "wide",
    { samples: options.samples, noise: 0, seed: options.seed },
    options.classes,
  );
  const [problem] = wideOptionProblems(options);
  if (problem) {
    throw new QplaneError(
      "QPLANE_ERR_DATASET",
      `dataset.${problem.field} ${options[problem.field]}: ${problem.message}`,
    );
  }
}

/** Rows per cluster, in cluster order: class c owns clusters 2c and 2c + 1 (balanced classes). */
function clusterSizes(samples: number, classes: number): number[] {
  return balancedCounts(samples, classes).flatMap((count) =>
    balancedCounts(count, WIDE_CLUSTERS_PER_CLASS),
  );
}

/** Stage 1 of the stream: labels in cluster order, a `labelNoise` fraction redrawn uniformly. */
function drawLabels(options: WideOptions, rng: Rng): Int32Array {
  const labels = new Int32Array(options.samples);
  let row = 0;
  clusterSizes(options.samples, options.classes).forEach((size, cluster) => {
    const label = Math.floor(cluster / WIDE_CLUSTERS_PER_CLASS);
    for (let i = 0; i < size; i++, row++) {
      const flip = rng.nextFloat() < options.labelNoise;
      const replacement = uniformIndex(rng, options.classes);
      labels[row] = flip ? replacement : label;
    }
  });
  return labels;
}

/** Rows per class after label noise: the strata a stratified split sees (no features drawn). */
export function wideClassCounts(options: WideOptions): number[] {
  checkWideOptions(options);
  const counts = new Array<number>(options.classes).fill(0);
  for (const label of drawLabels(options, createRng(options.seed))) counts[label]!++;
  return counts;
}

/** `count` distinct vertices of {−sep, sep}^dim, row-major count × dim (rejection sampling). */
function distinctVertices(count: number, dim: number, sep: number, rng: Rng): Float64Array {
  const vertices = new Float64Array(count * dim);
  const seen = new Set<string>();
  const bits = new Array<number>(dim);
  for (let k = 0; k < count; ) {
    for (let j = 0; j < dim; j++) bits[j] = rng.nextFloat() < 0.5 ? 0 : 1;
    const key = bits.join("");
    if (seen.has(key)) continue;
    seen.add(key);
    for (let j = 0; j < dim; j++) vertices[k * dim + j] = bits[j] === 1 ? sep : -sep;
    k++;
  }
  return vertices;
}

/** A rows × columns matrix (row-major) of entries uniform in [−1, 1). */
function uniformMatrix(rows: number, columns: number, rng: Rng): Float64Array {
  const matrix = new Float64Array(rows * columns);
  for (let i = 0; i < matrix.length; i++) matrix[i] = 2 * rng.nextFloat() - 1;
  return matrix;
}

/** A generated `wide` table plus where each generated column ended up (for tests and docs). */
export interface WideTable {
  readonly dataset: Dataset;
  /** Output column of informative feature i (0..informative−1). */
  readonly informativeColumns: readonly number[];
  /** Output column of redundant feature i. */
  readonly redundantColumns: readonly number[];
}

/** {@link generateWide} with the column layout kept. */
export function generateWideTable(options: WideOptions): WideTable {
  checkWideOptions(options);
  const { samples: n, classes, featureCount: d, informative: q, redundant: r } = options;
  const rng = createRng(options.seed);
  const clusterLabels = drawLabels(options, rng);
  const sizes = clusterSizes(n, classes);
  const centres = distinctVertices(sizes.length, q, options.classSeparation, rng);
  const distortions = sizes.map(() => uniformMatrix(q, q, rng));
  const mixing = uniformMatrix(q, r, rng);
  const gaussian = createGaussian(rng);

  // Generated layout per row: [informative | redundant | noise], in cluster order.
  const generated = new Float64Array(n * d);
  const z = new Float64Array(q);
  let row = 0;
  sizes.forEach((size, cluster) => {
    const a = distortions[cluster]!;
    for (let i = 0; i < size; i++, row++) {
      const base = row * d;
      for (let j = 0; j < q; j++) z[j] = gaussian();
      // informative x = z·A + centre (A q×q, row vector times matrix)
      for (let j = 0; j < q; j++) {
        let sum = centres[cluster * q + j]!;
        for (let k = 0; k < q; k++) sum += z[k]! * a[k * q + j]!;
        generated[base + j] = sum;
      }
      // redundant = informative·B (B q×r)
      for (let j = 0; j < r; j++) {
        let sum = 0;
        for (let k = 0; k < q; k++) sum += generated[base + k]! * mixing[k * r + j]!;
        generated[base + q + j] = sum;
      }
      for (let j = q + r; j < d; j++) generated[base + j] = gaussian();
    }
  });

  const rowOrder = permutation(n, rng);
  const columnOrder = permutation(d, rng); // output column c holds generated column columnOrder[c]
  const features = new Float64Array(n * d);
  const labels = new Int32Array(n);
  for (let out = 0; out < n; out++) {
    const source = rowOrder[out]!;
    labels[out] = clusterLabels[source]!;
    for (let c = 0; c < d; c++) features[out * d + c] = generated[source * d + columnOrder[c]!]!;
  }
  const outputColumnOf = new Array<number>(d);
  columnOrder.forEach((generatedColumn, c) => {
    outputColumnOf[generatedColumn] = c;
  });
  return {
    dataset: {
      name: "wide",
      task: "classification",
      featureNames: Array.from({ length: d }, (_, c) => `x${c + 1}`),
      samples: n,
      features,
      labels,
      classNames: Array.from({ length: classes }, (_, c) => `class${c}`),
      droppedRows: 0,
    },
    informativeColumns: outputColumnOf.slice(0, q),
    redundantColumns: outputColumnOf.slice(q, q + r),
  };
}

/** The `wide` classification table (see the module comment). */
export function generateWide(options: WideOptions): Dataset {
  return generateWideTable(options).dataset;
}
