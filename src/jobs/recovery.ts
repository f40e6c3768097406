/**
 * Hands back the jobs of a worker known to be dead (the supervised child of QPLANE_ROLE=all
 * exited without closing), so they need not wait for their locks to expire
 * (QPLANE_LOCK_DURATION_MS) and then for two stalled checks (QPLANE_STALLED_INTERVAL_MS):
 * about 45 s with the defaults.
 *
 * BullMQ's lock of a job (`<p>:<queue>:<job id>:lock`) holds `<worker id>:<n>`. Each lock of
 * the dead worker is deleted and its job put in BullMQ's stalled-candidates set, and the
 * stalled-check throttle is cleared: the next stalled check (a starting worker runs one at
 * once) moves the jobs back to the wait list through BullMQ's own stalled path, counting the
 * stall against QPLANE_MAX_STALLED_COUNT like any other dead worker's. The worker's heartbeat
 * is removed too, so readiness reflects the death at once.
 */
import type { Redis } from "ioredis";
import { forgetWorker } from "./heartbeat.js";
import type { JobKeys } from "./keys.js";
import { trainingQueueName } from "./queue.js";
import { LuaScript } from "./scripts.js";

/**
 * KEYS: 1 active list, 2 stalled set, 3 stalled-check key.
 * ARGV: 1 queue key prefix (`<p>:<queue>:`), 2 the dead worker's lock-token prefix (`<id>:`).
 * Returns the ids of the jobs released.
 */
const RELEASE_LOCKS = new LuaScript(`
local released = {}
for _, id in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  local lockKey = ARGV[1] .. id .. ':lock'
  local token = redis.call('GET', lockKey)
  if token and string.sub(token, 1, #ARGV[2]) == ARGV[2] then
    redis.call('DEL', lockKey)
    redis.call('SADD', KEYS[2], id)
    table.insert(released, id)
  end
end
if #released > 0 then redis.call('DEL', KEYS[3]) end
return released`);

/** Releases the dead worker's job locks and heartbeat; returns the released job ids. */
export async function releaseDeadWorker(
  redis: Redis,
  keys: JobKeys,
  workerId: string,
): Promise<string[]> {
  // BullMQ's key layout: `<prefix>:<queue name>:<suffix>`
  const queueKey = `${keys.prefix}:${trainingQueueName(keys.prefix)}:`;
  const released = (await RELEASE_LOCKS.run(
    redis,
    [`${queueKey}active`, `${queueKey}stalled`, `${queueKey}stalled-check`],
    [queueKey, `${workerId}:`],
  )) as string[];
  await forgetWorker(redis, keys, workerId);
  return released;
}
