/**
 * The BullMQ queue of training jobs, `<prefix>-training` (its keys under `<prefix>:`). A
 * BullMQ job carries only the qplane job id (also its BullMQ job id, so adding it twice is a
 * no-op and cancelling a queued job is `queue.remove(id)`); everything else is in the store.
 *
 * What the settings mean for a job whose worker dies (SIGKILL, OOM, lost host): its lock is
 * no longer renewed and expires after `lockDurationMs`; the next stalled check of any live
 * worker (every `stalledIntervalMs`) puts it back in the wait list, and a worker resumes it
 * from its last checkpointed epoch. After `maxStalledCount` such orphanings the next pick-up
 * fails it instead (the record gets QPLANE_ERR_INTERNAL). Defaults (30 s, 15 s, 2): a dead
 * worker's job resumes within about 45 s. Lock renewal runs on the worker's event loop every
 * lockDurationMs / 2; the local simulator gives that loop a turn every few tens of ms inside
 * a step (providers/local/pacing.ts), so a step may take longer than the lock.
 *
 * Retries (`attempts`, exponential backoff from 1 s) are for unexpected errors only; a
 * QplaneError that is not retryable (bad spec, dataset, limits) fails the job at once
 * (BullMQ UnrecoverableError).
 */
import { type JobsOptions, Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { Config } from "../config.js";

/** What a BullMQ job carries. */
export interface TrainingJobData {
  readonly id: string;
}

export const TRAINING_JOB_NAME = "train";

export function trainingQueueName(prefix: string): string {
  return `${prefix}-training`;
}

export function trainingJobOptions(config: Pick<Config, "worker">, id: string): JobsOptions {
  return {
    jobId: id,
    attempts: config.worker.attempts,
    backoff: { type: "exponential", delay: 1000 },
    // the job store is the record of what happened; BullMQ keeps nothing once done
    removeOnComplete: true,
    removeOnFail: true,
  };
}

export type TrainingQueue = Queue<TrainingJobData, void, typeof TRAINING_JOB_NAME>;

/** The producer side, over a caller-owned connection (closing the queue leaves it open). */
export function createTrainingQueue(connection: Redis, prefix: string): TrainingQueue {
  return new Queue<TrainingJobData, void, typeof TRAINING_JOB_NAME>(trainingQueueName(prefix), {
    connection,
    prefix,
  });
}

export async function enqueueTraining(
  queue: TrainingQueue,
  config: Pick<Config, "worker">,
  id: string,
): Promise<void> {
  await queue.add(TRAINING_JOB_NAME, { id }, trainingJobOptions(config, id));
}
