/**
 * How one call's work is shared out: which mode (rows or amplitude blocks) and which part
 * each thread takes. Thread 0 is the calling thread; parts are contiguous and fixed by the
 * counts alone, so a run is reproducible whatever finishes first.
 */
import type { Program } from "../program.js";
import { AMPLITUDE_SPLIT_MIN_QUBITS, MIN_PARALLEL_AMPLITUDE_OPERATIONS } from "./settings.js";

/**
 * serial: the calling thread alone. rows: each thread simulates a contiguous range of the
 * parameter rows on its own state. blocks: rows one after another, each gate pass split
 * across threads by amplitude blocks of one shared state (blocks.ts).
 */
export type ParallelMode = "serial" | "rows" | "blocks";

/** The mode of a forward pass of `rows` rows of `program` on `threads` threads. */
export function forwardMode(program: Program, rows: number, threads: number): ParallelMode {
  if (threads <= 1) return "serial";
  const perRow = program.opCount * program.dim;
  if (program.numQubits >= AMPLITUDE_SPLIT_MIN_QUBITS)
    return perRow >= MIN_PARALLEL_AMPLITUDE_OPERATIONS ? "blocks" : "serial";
  return rows >= 2 && rows * perRow >= MIN_PARALLEL_AMPLITUDE_OPERATIONS ? "rows" : "serial";
}

/**
 * The mode of an adjoint gradient pass: rows, below the amplitude-split size only (a large
 * state's backward sweep sums over every amplitude, which split across threads would not be
 * summed in a fixed order; and a state per thread would multiply its memory).
 */
export function adjointMode(program: Program, rows: number, threads: number): ParallelMode {
  if (program.numQubits >= AMPLITUDE_SPLIT_MIN_QUBITS) return "serial";
  // the backward sweep costs about twice the forward pass
  return threads > 1 &&
    rows >= 2 &&
    3 * rows * program.opCount * program.dim >= MIN_PARALLEL_AMPLITUDE_OPERATIONS
    ? "rows"
    : "serial";
}

/** Thread `thread`'s part [from, to) of `count` items shared by `threads` threads. */
export function shardRange(count: number, threads: number, thread: number): [number, number] {
  return [Math.floor((thread * count) / threads), Math.floor(((thread + 1) * count) / threads)];
}

/** Amplitude blocks for `threads` threads: the next power of two (blocks are aligned). */
export function blockCount(threads: number): number {
  let blocks = 1;
  while (blocks < threads) blocks *= 2;
  return blocks;
}
