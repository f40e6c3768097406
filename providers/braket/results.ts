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
