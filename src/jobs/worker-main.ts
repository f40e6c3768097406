/**
 * `node dist/src/jobs/worker-main.js`: one worker process, configured from the environment
 * (src/config.ts). SIGTERM or SIGINT closes it gracefully (running jobs go back to the queue
 * at their last checkpoint, see worker-process.ts); a second signal exits at once.
 * Invalid configuration exits with status 1 and one line on stderr.
 */
import { createBackendRegistry } from "../backends/registry.js";
import { loadConfig } from "../config.js";
import { isQplaneError } from "../errors/catalogue.js";
import { startWorker } from "./worker-process.js";

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
  const worker = await startWorker(config, {
    resolveBackend: createBackendRegistry(config.backends).resolve,
  });
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    process.stderr.write(`qplane worker: ${signal}: closing; running jobs go back to the queue\n`);
    worker.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`qplane worker: close failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `qplane worker: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
