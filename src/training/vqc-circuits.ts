/**
 * The VQC's circuits and registers for a spec (docs/science.md §Model): the ansatz, the
 * readout register for the data's classes or the regression head, and T's qubits
 * (`infoPlane.register`). Arithmetic on the spec and the data's shape only, so planning and
 * admission use it before any data exists.
 */

import { buildAnsatz, type Encoding, readoutQubitsForClasses } from "../circuits/ansatz.js";
import { type Circuit, withMeasured } from "../circuits/ir.js";
import { QplaneError } from "../errors/catalogue.js";
import { MAX_HOLEVO_REGISTER_QUBITS } from "../infoplane/holevo.js";
import { initialWeightEntries, modelProgramOf, programCircuit } from "./circuit-program.js";
import type { PreparedData } from "./model.js";
import { REGRESSION_READOUT_QUBITS } from "./readout.js";
import type { JobSpec } from "./spec.js";

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
  /** `model.initialWeights` of a circuit model: [index among θ, value] (none for the ansatz). */
  readonly fixedWeights: readonly (readonly [number, number])[];
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
  if (model.kind === "circuit") return programCircuits(spec, data);
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
    fixedWeights: [],
  };
}

/**
 * `model.kind: "circuit"`: the program's circuit, fed like the fixed encoding (feature j in
 * column j, then the weights), so the loss, readout and gradients are the built-in VQC's.
 */
function programCircuits(
  spec: JobSpec,
  data: Pick<PreparedData, "task" | "classes" | "featureCount">,
): VqcCircuits {
  const readoutQubits = vqcReadoutQubits(spec, data);
  const program = modelProgramOf(spec.model, data.featureCount);
  const circuit = programCircuit(program);
  const tQubits = representationQubits(spec, readoutQubits);
  const weights = circuit.parameters.length - data.featureCount;
  return {
    circuit,
    representationCircuit: sameQubits(tQubits, readoutQubits)
      ? circuit
      : withMeasured(circuit, tQubits),
    circuitWeights: weights,
    encodingAngles: 0,
    variationalWeights: weights,
    readoutQubits,
    // the weight columns follow the features in declaration order (programCircuit)
    fixedWeights: initialWeightEntries(spec.model, program),
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
  // a circuit model's readout is checked with its feature inputs: it needs the count
  data: Pick<PreparedData, "task" | "classes"> & { readonly featureCount?: number },
): readonly number[] {
  const { model } = spec;
  const readoutQubits =
    model.kind === "circuit"
      ? modelProgramOf(model, featureCountOf(data)).readoutQubits
      : model.readout === "auto"
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

function featureCountOf(data: { readonly featureCount?: number }): number {
  if (data.featureCount === undefined) {
    throw new RangeError("a circuit model's readout needs the data's feature count");
  }
  return data.featureCount;
}

/** Shots of the information-plane measurement: infoPlane.shots 0 means "as backend.shots". */
export function informationShotsOf(spec: JobSpec): number {
  return spec.infoPlane.shots > 0 ? spec.infoPlane.shots : spec.backend.shots;
}
