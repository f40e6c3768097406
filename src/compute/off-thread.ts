/**
 * Pure computations that can take seconds, run in a worker thread so that they stall
 * neither the API's event loop (dry runs plan hardware runs) nor the worker's (lock
 * renewal, cancel): routing a deep circuit on a large device, for IBM's transpiler and for
 * Braket's placement (4 600 gates on a 129-qubit heavy-hex lattice: 5.8 s; 46 400 gates:
 * > 100 s, then the router's recursion overflows the stack). One thread per call (callers
 * cache results per circuit), ended after {@link OFF_THREAD_TIMEOUT_MS}: a circuit that
 * takes longer, or overflows the router, is refused with QPLANE_ERR_PROVIDER_CIRCUIT.
 *
 * `off-thread-entry.js` exists next to the compiled module (dist/); vitest runs the
 * TypeScript sources, where it does not, and there the task runs in the caller's thread.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { fitToDevice } from "../../providers/braket/fit.js";
import type { transpile } from "../circuits/transpile/index.js";
import { type ErrorCode, QplaneError } from "../errors/catalogue.js";

/** Longest a task may take before its circuit is refused as too large. */
export const OFF_THREAD_TIMEOUT_MS = 60_000;

/** The tasks a thread runs, each a pure function of structured-cloneable arguments. */
export interface OffThreadTasks {
  readonly transpile: typeof transpile;
  readonly fitToDevice: typeof fitToDevice;
}
export type TaskName = keyof OffThreadTasks;

/** Loads a task's function (in the thread, or here when there is no compiled entry). */
export async function loadTask<K extends TaskName>(name: K): Promise<OffThreadTasks[K]> {
  const tasks: { [T in TaskName]: () => Promise<OffThreadTasks[T]> } = {
    transpile: async () => (await import("../circuits/transpile/index.js")).transpile,
    fitToDevice: async () => (await import("../../providers/braket/fit.js")).fitToDevice,
  };
  return tasks[name]() as Promise<OffThreadTasks[K]>;
}

/** What the thread sends back: the result, or a catalogue error. */
export type ThreadAnswer =
  | { readonly ok: true; readonly result: unknown }
  | { readonly ok: false; readonly code: ErrorCode; readonly message: string };

/** What the thread is started with. */
export interface ThreadRequest {
  readonly task: TaskName;
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

export async function runOffThread<K extends TaskName>(
  task: K,
  args: Parameters<OffThreadTasks[K]>,
  what: string,
  timeoutMs = OFF_THREAD_TIMEOUT_MS,
): Promise<ReturnType<OffThreadTasks[K]>> {
  type Result = ReturnType<OffThreadTasks[K]>;
  if (!compiled) {
    const run = (await loadTask(task)) as (...taskArgs: unknown[]) => Result;
    return run(...args);
  }
  const request: ThreadRequest = { task, args, what };
  return new Promise<Result>((resolve, reject) => {
    const worker = new Worker(ENTRY, { workerData: request });
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(
        new QplaneError(
          "QPLANE_ERR_PROVIDER_CIRCUIT",
          `${what}: routing took longer than ${timeoutMs / 1000} s; use fewer layers, qubits or entangling pairs`,
        ),
      );
    }, timeoutMs);
    worker.once("message", (answer: ThreadAnswer) => {
      clearTimeout(timer);
      void worker.terminate();
      if (answer.ok) resolve(answer.result as Result);
      else reject(new QplaneError(answer.code, answer.message));
    });
    worker.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
