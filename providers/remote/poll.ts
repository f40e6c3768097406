/**
 * Waiting on a remote service: one abortable sleep, and a polling loop with back-off, shared by
 * every remote provider (IBM's request retries and job polls, Braket's task polls).
 */
import { QplaneError } from "../../src/errors/catalogue.js";

/** Why a wait ended early: the signal's reason when it is a catalogue error, else a cancel. */
function abortReason(signal: AbortSignal): QplaneError {
  return signal.reason instanceof QplaneError
    ? signal.reason
    : new QplaneError("QPLANE_ERR_RUN_CANCELLED", "run was cancelled");
}

/**
 * Resolves after `ms`, or rejects as soon as `signal` aborts: with the abort reason when it is
 * a QplaneError (a run's stop reason: cancelled, timed out, failed), else RUN_CANCELLED.
 */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** How often to ask: the first interval, growing by `growth` per poll up to `maxIntervalMs`. */
export interface PollSchedule {
  readonly firstIntervalMs: number;
  /** @defaultValue firstIntervalMs (no growth) */
  readonly maxIntervalMs?: number;
  /** Factor per poll; 1 = a fixed interval. @defaultValue 1 */
  readonly growth?: number;
  /** Wait before the first read (a task just created is rarely done). @defaultValue false */
  readonly waitFirst?: boolean;
}

/**
 * Reads until `isDone` holds for what was read, sleeping per `schedule` between reads.
 * `read` may answer undefined ("not visible yet": keep polling). Rejects with the stop reason
 * as soon as `stop` aborts (checked around every read and sleep), so a cancelled or timed-out
 * run stops polling at once; the deadline itself is the caller's (see remote-job.ts).
 */
export async function pollUntil<T>(
  read: () => Promise<T | undefined>,
  isDone: (value: T) => boolean,
  schedule: PollSchedule,
  stop: AbortSignal,
): Promise<T> {
  const maxIntervalMs = schedule.maxIntervalMs ?? schedule.firstIntervalMs;
  const growth = schedule.growth ?? 1;
  let intervalMs = schedule.firstIntervalMs;
  let first = true;
  for (;;) {
    if (!first || schedule.waitFirst === true) {
      await abortableSleep(intervalMs, stop);
      if (!first) intervalMs = Math.min(maxIntervalMs, Math.ceil(intervalMs * growth));
    }
    first = false;
    if (stop.aborted) throw abortReason(stop);
    const value = await read();
    if (stop.aborted) throw abortReason(stop);
    if (value !== undefined && isDone(value)) return value;
  }
}
