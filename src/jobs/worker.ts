/**
 * A worker: the BullMQ Worker running the training processor, plus what it needs around it —
 * a subscription to the cancel channel, lock-loss handling, the record of jobs BullMQ gives
 * up on, and a maintenance timer (sweep expired index entries, re-enqueue orphaned jobs,
 * finish the owner-index backfill of backfill.ts, which also starts with the worker).
 *
 * Shutdown (`close()`, called on SIGTERM/SIGINT by worker-main.ts): no new job is taken;
 * every running job stops within about a second (even mid-step), is handed back to the
 * queue at its last checkpointed epoch (record `queued`, BullMQ job back in the wait list,
 * no retry attempt used) and is resumed by the next worker; then the connections close.
 * Work lost: at most the epoch in progress.
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
import { backfillOwnerIndexes } from "./backfill.js";
import { subscribeCancels } from "./events.js";
import { startHeartbeat } from "./heartbeat.js";
import { ActiveRuns, createTrainingProcessor } from "./processor.js";
import {
  createTrainingQueue,
  enqueueTraining,
  type TRAINING_JOB_NAME,
  type TrainingJobData,
  trainingQueueName,
} from "./queue.js";
import {
  closeRedis,
  createRedis,
  isConnectionError,
  reportReachability,
  untilConnected,
  withTimeout,
} from "./redis.js";
import { backfillSpecHashes } from "./spec-hash-backfill.js";
import { JobStore } from "./store.js";
import { TERMINAL_JOB_STATUSES } from "./types.js";

export interface StartWorkerOptions {
  /** @defaultValue a pino logger at config.logLevel */
  readonly logger?: Logger;
  /** Providers for backend names. @defaultValue the local simulator only */
  readonly resolveBackend?: BackendResolver;
  /** Period of the sweep and orphan check. @defaultValue 60000 */
  readonly maintenanceIntervalMs?: number;
  /** Minimum age of a queued job before it counts as orphaned. @defaultValue 60000 */
  readonly orphanAgeMs?: number;
  /** Log one line per Redis outage (see redis.ts reportReachability). @defaultValue false */
  readonly reportReachability?: boolean;
  /**
   * Called with BullMQ's worker id as soon as the Worker exists, before startWorker returns:
   * the Worker may take a job from then on, and its lock tokens carry this id.
   */
  readonly onWorkerId?: (workerId: string) => void;
}

export interface WorkerHandle {
  /** BullMQ's id of this worker. */
  readonly id: string;
  /** Jobs this worker is training right now. */
  readonly activeJobs: number;
  /** One sweep + orphan check + backfill check now (also run by the timer). */
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
  if (options.reportReachability) reportReachability(storeRedis, config.redisUrl, logger);
  // a worker started before Redis waits for it rather than failing its first commands
  await untilConnected(storeRedis);
  const queue = createTrainingQueue(storeRedis, prefix);
  // connection errors repeat at every reconnect attempt; the outage is reported once elsewhere
  queue.on("error", (error) => {
    if (!isConnectionError(error)) logger.warn({ err: error }, "queue error");
  });
  const runs = new ActiveRuns();

  await subscribeCancels(subscriber, store.keys, (id) => {
    if (runs.stop(id, "cancel")) {
      logger.info({ jobId: id }, "cancel requested; stopping at the next pause");
    }
  });

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
  options.onWorkerId?.(worker.id);
  worker.on("error", (error) => {
    if (!isConnectionError(error)) logger.warn({ err: error }, "worker error");
  });
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

  /** The upgrade backfills; one HEXISTS each once done (backfill.ts, spec-hash-backfill.ts). */
  async function backfill(): Promise<void> {
    const result = await backfillOwnerIndexes(storeRedis, store.keys);
    if (result.ran) logger.info(result, "earlier jobs and experiments indexed under their owners");
    const hashed = await backfillSpecHashes(storeRedis, store.keys);
    if (hashed.ran) logger.info(hashed, "earlier jobs given their spec hash");
  }

  const orphanAge = options.orphanAgeMs ?? 60_000;
  /**
   * Unindexes expired jobs; re-enqueues unfinished jobs that have no queue entry; finishes the
   * backfill if it has not run yet.
   */
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
    await backfill();
  }
  const timer = setInterval(() => {
    maintain().catch((error) => logger.warn({ err: error }, "maintenance failed"));
  }, options.maintenanceIntervalMs ?? 60_000);
  timer.unref();

  await worker.waitUntilReady();
  const heartbeat = await startHeartbeat(storeRedis, store.keys, worker.id, (error) => {
    if (!isConnectionError(error)) logger.warn({ err: error }, "heartbeat failed");
  });
  logger.info(
    { queue: trainingQueueName(prefix), concurrency: config.worker.concurrency },
    "worker ready",
  );
  // in the background: an upgraded store's first backfill must not delay taking jobs
  backfill().catch((error) =>
    logger.warn({ err: error }, "backfill failed; retried at the next maintenance"),
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
        const handBack = async () => {
          const closed = worker.close();
          runs.shutdown();
          await closed;
          await heartbeat.stop();
          await queue.close();
        };
        // Handing jobs back needs Redis, and BullMQ's close waits for it: when Redis is
        // unreachable, or goes away meanwhile, the worker leaves at once instead; the jobs'
        // locks expire and a worker resumes them from their last checkpoint, as after a crash.
        let onLost = () => {};
        const lost = new Promise<"lost">((resolve) => {
          onLost = () => resolve("lost");
          if (storeRedis.status === "ready") storeRedis.once("close", onLost);
          else onLost();
        });
        const handedBack = handBack().then(() => "handed back" as const);
        // once abandoned, its late failure is of no interest
        handedBack.catch(() => {});
        const outcome = await Promise.race([handedBack, lost]);
        storeRedis.off("close", onLost);
        if (outcome === "lost") {
          logger.warn("Redis unreachable while closing: running jobs resume from their checkpoint");
          runs.shutdown();
          for (const connection of [subscriber, storeRedis, bullRedis]) connection.disconnect();
          await withTimeout(worker.close(true), 1000).catch(() => {});
          return;
        }
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

export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * What worker-main.js sends its parent over the IPC channel: its worker id as soon as the
 * BullMQ Worker exists ("worker", before it can take a job, so a child killed while starting
 * still has its jobs handed back), then "ready" once it is fully started.
 */
export type WorkerMessage =
  | {
      readonly type: "worker";
      /** BullMQ's id of the child's worker (its heartbeat and lock tokens carry it). */
      readonly workerId: string;
    }
  | { readonly type: "ready" };

export interface ForkedWorker {
  readonly pid: number;
  /** The child's worker id once it reported it (before taking any job), else null. */
  readonly workerId: string | null;
  /** True once the child reported its worker fully started. */
  readonly ready: boolean;
  /** Resolves when the process has exited and every message it sent has been received. */
  readonly exited: Promise<ChildExit>;
  kill(signal: NodeJS.Signals): void;
  /** SIGTERM (graceful: running jobs go back to the queue), then waits for the exit. */
  close(): Promise<ChildExit>;
  /** Captured stdout and stderr (with stdio "pipe"). */
  output(): string;
}

function isWorkerMessage(message: unknown): message is WorkerMessage {
  const candidate = message as { type?: unknown; workerId?: unknown } | null;
  return (
    candidate?.type === "ready" ||
    (candidate?.type === "worker" && typeof candidate.workerId === "string")
  );
}

/**
 * Runs a worker in its own process (worker-main.js). A worker in the API's process shares
 * its event loop with request handling, and a training step holds that loop for its whole
 * duration; QPLANE_ROLE=all servers that care about request latency should fork instead.
 *
 * The child gets an IPC channel: it reports its worker id there (before it can take a job) and
 * when it is ready, and closes (jobs
 * handed back) when the channel drops, i.e. when this process dies, even by SIGKILL. It runs
 * in its own process group, so a terminal's Ctrl-C reaches only this process, which closes
 * the child once (a second signal would make the child exit without handing jobs back).
 */
export function forkWorker(options: ForkWorkerOptions = {}): ForkedWorker {
  const entry = options.entry ?? new URL("./worker-main.js", import.meta.url);
  const path = entry instanceof URL ? fileURLToPath(entry) : entry;
  const child = spawn(process.execPath, [path], {
    env: options.env ?? process.env,
    detached: true,
    stdio:
      options.stdio === "pipe"
        ? ["ignore", "pipe", "pipe", "ipc"]
        : ["inherit", "inherit", "inherit", "ipc"],
  });
  let captured = "";
  const keep = (chunk: Buffer) => {
    captured = (captured + chunk.toString("utf8")).slice(-65_536);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let workerId: string | null = null;
  let ready = false;
  child.on("message", (message) => {
    if (!isWorkerMessage(message)) return;
    if (message.type === "worker") workerId = message.workerId;
    else ready = true;
  });
  // the channel is only for these messages and for the child to notice this process dying
  child.channel?.unref();
  // 'close', not 'exit': messages still in the IPC channel (the worker id) may arrive after
  // 'exit', and 'close' waits for the channel and the stdio streams to end
  const exited = new Promise<ChildExit>((resolve) => {
    child.once("close", (code, signal) => resolve({ code, signal }));
  });
  return {
    pid: child.pid ?? -1,
    get workerId() {
      return workerId;
    },
    get ready() {
      return ready;
    },
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
