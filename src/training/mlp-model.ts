/**
 * The classical baselines of docs/science.md §Baselines, trained on the same prepared data as
 * the VQC: a small fully connected tanh network (`model.kind: "mlp"`) and, as the same network
 * with no hidden layer, softmax regression / linear least squares (`model.kind: "linear"`).
 *
 * Architecture: featureCount inputs → tanh hidden layers of widths `spec.model.hidden` (none
 * for `linear`) → an output layer: C logits with a softmax (classification, C = data.classes,
 * also for C = 2) or one linear unit (regression, predicting the standardised target).
 *
 * Loss, as the VQC's: classification = cross-entropy −ln max(p(y|x), PROBABILITY_FLOOR), mean
 * over the batch (where the floor is active the loss is constant and its gradient is 0);
 * regression = squared error on the standardised target, mean over the batch, with MSE and R²
 * reported in the target's original units. With `model.l2` = λ > 0 the training loss adds
 * (λ/2)·Σ W² over every weight matrix (not the biases), so its gradient adds λ·W (ridge
 * regression for `linear` on a regression task); evaluation losses are L_err alone.
 *
 * Flat weight vector: the layers in order (hidden 1, …, hidden L, output); per layer with
 * n_in inputs and n_out units, first W (n_out × n_in, row-major: W[j·n_in + i] is the weight
 * from input i to unit j), then b (n_out). So layer ℓ occupies n_out·(n_in + 1) entries.
 * Initialisation: Glorot/Xavier uniform, W ~ U(−√(6/(n_in+n_out)), +√(6/(n_in+n_out))) drawn
 * layer by layer in layout order from the given rng, biases 0 (`training.initScale` is the
 * VQC's angle range and is not used here).
 *
 * Information plane, `model.representation: "hidden"` (MLP only; Shwartz-Ziv & Tishby 2017):
 * every unit of the last hidden layer is binned
 * into B = `spec.model.bins` equal-width bins over the FIXED tanh range [−1, 1] (bin k covers
 * [−1 + 2k/B, −1 + 2(k+1)/B), the last bin also holding +1), not over the range observed in
 * the evaluation set, so the bin edges do not move between epochs and values from different
 * epochs are comparable. T is the vector of bin indices; it is a deterministic function of x,
 * so I(X;T) = H(T) and I(T;Y) = H(T) − H(T|Y) over the evaluated samples (p(x) = 1/N),
 * computed by `binnedLayerInformation` (src/infoplane) with its "tanh" range. The
 * cap |R| = units·log2 B bits is the entropy of a uniform distribution over every possible
 * binned vector.
 *
 * `model.representation: "output"`: for classification T is the class sampled from the
 * softmax output, p(t|x) = softmax(logits(x))_t over the C classes, handed with these exact
 * probabilities to the estimator the VQC uses for Born probabilities (`measureInformation`),
 * so I(X;T) = H(T) − H(T|X) ≤ log2 C = |R|. For regression T is the standardised prediction in
 * `model.bins` equal-width bins over the fixed range [−3, 3] (beyond it: the end bins), a
 * deterministic T measured like the hidden layer, |R| = log2 B.
 *
 * Steps and evaluations are paced like the simulator (src/pacing/pacing.ts): samples go
 * through the network in passes of at most one pacing chunk of work, and the event loop gets
 * a turn (cancel, time limit, lock renewal) between passes. Each weight's gradient adds its
 * per-sample terms in sample order whatever the pass size, so the numbers do not depend on it.
 */

import { QplaneError } from "../errors/catalogue.js";
import { present } from "../errors/checked.js";
import { type BinRange, binnedLayerInformation } from "../infoplane/index.js";
import { CHUNK_AMPLITUDE_OPERATIONS, type Paced, runPaced, WorkMeter } from "../pacing/pacing.js";
import type { Rng } from "../random/rng.js";
import { MLP_OPERATIONS_PER_MULTIPLY_ADD } from "./cost.js";
import { measureInformation } from "./information.js";
import {
  hiddenWidthsOf,
  type MlpLayerLayout,
  mlpLayout,
  mlpRepresentationBits,
} from "./mlp-layout.js";
import {
  type EvaluateOptions,
  type Evaluation,
  evaluateEachSplit,
  PROBABILITY_FLOOR,
  type PreparedData,
  type PreparedSplit,
  regressionMetrics,
  type SplitRequest,
  type TrainableModel,
} from "./model.js";
import { isVqcKind, type JobSpec } from "./spec.js";

/** Most samples pushed through the network at once (fewer for a wide network, see rowsPerPass). */
const CHUNK = 256;
/** Multiply-adds per weight and sample of a training step: forward 1, backward 2. */
const STEP_MULTIPLY_ADDS_PER_WEIGHT = 3;
/**
 * Fixed bin range of the standardised regression prediction when T = the output: ±3 standard
 * deviations of the training target, fixed so that epochs are comparable.
 */
export const OUTPUT_BIN_RANGE: BinRange = { min: -3, max: 3 };

/** What shapes a classical model besides its data. */
interface MlpConfig {
  readonly kind: "mlp" | "linear";
  readonly hidden: readonly number[];
  readonly bins: number;
  readonly representation: "output" | "hidden";
  /** λ of the (λ/2)·Σ W² penalty on the weight matrices. */
  readonly l2: number;
}

class MlpModel implements TrainableModel {
  readonly kind: "mlp" | "linear";
  readonly weightCount: number;
  readonly representationBits: number;
  readonly layers: readonly MlpLayerLayout[];
  private readonly classification: boolean;
  private readonly outputs: number;
  private readonly bins: number;
  private readonly representation: "output" | "hidden";
  private readonly l2: number;
  /** activations[0] = gathered inputs, activations[ℓ] = tanh output of hidden layer ℓ. */
  private readonly activations: Float64Array[];
  /** Output layer pre-activations (logits, or the regression prediction). */
  private readonly output: Float64Array;
  /** deltas[ℓ] = ∂(batch loss)/∂(pre-activation) of layer ℓ (0-based over `layers`). */
  private readonly deltas: Float64Array[];
  /** Samples per pass: CHUNK, or fewer so that a step's pass stays within a pacing chunk. */
  private readonly rowsPerPass: number;
  /** Work (amplitude-operation equivalents) of one sample's forward pass. */
  private readonly forwardOperations: number;

  constructor(
    private readonly data: PreparedData,
    config: MlpConfig,
    private readonly chunkOperations: number,
  ) {
    const { hidden, bins } = config;
    this.kind = config.kind;
    this.classification = data.task === "classification";
    this.outputs = this.classification ? data.classes : 1;
    this.layers = mlpLayout(data.featureCount, hidden, this.outputs);
    const last = present(this.layers.at(-1), "the MLP's output layer");
    this.weightCount = last.biasOffset + last.units;
    this.bins = bins;
    this.representation = config.representation;
    this.l2 = config.l2;
    this.representationBits = mlpRepresentationBits(config, data);
    this.forwardOperations = this.weightCount * MLP_OPERATIONS_PER_MULTIPLY_ADD;
    const stepOperations = STEP_MULTIPLY_ADDS_PER_WEIGHT * this.forwardOperations;
    this.rowsPerPass = Math.max(1, Math.min(CHUNK, Math.floor(chunkOperations / stepOperations)));
    const rows = this.rowsPerPass;
    this.activations = [data.featureCount, ...hidden].map(
      (width) => new Float64Array(rows * width),
    );
    this.output = new Float64Array(rows * this.outputs);
    this.deltas = this.layers.map((layer) => new Float64Array(rows * layer.units));
  }

  initialWeights(rng: Rng): Float64Array {
    const weights = new Float64Array(this.weightCount);
    for (const layer of this.layers) {
      const limit = Math.sqrt(6 / (layer.inputs + layer.units));
      for (let k = 0; k < layer.units * layer.inputs; k++) {
        weights[layer.weightOffset + k] = (2 * rng.nextFloat() - 1) * limit;
      }
    }
    return weights;
  }

  /**
   * Forward pass of samples indices[start..start+n) (n ≤ rowsPerPass) into the work buffers.
   */
  private forward(
    weights: Float64Array,
    split: PreparedSplit,
    indices: ArrayLike<number>,
    start: number,
    n: number,
  ): void {
    const features = this.data.featureCount;
    const input = this.activations[0]!;
    for (let r = 0; r < n; r++) {
      const sample = indices[start + r]!;
      for (let j = 0; j < features; j++)
        input[r * features + j] = split.features[sample * features + j]!;
    }
    const hiddenLayers = this.layers.length - 1;
    for (let l = 0; l < this.layers.length; l++) {
      const { inputs, units, weightOffset, biasOffset } = this.layers[l]!;
      const source = this.activations[l]!;
      const target = l < hiddenLayers ? this.activations[l + 1]! : this.output;
      for (let r = 0; r < n; r++) {
        const a = r * inputs;
        for (let j = 0; j < units; j++) {
          let z = weights[biasOffset + j]!;
          const w = weightOffset + j * inputs;
          for (let i = 0; i < inputs; i++) z += weights[w + i]! * source[a + i]!;
          target[r * units + j] = l < hiddenLayers ? Math.tanh(z) : z;
        }
      }
    }
  }

  /**
   * Loss of row r of the last forward pass (sample `sample`); when `scale` > 0 also writes
   * scale·∂loss/∂output into the output delta buffer.
   */
  private rowLoss(split: PreparedSplit, sample: number, r: number, scale: number): number {
    const outputs = this.outputs;
    const o = r * outputs;
    const delta = this.deltas[this.deltas.length - 1]!;
    if (!this.classification) {
      const residual = this.output[o]! - split.targets![sample]!;
      if (scale > 0) delta[o] = 2 * residual * scale;
      return residual * residual;
    }
    const label = split.labels![sample]!;
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < outputs; c++) max = Math.max(max, this.output[o + c]!);
    let sum = 0;
    for (let c = 0; c < outputs; c++) sum += Math.exp(this.output[o + c]! - max);
    const py = Math.exp(this.output[o + label]! - max) / sum;
    if (scale > 0) {
      const active = py > PROBABILITY_FLOOR;
      for (let c = 0; c < outputs; c++) {
        const p = Math.exp(this.output[o + c]! - max) / sum;
        delta[o + c] = active ? scale * (p - (c === label ? 1 : 0)) : 0;
      }
    }
    return -Math.log(Math.max(py, PROBABILITY_FLOOR));
  }

  /** Backward pass of the last forward pass (n rows), adding ∂loss/∂w into `gradient`. */
  private backward(weights: Float64Array, n: number, gradient: Float64Array): void {
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const { inputs, units, weightOffset, biasOffset } = this.layers[l]!;
      const delta = this.deltas[l]!;
      const source = this.activations[l]!;
      for (let r = 0; r < n; r++) {
        const a = r * inputs;
        for (let j = 0; j < units; j++) {
          const d = delta[r * units + j]!;
          if (d === 0) continue;
          gradient[biasOffset + j]! += d;
          const w = weightOffset + j * inputs;
          for (let i = 0; i < inputs; i++) gradient[w + i]! += d * source[a + i]!;
        }
      }
      if (l === 0) break;
      // δ_{ℓ−1} = (Wᵀ δ_ℓ) ⊙ (1 − a²), a = tanh output of layer ℓ−1 = this layer's input
      const previous = this.deltas[l - 1]!;
      for (let r = 0; r < n; r++) {
        const a = r * inputs;
        for (let i = 0; i < inputs; i++) {
          let sum = 0;
          for (let j = 0; j < units; j++) {
            sum += weights[weightOffset + j * inputs + i]! * delta[r * units + j]!;
          }
          const h = source[a + i]!;
          previous[a + i] = sum * (1 - h * h);
        }
      }
    }
  }

  lossAndGradient(
    weights: Float64Array,
    split: PreparedSplit,
    batch: Int32Array,
    gradient: Float64Array,
    _rng: Rng,
    _step: number,
    signal?: AbortSignal,
  ): Promise<{ loss: number; circuitEvaluations: number }> {
    return runPaced(this.pacedLossAndGradient(weights, split, batch, gradient), signal);
  }

  private *pacedLossAndGradient(
    weights: Float64Array,
    split: PreparedSplit,
    batch: Int32Array,
    gradient: Float64Array,
  ): Paced<{ loss: number; circuitEvaluations: number }> {
    gradient.fill(0);
    const scale = 1 / batch.length;
    const meter = new WorkMeter(this.chunkOperations);
    let loss = 0;
    for (let start = 0; start < batch.length; start += this.rowsPerPass) {
      const n = Math.min(this.rowsPerPass, batch.length - start);
      this.forward(weights, split, batch, start, n);
      for (let r = 0; r < n; r++) loss += this.rowLoss(split, batch[start + r]!, r, scale);
      this.backward(weights, n, gradient);
      if (meter.spend(n * STEP_MULTIPLY_ADDS_PER_WEIGHT * this.forwardOperations)) yield;
    }
    return {
      loss: loss / batch.length + this.addWeightPenalty(weights, gradient),
      circuitEvaluations: 0,
    };
  }

  /** Adds λ·W to the gradient of every weight matrix (not the biases); returns (λ/2)·Σ W². */
  private addWeightPenalty(weights: Float64Array, gradient: Float64Array): number {
    const l2 = this.l2;
    if (l2 === 0) return 0;
    let squares = 0;
    for (const { weightOffset, biasOffset } of this.layers) {
      for (let k = weightOffset; k < biasOffset; k++) {
        const w = weights[k]!;
        squares += w * w;
        gradient[k]! += l2 * w;
      }
    }
    return 0.5 * l2 * squares;
  }

  evaluate(
    weights: Float64Array,
    split: PreparedSplit,
    indices: Int32Array | null,
    options: EvaluateOptions,
  ): Promise<Evaluation> {
    return runPaced(this.pacedEvaluate(weights, split, indices, options), options.signal);
  }

  /** Split by split: a classical model submits nothing, so batching saves nothing. */
  evaluateSplits(
    weights: Float64Array,
    requests: readonly SplitRequest[],
    options: Omit<EvaluateOptions, "information">,
  ): Promise<Evaluation[]> {
    return evaluateEachSplit(this, weights, requests, options);
  }

  private *pacedEvaluate(
    weights: Float64Array,
    split: PreparedSplit,
    indices: Int32Array | null,
    options: EvaluateOptions,
  ): Paced<Evaluation> {
    const { data } = this;
    const samples = indices ?? Int32Array.from({ length: split.samples }, (_, i) => i);
    const count = samples.length;
    if (count === 0) throw new RangeError("evaluate needs at least one sample");
    const outputs = this.outputs;
    const predictions = new Float64Array(this.classification ? 0 : count);
    const onHidden = this.representation === "hidden";
    // T per evaluated sample: the last hidden layer's activations or the regression output
    // (binned below), or the class probabilities p(t|x)
    const source = onHidden
      ? present(this.activations.at(-1), "the last hidden layer's activations")
      : this.output;
    const units = onHidden ? present(this.layers.at(-1), "the MLP's output layer").inputs : outputs;
    const representation = options.information ? new Float64Array(count * units) : null;
    let loss = 0;
    let correct = 0;
    const meter = new WorkMeter(this.chunkOperations);
    for (let start = 0; start < count; start += this.rowsPerPass) {
      const n = Math.min(this.rowsPerPass, count - start);
      this.forward(weights, split, samples, start, n);
      for (let r = 0; r < n; r++) {
        const sample = samples[start + r]!;
        loss += this.rowLoss(split, sample, r, 0);
        const o = r * outputs;
        if (this.classification) {
          let best = 0;
          for (let c = 1; c < outputs; c++)
            if (this.output[o + c]! > this.output[o + best]!) best = c;
          if (best === split.labels![sample]) correct++;
        } else {
          predictions[start + r] = data.targetScale!.mean + data.targetScale!.std * this.output[o]!;
        }
      }
      if (representation) {
        representation.set(source.subarray(0, n * units), start * units);
        if (!onHidden && this.classification) {
          softmaxRowsInPlace(representation.subarray(start * units, (start + n) * units), units);
        }
      }
      if (meter.spend(n * this.forwardOperations)) yield;
    }
    const metrics: { accuracy?: number; mse?: number; r2?: number } = {};
    if (this.classification) {
      metrics.accuracy = correct / count;
    } else {
      const { mse, r2 } = regressionMetrics(
        predictions,
        Float64Array.from(samples, (s) => split.rawTargets![s]!),
      );
      metrics.mse = mse;
      metrics.r2 = r2;
    }
    let information: Evaluation["information"];
    if (representation) {
      const labels = Int32Array.from(samples, (s) => split.infoLabels[s]!);
      if (!onHidden && this.classification) {
        const result = { kind: "probabilities", rows: count, outcomeCount: outputs } as const;
        information = measureInformation(
          { ...result, values: representation },
          labels,
          data.infoClasses,
          undefined,
        );
      } else {
        const range = onHidden ? "tanh" : OUTPUT_BIN_RANGE;
        const point = binnedLayerInformation(
          representation,
          labels,
          data.infoClasses,
          this.bins,
          range,
        );
        information = { ...point, estimator: "exact", shots: 0 };
      }
    }
    return { loss: loss / count, ...metrics, information, circuitEvaluations: 0 };
  }
}

/** Replaces each row of `width` logits by its softmax (max-shifted, so no overflow). */
function softmaxRowsInPlace(rows: Float64Array, width: number): void {
  for (let o = 0; o < rows.length; o += width) {
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < width; c++) max = Math.max(max, rows[o + c]!);
    let sum = 0;
    for (let c = 0; c < width; c++) {
      const e = Math.exp(rows[o + c]! - max);
      rows[o + c] = e;
      sum += e;
    }
    for (let c = 0; c < width; c++) rows[o + c]! /= sum;
  }
}

export interface MlpOptions {
  /**
   * Work between two pauses, in amplitude-operation equivalents (pacing.ts).
   * @defaultValue CHUNK_AMPLITUDE_OPERATIONS
   */
  readonly chunkOperations?: number;
}

/**
 * Builds a classical model for a spec and prepared data: the tanh MLP (`model.kind: "mlp"`,
 * `model.hidden`) or the linear model (`"linear"`, no hidden layer), with `model.bins`,
 * `model.representation` and `model.l2`.
 */
export function createMlpModel(
  spec: JobSpec,
  data: PreparedData,
  options: MlpOptions = {},
): TrainableModel {
  const { model } = spec;
  if (isVqcKind(model.kind)) throw new RangeError("createMlpModel needs model.kind mlp or linear");
  if (data.featureCount < 1)
    throw new RangeError(
      `the ${model.kind} model needs at least one feature, got ${data.featureCount}`,
    );
  if (data.task === "classification" && data.classes < 2) {
    throw new RangeError(`classification needs at least 2 classes, got ${data.classes}`);
  }
  if (model.kind === "linear" && model.representation === "hidden") {
    // the spec schema refuses this too; kept for specs built without it
    throw new QplaneError(
      "QPLANE_ERR_SPEC_INVALID",
      'spec.model.representation: "hidden" needs a hidden layer, and a linear model has none (use "output")',
    );
  }
  return new MlpModel(
    data,
    {
      kind: model.kind,
      hidden: hiddenWidthsOf(model),
      bins: model.bins,
      representation: model.representation,
      l2: model.l2,
    },
    options.chunkOperations ?? CHUNK_AMPLITUDE_OPERATIONS,
  );
}
