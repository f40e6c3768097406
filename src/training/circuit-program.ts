/**
 * `model.kind: "circuit"`: the user's OpenQASM 3 program as the VQC's circuit
 * (docs/circuits.md). The spec checks the program's text when it is parsed (a position in
 * every refusal); the full model conventions — which inputs are features, which bits are
 * the readout — need the data's feature count, so they are checked where the data's shape
 * is known (admission, planning, the worker), still before anything runs.
 */

import { type Circuit, createCircuit, withMeasured } from "../circuits/ir.js";
import { analyzeModelProgram, type ModelProgram } from "../circuits/qasm3/model-program.js";
import { parseQasm3Program } from "../circuits/qasm3/parse.js";
import { QplaneError } from "../errors/catalogue.js";
import type { ModelSpec } from "./spec.js";

/** The longest inline program, in characters: the HTTP body-size limit's order (256 KiB). */
export const MAX_QASM_CHARS = 256 * 1024;

/** The most qubits a circuit model may declare: the built-in model's `model.qubits` maximum. */
export const MAX_CIRCUIT_MODEL_QUBITS = 24;

/** A refusal from the parser or the analysis, as a spec error naming the field. */
function specError(error: unknown, field: string): QplaneError {
  if (!(error instanceof QplaneError)) throw error;
  // option refusals already name the option ("featureInputs: …"): put the spec path before it
  const named = /^(featureInputs|readout)\b/.test(error.message);
  return new QplaneError(
    "QPLANE_ERR_SPEC_INVALID",
    named ? `spec.model.${error.message}` : `${field}: ${error.message}`,
  );
}

/**
 * The qubits a program declares, checking its text (syntax, gates, measurements) without
 * the data: every input counts as a weight here. Throws QplaneError with line and column.
 */
export function programQubits(qasm: string): number {
  const parsed = parseQasm3Program(qasm, {
    maxQubits: MAX_CIRCUIT_MODEL_QUBITS,
    maxPhysicalQubits: MAX_CIRCUIT_MODEL_QUBITS,
    maxRegisterSize: 64,
    inputParameter: (name) => ({ kind: "weight", name }),
  });
  return parsed.circuit.numQubits;
}

/** The analysed program of a circuit model for `featureCount` features (after scaling / reduction). */
export function modelProgramOf(
  model: Pick<ModelSpec, "qasm" | "featureInputs" | "readoutBits">,
  featureCount: number,
): ModelProgram {
  if (model.qasm === undefined) {
    throw new QplaneError(
      "QPLANE_ERR_SPEC_INVALID",
      `spec.model.qasm: model.kind "circuit" needs the program`,
    );
  }
  try {
    return analyzeModelProgram(model.qasm, {
      featureCount,
      maxQubits: MAX_CIRCUIT_MODEL_QUBITS,
      ...(model.featureInputs === undefined ? {} : { featureInputs: model.featureInputs }),
      ...(model.readoutBits === undefined ? {} : { readout: model.readoutBits }),
    });
  } catch (error) {
    throw specError(error, "spec.model.qasm");
  }
}

/**
 * `model.initialWeights` as [weight index, value] pairs (index k: the k-th weight in
 * declaration order), refusing a name that is not one of the program's weights.
 */
export function initialWeightEntries(
  model: Pick<ModelSpec, "initialWeights">,
  program: ModelProgram,
): (readonly [number, number])[] {
  return Object.entries(model.initialWeights ?? {}).map(([name, value]) => {
    const k = program.weightNames.indexOf(name);
    if (k >= 0) return [k, value] as const;
    const j = program.featureInputNames.indexOf(name);
    const why =
      j >= 0
        ? `input ${name} receives feature ${j}; only weights take initial values`
        : `the program declares no input ${name}`;
    throw new QplaneError(
      "QPLANE_ERR_SPEC_INVALID",
      `spec.model.initialWeights.${name}: ${why} (got ${value}; weights: ${weightList(program.weightNames)})`,
    );
  });
}

/** The weights' names for a message: the first 8, then how many more. */
function weightList(names: readonly string[]): string {
  if (names.length === 0) return "none";
  const shown = names.slice(0, 8).join(", ");
  return names.length > 8 ? `${shown}, … (${names.length} in all)` : shown;
}

/**
 * The program as the VQC runs it: parameter columns [feature 0 … F−1, weights in declaration
 * order] (the fixed encoding's row layout) and clbit i = bit i of the readout register.
 */
export function programCircuit(program: ModelProgram): Circuit {
  const { circuit } = program;
  const weights = circuit.parameters.filter((parameter) => parameter.kind === "weight");
  const ordered = createCircuit({
    ...circuit,
    parameters: [
      ...program.featureInputNames.map((name) => ({ kind: "input" as const, name })),
      ...weights,
    ],
  });
  return withMeasured(ordered, program.readoutQubits);
}
