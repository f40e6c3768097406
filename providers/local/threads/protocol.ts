/**
 * What the calling thread and a pooled worker say to each other (pool.ts, worker-entry.ts).
 *
 * Each worker has a control word array in shared memory. The caller posts a task on the
 * worker's MessagePort, then bumps REQUEST and wakes it (Atomics.notify); the worker, parked in
 * Atomics.wait on REQUEST, takes every queued task with receiveMessageOnPort, runs them, stores
 * REQUEST's value into DONE and wakes the caller. No event loop is involved on either side, so
 * a synchronous caller (runToEnd) can hand out work and wait for it.
 */
import type { Circuit } from "../../../src/circuits/ir.js";

/** Control words (Int32Array indices). */
export const REQUEST = 0;
export const DONE = 1;
/** Set by the caller when a run stops early: workers end their shard at the next row. */
export const CANCEL = 2;
/** 1 while a task failed; the failure is on the port. */
export const FAILED = 3;
export const CONTROL_WORDS = 4;

/** A circuit as a worker knows it: sent once, then named by id (`forget`: ids it may drop). */
export interface CircuitRef {
  readonly id: number;
  readonly circuit?: Circuit;
  readonly forget?: readonly number[];
  /** Gate fusion (SimulatorOptions.fuseGates): a different program. */
  readonly fuse: boolean;
}

/** Rows [from, to) of a parameter matrix in shared memory. */
interface RowShard {
  readonly circuit: CircuitRef;
  readonly params: Float64Array;
  readonly cols: number;
  readonly from: number;
  readonly to: number;
}

/** Forward pass and register probabilities of each row into `out` (row-major). */
export interface ForwardRowsTask extends RowShard {
  readonly kind: "forward-rows";
  readonly out: Float64Array;
}

/**
 * Adjoint gradients of rows thread, thread + threads, … (threads/adjoint-rows.ts): per row,
 * probabilities into `values`, READY in `rowState`, wait for SERVED, then the sweep.
 */
export interface AdjointRowsTask {
  readonly kind: "adjoint-rows";
  readonly circuit: CircuitRef;
  readonly params: Float64Array;
  readonly cols: number;
  readonly rows: number;
  readonly thread: number;
  readonly threads: number;
  readonly snapshotBudgetBytes: number;
  readonly values: Float64Array;
  readonly cotangents: Float64Array;
  readonly gradients: Float64Array;
  readonly rowState: Int32Array;
}

/** One row of an amplitude-split forward pass: the shared state and the bound matrices. */
export interface BindBlocksTask {
  readonly kind: "bind-blocks";
  readonly circuit: CircuitRef;
  readonly re: Float64Array;
  readonly im: Float64Array;
  readonly matrices: Float64Array;
  /** The state is cut into `blocks` equal aligned blocks; this worker updates [from, to). */
  readonly blocks: number;
  readonly from: number;
  readonly to: number;
}

/** Apply the operations of segment `segment` (blocks.ts) to this worker's blocks. */
export interface SegmentTask {
  readonly kind: "segment";
  readonly segment: number;
}

export type Task = ForwardRowsTask | AdjointRowsTask | BindBlocksTask | SegmentTask;

/** What a failed task leaves on the port. */
export interface TaskFailure {
  readonly message: string;
}
