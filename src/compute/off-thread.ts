/**
 * Pure computations that can take seconds, run in a worker thread so that they stall
 * neither the API's event loop (dry runs plan hardware runs; admission reads a CSV file's
 * shape) nor the worker's (lock renewal, cancel): routing a deep circuit on a large device, for IBM's transpiler and for
 * Braket's placement (4 600 gates on a 129-qubit heavy-hex lattice: 5.8 s; 46 400 gates:
 * > 100 s, then the router's recursion overflows the stack). One thread per call (callers
 * cache results per circuit), ended after {@link OFF_THREAD_TIMEOUT_MS}: a circuit that
 * takes longer, outgrows {@link OFF_THREAD_HEAP_MB}, overflows the router or ends its thread, is
 * refused with its task's 4xx ({@link TASK_ANSWERS}), never a 500. At most {@link OFF_THREAD_CONCURRENCY} threads run at once
 * (each may use a core for a minute); up to {@link OFF_THREAD_QUEUE_LENGTH} more calls wait
 * for one, and beyond that a call is refused at once with 503 QPLANE_ERR_UNAVAILABLE. A call
 * made for an API key (`owner`) while another of that key's calls runs or waits is refused at
 * once with 429 QPLANE_ERR_RATE_LIMITED, so one tenant cannot fill the pool shared by all.
 *
 * A task is a pure function of structured-cloneable arguments: one of the built-in tasks
 * named by {@link TaskName}, or an {@link OffThreadTask} its caller defines next to the
 * function (a provider's device fitting), so this module never names code above it.
 *
 * `off-thread-entry.js` exists next to the compiled module (dist/); vitest runs the
 * TypeScript sources, where it does not, and there the task runs in the caller's thread.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { transpile } from "../circuits/transpile/index.js";
import { type ErrorCode, QplaneError } from "../errors/catalogue.js";

/** Longest a task may take before its input is refused as too large. */
export const OFF_THREAD_TIMEOUT_MS = 60_000;
/** Threads running at once: a core each, so the API and the worker keep the others. */
export const OFF_THREAD_CONCURRENCY = 2;
/** Calls waiting for a thread (a few per running one); beyond, 503 at once. */
export const OFF_THREAD_QUEUE_LENGTH = 4 * OFF_THREAD_CONCURRENCY;
/**
 * Old-generation heap of one thread: reading the largest CSV file the API admits (100 000
 * rows × 64 columns, 60 MB: 3.5 s) needs more than 256 MB and fits 512; this bounds a
 * pathological task (and the API's extra memory at 2 × 512 MB).
 */
export const OFF_THREAD_HEAP_MB = 512;

let running = 0;
const waiting: (() => void)[] = [];
/** The API keys with a call running or waiting. */
const busyOwners = new Set<string>();

/**
 * Waits for a free thread slot, or refuses at once when the queue is full; a wait ends early
 * when `signal` aborts (its client has gone), so an abandoned call does not hold a place.
 */
async function acquireSlot(what: string, signal: AbortSignal | undefined): Promise<void> {
  const abandoned = () =>
    new QplaneError(
      "QPLANE_ERR_UNAVAILABLE",
      `${what}: the request was abandoned while waiting for a worker thread; retry`,
    );
  if (signal?.aborted) throw abandoned();
  if (running < OFF_THREAD_CONCURRENCY) {
    running++;
    return;
  }
  if (waiting.length >= OFF_THREAD_QUEUE_LENGTH) {
    throw new QplaneError(
      "QPLANE_ERR_UNAVAILABLE",
      `${what}: every worker thread is busy (${OFF_THREAD_CONCURRENCY} running, ${OFF_THREAD_QUEUE_LENGTH} waiting); retry later`,
    );
  }
  // the slot passes directly from the releasing call to this one
  await new Promise<void>((resolve, reject) => {
    const take = () => {
      signal?.removeEventListener("abort", leave);
      resolve();
    };
    const leave = () => {
      waiting.splice(waiting.indexOf(take), 1);
      reject(abandoned());
    };
    signal?.addEventListener("abort", leave, { once: true });
    waiting.push(take);
  });
}

function releaseSlot(): void {
  const next = waiting.shift();
  if (next === undefined) running--;
  else next();
}

/** The built-in tasks a thread runs, each a pure function of structured-cloneable arguments. */
export interface OffThreadTasks {
  readonly transpile: typeof transpile;
}
export type TaskName = keyof OffThreadTasks;

/** How a task that failed in its thread is refused: its code, its work, the remedy. */
export interface TaskAnswer {
  readonly code: ErrorCode;
  readonly work: string;
  readonly remedy: string;
}

/** The answer of a circuit too large to route (transpiling, placing on a device). */
export const ROUTING_ANSWER: TaskAnswer = {
  code: "QPLANE_ERR_PROVIDER_CIRCUIT",
  work: "routing",
  remedy: "use fewer layers, qubits or entangling pairs",
};

export const TASK_ANSWERS: { readonly [T in TaskName]: TaskAnswer } = {
  transpile: ROUTING_ANSWER,
};

// biome-ignore lint/suspicious/noExplicitAny: a task's arguments are whatever its function takes
type TaskFunction = (...args: any[]) => unknown;

/**
 * A task defined by its caller: a function exported by a module, which the thread imports
 * by URL. Define it next to the function (`module: import.meta.url`), so the compiled module
 * is the one the thread loads.
 */
export interface OffThreadTask<F extends TaskFunction> {
  /** File URL of the module that exports the function. */
  readonly module: string;
  readonly exportName: string;
  readonly answer: TaskAnswer;
  /** The function itself, for the caller's thread (vitest runs the sources: no thread). */
  readonly load: () => Promise<F>;
}

/** A task as the thread is told it: a built-in name, or where a caller's function lives. */
export type TaskReference =
  | TaskName
  | { readonly module: string; readonly exportName: string; readonly answer: TaskAnswer };

/** How `task` is refused when it fails in its thread. */
export function answerOf(task: TaskReference): TaskAnswer {
  return typeof task === "string" ? TASK_ANSWERS[task] : task.answer;
}

/** Loads a built-in task's function (in the thread, or here when there is no compiled entry). */
export async function loadTask<K extends TaskName>(name: K): Promise<OffThreadTasks[K]> {
  const tasks: { [T in TaskName]: () => Promise<OffThreadTasks[T]> } = {
    transpile: async () => (await import("../circuits/transpile/index.js")).transpile,
  };
  return tasks[name]() as Promise<OffThreadTasks[K]>;
}

/** Loads the function of a task reference, in the thread. */
export async function loadTaskReference(task: TaskReference): Promise<TaskFunction> {
  if (typeof task === "string") return (await loadTask(task)) as TaskFunction;
  const loaded = (await import(task.module)) as Record<string, unknown>;
  const run = loaded[task.exportName];
  if (typeof run !== "function") {
    throw new Error(`${task.module} exports no function ${task.exportName}`);
  }
  return run as TaskFunction;
}

/** What the thread sends back: the result, or a catalogue error. */
export type ThreadAnswer =
  | { readonly ok: true; readonly result: unknown }
  | { readonly ok: false; readonly code: ErrorCode; readonly message: string };

/** What the thread is started with. */
export interface ThreadRequest {
  readonly task: TaskReference;
  readonly args: readonly unknown[];
  /** The work, for messages: "the circuit (4600 gates on 12 qubits)". */
  readonly what: string;
}

const ENTRY = new URL("./off-thread-entry.js", import.meta.url);
const compiled = existsSync(fileURLToPath(ENTRY));

/** The circuit a task works on, as messages name it. */
export function describeCircuit(circuit: { gates: readonly unknown[]; numQubits: number }) {
  return `the circuit (${circuit.gates.length} gates on ${circuit.numQubits} qubits)`;
}

export interface OffThreadOptions {
  /** @defaultValue {@link OFF_THREAD_TIMEOUT_MS} */
  readonly timeoutMs?: number;
  /** The API key's owner the call is made for (one call at a time each); null: none. */
  readonly owner?: string | null;
  /** Aborted when the call's client has gone: a call still waiting for a thread is dropped. */
  readonly signal?: AbortSignal | undefined;
}

export async function runOffThread<K extends TaskName>(
  task: K,
  args: Parameters<OffThreadTasks[K]>,
  what: string,
  options?: OffThreadOptions,
): Promise<ReturnType<OffThreadTasks[K]>>;
export async function runOffThread<F extends TaskFunction>(
  task: OffThreadTask<F>,
  args: Parameters<F>,
  what: string,
  options?: OffThreadOptions,
): Promise<ReturnType<F>>;
export async function runOffThread(
  task: TaskName | OffThreadTask<TaskFunction>,
  args: readonly unknown[],
  what: string,
  { timeoutMs = OFF_THREAD_TIMEOUT_MS, owner = null, signal }: OffThreadOptions = {},
): Promise<unknown> {
  if (owner !== null) {
    if (busyOwners.has(owner)) {
      throw new QplaneError(
        "QPLANE_ERR_RATE_LIMITED",
        `${what}: this API key already has a task running or waiting on the server's worker threads (1 at a time per key); retry when it has finished`,
      );
    }
    busyOwners.add(owner);
  }
  try {
    await acquireSlot(what, signal);
    try {
      if (!compiled) {
        const run = typeof task === "string" ? await loadTask(task) : await task.load();
        return (run as TaskFunction)(...args);
      }
      const reference: TaskReference =
        typeof task === "string"
          ? task
          : { module: task.module, exportName: task.exportName, answer: task.answer };
      return await inThread({ task: reference, args, what }, timeoutMs);
    } finally {
      releaseSlot();
    }
  } finally {
    if (owner !== null) busyOwners.delete(owner);
  }
}

/** Runs one request in a new thread; settles once, when it answers, fails or times out. */
function inThread<Result>(request: ThreadRequest, timeoutMs: number): Promise<Result> {
  const { what } = request;
  return new Promise<Result>((resolve, reject) => {
    const worker = new Worker(ENTRY, {
      workerData: request,
      resourceLimits: { maxOldGenerationSizeMb: OFF_THREAD_HEAP_MB },
    });
    const { code, work, remedy } = answerOf(request.task);
    const refuse = (reason: string) => new QplaneError(code, `${what}: ${reason}; ${remedy}`);
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(refuse(`${work} took longer than ${timeoutMs / 1000} s`));
    }, timeoutMs);
    worker.once("message", (answer: ThreadAnswer) => {
      clearTimeout(timer);
      void worker.terminate();
      if (answer.ok) resolve(answer.result as Result);
      else reject(new QplaneError(answer.code, answer.message));
    });
    // a catalogue error, never a 500: the thread ran only this request's input
    worker.once("error", (error: Error & { code?: string }) => {
      clearTimeout(timer);
      reject(
        refuse(
          error.code === "ERR_WORKER_OUT_OF_MEMORY"
            ? `${work} needed more than ${OFF_THREAD_HEAP_MB} MB`
            : `${work} failed (${error.message})`,
        ),
      );
    });
    // a thread that ends without answering (its promise settles only once)
    worker.once("exit", (exitCode) => {
      clearTimeout(timer);
      reject(refuse(`${work} stopped without an answer (thread exit code ${exitCode})`));
    });
  });
}
