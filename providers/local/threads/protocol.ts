/**
 * What the calling thread and a pooled worker say to each other (pool.ts, worker-entry.ts).
 *
 * Each worker has a control word array in shared memory. The caller posts a task on the
 * worker's MessagePort, then bumps REQUEST and wakes it (Atomics.notify); the worker, parked in
 * Atomics.wait on REQUEST, takes every queued task with receiveMessageOnPort, runs them, stores
 * REQUEST's value into DONE and wakes the caller. No event loop is involved on either side, so
 * a synchronous caller (runToEnd) can hand out work and wait for it. Either side spins briefly
 * ({@link SPINS_BEFORE_SLEEP}) before it sleeps. Tasks over rows share a row counter instead
 * of fixed shares (row-counter.ts), and the caller of such a task waits for the rows, not for
 * DONE.
 */
import type { Circuit } from "../../../src/circuits/ir.js";

/** Control words (Int32Array indices). */
export const REQUEST = 0;
export const DONE = 1;
/** Set by the caller when a run stops early: workers end their shard at the next row. */
export const CANCEL = 2;
/** 1 while a task failed; the failure is on the port. */
export const FAILED = 3;
/**
 * Set by the worker as its thread ends (process.exit, an uncaught error), with its exit code
 * in EXIT_CODE, so that a caller blocked in Atomics.wait sees it without an event loop turn.
 */
export const EXITED = 4;
export const EXIT_CODE = 5;
/** Test hook: non-zero makes the worker exit with this code when it takes its next task. */
export const EXIT_ON_TASK = 6;
export const CONTROL_WORDS = 7;

/**
 * Atomics.load polls a thread makes before it sleeps in Atomics.wait (≈ 7 ns each on the
 * 2-core VM: about 50 µs). Waking a sleeping thread costs 20–100 µs there, more than most
 * gaps between two tasks of one run (a worker's next segment or row, a caller's last row).
 */
export const SPINS_BEFORE_SLEEP = 8000;

/** Words of a run's shared row counter (rows.ts): threads take rows one at a time. */
export const NEXT_ROW = 0;
/** Rows whose results are written; the run is over when it reaches the row count. */
export const ROWS_FINISHED = 1;
export const ROW_COUNTER_WORDS = 2;

/** A circuit as a worker knows it: sent once, then named by id (`forget`: ids it may drop). */
export interface CircuitRef {
  readonly id: number;
  readonly circuit?: Circuit;
  readonly forget?: readonly number[];
  /** Gate fusion (SimulatorOptions.fuseGates): a different program. */
  readonly fuse: boolean;
}

/**
 * The rows of a parameter matrix in shared memory, taken one at a time from `counter`
 * (NEXT_ROW, ROWS_FINISHED) by the calling thread and the workers alike.
 */
interface SharedRows {
  readonly circuit: CircuitRef;
  readonly params: Float64Array;
  readonly cols: number;
  readonly rows: number;
  readonly counter: Int32Array;
}

/** Forward pass and register probabilities of each row taken into `out` (row-major). */
export interface ForwardRowsTask extends SharedRows {
  readonly kind: "forward-rows";
  readonly out: Float64Array;
}

/**
 * The observable a row's backward sweep differentiates. `cotangent`: the register
 * probabilities' vector–Jacobian product, with a cotangent the calling thread writes per row
 * (values: probabilities, rowState: PENDING → READY → SERVED, adjoint-rows.ts). `z`: ⟨Z⟩ on
 * one qubit, which each thread seeds itself (values: ⟨Z⟩ per row).
 */
export type AdjointObservable =
  | {
      readonly kind: "cotangent";
      readonly values: Float64Array;
      readonly cotangents: Float64Array;
      readonly rowState: Int32Array;
    }
  | { readonly kind: "z"; readonly qubit: number; readonly values: Float64Array };

/** Adjoint gradients of each row taken (threads/adjoint-rows.ts), into `gradients`. */
export interface AdjointRowsTask extends SharedRows {
  readonly kind: "adjoint-rows";
  readonly snapshotBudgetBytes: number;
  /** Row-major rows × weightCount, zero on entry. */
  readonly gradients: Float64Array;
  readonly observable: AdjointObservable;
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
