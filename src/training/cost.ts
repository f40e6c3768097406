/**
 * The compute cost of a training run, computed arithmetically from the spec, the data's
 * split sizes and the model's shape: nothing is allocated per row or per sample, so pricing
 * the largest spec takes microseconds. Two numbers, each checked against a server limit:
 *
 * - **amplitude-operations**: one gate applied to one amplitude of the statevector, plus a
 *   fixed {@link GATE_OVERHEAD_AMPLITUDES} per gate (dispatch and binding dominate on small
 *   states): a circuit of G gates on q qubits costs (G + 1)·(2^q + 64) per parameter row (the
 *   gates, then reading out the register's probabilities). Summed over every call of the run:
 *   each optimisation step's forward and gradient (adjoint ≈ {@link ADJOINT_PASSES} forward
 *   passes per row, parameter-shift (shifts + 1) rows of the expanded circuit per sample,
 *   SPSA 2 rows), the per-epoch evaluation of every split (validation too), feedback probes and the Holevo
 *   quantity (its partial traces and eigensolves weighted by `holevoOperations`, which the
 *   accumulator also paces by); one sampled shot counts as {@link shotOperations} (a draw and
 *   a binary search over the outcomes). For the classical MLP one multiply-add counts as
 *   {@link MLP_OPERATIONS_PER_MULTIPLY_ADD} (forward 1, backward 2 multiply-adds per weight and
 *   sample). Every step and every sample a step or an evaluation handles adds a fixed
 *   {@link STEP_OVERHEAD_OPERATIONS} / {@link SAMPLE_OVERHEAD_OPERATIONS} (the optimizer, the
 *   loss, binning for the information plane). All the weights are measured rates relative to
 *   the simulator's ({@link SIMULATOR_OPERATIONS_PER_SECOND}), so the total divided by that
 *   rate is the run's time on one core (`bench/admission.ts` prints estimate / real). On a
 *   remote backend (IBM, Braket) the device runs the circuits: a row costs this process its
 *   parameter values and outcome distribution (columns + outcomes operations).
 * - **peak memory** of the largest step or evaluation (an epoch's splits are evaluated in one
 *   call), as the local simulator lays it out (a twin: its density matrix or trajectory states):
 *   the call's parameter matrix (rows × columns Float64), its outcome probabilities (and
 *   counts), per-row gradients (adjoint: per chunk of rows) or the parameter-shift
 *   Jacobian, and the statevectors kept alive (re/im Float64Array, 16 bytes per amplitude:
 *   one per compiled circuit, plus λ and the forward snapshots of the adjoint sweep), on top
 *   of the dataset itself.
 *
 * Submissions, shots and USD stay with the provider's own `estimate` (`plan.ts`).
 */
import type { SimulationKind } from "../../providers/types.js";
import type { AnsatzSize } from "../circuits/ansatz.js";
import { present } from "../errors/checked.js";
import { adjointChunkRows } from "../gradients/adjoint.js";
import { shiftsPerOccurrence } from "../gradients/parameter-shift.js";
import { holevoOperations } from "../infoplane/holevo.js";
import {
  DEFAULT_SNAPSHOT_BUDGET_BYTES,
  densityRowOperations,
  noisyMethod,
  noisyStateBytes,
  shotOperations,
  trajectoryRowOperations,
} from "../pacing/work-units.js";
import type { MlpLayerLayout } from "./mlp-layout.js";
import type { ProviderRunShape } from "./model.js";
import type { JobSpec } from "./spec.js";

/**
 * Forward-pass equivalents of one adjoint row: the forward pass, un-computing φ, carrying λ
 * back and one overlap reduction per weight gate (measured: 2.1–5.3× a forward pass for
 * 4–20 qubits, `bench/admission.ts`).
 */
export const ADJOINT_PASSES = 4;
/**
 * Per-gate cost that does not scale with the state, in amplitude-operations: measured rates
 * (`bench/admission.ts`) agree within 30 % from 4 to 20 qubits with it, and differ 6× at 4
 * qubits without it.
 */
export const GATE_OVERHEAD_AMPLITUDES = 64;
/**
 * What the local simulator sustains on one core, in amplitude-operations per second
 * (measured 1.0–1.4·10⁹ from 4 to 20 qubits on a 2-core cloud VM, `bench/admission.ts`):
 * sizes the default work limit and the CLI's time hint. The weights below are measured rates
 * relative to it; this file (shots: `providers/local/sampling.ts`) is where the measurements
 * are recorded, and the README refers here and to `npm run bench:admission`.
 */
export const SIMULATOR_OPERATIONS_PER_SECOND = 1.2e9;
/**
 * One multiply-add of the MLP in amplitude-operations: a training step measured 1.4–1.9 ns
 * per multiply-add for 3 × 256 hidden units and 2.8–3.3 ns for 3 × 1024 (2-core cloud VM,
 * `bench/admission.ts`; whole runs with evaluation 2.5–3.0 ns), against 0.83 ns per
 * amplitude-operation (1 / {@link SIMULATOR_OPERATIONS_PER_SECOND}).
 */
export const MLP_OPERATIONS_PER_MULTIPLY_ADD = 3;
/**
 * Work per sample that does not scale with the circuit or network: the loss and its cotangent,
 * the information plane's binning, copying rows (measured ≈ 2–6 µs per sample in whole runs
 * of 4-qubit circuits and small MLPs, where it is most of the run).
 */
export const SAMPLE_OVERHEAD_OPERATIONS = 4000;
/** Work per optimisation step besides its rows: the optimizer, events (measured ≈ 80 µs). */
export const STEP_OVERHEAD_OPERATIONS = 100_000;
/** re + im, Float64 each (`providers/local/statevector.ts`). */
export const BYTES_PER_AMPLITUDE = 16;
const FLOAT64_BYTES = 8;
const UINT32_BYTES = 4;
/** Raw and scaled copies of the features are both alive during training. */
const FEATURE_COPIES = 2;

/** What the cost model reads of the data: split sizes and feature count. */
export interface DataShape {
  readonly featureCount: number;
  readonly train: { readonly samples: number };
  readonly test: { readonly samples: number };
  /** Present with a validation split (`dataset.validationFraction`), evaluated every epoch. */
  readonly validation?: { readonly samples: number };
}

/** What the cost model reads of a circuit: counts only. */
export interface CircuitShape {
  readonly qubits: number;
  readonly clbits: number;
  readonly gates: number;
  /** Parameter columns: inputs, then weights. */
  readonly columns: number;
  readonly weights: number;
  /** Gates with a weight argument (the adjoint sweep's saved states). */
  readonly weightGates: number;
  /** Parameter-shift: shifted evaluations per row, and the expanded circuit's columns. */
  readonly shifts: number;
  readonly expandedColumns: number;
}

/** The shape of the ansatz `buildAnsatz` would build (each weight in one `ry` or `rz`). */
export function ansatzCircuitShape(size: AnsatzSize): CircuitShape {
  return {
    qubits: size.qubits,
    clbits: size.clbits,
    gates: size.gates,
    columns: size.inputs + size.weights,
    weights: size.weights,
    weightGates: size.weights,
    shifts: size.weights * shiftsPerOccurrence("ry"),
    expandedColumns: size.inputs + size.weights,
  };
}

/** The VQC's shape: its circuit, and the representation's when I(X;T) needs its own run. */
export interface VqcCostShape
  extends Pick<ProviderRunShape, "shots" | "informationShots" | "gradient"> {
  readonly kind: "vqc";
  readonly circuit: CircuitShape;
  /** null: the model circuit's evaluation also gives the representation. */
  readonly representation: CircuitShape | null;
  /**
   * How the backend runs circuits (`simulationKindOf`): statevectors in this process (the
   * local simulator), a density matrix or trajectories in this process (a twin: `noisyMethod`
   * picks per call, by cost), or remotely (this process only builds the rows and reads the
   * results back).
   */
  readonly simulation: SimulationKind;
  /**
   * `encoding: "linear"`: multiply-adds of one row's encoding angles φ = W·x + b (angles ×
   * features), charged like the MLP's: once per row built (every evaluated row, each SPSA
   * point, each Holevo state) and twice per differentiated row (φ, then ∂L/∂W = ∂L/∂φ·xᵀ).
   * 0 for `fixed`.
   */
  readonly encodingMultiplyAdds: number;
}

/** The model's shape: the VQC's circuits and settings, or the MLP's (or linear model's) layers. */
export type ModelCostShape =
  | VqcCostShape
  | { readonly kind: "mlp"; readonly layers: readonly MlpLayerLayout[] };

export interface CostInput {
  readonly spec: JobSpec;
  readonly data: DataShape;
  readonly model: ModelCostShape;
}

/** The spec fields that multiply a run's cost, as `field → value` (for messages and plans). */
export type CostDrivers = Readonly<Record<string, string | number | boolean>>;

export interface JobCost {
  /** Amplitude-operations of the whole run (see module comment for the unit). */
  readonly amplitudeOperations: number;
  /** Bytes alive at once in the largest step or evaluation, dataset included. */
  readonly peakMemoryBytes: number;
  readonly drivers: CostDrivers;
}

/** Full batches of an epoch and the size of the last, partial one (0 when none). */
export function epochBatches(
  trainSamples: number,
  batchSize: number,
): { full: number; last: number } {
  const full = Math.floor(trainSamples / batchSize);
  return { full, last: trainSamples - full * batchSize };
}

/**
 * Feedback probes of the first epoch and of the whole run: once per epoch, or whenever the
 * global step count is a multiple of `feedback.every` (as `trainModel` does).
 */
export function feedbackProbes(
  spec: JobSpec,
  stepsPerEpoch: number,
): { firstEpoch: number; total: number } {
  const { feedback, training } = spec;
  if (feedback.mode === "off") return { firstEpoch: 0, total: 0 };
  if (feedback.every === "epoch") return { firstEpoch: 1, total: training.epochs };
  return {
    firstEpoch: Math.ceil(stepsPerEpoch / feedback.every),
    total: Math.ceil((training.epochs * stepsPerEpoch) / feedback.every),
  };
}

/** Amplitude-operations of one forward pass of one parameter row, readout included. */
export function forwardOperations(circuit: Pick<CircuitShape, "qubits" | "gates">): number {
  return (circuit.gates + 1) * (2 ** circuit.qubits + GATE_OVERHEAD_AMPLITUDES);
}

/**
 * Amplitude-operations of one row on a noisy simulator (a twin), by the method it will use
 * (`noisyMethod`): the density matrix's 4 passes over 4ⁿ entries per gate, or the shots'
 * trajectories and the row's no-event path over 2ⁿ amplitudes; plus the fixed per-gate
 * overhead and the readout, as {@link forwardOperations}. Trajectories draw their shots
 * themselves, so the sampler's per-shot cost is only charged beside the density matrix (the
 * caller adds it for both: a bound).
 */
export function noisyRowOperations(
  circuit: Pick<CircuitShape, "qubits" | "gates">,
  shots: number,
): number {
  const { qubits, gates } = circuit;
  const work =
    noisyMethod(qubits, gates, shots) === "density"
      ? densityRowOperations(qubits, gates)
      : trajectoryRowOperations(qubits, gates, shots);
  return work + (gates + 1) * GATE_OVERHEAD_AMPLITUDES + 2 ** qubits;
}

/** Bytes of state one noisy call of the circuit keeps alive (`noisyStateBytes`). */
export function noisyCallBytes(
  circuit: Pick<CircuitShape, "qubits" | "gates">,
  shots: number,
): number {
  const { qubits, gates } = circuit;
  return noisyStateBytes(qubits, gates, noisyMethod(qubits, gates, shots));
}

// the sampler owns its weight (the simulator paces by it); the cost model charges it per shot
export { shotOperations };

/** Amplitudes of a circuit's state and the work of one forward pass on one row. */
function circuitSize(circuit: CircuitShape) {
  return {
    amplitudes: 2 ** circuit.qubits,
    forward: forwardOperations(circuit),
    outcomes: 2 ** circuit.clbits,
  };
}

interface Part {
  readonly operations: number;
  readonly bytes: number;
}

function vqcCost(input: CostInput, model: VqcCostShape) {
  const { spec, data } = input;
  const { circuit, representation, shots, informationShots, gradient, simulation } = model;
  const simulated = simulation === "statevector";
  const size = circuitSize(circuit);
  // the classical encoding map of one row (linear encoding; 0 for fixed)
  const encoding = model.encodingMultiplyAdds * MLP_OPERATIONS_PER_MULTIPLY_ADD;
  const stateBytes = size.amplitudes * BYTES_PER_AMPLITUDE;
  const statesOf = (shape: CircuitShape | null) =>
    shape === null || !simulated ? 0 : circuitSize(shape).amplitudes * BYTES_PER_AMPLITUDE;
  // one workspace state per compiled circuit stays allocated for the run; the Holevo quantity
  // is always simulated here
  let workspaceBytes = Math.max(statesOf(circuit), spec.infoPlane.holevo ? stateBytes : 0);
  workspaceBytes += statesOf(representation);
  // a noisy call allocates its ρ (or trajectory states) and frees it: the largest one counts
  if (simulation === "noisy") {
    workspaceBytes += Math.max(
      noisyCallBytes(circuit, shots),
      representation === null ? 0 : noisyCallBytes(representation, informationShots),
    );
  }
  // the linear encoding's W (angles × features), counted once as the MLP counts its weights
  workspaceBytes += model.encodingMultiplyAdds * FLOAT64_BYTES;

  /**
   * Operations and bytes of one provider call of `rows` rows of `columns` columns. A remote
   * backend's rows cost this process their parameter values and outcome distribution only.
   */
  const callCost = (
    shape: CircuitShape,
    rows: number,
    callShots: number,
    columns = shape.columns,
  ) => {
    const outcomes = 2 ** shape.clbits;
    const perRow =
      simulation === "remote"
        ? columns + outcomes
        : (simulated ? forwardOperations(shape) : noisyRowOperations(shape, callShots)) +
          callShots * shotOperations(shape.clbits);
    const resultBytes = rows * outcomes * (FLOAT64_BYTES + (callShots > 0 ? UINT32_BYTES : 0));
    return {
      operations: rows * perRow,
      bytes: rows * columns * FLOAT64_BYTES + resultBytes,
    };
  };

  const evaluation = (rows: number, information: boolean): Part => {
    const called = callCost(circuit, rows, shots);
    // the rows are built once, whatever runs them
    const own = { operations: called.operations + rows * encoding, bytes: called.bytes };
    if (!information || representation === null) return own;
    const measured = callCost(representation, rows, informationShots);
    return {
      operations: own.operations + measured.operations,
      bytes: own.bytes + measured.bytes,
    };
  };

  const rowBytes = (rows: number) => rows * circuit.columns * FLOAT64_BYTES;
  let step: (rows: number) => Part;
  switch (gradient) {
    case "adjoint": {
      // λ, plus the forward snapshots: the simulator keeps them only when they all fit its
      // budget; counting at most the budget keeps the estimate monotone in the circuit's size
      const snapshots = circuit.weightGates * stateBytes;
      workspaceBytes += stateBytes + Math.min(snapshots, DEFAULT_SNAPSHOT_BUDGET_BYTES);
      // the batch is differentiated in chunks of rows (`VqcModel.lossAndGradient`)
      const chunkRows = adjointChunkRows(circuit.weights, size.outcomes);
      step = (rows) => {
        const chunk = Math.min(rows, chunkRows);
        return {
          operations: rows * (ADJOINT_PASSES * size.forward + 2 * encoding),
          bytes: callCost(circuit, chunk, 0).bytes + chunk * circuit.weights * FLOAT64_BYTES,
        };
      };
      break;
    }
    case "parameter-shift":
      // the expanded circuit: one column per weight occurrence, same gates
      workspaceBytes += statesOf(circuit);
      step = (rows) => {
        const shifted = callCost(
          circuit,
          rows * (circuit.shifts + 1),
          shots,
          circuit.expandedColumns,
        );
        // the batch's rows, the shifted call, the Jacobian and the unshifted probabilities
        const jacobian = rows * size.outcomes * (circuit.weights + 1) * FLOAT64_BYTES;
        return {
          operations: shifted.operations + rows * 2 * encoding,
          bytes: rowBytes(rows) + shifted.bytes + jacobian,
        };
      };
      break;
    case "spsa":
      step = (rows) => {
        const both = callCost(circuit, 2 * rows, shots);
        // the w + cΔ and w − cΔ rows, then both in one matrix
        return {
          operations: both.operations + 2 * rows * encoding,
          bytes: rowBytes(2 * rows) + both.bytes,
        };
      };
      break;
  }

  const holevoRows = spec.infoPlane.holevo
    ? spec.infoPlane.split === "train"
      ? data.train.samples
      : data.test.samples
    : 0;
  // one state at a time, then its reduced density matrices and eigensolves (the readout
  // register is the circuit's classical bits), then the mean state's eigensolve
  const holevo =
    holevoRows > 0
      ? holevoRows * (size.forward + encoding) +
        holevoOperations(circuit.qubits, circuit.clbits, holevoRows)
      : 0;
  return { evaluation, step, holevo, workspaceBytes };
}

/** The MLP, and the linear model as the MLP with no hidden layer (`layers` = the output layer). */
function mlpCost(layers: readonly MlpLayerLayout[], representation: "output" | "hidden") {
  const last = present(layers.at(-1), "the MLP's output layer");
  const weights = last.biasOffset + last.units;
  // T: the last hidden layer's activations, or the outputs, of every evaluated sample
  const representationUnits = representation === "hidden" ? last.inputs : last.units;
  const evaluation = (rows: number, information: boolean): Part => ({
    operations: rows * weights * MLP_OPERATIONS_PER_MULTIPLY_ADD,
    bytes: information ? rows * representationUnits * FLOAT64_BYTES : 0,
  });
  const step = (rows: number): Part => ({
    operations: 3 * rows * weights * MLP_OPERATIONS_PER_MULTIPLY_ADD,
    bytes: 0,
  });
  return { evaluation, step, holevo: 0, workspaceBytes: weights * FLOAT64_BYTES };
}

/** The spec fields that multiply this run's work and memory. */
function driversOf(input: CostInput): CostDrivers {
  const { spec, data } = input;
  const drivers: Record<string, string | number | boolean> = {};
  if (spec.model.kind === "circuit") {
    drivers["model.qasm"] = `${spec.model.qubits}-qubit program`;
  } else if (spec.model.kind === "vqc") {
    drivers["model.qubits"] = spec.model.qubits;
    drivers["model.layers"] = spec.model.layers;
    drivers["model.entangler"] = spec.model.entangler;
  } else if (spec.model.kind === "mlp") {
    drivers["model.hidden"] = `[${spec.model.hidden.join(",")}]`;
  } else {
    drivers["model.kind"] = spec.model.kind;
  }
  // generated datasets have exactly `samples` rows; the others have their own size
  const rows = data.train.samples + data.test.samples + (data.validation?.samples ?? 0);
  if (rows === spec.dataset.samples) drivers["dataset.samples"] = rows;
  else drivers["dataset.name"] = `${spec.dataset.name} (${rows} rows)`;
  drivers["training.batchSize"] = spec.training.batchSize;
  drivers["training.epochs"] = spec.training.epochs;
  if (spec.model.kind === "vqc" || spec.model.kind === "circuit") {
    drivers["training.gradient"] = spec.training.gradient;
    if (spec.backend.shots > 0) drivers["backend.shots"] = spec.backend.shots;
    if (spec.infoPlane.shots > 0) drivers["infoPlane.shots"] = spec.infoPlane.shots;
    if (spec.infoPlane.holevo) drivers["infoPlane.holevo"] = true;
  }
  if (spec.feedback.mode !== "off") {
    drivers["feedback.every"] = spec.feedback.every;
    drivers["feedback.probeSize"] = spec.feedback.probeSize;
  }
  return drivers;
}

/** Amplitude-operations and peak memory of the run described by `input`. */
export function estimateJobCost(input: CostInput): JobCost {
  const { spec, data, model } = input;
  const { training, infoPlane, feedback } = spec;
  const parts =
    model.kind === "vqc" ? vqcCost(input, model) : mlpCost(model.layers, spec.model.representation);
  const { full, last } = epochBatches(data.train.samples, training.batchSize);
  const stepsPerEpoch = full + (last > 0 ? 1 : 0);
  const onTrain = infoPlane.split === "train";
  const fullStep = full > 0 ? parts.step(training.batchSize) : { operations: 0, bytes: 0 };
  const lastStep = last > 0 ? parts.step(last) : { operations: 0, bytes: 0 };
  const trainEvaluation = parts.evaluation(data.train.samples, onTrain);
  const testEvaluation = parts.evaluation(data.test.samples, !onTrain);
  const validationSamples = data.validation?.samples ?? 0;
  const validationEvaluation =
    validationSamples > 0
      ? parts.evaluation(validationSamples, false)
      : { operations: 0, bytes: 0 };
  const probes = feedbackProbes(spec, stepsPerEpoch);
  const probeRows = probes.total > 0 ? Math.min(feedback.probeSize, data.train.samples) : 0;
  const probe = probeRows > 0 ? parts.evaluation(probeRows, true) : { operations: 0, bytes: 0 };

  // every training sample is stepped once and every split evaluated once per epoch
  const overhead =
    stepsPerEpoch * STEP_OVERHEAD_OPERATIONS +
    (2 * data.train.samples + data.test.samples + validationSamples) * SAMPLE_OVERHEAD_OPERATIONS;
  const perEpoch =
    full * fullStep.operations +
    lastStep.operations +
    trainEvaluation.operations +
    testEvaluation.operations +
    validationEvaluation.operations +
    parts.holevo +
    overhead;
  const amplitudeOperations =
    training.epochs * perEpoch +
    probes.total * (probe.operations + probeRows * SAMPLE_OVERHEAD_OPERATIONS);

  const dataBytes =
    (data.train.samples + data.test.samples + validationSamples) *
    data.featureCount *
    FLOAT64_BYTES *
    FEATURE_COPIES;
  // an epoch's evaluations are one provider call over every split's rows (`row-batches.ts`),
  // then infoPlane.split's representation run when it has its own: both results alive
  const informedRows = onTrain ? data.train.samples : data.test.samples;
  const evaluationBytes =
    parts.evaluation(data.train.samples + data.test.samples + validationSamples, false).bytes +
    parts.evaluation(informedRows, true).bytes -
    parts.evaluation(informedRows, false).bytes;
  const largestCall = Math.max(fullStep.bytes, lastStep.bytes, evaluationBytes, probe.bytes);
  return {
    amplitudeOperations,
    peakMemoryBytes: dataBytes + parts.workspaceBytes + largestCall,
    drivers: driversOf(input),
  };
}
