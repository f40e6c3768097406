/**
 * How many threads one simulation may use (`QPLANE_THREADS`) and when using them pays.
 *
 * A process runs its simulations on at most `QPLANE_THREADS` threads: the calling thread plus
 * `QPLANE_THREADS − 1` pooled workers (pool.ts). The default is every core the process may use
 * (`os.availableParallelism()`); 1 keeps the single-threaded simulator. A machine running
 * W jobs at once (worker concurrency × worker processes, or `qplane experiment --parallel`)
 * should give each max(1, ⌊cores / W⌋) threads so that it is not oversubscribed (README).
 */
import { availableParallelism } from "node:os";
import { QplaneError } from "../../../src/errors/catalogue.js";

export const THREADS_VARIABLE = "QPLANE_THREADS";
/** More threads than this is a typo, not a machine. */
export const MAX_THREADS = 256;

/**
 * Least work (amplitude-operations, pacing.ts) of one call worth sharing out: waking a worker
 * and collecting its shard costs 20–100 µs on a loaded 2-core VM, about 2^16 amplitude-
 * operations; below 2^18 (≈ 0.3 ms of simulation) the calling thread runs alone. A batch of
 * 16 rows of the 4-qubit benchmark circuit is 2^13.
 */
export const MIN_PARALLEL_AMPLITUDE_OPERATIONS = 2 ** 18;

/**
 * From this many simulated qubits a forward pass splits each gate pass across threads by
 * amplitude blocks of one shared state (blocks.ts) instead of giving each thread its own rows
 * and its own state: one 2^14-amplitude gate pass (≈ 20 µs) pays for a barrier, and threads
 * do not multiply the memory of large states.
 */
export const AMPLITUDE_SPLIT_MIN_QUBITS = 14;

/**
 * Memory the workers of one adjoint gradient pass may hold for their rows' states (each its
 * own state, λ and saved states: (2 + saved states) × 16 · 2^qubits bytes; the saved states stay
 * within the snapshot budget, 64 MiB by default): at 22 qubits a worker needs 128 MiB (state
 * and λ; the saved states exceed the budget), so two workers may join; at 24 qubits 512 MiB,
 * so the pass stays on the calling thread. Workers free states of 14 qubits and more after
 * the pass.
 */
export const ADJOINT_THREADS_MEMORY_BYTES = 256 * 2 ** 20;

/** Parses a `QPLANE_THREADS` value: unset or empty → `cores`; else an integer in 1..256. */
export function parseThreadCount(value: string | undefined, cores: number): number {
  if (value === undefined || value.trim() === "") return Math.max(1, Math.min(cores, MAX_THREADS));
  const threads = Number(value.trim());
  if (!/^\d+$/.test(value.trim()) || threads < 1 || threads > MAX_THREADS) {
    throw new QplaneError(
      "QPLANE_ERR_CONFIG",
      `${THREADS_VARIABLE} must be an integer in 1..${MAX_THREADS} (threads per simulation), got "${value}"`,
    );
  }
  return threads;
}

let override: number | undefined;
let fromEnvironment: number | undefined;

/** Threads a simulation may use: set by {@link setThreadCount}, else `QPLANE_THREADS`. */
export function threadCount(): number {
  if (override !== undefined) return override;
  fromEnvironment ??= parseThreadCount(process.env[THREADS_VARIABLE], availableParallelism());
  return fromEnvironment;
}

/**
 * Sets the thread count for this process (benchmarks, tests); undefined returns to
 * `QPLANE_THREADS`. Results never depend on it, only speed.
 */
export function setThreadCount(threads: number | undefined): void {
  if (threads !== undefined) parseThreadCount(String(threads), 1);
  override = threads;
}
