/**
 * Resolves a noise model for one circuit into flat per-gate numbers, once, so the simulation
 * loop reads typed arrays and never looks anything up: the depolarizing probability of each
 * gate and, per operand, the thermal-relaxation factors e^{−t/T1} (population kept in |1⟩)
 * and e^{−t/T2} (coherence kept) for the gate's duration t.
 */
import type { Circuit } from "../../src/circuits/ir.js";
import { QplaneError } from "../../src/errors/catalogue.js";
import { type NoiseModel, perGateValue } from "./noise-model.js";
import type { ReadoutErrorModel } from "./readout-noise.js";

export interface NoisePlan {
  /** Depolarizing probability after gate g. */
  readonly depolarizing: Float64Array;
  /** e^{−t/T1} of operand k of gate g at [2g + k]; 1 when nothing relaxes. */
  readonly keptExcited: Float64Array;
  /** e^{−t/T2} of operand k of gate g at [2g + k]; 1 when nothing relaxes. */
  readonly keptCoherence: Float64Array;
  /** Readout flips per qubit of the circuit, or undefined for none. */
  readonly readout: ReadoutErrorModel | undefined;
}

function checkCovers(field: string, length: number, numQubits: number): void {
  if (length < numQubits) {
    throw new QplaneError(
      "QPLANE_ERR_SIM_NOISE",
      `noise.${field} has ${length} entries; the circuit has ${numQubits} qubits (one entry per qubit)`,
    );
  }
}

export function resolveNoise(model: NoiseModel, circuit: Circuit): NoisePlan {
  const { numQubits, gates } = circuit;
  const depolarizing = new Float64Array(gates.length);
  const keptExcited = new Float64Array(2 * gates.length).fill(1);
  const keptCoherence = new Float64Array(2 * gates.length).fill(1);
  const relaxation = model.thermalRelaxation;
  if (relaxation) {
    checkCovers("thermalRelaxation.t1Ns", relaxation.t1Ns.length, numQubits);
  }
  gates.forEach((gate, g) => {
    if (model.depolarizing)
      depolarizing[g] = perGateValue(model.depolarizing, gate.name, gate.qubits);
    if (!relaxation) return;
    const durationNs = perGateValue(relaxation.gateDurationsNs, gate.name, gate.qubits);
    gate.qubits.forEach((qubit, k) => {
      keptExcited[2 * g + k] = Math.exp(-durationNs / relaxation.t1Ns[qubit]!);
      keptCoherence[2 * g + k] = Math.exp(-durationNs / relaxation.t2Ns[qubit]!);
    });
  });
  let readout: ReadoutErrorModel | undefined;
  if (model.readout) {
    checkCovers("readout", model.readout.length, numQubits);
    const used = model.readout.slice(0, numQubits);
    readout = { p1Given0: used.map(([p10]) => p10), p0Given1: used.map(([, p01]) => p01) };
  }
  return { depolarizing, keptExcited, keptCoherence, readout };
}
