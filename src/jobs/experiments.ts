/**
 * Experiments over the job system: child jobs queued from a plan, read back as status counts,
 * arm aggregates and per-epoch curves. Children are ordinary jobs (submitted through the
 * JobService, tagged `experiment:<id>`); the experiment record stores the definition and the
 * children queued at submission, `<p>:experiment:<id>:derived` those derived later (keys.ts).
 * Each arm lists its children in planned order (seed, then candidate), jobIds parallel to
 * slots. Status: once nothing is queued, running or waiting, "cancelled" if the experiment
 * was cancelled, else "failed" if any child failed or is unrunnable (counts.unrunnable).
 *
 * Deriving the children that wait for others: ./experiment-advance.ts; the record and its
 * derived slots in Redis: ./experiment-storage.ts; the shapes: ./experiment-types.ts.
 *
 * Per-key limit: a submission needs a job slot of its API key for every planned child,
 * derived ones included (counted at submission: the key's unfinished jobs plus the planned
 * children must fit QPLANE_MAX_CONCURRENT_JOBS_PER_KEY), so an experiment alone never
 * starves its own derived children; a derived child that finds the slots taken by the key's
 * other jobs meanwhile waits for the next advance.
 *
 * Cancelling cancels the unfinished children and stops deriving: every slot still to derive
 * becomes unrunnable "experiment cancelled". A GET whose advance fails logs it and answers
 * with what is stored.
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
import { at, present } from "../errors/checked.js";
import { armCurves } from "../experiments/aggregate.js";
import { deriveReady, resolveArms } from "../experiments/derive.js";
import { planExperimentRecord } from "../experiments/plan-record.js";
import { plannedChildCount } from "../experiments/slots.js";
import type { ArmCurves, ChildOutcome, ExperimentRecord } from "../experiments/types.js";
import {
  type ExperimentSummary,
  type ExperimentView,
  experimentSummary,
  experimentView,
  waitingChildren,
} from "../experiments/view.js";
import { createRedactingLogger } from "../logging/redaction.js";
import type { JobSpec } from "../training/spec.js";
import { childJobOptions, ExperimentAdvancer } from "./experiment-advance.js";
import {
  CANCELLED_FIELD,
  ExperimentStorage,
  type LaunchedChild,
  notFound,
  SET_DERIVED,
  type StoredExperiment,
  withChildren,
} from "./experiment-storage.js";
import type {
  AdvanceResult,
  ChildAdmission,
  ExperimentPage,
  ExperimentPlan,
  ExperimentService,
  ExperimentServiceOptions,
  ExperimentSubmission,
  ExperimentSubmitOptions,
  ExperimentSubmitResult,
} from "./experiment-types.js";
import { canonicalJson, sha256 } from "./hashing.js";
import { JOB_ID_PATTERN, jobIdTime, newJobId } from "./ids.js";
import { checkJobName, checkJobTags, MAX_TAGS } from "./job-rules.js";
import type { JobKeys } from "./keys.js";
import { closeRedis, createRedis } from "./redis.js";
import { EVERYONE, type JobRecord, type JobService, type Viewer } from "./types.js";

/** How long an identical submission may take to store its experiment, beyond 20 ms per child. */
const IN_FLIGHT_GRACE_MS = 2000;

class RedisExperimentService implements ExperimentService {
  private readonly storage: ExperimentStorage;
  private readonly advancer: ExperimentAdvancer;
  private readonly keys: JobKeys;

  constructor(
    private readonly config: Config,
    private readonly jobs: JobService,
    private readonly redis: Redis,
    private readonly ownsRedis: boolean,
    private readonly logger: Logger,
  ) {
    this.storage = new ExperimentStorage(config, redis, logger);
    this.advancer = new ExperimentAdvancer(this.storage, jobs, logger);
    this.keys = this.storage.keys;
  }

  async submit(
    submission: ExperimentSubmission,
    options: ExperimentSubmitOptions = {},
  ): Promise<ExperimentSubmitResult> {
    const key = options.idempotencyKey;
    if (key === undefined) {
      return { created: true, experiment: await this.create(submission, options, newJobId()) };
    }
    const { created, value } = await this.storage.store.idempotency.replay(
      {
        digest: sha256(`experiment\n${options.owner ?? ""}\n${key}`),
        bodyHash: sha256(canonicalJson(submission)),
        ttlSeconds: this.config.idempotencyTtlSeconds,
        conflict: (earlierId) =>
          new QplaneError(
            "QPLANE_ERR_IDEMPOTENCY_CONFLICT",
            `Idempotency-Key: already used for experiment ${earlierId} with a different request body`,
          ),
        contested: () =>
          new QplaneError(
            "QPLANE_ERR_UNAVAILABLE",
            "Idempotency-Key: could not claim the key; try again shortly",
          ),
        guard: (operation) => this.storage.guarded(operation),
      },
      (id) => this.create(submission, options, id),
      (id) => this.awaitExperiment(id),
    );
    return { created, experiment: value };
  }

  /**
   * The experiment a claim points at; an identical submission still queuing its children
   * stores its record within about a second per hundred children, so wait that long.
   */
  private async awaitExperiment(id: string): Promise<ExperimentView | null> {
    const deadline = jobIdTime(id) + IN_FLIGHT_GRACE_MS + 20 * this.config.limits.maxExperimentJobs;
    const key = this.keys.experiment(id);
    while ((await this.storage.guarded(() => this.redis.exists(key))) === 0) {
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

  async plan(
    submission: ExperimentSubmission,
    options: ExperimentSubmitOptions = {},
  ): Promise<ExperimentPlan> {
    const { planned, ready, specs } = await this.admitted(submission, options, newJobId());
    return {
      record: planned,
      ready: ready.map((child, index) => ({
        armIndex: child.armIndex,
        slot: child.slot,
        spec: at(specs, index, "admitted child"),
      })),
    };
  }

  /**
   * A submission's record planned and its children ready at submission admitted (the base
   * spec first): every check of `submit` but the job slots, nothing queued.
   */
  private async admitted(
    submission: ExperimentSubmission,
    options: ExperimentSubmitOptions,
    id: string,
  ) {
    const tags = submission.tags ?? [];
    if (tags.length >= MAX_TAGS) {
      throw new QplaneError(
        "QPLANE_ERR_REQUEST_INVALID",
        `tags: an experiment may have at most ${MAX_TAGS - 1} tags (its children also carry experiment:<id>)`,
      );
    }
    // its children's jobs carry its name and tags: refuse them here, not at the first child
    checkJobName(submission.name);
    checkJobTags(tags);
    const planned = planExperimentRecord(
      {
        id,
        name: submission.name ?? null,
        tags,
        createdAt: new Date(jobIdTime(id)).toISOString(),
        owner: options.owner ?? null,
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
          `grid: arm ${at(planned.arms, child.armIndex, "experiment arm").key}: ${error.message}`,
        );
      }
    }
    return { planned, ready, unrunnable, specs };
  }

  private async create(
    submission: ExperimentSubmission,
    options: ExperimentSubmitOptions,
    id: string,
  ): Promise<ExperimentView> {
    const owner = options.owner ?? null;
    const { planned, ready, unrunnable, specs } = await this.admitted(submission, options, id);
    const needed = plannedChildCount(planned);
    await this.checkJobSlots(owner, needed, ready.length);

    const launched: LaunchedChild[] = [];
    let record: ExperimentRecord;
    try {
      for (const [index, child] of ready.entries()) {
        const { job } = await this.jobs.submit(specs[index]!, childJobOptions(planned, child));
        launched.push({ armIndex: child.armIndex, slot: child.slot, jobId: job.id });
      }
      record = withChildren(planned, launched, unrunnable);
      const waiting = waitingChildren(record);
      await this.storage.guarded(async () => {
        const multi = this.redis
          .multi()
          .set(this.keys.experiment(id), JSON.stringify(record))
          .zadd(this.keys.experiments, 0, id);
        if (owner !== null) multi.zadd(this.keys.ownerExperiments(owner), 0, id);
        if (waiting > 0) multi.sadd(this.keys.deferredExperiments, id);
        await multi.exec();
      });
    } catch (error) {
      await this.advancer.rollback(launched.map((child) => child.jobId));
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
    const active = await this.storage.guarded(() => this.redis.zcard(this.keys.owner(owner)));
    if (active + needed <= limit) return;
    const later = needed - ready;
    throw new QplaneError(
      "QPLANE_ERR_TOO_MANY_JOBS",
      `the experiment needs ${needed} job slots of this API key${later > 0 ? ` (${ready} now, ${later} derived from finished runs later)` : ""}, which has ${active} unfinished jobs of the ${limit} allowed (QPLANE_MAX_CONCURRENT_JOBS_PER_KEY); nothing was queued`,
    );
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
    const stored = await this.storage.stored(id, viewer);
    const jobs = await this.storage.childJobs(stored.record);
    if (admit !== undefined && waitingChildren(stored.record) > 0) {
      try {
        const advanced = await this.advancer.deriveIfChanged(stored, jobs, admit);
        if (advanced !== null && advanced.result.launched + advanced.result.unrunnable > 0) {
          const { record } = advanced.stored;
          return { record, outcomes: await this.storage.children(record, wanted) };
        }
      } catch (error) {
        // a read answers with what is there; the driver (or the next read) advances again
        this.logger.warn({ err: error, experimentId: id }, "could not advance an experiment");
      }
    }
    return {
      record: stored.record,
      outcomes: await this.storage.children(stored.record, wanted, jobs),
    };
  }

  private async view(record: ExperimentRecord): Promise<ExperimentView> {
    return experimentView(
      record,
      await this.storage.children(record, (job) => job.status === "completed"),
    );
  }

  private async summary(record: ExperimentRecord): Promise<ExperimentSummary> {
    const jobs = await this.storage.childJobs(record);
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
      stored = await this.storage.stored(id, EVERYONE);
      jobs = await this.storage.childJobs(stored.record);
    } catch (error) {
      if (error instanceof QplaneError && error.code === "QPLANE_ERR_EXPERIMENT_NOT_FOUND") {
        // expired or removed: nothing left to derive
        this.advancer.forget(id);
        await this.storage.guarded(() => this.redis.srem(this.keys.deferredExperiments, id));
      }
      throw error;
    }
    const waiting = waitingChildren(stored.record);
    if (waiting === 0) {
      this.advancer.forget(id);
      await this.storage.guarded(() => this.redis.srem(this.keys.deferredExperiments, id));
      return { launched: 0, unrunnable: 0, waiting: 0 };
    }
    const advanced = await this.advancer.deriveIfChanged(stored, jobs, admit);
    return advanced?.result ?? { launched: 0, unrunnable: 0, waiting };
  }

  async deferred(): Promise<readonly string[]> {
    const ids = await this.storage.guarded(() =>
      this.redis.smembers(this.keys.deferredExperiments),
    );
    this.advancer.forgetAllBut(new Set(ids));
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
    const ids = await this.storage.guarded(() =>
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
        experiments.push(await this.summary((await this.storage.stored(id, viewer)).record));
      } catch (error) {
        if (!(error instanceof QplaneError && error.code === "QPLANE_ERR_EXPERIMENT_NOT_FOUND")) {
          throw error;
        }
      }
    }
    return {
      experiments,
      nextCursor: ids.length > limit ? present(page.at(-1), "the page's last id") : null,
    };
  }

  async cancel(id: string, viewer: Viewer): Promise<ExperimentView> {
    await this.storage.stored(id, viewer); // visibility first: another owner's experiment is not found
    // marked before the children are cancelled, so an advance under way withdraws what it queues
    const recorded = await this.storage.guarded(() =>
      SET_DERIVED.run(
        this.redis,
        [this.keys.experiment(id), this.keys.experimentDerived(id)],
        [CANCELLED_FIELD, new Date().toISOString()],
      ),
    );
    if (recorded === null) throw notFound(id); // removed meanwhile
    const marked = await this.storage.stored(id, viewer);
    const jobs = await this.storage.childJobs(marked.record);
    await this.advancer.cancelJobs(
      jobs.flatMap((job) =>
        job !== null && (job.status === "queued" || job.status === "running") ? [job.id] : [],
      ),
      viewer,
    );
    const outcomes = await this.storage.children(
      marked.record,
      (job) => job.status === "completed",
    );
    const { stored } = await this.advancer.derive(marked, outcomes, null);
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
