/**
 * `friedman1`: Friedman's (1991, MARS paper) first regression benchmark, as scikit-learn's
 * make_friedman1: x uniform in [0, 1)^featureCount, and only the first five columns matter:
 *   y = 10·sin(π·x1·x2) + 20·(x3 − 0.5)² + 10·x4 + 5·x5 + noise·N(0, 1).
 * Stream (createRng(seed)): the n·featureCount uniforms row by row, then one Gaussian per row
 * (drawn even at noise 0, so the noise level does not move the points).
 */
import { QplaneError } from "../errors/catalogue.js";
import { createRng } from "../random/rng.js";
import { createGaussian } from "../random/sampling.js";
import { checkSyntheticOptions, type SyntheticOptions } from "./synthetic.js";
import type { Dataset } from "./types.js";

export const FRIEDMAN1_DEFAULT_FEATURE_COUNT = 10;
/** The formula reads x1..x5. */
export const FRIEDMAN1_MIN_FEATURE_COUNT = 5;

export interface Friedman1Options extends SyntheticOptions {
  readonly featureCount: number;
}

/** The noise-free target of a row whose first five values are x1..x5. */
export function friedman1Target(x: ArrayLike<number>, offset = 0): number {
  const x1 = x[offset]!;
  const x2 = x[offset + 1]!;
  const x3 = x[offset + 2]!;
  const x4 = x[offset + 3]!;
  const x5 = x[offset + 4]!;
  return 10 * Math.sin(Math.PI * x1 * x2) + 20 * (x3 - 0.5) ** 2 + 10 * x4 + 5 * x5;
}

/** Message for a `featureCount` too small for the formula, or null (shared with the spec check). */
export function friedman1FeatureCountProblem(featureCount: number): string | null {
  return featureCount < FRIEDMAN1_MIN_FEATURE_COUNT
    ? `friedman1 needs at least ${FRIEDMAN1_MIN_FEATURE_COUNT} features (its target reads x1..x5)`
    : null;
}

export function generateFriedman1(options: Friedman1Options): Dataset {
  checkSyntheticOptions("friedman1", options, 1);
  const { samples: n, featureCount: d, noise } = options;
  const problem = friedman1FeatureCountProblem(d);
  if (problem) throw new QplaneError("QPLANE_ERR_DATASET", `dataset.featureCount ${d}: ${problem}`);
  const rng = createRng(options.seed);
  const features = new Float64Array(n * d);
  for (let i = 0; i < features.length; i++) features[i] = rng.nextFloat();
  const gaussian = createGaussian(rng);
  const targets = new Float64Array(n);
  for (let row = 0; row < n; row++) {
    const z = gaussian();
    const clean = friedman1Target(features, row * d);
    targets[row] = noise === 0 ? clean : clean + noise * z;
  }
  return {
    name: "friedman1",
    task: "regression",
    featureNames: Array.from({ length: d }, (_, c) => `x${c + 1}`),
    samples: n,
    features,
    targets,
    droppedRows: 0,
  };
}
