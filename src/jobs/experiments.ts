/**
 * Experiments over the job system: child jobs queued from a plan, read back as status counts,
 * arm aggregates and per-epoch curves. Children are ordinary jobs (submitted through the
 * JobService, tagged `experiment:<id>`); the experiment record stores the definition and the
 * children queued at submission, `<p>:experiment:<id>:derived` those derived later (keys.ts).
 * Each arm lists its children in planned order (seed, then candidate), jobIds parallel to
 * slots. Status: once nothing is queued, running or waiting, "cancelled" if the experiment
 * was cancelled, else "failed" if any child failed or is unrunnable (counts.unrunnable).
 *
 * Deriving (src/experiments/derive.ts): some children wait for others to finish (controls,
 * tuned and inheriting arms, a feedback target taken from the baseline). `advance` derives
 * what is ready, admits it as at submission, queues it and records each child slot once:
 * the job's Idempotency-Key is `experiment child <id> <armIndex> <slot>` (spaces: a key no
 * client can send) and the slot's field is written with HSETNX, so concurrent advances (GETs,
 * the driver of every API process: ./experiment-driver.ts) never queue or record a slot
 * twice; a loser's job is withdrawn. A child admission refuses, or whose key already names a
 * job with another spec, becomes unrunnable with the message (never retried); per-key slots
 * full or Redis away → the next advance tries again. `:derived` fields are written only while
 * the experiment's record exists (a Lua check), so no write outlives a removed experiment.
 * An experiment with children still to derive is in `<p>:experiments:deferred` and is
 * "running" (counts.waiting) until none is left.
 *
 * Work per advance: deriving reads every completed child's epoch records, so each process
 * remembers, per deferred experiment, a fingerprint of what deriving reads (cancellation and
 * the set of finished children) after an advance that left nothing to retry; an advance or a
 * GET finding the same fingerprint reads the record and the children's job records only, and
 * derives nothing. At most MAX_FINGERPRINTS entries, dropped once the experiment is no longer
 * deferred. A GET whose advance fails logs it and answers with what is stored.
 *
 * Per-key limit: a submission needs a job slot of its API key for every planned child,
 * derived ones included (counted at submission: the key's unfinished jobs plus the planned
 * children must fit QPLANE_MAX_CONCURRENT_JOBS_PER_KEY), so an experiment alone never
 * starves its own derived children; a derived child that finds the slots taken by the key's
 * other jobs meanwhile waits for the next advance.
 *
 * An experiment lives as long as its children: once every child has expired (retention after
 * finishing) or been removed, reading it removes it and answers not found. Cancelling cancels
 * the unfinished children and stops deriving: every slot still to derive becomes unrunnable
 * "experiment cancelled".
 *
 * Errors: unknown or malformed id → QPLANE_ERR_EXPERIMENT_NOT_FOUND; a bad grid, compare,
 * controls, tune or inherit → QPLANE_ERR_GRID_INVALID naming the field; too many children →
 * QPLANE_ERR_LIMIT_EXCEEDED; too few job slots → QPLANE_ERR_TOO_MANY_JOBS; Redis down →
 * QPLANE_ERR_UNAVAILABLE. Reads and cancel take the caller's Viewer, always explicitly:
 * another owner's experiment is not found, and lists show the viewer's own. Nothing is queued
 * unless every child spec ready at submission is valid, and a submission that fails half-way
 * cancels and removes the children it had queued.
 */
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import { QplaneError } from "../errors/catalogue.js";
import { armCurves } from "../experiments/aggregate.js";
import {
  deriveReady,
  planExperimentRecord,
  plannedChildCount,
  plannedChildren,
  type ReadyChild,
  resolveArms,
  type UnrunnableChild,
} from "../experiments/derive.js";
import type {
  ArmCurves,
  ChildOutcome,
  ControlName,
  ExperimentRecord,
  ExperimentThreshold,
  Grid,
  GridValue,
} from "../experiments/types.js";
import {
  type ExperimentSummary,
  type ExperimentView,
  experimentSummary,
  experimentView,
  waitingChildren,
} from "../experiments/view.js";
import { createRedactingLogger } from "../logging/redaction.js";
import type { JobSpec } from "../training/spec.js";
import { canonicalJson, sha256 } from "./hashing.js";
import { JOB_ID_PATTERN, jobIdTime, newJobId } from "./ids.js";
import { JobKeys } from "./keys.js";
import { closeRedis, createRedis, guardedRedis } from "./redis.js";
import { LuaScript } from "./scripts.js";
import { MAX_NAME_LENGTH, MAX_TAGS } from "./service.js";
import { JobStore } from "./store.js";
import { canSee, EVERYONE, type JobRecord, type JobService, type Viewer } from "./types.js";

export interface ExperimentSubmission {
  readonly name?: string | null | undefined;
  readonly tags?: readonly string[] | undefined;
  /** The base spec (defaults applied). */
  readonly spec: JobSpec;
  readonly grid: Grid;
  readonly threshold?: ExperimentThreshold | undefined;
  /** The baseline arm every other arm is compared with (`comparisons` of the view). */
  readonly compare?: { readonly baseline: Readonly<Record<string, GridValue>> } | undefined;
  /** Controls derived from every feedback arm's finished runs (src/experiments/controls.ts). */
  readonly controls?: readonly ControlName[] | undefined;
  /** Arms whose fields are tuned per seed on the validation split (src/experiments/derive.ts). */
  readonly tune?: ExperimentRecord["tune"];
  /** Each replicate seed also sets dataset.seed. */
  readonly splitPerSeed?: boolean | undefined;
  /** Arms that take fields from the baseline arm's run of the same seed. */
  readonly inherit?: ExperimentRecord["inherit"];
}

export interface ExperimentSubmitOptions {
  /** Hash of the submitting API key (null when auth is off). */
  readonly owner?: string | null;
  /**
   * Server-side checks of one child spec (configured backend, limits, dataset path); may
   * return the spec rewritten (e.g. a resolved path). Runs on every child ready at submission
   * before any is queued.
   */
  readonly admit?: (spec: JobSpec) => JobSpec | Promise<JobSpec>;
  /**
   * Same key + same submission → the experiment created the first time (no new children);
   * same key + another submission → QPLANE_ERR_IDEMPOTENCY_CONFLICT. Keys are per owner.
   */
  readonly idempotencyKey?: string;
}

/**
 * Server-side checks of a derived child spec for its experiment's owner, as
 * ExperimentSubmitOptions.admit at submission; a QplaneError makes the child unrunnable.
 */
export type ChildAdmission = (spec: JobSpec, owner: string | null) => JobSpec | Promise<JobSpec>;

/** What one advance did, and what is left. */
export interface AdvanceResult {
  /** Children queued by this advance. */
  readonly launched: number;
  /** Slots this advance recorded as unrunnable. */
  readonly unrunnable: number;
  /** Children still to derive: waiting on unfinished runs, or to be tried again. */
  readonly waiting: number;
}

export interface ExperimentSubmitResult {
  /** False when an Idempotency-Key matched an earlier identical submission. */
  readonly created: boolean;
  readonly experiment: ExperimentView;
}

export interface ExperimentPage {
  /** Summaries: status counts and arms without aggregates (read one experiment for those). */
  readonly experiments: readonly ExperimentSummary[];
  readonly nextCursor: string | null;
}

export interface ExperimentService {
  submit(
    submission: ExperimentSubmission,
    options?: ExperimentSubmitOptions,
  ): Promise<ExperimentSubmitResult>;
  /** With `admit`, advances the experiment first when it has children still to derive. */
  get(id: string, viewer: Viewer, admit?: ChildAdmission): Promise<ExperimentView>;
  /** Per arm, per epoch mean ± std of the learning and information-plane curves. */
  curves(id: string, viewer: Viewer, admit?: ChildAdmission): Promise<readonly ArmCurves[]>;
  /** The viewer's experiments, newest first. */
  list(
    query: { readonly limit: number; readonly cursor?: string },
    viewer: Viewer,
  ): Promise<ExperimentPage>;
  /** Cancels every unfinished child and stops deriving. */
  cancel(id: string, viewer: Viewer): Promise<ExperimentView>;
  /** Derives, admits and queues the children that are ready (see the module header). */
  advance(id: string, admit: ChildAdmission): Promise<AdvanceResult>;
  /** Ids of the experiments with children still to derive (the driver's work list). */
  deferred(): Promise<readonly string[]>;
  close(): Promise<void>;
}

export interface ExperimentServiceOptions {
  readonly config: Config;
  /** Where children are submitted and cancelled. */
  readonly jobs: JobService;
  /** A connection to use instead of one made from config.redisUrl (left open on close). */
  readonly redis?: Redis;
  readonly logger?: Logger;
}

/** How long an identical submission may take to store its experiment, beyond 20 ms per child. */
const IN_FLIGHT_GRACE_MS = 2000;

/** The `:derived` field marking a cancelled experiment (slot fields start with a digit). */
const CANCELLED_FIELD = "cancelled";
const CANCELLED_MESSAGE = "experiment cancelled";

/** Refusals of a derived child that the next advance retries rather than record. */
const RETRIED_CODES: ReadonlySet<string> = new Set([
  "QPLANE_ERR_TOO_MANY_JOBS",
  "QPLANE_ERR_UNAVAILABLE",
]);

/** The tag every child of an experiment carries (`GET /v1/jobs?tag=experiment:<id>`). */
export const experimentTag = (id: string) => `experiment:${id}`;

/**
 * The Idempotency-Key of a child slot: one job per slot, however many advances race. The
 * spaces keep it out of clients' reach (the Idempotency-Key header refuses them, src/api/schemas.ts),
 * so a conflict on it means the slot's spec changed between advances: never worth retrying.
 */
export const childIdempotencyKey = (id: string, armIndex: number, slot: string) =>
  `experiment child ${id} ${armIndex} ${slot}`;

/**
 * HSETNX of `:derived` fields, only while the experiment's record exists (a write after it
 * was removed would leave the hash behind forever). KEYS: 1 record, 2 `:derived` hash.
 * ARGV: field/value pairs. Returns per pair 1 written, 0 already there; nil when the record is gone.
 */
const SET_DERIVED = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return nil end
local written = {}
for i = 1, #ARGV, 2 do
  written[#written + 1] = redis.call('HSETNX', KEYS[2], ARGV[i], ARGV[i + 1])
end
return written
`);

/**
 * Most experiments whose finished-children fingerprint one process remembers (advance skips
 * an experiment whose fingerprint is unchanged). Entries leave when their experiment is no
 * longer deferred (listed by `deferred()` or found settled), and beyond this bound the oldest
 * goes, so memory is O(min(deferred experiments, bound)) entries of one short string each.
 */
const MAX_FINGERPRINTS = 10_000;

function notFound(id: string): QplaneError {
  return new QplaneError("QPLANE_ERR_EXPERIMENT_NOT_FOUND", `experiment ${id}: no such experiment`);
}

/** `name · arm, seed=3`, cut to the job name limit. */
function childName(base: string, armKey: string, replicate: unknown): string {
  const seed = replicate === null ? "" : `, seed=${JSON.stringify(replicate)}`;
  const name = `${base} · ${armKey}${seed}`;
  return name.length > MAX_NAME_LENGTH ? `${name.slice(0, MAX_NAME_LENGTH - 1)}…` : name;
}

/** One child slot with the job queued for it. */
interface LaunchedChild {
  readonly armIndex: number;
  readonly slot: string;
  readonly jobId: string;
}

/** What a slot's `:derived` field holds. */
type DerivedEntry = { readonly jobId: string } | { readonly unrunnable: string };

const slotField = (armIndex: number, slot: string) => `${armIndex}:${slot}`;

/**
 * The record with more children: launched ones appended to their arm's jobIds and slots,
 * unrunnable ones to its unrunnable list; slots the arm has already are skipped.
 */
function withChildren(
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
interface StoredExperiment {
  readonly record: ExperimentRecord;
  readonly cancelled: boolean;
}

class RedisExperimentService implements ExperimentService {
  private readonly keys: JobKeys;
  private readonly store: JobStore;
  /** Experiment id → fingerprint (finishedFingerprint) its last complete advance here derived from. */
  private readonly fingerprints = new Map<string, string>();

  constructor(
    private readonly config: Config,
    private readonly jobs: JobService,
    private readonly redis: Redis,
    private readonly ownsRedis: boolean,
    private readonly logger: Logger,
  ) {
    this.keys = new JobKeys(config.keyPrefix);
    this.store = new JobStore(redis, {
      prefix: config.keyPrefix,
      retentionSeconds: config.retentionSeconds,
    });
  }

  private guarded<T>(operation: () => Promise<T>): Promise<T> {
    return guardedRedis(this.redis, this.config.redisTimeoutMs, operation, (error) =>
      this.logger.warn({ err: error }, "Redis operation failed"),
    );
  }

  async submit(
    submission: ExperimentSubmission,
    options: ExperimentSubmitOptions = {},
  ): Promise<ExperimentSubmitResult> {
    const key = options.idempotencyKey;
    if (key === undefined) {
      return { created: true, experiment: await this.create(submission, options, newJobId()) };
    }
    const digest = sha256(`experiment\n${options.owner ?? ""}\n${key}`);
    const bodyHash = sha256(canonicalJson(submission));
    for (let round = 0; round < 3; round++) {
      const claim = { jobId: newJobId(), bodyHash };
      const earlier = await this.guarded(() =>
        this.store.claimIdempotency(digest, claim, this.config.idempotencyTtlSeconds),
      );
      if (earlier === null) {
        try {
          return { created: true, experiment: await this.create(submission, options, claim.jobId) };
        } catch (error) {
          await this.store.releaseIdempotency(digest, claim).catch(() => {});
          throw error;
        }
      }
      if (earlier.bodyHash !== bodyHash) {
        throw new QplaneError(
          "QPLANE_ERR_IDEMPOTENCY_CONFLICT",
          `Idempotency-Key: already used for experiment ${earlier.jobId} with a different request body`,
        );
      }
      const existing = await this.awaitExperiment(earlier.jobId);
      if (existing !== null) return { created: false, experiment: existing };
      // the earlier submission failed (or its experiment expired): the key is free again
      await this.guarded(() => this.store.releaseIdempotency(digest, earlier));
    }
    throw new QplaneError(
      "QPLANE_ERR_UNAVAILABLE",
      "Idempotency-Key: could not claim the key; try again shortly",
    );
  }

  /**
   * The experiment a claim points at; an identical submission still queuing its children
   * stores its record within about a second per hundred children, so wait that long.
   */
  private async awaitExperiment(id: string): Promise<ExperimentView | null> {
    const deadline = jobIdTime(id) + IN_FLIGHT_GRACE_MS + 20 * this.config.limits.maxExperimentJobs;
    const key = this.keys.experiment(id);
    while ((await this.guarded(() => this.redis.exists(key))) === 0) {
      if (Date.now() > deadline) return null;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    try {
      // the claim is per owner, so the experiment is the submitter's own
      return await this.get(id, EVERYONE);
    } catch (error) {
      if (error instanceof QplaneError && error.code === "QPLANE_ERR_EXPERIMENT_NOT_FOUND") {
        return null; // its children expired: the key may be used afresh
      }
      throw error;
    }
  }

  private async create(
    submission: ExperimentSubmission,
    options: ExperimentSubmitOptions,
    id: string,
  ): Promise<ExperimentView> {
    const tags = submission.tags ?? [];
    if (tags.length >= MAX_TAGS) {
      throw new QplaneError(
        "QPLANE_ERR_REQUEST_INVALID",
        `tags: an experiment may have at most ${MAX_TAGS - 1} tags (its children also carry experiment:<id>)`,
      );
    }
    const owner = options.owner ?? null;
    const planned = planExperimentRecord(
      {
        id,
        name: submission.name ?? null,
        tags,
        createdAt: new Date(jobIdTime(id)).toISOString(),
        owner,
        spec: submission.spec,
        grid: submission.grid,
        threshold: submission.threshold,
        compare: submission.compare,
        controls: submission.controls,
        tune: submission.tune,
        inherit: submission.inherit,
        splitPerSeed: submission.splitPerSeed,
      },
      { maxJobs: this.config.limits.maxExperimentJobs },
    );
    const admit = options.admit ?? ((spec: JobSpec) => spec);
    // the base spec first, so its own problems are not reported as a grid arm's
    await admit(submission.spec);
    const { ready, unrunnable } = deriveReady(planned, new Map());
    const specs: JobSpec[] = [];
    for (const child of ready) {
      try {
        specs.push(await admit(child.spec));
      } catch (error) {
        if (!(error instanceof QplaneError)) throw error;
        throw new QplaneError(
          error.code,
          `grid: arm ${planned.arms[child.armIndex]!.key}: ${error.message}`,
        );
      }
    }
    const needed = plannedChildCount(planned);
    await this.checkJobSlots(owner, needed, ready.length);

    const launched: LaunchedChild[] = [];
    let record: ExperimentRecord;
    try {
      for (const [index, child] of ready.entries()) {
        const { job } = await this.jobs.submit(specs[index]!, this.childOptions(planned, child));
        launched.push({ armIndex: child.armIndex, slot: child.slot, jobId: job.id });
      }
      record = withChildren(planned, launched, unrunnable);
      const waiting = waitingChildren(record);
      await this.guarded(async () => {
        const multi = this.redis
          .multi()
          .set(this.keys.experiment(id), JSON.stringify(record))
          .zadd(this.keys.experiments, 0, id);
        if (owner !== null) multi.zadd(this.keys.ownerExperiments(owner), 0, id);
        if (waiting > 0) multi.sadd(this.keys.deferredExperiments, id);
        await multi.exec();
      });
    } catch (error) {
      await this.rollback(launched.map((child) => child.jobId));
      if (error instanceof QplaneError && error.code === "QPLANE_ERR_TOO_MANY_JOBS") {
        throw new QplaneError(
          error.code,
          `the experiment needs ${needed} job slots of this API key: ${error.message} (QPLANE_MAX_CONCURRENT_JOBS_PER_KEY); nothing was queued`,
        );
      }
      throw error;
    }
    // stored: from here on a failure to read it back must not withdraw the children
    return this.view(record);
  }

  /**
   * The per-key limit, for every planned child at once (see the module header); the job
   * service checks each submission again, atomically.
   */
  private async checkJobSlots(owner: string | null, needed: number, ready: number): Promise<void> {
    if (owner === null) return;
    const limit = this.config.limits.maxConcurrentJobsPerKey;
    const active = await this.guarded(() => this.redis.zcard(this.keys.owner(owner)));
    if (active + needed <= limit) return;
    const later = needed - ready;
    throw new QplaneError(
      "QPLANE_ERR_TOO_MANY_JOBS",
      `the experiment needs ${needed} job slots of this API key${later > 0 ? ` (${ready} now, ${later} derived from finished runs later)` : ""}, which has ${active} unfinished jobs of the ${limit} allowed (QPLANE_MAX_CONCURRENT_JOBS_PER_KEY); nothing was queued`,
    );
  }

  /** Name, tags, owner and the slot's Idempotency-Key of a child's job. */
  private childOptions(record: ExperimentRecord, child: ReadyChild) {
    return {
      name: childName(
        record.name ?? `experiment ${record.id}`,
        record.arms[child.armIndex]!.key,
        child.replicate,
      ),
      tags: [experimentTag(record.id), ...record.tags],
      owner: record.owner,
      idempotencyKey: childIdempotencyKey(record.id, child.armIndex, child.slot),
    };
  }

  /** Cancels and removes children of a submission that could not finish (this service's own). */
  private async rollback(jobIds: readonly string[]): Promise<void> {
    for (const jobId of jobIds) {
      try {
        const job = await this.jobs.cancel(jobId, EVERYONE);
        if (job.status === "cancelled") await this.jobs.remove(jobId, EVERYONE);
      } catch (error) {
        this.logger.warn({ err: error, jobId }, "could not withdraw an experiment child");
      }
    }
  }

  /** The experiment, if it exists and the viewer may see it; not found otherwise (the same error). */
  private async stored(id: string, viewer: Viewer): Promise<StoredExperiment> {
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
  private async childJobs(record: ExperimentRecord): Promise<(JobRecord | null)[]> {
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
  private async children(
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
        outcomes.set(ids[index]!, {
          id: ids[index]!,
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

  /**
   * One advance over an experiment read with its children's outcomes (completed ones with
   * records): derives what is ready, queues it and records every slot it settled (HSETNX);
   * returns the experiment as stored afterwards. A cancelled experiment settles every slot
   * it can name as unrunnable instead.
   */
  private async derive(
    stored: StoredExperiment,
    outcomes: ReadonlyMap<string, ChildOutcome>,
    admit: ChildAdmission | null,
  ): Promise<{
    readonly stored: StoredExperiment;
    readonly result: AdvanceResult;
    /** Ready children left for the next advance (key full, Redis away). */
    readonly retried: number;
  }> {
    const { record, cancelled } = stored;
    const { id } = record;
    if (waitingChildren(record) === 0) {
      await this.guarded(() => this.redis.srem(this.keys.deferredExperiments, id));
      return { stored, retried: 0, result: { launched: 0, unrunnable: 0, waiting: 0 } };
    }
    const derivation = deriveReady(record, outcomes);
    const entries: [string, DerivedEntry][] = derivation.unrunnable.map((child) => [
      slotField(child.armIndex, child.slot),
      { unrunnable: cancelled ? CANCELLED_MESSAGE : child.message },
    ]);
    let retried = 0;
    try {
      for (const child of derivation.ready) {
        const entry =
          cancelled || admit === null
            ? { unrunnable: CANCELLED_MESSAGE }
            : await this.launch(record, child, admit);
        if (entry !== null) entries.push([slotField(child.armIndex, child.slot), entry]);
        else retried++;
      }
    } finally {
      // what was queued is recorded even when a later child threw
      await this.settle(id, entries);
    }
    const after = await this.stored(id, EVERYONE);
    const launchedIds = entries.flatMap(([, entry]) => ("jobId" in entry ? [entry.jobId] : []));
    if (after.cancelled && !cancelled) {
      // cancelled while this advance queued: its children go the way of the others
      await this.cancelJobs(launchedIds, EVERYONE);
    }
    const waiting = waitingChildren(after.record);
    if (waiting === 0) await this.guarded(() => this.redis.srem(this.keys.deferredExperiments, id));
    return {
      stored: after,
      retried,
      result: {
        launched: launchedIds.length,
        unrunnable: entries.length - launchedIds.length,
        waiting,
      },
    };
  }

  /** Admits and queues one ready child: its entry, or null when the next advance should retry. */
  private async launch(
    record: ExperimentRecord,
    child: ReadyChild,
    admit: ChildAdmission,
  ): Promise<DerivedEntry | null> {
    try {
      const spec = await admit(child.spec, record.owner);
      const { job } = await this.jobs.submit(spec, this.childOptions(record, child));
      return { jobId: job.id };
    } catch (error) {
      if (!(error instanceof QplaneError)) throw error;
      if (RETRIED_CODES.has(error.code)) return null;
      if (error.code === "QPLANE_ERR_IDEMPOTENCY_CONFLICT") {
        // the slot's key already names a job with another spec: retrying cannot succeed
        return {
          unrunnable: `a job with another spec was already queued for this slot: ${error.message}`,
        };
      }
      return { unrunnable: error.message };
    }
  }

  /**
   * Records settled slots, each once (HSETNX), while the experiment exists: a job queued for
   * a slot another advance recorded first (its own job, or unrunnable), or for an experiment
   * removed meanwhile, is withdrawn.
   */
  private async settle(id: string, entries: readonly [string, DerivedEntry][]): Promise<void> {
    if (entries.length === 0) return;
    const key = this.keys.experimentDerived(id);
    const replies = (await this.guarded(() =>
      SET_DERIVED.run(
        this.redis,
        [this.keys.experiment(id), key],
        entries.flatMap(([field, entry]) => [field, JSON.stringify(entry)]),
      ),
    )) as number[] | null;
    const written = entries.map((_, index) => replies?.[index] === 1);
    const lost = entries.flatMap(([field, entry], index) =>
      "jobId" in entry && !written[index] ? [{ field, jobId: entry.jobId }] : [],
    );
    for (const { field, jobId } of lost) {
      const winner =
        replies === null ? null : await this.guarded(() => this.redis.hget(key, field));
      if (winner !== JSON.stringify({ jobId })) await this.rollback([jobId]);
    }
  }

  /**
   * What deriving reads of an experiment: its cancellation and which children have finished
   * (count + hash of their ids). Unchanged since a complete advance → nothing new to derive.
   */
  private finishedFingerprint(
    stored: StoredExperiment,
    jobs: readonly (JobRecord | null)[],
  ): string {
    const ids = stored.record.arms.flatMap((arm) => arm.jobIds);
    const finished = ids
      .filter((_, index) => {
        const status = jobs[index]?.status;
        return status !== "queued" && status !== "running";
      })
      .sort();
    return `${stored.cancelled}:${finished.length}:${sha256(finished.join(","))}`;
  }

  /**
   * Advances when the fingerprint changed since this process's last complete advance (one
   * that left no ready child to retry); remembers it after one. Null: skipped.
   */
  private async deriveIfChanged(
    stored: StoredExperiment,
    jobs: readonly (JobRecord | null)[],
    admit: ChildAdmission,
  ): Promise<{ readonly stored: StoredExperiment; readonly result: AdvanceResult } | null> {
    const { id } = stored.record;
    const fingerprint = this.finishedFingerprint(stored, jobs);
    if (this.fingerprints.get(id) === fingerprint) return null;
    const outcomes = await this.children(stored.record, (job) => job.status === "completed", jobs);
    this.fingerprints.delete(id);
    const advanced = await this.derive(stored, outcomes, admit);
    if (advanced.retried === 0 && advanced.result.waiting > 0) {
      if (this.fingerprints.size >= MAX_FINGERPRINTS) {
        this.fingerprints.delete(this.fingerprints.keys().next().value!);
      }
      this.fingerprints.set(id, fingerprint);
    }
    return advanced;
  }

  /** Cancels the unfinished ones of these jobs (one finished meanwhile is fine). */
  private async cancelJobs(jobIds: readonly string[], viewer: Viewer): Promise<void> {
    for (const jobId of jobIds) {
      try {
        await this.jobs.cancel(jobId, viewer);
      } catch (error) {
        if (!(error instanceof QplaneError && error.code === "QPLANE_ERR_JOB_STATE")) throw error;
      }
    }
  }

  /**
   * The experiment and its children's outcomes (epoch records of the completed ones, or of
   * all with `allRecords`), advanced first when `admit` is given and children are still to
   * derive.
   */
  private async read(
    id: string,
    viewer: Viewer,
    admit: ChildAdmission | undefined,
    allRecords: boolean,
  ): Promise<{ record: ExperimentRecord; outcomes: Map<string, ChildOutcome> }> {
    // deriving and the aggregate table need the completed children's records, curves all
    const wanted = (job: JobRecord) => allRecords || job.status === "completed";
    const stored = await this.stored(id, viewer);
    const jobs = await this.childJobs(stored.record);
    if (admit !== undefined && waitingChildren(stored.record) > 0) {
      try {
        const advanced = await this.deriveIfChanged(stored, jobs, admit);
        if (advanced !== null && advanced.result.launched + advanced.result.unrunnable > 0) {
          const { record } = advanced.stored;
          return { record, outcomes: await this.children(record, wanted) };
        }
      } catch (error) {
        // a read answers with what is there; the driver (or the next read) advances again
        this.logger.warn({ err: error, experimentId: id }, "could not advance an experiment");
      }
    }
    return { record: stored.record, outcomes: await this.children(stored.record, wanted, jobs) };
  }

  private async view(record: ExperimentRecord): Promise<ExperimentView> {
    return experimentView(record, await this.children(record, (job) => job.status === "completed"));
  }

  private async summary(record: ExperimentRecord): Promise<ExperimentSummary> {
    const jobs = await this.childJobs(record);
    return experimentSummary(
      record,
      new Map(jobs.flatMap((job) => (job === null ? [] : [[job.id, job.status] as const]))),
    );
  }

  async get(id: string, viewer: Viewer, admit?: ChildAdmission): Promise<ExperimentView> {
    const { record, outcomes } = await this.read(id, viewer, admit, false);
    return experimentView(record, outcomes);
  }

  async curves(id: string, viewer: Viewer, admit?: ChildAdmission): Promise<readonly ArmCurves[]> {
    const { record, outcomes } = await this.read(id, viewer, admit, true);
    return armCurves(resolveArms(record, outcomes).arms, outcomes);
  }

  async advance(id: string, admit: ChildAdmission): Promise<AdvanceResult> {
    let stored: StoredExperiment;
    let jobs: (JobRecord | null)[];
    try {
      stored = await this.stored(id, EVERYONE);
      jobs = await this.childJobs(stored.record);
    } catch (error) {
      if (error instanceof QplaneError && error.code === "QPLANE_ERR_EXPERIMENT_NOT_FOUND") {
        // expired or removed: nothing left to derive
        this.fingerprints.delete(id);
        await this.guarded(() => this.redis.srem(this.keys.deferredExperiments, id));
      }
      throw error;
    }
    const waiting = waitingChildren(stored.record);
    if (waiting === 0) {
      this.fingerprints.delete(id);
      await this.guarded(() => this.redis.srem(this.keys.deferredExperiments, id));
      return { launched: 0, unrunnable: 0, waiting: 0 };
    }
    const advanced = await this.deriveIfChanged(stored, jobs, admit);
    return advanced?.result ?? { launched: 0, unrunnable: 0, waiting };
  }

  async deferred(): Promise<readonly string[]> {
    const ids = await this.guarded(() => this.redis.smembers(this.keys.deferredExperiments));
    // forget the experiments no longer deferred (their advances are over)
    const current = new Set(ids);
    for (const id of this.fingerprints.keys()) if (!current.has(id)) this.fingerprints.delete(id);
    return ids;
  }

  async list(
    query: { readonly limit: number; readonly cursor?: string },
    viewer: Viewer,
  ): Promise<ExperimentPage> {
    if (query.cursor !== undefined && !JOB_ID_PATTERN.test(query.cursor)) {
      throw new QplaneError(
        "QPLANE_ERR_REQUEST_INVALID",
        `cursor: must be a nextCursor from an earlier page (got ${JSON.stringify(query.cursor)})`,
      );
    }
    const limit = Math.max(1, Math.min(100, Math.floor(query.limit)));
    const ids = await this.guarded(() =>
      this.redis.zrevrangebylex(
        viewer.kind === "owner" ? this.keys.ownerExperiments(viewer.owner) : this.keys.experiments,
        query.cursor === undefined ? "+" : `(${query.cursor}`,
        "-",
        "LIMIT",
        0,
        limit + 1,
      ),
    );
    const page = ids.slice(0, limit);
    const experiments: ExperimentSummary[] = [];
    for (const id of page) {
      try {
        experiments.push(await this.summary((await this.stored(id, viewer)).record));
      } catch (error) {
        if (!(error instanceof QplaneError && error.code === "QPLANE_ERR_EXPERIMENT_NOT_FOUND")) {
          throw error;
        }
      }
    }
    return { experiments, nextCursor: ids.length > limit ? page.at(-1)! : null };
  }

  async cancel(id: string, viewer: Viewer): Promise<ExperimentView> {
    await this.stored(id, viewer); // visibility first: another owner's experiment is not found
    // marked before the children are cancelled, so an advance under way withdraws what it queues
    const recorded = await this.guarded(() =>
      SET_DERIVED.run(
        this.redis,
        [this.keys.experiment(id), this.keys.experimentDerived(id)],
        [CANCELLED_FIELD, new Date().toISOString()],
      ),
    );
    if (recorded === null) throw notFound(id); // removed meanwhile
    const marked = await this.stored(id, viewer);
    const jobs = await this.childJobs(marked.record);
    await this.cancelJobs(
      jobs.flatMap((job) =>
        job !== null && (job.status === "queued" || job.status === "running") ? [job.id] : [],
      ),
      viewer,
    );
    const outcomes = await this.children(marked.record, (job) => job.status === "completed");
    const { stored } = await this.derive(marked, outcomes, null);
    return this.view(stored.record);
  }

  async close(): Promise<void> {
    if (this.ownsRedis) await closeRedis(this.redis);
  }
}

export function createExperimentService(options: ExperimentServiceOptions): ExperimentService {
  const { config } = options;
  const logger =
    options.logger ?? createRedactingLogger({ level: config.logLevel, name: "qplane-experiments" });
  const redis =
    options.redis ??
    createRedis(config.redisUrl, "fail-fast", {
      timeoutMs: config.redisTimeoutMs,
      name: `${config.keyPrefix}:experiments`,
    });
  return new RedisExperimentService(
    config,
    options.jobs,
    redis,
    options.redis === undefined,
    logger,
  );
}
