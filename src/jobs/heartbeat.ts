/**
 * Worker heartbeats. Every worker keeps its id in `<p>:workers` (keys.ts), scored by the time
 * its heartbeat expires on Redis's clock (so no two hosts' clocks are ever compared), and
 * refreshes it every `HEARTBEAT_INTERVAL_MS`. A worker that stops beating (killed, hung, cut
 * off from Redis) counts as dead `HEARTBEAT_TTL_MS` after its last beat; a graceful close, or
 * the supervisor of a child that died (recovery.ts), removes it at once. In QPLANE_ROLE=all,
 * `/readyz` fails while no worker is alive.
 */
import type { Redis } from "ioredis";
import type { JobKeys } from "./keys.js";
import { withTimeout } from "./redis.js";
import { LuaScript } from "./scripts.js";

export const HEARTBEAT_INTERVAL_MS = 5_000;
/** Three missed beats: a busy event loop (a long training step) is not a dead worker. */
export const HEARTBEAT_TTL_MS = 3 * HEARTBEAT_INTERVAL_MS;

/** Redis's clock in ms, as the scripts below read it. */
const NOW_MS = `
local time = redis.call('TIME')
local nowMs = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
`;

/** KEYS: 1 workers zset. ARGV: 1 worker id, 2 ttl ms. Also drops expired members. */
const BEAT = new LuaScript(`${NOW_MS}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', nowMs)
redis.call('ZADD', KEYS[1], nowMs + tonumber(ARGV[2]), ARGV[1])
return 1`);

/** KEYS: 1 workers zset. Returns the number of unexpired members. */
const COUNT_LIVE = new LuaScript(`${NOW_MS}
return redis.call('ZCOUNT', KEYS[1], '(' .. nowMs, '+inf')`);

export interface Heartbeat {
  /** Stops beating and removes the worker from the live set (bounded wait; never throws). */
  stop(): Promise<void>;
}

/**
 * Beats once now (so a worker is counted as soon as it is ready), then every interval.
 * A failed beat is reported to `onError` and retried at the next tick.
 */
export async function startHeartbeat(
  redis: Redis,
  keys: JobKeys,
  workerId: string,
  onError: (error: unknown) => void,
): Promise<Heartbeat> {
  const beat = () => BEAT.run(redis, [keys.workers], [workerId, HEARTBEAT_TTL_MS]);
  await beat();
  const timer = setInterval(() => {
    beat().catch(onError);
  }, HEARTBEAT_INTERVAL_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await forgetWorker(redis, keys, workerId);
    },
  };
}

/** Removes a worker from the live set now (its graceful close, or its supervisor saw it die). */
export async function forgetWorker(redis: Redis, keys: JobKeys, workerId: string): Promise<void> {
  await withTimeout(redis.zrem(keys.workers, workerId), 1000).catch(() => {});
}

/** Workers whose heartbeat has not expired. */
export async function countLiveWorkers(redis: Redis, keys: JobKeys): Promise<number> {
  return Number(await COUNT_LIVE.run(redis, [keys.workers], []));
}
