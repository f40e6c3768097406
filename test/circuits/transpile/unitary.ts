/** Dense unitaries of small gate lists, for checking identities up to a global phase. */
import { GATES } from "../../../src/circuits/gates.js";
import type { Angle, Gate } from "../../../src/circuits/ir.js";
import { gateMatrix } from "../../../src/circuits/matrices.js";

export type Binding = ReadonlyMap<string, number>;

export function evaluate(angle: Angle, binding: Binding): number {
  if (typeof angle === "number") return angle;
  const value = binding.get(angle.name);
  if (value === undefined) throw new Error(`unbound ${angle.name}`);
  return angle.scale * value + angle.offset;
}

/** Row-major interleaved complex dim×dim unitary of the gates (little-endian qubits). */
export function unitaryOf(
  gates: readonly Gate[],
  numQubits: number,
  binding: Binding = new Map(),
): Float64Array {
  const dim = 1 << numQubits;
  // columns: apply gates to each basis state
  const u = new Float64Array(2 * dim * dim);
  for (let col = 0; col < dim; col++) {
    const re = new Float64Array(dim);
    const im = new Float64Array(dim);
    re[col] = 1;
    for (const gate of gates) {
      const m = gateMatrix(
        gate.name,
        gate.args.map((a) => evaluate(a, binding)),
      );
      const k = GATES[gate.name].qubitCount;
      const qs = gate.qubits;
      const size = 1 << k;
      const nr = new Float64Array(dim);
      const ni = new Float64Array(dim);
      for (let i = 0; i < dim; i++) {
        let local = 0;
        for (let b = 0; b < k; b++) local |= ((i >> qs[b]!) & 1) << b;
        let base = i;
        for (let b = 0; b < k; b++) base &= ~(1 << qs[b]!);
        for (let l = 0; l < size; l++) {
          let j = base;
          for (let b = 0; b < k; b++) if ((l >> b) & 1) j |= 1 << qs[b]!;
          const mr = m[2 * (local * size + l)]!;
          const mi = m[2 * (local * size + l) + 1]!;
          nr[i]! += mr * re[j]! - mi * im[j]!;
          ni[i]! += mr * im[j]! + mi * re[j]!;
        }
      }
      re.set(nr);
      im.set(ni);
    }
    for (let row = 0; row < dim; row++) {
      u[2 * (row * dim + col)] = re[row]!;
      u[2 * (row * dim + col) + 1] = im[row]!;
    }
  }
  return u;
}

/** max |a − e^{iφ} b| over entries, with φ fitted from the largest entry. */
export function phaseDistance(a: Float64Array, b: Float64Array): number {
  let best = 0;
  let k = 0;
  for (let i = 0; i < a.length; i += 2) {
    const mag = Math.hypot(a[i]!, a[i + 1]!);
    if (mag > best) {
      best = mag;
      k = i;
    }
  }
  // phase = a_k / b_k
  const br = b[k]!;
  const bi = b[k + 1]!;
  const bm = br * br + bi * bi;
  if (bm < 1e-20) return Number.POSITIVE_INFINITY;
  const pr = (a[k]! * br + a[k + 1]! * bi) / bm;
  const pi = (a[k + 1]! * br - a[k]! * bi) / bm;
  let worst = 0;
  for (let i = 0; i < a.length; i += 2) {
    const er = a[i]! - (pr * b[i]! - pi * b[i + 1]!);
    const ei = a[i + 1]! - (pr * b[i + 1]! + pi * b[i]!);
    worst = Math.max(worst, Math.hypot(er, ei));
  }
  return worst;
}
