/**
 * Compression-gnostic feedback (DESIGN.md §1, arXiv:2411.02313). I(X;T) is measured (not
 * differentiated) on a fixed probe subset of the training data, and its distance to a
 * target level I* steers training:
 *   L_comp = |I(X;T) − I*|   (divided by |R| bits when normalised)
 *   "loss": L = L_err · (1 + α·L_comp), L_comp held constant in the gradient
 *   "lr":   η_t = η₀ · (1 + α·L_comp(t)), L_err unchanged
 * For plain gradient descent both give the same trajectory; for Adam they do not.
 */
import type { FeedbackSpec } from "./spec.js";

/** Which I* the feedback aims at, resolved to bits at measurement time. */
export function resolveTarget(
  target: FeedbackSpec["target"],
  labelEntropyBits: number,
  currentRelevanceBits: number,
): number {
  if (target === "label-entropy") return labelEntropyBits;
  if (target === "relevance") return currentRelevanceBits;
  return target;
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
