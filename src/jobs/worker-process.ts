/**
 * A worker: the BullMQ Worker running the training processor, plus what it needs around it —
 * a subscription to the cancel channel, lock-loss handling, the record of jobs BullMQ gives
 * up on, and a maintenance timer (sweep expired index entries, re-enqueue orphaned jobs).
 *
 * Shutdown (`close()`, called on SIGTERM/SIGINT by worker-main.ts): no new job is taken;
 * every running job stops within one optimisation step, is handed back to the queue at its
 * last checkpointed epoch (record `queued`, BullMQ job back in the wait list, no retry
 * attempt used) and is resumed by the next worker; then the connections close. Work lost:
 * at most the epoch in progress.
 *
 * SIGKILL: nothing runs. The job's lock expires (lockDurationMs), another worker's stalled
 * check returns it to the wait list, and a worker resumes it from its last checkpoint with
 * the same final result as an uninterrupted run.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type Job, Worker } from "bullmq";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import { createRedactingLogger } from "../logging/redaction.js";
import type { BackendResolver } from "../training/run.js";
import {
  createTrainingQueue,
  enqueueTraining,
  type TRAINING_JOB_NAME,
  type TrainingJobData,
  trainingQueueName,
} from "./queue.js";
import { closeRedis, createRedis } from "./redis.js";
import { JobStore } from "./store.js";
import { TERMINAL_JOB_STATUSES } from "./types.js";
import { ActiveRuns, createTrainingProcessor } from "./worker.js";

export interface StartWorkerOptions {
  /** @defaultValue a pino logger at config.logLevel */
  readonly logger?: Logger;
  /** Providers for backend names. @defaultValue the local simulator only */
  readonly resolveBackend?: BackendResolver;
  /** Period of the sweep and orphan check. @defaultValue 60000 */
  readonly maintenanceIntervalMs?: number;
  /** Minimum age of a queued job before it counts as orphaned. @defaultValue 60000 */
  readonly orphanAgeMs?: number;
}

export interface WorkerHandle {
  /** BullMQ's id of this worker. */
  readonly id: string;
  /** Jobs this worker is training right now. */
  readonly activeJobs: number;
  /** One sweep + orphan check now (also run by the timer). */
  maintain(): Promise<void>;
  /** Graceful shutdown; see the module comment. Idempotent. */
  close(): Promise<void>;
}

/** BullMQ states from which a job will still be run. */
const PENDING_STATES = new Set([
  "waiting",
  "wait",
  "delayed",
  "prioritized",
  "active",
  "waiting-children",
]);

export async function startWorker(
  config: Config,
  options: StartWorkerOptions = {},
): Promise<WorkerHandle> {
  const logger =
    options.logger ?? createRedactingLogger({ level: config.logLevel, name: "qplane-worker" });
  const prefix = config.keyPrefix;
  const storeRedis = createRedis(config.redisUrl, "patient", { name: `${prefix}:worker` });
  const subscriber = createRedis(config.redisUrl, "patient", { name: `${prefix}:worker-cancel` });
  const store = new JobStore(storeRedis, {
    prefix,
    retentionSeconds: config.retentionSeconds,
  });
  const queue = createTrainingQueue(storeRedis, prefix);
  queue.on("error", (error) => logger.warn({ err: error }, "queue connection error"));
  const runs = new ActiveRuns();

  subscriber.on("message", (channel: string, id: string) => {
    if (channel === store.keys.cancel && runs.stop(id, "cancel")) {
      logger.info({ jobId: id }, "cancel requested; stopping within one step");
    }
  });
  await subscriber.subscribe(store.keys.cancel);

  const processor = createTrainingProcessor({
    store,
    runs,
    limits: config.limits,
    logger,
    resolveBackend: options.resolveBackend,
  });
  // BullMQ's main worker connection (locks, job moves); its blocking fetch uses a duplicate
  const bullRedis = createRedis(config.redisUrl, "blocking", { name: `${prefix}:worker-bullmq` });
  const worker = new Worker<TrainingJobData, void, typeof TRAINING_JOB_NAME>(
    trainingQueueName(prefix),
    processor,
    {
      connection: bullRedis,
      prefix,
      concurrency: config.worker.concurrency,
      lockDuration: config.worker.lockDurationMs,
      stalledInterval: config.worker.stalledIntervalMs,
      maxStalledCount: config.worker.maxStalledCount,
    },
  );
  worker.on("error", (error) => logger.warn({ err: error }, "worker error"));
  worker.on("lockRenewalFailed", (ids) => {
    for (const id of ids) runs.stop(id, "lost");
    logger.warn({ jobIds: ids }, "lost job locks; those runs stop");
  });
  worker.on("stalled", (id) =>
    logger.warn({ jobId: id }, "job stalled (its worker died); requeued"),
  );
  worker.on("failed", (job, error) => {
    if (job) void recordGivenUp(job, error);
  });

  /**
   * BullMQ can fail a job without running the processor (stalled too often): the record,
   * still queued or running, must say so.
   */
  async function recordGivenUp(job: Job<TrainingJobData>, error: Error): Promise<void> {
    try {
      const state = await job.getState();
      if (PENDING_STATES.has(state)) return;
      const record = await store.get(job.data.id);
      if (!record || TERMINAL_JOB_STATUSES.has(record.status)) return;
      const result = await store.transition(record, ["queued", "running"], "failed", {
        error: {
          code: "QPLANE_ERR_INTERNAL",
          message: `the job was given up after its workers stopped while running it (${error.message})`,
        },
        etaSeconds: null,
        finishedAt: new Date().toISOString(),
      });
      if (result.ok) {
        await store.publish(record.id, {
          type: "status",
          status: "failed",
          at: new Date().toISOString(),
        });
      }
      logger.error({ jobId: record.id, reason: error.message }, "job given up by the queue");
    } catch (failure) {
      logger.warn({ err: failure, jobId: job.data.id }, "could not record a given-up job");
    }
  }

  const orphanAge = options.orphanAgeMs ?? 60_000;
  /** Unindexes expired jobs; re-enqueues unfinished jobs that have no queue entry. */
  async function maintain(): Promise<void> {
    await store.sweepExpired();
    const before = Date.now() - orphanAge;
    for (const status of ["queued", "running"] as const) {
      for (const id of await store.idsWithStatus(status, before)) {
        if (await queue.getJob(id)) continue;
        const record = await store.get(id);
        if (!record || TERMINAL_JOB_STATUSES.has(record.status)) continue;
        await enqueueTraining(queue, config, id);
        logger.warn({ jobId: id, status }, "re-enqueued a job that had no queue entry");
      }
    }
  }
  const timer = setInterval(() => {
    maintain().catch((error) => logger.warn({ err: error }, "maintenance failed"));
  }, options.maintenanceIntervalMs ?? 60_000);
  timer.unref();

  await worker.waitUntilReady();
  logger.info(
    { queue: trainingQueueName(prefix), concurrency: config.worker.concurrency },
    "worker ready",
  );

  let closing: Promise<void> | null = null;
  return {
    id: worker.id,
    get activeJobs() {
      return runs.size;
    },
    maintain,
    close() {
      closing ??= (async () => {
        clearInterval(timer);
        const closed = worker.close();
        runs.shutdown();
        await closed;
        await queue.close();
        await Promise.all([closeRedis(subscriber), closeRedis(storeRedis), closeRedis(bullRedis)]);
        logger.info("worker closed");
      })();
      return closing;
    },
  };
}

export interface ForkWorkerOptions {
  /** The compiled entry. @defaultValue worker-main.js next to this module (dist/) */
  readonly entry?: string | URL;
  /** The child's environment, from which it loads its config. @defaultValue process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** `pipe` keeps the last 64 KiB of output for `output()`. @defaultValue "inherit" */
  readonly stdio?: "inherit" | "pipe";
}

export interface ForkedWorker {
  readonly pid: number;
  /** Resolves when the process has exited. */
  readonly exited: Promise<{
    readonly code: number | null;
    readonly signal: NodeJS.Signals | null;
  }>;
  kill(signal: NodeJS.Signals): void;
  /** SIGTERM (graceful: running jobs go back to the queue), then waits for the exit. */
  close(): Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>;
  /** Captured stdout and stderr (with stdio "pipe"). */
  output(): string;
}

/**
 * Runs a worker in its own process (worker-main.js). A worker in the API's process shares
 * its event loop with request handling, and a training step holds that loop for its whole
 * duration; QPLANE_ROLE=all servers that care about request latency should fork instead.
 */
export function forkWorker(options: ForkWorkerOptions = {}): ForkedWorker {
  const entry = options.entry ?? new URL("./worker-main.js", import.meta.url);
  const path = entry instanceof URL ? fileURLToPath(entry) : entry;
  const child = spawn(process.execPath, [path], {
    env: options.env ?? process.env,
    stdio: options.stdio === "pipe" ? ["ignore", "pipe", "pipe"] : "inherit",
  });
  let captured = "";
  const keep = (chunk: Buffer) => {
    captured = (captured + chunk.toString("utf8")).slice(-65_536);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  return {
    pid: child.pid ?? -1,
    exited,
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    close() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      return exited;
    },
    output: () => captured,
  };
}
