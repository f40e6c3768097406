/**
 * The simulator's worker-thread pool: `threadCount() − 1` persistent workers (the calling
 * thread is the last one), started on first use and unreferenced, so they never keep a
 * process alive. Callers stay synchronous: they post a task (protocol.ts), run their own
 * shard, then wait with Atomics.wait — allowed on Node's main thread — in short slices that
 * a paced run (pacing.ts) separates with turns of the event loop, so a long wait neither
 * blocks timers nor stops cancellation. Exact same results for any thread count are the
 * callers' part (rows.ts, blocks.ts, adjoint-rows.ts): every row or amplitude is computed by
 * the same code, and anything summed is summed by one thread in a fixed order.
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
import {
  MessageChannel,
  type MessagePort,
  receiveMessageOnPort,
  Worker,
} from "node:worker_threads";
import type { Circuit } from "../../../src/circuits/ir.js";
import type { Paced } from "../pacing.js";
import { allocateSharedState, type Statevector } from "../statevector.js";
import {
  CANCEL,
  type CircuitRef,
  CONTROL_WORDS,
  DONE,
  FAILED,
  REQUEST,
  type Task,
  type TaskFailure,
} from "./protocol.js";
import { threadCount } from "./settings.js";

const ENTRY = new URL("./worker-entry.js", import.meta.url);
const compiled = existsSync(fileURLToPath(ENTRY));

/** Circuits a worker keeps compiled; the least recently used beyond are forgotten. */
const CIRCUITS_PER_WORKER = 8;
/** Longest single Atomics.wait of a paced run before it gives the event loop a turn. */
const WAIT_SLICE_MS = 5;

/** Tasks posted to workers since the process started (tests check when threads are used). */
let tasksPosted = 0;

export function postedTaskCount(): number {
  return tasksPosted;
}

let nextCircuitId = 1;
const circuitIds = new WeakMap<Circuit, number>();

function circuitId(circuit: Circuit): number {
  let id = circuitIds.get(circuit);
  if (id === undefined) {
    id = nextCircuitId++;
    circuitIds.set(circuit, id);
  }
  return id;
}

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

export class PoolWorker {
  private readonly control = new Int32Array(new SharedArrayBuffer(4 * CONTROL_WORDS));
  private readonly port: MessagePort;
  private readonly worker: Worker;
  private requested = 0;
  /** Why the thread ended (out of memory, a fault), once it has: its tasks will never finish. */
  private ended: string | undefined;
  /** Circuit ids the worker holds, least recently used first (it applies the same rule). */
  private readonly known: number[] = [];

  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.worker = new Worker(ENTRY, {
      workerData: { control: this.control, port: port2 },
      transferList: [port2],
    });
    this.worker.unref();
    // seen at a paced run's next turn of the event loop (a synchronous wait cannot see it)
    this.worker.on("error", (error) => {
      this.ended = error.message;
    });
    this.worker.on("exit", (code) => {
      this.ended ??= `exit code ${code}`;
    });
    this.port = port1;
  }

  /** False once the thread has ended; the pool then replaces it. */
  get alive(): boolean {
    return this.ended === undefined;
  }

  /** How the next task names `circuit`: by id once the worker has it. */
  ref(circuit: Circuit, fuse: boolean): CircuitRef {
    const id = circuitId(circuit);
    const at = this.known.indexOf(id);
    if (at >= 0) {
      this.known.splice(at, 1);
      this.known.push(id);
      return { id, fuse };
    }
    this.known.push(id);
    const forget = this.known.length > CIRCUITS_PER_WORKER ? [this.known.shift()!] : undefined;
    return { id, circuit, fuse, ...(forget ? { forget } : {}) };
  }

  post(task: Task): void {
    this.port.postMessage(task);
    tasksPosted++;
    Atomics.store(this.control, REQUEST, ++this.requested);
    Atomics.notify(this.control, REQUEST);
  }

  /** Waits up to `timeoutMs` for every posted task; true when they are done. */
  wait(timeoutMs: number): boolean {
    if (this.ended !== undefined) throw new Error(`simulator thread ended (${this.ended})`);
    const done = Atomics.load(this.control, DONE);
    if (done === this.requested) return true;
    Atomics.wait(this.control, DONE, done, timeoutMs);
    return Atomics.load(this.control, DONE) === this.requested;
  }

  setCancel(cancel: boolean): void {
    Atomics.store(this.control, CANCEL, cancel ? 1 : 0);
  }

  /** The failure of a finished task, if any (then cleared). */
  takeFailure(): string | undefined {
    if (Atomics.load(this.control, FAILED) === 0) return undefined;
    const failure = receiveMessageOnPort(this.port)?.message as TaskFailure | undefined;
    Atomics.store(this.control, FAILED, 0);
    return failure?.message ?? "a simulator thread failed";
  }

  terminate(): void {
    void this.worker.terminate();
  }
}

export class ThreadPool {
  private readonly pooled: PoolWorker[] = [];
  private readonly scratch = new Map<string, Float64Array>();
  private readonly intScratch = new Map<string, Int32Array>();
  private state: Statevector | undefined;
  held = false;

  /** The first `count` workers, started as needed (extra ones are stopped). */
  resize(count: number): void {
    for (let k = 0; k < this.pooled.length; k++)
      if (!this.pooled[k]!.alive) this.pooled[k] = new PoolWorker();
    while (this.pooled.length < count) this.pooled.push(new PoolWorker());
    while (this.pooled.length > count) this.pooled.pop()!.terminate();
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

function throwIfFailed(workers: readonly PoolWorker[]): void {
  let failure: string | undefined;
  for (const worker of workers) failure = worker.takeFailure() ?? failure;
  if (failure !== undefined) throw new Error(`simulator thread: ${failure}`);
}

/** Waits for the workers' tasks, giving a paced run's event loop a turn every few ms. */
export function* awaitWorkers(workers: readonly PoolWorker[]): Paced<void> {
  for (const worker of workers) {
    while (!worker.wait(WAIT_SLICE_MS)) yield;
  }
  throwIfFailed(workers);
}

/**
 * Stops the workers' shards at their next row and waits for them (a run that ends early: its
 * shared buffers are reused by the next run). Failures are dropped: the run is over.
 */
export function stopWorkers(workers: readonly PoolWorker[]): void {
  const alive = workers.filter((worker) => worker.alive);
  for (const worker of alive) worker.setCancel(true);
  for (const worker of alive) {
    worker.wait(Number.POSITIVE_INFINITY);
    worker.setCancel(false);
    worker.takeFailure();
  }
}
