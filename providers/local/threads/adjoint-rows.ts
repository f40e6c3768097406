/**
 * Adjoint gradients sharded by rows: the calling thread and the workers take rows one at a
 * time (row-counter.ts) and run each exactly as the single-threaded driver does
 * (adjoint-sweep.ts: the forward pass saving states, the seed λ = O·ψ, the backward sweep), so
 * every row's numbers are the same for any thread count. Each thread has its own state, λ and
 * saved states (shard.ts bounds their memory).
 *
 * With a probability cotangent (AdjointObservable `cotangent`) the caller's cotangent function
 * runs on the calling thread in row order (it usually sums a loss, and a sum's order is part
 * of its value). A worker that has its row's probabilities marks the row READY and waits; the
 * calling thread, between every two gate passes of its own rows (a {@link ServingMeter}) and
 * whenever it must wait, computes the cotangents of the next rows in order whose
 * probabilities are ready and marks them SERVED. Rows are taken in order, so the row the
 * order needs next is nearly always one just finished. With ⟨Z⟩ (`z`) each thread seeds its
 * rows itself.
 */
import type { ParameterMatrix } from "../../../src/circuits/parameters.js";
import {
  type AdjointBuffers,
  backwardSweep,
  buffersFor,
  forwardSaving,
  seedExpectationZ,
  seedProbabilityLambda,
} from "../adjoint-sweep.js";
import { type Paced, WorkMeter } from "../pacing.js";
import { bindRow, type Program } from "../program.js";
import { type OutcomeMap, registerProbabilities, type Statevector } from "../statevector.js";
import { type PoolWorker, throwIfFailed, WAIT_SLICE_MS } from "./pool.js";
import { type AdjointObservable, type AdjointRowsTask, SPINS_BEFORE_SLEEP } from "./protocol.js";
import { NEVER_CANCELLED, type RowSource, sharedRows } from "./row-counter.js";
import { rowCounter, type ShardedRun, sharedParameters, withWorkers, workersFor } from "./rows.js";

/** Row states (Int32Array words). */
export const PENDING = 0;
export const READY = 1;
export const SERVED = 2;

/** A worker's sleep while its cotangent is due, between two looks at cancellation. */
const SLEEP_SLICE_MS = 20;

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

/** The shared arrays of one sharded adjoint run (a task without its kind and circuit). */
export type AdjointShared = Omit<AdjointRowsTask, "kind" | "circuit">;

/** Waits until row `row`'s cotangent is served; false: the run stopped. */
export type AwaitServed = (row: number) => Generator<void, boolean, undefined>;

/**
 * The rows of `source`: per row, forward pass, λ from the observable (for a cotangent: the
 * probabilities, READY, then `awaitServed`), the backward sweep. False when stopped.
 */
export function* adjointRows(
  program: Program,
  outcomes: OutcomeMap,
  b: AdjointBuffers,
  state: Statevector,
  shared: AdjointShared,
  source: RowSource,
  meter: WorkMeter,
  awaitServed: AwaitServed,
): Paced<boolean> {
  const { outcomeCount } = outcomes;
  const { observable } = shared;
  for (let row = source.next(); row < shared.rows; row = source.next()) {
    bindRow(program, shared.params, shared.cols, row);
    yield* forwardSaving(program, state, b, meter);
    if (observable.kind === "z") {
      observable.values[row] = seedExpectationZ(state, observable.qubit, b.lambda);
    } else {
      const o = row * outcomeCount;
      registerProbabilities(outcomes, state, observable.values, o);
      Atomics.store(observable.rowState, row, READY);
      Atomics.notify(observable.rowState, row);
      if (!(yield* awaitServed(row))) return false;
      const cotangent = observable.cotangents.subarray(o, o + outcomeCount);
      seedProbabilityLambda(outcomes, state, cotangent, b.lambda);
    }
    yield* backwardSweep(program, state, b, shared.gradients, row * b.weightCount, meter);
    source.finished();
  }
  return true;
}

/**
 * A worker's wait for a row's cotangent: spin, then sleep in slices (a pause after each,
 * which a worker's runToEnd skips); false when cancelled.
 */
export function workerAwaitServed(rowState: Int32Array, cancelled: () => boolean): AwaitServed {
  return function* (row) {
    for (let spin = 0; spin < SPINS_BEFORE_SLEEP; spin++)
      if (Atomics.load(rowState, row) === SERVED) return true;
    while (Atomics.load(rowState, row) !== SERVED) {
      if (cancelled()) return false;
      if (Atomics.wait(rowState, row, READY, SLEEP_SLICE_MS) === "timed-out") yield;
    }
    return true;
  };
}

/**
 * Fills cotangents[row · outcomeCount..) for `row` from values[row · outcomeCount..) (which it
 * may rewrite: readout errors); called in row order.
 */
export type RowCotangent = (row: number, values: Float64Array, cotangents: Float64Array) => void;

/** What the rows differentiate: probabilities under a cotangent, or ⟨Z⟩ on one qubit. */
export type RowObservable =
  | { readonly kind: "cotangent"; readonly cotangentOf: RowCotangent }
  | { readonly kind: "z"; readonly qubit: number };

export interface ShardedGradients {
  /** Probabilities (row-major rows × outcomeCount), or ⟨Z⟩ per row. */
  readonly values: Float64Array;
  readonly weightCount: number;
  readonly gradients: Float64Array;
}

/** The observable's shared arrays for `rows` rows, in the pool's memory. */
function sharedObservable(
  run: ShardedRun,
  observable: RowObservable,
  rows: number,
): AdjointObservable {
  const { pool } = run;
  if (observable.kind === "z")
    return { kind: "z", qubit: observable.qubit, values: pool.shared("values", rows) };
  const size = rows * run.outcomes.outcomeCount;
  return {
    kind: "cotangent",
    values: pool.shared("values", size),
    cotangents: pool.shared("cotangents", size),
    rowState: pool.sharedInt("rowState", rows).fill(PENDING),
  };
}

/**
 * The calling thread's side of the cotangents: `serve` computes those of the next rows in
 * order whose probabilities are READY; `serveThrough(row)` serves until `row` is served,
 * waiting for workers' rows in between (and failing when one's task failed or thread ended).
 */
function cotangentServer(
  shared: Extract<AdjointObservable, { kind: "cotangent" }>,
  rows: number,
  cotangentOf: RowCotangent,
  workers: readonly PoolWorker[],
): { serve: () => void; serveThrough: AwaitServed } {
  const { rowState, values, cotangents } = shared;
  let next = 0; // the next row whose cotangent is due
  const serve = (): void => {
    while (next < rows && Atomics.load(rowState, next) === READY) {
      cotangentOf(next, values, cotangents);
      Atomics.store(rowState, next, SERVED);
      Atomics.notify(rowState, next);
      next++;
    }
  };
  function* serveThrough(row: number): Generator<void, boolean, undefined> {
    for (;;) {
      serve();
      if (next > row) return true;
      if (Atomics.wait(rowState, next, PENDING, WAIT_SLICE_MS) === "timed-out") {
        throwIfFailed(workers);
        yield;
      }
    }
  }
  return { serve, serveThrough };
}

/** The wait of a ⟨Z⟩ run, which has no cotangent to wait for (never called). */
export const nothingToServe: AwaitServed = () => {
  throw new Error("a ⟨Z⟩ row waits for no cotangent");
};

/**
 * Values and gradients of every row of `matrix` on `threads` threads (the calling thread and
 * threads − 1 of the pool's workers, {@link ShardedRun}).
 */
export function* pacedAdjointByRows(
  run: ShardedRun,
  threads: number,
  snapshotBudgetBytes: number,
  matrix: ParameterMatrix,
  observable: RowObservable,
  meter: WorkMeter,
): Paced<ShardedGradients> {
  const { pool, circuit, fuse, program, state, outcomes } = run;
  const { rows, cols } = matrix;
  const b = buffersFor(program, snapshotBudgetBytes);
  const shared: AdjointShared = {
    params: sharedParameters(pool, matrix),
    cols,
    rows,
    counter: rowCounter(pool),
    snapshotBudgetBytes,
    gradients: pool.shared("gradients", rows * b.weightCount).fill(0),
    observable: sharedObservable(run, observable, rows),
  };
  const used = workersFor(pool, Math.min(rows, threads));
  for (const worker of used)
    worker.post({ kind: "adjoint-rows", circuit: worker.ref(circuit, fuse), ...shared });
  const source = sharedRows(shared.counter, NEVER_CANCELLED);
  const served = shared.observable;
  function* ownShare(): Paced<void> {
    if (served.kind === "z" || observable.kind === "z") {
      yield* adjointRows(program, outcomes, b, state, shared, source, meter, nothingToServe);
      return;
    }
    const server = cotangentServer(served, rows, observable.cotangentOf, used);
    const serving = new ServingMeter(meter, server.serve);
    yield* adjointRows(program, outcomes, b, state, shared, source, serving, server.serveThrough);
    yield* server.serveThrough(rows - 1); // the workers' last rows
  }
  yield* withWorkers(used, shared.counter, rows, ownShare());
  return {
    values: served.values.slice(),
    weightCount: b.weightCount,
    gradients: shared.gradients.slice(),
  };
}
