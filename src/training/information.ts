/**
 * Adapts backend results to the information-plane estimators: exact Born probabilities go
 * to the exact formulas; shot counts to the plug-in or Miller–Madow estimator (Miller–Madow
 * by default with shots). The record says which one, and with how many shots.
 */

import type { ExecutionResult } from "../../providers/types.js";
import { entropyBits } from "../infoplane/entropy.js";
import { informationPlane, informationPlaneFromCounts } from "../infoplane/mutual-information.js";
import type { InformationMeasurement } from "./model.js";

export function measureInformation(
  representation: ExecutionResult,
  labels: Int32Array,
  classes: number,
  estimator: "plugin" | "miller-madow" | undefined,
): InformationMeasurement {
  if (representation.kind === "probabilities") {
    const point = informationPlane(representation.values, representation.outcomeCount, labels, {
      classes,
    });
    return { ...point, estimator: "exact", shots: 0 };
  }
  const chosen = estimator ?? "miller-madow";
  const point = informationPlaneFromCounts(
    representation.values,
    representation.outcomeCount,
    labels,
    {
      classes,
      estimator: chosen,
    },
  );
  return {
    ixt: point.ixt,
    ity: point.ity,
    ht: point.ht,
    hy: point.hy,
    estimator: chosen,
    shots: representation.shots,
  };
}

/** Share of log2 N (the most I(X;T) can be over N samples, p(x) = 1/N) from which it saturates. */
export const SATURATION_FRACTION = 0.9;

/**
 * Whether I(X;T) over N samples is saturated: ≥ SATURATION_FRACTION·log2 N, so T nearly
 * identifies each sample (e.g. a finely binned hidden layer) and the estimate says more about
 * N than about the representation.
 */
export function isSaturated(ixtBits: number, samples: number): boolean {
  return ixtBits >= SATURATION_FRACTION * Math.log2(samples);
}

/** H(Y) in bits of integer labels 0..classes−1. */
export function labelEntropyBits(labels: Int32Array, classes: number): number {
  const frequencies = new Float64Array(classes);
  for (const label of labels) frequencies[label]! += 1 / labels.length;
  return entropyBits(frequencies);
}
