/**
 * Experiments over the job system: a grid of child jobs queued together, read back as status
 * counts, arm aggregates and per-epoch curves. Children are ordinary jobs (submitted through
 * the JobService, tagged `experiment:<id>`); the experiment record stores the definition and
 * the child ids (see keys.ts).
 *
 * An experiment lives as long as its children: once every child has expired (retention after
 * finishing) or been removed, reading it removes it and answers not found.
 *
 * Errors: unknown or malformed id → QPLANE_ERR_EXPERIMENT_NOT_FOUND; a bad grid →
 * QPLANE_ERR_GRID_INVALID; too many children → QPLANE_ERR_LIMIT_EXCEEDED; Redis down →
 * QPLANE_ERR_UNAVAILABLE. Reads and cancel take the caller's Viewer, always explicitly:
 * another owner's experiment is not found, and lists show the viewer's own. Nothing is queued
 * unless every child spec is valid, and a submission that fails half-way cancels and removes
 * the children it had queued. `compare.baseline` naming no arm → QPLANE_ERR_GRID_INVALID;
 * `controls` are checked (QPLANE_ERR_GRID_INVALID naming them) and then refused with
 * QPLANE_ERR_REQUEST_INVALID: deriving them needs finished feedback runs, which only
 * `qplane experiment` handles so far.
 */
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import { QplaneError } from "../errors/catalogue.js";
import { armCurves } from "../experiments/aggregate.js";
import { findBaselineArm } from "../experiments/comparisons.js";
import { planControlArms } from "../experiments/controls.js";
import { planExperiment } from "../experiments/grid.js";
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
} from "../experiments/view.js";
import { createRedactingLogger } from "../logging/redaction.js";
import type { JobSpec } from "../training/spec.js";
import { canonicalJson, sha256 } from "./hashing.js";
import { JOB_ID_PATTERN, jobIdTime, newJobId } from "./ids.js";
import { JobKeys } from "./keys.js";
import { closeRedis, createRedis, guardedRedis } from "./redis.js";
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
  /** Checked, then refused: the service does not derive controls yet (`qplane experiment` does). */
  readonly controls?: readonly ControlName[] | undefined;
}

export interface ExperimentSubmitOptions {
  /** Hash of the submitting API key (null when auth is off). */
  readonly owner?: string | null;
  /**
   * Server-side checks of one child spec (configured backend, limits, dataset path); may
   * return the spec rewritten (e.g. a resolved path). Runs on every child before any is queued.
   */
  readonly admit?: (spec: JobSpec) => JobSpec | Promise<JobSpec>;
  /**
   * Same key + same submission → the experiment created the first time (no new children);
   * same key + another submission → QPLANE_ERR_IDEMPOTENCY_CONFLICT. Keys are per owner.
   */
  readonly idempotencyKey?: string;
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
  get(id: string, viewer: Viewer): Promise<ExperimentView>;
  /** Per arm, per epoch mean ± std of the learning and information-plane curves. */
  curves(id: string, viewer: Viewer): Promise<readonly ArmCurves[]>;
  /** The viewer's experiments, newest first. */
  list(
    query: { readonly limit: number; readonly cursor?: string },
    viewer: Viewer,
  ): Promise<ExperimentPage>;
  /** Cancels every unfinished child. */
  cancel(id: string, viewer: Viewer): Promise<ExperimentView>;
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

/** The tag every child of an experiment carries (`GET /v1/jobs?tag=experiment:<id>`). */
export const experimentTag = (id: string) => `experiment:${id}`;

function notFound(id: string): QplaneError {
  return new QplaneError("QPLANE_ERR_EXPERIMENT_NOT_FOUND", `experiment ${id}: no such experiment`);
}

/** `name · arm, seed=3`, cut to the job name limit. */
function childName(base: string, armKey: string, replicate: unknown): string {
  const seed = replicate === null ? "" : `, seed=${JSON.stringify(replicate)}`;
  const name = `${base} · ${armKey}${seed}`;
  return name.length > MAX_NAME_LENGTH ? `${name.slice(0, MAX_NAME_LENGTH - 1)}…` : name;
}

class RedisExperimentService implements ExperimentService {
  private readonly keys: JobKeys;
  private readonly store: JobStore;

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
    const plan = planExperiment(submission.spec, submission.grid, {
      maxJobs: this.config.limits.maxExperimentJobs,
      threshold: submission.threshold,
    });
    const baselineIndex =
      submission.compare === undefined
        ? null
        : findBaselineArm(plan.arms, submission.compare.baseline);
    if (submission.controls !== undefined && submission.controls.length > 0) {
      planControlArms(plan, submission.controls); // names `controls` when they cannot apply
      // controls are queued from finished feedback runs: not wired into the job system yet
      throw new QplaneError(
        "QPLANE_ERR_REQUEST_INVALID",
        `controls: ${JSON.stringify(submission.controls)} are not yet supported by the service; run the experiment with \`qplane experiment --spec FILE\` (same file), which derives them`,
      );
    }
    const admit = options.admit ?? ((spec: JobSpec) => spec);
    // the base spec first, so its own problems are not reported as a grid arm's
    await admit(submission.spec);
    const specs: JobSpec[] = [];
    for (const child of plan.children) {
      try {
        specs.push(await admit(child.spec));
      } catch (error) {
        if (!(error instanceof QplaneError)) throw error;
        throw new QplaneError(
          error.code,
          `grid: arm ${plan.arms[child.armIndex]!.key}: ${error.message}`,
        );
      }
    }

    const baseName = submission.name ?? `experiment ${id}`;
    const childTags = [experimentTag(id), ...tags];
    const jobIds: string[] = [];
    let record: ExperimentRecord;
    try {
      for (const [index, child] of plan.children.entries()) {
        const { job } = await this.jobs.submit(specs[index]!, {
          name: childName(baseName, plan.arms[child.armIndex]!.key, child.replicate),
          tags: childTags,
          owner: options.owner ?? null,
        });
        jobIds.push(job.id);
      }
      record = {
        id,
        name: submission.name ?? null,
        tags,
        createdAt: new Date(jobIdTime(id)).toISOString(),
        owner: options.owner ?? null,
        grid: submission.grid,
        replicateField: plan.replicateField,
        threshold: plan.threshold,
        arms: plan.arms.map((arm, armIndex) => ({
          ...arm,
          jobIds: plan.children.flatMap((child, index) =>
            child.armIndex === armIndex ? [jobIds[index]!] : [],
          ),
        })),
        ...(submission.compare !== undefined && baselineIndex !== null
          ? {
              compare: {
                baseline: submission.compare.baseline,
                baselineArm: plan.arms[baselineIndex]!.key,
                thresholdGiven: submission.threshold !== undefined,
              },
            }
          : {}),
      };
      await this.guarded(async () => {
        const multi = this.redis
          .multi()
          .set(this.keys.experiment(id), JSON.stringify(record))
          .zadd(this.keys.experiments, 0, id);
        if (record.owner !== null) multi.zadd(this.keys.ownerExperiments(record.owner), 0, id);
        await multi.exec();
      });
    } catch (error) {
      await this.rollback(jobIds);
      if (error instanceof QplaneError && error.code === "QPLANE_ERR_TOO_MANY_JOBS") {
        throw new QplaneError(
          error.code,
          `the experiment needs ${plan.children.length} job slots of this API key: ${error.message} (QPLANE_MAX_CONCURRENT_JOBS_PER_KEY); nothing was queued`,
        );
      }
      throw error;
    }
    // stored: from here on a failure to read it back must not withdraw the children
    return this.view(record);
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
  private async record(id: string, viewer: Viewer): Promise<ExperimentRecord> {
    if (!JOB_ID_PATTERN.test(id)) throw notFound(id);
    const text = await this.guarded(() => this.redis.get(this.keys.experiment(id)));
    if (text === null) throw notFound(id);
    const record = JSON.parse(text) as ExperimentRecord;
    if (!canSee(viewer, record.owner)) throw notFound(id);
    return record;
  }

  /** Every child's record (null: expired or removed); an experiment whose children all are gone is removed. */
  private async childJobs(record: ExperimentRecord): Promise<(JobRecord | null)[]> {
    const ids = record.arms.flatMap((arm) => arm.jobIds);
    const jobs = await this.guarded(() => this.store.getMany(ids));
    if (jobs.every((job) => job === null)) {
      // every child expired (QPLANE_RETENTION_SECONDS after it finished): so does the experiment
      await this.guarded(() => {
        const multi = this.redis
          .multi()
          .del(this.keys.experiment(record.id))
          .zrem(this.keys.experiments, record.id);
        if (record.owner !== null) multi.zrem(this.keys.ownerExperiments(record.owner), record.id);
        return multi.exec();
      });
      throw notFound(record.id);
    }
    return jobs;
  }

  /**
   * Status, summary and epoch records of every child. Records are read for the children
   * `needsRecords` picks only (the aggregate table needs the completed ones; curves all).
   */
  private async children(
    record: ExperimentRecord,
    needsRecords: (job: JobRecord) => boolean,
  ): Promise<Map<string, ChildOutcome>> {
    const jobs = await this.childJobs(record);
    const wanted = jobs.filter((job): job is JobRecord => job !== null && needsRecords(job));
    const metrics = await this.guarded(() => this.store.metricsMany(wanted.map((job) => job.id)));
    const recordsById = new Map(wanted.map((job, index) => [job.id, metrics[index] ?? []]));
    const outcomes = new Map<string, ChildOutcome>();
    for (const job of jobs) {
      if (job === null) continue; // absent from the map: counted as missing
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

  async get(id: string, viewer: Viewer): Promise<ExperimentView> {
    return this.view(await this.record(id, viewer));
  }

  async curves(id: string, viewer: Viewer): Promise<readonly ArmCurves[]> {
    const record = await this.record(id, viewer);
    return armCurves(record.arms, await this.children(record, () => true));
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
        experiments.push(await this.summary(await this.record(id, viewer)));
      } catch (error) {
        if (!(error instanceof QplaneError && error.code === "QPLANE_ERR_EXPERIMENT_NOT_FOUND")) {
          throw error;
        }
      }
    }
    return { experiments, nextCursor: ids.length > limit ? page.at(-1)! : null };
  }

  async cancel(id: string, viewer: Viewer): Promise<ExperimentView> {
    const record = await this.record(id, viewer);
    for (const child of await this.childJobs(record)) {
      if (child === null || (child.status !== "queued" && child.status !== "running")) continue;
      try {
        await this.jobs.cancel(child.id, viewer);
      } catch (error) {
        // a child that finished meanwhile cannot be cancelled: that is fine
        if (!(error instanceof QplaneError && error.code === "QPLANE_ERR_JOB_STATE")) throw error;
      }
    }
    return this.view(record);
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
