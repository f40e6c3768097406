/**
 * An in-memory JobService with the rules of the real one — the same spec parsing, name/tag
 * rule (src/jobs/job-rules.ts) and refusals (src/jobs/job-errors.ts), checked against the
 * Redis service by test/jobs/contract/: spec limits and per-key concurrency at submit, idempotency keys (same key + same body → same job, different body → 409), cancel
 * (queued → cancelled at once, running → cancel requested until the worker stops, finished →
 * 409), remove (finished only), newest-first listing with opaque cursors, live events, and
 * tenancy (a viewer sees its own jobs; another owner's job is not found).
 * Tests drive the "worker" with start / epoch / complete / fail / finishCancel, and take the
 * "Redis" down with `down`.
 */
import { localBackendResolver } from "../../src/backends/registry.js";
import type { SpecLimits } from "../../src/config.js";
import { QplaneError } from "../../src/errors/catalogue.js";
import { admitSpec } from "../../src/jobs/admission.js";
import { canonicalJson } from "../../src/jobs/hashing.js";
import { assertJobId, newJobId } from "../../src/jobs/ids.js";
import {
  checkListQuery,
  idempotencyConflict,
  jobNotFound,
  notCancellable,
  notRemovable,
  tooManyJobs,
} from "../../src/jobs/job-errors.js";
import { checkIdempotencyKey, checkJobName, checkJobTags } from "../../src/jobs/job-rules.js";
import { queuedJobRecord } from "../../src/jobs/queued-record.js";
import {
  canSee,
  EVERYONE,
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
} from "../../src/jobs/types.js";
import type { EpochRecord, RunSummary } from "../../src/training/records.js";
import type { SentProgram } from "../../src/training/sent-program.js";
import { type JobSpec, parseJobSpec } from "../../src/training/spec.js";
import { fillerRecord } from "../helpers/records.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface Entry {
  record: Mutable<JobRecord>;
  metrics: EpochRecord[];
  /** What the worker keeps when the run first submits on a transpiling backend. */
  sent?: SentProgram;
}

export interface FakeJobServiceOptions {
  readonly limits?: SpecLimits;
  readonly maxConcurrentJobsPerKey?: number;
}

/** A plausible epoch record (classification, exact simulator). */
export function sampleEpoch(epoch: number, overrides: Partial<EpochRecord> = {}): EpochRecord {
  return fillerRecord(epoch, {
    trainLoss: 0.7 - 0.05 * epoch,
    testLoss: 0.72 - 0.05 * epoch,
    trainAccuracy: 0.5 + 0.04 * epoch,
    testAccuracy: 0.5 + 0.035 * epoch,
    learningRate: 0.05,
    ixt: 0.4 + 0.1 * epoch,
    ity: 0.2 + 0.07 * epoch,
    ht: 0.9 + 0.05 * epoch,
    circuitEvaluations: 1200,
    submissions: 2,
    elapsedMs: 40 + epoch,
    ...overrides,
  });
}

export function sampleSummary(records: readonly EpochRecord[]): RunSummary {
  const last = records.at(-1)!;
  return {
    epochs: records.length,
    task: "classification",
    testAccuracy: last.testAccuracy ?? 0,
    finalIxt: last.ixt,
    finalIty: last.ity,
    circuitEvaluations: records.reduce((sum, record) => sum + record.circuitEvaluations, 0),
    elapsedMs: records.reduce((sum, record) => sum + record.elapsedMs, 0),
  };
}

export class FakeJobService implements JobService {
  /** Simulates Redis being away: "qplane" throws QPLANE_ERR_UNAVAILABLE, "raw" a socket error. */
  down: false | "qplane" | "raw" = false;
  closed = false;
  /** What `workers()` answers: live worker heartbeats. */
  liveWorkers = 1;
  private readonly jobs = new Map<string, Entry>();
  private readonly idempotency = new Map<string, { id: string; fingerprint: string }>();
  private readonly listeners = new Map<string, Set<(event: JobEvent) => void>>();
  private clock = Date.parse("2025-01-01T00:00:00.000Z");
  readonly submitted: { spec: JobSpec; options: SubmitOptions }[] = [];

  constructor(private readonly options: FakeJobServiceOptions = {}) {}

  private now(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString();
  }

  private guard(): void {
    if (this.down === "qplane") {
      throw new QplaneError("QPLANE_ERR_UNAVAILABLE", "the job store (Redis) is unavailable");
    }
    if (this.down === "raw") {
      throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:6379"), {
        code: "ECONNREFUSED",
      });
    }
  }

  private entry(id: string, viewer: Viewer): Entry {
    assertJobId(id);
    const entry = this.jobs.get(id);
    if (entry === undefined || !canSee(viewer, entry.record.owner)) {
      throw jobNotFound(id);
    }
    return entry;
  }

  private readonly allListeners = new Map<(jobId: string, event: JobEvent) => void, Viewer>();

  private emit(id: string, event: JobEvent): void {
    const owner = this.jobs.get(id)?.record.owner ?? null;
    for (const [listener, viewer] of this.allListeners) {
      if (canSee(viewer, owner)) listener(id, event);
    }
    for (const listener of this.listeners.get(id) ?? []) listener(event);
  }

  private transition(entry: Entry, status: JobStatus): void {
    const at = this.now();
    entry.record.status = status;
    if (status === "running") entry.record.startedAt = at;
    if (TERMINAL_JOB_STATUSES.has(status)) {
      entry.record.finishedAt = at;
      entry.record.etaSeconds = null;
    }
    this.emit(entry.record.id, { type: "status", status, at });
  }

  async submit(specInput: JobSpec, options: SubmitOptions = {}): Promise<SubmitResult> {
    this.guard();
    // the admission pipeline with only the spec limits: what the API tests configure
    const spec = await admitSpec(parseJobSpec(specInput), {
      specLimits: this.options.limits,
      providerOf: () => localBackendResolver("local").provider,
    });
    const name = checkJobName(options.name);
    const tags = checkJobTags(options.tags);
    const owner = options.owner ?? null;
    const key = checkIdempotencyKey(options.idempotencyKey);
    const fingerprint = canonicalJson({ spec, name, tags });
    const scope = key === undefined ? null : `${owner}\n${key}`;
    if (scope !== null) {
      const earlier = this.idempotency.get(scope);
      if (earlier !== undefined && this.jobs.has(earlier.id)) {
        if (earlier.fingerprint !== fingerprint) throw idempotencyConflict(earlier.id);
        return { created: false, job: structuredClone(this.jobs.get(earlier.id)!.record) };
      }
    }
    const limit = this.options.maxConcurrentJobsPerKey;
    if (owner !== null && limit !== undefined) {
      const active = [...this.jobs.values()].filter(
        (entry) => entry.record.owner === owner && !TERMINAL_JOB_STATUSES.has(entry.record.status),
      ).length;
      if (active >= limit) throw tooManyJobs(active, limit);
    }
    const createdAt = this.now();
    const id = newJobId(this.clock);
    const record: Mutable<JobRecord> = queuedJobRecord({ id, spec, name, tags, owner, createdAt });
    this.jobs.set(id, { record, metrics: [] });
    if (scope !== null) this.idempotency.set(scope, { id, fingerprint });
    this.submitted.push({ spec, options });
    this.emit(id, { type: "status", status: "queued", at: createdAt });
    return { created: true, job: structuredClone(record) };
  }

  async get(id: string, viewer: Viewer): Promise<JobRecord> {
    this.guard();
    return structuredClone(this.entry(id, viewer).record);
  }

  async list(query: JobListQuery, viewer: Viewer): Promise<JobPage> {
    this.guard();
    checkListQuery(query);
    let after: string | null = null;
    if (query.cursor !== undefined) {
      after = Buffer.from(query.cursor, "base64url").toString("utf8");
      if (!/^[0-9A-Z]{26}$/.test(after)) {
        throw new QplaneError(
          "QPLANE_ERR_REQUEST_INVALID",
          "cursor: not a cursor from a previous page of this listing",
        );
      }
    }
    const matching = [...this.jobs.values()]
      .map((entry) => entry.record)
      .filter(
        (job) =>
          (query.status === undefined || job.status === query.status) &&
          (query.tag === undefined || job.tags.includes(query.tag)) &&
          (query.backend === undefined || job.spec.backend.name === query.backend) &&
          (query.specHash === undefined || job.specHash === query.specHash) &&
          canSee(viewer, job.owner) &&
          (after === null || job.id < after),
      )
      .sort((a, b) => (a.id < b.id ? 1 : -1));
    const jobs = matching.slice(0, query.limit);
    const nextCursor =
      matching.length > query.limit ? Buffer.from(jobs.at(-1)!.id).toString("base64url") : null;
    return { jobs: structuredClone(jobs), nextCursor };
  }

  async metrics(id: string, viewer: Viewer, sinceEpoch?: number): Promise<readonly EpochRecord[]> {
    this.guard();
    const { metrics } = this.entry(id, viewer);
    return metrics.filter((record) => sinceEpoch === undefined || record.epoch > sinceEpoch);
  }

  async sentProgram(id: string, viewer: Viewer): Promise<SentProgram | null> {
    this.guard();
    return this.entry(id, viewer).sent ?? null;
  }

  async cancel(id: string, viewer: Viewer): Promise<JobRecord> {
    this.guard();
    const entry = this.entry(id, viewer);
    if (TERMINAL_JOB_STATUSES.has(entry.record.status)) {
      throw notCancellable(id, entry.record.status);
    }
    entry.record.cancelRequested = true;
    if (entry.record.status === "queued") this.transition(entry, "cancelled");
    return structuredClone(entry.record);
  }

  async remove(id: string, viewer: Viewer): Promise<void> {
    this.guard();
    const entry = this.entry(id, viewer);
    if (!TERMINAL_JOB_STATUSES.has(entry.record.status)) {
      throw notRemovable(id, entry.record.status);
    }
    this.jobs.delete(id);
  }

  async subscribe(
    id: string,
    onEvent: (event: JobEvent) => void,
    viewer: Viewer,
  ): Promise<() => Promise<void>> {
    this.guard();
    this.entry(id, viewer);
    const set = this.listeners.get(id) ?? new Set();
    this.listeners.set(id, set);
    const listener = (event: JobEvent) => onEvent(event);
    set.add(listener);
    return async () => {
      set.delete(listener);
    };
  }

  async watchAll(
    listener: (jobId: string, event: JobEvent) => void,
    viewer: Viewer,
  ): Promise<() => Promise<void>> {
    this.guard();
    this.allListeners.set(listener, viewer);
    return async () => {
      this.allListeners.delete(listener);
    };
  }

  async ready(): Promise<boolean> {
    return this.down === false;
  }

  async workers(): Promise<number> {
    this.guard();
    return this.liveWorkers;
  }

  async stats(): Promise<QueueStats> {
    this.guard();
    const byStatus = Object.fromEntries(JOB_STATUSES.map((status) => [status, 0])) as Record<
      JobStatus,
      number
    >;
    for (const { record } of this.jobs.values()) byStatus[record.status]++;
    return { byStatus, queueDepth: byStatus.queued };
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  // ---- the "worker" -------------------------------------------------------------------------

  subscriberCount(id: string): number {
    return this.listeners.get(id)?.size ?? 0;
  }

  start(id: string): void {
    const entry = this.entry(id, EVERYONE);
    entry.record.attempts++;
    this.transition(entry, "running");
  }

  /** Records one epoch: progress and metric events, latest, progress and ETA updated. */
  /** The worker kept the program its run sent (the first one only, as the store does). */
  sent(id: string, program: SentProgram): void {
    const entry = this.entry(id, EVERYONE);
    entry.sent ??= program;
  }

  epoch(
    id: string,
    record: EpochRecord = sampleEpoch(this.entry(id, EVERYONE).metrics.length + 1),
  ): void {
    const entry = this.entry(id, EVERYONE);
    entry.metrics.push(record);
    const epochs = entry.record.progress.epochs;
    entry.record.progress = { epoch: record.epoch, epochs };
    entry.record.latest = record;
    const meanMs = entry.metrics.reduce((sum, r) => sum + r.elapsedMs, 0) / entry.metrics.length;
    entry.record.etaSeconds = ((epochs - record.epoch) * meanMs) / 1000;
    this.emit(id, { type: "progress", epoch: record.epoch, epochs, step: 4, stepsPerEpoch: 4 });
    this.emit(id, { type: "metric", record });
  }

  complete(id: string): void {
    const entry = this.entry(id, EVERYONE);
    entry.record.summary = entry.metrics.length === 0 ? null : sampleSummary(entry.metrics);
    this.transition(entry, "completed");
  }

  fail(id: string, code: string, message: string): void {
    const entry = this.entry(id, EVERYONE);
    entry.record.error = { code, message };
    this.transition(entry, "failed");
  }

  /** The worker noticed a requested cancel and stopped. */
  finishCancel(id: string): void {
    this.transition(this.entry(id, EVERYONE), "cancelled");
  }

  /** Runs a job to completion: start, `epochs` epochs, complete. */
  run(id: string, epochs = this.entry(id, EVERYONE).record.progress.epochs): void {
    this.start(id);
    for (let epoch = 1; epoch <= epochs; epoch++) this.epoch(id);
    this.complete(id);
  }
}
