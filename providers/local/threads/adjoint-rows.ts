/**
 * Adjoint gradients sharded by rows: thread t (0 = the calling thread) takes rows t, t + T,
 * t + 2T, … and runs each exactly as the single-threaded driver does (adjoint-sweep.ts: the
 * forward pass saving states, register probabilities, λ from the cotangent, the backward
 * sweep), so every row's numbers are the same for any thread count.
 *
 * The caller's cotangent function runs on the calling thread in row order (it usually sums a
 * loss, and a sum's order is part of its value). A worker that has its row's probabilities
 * marks the row READY and waits; the calling thread, between every two gate passes of its own
 * rows (a {@link ServingMeter}) and whenever it must wait, computes the cotangents of the
 * next rows in order whose probabilities are ready and marks them SERVED. Rows interleave
 * across threads, so the row the order needs next is nearly always the one just finished,
 * and each thread needs only its own one row's saved states (cache-resident, as single-
 * threaded).
 */
import type { ParameterMatrix } from "../../../src/circuits/parameters.js";
import {
  type AdjointBuffers,
  backwardSweep,
  buffersFor,
  forwardSaving,
  seedProbabilityLambda,
} from "../adjoint-sweep.js";
import { type Paced, WorkMeter } from "../pacing.js";
import { bindRow, type Program } from "../program.js";
import { type OutcomeMap, registerProbabilities, type Statevector } from "../statevector.js";
import { awaitWorkers, type PoolWorker, stopWorkers } from "./pool.js";
import { type ShardedRun, sharedParameters } from "./rows.js";

/** Row states (Int32Array words). */
export const PENDING = 0;
export const READY = 1;
export const SERVED = 2;

/** Spins of a worker waiting for its cotangent before it sleeps (the wait is usually µs). */
const SPINS_BEFORE_SLEEP = 4000;
const SLEEP_SLICE_MS = 20;
const WAIT_SLICE_MS = 5;

/** A work meter that also serves ready cotangents at every gate pass it counts. */
class ServingMeter extends WorkMeter {
  constructor(
    private readonly inner: WorkMeter,
    private readonly serve: () => void,
  ) {
    super(Number.POSITIVE_INFINITY);
  }

  override spend(amplitudeOperations: number): boolean {
    this.serve();
    return this.inner.spend(amplitudeOperations);
  }
}

/** The shared arrays of one sharded adjoint run. */
export interface AdjointShared {
  readonly params: Float64Array;
  readonly cols: number;
  readonly rows: number;
  /** Row-major rows × outcomeCount. */
  readonly values: Float64Array;
  readonly cotangents: Float64Array;
  /** Row-major rows × weightCount, zero on entry. */
  readonly gradients: Float64Array;
  /** Per row: PENDING, READY (probabilities written), SERVED (cotangent written). */
  readonly rowState: Int32Array;
}

/**
 * One row: forward pass, probabilities, READY; then `awaitServed` (false: stop), λ from
 * the row's cotangent and the backward sweep.
 */
export function* adjointRow(
  program: Program,
  outcomes: OutcomeMap,
  b: AdjointBuffers,
  state: Statevector,
  shared: AdjointShared,
  row: number,
  meter: WorkMeter,
  awaitServed: () => Generator<void, boolean, undefined>,
): Paced<boolean> {
  const { outcomeCount } = outcomes;
  const o = row * outcomeCount;
  bindRow(program, shared.params, shared.cols, row);
  yield* forwardSaving(program, state, b, meter);
  registerProbabilities(outcomes, state, shared.values, o);
  Atomics.store(shared.rowState, row, READY);
  Atomics.notify(shared.rowState, row);
  if (!(yield* awaitServed())) return false;
  seedProbabilityLambda(outcomes, state, shared.cotangents.subarray(o, o + outcomeCount), b.lambda);
  yield* backwardSweep(program, state, b, shared.gradients, row * b.weightCount, meter);
  return true;
}

/**
 * A worker's wait for row `row`'s cotangent: spin, then sleep in slices (a pause after each,
 * which a worker's runToEnd skips); false when cancelled.
 */
export function* workerAwaitServed(
  rowState: Int32Array,
  row: number,
  cancelled: () => boolean,
): Generator<void, boolean, undefined> {
  for (let spin = 0; spin < SPINS_BEFORE_SLEEP; spin++)
    if (Atomics.load(rowState, row) === SERVED) return true;
  while (Atomics.load(rowState, row) !== SERVED) {
    if (cancelled()) return false;
    if (Atomics.wait(rowState, row, READY, SLEEP_SLICE_MS) === "timed-out") yield;
  }
  return true;
}

/**
 * Fills cotangents[row · outcomeCount..) for `row` from values[row · outcomeCount..) (which it
 * may rewrite: readout errors); called in row order.
 */
export type RowCotangent = (row: number, values: Float64Array, cotangents: Float64Array) => void;

export interface ShardedGradients {
  readonly values: Float64Array;
  readonly weightCount: number;
  readonly gradients: Float64Array;
}

/**
 * Probabilities and gradients of every row of `matrix`, rows interleaved over the pool's
 * workers and the calling thread ({@link ShardedRun}).
 */
export function* pacedAdjointByRows(
  run: ShardedRun,
  snapshotBudgetBytes: number,
  matrix: ParameterMatrix,
  cotangentOf: RowCotangent,
  meter: WorkMeter,
): Paced<ShardedGradients> {
  const { pool, circuit, fuse, program, state, outcomes } = run;
  const threads = Math.min(pool.workers.length + 1, matrix.rows);
  const { rows, cols } = matrix;
  const { outcomeCount } = outcomes;
  const b = buffersFor(program, snapshotBudgetBytes);
  const shared: AdjointShared = {
    params: sharedParameters(pool, matrix),
    cols,
    rows,
    values: pool.shared("values", rows * outcomeCount),
    cotangents: pool.shared("cotangents", rows * outcomeCount),
    gradients: pool.shared("gradients", rows * b.weightCount).fill(0),
    rowState: pool.sharedInt("rowState", rows).fill(PENDING),
  };
  const { rowState } = shared;
  const used: PoolWorker[] = pool.workers.slice(0, threads - 1);
  used.forEach((worker, k) => {
    const ref = worker.ref(circuit, fuse);
    worker.post({
      kind: "adjoint-rows",
      circuit: ref,
      ...shared,
      thread: k + 1,
      threads,
      snapshotBudgetBytes,
    });
  });
  let next = 0; // the next row whose cotangent is due
  const serve = (): void => {
    while (next < rows && Atomics.load(rowState, next) === READY) {
      cotangentOf(next, shared.values, shared.cotangents);
      Atomics.store(rowState, next, SERVED);
      Atomics.notify(rowState, next);
      next++;
    }
  };
  /** Serves until row `row` is served, waiting for workers' rows in between. */
  function* serveThrough(row: number): Generator<void, boolean, undefined> {
    for (;;) {
      serve();
      if (next > row) return true;
      if (Atomics.wait(rowState, next, PENDING, WAIT_SLICE_MS) === "timed-out") yield;
    }
  }
  const serving = new ServingMeter(meter, serve);
  let finished = false;
  try {
    for (let row = 0; row < rows; row += threads) {
      yield* adjointRow(program, outcomes, b, state, shared, row, serving, () => serveThrough(row));
    }
    yield* serveThrough(rows - 1);
    yield* awaitWorkers(used);
    finished = true;
  } finally {
    if (!finished) stopWorkers(used);
  }
  return {
    values: shared.values.slice(),
    weightCount: b.weightCount,
    gradients: shared.gradients.slice(),
  };
}
