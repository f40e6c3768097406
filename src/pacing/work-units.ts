/**
 * The local simulator's work and memory constants that the cost model charges before any
 * provider exists (admission sizes a spec in microseconds): kept here, below both, so the
 * simulator paces by the same numbers the cost model prices with, and training needs no
 * concrete provider.
 */

/**
 * One sampled shot (a uniform draw, then a binary search over the outcomes' cumulative
 * probabilities) in amplitude-operations, the unit of pacing.ts and of the cost model:
 * measured 15 ns for 2 outcomes, 34 ns for 16, 64 ns for 256, 130 ns for 2^16 idle (18, 39,
 * 75, 136 ns beside other work) ≈ 10 ns + 7.5 ns per outcome bit, i.e. 12 + 9 per bit at the
 * simulator's rate (SIMULATOR_OPERATIONS_PER_SECOND, `src/training/cost.ts`) on a 2-core
 * cloud VM, Node 20; `npm run bench:admission` measures both on another machine.
 */
const SHOT_OPERATIONS = 12;
const SHOT_OPERATIONS_PER_OUTCOME_BIT = 9;

/** Amplitude-operations of sampling one shot from `clbits` classical bits' outcomes. */
export function shotOperations(clbits: number): number {
  return SHOT_OPERATIONS + SHOT_OPERATIONS_PER_OUTCOME_BIT * clbits;
}

/**
 * Default memory for states the adjoint sweep saves in its forward pass: 64 MiB (e.g. 4096
 * states of 8 qubits).
 */
export const DEFAULT_SNAPSHOT_BUDGET_BYTES = 64 * 1024 * 1024;

/** Largest circuit the density-matrix simulator holds: 4^12 complex entries = 256 MiB. */
export const DENSITY_MAX_QUBITS = 12;

/**
 * Passes over ρ's 4ⁿ entries of one gate with its noise (the gate, depolarizing, relaxation
 * of each operand): what the density simulator meters per gate.
 */
const DENSITY_PASSES_PER_GATE = 4;
/**
 * Passes over the 2ⁿ amplitudes per gate: of the no-event path, traced once per row with its
 * jump-test reads (3), and charged per shot as a whole trajectory (2: the gate and its Kraus
 * or Pauli draw). A shot's real cost is lower (it starts from the path at its first event,
 * and half the shots of a device-like circuit have none), so this bounds it.
 */
const PATH_PASSES_PER_GATE = 3;
const TRAJECTORY_PASSES_PER_GATE = 2;

/** How the noisy simulator runs a circuit: the exact density matrix or seeded trajectories. */
export type NoisyMethod = "density" | "trajectories";

/** Amplitude-operations of one row on the density matrix (gates with their noise). */
export function densityRowOperations(qubits: number, gates: number): number {
  return DENSITY_PASSES_PER_GATE * gates * 4 ** qubits;
}

/** Amplitude-operations of one row's `shots` trajectories, the no-event path included. */
export function trajectoryRowOperations(qubits: number, gates: number, shots: number): number {
  return (PATH_PASSES_PER_GATE + TRAJECTORY_PASSES_PER_GATE * shots) * gates * 2 ** qubits;
}

/**
 * The noisy simulator's choice, by cost: exact probabilities (shots 0) need the density
 * matrix; beyond DENSITY_MAX_QUBITS only trajectories exist; otherwise the cheaper of the two
 * per row, the density matrix on a tie: 4·4ⁿ ≤ (3 + 2·shots)·2ⁿ, i.e. shots ≥ 2ⁿ⁺¹ − 1.5
 * (4 qubits from 31 shots, 8 from 511, 12 from 8191). A function of the circuit's size
 * and the shots only, so a seed gives the same counts on every run.
 */
export function noisyMethod(qubits: number, gates: number, shots: number): NoisyMethod {
  if (shots === 0) return "density";
  if (qubits > DENSITY_MAX_QUBITS) return "trajectories";
  return densityRowOperations(qubits, gates) <= trajectoryRowOperations(qubits, gates, shots)
    ? "density"
    : "trajectories";
}

/**
 * Bytes of statevector checkpoints a trajectory run keeps along its no-event path
 * (`providers/local/trajectories.ts`): 16 MiB.
 */
export const CHECKPOINT_BYTES = 16 * 2 ** 20;

/**
 * Bytes of state one noisy call keeps alive: ρ (16·4ⁿ), or a trajectory's statevector, the
 * no-event path's final cumulative probabilities (8·2ⁿ) and its checkpoints (one state per
 * gate, at least one, at most CHECKPOINT_BYTES' worth).
 */
export function noisyStateBytes(qubits: number, gates: number, method: NoisyMethod): number {
  if (method === "density") return 16 * 4 ** qubits;
  const state = 16 * 2 ** qubits;
  const checkpoints = Math.max(1, Math.min(gates, Math.floor(CHECKPOINT_BYTES / state)));
  return state + 8 * 2 ** qubits + checkpoints * state;
}
