/**
 * How one call's work is shared out: which mode (rows or amplitude blocks), how many threads,
 * and which blocks each thread takes (thread 0 is the calling thread; rows are taken one at a
 * time instead, row-counter.ts). Which thread computes a row or a block never changes its
 * numbers, so a run is reproducible whatever finishes first.
 */
import type { Program } from "../program.js";
import {
  ADJOINT_THREADS_MEMORY_BYTES,
  AMPLITUDE_SPLIT_MIN_QUBITS,
  MIN_PARALLEL_AMPLITUDE_OPERATIONS,
} from "./settings.js";

/**
 * serial: the calling thread alone. rows: each thread simulates rows taken one at a time
 * on its own state. blocks: rows one after another, each gate pass split
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
 * Threads for an adjoint gradient pass of `rows` rows of `program` (1: the calling thread
 * alone): rows are shared between threads, each with its own states for a row
 * (`rowStateBytes`: state, λ and saved states), so besides the calling thread's, as many
 * workers as {@link ADJOINT_THREADS_MEMORY_BYTES} holds (a row's backward sweep sums over
 * every amplitude, which split by amplitude blocks would not sum in a fixed order).
 */
export function adjointThreads(
  program: Program,
  rows: number,
  threads: number,
  rowStateBytes: number,
): number {
  // the backward sweep costs about twice the forward pass
  if (threads <= 1 || rows < 2) return 1;
  if (3 * rows * program.opCount * program.dim < MIN_PARALLEL_AMPLITUDE_OPERATIONS) return 1;
  const workers = Math.floor(ADJOINT_THREADS_MEMORY_BYTES / rowStateBytes);
  return Math.max(1, Math.min(threads, rows, 1 + workers));
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
