/**
 * The compiled service for tests (`dist/`; `npm test` builds first): its entry points, worker
 * processes forked from dist/src/jobs/worker-main.js on the test Redis, and a job long enough
 * to interrupt.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll } from "vitest";
import { type ForkedWorker, forkWorker } from "../../src/jobs/worker.js";
import { parseJobSpec } from "../../src/training/spec.js";
import { REDIS_URL } from "../jobs/helpers.js";

/** The compiled `src/<relative>` (e.g. `main.js`) under dist/. */
export function compiled(relative: string): string {
  return fileURLToPath(new URL(`../../dist/src/${relative}`, import.meta.url));
}

export const WORKER_MAIN = compiled("jobs/worker-main.js");

/** Fails, naming the fix, when `path` has not been built. */
export function assertBuilt(path: string): void {
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: run \`npm run build\` first (npm test does)`);
  }
}

/** 12 epochs of a fraction of a second each: long enough to interrupt, short enough for CI. */
export const INTERRUPTIBLE_SPEC = parseJobSpec({
  dataset: { name: "moons", samples: 400 },
  model: { qubits: 10, layers: 6 },
  training: { epochs: 12 },
});

/**
 * Registers the hooks of worker processes on the test Redis under `prefix`, with `env` over
 * the defaults (warn logs, a stalled check every 500 ms), and returns the function that forks
 * one (with more `env`). Every process forked is killed with SIGKILL after the file's tests.
 */
export function useWorkerProcesses(
  prefix: string,
  env: Record<string, string>,
): (more?: Record<string, string>) => ForkedWorker {
  const children: ForkedWorker[] = [];
  beforeAll(() => assertBuilt(WORKER_MAIN));
  afterAll(async () => {
    for (const child of children) child.kill("SIGKILL");
    await Promise.all(children.map((child) => child.exited));
  });
  return (more = {}) => {
    const child = forkWorker({
      entry: WORKER_MAIN,
      env: {
        ...process.env,
        REDIS_URL,
        QPLANE_KEY_PREFIX: prefix,
        QPLANE_STALLED_INTERVAL_MS: "500",
        LOG_LEVEL: "warn",
        ...env,
        ...more,
      },
      stdio: "pipe",
    });
    children.push(child);
    return child;
  };
}
