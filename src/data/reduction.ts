/**
 * Principal component analysis, fitted on the training split only and applied unchanged to
 * any other rows. Columns are standardised first (population std; constant columns → 0), so
 * the axes do not just follow the feature with the largest units.
 */
import { Matrix, SingularValueDecomposition } from "ml-matrix";
import { QplaneError } from "../errors/catalogue.js";
import type { Dataset } from "./types.js";

export interface PcaReduction {
  readonly kind: "pca";
  /** Features of the rows it reduces. */
  readonly featureCount: number;
  /** Components kept (the width of the transformed rows). */
  readonly components: number;
  readonly mean: Float64Array;
  /** Population std per feature (0: constant column, which contributes 0). */
  readonly std: Float64Array;
  /** Principal axes, row-major components × featureCount; axis k is row k (unit length). */
  readonly axes: Float64Array;
  /** Variance of the standardised training rows along each kept axis, descending. */
  readonly explainedVariance: Float64Array;
  /** Row-major n × featureCount → n × components: standardise, then project on the axes. */
  transform(features: Float64Array): Float64Array;
}

/** Relative tolerance under which two |loadings| count as tied for the sign rule. */
const SIGN_TIE_TOLERANCE = 1e-9;

/** The standardised value of column j (z = (v − mean)/std, 0 for a constant column). */
function standardised(value: number, mean: number, std: number): number {
  return std === 0 ? 0 : (value - mean) / std;
}

/**
 * The most multiply-adds a PCA fit may take: n·d² for the covariance of n training rows of d
 * features plus d³ for its decomposition. The fit runs in one synchronous pass before the
 * first (paced) training step, so it must stay within a few seconds of a worker's event loop
 * (its lock is renewed from there): 2·10⁹ is about 2–4 s here.
 */
export const MAX_PCA_MULTIPLY_ADDS = 2e9;

/** Multiply-adds of a PCA fit on `rows` × `features` (covariance, then decomposition). */
export function pcaMultiplyAdds(rows: number, features: number): number {
  return rows * features * features + features ** 3;
}

/** Refuses a PCA fit over {@link MAX_PCA_MULTIPLY_ADDS}, naming `spec.model.reduce`. */
export function checkPcaSize(rows: number, features: number): void {
  const work = pcaMultiplyAdds(rows, features);
  if (work > MAX_PCA_MULTIPLY_ADDS) {
    throw new QplaneError(
      "QPLANE_ERR_SPEC_INVALID",
      `spec.model.reduce: "pca" of ${rows} training rows × ${features} features needs ${work.toPrecision(3)} multiply-adds (n·d² + d³), more than the ${MAX_PCA_MULTIPLY_ADDS.toPrecision(2)} allowed before training starts; use fewer features or samples`,
    );
  }
}

/**
 * Fits PCA with `components` axes on the training rows. The axes are the leading right
 * singular vectors of the standardised n × d matrix Z; they are computed as the singular
 * vectors of the symmetric d × d matrix ZᵀZ/n (the same vectors, with singular values equal
 * to the variances), which has d of them even when n < d. Each axis is signed so that its
 * largest-|loading| entry is positive (the first such entry on ties within 1e-9 relative):
 * SVD signs are arbitrary, and runs must be reproducible.
 */
export function fitPca(train: Dataset, components: number): PcaReduction {
  const d = train.featureNames.length;
  const n = train.samples;
  if (!Number.isInteger(components) || components < 1 || components > d) {
    throw new QplaneError(
      "QPLANE_ERR_SPEC_INVALID",
      `spec.model.components: ${components} components, but the dataset has ${d} features`,
    );
  }
  if (n < 1) {
    throw new QplaneError(
      "QPLANE_ERR_DATASET",
      `dataset "${train.name}": cannot fit PCA on 0 training samples`,
    );
  }
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (let row = 0; row < n; row++) {
    for (let j = 0; j < d; j++) mean[j]! += train.features[row * d + j]! / n;
  }
  for (let row = 0; row < n; row++) {
    for (let j = 0; j < d; j++) std[j]! += (train.features[row * d + j]! - mean[j]!) ** 2 / n;
  }
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j]!);

  // covariance of the standardised rows, C = ZᵀZ/n (d × d, symmetric)
  const z = new Float64Array(d);
  const sums = new Float64Array(d * d); // upper triangle of Σ z zᵀ
  for (let row = 0; row < n; row++) {
    for (let j = 0; j < d; j++) {
      z[j] = standardised(train.features[row * d + j]!, mean[j]!, std[j]!);
    }
    for (let i = 0; i < d; i++) {
      const zi = z[i]!;
      if (zi === 0) continue;
      for (let j = i; j < d; j++) sums[i * d + j]! += zi * z[j]!;
    }
  }
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      sums[i * d + j]! /= n;
      sums[j * d + i] = sums[i * d + j]!;
    }
  }
  const covariance = Matrix.from1DArray(d, d, sums);
  const svd = new SingularValueDecomposition(covariance, {
    computeLeftSingularVectors: false,
    computeRightSingularVectors: true,
    autoTranspose: false,
  });
  const singular = svd.diagonal; // descending
  const v = svd.rightSingularVectors;
  const axes = new Float64Array(components * d);
  const explainedVariance = new Float64Array(components);
  for (let k = 0; k < components; k++) {
    let largest = 0;
    for (let j = 0; j < d; j++) largest = Math.max(largest, Math.abs(v.get(j, k)));
    // ties within rounding (e.g. (1, −1)/√2) go to the first entry, so signs are stable
    let pivot = 0;
    while (Math.abs(v.get(pivot, k)) < largest * (1 - SIGN_TIE_TOLERANCE)) pivot++;
    const sign = v.get(pivot, k) < 0 ? -1 : 1;
    for (let j = 0; j < d; j++) axes[k * d + j] = sign * v.get(j, k);
    explainedVariance[k] = singular[k]!;
  }
  return {
    kind: "pca",
    featureCount: d,
    components,
    mean,
    std,
    axes,
    explainedVariance,
    transform: (features) => {
      if (features.length % d !== 0) {
        throw new RangeError(
          `PCA fitted on ${d} features cannot transform an array of length ${features.length}`,
        );
      }
      const rows = features.length / d;
      const out = new Float64Array(rows * components);
      for (let row = 0; row < rows; row++) {
        for (let j = 0; j < d; j++) {
          z[j] = standardised(features[row * d + j]!, mean[j]!, std[j]!);
        }
        for (let k = 0; k < components; k++) {
          let sum = 0;
          for (let j = 0; j < d; j++) sum += z[j]! * axes[k * d + j]!;
          out[row * components + k] = sum;
        }
      }
      return out;
    },
  };
}

/** The dataset with its features replaced by their principal components `pc1..pck`. */
export function reduceDataset(dataset: Dataset, pca: PcaReduction): Dataset {
  return {
    ...dataset,
    featureNames: Array.from({ length: pca.components }, (_, k) => `pc${k + 1}`),
    features: pca.transform(dataset.features),
  };
}
