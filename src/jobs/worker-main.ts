/**
 * `node dist/src/jobs/worker-main.js`: one worker process, configured from the environment
 * (src/config.ts). SIGTERM or SIGINT closes it gracefully (running jobs go back to the queue
 * at their last checkpoint, see worker.ts); a second signal exits at once, and so does
 * a close that takes longer than QPLANE_SHUTDOWN_TIMEOUT_SECONDS (status 1).
 * Invalid configuration exits with status 1 and one line on stderr.
 *
 * Forked by a QPLANE_ROLE=all server (forkWorker), it has an IPC channel: it reports its
 * worker id there as soon as its BullMQ Worker exists and again when it is ready, and closes
 * the same graceful way when the channel drops (its parent died), so no worker outlives its server. Its parent then reports Redis outages.
 */
import { createBackendRegistry } from "../backends/registry.js";
import { loadConfig } from "../config.js";
import { isQplaneError } from "../errors/catalogue.js";
import { createRedactingLogger } from "../logging/redaction.js";
import { startWorker, type WorkerHandle, type WorkerMessage } from "./worker.js";

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    process.stderr.write(
      `qplane worker: ${isQplaneError(error) ? error.message : String(error)}\n`,
    );
    process.exit(1);
  }
  const logger = createRedactingLogger({
    level: config.logLevel,
    format: config.logFormat,
    name: "qplane-worker",
  });
  let started: Promise<WorkerHandle> | null = null;
  /** Set once the BullMQ Worker exists: from then on it may hold a job to hand back. */
  let workerCreated = false;
  let stopping = false;
  const stop = (why: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    process.stderr.write(`qplane worker: ${why}: closing; running jobs go back to the queue\n`);
    setTimeout(() => {
      process.stderr.write(
        `qplane worker: not closed after ${config.shutdownTimeoutSeconds} s (QPLANE_SHUTDOWN_TIMEOUT_SECONDS); exiting\n`,
      );
      process.exit(1);
    }, config.shutdownTimeoutSeconds * 1000).unref();
    // before its Worker exists it holds no job: nothing to hand back; a Worker still starting
    // may already run one, so its close waits for the start
    const closed =
      started !== null && workerCreated
        ? started.then((worker) => worker.close())
        : Promise.resolve();
    closed.then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`qplane worker: close failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("disconnect", () => stop("parent process gone"));

  const tell = (message: WorkerMessage) => process.send?.(message);
  started = startWorker(config, {
    logger,
    onWorkerId: (workerId) => {
      workerCreated = true;
      tell({ type: "worker", workerId });
    },
    resolveBackend: createBackendRegistry(config.backends).resolve,
    // a supervised worker's parent reports Redis outages; a standalone one does it itself
    reportReachability: process.send === undefined,
  });
  await started;
  tell({ type: "ready" });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `qplane worker: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
