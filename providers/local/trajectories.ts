/**
 * Seeded quantum-trajectory (Monte-Carlo wavefunction) sampling of noisy circuits: the noisy
 * simulator's shots beyond the density-matrix limit (DENSITY_MAX_QUBITS, density-simulator.ts).
 * A trajectory evolves one statevector through the unfused program with the statevector
 * kernels (kernels.ts) and, after every gate, draws one outcome of each of the gate's noise
 * channels from the same NoisePlan as the density matrix (noise-plan.ts):
 *
 *   depolarizing p on k qubits:  with probability p a uniformly random k-qubit Pauli (identity
 *                                included), i.e. each non-identity Pauli with p/4ᵏ and in all
 *                                p·(4ᵏ − 1)/4ᵏ: Qiskit depolarizing_error(p, k) as a mixture;
 *   thermal relaxation:          amplitude damping γ = 1 − e^{−t/T1} by its Kraus operators
 *                                K1 = √γ·|0⟩⟨1| (probability γ·P(1) on the current state) or
 *                                K0 = diag(1, √(1 − γ)) (states are left unnormalised, see
 *                                relax); then a Z with probability
 *                                (1 − λ)/2, λ = e^{−t/T2}/√(e^{−t/T1}), the coherence loss
 *                                beyond amplitude damping's (λ ≤ 1 as T2 ≤ 2·T1): the channel of
 *                                noise-channels.ts, in the same order (depolarizing first);
 *   readout:                     each measured bit of the shot flips with P(1|0) or P(0|1), the
 *                                confusion (readout-noise.ts) applied to a sampled outcome.
 *
 * Averaged over trajectories, |ψ⟩⟨ψ|/‖ψ‖² equals the density matrix exactly, so the outcome of one
 * trajectory is an exact sample of the noisy distribution: one trajectory per shot. (Several
 * shots from one trajectory would be correlated — their variance would exceed the hardware's
 * at the same shot count — and the saving is small: a trajectory costs gates × 2ⁿ, its
 * outcome draw at most 2ⁿ more.) A circuit whose gates have no noise (readout aside) has one
 * trajectory; its shots are the statevector simulator's, readout included.
 *
 * Memory is the statevector's, 16·2ⁿ bytes (14 qubits 256 KiB, 20 qubits 16 MiB, 24 qubits
 * 256 MiB), so the qubit limit is the statevector simulator's (maxQubits, default 24). Time
 * grows with the shots instead: about shots × rows × (gates + noisy operands) × 2ⁿ
 * amplitude-operations (bench/noise.ts measures it). Exact probabilities are not estimated
 * from trajectories: beyond the density limit shots = 0 is refused (checkDensityQubitLimit).
 */
import type { Circuit } from "../../src/circuits/ir.js";
import { MATRIX1_SIZE } from "../../src/circuits/matrices.js";
import { type ParameterRowsInput, toParameterMatrix } from "../../src/circuits/parameters.js";
import { createRng, type Rng } from "../../src/random/rng.js";
import { applyDiagonal1, applyMatrix1, applyReal1, applyX } from "./kernels.js";
import type { NoiseModel } from "./noise-model.js";
import { type NoisePlan, resolveNoise } from "./noise-plan.js";
import { type Paced, runToEnd, type WorkMeter } from "./pacing.js";
import { bindRow, compileProgram, type Program } from "./program.js";
import { type ClbitConfusion, clbitConfusion } from "./readout-noise.js";
import {
  checkQubitLimit,
  checkShots,
  meterFor,
  pacedSampledCounts,
  type RegisterCounts,
  type SamplingOptions,
  type SimulatorOptions,
} from "./simulator.js";
import {
  allocateState,
  applyOp,
  buildOutcomeMap,
  type OutcomeMap,
  outcomeOf,
  resetState,
  type Statevector,
} from "./statevector.js";

/**
 * Program operation of each circuit gate of an unfused program (one operation per gate, so
 * noise can sit between gates); −1 for `id`, which has noise but no operation.
 */
export function operationOfEachGate(program: Program): Int32Array {
  const opOfGate = new Int32Array(program.circuit.gates.length).fill(-1);
  for (let op = 0; op < program.opCount; op++) {
    opOfGate[program.opGates[program.opGateStart[op]!]!] = op;
  }
  return opOfGate;
}

/** Whether any gate carries depolarizing or relaxation (readout alone needs no trajectories). */
export function hasGateNoise(plan: NoisePlan): boolean {
  return (
    plan.depolarizing.some((p) => p > 0) ||
    plan.keptExcited.some((kept) => kept < 1) ||
    plan.keptCoherence.some((kept) => kept < 1)
  );
}

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
function excitedPopulation(state: Statevector, q: number): number {
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
function normSquared(state: Statevector): number {
  const { re, im } = state;
  let total = 0;
  for (let i = 0; i < re.length; i++) total += re[i]! * re[i]! + im[i]! * im[i]!;
  return total;
}

/**
 * Depolarizing p on `qubits` as a random Pauli (module comment); one draw when p > 0.
 * Returns the number of passes over the state, for the work meter.
 */
function depolarize(state: Statevector, qubits: readonly number[], p: number, rng: Rng): number {
  if (p === 0) return 0;
  const u = rng.nextFloat();
  if (u >= p) return 0;
  const paulis = 4 ** qubits.length;
  // u/p is uniform on [0, 1): the Pauli's index, two bits (I, X, Y, Z) per operand
  const index = Math.min(paulis - 1, Math.floor((u / p) * paulis));
  for (let k = 0; k < qubits.length; k++) applyPauli(state, qubits[k]!, (index >>> (2 * k)) & 3);
  return qubits.length;
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
  rng: Rng,
): number {
  const { re, im } = state;
  let passes = 0;
  if (keptExcited < 1) {
    const decay = 1 - keptExcited; // γ
    const u = rng.nextFloat();
    // jump iff u < γ·P(1) = γ·excited/‖ψ‖²; impossible when u ≥ γ
    const jump = u < decay && u * normSquared(state) < decay * excitedPopulation(state, q);
    kraus.fill(0);
    if (jump) {
      kraus[2] = 1; // K1/√γ: the |1⟩ half moves to |0⟩
      applyReal1(re, im, re.length, q, kraus, 0);
      passes += 3;
    } else {
      kraus[0] = 1; // K0 = diag(1, √(1 − γ)): the |0⟩ half is left alone
      kraus[6] = Math.sqrt(keptExcited);
      applyDiagonal1(re, im, re.length, q, kraus, 0);
      passes += u < decay ? 2 : 1;
    }
  }
  const flip = (1 - keptCoherence / Math.sqrt(keptExcited)) / 2;
  if (flip > 0 && rng.nextFloat() < flip) {
    applyPauli(state, q, 3);
    passes += 1;
  }
  return passes;
}

/** What the trajectories of one circuit need: the unfused program, its noise, buffers. */
interface TrajectoryRun {
  readonly program: Program;
  readonly plan: NoisePlan;
  readonly opOfGate: Int32Array;
  readonly state: Statevector;
  readonly outcomes: OutcomeMap;
  readonly confusion: ClbitConfusion | undefined;
}

/** One trajectory from |0…0⟩ through the bound program, pausing when `meter` says. */
function* runTrajectory(run: TrajectoryRun, rng: Rng, meter: WorkMeter): Paced<void> {
  const { program, plan, opOfGate, state } = run;
  const { gates } = program.circuit;
  const dim = program.dim;
  resetState(state);
  for (let g = 0; g < gates.length; g++) {
    const op = opOfGate[g]!;
    let passes = 0;
    if (op >= 0) {
      applyOp(program, op, state, program.matrices, program.matrixOffset[op]!);
      passes++;
    }
    const qubits = gates[g]!.qubits;
    passes += depolarize(state, qubits, plan.depolarizing[g]!, rng);
    for (let k = 0; k < qubits.length; k++) {
      const slot = 2 * g + k;
      passes += relax(state, qubits[k]!, plan.keptExcited[slot]!, plan.keptCoherence[slot]!, rng);
    }
    if (meter.spend(passes * dim)) yield;
  }
}

/**
 * One shot of the trajectory's (unnormalised) state: a basis index drawn from |ψ|²/‖ψ‖² by a
 * running sum (two passes at most), its register outcome, then each measured bit's readout
 * flip.
 */
function sampleShot(run: TrajectoryRun, rng: Rng): number {
  const { re, im } = run.state;
  const u = rng.nextFloat() * normSquared(run.state);
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
  let outcome = outcomeOf(run.outcomes, index < 0 ? lastPossible : index);
  const { confusion } = run;
  if (confusion === undefined) return outcome;
  for (let bit = 0; bit < confusion.p1Given0.length; bit++) {
    const one = (outcome >>> bit) & 1;
    const flip = one ? confusion.p0Given1[bit]! : confusion.p1Given0[bit]!;
    if (flip > 0 && rng.nextFloat() < flip) outcome ^= 1 << bit;
  }
  return outcome;
}

/**
 * Seeded noisy shot counts by quantum trajectories, one per shot (module comment), pausing
 * between chunks of work. Draws come from `sampling.rng` (advancing) or a generator seeded
 * with `sampling.seed` (default 0) in a fixed order — row by row, shot by shot, gate by
 * gate — so equal seeds give equal counts.
 */
export function* pacedTrajectoryCounts(
  circuit: Circuit,
  rows: ParameterRowsInput,
  model: NoiseModel,
  sampling: SamplingOptions,
  options: SimulatorOptions = {},
): Paced<RegisterCounts> {
  checkQubitLimit(circuit, options.maxQubits);
  checkShots(sampling.shots, options.maxShots);
  const plan = resolveNoise(model, circuit);
  if (!hasGateNoise(plan)) {
    // every trajectory is the same pure state: the statevector simulator's shots
    return yield* pacedSampledCounts(circuit, rows, sampling, {
      ...options,
      readoutError: plan.readout,
    });
  }
  const rng = sampling.rng ?? createRng(sampling.seed ?? 0);
  const meter = meterFor(options);
  const matrix = toParameterMatrix(circuit, rows);
  const program = compileProgram(circuit, { fuse: false });
  const outcomes = buildOutcomeMap(program);
  const run: TrajectoryRun = {
    program,
    plan,
    opOfGate: operationOfEachGate(program),
    state: allocateState(program.dim),
    outcomes,
    confusion: plan.readout ? clbitConfusion(circuit, plan.readout) : undefined,
  };
  const { outcomeCount } = outcomes;
  const values = new Uint32Array(matrix.rows * outcomeCount);
  for (let row = 0; row < matrix.rows; row++) {
    bindRow(program, matrix.values, matrix.cols, row);
    const o = row * outcomeCount;
    for (let shot = 0; shot < sampling.shots; shot++) {
      yield* runTrajectory(run, rng, meter);
      values[o + sampleShot(run, rng)]!++;
      if (meter.spend(2 * program.dim)) yield;
    }
  }
  return { rows: matrix.rows, outcomeCount, shots: sampling.shots, values };
}

/** {@link pacedTrajectoryCounts} run to the end without pausing. */
export function trajectoryCounts(
  circuit: Circuit,
  rows: ParameterRowsInput,
  model: NoiseModel,
  sampling: SamplingOptions,
  options: SimulatorOptions = {},
): RegisterCounts {
  return runToEnd(pacedTrajectoryCounts(circuit, rows, model, sampling, options));
}
