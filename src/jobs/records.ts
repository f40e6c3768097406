/**
 * Job records over one ioredis connection: the record hash, its per-epoch metric series and
 * its checkpoint, written with the listing indexes they belong to (indexes.ts). Key layout in
 * keys.ts. Writes that must be atomic are MULTI transactions, or Lua scripts (scripts.ts)
 * where they depend on what is stored (status transitions, per-key limits, epoch writes).
 *
 * Records know nothing of BullMQ or HTTP. Redis failures propagate as ioredis errors (the
 * service maps them to 503).
 */
import type { Redis } from "ioredis";
import type { TrainingCheckpoint } from "../training/loop.js";
import type { EpochRecord } from "../training/records.js";
import type { SentProgram } from "../training/sent-program.js";
import { creationScore, expiringMember, indexedJob, unindex } from "./indexes.js";
import { JOB_STATUSES, type JobStatus, TERMINAL_JOB_STATUSES } from "./job-rules.js";
import { JobKeys } from "./keys.js";
import { results } from "./redis.js";
import {
  ADD_TRAINING_TIME,
  CREATE_JOB,
  RECORD_EPOCH,
  RECORD_SENT_PROGRAM,
  TRANSITION_JOB,
} from "./scripts.js";
import type { JobRecord } from "./types.js";

export interface JobStoreOptions {
  /** Prefix of every key (QPLANE_KEY_PREFIX). */
  readonly prefix: string;
  /** TTL of a finished job's keys. */
  readonly retentionSeconds: number;
}

export type TransitionResult =
  | { readonly ok: true; readonly attempts: number; readonly cancelRequested: boolean }
  | { readonly ok: false; readonly reason: "missing" }
  | { readonly ok: false; readonly reason: "state"; readonly status: JobStatus };

export type EpochWriteResult =
  | { readonly ok: true; readonly cancelRequested: boolean }
  /** The job is no longer this worker's: finished, removed, or taken over by another attempt. */
  | { readonly ok: false; readonly reason: "missing" | "state" | "superseded" };

export type CreateResult = { readonly ok: true } | { readonly ok: false; readonly active: number };

export type RecordPatch = { -readonly [K in keyof JobRecord]?: JobRecord[K] };

function encodeFields(fields: RecordPatch): string[] {
  return Object.entries(fields).flatMap(([field, value]) => [field, JSON.stringify(value)]);
}

/** Property order of a decoded record (a hash has none), as in the JobRecord type. */
const FIELD_ORDER: readonly (keyof JobRecord)[] = [
  "id",
  "status",
  "name",
  "tags",
  "progress",
  "etaSeconds",
  "latest",
  "summary",
  "error",
  "createdAt",
  "startedAt",
  "finishedAt",
  "cancelRequested",
  "attempts",
  "trainingMsUsed",
  "owner",
  "specHash",
  "spec",
];

export function decodeRecord(hash: Record<string, string>): JobRecord | null {
  // an expired or removed job reads as an empty hash
  if (hash.status === undefined || hash.id === undefined || hash.spec === undefined) return null;
  const record: Record<string, unknown> = {};
  for (const field of FIELD_ORDER) {
    const text = hash[field];
    if (text !== undefined) record[field] = JSON.parse(text);
  }
  for (const [field, text] of Object.entries(hash)) {
    if (!(field in record)) record[field] = JSON.parse(text);
  }
  return record as unknown as JobRecord;
}

export class JobRecords {
  readonly keys: JobKeys;
  readonly retentionSeconds: number;

  constructor(
    readonly redis: Redis,
    options: JobStoreOptions,
  ) {
    this.keys = new JobKeys(options.prefix);
    this.retentionSeconds = options.retentionSeconds;
  }

  /** Every epoch record of each job (null for a job that no longer exists), in one round trip. */
  async metricsMany(ids: readonly string[]): Promise<(EpochRecord[] | null)[]> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.exists(this.keys.job(id)).lrange(this.keys.metrics(id), 0, -1);
    const replies = results(await pipeline.exec());
    return ids.map((_, index) =>
      replies[2 * index]
        ? (replies[2 * index + 1] as string[]).map((item) => JSON.parse(item) as EpochRecord)
        : null,
    );
  }

  /**
   * Stores a new (queued) job and indexes it. With an owner and a limit, refuses (ok: false)
   * when the owner already has `limit` unfinished jobs; the check and the insert are atomic.
   */
  async create(job: JobRecord, ownerLimit: number | null = null): Promise<CreateResult> {
    const k = this.keys;
    const limited = job.owner !== null && ownerLimit !== null;
    const ownerKey = k.owner(job.owner);
    // members are only re-checked (and finished ones forgotten) when the owner looks full
    const owned =
      limited && (await this.redis.zcard(ownerKey)) >= ownerLimit
        ? await this.redis.zrange(ownerKey, 0, "-1")
        : [];
    const keys = [
      k.job(job.id),
      k.jobs,
      k.status("queued"),
      k.backend(job.spec.backend.name),
      ownerKey,
      // without an owner (a spec hash) the script writes no owner (spec) index; the key is
      // only a placeholder
      job.owner === null ? k.jobs : k.ownerJobs(job.owner),
      job.specHash === undefined ? k.jobs : k.specJobs(job.specHash),
      ...job.tags.map((tag) => k.tag(tag)),
      ...owned.map((id) => k.job(id)),
    ];
    const args = [
      job.id,
      creationScore(job),
      limited ? ownerLimit : -1,
      job.tags.length,
      owned.length,
      job.owner === null ? "0" : "1",
      job.specHash === undefined ? "0" : "1",
      ...owned,
      ...encodeFields({ ...job, status: "queued" }),
    ];
    const reply = (await CREATE_JOB.run(this.redis, keys, args)) as [string, number?];
    if (reply[0] === "exists") throw new Error(`job ${job.id} already exists`);
    return reply[0] === "limit" ? { ok: false, active: Number(reply[1]) } : { ok: true };
  }

  async get(id: string): Promise<JobRecord | null> {
    return decodeRecord(await this.redis.hgetall(this.keys.job(id)));
  }

  /** A job's owner (null: none), or undefined when the job does not exist; one small read. */
  async owner(id: string): Promise<string | null | undefined> {
    const text = await this.redis.hget(this.keys.job(id), "owner");
    return text === null ? undefined : (JSON.parse(text) as string | null);
  }

  async getMany(ids: readonly string[]): Promise<(JobRecord | null)[]> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(this.keys.job(id));
    return results(await pipeline.exec()).map((hash) =>
      decodeRecord(hash as Record<string, string>),
    );
  }

  /**
   * Moves `job` to status `to` (null: keep the status, only write `patch`) if its current
   * status is in `from`. Entering a terminal status starts the retention TTL.
   */
  async transition(
    job: JobRecord,
    from: readonly JobStatus[],
    to: JobStatus | null,
    patch: RecordPatch = {},
    options: { readonly countAttempt?: boolean } = {},
  ): Promise<TransitionResult> {
    const k = this.keys;
    const expiresAt = Date.now() + this.retentionSeconds * 1000;
    const keys = [
      k.job(job.id),
      ...JOB_STATUSES.map((status) => k.status(status)),
      k.metrics(job.id),
      k.checkpoint(job.id),
      k.expiring,
      k.owner(job.owner),
      k.sentProgram(job.id),
    ];
    const args = [
      job.id,
      from.join(" "),
      to ?? "",
      creationScore(job),
      this.retentionSeconds,
      to !== null && TERMINAL_JOB_STATUSES.has(to) ? expiringMember(job, to) : "",
      expiresAt,
      options.countAttempt ? "1" : "0",
      ...encodeFields(patch),
    ];
    const reply = (await TRANSITION_JOB.run(this.redis, keys, args)) as (string | null)[];
    if (reply[0] === "missing") return { ok: false, reason: "missing" };
    if (reply[0] === "state") return { ok: false, reason: "state", status: reply[1] as JobStatus };
    return {
      ok: true,
      attempts: Number(reply[1] ?? 0),
      cancelRequested: reply[2] === "true",
    };
  }

  /**
   * Writes one finished epoch atomically: appends its metric (replacing any record of the
   * same or a later epoch), stores the checkpoint and patches the record — only while the
   * job is running under `attempt`.
   */
  async recordEpoch(
    id: string,
    attempt: number,
    record: EpochRecord,
    checkpoint: TrainingCheckpoint,
    patch: RecordPatch,
  ): Promise<EpochWriteResult> {
    const k = this.keys;
    // the records are the metrics list; storing them again would grow every checkpoint
    const { records: _records, ...stored } = checkpoint;
    const reply = (await RECORD_EPOCH.run(
      this.redis,
      [k.job(id), k.metrics(id), k.checkpoint(id)],
      [
        String(attempt),
        record.epoch,
        JSON.stringify(record),
        JSON.stringify(stored),
        ...encodeFields(patch),
      ],
    )) as (string | null)[];
    if (reply[0] === "ok") return { ok: true, cancelRequested: reply[1] === "true" };
    return { ok: false, reason: reply[0] as "missing" | "state" | "superseded" };
  }

  /** Adds `ms` (a whole number) to the job's trainingMsUsed while the job is running. */
  async addTrainingTime(id: string, ms: number): Promise<void> {
    await ADD_TRAINING_TIME.run(this.redis, [this.keys.job(id)], [String(ms)]);
  }

  /** Keeps the program a running job's run submitted, unless an earlier run kept one. */
  async recordSentProgram(id: string, program: SentProgram): Promise<void> {
    await RECORD_SENT_PROGRAM.run(
      this.redis,
      [this.keys.job(id), this.keys.sentProgram(id)],
      [JSON.stringify(program)],
    );
  }

  /** The program a job's run submitted, or null when none was recorded. */
  async sentProgram(id: string): Promise<SentProgram | null> {
    const text = await this.redis.get(this.keys.sentProgram(id));
    return text === null ? null : (JSON.parse(text) as SentProgram);
  }

  /**
   * The last checkpoint with its records rebuilt from the metrics list, or null (none, or
   * the two disagree — they are written together, so only tampering gets there).
   */
  async loadCheckpoint(id: string): Promise<TrainingCheckpoint | null> {
    const text = await this.redis.get(this.keys.checkpoint(id));
    if (text === null) return null;
    const stored = JSON.parse(text) as Omit<TrainingCheckpoint, "records">;
    const records = await this.metrics(id, 0, stored.epoch);
    if (records === null || records.length !== stored.epoch) return null;
    return { ...stored, records };
  }

  /**
   * Epoch records with epoch > sinceEpoch (up to `untilEpoch`), or null when the job does
   * not exist.
   */
  async metrics(id: string, sinceEpoch = 0, untilEpoch?: number): Promise<EpochRecord[] | null> {
    const since = Math.max(0, Math.floor(sinceEpoch));
    const until = untilEpoch === undefined ? -1 : untilEpoch - 1;
    if (until !== -1 && until < since) {
      return (await this.redis.exists(this.keys.job(id))) ? [] : null;
    }
    const [exists, items] = results(
      await this.redis
        .multi()
        .exists(this.keys.job(id))
        .lrange(this.keys.metrics(id), since, until)
        .exec(),
    ) as [number, string[]];
    return exists ? items.map((item) => JSON.parse(item) as EpochRecord) : null;
  }

  /**
   * Deletes a job's keys and index entries (whatever its status; the service allows it only
   * for finished jobs, and for a job whose submission failed half-way).
   */
  async remove(job: JobRecord): Promise<void> {
    const k = this.keys;
    const multi = this.redis
      .multi()
      .del(k.job(job.id), k.metrics(job.id), k.checkpoint(job.id), k.sentProgram(job.id))
      .zrem(k.owner(job.owner), job.id);
    unindex(multi, k, indexedJob(job));
    if (TERMINAL_JOB_STATUSES.has(job.status)) {
      multi.zrem(k.expiring, expiringMember(job, job.status));
    }
    results(await multi.exec());
  }

  /** Number of indexed jobs per status. */
  async countByStatus(): Promise<Record<JobStatus, number>> {
    const multi = this.redis.multi();
    for (const status of JOB_STATUSES) multi.zcard(this.keys.status(status));
    const counts = results(await multi.exec()) as number[];
    return Object.fromEntries(JOB_STATUSES.map((status, i) => [status, counts[i]!])) as Record<
      JobStatus,
      number
    >;
  }

  /** Ids in a status index, oldest first, created before `before` (ms). */
  async idsWithStatus(status: JobStatus, before: number, count = 100): Promise<string[]> {
    return this.redis.zrange(
      this.keys.status(status),
      "-inf",
      `(${before}`,
      "BYSCORE",
      "LIMIT",
      0,
      count,
    );
  }
}
