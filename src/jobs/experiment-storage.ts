/**
 * Where an experiment lives in Redis (keys.ts): its record (the definition and the children
 * queued at submission) and `<p>:experiment:<id>:derived`, the children derived later, one
 * field per slot (`<armIndex>:<slot>`, a job id or an unrunnable message) plus `cancelled`.
 * `:derived` fields are written with HSETNX only while the experiment's record exists (a Lua
 * check), so a slot is recorded once and no write outlives a removed experiment. Reading
 * merges the two, each arm's children in planned order (seed, then candidate), jobIds
 * parallel to slots, whichever process wrote them when.
 *
 * An experiment lives as long as its children: once every child has expired (retention after
 * finishing) or been removed, reading it removes it and answers not found.
 */
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import { QplaneError } from "../errors/catalogue.js";
import { at } from "../errors/checked.js";
import type { UnrunnableChild } from "../experiments/derive.js";
import { plannedChildren } from "../experiments/slots.js";
import type { ChildOutcome, ExperimentRecord } from "../experiments/types.js";
import { JOB_ID_PATTERN } from "./ids.js";
import { JobKeys } from "./keys.js";
import { guardedRedis } from "./redis.js";
import { LuaScript } from "./scripts.js";
import { JobStore } from "./store.js";
import { canSee, type JobRecord, type Viewer } from "./types.js";

/** The `:derived` field marking a cancelled experiment (slot fields start with a digit). */
export const CANCELLED_FIELD = "cancelled";
export const CANCELLED_MESSAGE = "experiment cancelled";

/**
 * HSETNX of `:derived` fields, only while the experiment's record exists (a write after it
 * was removed would leave the hash behind forever). KEYS: 1 record, 2 `:derived` hash.
 * ARGV: field/value pairs. Returns per pair 1 written, 0 already there; nil when the record is gone.
 */
export const SET_DERIVED = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return nil end
local written = {}
for i = 1, #ARGV, 2 do
  written[#written + 1] = redis.call('HSETNX', KEYS[2], ARGV[i], ARGV[i + 1])
end
return written
`);

export function notFound(id: string): QplaneError {
  return new QplaneError("QPLANE_ERR_EXPERIMENT_NOT_FOUND", `experiment ${id}: no such experiment`);
}

/** One child slot with the job queued for it. */
export interface LaunchedChild {
  readonly armIndex: number;
  readonly slot: string;
  readonly jobId: string;
}

/** What a slot's `:derived` field holds. */
export type DerivedEntry = { readonly jobId: string } | { readonly unrunnable: string };

export const slotField = (armIndex: number, slot: string) => `${armIndex}:${slot}`;

/**
 * The record with more children: launched ones appended to their arm's jobIds and slots,
 * unrunnable ones to its unrunnable list; slots the arm has already are skipped.
 */
export function withChildren(
  record: ExperimentRecord,
  launched: readonly LaunchedChild[],
  unrunnable: readonly UnrunnableChild[],
): ExperimentRecord {
  if (launched.length === 0 && unrunnable.length === 0) return record;
  return {
    ...record,
    arms: record.arms.map((arm, armIndex) => {
      const known = new Set([
        ...(arm.slots ?? []),
        ...(arm.unrunnable ?? []).map((entry) => entry.slot),
      ]);
      const more = launched.filter(
        (child) => child.armIndex === armIndex && !known.has(child.slot),
      );
      const refused = unrunnable.filter(
        (child) => child.armIndex === armIndex && !known.has(child.slot),
      );
      if (more.length === 0 && refused.length === 0) return arm;
      return {
        ...arm,
        jobIds: [...arm.jobIds, ...more.map((child) => child.jobId)],
        slots: [...(arm.slots ?? []), ...more.map((child) => child.slot)],
        ...(refused.length > 0
          ? {
              unrunnable: [
                ...(arm.unrunnable ?? []),
                ...refused.map(({ slot, message }) => ({ slot, message })),
              ],
            }
          : {}),
      };
    }),
  };
}

/**
 * The record with the `:derived` hash merged in (and its cancellation), each arm's children
 * in planned order (seed, then candidate: plannedChildren), whichever process wrote them
 * when: jobIds[i] is the child of slots[i].
 */
function withDerived(record: ExperimentRecord, fields: Record<string, string>): ExperimentRecord {
  const launched: LaunchedChild[] = [];
  const unrunnable: UnrunnableChild[] = [];
  for (const [field, text] of Object.entries(fields)) {
    if (field === CANCELLED_FIELD) continue;
    const colon = field.indexOf(":");
    const armIndex = Number(field.slice(0, colon));
    const slot = field.slice(colon + 1);
    const entry = JSON.parse(text) as DerivedEntry;
    if ("jobId" in entry) launched.push({ armIndex, slot, jobId: entry.jobId });
    else unrunnable.push({ armIndex, slot, message: entry.unrunnable });
  }
  const cancelledAt = fields[CANCELLED_FIELD];
  const merged = inPlannedOrder(withChildren(record, launched, unrunnable));
  return cancelledAt === undefined ? merged : { ...merged, cancelledAt };
}

/** Each arm's launched and unrunnable children sorted by planned slot position. */
function inPlannedOrder(record: ExperimentRecord): ExperimentRecord {
  const position = new Map(
    plannedChildren(record).map((child, index) => [slotField(child.armIndex, child.slot), index]),
  );
  return {
    ...record,
    arms: record.arms.map((arm, armIndex) => {
      const { slots } = arm;
      // records from before slots: jobIds[i] is replicate i already
      if (slots === undefined || slots.length !== arm.jobIds.length) return arm;
      const order = (slot: string) => position.get(slotField(armIndex, slot)) ?? Infinity;
      const pairs = slots
        .map((slot, index) => ({ slot, jobId: arm.jobIds[index]! }))
        .sort((a, b) => order(a.slot) - order(b.slot));
      return {
        ...arm,
        jobIds: pairs.map((pair) => pair.jobId),
        slots: pairs.map((pair) => pair.slot),
        ...(arm.unrunnable
          ? { unrunnable: [...arm.unrunnable].sort((a, b) => order(a.slot) - order(b.slot)) }
          : {}),
      };
    }),
  };
}

/** An experiment as read: its record (derived children merged in) and whether it was cancelled. */
export interface StoredExperiment {
  readonly record: ExperimentRecord;
  readonly cancelled: boolean;
}

/** Reads of stored experiments and their children, each Redis call guarded. */
export class ExperimentStorage {
  readonly keys: JobKeys;
  readonly store: JobStore;

  constructor(
    private readonly config: Config,
    readonly redis: Redis,
    private readonly logger: Logger,
  ) {
    this.keys = new JobKeys(config.keyPrefix);
    this.store = new JobStore(redis, {
      prefix: config.keyPrefix,
      retentionSeconds: config.retentionSeconds,
    });
  }

  guarded<T>(operation: () => Promise<T>): Promise<T> {
    return guardedRedis(this.redis, this.config.redisTimeoutMs, operation, (error) =>
      this.logger.warn({ err: error }, "Redis operation failed"),
    );
  }

  /** The experiment, if it exists and the viewer may see it; not found otherwise (the same error). */
  async stored(id: string, viewer: Viewer): Promise<StoredExperiment> {
    if (!JOB_ID_PATTERN.test(id)) throw notFound(id);
    const [text, derived] = await this.guarded(async () => {
      const replies = await this.redis
        .multi()
        .get(this.keys.experiment(id))
        .hgetall(this.keys.experimentDerived(id))
        .exec();
      return [
        replies?.[0]?.[1] as string | null,
        (replies?.[1]?.[1] ?? {}) as Record<string, string>,
      ] as const;
    });
    if (text === null) throw notFound(id);
    const record = JSON.parse(text) as ExperimentRecord;
    if (!canSee(viewer, record.owner)) throw notFound(id);
    const merged = withDerived(record, derived);
    return { record: merged, cancelled: merged.cancelledAt !== undefined };
  }

  /** Every child's record (null: expired or removed); an experiment whose children all are gone is removed. */
  async childJobs(record: ExperimentRecord): Promise<(JobRecord | null)[]> {
    const ids = record.arms.flatMap((arm) => arm.jobIds);
    const jobs = await this.guarded(() => this.store.getMany(ids));
    if (ids.length > 0 && jobs.every((job) => job === null)) {
      // every child expired (QPLANE_RETENTION_SECONDS after it finished): so does the experiment
      await this.guarded(() => {
        const multi = this.redis
          .multi()
          .del(this.keys.experiment(record.id), this.keys.experimentDerived(record.id))
          .zrem(this.keys.experiments, record.id)
          .srem(this.keys.deferredExperiments, record.id);
        if (record.owner !== null) multi.zrem(this.keys.ownerExperiments(record.owner), record.id);
        return multi.exec();
      });
      throw notFound(record.id);
    }
    return jobs;
  }

  /**
   * Status, summary and epoch records of every child. Records are read for the children
   * `needsRecords` picks only (the aggregate table and deriving need the completed ones;
   * curves all).
   */
  async children(
    record: ExperimentRecord,
    needsRecords: (job: JobRecord) => boolean,
    jobs?: readonly (JobRecord | null)[],
  ): Promise<Map<string, ChildOutcome>> {
    const ids = record.arms.flatMap((arm) => arm.jobIds);
    jobs ??= await this.childJobs(record);
    const wanted = jobs.filter((job): job is JobRecord => job !== null && needsRecords(job));
    const metrics = await this.guarded(() => this.store.metricsMany(wanted.map((job) => job.id)));
    const recordsById = new Map(wanted.map((job, index) => [job.id, metrics[index] ?? []]));
    const outcomes = new Map<string, ChildOutcome>();
    for (const [index, job] of jobs.entries()) {
      if (job === null) {
        // expired or removed: what derives from it never will
        const id = at(ids, index, "child job id");
        outcomes.set(id, {
          id,
          status: "missing",
          records: [],
          summary: null,
        });
        continue;
      }
      outcomes.set(job.id, {
        id: job.id,
        status: job.status,
        records: recordsById.get(job.id) ?? [],
        summary: job.summary,
        seed: job.spec.training.seed,
      });
    }
    return outcomes;
  }
}
