/**
 * Seeded quantum-trajectory (Monte-Carlo wavefunction) sampling of noisy circuits: the noisy
 * simulator's shots beyond the density-matrix limit (DENSITY_MAX_QUBITS), and below it when they
 * cost less than the density matrix (`noisyMethod`, src/pacing/work-units.ts).
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
 * trajectory; its shots are the statevector simulator's, readout included. Every trajectory
 * follows one deterministic no-event path until its first noise event, so that path is
 * simulated once per row and shots start from it (NoEventPath): the same draws and counts as
 * simulating each from |0⟩, at a fraction of the cost when events are rare.
 *
 * Memory is the statevector's, 16·2ⁿ bytes (14 qubits 256 KiB, 20 qubits 16 MiB, 24 qubits
 * 256 MiB), plus up to CHECKPOINT_BYTES (16 MiB) of the no-event path's checkpoints, so the
 * qubit limit is the statevector simulator's (maxQubits, default 24). Time grows with the
 * shots instead: at most shots × rows × (gates + noisy operands) × 2ⁿ amplitude-operations
 * (bench/noise.ts measures it). Exact probabilities are not estimated from trajectories:
 * beyond the density limit shots = 0 is refused (checkDensityQubitLimit).
 */
import type { Circuit } from "../../src/circuits/ir.js";
import { type ParameterRowsInput, toParameterMatrix } from "../../src/circuits/parameters.js";
import { CHECKPOINT_BYTES } from "../../src/pacing/work-units.js";
import { createRng } from "../../src/random/rng.js";
import type { NoiseModel } from "./noise-model.js";
import { type NoisePlan, resolveNoise } from "./noise-plan.js";
import { type Paced, runToEnd, type WorkMeter } from "./pacing.js";
import { bindRow, compileProgram, type Program } from "./program.js";
import { clbitConfusion } from "./readout-noise.js";
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
  outcomeOf,
  resetState,
  type Statevector,
} from "./statevector.js";
import {
  applyNoJump,
  type Draw,
  dephasingFlip,
  excitedPopulation,
  jumps,
  normSquared,
  pauliIndex,
  readOut,
  runTrajectory,
  sampleShot,
  type TrajectoryRun,
} from "./trajectory-steps.js";

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

// CHECKPOINT_BYTES (work-units.ts, where the cost model reads it too): at 14 qubits (256 KiB a
// state) one checkpoint every 4 gates of a 250-gate circuit, at 16 every 16 (a shot replays 7
// of 250 gates on average); at 20+ qubits only |0⟩'s.

/**
 * The no-event path of one bound row: the trajectory whose every noise draw picks the
 * identity Pauli, K0 and no Z. It is deterministic, and every trajectory follows it until its
 * first event, so it is simulated once per row and shots start from it:
 *   - what its jump tests read (‖ψ‖² and P(1)·‖ψ‖² before each relaxation), so a shot's
 *     draws find its first event without touching the state;
 *   - checkpoints of its state every `every` gates, so a shot whose first event is at gate g
 *     replays at most `every` − 1 gates from the checkpoint before g, then runs on from g
 *     with the draws of gate g it already made (so its draws, and its counts, are exactly
 *     those of a trajectory simulated from |0⟩);
 *   - its final state's cumulative |ψ|², so a shot without events is a binary search.
 * With a device's error rates (~0.5 events per shot on bench:noise's 250-gate circuit) about
 * half the shots cost no simulation, the rest on average half a trajectory. The path is left
 * unnormalised like any trajectory: its ‖ψ‖² bounds the probability of reaching it without an
 * event, so a gate where it has underflowed is never reached by a shot.
 */
interface NoEventPath {
  readonly every: number;
  readonly checkpoints: readonly Statevector[];
  /** ‖ψ‖² and P(1)·‖ψ‖² before the relaxation of operand k of gate g, at [2g + k]. */
  readonly norm2: Float64Array;
  readonly excited: Float64Array;
  /** Cumulative |ψ_i|² of the final state (its last entry: ‖ψ‖²). */
  readonly cdf: Float64Array;
  /** Last index of the final state with nonzero probability. */
  lastPossible: number;
}

function allocateNoEventPath(program: Program, checkpointBytes: number): NoEventPath {
  const gates = program.circuit.gates.length;
  const count = Math.max(1, Math.min(gates, Math.floor(checkpointBytes / (16 * program.dim))));
  return {
    every: Math.ceil(Math.max(gates, 1) / count),
    checkpoints: Array.from({ length: count }, () => allocateState(program.dim)),
    norm2: new Float64Array(2 * gates),
    excited: new Float64Array(2 * gates),
    cdf: new Float64Array(program.dim),
    lastPossible: 0,
  };
}

function copyState(from: Statevector, to: Statevector): void {
  to.re.set(from.re);
  to.im.set(from.im);
}

/**
 * Advances the state along the no-event path over gates [from, to): each gate's operation,
 * then K0 on its relaxing operands. With `record`, also keeps the path's checkpoints and jump
 * test inputs.
 */
function* advanceWithoutEvents(
  run: TrajectoryRun,
  from: number,
  to: number,
  meter: WorkMeter,
  record?: NoEventPath,
): Paced<void> {
  const { program, plan, opOfGate, state } = run;
  const { gates } = program.circuit;
  for (let g = from; g < to; g++) {
    if (record && g % record.every === 0) copyState(state, record.checkpoints[g / record.every]!);
    const op = opOfGate[g]!;
    if (op >= 0) applyOp(program, op, state, program.matrices, program.matrixOffset[op]!);
    const qubits = gates[g]!.qubits;
    for (let k = 0; k < qubits.length; k++) {
      const slot = 2 * g + k;
      const keptExcited = plan.keptExcited[slot]!;
      if (keptExcited === 1) continue;
      if (record) {
        record.norm2[slot] = normSquared(state);
        record.excited[slot] = excitedPopulation(state, qubits[k]!);
      }
      applyNoJump(state, qubits[k]!, keptExcited);
    }
    if (meter.spend((record ? 3 : 2) * program.dim)) yield;
  }
}

/** Simulates the no-event path of the bound row into `path`. */
function* traceNoEventPath(run: TrajectoryRun, path: NoEventPath, meter: WorkMeter): Paced<void> {
  resetState(run.state);
  yield* advanceWithoutEvents(run, 0, run.program.circuit.gates.length, meter, path);
  const { re, im } = run.state;
  let cumulative = 0;
  for (let i = 0; i < re.length; i++) {
    const p = re[i]! * re[i]! + im[i]! * im[i]!;
    if (p > 0) path.lastPossible = i;
    cumulative += p;
    path.cdf[i] = cumulative;
  }
}

/**
 * Draws a shot's noise along the no-event path up to its first event; returns the event's
 * gate (the gate count when there is none) with that gate's draws in `pending`, in the order
 * the trajectory makes them (depolarizing, then per operand the damping and dephasing draws).
 */
function firstEvent(
  plan: NoisePlan,
  program: Program,
  path: NoEventPath,
  pending: number[],
  draw: Draw,
): number {
  const { gates } = program.circuit;
  for (let g = 0; g < gates.length; g++) {
    pending.length = 0;
    const qubits = gates[g]!.qubits;
    const p = plan.depolarizing[g]!;
    if (p > 0) {
      const u = draw();
      pending.push(u);
      if (pauliIndex(u, p, qubits.length) !== 0) return g;
    }
    for (let k = 0; k < qubits.length; k++) {
      const slot = 2 * g + k;
      const keptExcited = plan.keptExcited[slot]!;
      if (keptExcited < 1) {
        const decay = 1 - keptExcited;
        const u = draw();
        pending.push(u);
        if (u < decay && jumps(u, decay, path.norm2[slot]!, path.excited[slot]!)) return g;
      }
      const flip = dephasingFlip(keptExcited, plan.keptCoherence[slot]!);
      if (flip > 0) {
        const u = draw();
        pending.push(u);
        if (u < flip) return g;
      }
    }
  }
  return gates.length;
}

/** A shot of the no-event path's final state: the first index whose cumulative |ψ|² exceeds u·‖ψ‖². */
function sampleNoEventShot(run: TrajectoryRun, path: NoEventPath, draw: Draw): number {
  const { cdf } = path;
  const u = draw() * cdf[cdf.length - 1]!;
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid]! > u) hi = mid;
    else lo = mid + 1;
  }
  // as sampleShot: u at or beyond the total (rounding) takes the last possible index
  const index = cdf[lo]! > u ? lo : path.lastPossible;
  return readOut(run, outcomeOf(run.outcomes, index), draw);
}

/** One shot from the no-event path (see {@link NoEventPath}); its outcome as read out. */
function* sharedPrefixShot(
  run: TrajectoryRun,
  path: NoEventPath,
  pending: number[],
  draw: Draw,
  meter: WorkMeter,
): Paced<number> {
  const event = firstEvent(run.plan, run.program, path, pending, draw);
  const gates = run.program.circuit.gates.length;
  if (event === gates) return sampleNoEventShot(run, path, draw);
  const checkpoint = Math.floor(event / path.every);
  copyState(path.checkpoints[checkpoint]!, run.state);
  yield* advanceWithoutEvents(run, checkpoint * path.every, event, meter);
  let replayed = 0;
  const replay: Draw = () => (replayed < pending.length ? pending[replayed++]! : draw());
  yield* runTrajectory(run, event, replay, meter);
  return sampleShot(run, draw);
}

/** Options of {@link pacedTrajectoryCounts} beyond the simulator's. */
export interface TrajectoryOptions extends SimulatorOptions {
  /**
   * Start shots from the row's no-event path (NoEventPath). false: simulate every shot from
   * |0⟩ — the same counts, slower; the reference the shortcut is tested against.
   * @defaultValue true
   */
  readonly shareNoEventPath?: boolean;
  /** Memory for the no-event path's checkpoints. @defaultValue CHECKPOINT_BYTES */
  readonly checkpointBytes?: number;
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
  options: TrajectoryOptions = {},
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
  const draw: Draw = () => rng.nextFloat();
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
  const path =
    options.shareNoEventPath === false
      ? undefined
      : allocateNoEventPath(program, options.checkpointBytes ?? CHECKPOINT_BYTES);
  const pending: number[] = [];
  for (let row = 0; row < matrix.rows; row++) {
    bindRow(program, matrix.values, matrix.cols, row);
    if (path) yield* traceNoEventPath(run, path, meter);
    const o = row * outcomeCount;
    for (let shot = 0; shot < sampling.shots; shot++) {
      let outcome: number;
      if (path) {
        outcome = yield* sharedPrefixShot(run, path, pending, draw, meter);
      } else {
        resetState(run.state);
        yield* runTrajectory(run, 0, draw, meter);
        outcome = sampleShot(run, draw);
      }
      values[o + outcome]!++;
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
  options: TrajectoryOptions = {},
): RegisterCounts {
  return runToEnd(pacedTrajectoryCounts(circuit, rows, model, sampling, options));
}
