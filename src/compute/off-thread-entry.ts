/** The worker thread of `off-thread.ts`: runs the one task it was started with. */
import { parentPort, workerData } from "node:worker_threads";
import { isQplaneError } from "../errors/catalogue.js";
import {
  answerOf,
  loadTaskReference,
  type ThreadAnswer,
  type ThreadRequest,
} from "./off-thread.js";

const { task, args, what } = workerData as ThreadRequest;
const run = await loadTaskReference(task);
let answer: ThreadAnswer;
try {
  answer = { ok: true, result: run(...args) };
} catch (error) {
  if (isQplaneError(error)) {
    answer = { ok: false, code: error.code, message: error.message };
  } else if (error instanceof RangeError) {
    // a recursion (the router's) outgrew the stack: an input too large, not a fault
    const { code, work, remedy } = answerOf(task);
    answer = {
      ok: false,
      code,
      message: `${what}: too large for ${work} (${error.message}); ${remedy}`,
    };
  } else {
    throw error;
  }
}
parentPort!.postMessage(answer);
