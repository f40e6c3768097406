/**
 * `npm start`: the qplane service. QPLANE_ROLE picks what this process runs:
 * - `api`: the HTTP API only;
 * - `worker`: one training worker (concurrency from QPLANE_WORKER_CONCURRENCY);
 * - `all` (default): the API, plus a worker in a child process, so a training step never
 *   holds up HTTP requests.
 * Invalid configuration stops the process at start with one clear line. SIGTERM/SIGINT shut
 * down gracefully: the API stops accepting requests, workers hand their jobs back to the
 * queue at the last completed epoch (see src/jobs/worker-process.ts).
 */
import type { FastifyInstance } from "fastify";
import { buildApp } from "./api/app.js";
import { ServiceMetrics } from "./api/metrics.js";
import { createBackendRegistry } from "./backends/registry.js";
import { type Config, loadConfig } from "./config.js";
import { isQplaneError } from "./errors/catalogue.js";
import { createExperimentService } from "./jobs/experiments.js";
import { createJobService } from "./jobs/service.js";
import type { JobService } from "./jobs/types.js";
import { forkWorker, startWorker } from "./jobs/worker-process.js";

type Closer = () => Promise<unknown>;

async function startApi(config: Config, closers: Closer[]): Promise<FastifyInstance> {
  const service: JobService = createJobService({ config });
  const experiments = createExperimentService({ config, jobs: service });
  const metrics = new ServiceMetrics();
  const app = await buildApp({
    service,
    experiments,
    backends: createBackendRegistry(config.backends).backends,
    apiKeys: config.apiKeys,
    limits: config.limits,
    log: { level: config.logLevel },
    metrics,
  });
  closers.push(
    () => service.close(),
    () => experiments.close(),
    () => app.close(),
  );
  // every worker's epochs, wherever it runs, feed the /metrics epoch-duration histogram
  try {
    closers.push(
      await service.watchAll((_jobId, event) => {
        if (event.type === "metric") metrics.observeEpochDuration(event.record.elapsedMs);
      }),
    );
  } catch (error) {
    app.log.warn({ err: error }, "epoch durations unavailable until restart: Redis did not answer");
  }
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
  // closed in reverse order of start: API first (no new work), then workers, then Redis
  const closers: Closer[] = [];
  if (config.role === "worker") {
    const worker = await startWorker(config, {
      resolveBackend: createBackendRegistry(config.backends).resolve,
    });
    closers.push(() => worker.close());
  } else {
    if (config.role === "all") {
      const worker = forkWorker();
      closers.push(() => worker.close());
    }
    await startApi(config, closers);
  }
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    process.stderr.write(`qplane: ${signal}: shutting down\n`);
    closers
      .reverse()
      .reduce((done, close) => done.then(close), Promise.resolve<unknown>(undefined))
      .then(
        () => process.exit(0),
        (error: unknown) => {
          process.stderr.write(`qplane: shutdown failed: ${String(error)}\n`);
          process.exit(1);
        },
      );
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`qplane: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
