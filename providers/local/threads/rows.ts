/**
 * Forward passes sharded by rows: the calling thread and each worker take rows one at a time
 * (row-counter.ts), simulate them on their own state and write register probabilities into
 * one shared output. A row's numbers come from {@link forwardRows} on every thread, so the
 * output is the same for any thread count.
 */
import type { Circuit } from "../../../src/circuits/ir.js";
import type { ParameterMatrix } from "../../../src/circuits/parameters.js";
import type { Paced, WorkMeter } from "../pacing.js";
import { bindRow, type Program } from "../program.js";
import {
  type OutcomeMap,
  registerProbabilities,
  runForwardPaced,
  type Statevector,
} from "../statevector.js";
import { type PoolWorker, stopWorkers, type ThreadPool } from "./pool.js";
import { ROW_COUNTER_WORDS } from "./protocol.js";
import { awaitRows, NEVER_CANCELLED, type RowSource, sharedRows } from "./row-counter.js";

/**
 * The rows of `source` (of `rows`): bind, forward pass, register probabilities into
 * out[row · outcomeCount..).
 */
export function* forwardRows(
  program: Program,
  state: Statevector,
  outcomes: OutcomeMap,
  params: Float64Array,
  cols: number,
  rows: number,
  out: Float64Array,
  meter: WorkMeter,
  source: RowSource,
): Paced<void> {
  for (let row = source.next(); row < rows; row = source.next()) {
    bindRow(program, params, cols, row);
    yield* runForwardPaced(program, state, meter);
    registerProbabilities(outcomes, state, out, row * outcomes.outcomeCount);
    source.finished();
  }
}

/** The parameter matrix in the pool's shared memory. */
export function sharedParameters(pool: ThreadPool, matrix: ParameterMatrix): Float64Array {
  const params = pool.shared("params", matrix.rows * matrix.cols);
  params.set(matrix.values.subarray(0, matrix.rows * matrix.cols));
  return params;
}

/** A run's shared row counter, reset (no row taken, none finished). */
export function rowCounter(pool: ThreadPool): Int32Array {
  return pool.sharedInt("rowCounter", ROW_COUNTER_WORDS).fill(0);
}

/** The workers worth posting `rows` rows to: one row at least for each, the caller's too. */
export function workersFor(pool: ThreadPool, rows: number): PoolWorker[] {
  return pool.workers.slice(0, Math.max(0, rows - 1));
}

/**
 * Runs `work` (the calling thread's rows of `counter`), then waits until all `rows` rows are
 * finished; if it ends early (a cancelled run, an error), stops the workers before the shared
 * buffers can be reused.
 */
export function* withWorkers<T>(
  workers: readonly PoolWorker[],
  counter: Int32Array,
  rows: number,
  work: Paced<T>,
): Paced<T> {
  let finished = false;
  try {
    const result = yield* work;
    yield* awaitRows(counter, rows, workers);
    finished = true;
    return result;
  } finally {
    if (!finished) stopWorkers(workers);
  }
}

/**
 * What a run sharded over a pool's workers and the calling thread needs: the pool, the circuit
 * the workers compile with gate fusion `fuse`, and the calling thread's workspace (`program`,
 * `state`, `outcomes`) compiled the same way.
 */
export interface ShardedRun {
  readonly pool: ThreadPool;
  readonly circuit: Circuit;
  readonly fuse: boolean;
  readonly program: Program;
  readonly state: Statevector;
  readonly outcomes: OutcomeMap;
}

/**
 * Register probabilities of every row of `matrix` (row-major, a fresh array), rows shared
 * by the pool's workers and the calling thread ({@link ShardedRun}).
 */
export function* pacedForwardByRows(
  run: ShardedRun,
  matrix: ParameterMatrix,
  meter: WorkMeter,
): Paced<Float64Array> {
  const { pool, circuit, fuse, program, state, outcomes } = run;
  const { rows, cols } = matrix;
  const params = sharedParameters(pool, matrix);
  const out = pool.shared("out", rows * outcomes.outcomeCount);
  const counter = rowCounter(pool);
  const used = workersFor(pool, rows);
  for (const worker of used) {
    const ref = worker.ref(circuit, fuse);
    worker.post({ kind: "forward-rows", circuit: ref, params, cols, rows, counter, out });
  }
  const source = sharedRows(counter, NEVER_CANCELLED);
  yield* withWorkers(
    used,
    counter,
    rows,
    forwardRows(program, state, outcomes, params, cols, rows, out, meter, source),
  );
  return out.slice();
}
