/**
 * `npm start`: the qplane service. QPLANE_ROLE picks what this process runs:
 * - `api`: the HTTP API only;
 * - `worker`: one training worker (concurrency from QPLANE_WORKER_CONCURRENCY);
 * - `all` (default): the API, plus a worker in a child process, so a training step never
 *   holds up HTTP requests.
 * Invalid configuration stops the process at start with one clear line. SIGTERM/SIGINT shut
 * down gracefully: the API stops accepting requests, workers hand their jobs back to the
 * queue at the last completed epoch (see src/jobs/worker.ts). A shutdown longer than
 * QPLANE_SHUTDOWN_TIMEOUT_SECONDS kills the worker child and exits with status 1.
 *
 * The API process also drives experiments (src/jobs/experiment-driver.ts): every
 * QPLANE_EXPERIMENT_ADVANCE_INTERVAL_MS it queues the children that derive from finished runs.
 *
 * In `all` the worker child is supervised (src/jobs/supervisor.ts): restarted with back-off
 * when it dies, its jobs handed back at once (src/jobs/recovery.ts); after repeated crashes
 * the process exits with status 1. Without Redis the service says so in one line and keeps
 * retrying (src/jobs/redis.ts reportReachability); it serves 503s meanwhile.
 */
import type { FastifyInstance } from "fastify";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { buildApp } from "./api/app.js";
import { ServiceMetrics } from "./api/metrics.js";
import { experimentChildAdmission } from "./api/routes/experiments.js";
import { createBackendRegistry } from "./backends/registry.js";
import { type Config, loadConfig } from "./config.js";
import { isQplaneError } from "./errors/catalogue.js";
import { startExperimentDriver } from "./jobs/experiment-driver.js";
import { createExperimentService } from "./jobs/experiments.js";
import { JobKeys } from "./jobs/keys.js";
import { releaseDeadWorker } from "./jobs/recovery.js";
import { closeRedis, createRedis, reportReachability } from "./jobs/redis.js";
import { createJobService } from "./jobs/service.js";
import { type SupervisedWorker, superviseWorker } from "./jobs/supervisor.js";
import { EVERYONE, type JobService } from "./jobs/types.js";
import { forkWorker, startWorker } from "./jobs/worker.js";
import { createRedactingLogger } from "./logging/redaction.js";

type Closer = () => Promise<unknown>;

/** While Redis is away at start, the epoch-duration histogram subscribes again this often. */
const WATCH_RETRY_MS = 5_000;

async function startApi(
  config: Config,
  closers: Closer[],
  storeRedis: Redis,
  worker: SupervisedWorker | null,
  logger: Logger,
): Promise<FastifyInstance> {
  const service: JobService = createJobService({ config, redis: storeRedis });
  const experiments = createExperimentService({ config, jobs: service });
  const metrics = new ServiceMetrics();
  // rate-limit counters in Redis: every API replica spends the same budget per key
  const rateLimitRedis = createRedis(config.redisUrl, "fail-fast", {
    timeoutMs: config.redisTimeoutMs,
    name: `${config.keyPrefix}:api-rate-limit`,
  });
  const app = await buildApp({
    service,
    experiments,
    backends: createBackendRegistry(config.backends).backends,
    apiKeys: config.apiKeys,
    adminKeys: config.adminKeys,
    limits: config.limits,
    log: { level: config.logLevel, format: config.logFormat },
    metrics,
    trustProxy: config.trustProxy,
    rateLimitStore: { redis: rateLimitRedis, keyPrefix: config.keyPrefix },
    // in `all` the service is ready only while its worker runs and beats
    workerAlive:
      worker === null ? undefined : async () => worker.alive && (await service.workers()) > 0,
  });
  // children that derive from finished runs are queued even when nobody reads the experiment
  const driver = startExperimentDriver({
    experiments,
    admit: experimentChildAdmission(app.qplane.options),
    intervalMs: config.experimentAdvanceIntervalMs,
    logger,
  });
  closers.push(
    () => closeRedis(rateLimitRedis),
    () => service.close(),
    () => experiments.close(),
    () => driver.close(),
    () => app.close(),
  );
  // every worker's epochs, wherever it runs, feed the /metrics epoch-duration histogram;
  // without Redis at start it subscribes once Redis answers (the outage is reported already).
  // service.close() ends the subscription.
  let watchRetry: NodeJS.Timeout | undefined;
  const watch = async () => {
    try {
      await service.watchAll((_jobId, event) => {
        if (event.type === "metric") metrics.observeEpochDuration(event.record.elapsedMs);
      }, EVERYONE);
    } catch {
      watchRetry = setTimeout(watch, WATCH_RETRY_MS);
    }
  };
  await watch();
  closers.push(async () => clearTimeout(watchRetry));
  await app.listen({ port: config.port, host: config.host });
  if (config.hostForced) {
    app.log.warn(
      `no QPLANE_API_KEYS configured: listening on 127.0.0.1 only${config.requestedHost ? ` (HOST=${config.requestedHost} ignored)` : ""}; set QPLANE_API_KEYS to serve other hosts`,
    );
  }
  return app;
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    process.stderr.write(`qplane: ${isQplaneError(error) ? error.message : String(error)}\n`);
    process.exit(1);
  }
  const logger = createRedactingLogger({
    level: config.logLevel,
    format: config.logFormat,
    secrets: [...config.apiKeys, ...config.adminKeys],
    name: "qplane",
  });
  // closed in reverse order of start: API first (no new work), then workers, then Redis
  const closers: Closer[] = [];
  let supervisor: SupervisedWorker | null = null;
  let stopping = false;
  const stop = (why: string, exitCode: number) => {
    if (stopping) process.exit(1);
    stopping = true;
    process.stderr.write(`qplane: ${why}: shutting down\n`);
    setTimeout(() => {
      process.stderr.write(
        `qplane: shutdown not finished after ${config.shutdownTimeoutSeconds} s (QPLANE_SHUTDOWN_TIMEOUT_SECONDS); exiting\n`,
      );
      supervisor?.kill();
      process.exit(1);
    }, config.shutdownTimeoutSeconds * 1000);
    closers
      .reverse()
      .reduce((done, close) => done.then(close), Promise.resolve<unknown>(undefined))
      .then(
        () => process.exit(exitCode),
        (error: unknown) => {
          process.stderr.write(`qplane: shutdown failed: ${String(error)}\n`);
          process.exit(1);
        },
      );
  };
  process.on("SIGTERM", () => stop("SIGTERM", 0));
  process.on("SIGINT", () => stop("SIGINT", 0));

  if (config.role === "worker") {
    const worker = await startWorker(config, {
      logger,
      resolveBackend: createBackendRegistry(config.backends).resolve,
      reportReachability: true,
    });
    closers.push(() => worker.close());
    return;
  }
  // the API's job-store connection; an outage is reported once, in one readable line
  const storeRedis = createRedis(config.redisUrl, "fail-fast", {
    timeoutMs: config.redisTimeoutMs,
    name: `${config.keyPrefix}:api`,
  });
  reportReachability(storeRedis, config.redisUrl, logger);
  closers.push(() => closeRedis(storeRedis));
  if (config.role === "all") {
    const keys = new JobKeys(config.keyPrefix);
    const supervised = superviseWorker({
      spawn: () => {
        const child = forkWorker();
        logger.info(`worker process ${child.pid} started`);
        return child;
      },
      onCrash: (workerId) => releaseDeadWorker(storeRedis, keys, workerId),
      onGiveUp: (reason) => {
        logger.error(reason);
        stop("the worker keeps crashing", 1);
      },
      log: logger,
    });
    supervisor = supervised;
    closers.push(() => supervised.close());
  }
  await startApi(config, closers, storeRedis, supervisor, logger);
}

main().catch((error: unknown) => {
  process.stderr.write(`qplane: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
