/**
 * The training time of one run, added to the job's record (trainingMsUsed) every few seconds
 * while it trains and once more when it stops, so the time limit counts partial epochs across
 * requeues (shutdown, lost lock) and a worker killed outright loses at most one interval.
 */
import type { JobStore } from "./store.js";

/** How often a running job's training time is written: the most a killed worker loses. */
export const TRAINING_TIME_INTERVAL_MS = 5000;

export interface TrainingClock {
  /** Stops the timer and writes the time not written yet (failures go to `onError`). */
  stop(): Promise<void>;
}

/** Starts counting now; the timer runs between the pauses of a step (pacing.ts). */
export function startTrainingClock(
  store: Pick<JobStore, "addTrainingTime">,
  id: string,
  onError: (error: unknown) => void,
  intervalMs = TRAINING_TIME_INTERVAL_MS,
): TrainingClock {
  const started = performance.now();
  let writtenMs = 0;
  let writing: Promise<void> = Promise.resolve();
  // whole ms only; the remainder is written with the next increment
  const write = () => {
    writing = writing.then(async () => {
      const ms = Math.floor(performance.now() - started - writtenMs);
      if (ms <= 0) return;
      try {
        await store.addTrainingTime(id, ms);
        writtenMs += ms;
      } catch (error) {
        onError(error);
      }
    });
    return writing;
  };
  const timer = setInterval(write, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      return write();
    },
  };
}
