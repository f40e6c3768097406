/**
 * The variational quantum model of docs/science.md §Model: angle-encoded, re-uploading
 * hardware-efficient ansatz; T = the measured outcome of the qubits `infoPlane.register` names
 * (`representationQubits`: the readout register, every qubit, or a list), read as the
 * marginal of the circuit's distribution on those qubits. Classification: p(y=c|x) = P(S_c)
 * over the outcomes S_c of class c under the class map (`readout.ts`), cross-entropy with a
 * floor inside the log. Regression:
 * prediction = b + Σ_k a_k·⟨Z_k⟩ over the readout qubits (a, b trainable), MSE on
 * standardised targets. Circuits run through the provider interface; gradients by the
 * method `chooseGradientMethod` picks from the spec and the provider's capabilities
 * (src/gradients: adjoint, parameter-shift or SPSA), which sees the model as a batch objective.
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

import {
  type ExecutionResult,
  type Provider,
  resultProbabilities,
  supportsStatevectors,
} from "../../providers/types.js";
import type { Circuit } from "../circuits/ir.js";
import type { ParameterMatrix } from "../circuits/parameters.js";
import { QplaneError } from "../errors/catalogue.js";
import { present } from "../errors/checked.js";
import {
  type BatchObjective,
  chooseGradientMethod,
  type GradientMethod,
  type OutcomeLoss,
} from "../gradients/method.js";
import { createHolevoAccumulator } from "../infoplane/holevo.js";
import { type Paced, runPaced } from "../pacing/pacing.js";
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
  type SplitRequest,
  type TrainableModel,
} from "./model.js";
import {
  type ClassMap,
  classLoss,
  createClassMap,
  headPrediction,
  predictedClass,
  readoutExpectations,
  regressionLoss,
} from "./readout.js";
import { concatenateRows, resultRows } from "./row-batches.js";
import type { JobSpec } from "./spec.js";
import { buildVqcCircuits, informationShotsOf } from "./vqc-circuits.js";

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
  /** θ entries given by `model.initialWeights`: [index, value]. */
  readonly fixedWeights: readonly (readonly [number, number])[];
  /** Classification: which outcomes vote for which class. */
  readonly classMap: ClassMap | null;
  readonly shots: number;
  readonly informationShots: number;
  readonly estimator: JobSpec["infoPlane"]["estimator"];
  readonly gradient: JobSpec["training"]["gradient"];
  /** How a step differentiates the batch loss (from the spec and the provider's capabilities). */
  readonly method: GradientMethod;
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
    const { variationalWeights, fixedWeights, encodingAngles, initScale, data, circuit } =
      this.config;
    for (let k = 0; k < variationalWeights; k++) weights[k] = (2 * rng.nextFloat() - 1) * initScale;
    // every weight is still drawn, so the unnamed ones are where they would be without them
    for (const [k, value] of fixedWeights) weights[k] = value;
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
   * Loss of one sample from its outcome probabilities at `weights`; with a cotangent, also
   * writes ∂(loss/batchSize)/∂p_t there and adds the regression head's gradient into
   * `headGradient`.
   */
  private sampleLoss(
    split: PreparedSplit,
    sample: number,
    weights: Float64Array,
    loss: OutcomeLoss,
  ): number {
    const { classMap } = this.config;
    if (classMap) return classLoss(classMap, split.labels![sample]!, loss);
    const head = {
      weights,
      offset: this.headOffset,
      z: this.z,
      gradient: loss.cotangent ? this.headGradient : null,
    };
    return regressionLoss(head, split.targets![sample]!, loss);
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
    gradient.fill(0);
    this.headGradient.fill(0);
    const objective: BatchObjective = {
      circuit: config.circuit,
      shots: config.shots,
      batchSize: batch.length,
      circuitWeights: config.circuitWeights,
      circuitWeightsAreModelWeights: config.encodingAngles === 0,
      rows: (at, from, to) => this.rows(split, batch.subarray(from, to), at),
      loss: (context) => this.sampleLoss(split, batch[context.row]!, context.weights, context),
      addRowGradient: (g, offset, row, into) =>
        this.addRowGradient(g, offset, split, batch[row]!, into),
      addOutsideGradient: (into) => {
        for (let k = 0; k < this.headGradient.length; k++)
          into[this.headOffset + k]! += this.headGradient[k]!;
      },
      probabilities: async (circuit, rows, shots) =>
        resultProbabilities(await this.run(circuit, rows, shots, rng, signal)),
    };
    return config.method.lossAndGradient(objective, weights, gradient, { rng, step, signal });
  }

  async evaluate(
    weights: Float64Array,
    split: PreparedSplit,
    indices: Int32Array | null,
    options: EvaluateOptions,
  ): Promise<Evaluation> {
    const request = { split, indices, information: options.information };
    const [evaluation] = await this.evaluateSplits(weights, [request], options);
    return present(evaluation, "the split's evaluation");
  }

  /**
   * One provider run of the model circuit over every request's rows, concatenated in request
   * order (a sampling simulator then draws each split's shots in the order separate calls
   * would, so records stay bit-identical); the outcome is split back per request and scored.
   * A representation circuit that differs from the model's still runs per informed split.
   */
  async evaluateSplits(
    weights: Float64Array,
    requests: readonly SplitRequest[],
    options: Omit<EvaluateOptions, "information">,
  ): Promise<Evaluation[]> {
    const { config } = this;
    const parts = requests.map((request) => {
      const { split, indices } = request;
      const samples = indices ?? Int32Array.from({ length: split.samples }, (_, i) => i);
      return { request, samples, rows: this.rows(split, samples, weights) };
    });
    const rows = concatenateRows(parts.map((part) => part.rows));
    const result = await this.run(config.circuit, rows, config.shots, options.rng, options.signal);
    const evaluations: Evaluation[] = [];
    let firstRow = 0;
    for (const { request, samples, rows: splitRows } of parts) {
      const splitResult = resultRows(result, firstRow, samples.length);
      firstRow += samples.length;
      evaluations.push(
        await this.score(weights, request, samples, splitRows, splitResult, options),
      );
    }
    return evaluations;
  }

  /** Loss, metrics and (when asked) the information plane of one split's model-run outcome. */
  private async score(
    weights: Float64Array,
    request: SplitRequest,
    samples: Int32Array,
    rows: ParameterMatrix,
    result: ExecutionResult,
    options: Omit<EvaluateOptions, "information">,
  ): Promise<Evaluation> {
    const { config } = this;
    const { circuit, data, classMap } = config;
    const { split } = request;
    let circuitEvaluations = samples.length;
    const p = resultProbabilities(result);
    const outcomeCount = result.outcomeCount;
    let loss = 0;
    let correct = 0;
    const predictions = new Float64Array(data.task === "regression" ? samples.length : 0);
    for (let row = 0; row < samples.length; row++) {
      const sample = samples[row]!;
      const po = row * outcomeCount;
      const context = { probabilities: p, offset: po, outcomeCount, batchSize: 1, cotangent: null };
      loss += this.sampleLoss(split, sample, weights, context);
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
    if (request.information) {
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
    const { statevectors } = this.provider;
    if (statevectors === undefined) throw holevoRefusal("this backend");
    // one state at a time: the ensemble is never held in memory
    const accumulator = createHolevoAccumulator(readoutQubits, circuit.numQubits);
    const meter = statevectors.meter();
    for (let r = 0; r < rows.rows; r++) {
      const row = Array.from(rows.values.subarray(r * rows.cols, (r + 1) * rows.cols));
      const state = yield* statevectors.finalStatevector(circuit, row, meter);
      for (const work of accumulator.addInSlices(state)) if (meter.spend(work)) yield;
    }
    const value = accumulator.valueInSlices();
    for (let next = value.next(); ; next = value.next()) {
      if (next.done) return next.value;
      if (meter.spend(next.value)) yield;
    }
  }
}

/** Refuses the Holevo quantity on a backend without statevectors, naming the field. */
function holevoRefusal(backend: string): QplaneError {
  return new QplaneError(
    "QPLANE_ERR_SPEC_INVALID",
    `spec.infoPlane.holevo: the Holevo quantity needs the final statevectors of an exact simulator, which ${backend} does not offer; set infoPlane.holevo to false or use the local backend`,
  );
}

/** Builds the VQC for a spec and prepared data, validating what the spec asks of it. */
export function createVqcModel(
  spec: JobSpec,
  data: PreparedData,
  provider: Provider,
  exactProbabilities: boolean,
): TrainableModel {
  const circuits = buildVqcCircuits(spec, data);
  const method = checkVqcBackend(spec, provider, exactProbabilities);
  const config: VqcConfig = {
    data,
    ...circuits,
    shots: spec.backend.shots,
    informationShots: informationShotsOf(spec),
    estimator: spec.infoPlane.estimator,
    gradient: spec.training.gradient,
    method,
    initScale: spec.training.initScale,
    classMap:
      data.task === "classification"
        ? createClassMap(spec.model.classMap, data.classes, 2 ** circuits.readoutQubits.length)
        : null,
  };
  return new VqcModel(config, provider);
}

/**
 * Refuses a gradient, shot or Holevo setting the backend cannot give, naming the field (what
 * the provider offers decides, never its name); returns the spec's gradient method.
 */
export function checkVqcBackend(
  spec: JobSpec,
  provider: Pick<Provider, "derivatives" | "statevectors">,
  exactProbabilities: boolean,
): GradientMethod {
  const { backend, infoPlane } = spec;
  const method = chooseGradientMethod(spec, provider);
  if (!exactProbabilities && backend.shots === 0) {
    // hardware: exact probabilities do not exist
    throw new QplaneError(
      "QPLANE_ERR_SPEC_INVALID",
      `spec.backend.shots: backend "${backend.name}" has no exact probabilities; set backend.shots ≥ 1`,
    );
  }
  if (infoPlane.holevo && !supportsStatevectors(provider)) {
    throw holevoRefusal(`backend "${backend.name}"`);
  }
  return method;
}
