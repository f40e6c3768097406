/**
 * A deliberately naive reference simulator for tests: applies each gate's full matrix
 * (from src/circuits/matrices.ts) by explicit index arithmetic, with no specialisation.
 * The fast kernels are checked against it.
 */
import { GATES } from "../../src/circuits/gates.js";
import { type Angle, type Circuit, parameterColumns } from "../../src/circuits/ir.js";
import { gateMatrix } from "../../src/circuits/matrices.js";

export interface DenseState {
  re: Float64Array;
  im: Float64Array;
}

export function angleValue(
  angle: Angle,
  row: readonly number[],
  columns: ReadonlyMap<string, number>,
): number {
  if (typeof angle === "number") return angle;
  const column = columns.get(angle.name);
  if (column === undefined) throw new Error(`no column for ${angle.name}`);
  return angle.scale * row[column]! + angle.offset;
}

export function denseStatevector(circuit: Circuit, row: readonly number[] = []): DenseState {
  const dimension = 1 << circuit.numQubits;
  let re = new Float64Array(dimension);
  let im = new Float64Array(dimension);
  re[0] = 1;
  const columns = parameterColumns(circuit);
  for (const gate of circuit.gates) {
    const args = gate.args.map((a) => angleValue(a, row, columns));
    const m = gateMatrix(gate.name, args);
    const k = GATES[gate.name].qubitCount;
    const size = 1 << k;
    const nextRe = new Float64Array(dimension);
    const nextIm = new Float64Array(dimension);
    for (let index = 0; index < dimension; index++) {
      // local row index from the gate's qubits (first qubit = low bit)
      let localRow = 0;
      gate.qubits.forEach((q, bit) => {
        localRow |= ((index >> q) & 1) << bit;
      });
      for (let localCol = 0; localCol < size; localCol++) {
        let source = index;
        gate.qubits.forEach((q, bit) => {
          source = (source & ~(1 << q)) | (((localCol >> bit) & 1) << q);
        });
        const mr = m[2 * (localRow * size + localCol)]!;
        const mi = m[2 * (localRow * size + localCol) + 1]!;
        nextRe[index]! += mr * re[source]! - mi * im[source]!;
        nextIm[index]! += mr * im[source]! + mi * re[source]!;
      }
    }
    re = nextRe;
    im = nextIm;
  }
  return { re, im };
}

/** Exact probabilities of the classical register, indexed by Σ c[i]·2^i. */
export function denseProbabilities(circuit: Circuit, row: readonly number[] = []): Float64Array {
  const { re, im } = denseStatevector(circuit, row);
  const probabilities = new Float64Array(1 << circuit.numClbits);
  for (let index = 0; index < re.length; index++) {
    let outcome = 0;
    for (const { qubit, clbit } of circuit.measurements) outcome |= ((index >> qubit) & 1) << clbit;
    probabilities[outcome]! += re[index]! ** 2 + im[index]! ** 2;
  }
  return probabilities;
}
