/**
 * One thread of ./run-pool.ts: receives a request, trains its spec and writes its run folder
 * (`trainChild`), replies with the records and summary (or the error message), then waits
 * for the next request.
 */
import { parentPort } from "node:worker_threads";
import { loadBackends } from "../backends/config.js";
import { createBackendRegistry } from "../backends/registry.js";
import { trainChild } from "./child-run.js";
import type { PoolReply, PoolRequest } from "./run-pool.js";

if (parentPort === null) throw new Error("run-pool-worker.js runs only as a worker thread");
const port = parentPort;
// the same backends as the CLI's in-process runs (local always, plus QPLANE_BACKENDS)
const resolveBackend = createBackendRegistry(loadBackends(process.env.QPLANE_BACKENDS)).resolve;

port.on("message", async ({ spec, folder }: PoolRequest) => {
  let reply: PoolReply;
  try {
    reply = { ok: true, ...(await trainChild(spec, resolveBackend, folder)) };
  } catch (error) {
    reply = { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
