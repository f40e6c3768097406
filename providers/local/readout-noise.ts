/**
 * Readout-error model: each measured qubit flips its reported bit independently with
 * p(read 1 | 0) and p(read 0 | 1). Applied to a register's probabilities as the tensor
 * product of per-clbit 2×2 confusion matrices, one in-place pass per bit; sampling from
 * the result is the same in distribution as flipping each shot's bits.
 */

import type { Circuit } from "../../src/circuits/ir.js";
import { QplaneError } from "../../src/errors/catalogue.js";

export interface ReadoutErrorModel {
  /** p(read 1 | prepared 0): one value for every qubit, or one per qubit index. */
  readonly p1Given0: number | readonly number[];
  /** p(read 0 | prepared 1): one value for every qubit, or one per qubit index. */
  readonly p0Given1: number | readonly number[];
}

/** Per-clbit flip probabilities for a circuit: [p1Given0, p0Given1] per clbit. */
export interface ClbitConfusion {
  readonly p1Given0: Float64Array;
  readonly p0Given1: Float64Array;
}

function valueFor(
  field: string,
  spec: number | readonly number[],
  qubit: number,
  numQubits: number,
): number {
  if (typeof spec !== "number" && spec.length !== numQubits) {
    throw new QplaneError(
      "QPLANE_ERR_SIM_NOISE",
      `readoutError.${field} has ${spec.length} entries; the circuit has ${numQubits} qubits`,
    );
  }
  const value = typeof spec === "number" ? spec : spec[qubit]!;
  if (!(value >= 0 && value <= 1)) {
    throw new QplaneError(
      "QPLANE_ERR_SIM_NOISE",
      `readoutError.${field}${typeof spec === "number" ? "" : `[${qubit}]`} must be in [0, 1], got ${value}`,
    );
  }
  return value;
}

export function clbitConfusion(circuit: Circuit, model: ReadoutErrorModel): ClbitConfusion {
  const p1Given0 = new Float64Array(circuit.numClbits);
  const p0Given1 = new Float64Array(circuit.numClbits);
  for (const { qubit, clbit } of circuit.measurements) {
    p1Given0[clbit] = valueFor("p1Given0", model.p1Given0, qubit, circuit.numQubits);
    p0Given1[clbit] = valueFor("p0Given1", model.p0Given1, qubit, circuit.numQubits);
  }
  return { p1Given0, p0Given1 };
}

/**
 * Applies the confusion matrices to probabilities p[o..o+2^k) in place; with `transpose`,
 * applies their transposes instead (the vector–Jacobian product of the noisy probabilities).
 */
export function applyReadoutError(
  confusion: ClbitConfusion,
  p: Float64Array,
  o: number,
  transpose = false,
): void {
  const bits = confusion.p1Given0.length;
  const size = 2 ** bits;
  for (let bit = 0; bit < bits; bit++) {
    const e10 = confusion.p1Given0[bit]!;
    const e01 = confusion.p0Given1[bit]!;
    if (e10 === 0 && e01 === 0) continue;
    const stride = 1 << bit;
    for (let base = 0; base < size; base += stride << 1) {
      for (let i = base; i < base + stride; i++) {
        const zero = p[o + i]!;
        const one = p[o + i + stride]!;
        if (transpose) {
          p[o + i] = (1 - e10) * zero + e10 * one;
          p[o + i + stride] = e01 * zero + (1 - e01) * one;
        } else {
          p[o + i] = (1 - e10) * zero + e01 * one;
          p[o + i + stride] = e10 * zero + (1 - e01) * one;
        }
      }
    }
  }
}
