/**
 * Amazon Braket results → qplane counts.
 *
 * Bit order: character (column) j of a Braket measurement belongs to `measuredQubits[j]`,
 * so the first measured qubit is the LEFTMOST character. qplane's outcome index is
 * Σ c[i]·2^i, with clbit i holding the qubit the circuit measures into it; both are
 * reconciled here by looking up, for every clbit, the column of its qubit.
 */
import type { Circuit } from "../../src/circuits/ir.js";
import { QplaneError } from "../../src/errors/catalogue.js";

/** One measured program (a single-program task result, or one executable of a set). */
export interface MeasuredResult {
  readonly measurements?: readonly (readonly number[])[];
  readonly measurementProbabilities?: Readonly<Record<string, number>>;
  readonly measuredQubits?: readonly number[];
}

/** For every clbit, the measurement column holding it (−1: never measured, always 0). */
export function clbitColumns(circuit: Circuit, measuredQubits: readonly number[]): Int32Array {
  const columns = new Int32Array(circuit.numClbits).fill(-1);
  for (const { qubit, clbit } of circuit.measurements) {
    const column = measuredQubits.indexOf(qubit);
    if (column < 0) {
      throw new QplaneError(
        "QPLANE_ERR_PROVIDER_JOB_FAILED",
        `Braket result has no measurement of qubit ${qubit} (measuredQubits [${measuredQubits.join(", ")}]) for clbit ${clbit}`,
      );
    }
    columns[clbit] = column;
  }
  return columns;
}

function outcomeOf(bits: ArrayLike<number | string>, columns: Int32Array): number {
  let outcome = 0;
  for (let clbit = 0; clbit < columns.length; clbit++) {
    const column = columns[clbit]!;
    if (column >= 0 && Number(bits[column]) === 1) outcome += 2 ** clbit;
  }
  return outcome;
}

/**
 * Adds a result's counts into `out[offset … offset + 2^numClbits)`. Probabilities-only
 * results become counts by rounding probability × shots.
 */
export function addCounts(
  circuit: Circuit,
  result: MeasuredResult,
  shots: number,
  out: Uint32Array,
  offset: number,
): void {
  const measuredQubits =
    result.measuredQubits ??
    Array.from({ length: circuit.numQubits }, (_, qubit) => qubit); /* all measured */
  const columns = clbitColumns(circuit, measuredQubits);
  if (result.measurements) {
    for (const shot of result.measurements) out[offset + outcomeOf(shot, columns)]! += 1;
    return;
  }
  if (result.measurementProbabilities) {
    for (const [key, probability] of Object.entries(result.measurementProbabilities)) {
      out[offset + outcomeOf(key, columns)]! += Math.round(probability * shots);
    }
    return;
  }
  throw new QplaneError(
    "QPLANE_ERR_PROVIDER_JOB_FAILED",
    "Braket result has neither measurements nor measurementProbabilities",
  );
}

/** A `probability` result type: `value[k]` over `targets`, the first target the MSB of k. */
interface ProbabilityResultType {
  readonly type?: { readonly type?: string; readonly targets?: readonly number[] };
  readonly value?: unknown;
}

/**
 * Writes a shots = 0 result's exact outcome probabilities into
 * `out[offset … offset + 2^numClbits)`. Reads the `probability` entry of `resultTypes`;
 * its index is big-endian over its targets (the result's own, else `targets`), so target j
 * is bit (m − 1 − j) of the index, while qplane's outcome has clbit i at bit i.
 */
export function addProbabilities(
  circuit: Circuit,
  result: { readonly resultTypes?: readonly ProbabilityResultType[] },
  targets: readonly number[],
  out: Float64Array,
  offset: number,
): void {
  const entry = (result.resultTypes ?? []).find(
    (resultType) => resultType.type?.type?.toLowerCase() === "probability",
  );
  if (entry === undefined || !Array.isArray(entry.value)) {
    throw new QplaneError(
      "QPLANE_ERR_PROVIDER_JOB_FAILED",
      "Braket result has no probability result type (resultTypes[].type.type = probability)",
    );
  }
  const qubits = entry.type?.targets ?? targets;
  const values = entry.value as readonly number[];
  const width = qubits.length;
  if (values.length !== 2 ** width) {
    throw new QplaneError(
      "QPLANE_ERR_PROVIDER_JOB_FAILED",
      `Braket probability result has ${values.length} values for ${width} target qubit(s) [${qubits.join(", ")}]; expected ${2 ** width}`,
    );
  }
  const columns = clbitColumns(circuit, qubits);
  for (let index = 0; index < values.length; index++) {
    let outcome = 0;
    for (let clbit = 0; clbit < columns.length; clbit++) {
      const column = columns[clbit]!;
      if (column >= 0 && ((index >> (width - 1 - column)) & 1) === 1) outcome += 2 ** clbit;
    }
    out[offset + outcome]! += Number(values[index]);
  }
}
