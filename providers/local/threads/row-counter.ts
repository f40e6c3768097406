/**
 * Which rows a thread computes. Threads sharing a run take rows one at a time from a counter
 * in shared memory (protocol.ts: NEXT_ROW, ROWS_FINISHED) instead of fixed shares, so a worker
 * that wakes late or runs on a busy core takes fewer rows and the calling thread never waits
 * for more than the rows in flight. A row's numbers do not depend on which thread computes
 * it, so neither do the results.
 */
import type { Paced } from "../pacing.js";
import { type PoolWorker, throwIfFailed, WAIT_SLICE_MS } from "./pool.js";
import { NEXT_ROW, ROWS_FINISHED, SPINS_BEFORE_SLEEP } from "./protocol.js";

/** The rows one thread computes. */
export interface RowSource {
  /** The next row to compute; the row count or more when none is left. */
  next(): number;
  /** Records that the last row taken has its results written. */
  finished(): void;
}

/** Every row, in order (the calling thread alone). */
export function rowsInOrder(): RowSource {
  let row = 0;
  return { next: () => row++, finished: () => {} };
}

/** Rows taken from the shared `counter`; none once `cancelled` (a stopped run). */
export function sharedRows(counter: Int32Array, cancelled: () => boolean): RowSource {
  return {
    next: () => (cancelled() ? Number.POSITIVE_INFINITY : Atomics.add(counter, NEXT_ROW, 1)),
    finished: () => {
      Atomics.add(counter, ROWS_FINISHED, 1);
      Atomics.notify(counter, ROWS_FINISHED);
    },
  };
}

/** Never stop early (the calling thread's share: its run stops by returning the generator). */
export const NEVER_CANCELLED = (): boolean => false;

/**
 * Waits until all `rows` rows of `counter` are finished, spinning briefly first (the last
 * rows in flight end within a row's time); fails when a worker's task failed or its thread
 * ended. A worker may still be about to find that no row is left: the pool waits for that
 * before the next run (pool.ts).
 */
export function* awaitRows(
  counter: Int32Array,
  rows: number,
  workers: readonly PoolWorker[],
): Paced<void> {
  for (;;) {
    for (let spin = 0; spin < SPINS_BEFORE_SLEEP; spin++)
      if (Atomics.load(counter, ROWS_FINISHED) >= rows) return;
    const finished = Atomics.load(counter, ROWS_FINISHED);
    if (finished >= rows) return;
    if (Atomics.wait(counter, ROWS_FINISHED, finished, WAIT_SLICE_MS) === "timed-out") {
      throwIfFailed(workers);
      yield;
    }
  }
}
