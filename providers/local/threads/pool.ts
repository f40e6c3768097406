/**
 * The simulator's worker-thread pool: `threadCount() − 1` persistent workers (the calling
 * thread is the last one), started on first use and unreferenced, so they never keep a
 * process alive. Callers stay synchronous: they post a task (protocol.ts), run their own
 * share, then wait with Atomics.wait — allowed on Node's main thread — in short slices that
 * a paced run (pacing.ts) separates with turns of the event loop, so a long wait neither
 * blocks timers nor stops cancellation. Exact same results for any thread count are the
 * callers' part (rows.ts, blocks.ts, adjoint-rows.ts): every row or amplitude is computed by
 * the same code, and anything summed is summed by one thread in a fixed order.
 *
 * A run that shares rows may end before a worker that woke late has noticed that no row was
 * left for it (rows.ts): its task then finishes during the caller's next steps, and the next
 * run that claims the pool first waits for it ({@link claimThreads}), since it reuses the
 * shared buffers. A worker whose thread ended is replaced at the next claim
 * (worker-handle.ts).
 *
 * One run holds the pool at a time ({@link claimThreads}); a run that finds it held (another
 * job's paced run in the same process, paused) computes on its own thread instead.
 *
 * `worker-entry.js` exists next to the compiled module (dist/); vitest runs the TypeScript
 * sources, where it does not, and there every run is single-threaded (the thread tests import
 * the compiled modules).
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Paced } from "../pacing.js";
import { allocateSharedState, type Statevector } from "../statevector.js";
import { threadCount } from "./settings.js";
import { PoolWorker } from "./worker-handle.js";

export { PoolWorker, postedTaskCount } from "./worker-handle.js";

const ENTRY = new URL("./worker-entry.js", import.meta.url);
const compiled = existsSync(fileURLToPath(ENTRY));

/** Longest single Atomics.wait of a paced run before it gives the event loop a turn. */
export const WAIT_SLICE_MS = 5;

/**
 * The first `length` entries of the array kept under `name` in `cache`; a missing or shorter
 * one is replaced by `allocate` of at least twice its length (and at least 1024 entries), so a
 * run that grows step by step reallocates only a logarithmic number of times.
 */
function reused<T extends Float64Array | Int32Array>(
  cache: Map<string, T>,
  name: string,
  length: number,
  allocate: (entries: number) => T,
): T {
  let buffer = cache.get(name);
  if (buffer === undefined || buffer.length < length) {
    buffer = allocate(Math.max(length, 2 * (buffer?.length ?? 0), 1024));
    cache.set(name, buffer);
  }
  return buffer.subarray(0, length) as T;
}

export class ThreadPool {
  private readonly pooled: PoolWorker[] = [];
  private readonly scratch = new Map<string, Float64Array>();
  private readonly intScratch = new Map<string, Int32Array>();
  private state: Statevector | undefined;
  held = false;

  /**
   * The first `count` workers, started as needed (extra ones are stopped, ended ones
   * replaced), each done with the tasks of earlier runs.
   */
  resize(count: number): void {
    for (let k = 0; k < this.pooled.length; k++) {
      const worker = this.pooled[k]!;
      // a task a run left behind has no row left to take: it ends within a wake-up
      while (worker.poll(WAIT_SLICE_MS) === "busy");
      worker.takeFailure(); // of a run that is over
      if (!worker.alive) this.pooled[k] = new PoolWorker(ENTRY);
    }
    while (this.pooled.length < count) this.pooled.push(new PoolWorker(ENTRY));
    while (this.pooled.length > count) void this.pooled.pop()!.terminate();
  }

  /** Every worker of the pool (threadCount() − 1 of them). */
  get workers(): readonly PoolWorker[] {
    return this.pooled;
  }

  /**
   * A shared array of at least `length` numbers under `name`, reused between runs (its
   * contents are whatever the last run left).
   */
  shared(name: string, length: number): Float64Array {
    return reused(
      this.scratch,
      name,
      length,
      (n) => new Float64Array(new SharedArrayBuffer(8 * n)),
    );
  }

  /** A shared Int32Array of `length` words under `name`, reused like {@link shared}. */
  sharedInt(name: string, length: number): Int32Array {
    return reused(
      this.intScratch,
      name,
      length,
      (n) => new Int32Array(new SharedArrayBuffer(4 * n)),
    );
  }

  /** A shared statevector of `dim` amplitudes (the last size used is kept). */
  sharedState(dim: number): Statevector {
    if (this.state === undefined || this.state.re.length !== dim)
      this.state = allocateSharedState(dim);
    return this.state;
  }
}

let pool: ThreadPool | undefined;

/**
 * The pool for one run, with `threadCount() − 1` workers; null when the run must use its own
 * thread alone: one thread configured, no compiled worker entry, or the pool held by another
 * run. Give it back with {@link releaseThreads}.
 */
export function claimThreads(): ThreadPool | null {
  const threads = threadCount();
  if (threads <= 1 || !compiled) return null;
  pool ??= new ThreadPool();
  if (pool.held) return null;
  pool.resize(threads - 1);
  pool.held = true;
  return pool;
}

export function releaseThreads(claimed: ThreadPool): void {
  claimed.held = false;
}

/** True when this build can run simulator threads (the compiled worker entry exists). */
export function threadsAvailable(): boolean {
  return compiled;
}

/** Throws the first failure of a task of `workers`, or why one's thread ended. */
export function throwIfFailed(workers: readonly PoolWorker[]): void {
  let failure: string | undefined;
  for (const worker of workers) failure = worker.takeFailure() ?? failure;
  if (failure !== undefined) throw new Error(`simulator thread: ${failure}`);
  for (const worker of workers) if (!worker.alive) throw worker.endedError();
}

/** Waits for the workers' tasks, giving a paced run's event loop a turn every few ms. */
export function* awaitWorkers(workers: readonly PoolWorker[]): Paced<void> {
  for (const worker of workers) {
    for (;;) {
      const found = worker.poll(WAIT_SLICE_MS);
      if (found === "done") break;
      if (found === "ended") throw worker.endedError();
      yield;
    }
  }
  throwIfFailed(workers);
}

/**
 * Stops the workers' shares at their next row and waits for them (a run that ends early: its
 * shared buffers are reused by the next run). Failures are dropped: the run is over.
 */
export function stopWorkers(workers: readonly PoolWorker[]): void {
  for (const worker of workers) worker.setCancel(true);
  for (const worker of workers) {
    while (worker.poll(WAIT_SLICE_MS) === "busy");
    worker.setCancel(false);
    worker.takeFailure();
  }
}

/** The pool's worker `index`, started by an earlier run (test hooks). */
function startedWorker(index: number): PoolWorker {
  const worker = pool?.workers[index];
  if (worker === undefined) throw new Error(`no simulator worker ${index} has started`);
  return worker;
}

/** Hooks for the thread tests: a started worker fails as a fault would. */
export const poolTestHooks = {
  /** Worker `index` exits with `code` when it takes its next task. */
  exitOnNextTask(index: number, code: number): void {
    startedWorker(index).exitOnNextTask(code);
  },
  /** Worker `index`'s thread is stopped without running JavaScript (as out of memory). */
  terminate(index: number): void {
    void startedWorker(index).terminate();
  },
  /** Whether the event loop has seen worker `index`'s thread start. */
  online(index: number): boolean {
    return startedWorker(index).online;
  },
  /** Whether worker `index`'s thread runs, as seen without a turn of the event loop. */
  alive(index: number): boolean {
    return startedWorker(index).alive;
  },
};
