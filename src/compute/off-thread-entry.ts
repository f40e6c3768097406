/** The worker thread of `off-thread.ts`: runs the one task it was started with. */
import { parentPort, workerData } from "node:worker_threads";
import { isQplaneError } from "../errors/catalogue.js";
import { loadTask, type ThreadAnswer, type ThreadRequest } from "./off-thread.js";

const { task, args, what } = workerData as ThreadRequest;
const run = (await loadTask(task)) as (...taskArgs: readonly unknown[]) => unknown;
let answer: ThreadAnswer;
try {
  answer = { ok: true, result: run(...args) };
} catch (error) {
  if (isQplaneError(error)) {
    answer = { ok: false, code: error.code, message: error.message };
  } else if (error instanceof RangeError) {
    // the router's recursion outgrew the stack: a circuit too large to route, not a fault
    answer = {
      ok: false,
      code: "QPLANE_ERR_PROVIDER_CIRCUIT",
      message: `${what} is too large to route on this device (${error.message}); use fewer layers, qubits or entangling pairs`,
    };
  } else {
    throw error;
  }
}
parentPort!.postMessage(answer);
