/**
 * A pool of worker threads that each run one training run at a time (`trainChild` of
 * ./child-run.ts: `runTraining(spec)`, then its run folder, whose plots cost about half as
 * much as a small run), so an experiment's children use every core. A run is deterministic
 * from its spec, so where it runs changes nothing but the wall time; callers keep their own
 * order (await the promises in the order they want the results), never completion order.
 *
 * Workers start lazily (never more than there were runs in flight) and resolve backends from
 * QPLANE_BACKENDS themselves: a resolver function cannot cross a thread boundary.
 *
 * The runs share the process's simulator threads: each worker sees QPLANE_THREADS =
 * max(1, ⌊QPLANE_THREADS / size⌋) ({@link threadsPerRun}; QPLANE_THREADS defaults to the cores),
 * so `size` runs of that many threads each do not oversubscribe the machine.
 *
 * `run-pool-worker.js` exists next to the compiled module (dist/); vitest runs the TypeScript
 * sources, where it does not, and there callers train in their own thread
 * ({@link runPoolAvailable}), as src/compute/off-thread.ts does.
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { present } from "../errors/checked.js";
import type { JobSpec } from "../training/spec.js";
import type { ChildRunResult, RunFolderTarget } from "./child-run.js";

/** Most worker threads a pool may have (`qplane experiment --parallel`). */
export const MAX_POOL_SIZE = 256;

/** What the pool sends a worker: a spec, and where to write its run folder (if anywhere). */
export interface PoolRequest {
  readonly spec: JobSpec;
  readonly folder?: RunFolderTarget;
}

/** The worker's reply to one request. */
export type PoolReply =
  | ({ readonly ok: true } & ChildRunResult)
  | { readonly ok: false; readonly message: string };

export interface RunPool {
  /** Number of worker threads it may start. */
  readonly size: number;
  /**
   * Trains `spec` on a free worker and writes its run folder to `folder`; rejects with the
   * error message when either throws.
   */
  run(spec: JobSpec, folder?: RunFolderTarget): Promise<ChildRunResult>;
  /** Stops every worker (runs still queued or in flight reject). Idempotent. */
  close(): Promise<void>;
}

export interface RunPoolOptions {
  /** Worker threads, 1 … MAX_POOL_SIZE. */
  readonly size: number;
  /** The worker module. @defaultValue ./run-pool-worker.js next to this module */
  readonly workerUrl?: URL;
}

const WORKER_URL = new URL("./run-pool-worker.js", import.meta.url);

/**
 * QPLANE_THREADS for each of `size` concurrent runs: the process's budget (QPLANE_THREADS, or
 * the cores) divided among them, at least 1. A value that is not a whole number ≥ 1 is passed
 * on as it is, for the simulator to refuse naming the variable.
 */
export function threadsPerRun(size: number, env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.QPLANE_THREADS?.trim();
  const budget =
    configured === undefined || configured === "" ? availableParallelism() : Number(configured);
  if (!Number.isInteger(budget) || budget < 1) return configured!;
  return String(Math.max(1, Math.floor(budget / size)));
}

/** Whether the default worker module exists (false when running the TypeScript sources). */
export function runPoolAvailable(): boolean {
  return existsSync(fileURLToPath(WORKER_URL));
}

interface Task {
  readonly request: PoolRequest;
  readonly resolve: (result: ChildRunResult) => void;
  readonly reject: (error: Error) => void;
}

interface Slot {
  readonly worker: Worker;
  task: Task | null;
}

export function createRunPool(options: RunPoolOptions): RunPool {
  const { size } = options;
  if (!Number.isInteger(size) || size < 1 || size > MAX_POOL_SIZE) {
    throw new RangeError(
      `createRunPool: size must be an integer 1 … ${MAX_POOL_SIZE}, got ${size}`,
    );
  }
  const workerUrl = options.workerUrl ?? WORKER_URL;
  const queue: Task[] = [];
  const slots: Slot[] = [];
  let closed = false;

  const startWorker = (): Slot => {
    const env = { ...process.env, QPLANE_THREADS: threadsPerRun(size) };
    const slot: Slot = { worker: new Worker(workerUrl, { env }), task: null };
    slot.worker.on("message", (reply: PoolReply) => {
      const task = present(slot.task, "the worker's task");
      slot.task = null;
      if (reply.ok) task.resolve({ records: reply.records, summary: reply.summary });
      else task.reject(new Error(reply.message));
      dispatch();
    });
    // a crashed worker (out of memory, a bug in the worker module) fails its run, not the pool
    // ("error" is followed by "exit"; after close() the slot is already gone)
    const retire = (error: Error) => {
      const index = slots.indexOf(slot);
      if (index < 0) return;
      slots.splice(index, 1);
      slot.task?.reject(error);
      slot.task = null;
      dispatch();
    };
    slot.worker.on("error", retire);
    slot.worker.on("exit", (code) => retire(new Error(`run-pool worker exited with code ${code}`)));
    slots.push(slot);
    return slot;
  };

  const dispatch = () => {
    while (!closed && queue.length > 0) {
      const slot =
        slots.find((candidate) => candidate.task === null) ??
        (slots.length < size ? startWorker() : undefined);
      if (slot === undefined) return;
      slot.task = queue.shift()!;
      slot.worker.postMessage(slot.task.request);
    }
  };

  return {
    size,
    run(spec, folder) {
      if (closed) return Promise.reject(new Error("run pool is closed"));
      return new Promise<ChildRunResult>((resolve, reject) => {
        queue.push({
          request: folder === undefined ? { spec } : { spec, folder },
          resolve,
          reject,
        });
        dispatch();
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      const stopping = slots.splice(0);
      for (const task of [...queue.splice(0), ...stopping.map((slot) => slot.task)]) {
        task?.reject(new Error("run pool is closed"));
      }
      await Promise.all(stopping.map((slot) => slot.worker.terminate()));
    },
  };
}
