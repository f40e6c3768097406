/**
 * The store's multi-key writes that depend on what is already there, as Lua scripts (atomic
 * on the server). Record fields are stored JSON-encoded in a hash, so a status reads as
 * `"queued"` (with the quotes) here.
 */
import { createHash } from "node:crypto";
import type { Redis } from "ioredis";

/** A Lua script run by SHA (EVALSHA), loaded with EVAL the first time a server lacks it. */
export class LuaScript {
  readonly sha: string;

  constructor(readonly source: string) {
    this.sha = createHash("sha1").update(source).digest("hex");
  }

  async run(
    redis: Redis,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}

/**
 * Creates a job record and its index entries, enforcing the owner's limit of unfinished jobs.
 * KEYS: 1 record, 2 all-jobs index, 3 queued index, 4 backend index, 5 owner's active set,
 *       6 owner's job index, 7 spec-hash index, 8.. tag indexes (nTags), then the records of
 *       the owner's active jobs (nOwned).
 * ARGV: 1 id, 2 score (creation ms), 3 limit (-1: none), 4 nTags, 5 nOwned, 6 '1' when the job
 *       has an owner, 7 '1' when it has a spec hash, 8.. ids of the owner's active jobs
 *       (nOwned), then field/value pairs.
 * Returns {"ok"}, {"exists"} or {"limit", count}.
 */
export const CREATE_JOB = new LuaScript(`
local id, score, limit = ARGV[1], ARGV[2], tonumber(ARGV[3])
local nTags, nOwned = tonumber(ARGV[4]), tonumber(ARGV[5])
if redis.call('EXISTS', KEYS[1]) == 1 then return {'exists'} end
if limit >= 0 then
  -- forget active-set members whose job finished or is gone
  for i = 1, nOwned do
    local status = redis.call('HGET', KEYS[7 + nTags + i], 'status')
    if (not status) or status == '"completed"' or status == '"failed"' or status == '"cancelled"' then
      redis.call('ZREM', KEYS[5], ARGV[7 + i])
    end
  end
  local active = redis.call('ZCARD', KEYS[5])
  if active >= limit then return {'limit', active} end
  redis.call('ZADD', KEYS[5], score, id)
end
local fields = {}
for i = 8 + nOwned, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('ZADD', KEYS[2], score, id)
redis.call('ZADD', KEYS[3], score, id)
redis.call('ZADD', KEYS[4], score, id)
if ARGV[6] == '1' then redis.call('ZADD', KEYS[6], score, id) end
if ARGV[7] == '1' then redis.call('ZADD', KEYS[7], score, id) end
for i = 1, nTags do redis.call('ZADD', KEYS[7 + i], score, id) end
return {'ok'}
`);

/**
 * Moves a job between statuses (or, with an empty target, only updates fields) when its
 * current status is one of the allowed ones. Entering a terminal status ends the owner's
 * reservation, starts the retention TTL on the job's keys and schedules its index entries
 * for the sweeper.
 * KEYS: 1 record, 2-6 status indexes (queued, running, completed, failed, cancelled),
 *       7 metrics, 8 checkpoint, 9 expiring index, 10 owner's active set, 11 sent program.
 * ARGV: 1 id, 2 allowed current statuses (space-separated), 3 new status ('' keeps it),
 *       4 score, 5 retention seconds, 6 expiring member, 7 expiring score,
 *       8 '1' to count an attempt, 9.. field/value pairs.
 * Returns {"ok", attempts, cancelRequested}, {"state", current} or {"missing"}.
 */
export const TRANSITION_JOB = new LuaScript(`
local raw = redis.call('HGET', KEYS[1], 'status')
if not raw then return {'missing'} end
local current = string.sub(raw, 2, -2)
local allowed = false
for status in string.gmatch(ARGV[2], '%S+') do
  if status == current then allowed = true end
end
if not allowed then return {'state', current} end
local index = {queued = 2, running = 3, completed = 4, failed = 5, cancelled = 6}
local target = ARGV[3]
local fields = {}
if target ~= '' and target ~= current then
  redis.call('ZREM', KEYS[index[current]], ARGV[1])
  redis.call('ZADD', KEYS[index[target]], ARGV[4], ARGV[1])
end
if target ~= '' then fields = {'status', '"' .. target .. '"'} end
for i = 9, #ARGV do fields[#fields + 1] = ARGV[i] end
if #fields > 0 then redis.call('HSET', KEYS[1], unpack(fields)) end
if ARGV[8] == '1' then redis.call('HINCRBY', KEYS[1], 'attempts', 1) end
if target == 'completed' or target == 'failed' or target == 'cancelled' then
  redis.call('ZREM', KEYS[10], ARGV[1])
  for _, key in ipairs({KEYS[1], KEYS[7], KEYS[8], KEYS[11]}) do redis.call('EXPIRE', key, ARGV[5]) end
  redis.call('ZADD', KEYS[9], ARGV[7], ARGV[6])
end
return {'ok', redis.call('HGET', KEYS[1], 'attempts'), redis.call('HGET', KEYS[1], 'cancelRequested')}
`);

/**
 * One finished epoch, all or nothing: the metric (the list keeps exactly one record per
 * epoch, so a resumed epoch replaces rather than duplicates), the checkpoint and the
 * record's progress. Refused unless the job is running under the caller's attempt, so a
 * worker that lost the job (its lock expired and another took over) cannot write.
 * KEYS: 1 record, 2 metrics, 3 checkpoint.
 * ARGV: 1 attempt, 2 epoch, 3 metric JSON, 4 checkpoint JSON, 5.. field/value pairs.
 * Returns {"ok", cancelRequested}, {"state", status}, {"superseded"} or {"missing"}.
 */
export const RECORD_EPOCH = new LuaScript(`
local raw = redis.call('HGET', KEYS[1], 'status')
if not raw then return {'missing'} end
if raw ~= '"running"' then return {'state', string.sub(raw, 2, -2)} end
if redis.call('HGET', KEYS[1], 'attempts') ~= ARGV[1] then return {'superseded'} end
local epoch = tonumber(ARGV[2])
if epoch <= 1 then
  redis.call('DEL', KEYS[2])
else
  redis.call('LTRIM', KEYS[2], 0, epoch - 2)
end
redis.call('RPUSH', KEYS[2], ARGV[3])
redis.call('SET', KEYS[3], ARGV[4])
local fields = {}
for i = 5, #ARGV do fields[#fields + 1] = ARGV[i] end
if #fields > 0 then redis.call('HSET', KEYS[1], unpack(fields)) end
return {'ok', redis.call('HGET', KEYS[1], 'cancelRequested')}
`);

/**
 * Adds ARGV[1] ms to a job's trainingMsUsed, only while the job is running (a removed or
 * expired job must not come back as a stray field, and a run that lost its lock must not
 * change a job that has since completed, failed or been cancelled; a run stops its clock
 * before it moves the job on). Increments, so two runs of one job (one that lost its lock,
 * one that took over) both count. KEYS: 1 record.
 * Returns the new total, or nil when the job is gone or not running.
 */
export const ADD_TRAINING_TIME = new LuaScript(`
if redis.call('HGET', KEYS[1], 'status') ~= '"running"' then return false end
return redis.call('HINCRBY', KEYS[1], 'trainingMsUsed', ARGV[1])
`);

/**
 * Stores a run's sent program once (the first run that submits keeps it), only while the
 * job is running: a removed or finished job must not get a stray key without a TTL.
 * KEYS: 1 record, 2 sent program. ARGV: 1 JSON SentProgram. Returns 1 when stored.
 */
export const RECORD_SENT_PROGRAM = new LuaScript(`
if redis.call('HGET', KEYS[1], 'status') ~= '"running"' then return 0 end
if redis.call('SET', KEYS[2], ARGV[1], 'NX') then return 1 end
return 0
`);

/** Deletes KEYS[1] only if it still holds ARGV[1] (releasing a claim that is ours). */
export const DELETE_IF_EQUAL = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/**
 * Adds ids to indexes, each only while its record exists (a job or experiment removed
 * meanwhile must not come back into a listing); an id already indexed keeps its score.
 * KEYS: pairs of (record, index). ARGV: pairs of (score, id), in the same order.
 * Returns how many ids were added.
 */
export const INDEX_IF_EXISTS = new LuaScript(`
local added = 0
for i = 1, #KEYS, 2 do
  if redis.call('EXISTS', KEYS[i]) == 1 then
    added = added + redis.call('ZADD', KEYS[i + 1], 'NX', ARGV[i], ARGV[i + 1])
  end
end
return added
`);

/**
 * Gives jobs stored before spec hashes their hash and its index entry, each only while its
 * record exists and has none (a job removed meanwhile must not come back into a listing).
 * KEYS: pairs of (record, spec-hash index). ARGV: triples of (score, id, JSON-encoded hash),
 * in the same order. Returns how many jobs it changed.
 */
export const SET_SPEC_HASH = new LuaScript(`
local changed = 0
for i = 1, #KEYS, 2 do
  local at = (i - 1) / 2 * 3
  if redis.call('EXISTS', KEYS[i]) == 1 and redis.call('HEXISTS', KEYS[i], 'specHash') == 0 then
    redis.call('HSET', KEYS[i], 'specHash', ARGV[at + 3])
    redis.call('ZADD', KEYS[i + 1], 'NX', ARGV[at + 1], ARGV[at + 2])
    changed = changed + 1
  end
end
return changed
`);
