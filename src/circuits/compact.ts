/**
 * Qubit compaction for simulation. A transpiled circuit addresses physical qubits, so its
 * `numQubits` is the highest physical index + 1 (101 for a layout near qubit 100 of a
 * 127-qubit device) although only a handful of qubits are ever touched. Idle qubits stay
 * in |0⟩ and are never measured, so dropping them changes no outcome probability: the
 * compact circuit has one qubit per touched qubit (in increasing original order), the
 * same gates and measurements renumbered, the same classical register and the same
 * parameter list (so the same parameter matrix binds it).
 */
import { type Circuit, createCircuit } from "./ir.js";

export interface CompactedCircuit {
  /** The circuit over touched qubits only (`physicalQubits` false: indices are no longer device qubits). */
  readonly circuit: Circuit;
  /** `qubits[k]` is the original qubit that compact qubit k stands for (increasing). */
  readonly qubits: readonly number[];
}

/** Results per (immutable) circuit: the same compact object keeps simulator caches warm. */
const compacted = new WeakMap<Circuit, CompactedCircuit>();

/**
 * Drops every qubit that no gate and no measurement touches (see module comment). A
 * circuit without idle qubits is returned as it is. A circuit touching no qubit at all
 * keeps its qubit 0 (a circuit needs at least one). Cached per circuit.
 */
export function compactIdleQubits(circuit: Circuit): CompactedCircuit {
  let result = compacted.get(circuit);
  if (result === undefined) {
    result = compact(circuit);
    compacted.set(circuit, result);
  }
  return result;
}

/** Qubits a circuit's gates and measurements touch, ascending. */
export function touchedQubits(circuit: Circuit): number[] {
  const touched = new Uint8Array(circuit.numQubits);
  for (const gate of circuit.gates) for (const q of gate.qubits) touched[q] = 1;
  for (const { qubit } of circuit.measurements) touched[qubit] = 1;
  const qubits: number[] = [];
  touched.forEach((used, q) => {
    if (used) qubits.push(q);
  });
  return qubits;
}

function compact(circuit: Circuit): CompactedCircuit {
  const qubits = touchedQubits(circuit);
  if (qubits.length === 0) qubits.push(0);
  if (qubits.length === circuit.numQubits) return { circuit, qubits };
  const index = new Int32Array(circuit.numQubits).fill(-1);
  qubits.forEach((q, k) => {
    index[q] = k;
  });
  const smaller = createCircuit({
    numQubits: qubits.length,
    numClbits: circuit.numClbits,
    physicalQubits: false,
    gates: circuit.gates.map((gate) => ({
      name: gate.name,
      qubits: gate.qubits.map((q) => index[q]!),
      args: gate.args,
    })),
    measurements: circuit.measurements.map(({ qubit, clbit }) => ({
      qubit: index[qubit]!,
      clbit,
    })),
    parameters: circuit.parameters,
  });
  return { circuit: smaller, qubits };
}
