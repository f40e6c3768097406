/**
 * The seam between the training loop and a model (the VQC, or a classical baseline: MLP, linear):
 * a flat weight vector, a mini-batch loss with its gradient, and an evaluation that also
 * measures the model's representation T on the information plane.
 */
import type { Provider } from "../../providers/types.js";
import type { Circuit } from "../circuits/ir.js";
import type { Task } from "../data/types.js";
import type { Rng } from "../random/rng.js";
import type { EstimatorName } from "./records.js";

/** Floor inside the log of the cross-entropy, so a zero probability costs a finite loss. */
export const PROBABILITY_FLOOR = 1e-10;

/** One split, ready for a model: features scaled, labels or standardised targets. */
export interface PreparedSplit {
  readonly samples: number;
  /** Scaled features, row-major samples × featureCount. */
  readonly features: Float64Array;
  /** Classification: class per sample. */
  readonly labels?: Int32Array;
  /** Regression: standardised target per sample (what the model fits). */
  readonly targets?: Float64Array;
  /** Regression: target in original units (for reported MSE and R²). */
  readonly rawTargets?: Float64Array;
  /**
   * Y for I(T;Y): the labels, or the regression target in equal-frequency bins whose edges
   * are fitted on the training split.
   */
  readonly infoLabels: Int32Array;
}

export interface PreparedData {
  readonly task: Task;
  readonly featureCount: number;
  /** Classes (classification) or target bins (regression) of infoLabels. */
  readonly classes: number;
  readonly infoClasses: number;
  readonly train: PreparedSplit;
  readonly test: PreparedSplit;
  /** Present when `dataset.validationFraction` > 0; evaluated every epoch. */
  readonly validation?: PreparedSplit;
  /** Regression: target = mean + std · standardised. */
  readonly targetScale?: { readonly mean: number; readonly std: number };
}

export interface InformationMeasurement {
  readonly ixt: number;
  readonly ity: number;
  readonly ht: number;
  readonly hy: number;
  readonly estimator: EstimatorName;
  /** Shots per sample behind the estimate (0 = exact). */
  readonly shots: number;
}

export interface Evaluation {
  /** Mean error loss L_err (cross-entropy or MSE on standardised targets). */
  readonly loss: number;
  readonly accuracy?: number;
  /** MSE and R² in the target's original units. */
  readonly mse?: number;
  readonly r2?: number;
  readonly information?: InformationMeasurement;
  readonly circuitEvaluations: number;
}

export interface EvaluateOptions {
  /** Also measure I(X;T), I(T;Y) of the representation. */
  readonly information: boolean;
  readonly rng: Rng;
  /** Cancels in-flight backend runs (hardware jobs) when the training run is cancelled. */
  readonly signal?: AbortSignal;
}

/** One split of a batched evaluation (`TrainableModel.evaluateSplits`). */
export interface SplitRequest {
  readonly split: PreparedSplit;
  /** Samples to evaluate (all if null or absent). */
  readonly indices?: Int32Array | null;
  /** Also measure I(X;T), I(T;Y) on this split. */
  readonly information: boolean;
}

/** What a model's provider runs have spent so far (cumulative; the loop takes differences). */
export interface ProviderUsage {
  submissions: number;
  shots: number;
  costUsd: number;
}

/** The circuits and settings behind a model's provider runs, for planning a run without running it. */
export interface ProviderRunShape {
  readonly provider: Provider;
  /** The model circuit (evaluation, SPSA). */
  readonly circuit: Circuit;
  /** The circuit behind I(X;T), I(T;Y) (the model circuit, or it measuring every qubit). */
  readonly representationCircuit: Circuit;
  readonly shots: number;
  readonly informationShots: number;
  readonly gradient: "adjoint" | "parameter-shift" | "spsa";
}

export interface TrainableModel {
  readonly kind: "vqc" | "mlp" | "linear";
  /** Submissions, shots and estimated cost of this model's provider runs (none: no provider). */
  readonly usage?: Readonly<ProviderUsage>;
  /** How this model uses a provider (none: it never does). */
  readonly runShape?: ProviderRunShape;
  readonly weightCount: number;
  /** |R|: bits of the representation register (the cap on I(X;T)); for normalising L_comp. */
  readonly representationBits: number;
  initialWeights(rng: Rng): Float64Array;
  /**
   * Mean L_err over the batch, plus the model's weight penalty if any (the classical models'
   * `model.l2`); writes the gradient of that into `gradient`. `step` counts optimisation
   * steps from 0 (for step-dependent schedules such as SPSA's perturbation size).
   */
  lossAndGradient(
    weights: Float64Array,
    split: PreparedSplit,
    batch: Int32Array,
    gradient: Float64Array,
    rng: Rng,
    step: number,
    signal?: AbortSignal,
  ): Promise<{ readonly loss: number; readonly circuitEvaluations: number }>;
  /** Loss, metrics and (optionally) the information plane on `indices` of a split (all if null). */
  evaluate(
    weights: Float64Array,
    split: PreparedSplit,
    indices: Int32Array | null,
    options: EvaluateOptions,
  ): Promise<Evaluation>;
  /**
   * `evaluate` on several splits at once, in order: what each gets equals what `evaluate` on it
   * alone would give, but a provider-backed model submits the splits' model runs as one call
   * (an epoch's train/test/validation evaluations share circuit and weights, and hardware
   * plans limit job creations per minute).
   */
  evaluateSplits(
    weights: Float64Array,
    requests: readonly SplitRequest[],
    options: Omit<EvaluateOptions, "information">,
  ): Promise<Evaluation[]>;
  /** Holevo quantity of the readout register over a split (exact simulator only). */
  holevo?(weights: Float64Array, split: PreparedSplit, signal?: AbortSignal): Promise<number>;
}

/**
 * `evaluateSplits` for a model that submits nothing (the classical baselines, test fakes):
 * `evaluate` per split, in order, so the RNG is consumed as by separate calls.
 */
export async function evaluateEachSplit(
  model: Pick<TrainableModel, "evaluate">,
  weights: Float64Array,
  requests: readonly SplitRequest[],
  options: Omit<EvaluateOptions, "information">,
): Promise<Evaluation[]> {
  const evaluations: Evaluation[] = [];
  for (const { split, indices, information } of requests) {
    evaluations.push(
      await model.evaluate(weights, split, indices ?? null, { ...options, information }),
    );
  }
  return evaluations;
}

/** Classification accuracy and regression metrics shared by all models. */
export function regressionMetrics(
  predictions: Float64Array,
  targets: Float64Array,
): { mse: number; r2: number } {
  let mean = 0;
  for (const y of targets) mean += y / targets.length;
  let squaredError = 0;
  let variance = 0;
  for (let i = 0; i < targets.length; i++) {
    squaredError += (predictions[i]! - targets[i]!) ** 2;
    variance += (targets[i]! - mean) ** 2;
  }
  return {
    mse: squaredError / targets.length,
    r2: variance === 0 ? 0 : 1 - squaredError / variance,
  };
}
