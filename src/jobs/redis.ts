/**
 * Redis connections and what a Redis failure becomes. The API side fails fast: no offline
 * queue, one retry, a command timeout, so a request answers 503 (QPLANE_ERR_UNAVAILABLE)
 * within `redisTimeoutMs` instead of hanging; reconnection continues in the background (at
 * most a second apart), so the service recovers by itself when Redis returns. The worker
 * side is patient: its writes wait for a reconnect rather than fail a training run.
 */
import { Redis, type RedisOptions } from "ioredis";
import { maskRedisUrl } from "../config.js";
import { isQplaneError, QplaneError } from "../errors/catalogue.js";

/**
 * `fail-fast`: API requests. `patient`: the worker's store writes. `blocking`: BullMQ's
 * worker connection (BullMQ requires `maxRetriesPerRequest: null` there).
 */
export type ConnectionKind = "fail-fast" | "patient" | "blocking";

/** Reconnect after 100 ms, 200 ms, ... and then every second. */
const retryStrategy = (times: number): number => Math.min(times * 100, 1000);

export function createRedis(
  url: string,
  kind: ConnectionKind,
  options: { readonly timeoutMs?: number; readonly name?: string } = {},
): Redis {
  const timeoutMs = options.timeoutMs ?? 2000;
  const common: RedisOptions = {
    retryStrategy,
    connectionName: options.name,
    connectTimeout: Math.max(timeoutMs, 1000),
  };
  const byKind: Record<ConnectionKind, RedisOptions> = {
    "fail-fast": {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: timeoutMs,
    },
    patient: { maxRetriesPerRequest: 20 },
    blocking: { maxRetriesPerRequest: null },
  };
  const redis = new Redis(url, { ...common, ...byKind[kind] });
  // errors surface on the commands that meet them; without a listener ioredis prints them
  redis.on("error", () => {});
  return redis;
}

const CONNECTING = new Set(["wait", "connecting", "connect"]);

/** Socket-level failures (Redis down, unreachable, refused): not worth a log line each. */
const CONNECTION_ERROR_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
]);

export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as Error & { code?: unknown }).code;
  return (
    (typeof code === "string" && CONNECTION_ERROR_CODES.has(code)) ||
    /^Connection is closed|^connect ETIMEDOUT|Stream isn't writeable|max retries per request/.test(
      error.message,
    )
  );
}

/** Resolves once the connection is ready, however long Redis takes to appear. */
export async function untilConnected(redis: Redis): Promise<void> {
  // not events.once: that rejects at the first connection error
  if (redis.status !== "ready") await new Promise((resolve) => redis.once("ready", resolve));
}

/**
 * Tells an operator, once per outage, that Redis does not answer — naming the URL (password
 * masked), the reason and the fix — and once when it answers again; ioredis keeps
 * reconnecting meanwhile (every second at most).
 */
export function reportReachability(
  redis: Redis,
  url: string,
  log: { warn(message: string): void; info(message: string): void },
): void {
  let down = false;
  redis.on("error", (error: Error) => {
    if (down || !isConnectionError(error)) return;
    down = true;
    log.warn(
      `Redis at ${maskRedisUrl(url)} does not answer (${error.message}): start Redis there or set REDIS_URL; retrying every second`,
    );
  });
  redis.on("ready", () => {
    if (!down) return;
    down = false;
    log.info(`Redis at ${maskRedisUrl(url)} answers again`);
  });
}

/**
 * Resolves true once the connection is ready. A first connection still in progress gets up
 * to `timeoutMs`; a connection that was lost (reconnecting) answers false at once.
 */
export async function waitForReady(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === "ready") return true;
  if (!CONNECTING.has(redis.status)) return false;
  return new Promise<boolean>((resolve) => {
    const done = (ready: boolean) => {
      clearTimeout(timer);
      redis.off("ready", onReady);
      redis.off("close", onClose);
      resolve(ready);
    };
    const onReady = () => done(true);
    const onClose = () => done(false);
    const timer = setTimeout(() => done(false), timeoutMs);
    redis.once("ready", onReady);
    redis.once("close", onClose);
  });
}

/** Programming errors stay what they are; anything else met while talking to Redis is a 503. */
function isBug(error: unknown): boolean {
  return (
    error instanceof TypeError ||
    error instanceof RangeError ||
    error instanceof ReferenceError ||
    error instanceof SyntaxError
  );
}

export function unavailable(): QplaneError {
  return new QplaneError(
    "QPLANE_ERR_UNAVAILABLE",
    "the job store (Redis) is unavailable; try again shortly",
  );
}

/** Maps a failure of a Redis-backed operation to QPLANE_ERR_UNAVAILABLE (QplaneErrors pass). */
export function asUnavailable(error: unknown): unknown {
  return isQplaneError(error) || isBug(error) ? error : unavailable();
}

/** Rejects with QPLANE_ERR_UNAVAILABLE when `promise` takes longer than `timeoutMs`. */
export async function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(unavailable()), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs a Redis-backed operation the way every API call does: QPLANE_ERR_UNAVAILABLE at once
 * when the connection is down, or when the operation takes longer than twice `timeoutMs`.
 */
export async function guardedRedis<T>(
  redis: Redis,
  timeoutMs: number,
  operation: () => Promise<T>,
  onFailure?: (error: unknown) => void,
): Promise<T> {
  if (!(await waitForReady(redis, timeoutMs))) throw unavailable();
  try {
    return await withTimeout(operation(), 2 * timeoutMs);
  } catch (error) {
    const mapped = asUnavailable(error);
    if (mapped !== error) onFailure?.(error);
    throw mapped;
  }
}

/** Closes a connection politely when it is up, at once otherwise; never hangs. */
export async function closeRedis(redis: Redis, timeoutMs = 1000): Promise<void> {
  if (redis.status === "end") return;
  if (redis.status === "ready") {
    try {
      await withTimeout(redis.quit(), timeoutMs);
      return;
    } catch {
      // fall through to a hard disconnect
    }
  }
  redis.disconnect();
}

/** Unwraps a MULTI/pipeline reply, rethrowing the first command error. */
export function results(replies: [Error | null, unknown][] | null): unknown[] {
  if (replies === null) throw new Error("Redis transaction was aborted");
  return replies.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}
