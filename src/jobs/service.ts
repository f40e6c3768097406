/**
 * The JobService the HTTP API uses: the store and the BullMQ queue behind one small
 * interface (types.ts). Every method answers within about `config.redisTimeoutMs`: when
 * Redis is unreachable it throws QPLANE_ERR_UNAVAILABLE (503) instead of waiting, and works
 * again as soon as the connection is back (ioredis reconnects in the background).
 *
 * Errors: malformed or unknown id → QPLANE_ERR_JOB_NOT_FOUND; spec problems →
 * QPLANE_ERR_SPEC_INVALID / QPLANE_ERR_LIMIT_EXCEEDED; Idempotency-Key reused with another
 * body → QPLANE_ERR_IDEMPOTENCY_CONFLICT; an API key with too many unfinished jobs →
 * QPLANE_ERR_TOO_MANY_JOBS; an operation the job's status does not allow →
 * QPLANE_ERR_JOB_STATE; bad name, tags, key or cursor → QPLANE_ERR_REQUEST_INVALID.
 *
 * Tenancy: every read and write takes a Viewer (types.ts); another owner's job is not found.
 */
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import {
  type BackendRegistry,
  createBackendRegistry,
  localBackendResolver,
} from "../backends/registry.js";
import type { Config } from "../config.js";
import { createRedactingLogger } from "../logging/redaction.js";
import type { EpochRecord } from "../training/records.js";
import type { SentProgram } from "../training/sent-program.js";
import { type JobSpec, parseJobSpec } from "../training/spec.js";
import { type AdmissionContext, admitSpec } from "./admission.js";
import { JobEventHub } from "./events.js";
import { countLiveWorkers } from "./heartbeat.js";
import { assertJobId, jobIdTime, newJobId } from "./ids.js";
import {
  checkListQuery,
  jobNotFound,
  notCancellable,
  notRemovable,
  tooManyJobs,
} from "./job-errors.js";
import { checkIdempotencyKey, checkJobName, checkJobTags } from "./job-rules.js";
import { createTrainingQueue, enqueueTraining, type TrainingQueue } from "./queue.js";
import { queuedJobRecord } from "./queued-record.js";
import {
  closeRedis,
  createRedis,
  guardedRedis,
  unavailable,
  waitForReady,
  withTimeout,
} from "./redis.js";
import { JobStore } from "./store.js";
import {
  canSee,
  type JobEvent,
  type JobListQuery,
  type JobPage,
  type JobRecord,
  type JobService,
  type JobStatus,
  type QueueStats,
  type SubmitOptions,
  type SubmitResult,
  TERMINAL_JOB_STATUSES,
  type Viewer,
} from "./types.js";

export interface JobServiceOptions {
  readonly config: Config;
  /**
   * A connection to use instead of one made from config.redisUrl; the service leaves it
   * open on close. It should fail fast (see createRedis(url, "fail-fast")).
   */
  readonly redis?: Redis;
  /** @defaultValue a pino logger at config.logLevel */
  readonly logger?: Logger;
}

class RedisJobService implements JobService {
  private readonly store: JobStore;
  private readonly queue: TrainingQueue;
  private readonly timeoutMs: number;
  private readonly events: JobEventHub;
  /** What the service knows of a spec's admission: its limits and backends (admission.ts). */
  private readonly admission: AdmissionContext;
  private closed = false;
  /** The configured backends' providers, whose capabilities size a job's compute. */
  private readonly backends: BackendRegistry;

  constructor(
    private readonly config: Config,
    private readonly redis: Redis,
    private readonly ownsRedis: boolean,
    private readonly logger: Logger,
  ) {
    this.timeoutMs = config.redisTimeoutMs;
    this.backends = createBackendRegistry(config.backends);
    this.store = new JobStore(redis, {
      prefix: config.keyPrefix,
      retentionSeconds: config.retentionSeconds,
    });
    this.queue = createTrainingQueue(redis, config.keyPrefix);
    this.admission = {
      specLimits: config.limits,
      costLimits: config.limits,
      // a simulator's work is the workers'; a remote device runs its own circuits (an unknown
      // backend, which the worker refuses, is sized as the local simulator)
      providerOf: (spec) =>
        (
          this.backends.backends.find((entry) => entry.name === spec.backend.name) ??
          localBackendResolver("local")
        ).provider,
    };
    this.events = new JobEventHub({
      redisUrl: config.redisUrl,
      keys: this.store.keys,
      timeoutMs: this.timeoutMs,
      connectionName: `${config.keyPrefix}:api-events`,
      logger,
      ownerOf: (id) => this.store.owner(id),
    });
    // connection problems surface on the calls that meet them (as 503s)
    this.queue.on("error", (error) => this.logger.debug({ err: error }, "queue connection error"));
  }

  /** Runs a Redis-backed operation: 503 at once when Redis is down, or when it takes too long. */
  private async guarded<T>(operation: () => Promise<T>): Promise<T> {
    if (this.closed) throw unavailable();
    return guardedRedis(this.redis, this.timeoutMs, operation, (error) =>
      this.logger.warn({ err: error }, "Redis operation failed"),
    );
  }

  /** The job, if it exists and the viewer may see it; not found otherwise (the same error). */
  private async require(id: string, viewer: Viewer): Promise<JobRecord> {
    const job = await this.store.get(id);
    if (!job || !canSee(viewer, job.owner)) throw jobNotFound(id);
    this.events.rememberOwner(id, job.owner);
    return job;
  }

  private async publishStatus(id: string, status: JobStatus): Promise<void> {
    try {
      await this.store.publish(id, { type: "status", status, at: new Date().toISOString() });
    } catch (error) {
      this.logger.warn({ err: error, jobId: id }, "could not publish a job event");
    }
  }

  async submit(specInput: JobSpec, options: SubmitOptions = {}): Promise<SubmitResult> {
    // validate before paying: nothing below touches Redis until the request is known good
    const spec = await admitSpec(parseJobSpec(specInput), this.admission);
    const name = checkJobName(options.name);
    const tags = checkJobTags(options.tags);
    const owner = options.owner ?? null;
    const key = checkIdempotencyKey(options.idempotencyKey);
    return this.guarded(async () => {
      if (key === undefined)
        return { created: true, job: await this.create(spec, name, tags, owner) };
      return this.store.idempotency.submit(
        {
          owner,
          key,
          body: { spec, name, tags },
          ttlSeconds: this.config.idempotencyTtlSeconds,
          graceMs: this.timeoutMs,
        },
        (id) => this.create(spec, name, tags, owner, id),
      );
    });
  }

  private async create(
    spec: JobSpec,
    name: string | null,
    tags: readonly string[],
    owner: string | null,
    id: string = newJobId(),
  ): Promise<JobRecord> {
    const createdAt = new Date(jobIdTime(id)).toISOString();
    const job = queuedJobRecord({ id, spec, name, tags, owner, createdAt });
    const limit = this.config.limits.maxConcurrentJobsPerKey;
    const created = await this.store.create(job, owner === null ? null : limit);
    if (!created.ok) {
      throw tooManyJobs(created.active, limit);
    }
    this.events.rememberOwner(id, owner);
    try {
      await withTimeout(enqueueTraining(this.queue, this.config, id), this.timeoutMs);
    } catch (error) {
      // a queued record nobody will run must not stay behind (the worker's orphan check is
      // the backstop when this cleanup cannot reach Redis either)
      await this.store.remove(job).catch(() => {});
      throw error;
    }
    await this.publishStatus(id, "queued");
    return job;
  }

  async get(id: string, viewer: Viewer): Promise<JobRecord> {
    assertJobId(id);
    return this.guarded(() => this.require(id, viewer));
  }

  async list(query: JobListQuery, viewer: Viewer): Promise<JobPage> {
    checkListQuery(query);
    return this.guarded(() =>
      this.store.list(query, viewer.kind === "owner" ? viewer.owner : undefined),
    );
  }

  async sentProgram(id: string, viewer: Viewer): Promise<SentProgram | null> {
    assertJobId(id);
    return this.guarded(async () => {
      await this.require(id, viewer);
      return this.store.sentProgram(id);
    });
  }

  async metrics(id: string, viewer: Viewer, sinceEpoch?: number): Promise<readonly EpochRecord[]> {
    assertJobId(id);
    return this.guarded(async () => {
      if (viewer.kind === "owner") {
        const owner = await this.store.owner(id);
        if (owner === undefined || !canSee(viewer, owner)) throw jobNotFound(id);
      }
      const records = await this.store.metrics(id, sinceEpoch ?? 0);
      if (records === null) throw jobNotFound(id);
      return records;
    });
  }

  async cancel(id: string, viewer: Viewer): Promise<JobRecord> {
    assertJobId(id);
    return this.guarded(async () => {
      const job = await this.require(id, viewer);
      if (TERMINAL_JOB_STATUSES.has(job.status)) throw notCancellable(id, job.status);
      // a job still waiting for a worker leaves the queue and is cancelled now; BullMQ
      // refuses (0) when a worker holds it, and then the worker is told to stop
      if (job.status === "queued" && (await this.queue.remove(id)) === 1) {
        const at = new Date().toISOString();
        const ended = await this.store.transition(job, ["queued"], "cancelled", {
          cancelRequested: true,
          finishedAt: at,
        });
        if (ended.ok) {
          await this.publishStatus(id, "cancelled");
          return this.require(id, viewer);
        }
      }
      const asked = await this.store.transition(job, ["queued", "running"], null, {
        cancelRequested: true,
      });
      if (!asked.ok) {
        if (asked.reason === "missing") throw jobNotFound(id);
        throw notCancellable(id, asked.status);
      }
      await this.store.publishCancel(id);
      return this.require(id, viewer);
    });
  }

  async remove(id: string, viewer: Viewer): Promise<void> {
    assertJobId(id);
    await this.guarded(async () => {
      // visibility before status: another owner's finished job is a 404, never a 409
      const job = await this.require(id, viewer);
      if (!TERMINAL_JOB_STATUSES.has(job.status)) {
        throw notRemovable(id, job.status);
      }
      await this.store.remove(job);
    });
  }

  async subscribe(
    id: string,
    onEvent: (event: JobEvent) => void,
    viewer: Viewer,
  ): Promise<() => Promise<void>> {
    assertJobId(id);
    return this.guarded(async () => {
      await this.require(id, viewer);
      return this.events.subscribe(id, onEvent);
    });
  }

  async watchAll(
    listener: (jobId: string, event: JobEvent) => void,
    viewer: Viewer,
  ): Promise<() => Promise<void>> {
    return this.guarded(async () => {
      // a store that stopped answering (paused, overloaded) still looks connected; without a
      // round trip the stream would open and stay silent
      await this.redis.ping();
      return this.events.watchAll(listener, viewer);
    });
  }

  async ready(): Promise<boolean> {
    if (this.closed) return false;
    const wait = Math.min(this.timeoutMs, 1000);
    if (!(await waitForReady(this.redis, wait))) return false;
    try {
      return (await withTimeout(this.redis.ping(), wait)) === "PONG";
    } catch {
      return false;
    }
  }

  async workers(): Promise<number> {
    return this.guarded(() => countLiveWorkers(this.redis, this.store.keys));
  }

  async stats(): Promise<QueueStats> {
    return this.guarded(async () => {
      await this.store.sweepExpired();
      const [byStatus, counts] = await Promise.all([
        this.store.countByStatus(),
        this.queue.getJobCounts("wait", "prioritized", "delayed"),
      ]);
      const queueDepth = Object.values(counts).reduce((total, count) => total + count, 0);
      return { byStatus, queueDepth };
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await withTimeout(this.queue.close(), 1000).catch(() => {});
    await this.events.close();
    if (this.ownsRedis) await closeRedis(this.redis);
  }
}

/** The job service over Redis and BullMQ (see the module comment for its errors). */
export function createJobService(options: JobServiceOptions): JobService {
  const { config } = options;
  const logger =
    options.logger ?? createRedactingLogger({ level: config.logLevel, name: "qplane-jobs" });
  const redis =
    options.redis ??
    createRedis(config.redisUrl, "fail-fast", {
      timeoutMs: config.redisTimeoutMs,
      name: `${config.keyPrefix}:api`,
    });
  return new RedisJobService(config, redis, options.redis === undefined, logger);
}
