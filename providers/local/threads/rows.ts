/**
 * Forward passes sharded by rows: the calling thread and each worker simulate a contiguous
 * range of the parameter rows on their own state, writing register probabilities into one
 * shared output. A row's numbers come from {@link forwardRows} on every thread, so the output
 * is the same for any thread count.
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
import { awaitWorkers, type PoolWorker, stopWorkers, type ThreadPool } from "./pool.js";
import { shardRange } from "./shard.js";

/** Never stop early (the calling thread's shard: its run stops by returning the generator). */
export const NEVER_CANCELLED = (): boolean => false;

/**
 * Rows [from, to): bind, forward pass, register probabilities into out[row · outcomeCount..).
 * `cancelled` is checked between rows.
 */
export function* forwardRows(
  program: Program,
  state: Statevector,
  outcomes: OutcomeMap,
  params: Float64Array,
  cols: number,
  from: number,
  to: number,
  out: Float64Array,
  meter: WorkMeter,
  cancelled: () => boolean = NEVER_CANCELLED,
): Paced<void> {
  for (let row = from; row < to && !cancelled(); row++) {
    bindRow(program, params, cols, row);
    yield* runForwardPaced(program, state, meter);
    registerProbabilities(outcomes, state, out, row * outcomes.outcomeCount);
  }
}

/** The parameter matrix in the pool's shared memory. */
export function sharedParameters(pool: ThreadPool, matrix: ParameterMatrix): Float64Array {
  const params = pool.shared("params", matrix.rows * matrix.cols);
  params.set(matrix.values.subarray(0, matrix.rows * matrix.cols));
  return params;
}

/**
 * Runs `work` (the calling thread's shard, then the wait for `workers`); if it ends early (a
 * cancelled run, an error), stops the workers before the shared buffers can be reused.
 */
export function* withWorkers<T>(workers: readonly PoolWorker[], work: Paced<T>): Paced<T> {
  let finished = false;
  try {
    const result = yield* work;
    yield* awaitWorkers(workers);
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
 * Register probabilities of every row of `matrix` (row-major, a fresh array), rows sharded
 * over the pool's workers and the calling thread ({@link ShardedRun}).
 */
export function* pacedForwardByRows(
  run: ShardedRun,
  matrix: ParameterMatrix,
  meter: WorkMeter,
): Paced<Float64Array> {
  const { pool, circuit, fuse, program, state, outcomes } = run;
  const threads = pool.workers.length + 1;
  const { rows, cols } = matrix;
  const params = sharedParameters(pool, matrix);
  const out = pool.shared("out", rows * outcomes.outcomeCount);
  const used: PoolWorker[] = [];
  pool.workers.forEach((worker, k) => {
    const [from, to] = shardRange(rows, threads, k + 1);
    if (from === to) return;
    worker.post({
      kind: "forward-rows",
      circuit: worker.ref(circuit, fuse),
      params,
      cols,
      from,
      to,
      out,
    });
    used.push(worker);
  });
  const [, mainTo] = shardRange(rows, threads, 0);
  yield* withWorkers(
    used,
    forwardRows(program, state, outcomes, params, cols, 0, mainTo, out, meter),
  );
  return out.slice();
}
