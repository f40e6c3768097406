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
