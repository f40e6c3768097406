/** Hand-made prepared data and a finite-difference gradient check for the classical models. */
import { expect } from "vitest";
import { createRng, type Rng } from "../../src/random/rng.js";
import type { PreparedData, PreparedSplit, TrainableModel } from "../../src/training/model.js";

/** One split used as both train and test. */
export function dataOf(
  split: PreparedSplit,
  featureCount: number,
  classes: number,
  infoClasses: number,
  regression?: { mean: number; std: number },
): PreparedData {
  return {
    task: regression ? "regression" : "classification",
    featureCount,
    classes,
    infoClasses,
    train: split,
    test: split,
    ...(regression ? { targetScale: regression } : {}),
  };
}

export function uniform(rng: Rng, n: number, scale: number): Float64Array {
  return Float64Array.from({ length: n }, () => (2 * rng.nextFloat() - 1) * scale);
}

/** Random classification data: features in [−1.5, 1.5], uniform labels. */
export function randomClassification(rng: Rng, samples: number, features: number, classes: number) {
  const labels = Int32Array.from({ length: samples }, () => Math.floor(rng.nextFloat() * classes));
  const split: PreparedSplit = {
    samples,
    features: uniform(rng, samples * features, 1.5),
    labels,
    infoLabels: labels,
  };
  return dataOf(split, features, classes, classes);
}

/** Random regression data: standardised targets, raw = 3 + 2·standardised, 4 info bins. */
export function randomRegression(rng: Rng, samples: number, features: number) {
  const targets = uniform(rng, samples, 1.5);
  const split: PreparedSplit = {
    samples,
    features: uniform(rng, samples * features, 1.5),
    targets,
    rawTargets: Float64Array.from(targets, (t) => 3 + 2 * t),
    infoLabels: Int32Array.from(targets, (t) => Math.min(3, Math.floor(((t + 1.5) / 3) * 4))),
  };
  return dataOf(split, features, 4, 4, { mean: 3, std: 2 });
}

export async function lossAt(
  model: TrainableModel,
  weights: Float64Array,
  split: PreparedSplit,
  batch: Int32Array,
): Promise<number> {
  const scratch = new Float64Array(model.weightCount);
  return (await model.lossAndGradient(weights, split, batch, scratch, createRng(0), 0)).loss;
}

/** Largest violation of |g − fd| ≤ 1e-6·max(1, |g|) over every weight (≤ 0 means all pass). */
export async function gradientCheck(
  model: TrainableModel,
  weights: Float64Array,
  split: PreparedSplit,
  batch: Int32Array,
): Promise<number> {
  const gradient = new Float64Array(model.weightCount);
  const result = await model.lossAndGradient(weights, split, batch, gradient, createRng(0), 0);
  expect(result.circuitEvaluations).toBe(0);
  const h = 1e-6;
  let worst = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < weights.length; k++) {
    const plus = Float64Array.from(weights);
    const minus = Float64Array.from(weights);
    plus[k]! += h;
    minus[k]! -= h;
    const fd =
      ((await lossAt(model, plus, split, batch)) - (await lossAt(model, minus, split, batch))) /
      (2 * h);
    const g = gradient[k]!;
    worst = Math.max(worst, Math.abs(g - fd) - 1e-6 * Math.max(1, Math.abs(g)));
  }
  return worst;
}

export function randomBatch(rng: Rng, samples: number, size: number): Int32Array {
  return Int32Array.from({ length: size }, () => Math.floor(rng.nextFloat() * samples));
}
