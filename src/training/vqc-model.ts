/**
 * The variational quantum model of docs/science.md §Model: angle-encoded, re-uploading
 * hardware-efficient ansatz; T = the measured outcome of the qubits `infoPlane.register` names
 * (`representationQubits`: the readout register, every qubit, or a list), read as the
 * marginal of the circuit's distribution on those qubits. Classification: p(y=c|x) = P(S_c)
 * over the outcomes S_c of class c under the class map (`readout.ts`), cross-entropy with a
 * floor inside the log. Regression:
 * prediction = b + Σ_k a_k·⟨Z_k⟩ over the readout qubits (a, b trainable), MSE on
 * standardised targets. Circuits run through the provider interface; gradients by adjoint
 * (exact local simulator), the parameter-shift rule or SPSA (any backend, exact or shots).
 *
 * The flat weight vector: [θ (the ansatz's variational weights) | W | b | head].
 * `encoding: "linear"` only: W (encoding angles × features, angle-major) and b (one per
 * angle) give each sample's encoding angles φ_a = (1/√F)·Σ_j W[a,j]·x_j + b[a] over the F
 * features, bound to the circuit's weight columns `phi_{l}_{q}`; the circuit's per-row
 * ∂L/∂φ_a gives, by the chain rule, ∂L/∂W[a,j] = Σ_rows ∂L/∂φ_a·x_j/√F and ∂L/∂b[a] =
 * Σ_rows ∂L/∂φ_a. The 1/√F (fan-in) factor is there because Adam moves every weight by
 * about the learning rate per step whatever its gradient: without it an angle fed by F
 * features moves up to F times further per step than a one-feature angle, and training on
 * wide tables was erratic (README, "Models: how the defaults were chosen": wide, 2 classes,
 * 0.62 → 0.82 mean test accuracy over tuning seeds). Initialised to the fixed
 * map's first pass: W[(l,q), j] = √F when j = q, else 0 (so φ_{l,q} = x_q); b = 0.
 * Regression only: the head [a_0 … a_{K−1}, b], initialised to a_k = 1/K, b = 0.
 */

import { pacedAdjointProbabilityGradients } from "../../providers/local/adjoint.js";
import { type Paced, runPaced } from "../../providers/local/pacing.js";
import { meterFor, pacedFinalStatevector } from "../../providers/local/simulator.js";
import { type ExecutionResult, type Provider, resultProbabilities } from "../../providers/types.js";
import { buildAnsatz, type Encoding, readoutQubitsForClasses } from "../circuits/ansatz.js";
import { type Circuit, withMeasured } from "../circuits/ir.js";
import type { ParameterMatrix } from "../circuits/parameters.js";
import { QplaneError } from "../errors/catalogue.js";
import { parameterShiftJacobian } from "../gradients/parameter-shift.js";
import { createHolevoAccumulator, MAX_HOLEVO_REGISTER_QUBITS } from "../infoplane/holevo.js";
import type { Rng } from "../random/rng.js";
import { measureInformation } from "./information.js";
import {
  type EvaluateOptions,
  type Evaluation,
  type PreparedData,
  type PreparedSplit,
  type ProviderRunShape,
  type ProviderUsage,
  regressionMetrics,
  type TrainableModel,
} from "./model.js";
import {
  type ClassMap,
  classLoss,
  createClassMap,
  headPrediction,
  predictedClass,
  REGRESSION_READOUT_QUBITS,
  readoutExpectations,
  regressionLoss,
} from "./readout.js";
import type { JobSpec } from "./spec.js";

/** SPSA perturbation size c_k = SPSA_C / (k+1)^SPSA_GAMMA (Spall's recommended γ). */
const SPSA_C = 0.1;
const SPSA_GAMMA = 0.101;

/**
 * Values (8 bytes each) of the per-row buffers (weight gradients, outcome probabilities) of
 * one adjoint chunk: a batch is differentiated in chunks of rows, so a step's memory stays
 * at 8 MiB per buffer whatever the batch size. Chunks are summed in row order, as one pass.
 */
const ADJOINT_CHUNK_VALUES = 2 ** 20;

/** Rows per adjoint chunk for a circuit of `weights` weights and `outcomes` outcomes. */
export function adjointChunkRows(weights: number, outcomes: number): number {
  return Math.max(1, Math.floor(ADJOINT_CHUNK_VALUES / Math.max(weights, outcomes)));
}

interface VqcConfig {
  readonly data: PreparedData;
  readonly circuit: Circuit;
  /** The circuit measuring T's qubits (`circuit` itself when they are the readout register). */
  readonly representationCircuit: Circuit;
  /** The circuit's weight columns: encoding angles φ, then θ. */
  readonly circuitWeights: number;
  /** `linear` encoding: the angles φ (encoding layers × qubits); 0 for `fixed`. */
  readonly encodingAngles: number;
  /** θ: the ansatz's variational weights, the model's first weights. */
  readonly variationalWeights: number;
  /** Classification: which outcomes vote for which class. */
  readonly classMap: ClassMap | null;
  readonly shots: number;
  readonly informationShots: number;
  readonly estimator: JobSpec["infoPlane"]["estimator"];
  readonly gradient: JobSpec["training"]["gradient"];
  readonly initScale: number;
  readonly readoutQubits: readonly number[];
}

class VqcModel implements TrainableModel {
  readonly kind = "vqc";
  readonly weightCount: number;
  readonly representationBits: number;
  readonly usage: ProviderUsage = { submissions: 0, shots: 0, costUsd: 0 };
  readonly runShape: ProviderRunShape;
  /** Offsets of W, b (linear encoding) and the regression head in the weight vector. */
  private readonly encodingOffset: number;
  /** 1/√F: the fan-in factor of the encoding map (module comment). */
  private readonly encodingFanIn: number;
  private readonly biasOffset: number;
  private readonly headOffset: number;
  /** Regression: readout qubits K; ⟨Z_k⟩ scratch; the head's gradient [a_0 … a_{K−1}, b]. */
  private readonly readoutBits: number;
  private readonly z: Float64Array;
  private readonly headGradient: Float64Array;
  private readonly classMass: Float64Array;

  constructor(
    private readonly config: VqcConfig,
    private readonly provider: Provider,
  ) {
    const { data, encodingAngles, variationalWeights } = config;
    this.encodingOffset = variationalWeights;
    this.encodingFanIn = 1 / Math.sqrt(Math.max(1, data.featureCount));
    this.biasOffset = variationalWeights + encodingAngles * data.featureCount;
    this.headOffset = this.biasOffset + encodingAngles;
    this.readoutBits = config.circuit.numClbits;
    const regression = data.task === "regression";
    this.weightCount = this.headOffset + (regression ? this.readoutBits + 1 : 0);
    this.z = new Float64Array(this.readoutBits);
    this.headGradient = new Float64Array(regression ? this.readoutBits + 1 : 0);
    this.classMass = new Float64Array(regression ? 0 : data.classes);
    this.representationBits = config.representationCircuit.numClbits;
    this.runShape = {
      provider,
      circuit: config.circuit,
      representationCircuit: config.representationCircuit,
      shots: config.shots,
      informationShots: config.informationShots,
      gradient: config.gradient,
    };
  }

  initialWeights(rng: Rng): Float64Array {
    const weights = new Float64Array(this.weightCount);
    const { variationalWeights, encodingAngles, initScale, data, circuit } = this.config;
    for (let k = 0; k < variationalWeights; k++) weights[k] = (2 * rng.nextFloat() - 1) * initScale;
    // the fixed map's first pass: angle (l, q) reads feature q
    const features = data.featureCount;
    for (let a = 0; a < encodingAngles; a++) {
      const q = a % circuit.numQubits;
      if (q < features) weights[this.encodingOffset + a * features + q] = 1 / this.encodingFanIn;
    }
    if (data.task === "regression") {
      for (let k = 0; k < this.readoutBits; k++)
        weights[this.headOffset + k] = 1 / this.readoutBits;
    }
    return weights;
  }

  /**
   * Loss of one sample from its outcome probabilities at p[po …]; with `cotangent`, also
   * writes ∂(loss/batch)/∂p_t there and adds the regression head's gradient into
   * `headGradient`.
   */
  private sampleLoss(
    split: PreparedSplit,
    sample: number,
    p: Float64Array,
    po: number,
    outcomeCount: number,
    weights: Float64Array,
    batch: number,
    cotangent: Float64Array | null,
  ): number {
    const { classMap } = this.config;
    if (classMap) return classLoss(classMap, p, po, split.labels![sample]!, batch, cotangent);
    return regressionLoss(
      p,
      po,
      outcomeCount,
      weights,
      this.headOffset,
      split.targets![sample]!,
      this.z,
      batch,
      cotangent,
      cotangent ? this.headGradient : null,
    );
  }

  /**
   * Rows of circuit parameters for the given samples: `fixed`, [features, θ]; `linear`,
   * [φ = W·x + b, θ].
   */
  private rows(
    split: PreparedSplit,
    indices: ArrayLike<number>,
    weights: Float64Array,
  ): ParameterMatrix {
    const { data, circuitWeights, encodingAngles, variationalWeights } = this.config;
    const features = data.featureCount;
    const angles = encodingAngles;
    const cols = (angles > 0 ? 0 : features) + circuitWeights;
    const values = new Float64Array(indices.length * cols);
    for (let r = 0; r < indices.length; r++) {
      const sample = indices[r]!;
      const x = sample * features;
      const base = r * cols;
      if (angles === 0) {
        for (let j = 0; j < features; j++) values[base + j] = split.features[x + j]!;
      }
      for (let a = 0; a < angles; a++) {
        const w = this.encodingOffset + a * features;
        let weighted = 0;
        for (let j = 0; j < features; j++) weighted += weights[w + j]! * split.features[x + j]!;
        values[base + a] = weights[this.biasOffset + a]! + this.encodingFanIn * weighted;
      }
      const theta = base + (angles > 0 ? angles : features);
      for (let k = 0; k < variationalWeights; k++) values[theta + k] = weights[k]!;
    }
    return { rows: indices.length, cols, values };
  }

  /**
   * Adds one row's gradient over the circuit's weight columns (g[go …]: φ, then θ) into the
   * model's: θ as is, φ through the chain rule onto W (times x_j/√F) and b.
   */
  private addRowGradient(
    g: Float64Array,
    go: number,
    split: PreparedSplit,
    sample: number,
    gradient: Float64Array,
  ): void {
    const { encodingAngles: angles, variationalWeights, data } = this.config;
    const features = data.featureCount;
    for (let k = 0; k < variationalWeights; k++) gradient[k]! += g[go + angles + k]!;
    const x = sample * features;
    for (let a = 0; a < angles; a++) {
      const ga = g[go + a]!;
      if (ga === 0) continue;
      gradient[this.biasOffset + a]! += ga;
      const w = this.encodingOffset + a * features;
      const gw = ga * this.encodingFanIn;
      for (let j = 0; j < features; j++) gradient[w + j]! += gw * split.features[x + j]!;
    }
  }

  private async run(
    circuit: Circuit,
    rows: ParameterMatrix,
    shots: number,
    rng: Rng,
    signal: AbortSignal | undefined,
  ): Promise<ExecutionResult> {
    // the provider's own estimate of this call: submissions (e.g. Braket's task split) and cost
    const estimate = await this.provider.estimate(circuit, rows, { shots });
    const handle = await this.provider.run(circuit, rows, { shots, rng, signal });
    this.usage.submissions += estimate.submissions;
    this.usage.shots += estimate.totalShots;
    this.usage.costUsd += estimate.estimatedCostUsd;
    return handle.result();
  }

  async lossAndGradient(
    weights: Float64Array,
    split: PreparedSplit,
    batch: Int32Array,
    gradient: Float64Array,
    rng: Rng,
    step: number,
    signal?: AbortSignal,
  ): Promise<{ loss: number; circuitEvaluations: number }> {
    const { config } = this;
    const { circuit, circuitWeights, encodingAngles } = config;
    const outcomeCount = 2 ** circuit.numClbits;
    const cotangent = new Float64Array(outcomeCount);
    gradient.fill(0);
    this.headGradient.fill(0);
    let loss = 0;

    if (config.gradient === "adjoint") {
      const chunkRows = adjointChunkRows(circuitWeights, outcomeCount);
      // one meter for the whole step: chunks of rows do not restart the count to a pause
      const meter = meterFor({});
      for (let start = 0; start < batch.length; start += chunkRows) {
        const chunk = batch.subarray(start, Math.min(start + chunkRows, batch.length));
        const rows = this.rows(split, chunk, weights);
        // paced: a long step lets the event loop run (lock renewal, cancel) and stops on abort
        const adjoint = pacedAdjointProbabilityGradients(
          circuit,
          rows,
          (row, p, out) => {
            loss += this.sampleLoss(
              split,
              chunk[row]!,
              p,
              0,
              outcomeCount,
              weights,
              batch.length,
              out,
            );
          },
          {},
          meter,
        );
        const result = await runPaced(adjoint, signal);
        for (let row = 0; row < chunk.length; row++)
          this.addRowGradient(result.gradients, row * circuitWeights, split, chunk[row]!, gradient);
      }
      this.addHeadGradient(gradient);
      return { loss: loss / batch.length, circuitEvaluations: batch.length };
    }

    if (config.gradient === "parameter-shift") {
      const shifted = await parameterShiftJacobian(
        circuit,
        this.rows(split, batch, weights),
        async (expanded, matrix) =>
          resultProbabilities(await this.run(expanded, matrix, config.shots, rng, signal)),
        { includeUnshifted: true },
      );
      const p = shifted.probabilities!;
      // fixed encoding: circuit weights are the model's first weights, summed in place
      const rowGradient = encodingAngles > 0 ? new Float64Array(circuitWeights) : gradient;
      for (let row = 0; row < batch.length; row++) {
        const sample = batch[row]!;
        cotangent.fill(0);
        if (encodingAngles > 0) rowGradient.fill(0);
        loss += this.sampleLoss(
          split,
          sample,
          p,
          row * outcomeCount,
          outcomeCount,
          weights,
          batch.length,
          cotangent,
        );
        for (let t = 0; t < outcomeCount; t++) {
          const g = cotangent[t]!;
          if (g === 0) continue;
          const base = (row * outcomeCount + t) * circuitWeights;
          for (let w = 0; w < circuitWeights; w++)
            rowGradient[w]! += g * shifted.jacobian[base + w]!;
        }
        if (encodingAngles > 0) this.addRowGradient(rowGradient, 0, split, sample, gradient);
      }
      this.addHeadGradient(gradient);
      return { loss: loss / batch.length, circuitEvaluations: shifted.evaluations };
    }

    // SPSA: ĝ = (L(w + cΔ) − L(w − cΔ)) / (2c) · Δ with Δ ∈ {±1}^W over every weight (θ, W,
    // b, head), both points in one batch
    const c = SPSA_C / (step + 1) ** SPSA_GAMMA;
    const delta = new Float64Array(this.weightCount);
    for (let k = 0; k < delta.length; k++) delta[k] = rng.nextFloat() < 0.5 ? -1 : 1;
    const plus = Float64Array.from(weights, (w, k) => w + c * delta[k]!);
    const minus = Float64Array.from(weights, (w, k) => w - c * delta[k]!);
    const plusRows = this.rows(split, batch, plus);
    const both: ParameterMatrix = {
      rows: 2 * batch.length,
      cols: plusRows.cols,
      values: new Float64Array(2 * plusRows.values.length),
    };
    both.values.set(plusRows.values, 0);
    both.values.set(this.rows(split, batch, minus).values, plusRows.values.length);
    const p = resultProbabilities(await this.run(circuit, both, config.shots, rng, signal));
    let lossPlus = 0;
    let lossMinus = 0;
    for (let row = 0; row < batch.length; row++) {
      const sample = batch[row]!;
      lossPlus += this.sampleLoss(
        split,
        sample,
        p,
        row * outcomeCount,
        outcomeCount,
        plus,
        1,
        null,
      );
      lossMinus += this.sampleLoss(
        split,
        sample,
        p,
        (batch.length + row) * outcomeCount,
        outcomeCount,
        minus,
        1,
        null,
      );
    }
    lossPlus /= batch.length;
    lossMinus /= batch.length;
    const scale = (lossPlus - lossMinus) / (2 * c);
    for (let k = 0; k < gradient.length; k++) gradient[k] = scale * delta[k]!;
    return { loss: (lossPlus + lossMinus) / 2, circuitEvaluations: 2 * batch.length };
  }

  private addHeadGradient(gradient: Float64Array): void {
    for (let k = 0; k < this.headGradient.length; k++)
      gradient[this.headOffset + k]! += this.headGradient[k]!;
  }

  async evaluate(
    weights: Float64Array,
    split: PreparedSplit,
    indices: Int32Array | null,
    options: EvaluateOptions,
  ): Promise<Evaluation> {
    const { config } = this;
    const { circuit, data, classMap } = config;
    const samples = indices ?? Int32Array.from({ length: split.samples }, (_, i) => i);
    const rows = this.rows(split, samples, weights);
    const result = await this.run(circuit, rows, config.shots, options.rng, options.signal);
    let circuitEvaluations = samples.length;
    const p = resultProbabilities(result);
    const outcomeCount = result.outcomeCount;
    let loss = 0;
    let correct = 0;
    const predictions = new Float64Array(data.task === "regression" ? samples.length : 0);
    for (let row = 0; row < samples.length; row++) {
      const sample = samples[row]!;
      const po = row * outcomeCount;
      loss += this.sampleLoss(split, sample, p, po, outcomeCount, weights, 1, null);
      if (classMap) {
        if (predictedClass(classMap, p, po, this.classMass) === split.labels![sample]) correct++;
      } else {
        readoutExpectations(p, po, outcomeCount, this.z);
        const standardised = headPrediction(weights, this.headOffset, this.z);
        predictions[row] = data.targetScale!.mean + data.targetScale!.std * standardised;
      }
    }
    const metrics: { accuracy?: number; mse?: number; r2?: number } = {};
    if (data.task === "classification") {
      metrics.accuracy = correct / samples.length;
    } else {
      const targets = Float64Array.from(samples, (s) => split.rawTargets![s]!);
      Object.assign(metrics, regressionMetrics(predictions, targets));
    }

    let information: Evaluation["information"];
    if (options.information) {
      const sameRun =
        config.representationCircuit === circuit && config.informationShots === config.shots;
      const representation = sameRun
        ? result
        : await this.run(
            config.representationCircuit,
            rows,
            config.informationShots,
            options.rng,
            options.signal,
          );
      if (!sameRun) circuitEvaluations += samples.length;
      const labels = Int32Array.from(samples, (s) => split.infoLabels[s]!);
      information = measureInformation(representation, labels, data.infoClasses, config.estimator);
    }
    return { loss: loss / samples.length, ...metrics, information, circuitEvaluations };
  }

  async holevo(weights: Float64Array, split: PreparedSplit, signal?: AbortSignal): Promise<number> {
    const samples = Int32Array.from({ length: split.samples }, (_, i) => i);
    return runPaced(this.pacedHolevo(this.rows(split, samples, weights)), signal);
  }

  /**
   * χ over the rows as one paced pass: one work meter charged with every state's simulation
   * and its share of the accumulator, so the pass pauses every chunk whatever the row sizes.
   */
  private *pacedHolevo(rows: ParameterMatrix): Paced<number> {
    const { circuit, readoutQubits } = this.config;
    // one state at a time: the ensemble is never held in memory
    const accumulator = createHolevoAccumulator(readoutQubits, circuit.numQubits);
    const meter = meterFor({});
    for (let r = 0; r < rows.rows; r++) {
      const row = Array.from(rows.values.subarray(r * rows.cols, (r + 1) * rows.cols));
      const state = yield* pacedFinalStatevector(circuit, row, {}, meter);
      for (const work of accumulator.addInSlices(state)) if (meter.spend(work)) yield;
    }
    const value = accumulator.valueInSlices();
    for (let next = value.next(); ; next = value.next()) {
      if (next.done) return next.value;
      if (meter.spend(next.value)) yield;
    }
  }
}

/** The VQC's circuits for a spec, from the data's task, classes and feature count. */
export interface VqcCircuits {
  readonly circuit: Circuit;
  /**
   * The circuit measuring T's qubits (`representationQubits`) into clbits 0..k−1: what the
   * information plane runs, on a simulator or on hardware; `circuit` itself when T is the
   * readout register.
   */
  readonly representationCircuit: Circuit;
  /** The circuit's weight columns: encoding angles φ (`linear`), then θ. */
  readonly circuitWeights: number;
  readonly encodingAngles: number;
  readonly variationalWeights: number;
  readonly readoutQubits: readonly number[];
}

/**
 * Builds the model's circuits, validating the readout register: O(qubits × layers), no
 * data needed (planning and cost admission use it before any data is generated).
 */
export function buildVqcCircuits(
  spec: JobSpec,
  data: Pick<PreparedData, "task" | "classes" | "featureCount">,
): VqcCircuits {
  const { model } = spec;
  const readoutQubits = vqcReadoutQubits(spec, data);
  const tQubits = representationQubits(spec, readoutQubits);
  const ansatz = buildAnsatz({
    qubits: model.qubits,
    layers: model.layers,
    features: data.featureCount,
    reupload: model.reupload,
    encoding: model.encoding satisfies Encoding,
    entangler: model.entangler,
    entanglingGate: model.entanglingGate,
    readoutQubits,
  });
  const encodingAngles = ansatz.encodingAngleNames.length;
  return {
    circuit: ansatz.circuit,
    representationCircuit: sameQubits(tQubits, readoutQubits)
      ? ansatz.circuit
      : withMeasured(ansatz.circuit, tQubits),
    circuitWeights: encodingAngles + ansatz.weightNames.length,
    encodingAngles,
    variationalWeights: ansatz.weightNames.length,
    readoutQubits,
  };
}

/**
 * The qubits of T, in bit order (`qubits[i]` is bit i of T's outcome index): the readout
 * register (`infoPlane.register: "readout"`), every qubit (`"all"`) or the listed ones. The
 * one definition the circuits, sizing and feedback's |R| = its length follow.
 */
export function representationQubits(
  spec: Pick<JobSpec, "model" | "infoPlane">,
  readoutQubits: readonly number[],
): readonly number[] {
  const { register } = spec.infoPlane;
  if (register === "readout") return readoutQubits;
  if (register === "all") return Array.from({ length: spec.model.qubits }, (_, q) => q);
  return register;
}

/**
 * Whether T's qubits are the readout register in its order, so the model circuit's outcome is
 * T and one run serves both (`representationCircuit === circuit`).
 */
export function sameQubits(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((qubit, i) => qubit === b[i]);
}

/** Regression's `readout: "auto"`: the last min(qubits, REGRESSION_READOUT_QUBITS) qubits. */
export function regressionReadoutQubits(qubits: number): number[] {
  const k = Math.min(qubits, REGRESSION_READOUT_QUBITS);
  return Array.from({ length: k }, (_, j) => qubits - k + j);
}

/** The readout register for a spec and its data's classes, validated against the model. */
export function vqcReadoutQubits(
  spec: JobSpec,
  data: Pick<PreparedData, "task" | "classes">,
): readonly number[] {
  const { model } = spec;
  const readoutQubits =
    model.readout === "auto"
      ? data.task === "classification"
        ? readoutQubitsForClasses(data.classes, model.qubits)
        : regressionReadoutQubits(model.qubits)
      : model.readout;
  if (model.readout === "auto" && readoutQubits.length > model.qubits) {
    throw new QplaneError(
      "QPLANE_ERR_SPEC_INVALID",
      `spec.model.qubits: ${model.qubits} qubits cannot hold the ${readoutQubits.length} readout qubits ${data.classes} classes need (readout "auto": ceil(log2 C)); use at least ${readoutQubits.length} qubits`,
    );
  }
  for (const q of readoutQubits) {
    if (q < 0 || q >= model.qubits) {
      throw new QplaneError(
        "QPLANE_ERR_SPEC_INVALID",
        `spec.model.readout: qubit ${q} does not exist in a ${model.qubits}-qubit model${model.readout === "auto" ? ` (${data.classes} classes need ${readoutQubits.length} readout qubits)` : ""}`,
      );
    }
  }
  if (data.task === "classification" && 2 ** readoutQubits.length < data.classes) {
    throw new QplaneError(
      "QPLANE_ERR_SPEC_INVALID",
      `spec.model.readout: ${readoutQubits.length} readout qubit(s) give ${2 ** readoutQubits.length} outcomes, fewer than the ${data.classes} classes`,
    );
  }
  // checked here, where the register is known (an `auto` readout needs the data's classes)
  if (spec.infoPlane.holevo && readoutQubits.length > MAX_HOLEVO_REGISTER_QUBITS) {
    const dim = 2 ** readoutQubits.length;
    throw new QplaneError(
      "QPLANE_ERR_SPEC_INVALID",
      `spec.infoPlane.holevo: the Holevo quantity of a ${readoutQubits.length}-qubit readout register needs ${dim}×${dim} density matrices; at most ${MAX_HOLEVO_REGISTER_QUBITS} readout qubits (got model.readout ${model.readout === "auto" ? `"auto" for ${data.classes} classes` : JSON.stringify(model.readout)}, model.qubits ${model.qubits}); set infoPlane.holevo to false or use fewer readout qubits`,
    );
  }
  return readoutQubits;
}

/** Shots of the information-plane measurement: infoPlane.shots 0 means "as backend.shots". */
export function informationShotsOf(spec: JobSpec): number {
  return spec.infoPlane.shots > 0 ? spec.infoPlane.shots : spec.backend.shots;
}

/** Builds the VQC for a spec and prepared data, validating what the spec asks of it. */
export function createVqcModel(
  spec: JobSpec,
  data: PreparedData,
  provider: Provider,
  availability: BackendAvailability,
): TrainableModel {
  const circuits = buildVqcCircuits(spec, data);
  checkVqcBackend(spec, availability);
  const config: VqcConfig = {
    data,
    ...circuits,
    shots: spec.backend.shots,
    informationShots: informationShotsOf(spec),
    estimator: spec.infoPlane.estimator,
    gradient: spec.training.gradient,
    initScale: spec.training.initScale,
    classMap:
      data.task === "classification"
        ? createClassMap(spec.model.classMap, data.classes, 2 ** circuits.readoutQubits.length)
        : null,
  };
  return new VqcModel(config, provider);
}

/** What the backend must offer the spec's gradient and shots. */
export interface BackendAvailability {
  readonly exactProbabilities: boolean;
  readonly simulatesInProcess: boolean;
}

/** Refuses a gradient or shot setting the backend cannot give, naming the field. */
export function checkVqcBackend(spec: JobSpec, availability: BackendAvailability): void {
  const { training, backend } = spec;
  const { exactProbabilities: exactAvailable, simulatesInProcess } = availability;
  // adjoint differentiates the statevector in-process: only an in-process simulator may
  // stand behind it (a remote simulator's exact probabilities are not what it would use)
  if (training.gradient === "adjoint" && (backend.shots > 0 || !simulatesInProcess)) {
    throw new QplaneError(
      "QPLANE_ERR_SPEC_INVALID",
      `spec.training.gradient: "adjoint" needs exact probabilities on the local simulator (backend "${backend.name}", shots ${backend.shots}); use "parameter-shift" or "spsa"`,
    );
  }
  if (!exactAvailable && backend.shots === 0) {
    // hardware: exact probabilities do not exist
    throw new QplaneError(
      "QPLANE_ERR_SPEC_INVALID",
      `spec.backend.shots: backend "${backend.name}" has no exact probabilities; set backend.shots ≥ 1`,
    );
  }
}
