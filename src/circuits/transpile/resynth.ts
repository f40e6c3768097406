/**
 * One-qubit resynthesis: every maximal run of CONSTANT one-qubit gates on a qubit (ended by
 * a two-qubit gate or a parametric gate on that qubit, or by the end of the circuit) is
 * multiplied into one 2×2 unitary and re-emitted in the fewest {rz, sx, x} gates, up to a
 * global phase:
 * - identity → nothing; diagonal → one rz;
 * - X up to phase → x (anti-diagonal → rz, x);
 * - an X90-type unitary (ZYZ angle θ = π/2) → rz·sx·rz;
 * - anything else → rz·sx·rz·sx·rz (the u3 identity of basis.ts).
 * Parametric gates are never touched: their angles must stay affine inside an rz, and the
 * peephole pass ({@link optimizeGates}) merges a synthesised rz into a neighbouring
 * parametric one afterwards.
 *
 * The decomposition divides out √det so the matrix is [[a, −b̄], [b, ā]] with
 * a = cos(θ/2)·e^{−i(φ+λ)/2}, b = sin(θ/2)·e^{i(φ−λ)/2}, θ ∈ [0, π]; the sign ambiguity of
 * √det only shifts λ by 2π (a global phase), so the angles are well defined.
 */
import { GATES } from "../gates.js";
import type { Gate } from "../ir.js";
import { multiply2x2, writeMatrix1 } from "../matrices.js";
import { wrapAngle } from "./optimize.js";

const PI = Math.PI;
const BASIS_1Q: ReadonlySet<string> = new Set(["rz", "sx", "x"]);
/**
 * Structural tolerance: angles this close to a special case snap to it. Snapping moves
 * amplitudes by up to half of it, so it stays far below the 1e-10 to which transpiled
 * distributions are exact (1e-9 broke that: fast-check found u3(−2e-10, 0, 0) → identity
 * shifting a probability by 1.0000001e-10), yet far above the rounding of a product of
 * a few hundred 2×2 matrices (~1e-14).
 */
const TOLERANCE = 1e-11;

/** Scratch for one gate matrix (reused: synthesis runs on every transpile). */
/** A gate's matrix at 0, the new product at 8. */
const scratch = new Float64Array(16);
const product = new Float64Array(8);
const IDENTITY_2X2 = [1, 0, 0, 0, 0, 0, 1, 0];

function isConstantOneQubit(gate: Gate): boolean {
  return GATES[gate.name].qubitCount === 1 && gate.args.every((arg) => typeof arg === "number");
}

function rz(q: number, angle: number): Gate[] {
  const wrapped = wrapAngle(angle);
  return Math.abs(wrapped) < TOLERANCE ? [] : [{ name: "rz", qubits: [q], args: [wrapped] }];
}

const sx = (q: number): Gate => ({ name: "sx", qubits: [q], args: [] });

/**
 * Fewest {rz, sx, x} gates (circuit order) equal to the unitary up to a global phase.
 * `m` holds u00, u01, u10, u11 as interleaved (re, im).
 */
export function synthesizeOneQubit(q: number, m: ArrayLike<number>): Gate[] {
  const r00 = m[0]!;
  const i00 = m[1]!;
  const r01 = m[2]!;
  const i01 = m[3]!;
  const r10 = m[4]!;
  const i10 = m[5]!;
  const r11 = m[6]!;
  const i11 = m[7]!;
  const cosHalf = Math.hypot(r00, i00);
  const sinHalf = Math.hypot(r10, i10);
  const theta = 2 * Math.atan2(sinHalf, cosHalf);
  if (theta < TOLERANCE) {
    // diagonal: diag(e^{iα}, e^{iβ}) = rz(β − α) up to phase
    return rz(q, Math.atan2(i11, r11) - Math.atan2(i00, r00));
  }
  if (PI - theta < TOLERANCE) {
    // anti-diagonal: x·rz(μ) = [[0, e^{iμ/2}], [e^{−iμ/2}, 0]], so μ = arg u01 − arg u10
    const mu = Math.atan2(i01, r01) - Math.atan2(i10, r10);
    return [...rz(q, mu), { name: "x", qubits: [q], args: [] }];
  }
  // divide by √det: det = u00·u11 − u01·u10
  const detRe = r00 * r11 - i00 * i11 - (r01 * r10 - i01 * i10);
  const detIm = r00 * i11 + i00 * r11 - (r01 * i10 + i01 * r10);
  const halfPhase = Math.atan2(detIm, detRe) / 2;
  const argA = Math.atan2(i00, r00) - halfPhase;
  const argB = Math.atan2(i10, r10) - halfPhase;
  const phi = argB - argA;
  const lambda = -argA - argB;
  if (Math.abs(theta - PI / 2) < TOLERANCE) {
    // sx = e^{iπ/4}·rz(−π/2)·ry(π/2)·rz(π/2) (matrix order), so rz(a) sx rz(b) (circuit
    // order) = rz(b − π/2)·ry(π/2)·rz(a + π/2): a = λ − π/2, b = φ + π/2
    return [...rz(q, lambda - PI / 2), sx(q), ...rz(q, phi + PI / 2)];
  }
  // u3(θ, φ, λ) = rz(λ) sx rz(θ + π) sx rz(φ + π)
  return [...rz(q, lambda), sx(q), ...rz(q, theta + PI), sx(q), ...rz(q, phi + PI)];
}

/**
 * Rewrites each maximal run of constant one-qubit gates (see module comment). A run is
 * emitted just before the gate that ends it; gates on other qubits commute with it.
 * A run already in {rz, sx, x} whose synthesis would be longer is kept as it was
 * (its exact angles); any other gate in a run is always rewritten into the basis.
 */
export function resynthesizeOneQubitRuns(gates: readonly Gate[]): Gate[] {
  const out: Gate[] = [];
  const runs = new Map<number, Gate[]>();
  const flush = (q: number): void => {
    const run = runs.get(q);
    if (run === undefined || run.length === 0) return;
    runs.delete(q);
    // product U = M_k ⋯ M_1 of the run: product ← M · product for each gate in order
    product.set(IDENTITY_2X2);
    for (const gate of run) {
      const [a0 = 0, a1 = 0, a2 = 0] = gate.args as readonly number[];
      writeMatrix1(gate.name, a0, a1, a2, scratch, 0);
      multiply2x2(scratch, 0, product, 0, scratch, 8);
      product.set(scratch.subarray(8, 16));
    }
    const synthesized = synthesizeOneQubit(q, product);
    const keep = synthesized.length > run.length && run.every((g) => BASIS_1Q.has(g.name));
    out.push(...(keep ? run : synthesized));
  };
  for (const gate of gates) {
    if (isConstantOneQubit(gate)) {
      const q = gate.qubits[0]!;
      const run = runs.get(q);
      if (run === undefined) runs.set(q, [gate]);
      else run.push(gate);
      continue;
    }
    for (const q of gate.qubits) flush(q);
    out.push(gate);
  }
  for (const q of [...runs.keys()].sort((a, b) => a - b)) flush(q);
  return out;
}
