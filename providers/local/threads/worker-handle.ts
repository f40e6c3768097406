/**
 * The calling thread's handle on one pooled simulator thread (pool.ts): starts it, posts its
 * tasks (protocol.ts), polls for their end without an event loop, and tells when the thread
 * has ended.
 *
 * A thread that ends while a synchronous caller waits in Atomics.wait must not hang it. The
 * caller cannot see Node's `exit` event then (that needs a turn of the event loop), so the
 * thread says it itself: its `exit` handler sets EXITED and wakes DONE's waiters (process.exit,
 * an uncaught error). A thread stopped without running JavaScript (out of memory, terminated)
 * cannot; Node then reports the thread's event-loop idle time as −1, which the caller reads
 * synchronously — once the thread has come online (an event-loop turn after it started); and
 * a paced run (pacing.ts) also gets the `exit` event at its pauses. A caller that finds its
 * thread ended fails with QPLANE_ERR_UNAVAILABLE; the pool starts a new thread for the next run.
 */
import { type MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";
import type { Circuit } from "../../../src/circuits/ir.js";
import { QplaneError } from "../../../src/errors/catalogue.js";
import {
  CANCEL,
  type CircuitRef,
  CONTROL_WORDS,
  DONE,
  EXIT_CODE,
  EXIT_ON_TASK,
  EXITED,
  FAILED,
  REQUEST,
  SPINS_BEFORE_SLEEP,
  type Task,
  type TaskFailure,
} from "./protocol.js";

/** Circuits a worker keeps compiled; the least recently used beyond are forgotten. */
const CIRCUITS_PER_WORKER = 8;

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

/** What a poll found: every posted task done, some still running, or the thread ended. */
export type PollResult = "done" | "busy" | "ended";

export class PoolWorker {
  private readonly control = new Int32Array(new SharedArrayBuffer(4 * CONTROL_WORDS));
  private readonly port: MessagePort;
  private readonly worker: Worker;
  private requested = 0;
  /** Why the thread ended (Node's `error`/`exit` events), once a turn of the loop saw it. */
  private endedBecause: string | undefined;
  /** Circuit ids the worker holds, least recently used first (it applies the same rule). */
  private readonly known: number[] = [];

  constructor(entry: URL) {
    const { port1, port2 } = new MessageChannel();
    this.worker = new Worker(entry, {
      workerData: { control: this.control, port: port2 },
      transferList: [port2],
    });
    this.worker.unref();
    this.worker.on("error", (error) => {
      this.endedBecause = error.message;
    });
    this.worker.on("exit", (code) => {
      this.endedBecause ??= `exit code ${code}`;
    });
    this.port = port1;
  }

  /** Why the thread has ended, or undefined while it runs (checked without an event loop). */
  endedReason(): string | undefined {
    if (this.endedBecause !== undefined) return this.endedBecause;
    if (Atomics.load(this.control, EXITED) === 1)
      return `exit code ${Atomics.load(this.control, EXIT_CODE)}`;
    // −1: Node's mark of a stopped thread (0 before the thread came online)
    if (this.worker.performance.eventLoopUtilization().idle === -1)
      return "stopped (out of memory or terminated)";
    return undefined;
  }

  /** True once the event loop has seen the thread start: from then on a stop is seen. */
  get online(): boolean {
    const { idle, active } = this.worker.performance.eventLoopUtilization();
    return idle !== 0 || active !== 0;
  }

  /** False once the thread has ended; the pool then replaces it. */
  get alive(): boolean {
    return this.endedReason() === undefined;
  }

  /** The error of a call whose thread ended before its tasks were done. */
  endedError(): QplaneError {
    return new QplaneError(
      "QPLANE_ERR_UNAVAILABLE",
      `a simulator worker thread ended during the simulation (${this.endedReason() ?? "unknown"}); the thread is replaced, retry the call`,
    );
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

  /** True while a posted task has not reported done (it may still write shared memory). */
  get busy(): boolean {
    return Atomics.load(this.control, DONE) !== this.requested;
  }

  /** Waits up to `timeoutMs` (after a short spin) for every posted task to be done. */
  poll(timeoutMs: number): PollResult {
    for (let spin = 0; spin < SPINS_BEFORE_SLEEP; spin++) if (!this.busy) return "done";
    if (!this.alive) return "ended";
    const done = Atomics.load(this.control, DONE);
    if (done !== this.requested) Atomics.wait(this.control, DONE, done, timeoutMs);
    if (!this.busy) return "done";
    return this.alive ? "busy" : "ended";
  }

  setCancel(cancel: boolean): void {
    Atomics.store(this.control, CANCEL, cancel ? 1 : 0);
  }

  /** True once a task failed (its message waits on the port: {@link takeFailure}). */
  get failed(): boolean {
    return Atomics.load(this.control, FAILED) === 1;
  }

  /** The failure of a task, if any (then cleared). */
  takeFailure(): string | undefined {
    if (!this.failed) return undefined;
    const failure = receiveMessageOnPort(this.port)?.message as TaskFailure | undefined;
    Atomics.store(this.control, FAILED, 0);
    return failure?.message ?? "a simulator thread failed";
  }

  /** Test hook: the thread exits with `code` when it takes its next task. */
  exitOnNextTask(code: number): void {
    Atomics.store(this.control, EXIT_ON_TASK, code);
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}
