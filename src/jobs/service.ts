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
import { type Config, checkSpecLimits } from "../config.js";
import { QplaneError } from "../errors/catalogue.js";
import { createRedactingLogger } from "../logging/redaction.js";
import type { EpochRecord } from "../training/records.js";
import { admitJobCost } from "../training/sizing.js";
import { type JobSpec, parseJobSpec } from "../training/spec.js";
import { canonicalJson, sha256 } from "./hashing.js";
import { countLiveWorkers } from "./heartbeat.js";
import { assertJobId, jobIdTime, newJobId } from "./ids.js";
import { createTrainingQueue, enqueueTraining, type TrainingQueue } from "./queue.js";
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
  JOB_STATUSES,
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

export const MAX_TAGS = 20;
export const MAX_TAG_LENGTH = 64;
export const MAX_NAME_LENGTH = 200;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
const CONTROL = /[\u0000-\u001f\u007f]/;

function invalid(message: string): QplaneError {
  return new QplaneError("QPLANE_ERR_REQUEST_INVALID", message);
}

function checkName(name: string | null | undefined): string | null {
  if (name === undefined || name === null) return null;
  if (
    typeof name !== "string" ||
    name.length === 0 ||
    name.length > MAX_NAME_LENGTH ||
    CONTROL.test(name)
  ) {
    throw invalid(`name: must be 1-${MAX_NAME_LENGTH} characters without control characters`);
  }
  return name;
}

function checkTags(tags: readonly string[] | undefined): string[] {
  if (tags === undefined) return [];
  if (!Array.isArray(tags) || tags.length > MAX_TAGS) {
    throw invalid(`tags: must be a list of at most ${MAX_TAGS} tags`);
  }
  tags.forEach((tag, index) => {
    if (
      typeof tag !== "string" ||
      tag.length === 0 ||
      tag.length > MAX_TAG_LENGTH ||
      CONTROL.test(tag)
    ) {
      throw invalid(
        `tags[${index}]: must be 1-${MAX_TAG_LENGTH} characters without control characters`,
      );
    }
  });
  return [...new Set(tags)];
}

/**
 * How long a claim may point at a job not yet stored: an identical submission in flight
 * stores its job within milliseconds; after this the job is taken as removed or expired.
 */
const CLAIM_GRACE_MS = 1000;

/** Job owners remembered for filtering the all-jobs stream (an owner never changes). */
const OWNER_CACHE_SIZE = 10_000;

/** A listener of every job's events and whose jobs it may see. */
interface Watcher {
  readonly viewer: Viewer;
  readonly listener: (jobId: string, event: JobEvent) => void;
}

const notFound = (id: string) =>
  new QplaneError("QPLANE_ERR_JOB_NOT_FOUND", `job ${id}: no such job`);

class RedisJobService implements JobService {
  private readonly store: JobStore;
  private readonly queue: TrainingQueue;
  private readonly timeoutMs: number;
  private subscriber: Redis | null = null;
  private readonly watchers = new Set<Watcher>();
  /** Owners of jobs, learnt on reads and looked up for events (see onAnyEvent). */
  private readonly owners = new Map<string, string | null>();
  /** Events held while their job's owner is looked up, in arrival order. */
  private readonly awaitingOwner = new Map<string, JobEvent[]>();
  private readonly listeners = new Map<string, Set<(event: JobEvent) => void>>();
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
    if (!job || !canSee(viewer, job.owner)) throw notFound(id);
    this.rememberOwner(id, job.owner);
    return job;
  }

  private rememberOwner(id: string, owner: string | null): void {
    if (this.owners.has(id)) return;
    this.owners.set(id, owner);
    // forget the oldest (Map keeps insertion order)
    if (this.owners.size > OWNER_CACHE_SIZE) this.owners.delete(this.owners.keys().next().value!);
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
    const spec = parseJobSpec(specInput);
    checkSpecLimits(spec, this.config.limits);
    // a simulator's work is the workers'; a remote device runs its own circuits (an unknown
    // backend, which the worker refuses, is sized as the local simulator)
    const backend = this.backends.backends.find((entry) => entry.name === spec.backend.name);
    admitJobCost(spec, this.config.limits, (backend ?? localBackendResolver("local")).provider);
    const name = checkName(options.name);
    const tags = checkTags(options.tags);
    const owner = options.owner ?? null;
    const key = options.idempotencyKey;
    if (
      key !== undefined &&
      (typeof key !== "string" ||
        key.length === 0 ||
        key.length > MAX_IDEMPOTENCY_KEY_LENGTH ||
        CONTROL.test(key))
    ) {
      throw invalid(
        `Idempotency-Key: must be 1-${MAX_IDEMPOTENCY_KEY_LENGTH} characters without control characters`,
      );
    }
    return this.guarded(async () => {
      if (key === undefined)
        return { created: true, job: await this.create(spec, name, tags, owner) };
      // keys are per API key: one client cannot reach another's job through a shared key
      const digest = sha256(`${owner ?? ""}\n${key}`);
      const bodyHash = sha256(canonicalJson({ spec, name, tags }));
      for (let round = 0; round < 3; round++) {
        const id = newJobId();
        const claim = { jobId: id, bodyHash };
        const earlier = await this.store.claimIdempotency(
          digest,
          claim,
          this.config.idempotencyTtlSeconds,
        );
        if (earlier === null) {
          try {
            return { created: true, job: await this.create(spec, name, tags, owner, id) };
          } catch (error) {
            await this.store.releaseIdempotency(digest, claim).catch(() => {});
            throw error;
          }
        }
        if (earlier.bodyHash !== bodyHash) {
          throw new QplaneError(
            "QPLANE_ERR_IDEMPOTENCY_CONFLICT",
            `Idempotency-Key: already used for job ${earlier.jobId} with a different request body`,
          );
        }
        // the claim is per owner, so the job it points at is the submitter's own
        const job = await this.awaitJob(earlier.jobId);
        if (job) return { created: false, job };
        // the earlier job was removed or expired, or its submission failed: the key is free
        await this.store.releaseIdempotency(digest, earlier);
      }
      throw unavailable();
    });
  }

  /** The job a claim points at; waits briefly for a submission still in flight. */
  private async awaitJob(id: string): Promise<JobRecord | null> {
    for (;;) {
      const job = await this.store.get(id);
      if (job || Date.now() - jobIdTime(id) > Math.min(CLAIM_GRACE_MS, this.timeoutMs)) return job;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  private async create(
    spec: JobSpec,
    name: string | null,
    tags: readonly string[],
    owner: string | null,
    id: string = newJobId(),
  ): Promise<JobRecord> {
    const job: JobRecord = {
      id,
      status: "queued",
      name,
      tags,
      spec,
      progress: { epoch: 0, epochs: spec.training.epochs },
      etaSeconds: null,
      latest: null,
      summary: null,
      error: null,
      createdAt: new Date(jobIdTime(id)).toISOString(),
      startedAt: null,
      finishedAt: null,
      cancelRequested: false,
      attempts: 0,
      owner,
    };
    const limit = this.config.limits.maxConcurrentJobsPerKey;
    const created = await this.store.create(job, owner === null ? null : limit);
    if (!created.ok) {
      throw new QplaneError(
        "QPLANE_ERR_TOO_MANY_JOBS",
        `this API key has ${created.active} unfinished jobs, the most allowed (${limit}); wait for one to finish or cancel one`,
      );
    }
    this.rememberOwner(id, owner);
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
    if (query.status !== undefined && !JOB_STATUSES.includes(query.status)) {
      throw invalid(`status: must be one of ${JOB_STATUSES.join(", ")}`);
    }
    return this.guarded(() =>
      this.store.list(query, viewer.kind === "owner" ? viewer.owner : undefined),
    );
  }

  async metrics(id: string, viewer: Viewer, sinceEpoch?: number): Promise<readonly EpochRecord[]> {
    assertJobId(id);
    return this.guarded(async () => {
      if (viewer.kind === "owner") {
        const owner = await this.store.owner(id);
        if (owner === undefined || !canSee(viewer, owner)) throw notFound(id);
      }
      const records = await this.store.metrics(id, sinceEpoch ?? 0);
      if (records === null) throw notFound(id);
      return records;
    });
  }

  async cancel(id: string, viewer: Viewer): Promise<JobRecord> {
    assertJobId(id);
    return this.guarded(async () => {
      const job = await this.require(id, viewer);
      const refuse = (status: JobStatus) =>
        new QplaneError(
          "QPLANE_ERR_JOB_STATE",
          `job ${id} is ${status}; only queued or running jobs can be cancelled`,
        );
      if (TERMINAL_JOB_STATUSES.has(job.status)) throw refuse(job.status);
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
        if (asked.reason === "missing") throw notFound(id);
        throw refuse(asked.status);
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
        throw new QplaneError(
          "QPLANE_ERR_JOB_STATE",
          `job ${id} is ${job.status}; only finished jobs can be removed (cancel it first)`,
        );
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
      const subscriber = await this.connectSubscriber();
      const channel = this.store.keys.events(id);
      let listeners = this.listeners.get(channel);
      if (!listeners) {
        listeners = new Set();
        this.listeners.set(channel, listeners);
        try {
          await subscriber.subscribe(channel);
        } catch (error) {
          this.listeners.delete(channel);
          throw error;
        }
      }
      const listener = (event: JobEvent) => onEvent(event);
      listeners.add(listener);
      let active = true;
      return async () => {
        if (!active) return;
        active = false;
        const current = this.listeners.get(channel);
        current?.delete(listener);
        if (current && current.size === 0) {
          this.listeners.delete(channel);
          // bounded: with Redis away a patient connection would wait for it (shutdown hangs)
          await withTimeout(subscriber.unsubscribe(channel), this.timeoutMs).catch(() => {});
        }
      };
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
      const subscriber = await this.connectSubscriber();
      if (this.watchers.size === 0) await subscriber.psubscribe(this.store.keys.events("*"));
      const watcher: Watcher = { viewer, listener };
      this.watchers.add(watcher);
      return async () => {
        if (!this.watchers.delete(watcher) || this.watchers.size > 0) return;
        await withTimeout(
          subscriber.punsubscribe(this.store.keys.events("*")),
          this.timeoutMs,
        ).catch(() => {});
      };
    });
  }

  /**
   * Hands an event of any job to the watchers that may see it. Events carry no owner, so an
   * owner-scoped watcher needs the job's owner: remembered, or looked up once per job (events
   * arriving meanwhile wait, in order). A job whose owner cannot be read is shown to no owner.
   */
  private onAnyEvent(jobId: string, event: JobEvent): void {
    let scoped = false;
    for (const watcher of this.watchers) {
      if (watcher.viewer.kind === "everyone") this.notify(watcher, jobId, event);
      else scoped = true;
    }
    if (!scoped) return;
    if (this.owners.has(jobId)) {
      this.notifyOwner(jobId, this.owners.get(jobId)!, event);
      return;
    }
    const waiting = this.awaitingOwner.get(jobId);
    if (waiting) {
      waiting.push(event);
      return;
    }
    this.awaitingOwner.set(jobId, [event]);
    void withTimeout(this.store.owner(jobId), this.timeoutMs)
      .catch((error: unknown) => {
        this.logger.warn({ err: error, jobId }, "could not read a job's owner for its events");
        return undefined;
      })
      .then((owner) => {
        const events = this.awaitingOwner.get(jobId) ?? [];
        this.awaitingOwner.delete(jobId);
        if (owner === undefined) return;
        this.rememberOwner(jobId, owner);
        for (const held of events) this.notifyOwner(jobId, owner, held);
      });
  }

  private notifyOwner(jobId: string, owner: string | null, event: JobEvent): void {
    for (const watcher of this.watchers) {
      if (watcher.viewer.kind === "owner" && canSee(watcher.viewer, owner)) {
        this.notify(watcher, jobId, event);
      }
    }
  }

  private notify(watcher: Watcher, jobId: string, event: JobEvent): void {
    try {
      watcher.listener(jobId, event);
    } catch (error) {
      this.logger.warn({ err: error }, "a job event listener threw");
    }
  }

  /** The one connection in subscriber mode, shared by all subscriptions. */
  private async connectSubscriber(): Promise<Redis> {
    if (!this.subscriber) {
      const subscriber = createRedis(this.config.redisUrl, "patient", {
        name: `${this.config.keyPrefix}:api-events`,
      });
      const eventsPrefix = this.store.keys.events("");
      subscriber.on("pmessage", (_pattern: string, channel: string, message: string) => {
        this.onAnyEvent(channel.slice(eventsPrefix.length), JSON.parse(message) as JobEvent);
      });
      subscriber.on("message", (channel: string, message: string) => {
        const listeners = this.listeners.get(channel);
        if (!listeners) return;
        const event = JSON.parse(message) as JobEvent;
        for (const listener of listeners) {
          try {
            listener(event);
          } catch (error) {
            this.logger.warn({ err: error }, "a job event listener threw");
          }
        }
      });
      this.subscriber = subscriber;
    }
    if (!(await waitForReady(this.subscriber, this.timeoutMs))) throw unavailable();
    return this.subscriber;
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
    this.listeners.clear();
    await withTimeout(this.queue.close(), 1000).catch(() => {});
    if (this.subscriber) await closeRedis(this.subscriber);
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
