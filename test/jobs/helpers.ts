/** Shared by the job-system tests: unique key prefixes, key cleanup, polling, configs. */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { pino } from "pino";
import { type Config, loadConfig } from "../../src/config.js";
import {
  EVERYONE,
  type JobRecord,
  type JobService,
  TERMINAL_JOB_STATUSES,
} from "../../src/jobs/types.js";
import { type JobSpec, parseJobSpec } from "../../src/training/spec.js";

export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

export const silentLogger = pino({ level: "silent" });

/** A prefix no other test file or run shares (the suite runs files in parallel). */
export function testPrefix(name: string): string {
  return `qplane-test-${name}-${randomBytes(4).toString("hex")}`;
}

export function testConfig(prefix: string, env: Record<string, string> = {}): Config {
  return loadConfig({ REDIS_URL, QPLANE_KEY_PREFIX: prefix, LOG_LEVEL: "silent", ...env });
}

/** A job small enough to run in well under a second an epoch: 40 moons rows, 2 qubits, 1 layer. */
export function tinyJobSpec(epochs: number): JobSpec {
  return parseJobSpec({
    dataset: { name: "moons", samples: 40 },
    model: { qubits: 2, layers: 1 },
    training: { epochs },
  });
}

export function connect(): Redis {
  return new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
}

/** Every key under `prefix` (SCAN, so a large shared Redis is not blocked). */
export async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== "0");
  return keys;
}

export async function deleteKeysUnder(redis: Redis, prefix: string): Promise<void> {
  const keys = await keysUnder(redis, prefix);
  for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
}

/** Polls `probe` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 15_000,
  intervalMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The job once it reaches a terminal status (completed, failed, cancelled). */
export function jobFinished(
  service: JobService,
  id: string,
  timeoutMs = 15_000,
  intervalMs = 20,
): Promise<JobRecord> {
  return waitFor(
    async () => {
      const job = await service.get(id, EVERYONE);
      return TERMINAL_JOB_STATUSES.has(job.status) ? job : undefined;
    },
    `job ${id} to finish`,
    timeoutMs,
    intervalMs,
  );
}

/** Waits (30 s at most) until job `id` is running. */
export async function jobRunning(service: JobService, id: string): Promise<void> {
  await waitFor(
    async () => (await service.get(id, EVERYONE)).status === "running",
    `job ${id} to run`,
    30_000,
    10,
  );
}

/** Waits (60 s at most) until job `id` has checkpointed `epochs` epochs. */
export async function jobCheckpointed(
  service: JobService,
  id: string,
  epochs: number,
): Promise<void> {
  await waitFor(
    async () => (await service.get(id, EVERYONE)).progress.epoch >= epochs,
    `${epochs} checkpointed epochs`,
    60_000,
    10,
  );
}

/** Epoch records without their wall times, for comparing two runs. */
export function withoutTimes<T extends { elapsedMs: number }>(
  records: readonly T[],
): Omit<T, "elapsedMs">[] {
  return records.map(({ elapsedMs: _elapsed, ...rest }) => rest);
}
