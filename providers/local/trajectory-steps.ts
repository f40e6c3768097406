/**
 * The steps of one quantum trajectory (trajectories.ts): a gate, then its noise channels as
 * drawn outcomes on the statevector (random Paulis, amplitude damping's Kraus operators, a
 * dephasing Z), then a shot of the final state with its readout flips. Every random outcome
 * comes from a `Draw` (a uniform in [0, 1)), one per channel in a fixed order, so a trajectory
 * can be replayed from recorded draws.
 */
import { MATRIX1_SIZE } from "../../src/circuits/matrices.js";
import { applyDiagonal1, applyMatrix1, applyReal1, applyX } from "./kernels.js";
import type { NoisePlan } from "./noise-plan.js";
import type { Paced, WorkMeter } from "./pacing.js";
import type { Program } from "./program.js";
import type { ClbitConfusion } from "./readout-noise.js";
import { applyOp, type OutcomeMap, outcomeOf, type Statevector } from "./statevector.js";

/** A uniform draw in [0, 1). */
export type Draw = () => number;

const PAULI_Y = Float64Array.of(0, 0, 0, -1, 0, 1, 0, 0);
const PAULI_Z = Float64Array.of(1, 0, 0, 0, 0, 0, -1, 0);
/** Scratch for a Kraus operator (a 2×2 matrix in the kernels' layout). */
const kraus = new Float64Array(MATRIX1_SIZE);

/** Applies Pauli `pauli` (0 = I, 1 = X, 2 = Y, 3 = Z) to qubit q. */
function applyPauli(state: Statevector, q: number, pauli: number): void {
  const { re, im } = state;
  if (pauli === 1) applyX(re, im, re.length, q);
  else if (pauli === 2) applyMatrix1(re, im, re.length, q, PAULI_Y, 0);
  else if (pauli === 3) applyDiagonal1(re, im, re.length, q, PAULI_Z, 0);
}

/** Σ |ψ_i|² over the indices with bit q set: the unnormalised population of qubit q = 1. */
export function excitedPopulation(state: Statevector, q: number): number {
  const { re, im } = state;
  const stride = 1 << q;
  let total = 0;
  for (let base = stride; base < re.length; base += stride << 1) {
    const end = base + stride;
    for (let i = base; i < end; i++) total += re[i]! * re[i]! + im[i]! * im[i]!;
  }
  return total;
}

/** ‖ψ‖² (the state is kept unnormalised: see {@link relax}). */
export function normSquared(state: Statevector): number {
  const { re, im } = state;
  let total = 0;
  for (let i = 0; i < re.length; i++) total += re[i]! * re[i]! + im[i]! * im[i]!;
  return total;
}

/**
 * The Pauli a depolarizing draw u picks on k qubits: 0 (identity) when u ≥ p, else u/p —
 * uniform on [0, 1) — indexes the 4ᵏ Paulis, two bits (I, X, Y, Z) per operand.
 */
export function pauliIndex(u: number, p: number, k: number): number {
  if (u >= p) return 0;
  const paulis = 4 ** k;
  return Math.min(paulis - 1, Math.floor((u / p) * paulis));
}

/**
 * Depolarizing p on `qubits` as a random Pauli (module comment); one draw when p > 0.
 * Returns the number of passes over the state, for the work meter.
 */
function depolarize(state: Statevector, qubits: readonly number[], p: number, draw: Draw): number {
  if (p === 0) return 0;
  const index = pauliIndex(draw(), p, qubits.length);
  if (index === 0) return 0;
  for (let k = 0; k < qubits.length; k++) applyPauli(state, qubits[k]!, (index >>> (2 * k)) & 3);
  return qubits.length;
}

/** Whether amplitude damping's draw u (< γ) picks the jump K1 on a state of norm² and P(1)·norm². */
export function jumps(u: number, decay: number, norm2: number, excited: number): boolean {
  return u * norm2 < decay * excited;
}

/** Amplitude damping's K0 = diag(1, √(1 − γ)) on qubit q: the |0⟩ half is left alone. */
export function applyNoJump(state: Statevector, q: number, keptExcited: number): void {
  kraus.fill(0);
  kraus[0] = 1;
  kraus[6] = Math.sqrt(keptExcited);
  applyDiagonal1(state.re, state.im, state.re.length, q, kraus, 0);
}

/** Probability of the Z completing relaxation's dephasing: (1 − e^{−t/T2}/√(e^{−t/T1}))/2. */
export function dephasingFlip(keptExcited: number, keptCoherence: number): number {
  return (1 - keptCoherence / Math.sqrt(keptExcited)) / 2;
}

/**
 * Thermal relaxation of qubit q towards |0⟩ (module comment): amplitude damping by its Kraus
 * operators, drawn with their probabilities on the current state, then the extra dephasing.
 *
 * The state is left unnormalised (a trajectory's distribution only needs ratios, and the
 * shot draw scales by ‖ψ‖²): K0 then scales only the |1⟩ half, and the jump test u < γ·P(1)
 * needs P(1) only when u < γ, since P(1) ≤ 1 — with γ ~ 10⁻³ per gate, a relaxation usually
 * costs half a pass instead of two. The norm shrinks by at most 1 − γ per skipped test, a
 * skip having that probability, so it cannot underflow in practice.
 * Returns the number of passes over the state, for the work meter.
 */
function relax(
  state: Statevector,
  q: number,
  keptExcited: number,
  keptCoherence: number,
  draw: Draw,
): number {
  let passes = 0;
  if (keptExcited < 1) {
    const decay = 1 - keptExcited; // γ
    const u = draw();
    // jump iff u < γ·P(1) = γ·excited/‖ψ‖²; impossible when u ≥ γ
    if (u < decay && jumps(u, decay, normSquared(state), excitedPopulation(state, q))) {
      kraus.fill(0);
      kraus[2] = 1; // K1/√γ: the |1⟩ half moves to |0⟩
      applyReal1(state.re, state.im, state.re.length, q, kraus, 0);
      passes += 3;
    } else {
      applyNoJump(state, q, keptExcited);
      passes += u < decay ? 2 : 1;
    }
  }
  const flip = dephasingFlip(keptExcited, keptCoherence);
  if (flip > 0 && draw() < flip) {
    applyPauli(state, q, 3);
    passes += 1;
  }
  return passes;
}

/** What the trajectories of one circuit need: the unfused program, its noise, buffers. */
export interface TrajectoryRun {
  readonly program: Program;
  readonly plan: NoisePlan;
  readonly opOfGate: Int32Array;
  readonly state: Statevector;
  readonly outcomes: OutcomeMap;
  readonly confusion: ClbitConfusion | undefined;
}

/**
 * Runs a trajectory on from gate `from` (its state: the one before that gate) to the end,
 * drawing every noise outcome with `draw`, pausing when `meter` says.
 */
export function* runTrajectory(
  run: TrajectoryRun,
  from: number,
  draw: Draw,
  meter: WorkMeter,
): Paced<void> {
  const { program, plan, opOfGate, state } = run;
  const { gates } = program.circuit;
  const dim = program.dim;
  for (let g = from; g < gates.length; g++) {
    const op = opOfGate[g]!;
    let passes = 0;
    if (op >= 0) {
      applyOp(program, op, state, program.matrices, program.matrixOffset[op]!);
      passes++;
    }
    const qubits = gates[g]!.qubits;
    passes += depolarize(state, qubits, plan.depolarizing[g]!, draw);
    for (let k = 0; k < qubits.length; k++) {
      const slot = 2 * g + k;
      passes += relax(state, qubits[k]!, plan.keptExcited[slot]!, plan.keptCoherence[slot]!, draw);
    }
    if (meter.spend(passes * dim)) yield;
  }
}

/**
 * One shot of the trajectory's (unnormalised) state: a basis index drawn from |ψ|²/‖ψ‖² by a
 * running sum (two passes at most), its register outcome, then each measured bit's readout
 * flip.
 */
export function sampleShot(run: TrajectoryRun, draw: Draw): number {
  const { re, im } = run.state;
  const u = draw() * normSquared(run.state);
  let cumulative = 0;
  let index = -1;
  let lastPossible = 0;
  for (let i = 0; i < re.length; i++) {
    const p = re[i]! * re[i]! + im[i]! * im[i]!;
    if (p === 0) continue;
    lastPossible = i;
    cumulative += p;
    if (cumulative > u) {
      index = i;
      break;
    }
  }
  // the running sum may fall short of ‖ψ‖² by rounding: u beyond it takes the last possible index
  return readOut(run, outcomeOf(run.outcomes, index < 0 ? lastPossible : index), draw);
}

/** A register outcome as read out: each measured bit flips with P(1|0) or P(0|1). */
export function readOut(run: TrajectoryRun, outcome: number, draw: Draw): number {
  const { confusion } = run;
  if (confusion === undefined) return outcome;
  let read = outcome;
  for (let bit = 0; bit < confusion.p1Given0.length; bit++) {
    const one = (read >>> bit) & 1;
    const flip = one ? confusion.p0Given1[bit]! : confusion.p1Given0[bit]!;
    if (flip > 0 && draw() < flip) read ^= 1 << bit;
  }
  return read;
}
