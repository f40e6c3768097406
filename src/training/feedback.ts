/**
 * Compression-gnostic feedback (docs/science.md §Feedback, arXiv:2411.02313). I(X;T) is
 * measured (not differentiated) on a fixed probe subset of the training data, and its distance
 * to a target level I* steers training:
 *   L_comp = |I(X;T) − I*|   (divided by |R| bits when normalised)
 *   "loss": L = L_err · (1 + α·L_comp), L_comp held constant in the gradient
 *   "lr":   η_t = η₀ · (1 + α·L_comp(t)), L_err unchanged
 * For plain gradient descent both give the same trajectory; for Adam they do not.
 */
import { QplaneError } from "../errors/catalogue.js";
import type { FeedbackSpec } from "./spec.js";

/** Which I* the feedback aims at, resolved to bits at measurement time. */
export function resolveTarget(
  target: FeedbackSpec["target"],
  labelEntropyBits: number,
  currentRelevanceBits: number,
): number {
  if (target === "label-entropy") return labelEntropyBits;
  if (target === "relevance") return currentRelevanceBits;
  // parseJobSpec refuses "baseline" (experiments resolve it to bits before a run)
  if (target === "baseline") throw new RangeError(`resolveTarget: unresolved target "baseline"`);
  return target;
}

/** A target may exceed |R| by this much (rounding of the entropy sum) and still count as reachable. */
const TARGET_TOLERANCE_BITS = 1e-9;

/**
 * Refuses, with feedback on, a target I(X;T) ≤ |R| can never reach (so L_comp never falls and
 * the feedback is a constant factor): a number of bits above the representation's |R| bits
 * (also a "baseline" target, resolved to the baseline run's I(X;T) before the run), or
 * `"label-entropy"` when H(Y) of the training labels exceeds |R| (`labelEntropyBits` null: not
 * known yet, that check is left to whoever knows it). `allowUnreachableTarget` accepts either.
 */
export function checkTargetReachable(
  feedback: FeedbackSpec,
  labelEntropyBits: number | null,
  representationBits: number,
): void {
  if (feedback.mode === "off" || feedback.allowUnreachableTarget === true) return;
  const register = representationBits.toFixed(3);
  const remedy = `choose a number of bits ≤ ${register}, a larger register (infoPlane.register "all", more readout qubits, or fewer infoPlane.bins for a regression target), or set feedback.allowUnreachableTarget to true`;
  if (typeof feedback.target === "number") {
    if (feedback.target <= representationBits + TARGET_TOLERANCE_BITS) return;
    throw new QplaneError(
      "QPLANE_ERR_SPEC_INVALID",
      `spec.feedback.target: ${feedback.target} bits is unreachable: the representation register carries at most ${register} bits (I(X;T) ≤ |R|), so L_comp could never fall; ${remedy}`,
    );
  }
  if (feedback.target !== "label-entropy" || labelEntropyBits === null) return;
  if (labelEntropyBits <= representationBits + TARGET_TOLERANCE_BITS) return;
  throw new QplaneError(
    "QPLANE_ERR_SPEC_INVALID",
    `spec.feedback.target: "label-entropy" is unreachable: H(Y) of the training labels is ${labelEntropyBits.toFixed(3)} bits, but the representation register carries at most ${register} bits (I(X;T) ≤ |R|), so L_comp could never fall; ${remedy}`,
  );
}

/** L_comp = |I(X;T) − I*|, optionally per bit of the representation register. */
export function compressionPenalty(
  ixtBits: number,
  targetBits: number,
  registerBits: number,
  normalize: boolean,
): number {
  const distance = Math.abs(ixtBits - targetBits);
  return normalize ? distance / registerBits : distance;
}

/** How one optimisation step is scaled: the loss-gradient factor and the learning rate. */
export interface StepScaling {
  readonly gradientScale: number;
  readonly learningRate: number;
}

export function stepScaling(
  mode: FeedbackSpec["mode"],
  alpha: number,
  penalty: number,
  baseLearningRate: number,
): StepScaling {
  const factor = 1 + alpha * penalty;
  if (mode === "loss") return { gradientScale: factor, learningRate: baseLearningRate };
  if (mode === "lr") return { gradientScale: 1, learningRate: baseLearningRate * factor };
  return { gradientScale: 1, learningRate: baseLearningRate };
}

/** The steering figures of a run's summary; the reachability ones only with feedback on. */
export interface FeedbackReach {
  /**
   * min measured L_comp ÷ the first measured L_comp: how far the run got towards its target
   * (null when the first was 0 or nothing was measured).
   */
  readonly feedbackReachability: number | null;
  /** False when L_comp never fell below half its first value (absent when nothing was measured). */
  readonly feedbackReachable?: boolean;
}

/** Below this share of its first value, L_comp counts as having moved towards the target. */
export const REACHABLE_FRACTION = 0.5;

/**
 * Reachability from the first and the smallest measured L_comp (null: none measured). A
 * first L_comp of 0 means the target was met from the start: reachable, no ratio.
 */
export function feedbackReach(
  firstPenalty: number | null,
  minPenalty: number | null,
): FeedbackReach {
  if (firstPenalty === null || minPenalty === null) return { feedbackReachability: null };
  if (firstPenalty === 0) return { feedbackReachability: null, feedbackReachable: true };
  const reachability = minPenalty / firstPenalty;
  return {
    feedbackReachability: reachability,
    feedbackReachable: reachability < REACHABLE_FRACTION,
  };
}
