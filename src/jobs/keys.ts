/**
 * Every Redis key and channel of the job system, under one configurable prefix `<p>`:
 *
 * | key                             | type   | holds                                              |
 * |---------------------------------|--------|----------------------------------------------------|
 * | `<p>:job:<id>`                  | hash   | the JobRecord, one JSON-encoded field per property |
 * | `<p>:job:<id>:metrics`          | list   | JSON EpochRecords; index i holds epoch i + 1        |
 * | `<p>:job:<id>:checkpoint`       | string | JSON TrainingCheckpoint of the last epoch (records omitted: they are the metrics list) |
 * | `<p>:job:<id>:sent-program`     | string | JSON SentProgram: the ISA program the run first submitted (transpiling backends) |
 * | `<p>:jobs`                      | zset   | every job id, scored by creation time (ms)          |
 * | `<p>:jobs:status:<status>`      | zset   | ids by status, same scores                         |
 * | `<p>:jobs:tag:<tag>`            | zset   | ids by tag (URI-encoded), same scores               |
 * | `<p>:jobs:backend:<name>`       | zset   | ids by backend name, same scores                   |
 * | `<p>:jobs:spec:<specHash>`      | zset   | ids by spec hash (spec-hash.ts), same scores        |
 * | `<p>:jobs:expiring`             | zset   | finished jobs' index entries, scored by expiry (ms) |
 * | `<p>:owner:<owner>:active`      | zset   | an API key's unfinished job ids (per-key limit)     |
 * | `<p>:owner:<owner>:jobs`        | zset   | an API key's job ids, scored as `<p>:jobs` (its listing) |
 * | `<p>:owner:<owner>:experiments` | zset   | an API key's experiment ids, as `<p>:experiments`   |
 * | `<p>:idem:<sha256>`             | string | Idempotency-Key claim {jobId, bodyHash}, with TTL   |
 * | `<p>:experiment:<id>`           | string | JSON ExperimentRecord (definition + children queued at submission) |
 * | `<p>:experiment:<id>:derived`   | hash   | children derived later: `<armIndex>:<slot>` → JSON {jobId} or {unrunnable}; `cancelled` → ISO time; written only while the record exists |
 * | `<p>:experiments`               | zset   | experiment ids, all scored 0 (lexical = creation order) |
 * | `<p>:experiments:deferred`      | set    | ids of experiments with children still to derive (the API's driver) |
 * | `<p>:workers`                   | zset   | live workers' ids, scored by heartbeat expiry (Redis clock, ms) |
 * | `<p>:migrations`                | hash   | data migrations done: name → ISO time (backfill.ts) |
 * | `<p>:migration-lock:<name>`     | string | the worker running a migration, with TTL            |
 * | channel `<p>:events:<id>`       | pubsub | JobEvents of one job                               |
 * | channel `<p>:cancel`            | pubsub | ids of jobs whose cancel was asked for             |
 *
 * BullMQ's own keys live under `<p>:<p>-training:*`. Finished jobs' record, metrics,
 * checkpoint and sent program carry a TTL (QPLANE_RETENTION_SECONDS); index entries of expired jobs are
 * removed by the sweeper (`<p>:jobs:expiring`) and, lazily, by listing.
 */
import type { JobStatus } from "./types.js";

export class JobKeys {
  constructor(readonly prefix: string) {}

  job(id: string): string {
    return `${this.prefix}:job:${id}`;
  }

  metrics(id: string): string {
    return `${this.prefix}:job:${id}:metrics`;
  }

  checkpoint(id: string): string {
    return `${this.prefix}:job:${id}:checkpoint`;
  }

  sentProgram(id: string): string {
    return `${this.prefix}:job:${id}:sent-program`;
  }

  get jobs(): string {
    return `${this.prefix}:jobs`;
  }

  status(status: JobStatus): string {
    return `${this.prefix}:jobs:status:${status}`;
  }

  tag(tag: string): string {
    return `${this.prefix}:jobs:tag:${encodeURIComponent(tag)}`;
  }

  backend(name: string): string {
    return `${this.prefix}:jobs:backend:${encodeURIComponent(name)}`;
  }

  /** Runs of one spec on any backend. */
  specJobs(specHash: string): string {
    return `${this.prefix}:jobs:spec:${specHash}`;
  }

  get expiring(): string {
    return `${this.prefix}:jobs:expiring`;
  }

  /** The active set of an owner (API-key hash); `-` stands for "no owner" and is never used. */
  owner(owner: string | null): string {
    return `${this.prefix}:owner:${owner === null ? "-" : encodeURIComponent(owner)}:active`;
  }

  /** Every job of an owner (jobs without an owner are in `jobs` only). */
  ownerJobs(owner: string): string {
    return `${this.prefix}:owner:${encodeURIComponent(owner)}:jobs`;
  }

  ownerExperiments(owner: string): string {
    return `${this.prefix}:owner:${encodeURIComponent(owner)}:experiments`;
  }

  idempotency(digest: string): string {
    return `${this.prefix}:idem:${digest}`;
  }

  experiment(id: string): string {
    return `${this.prefix}:experiment:${id}`;
  }

  get experiments(): string {
    return `${this.prefix}:experiments`;
  }

  /** Children derived after submission, written once per slot (HSETNX), and the cancel mark. */
  experimentDerived(id: string): string {
    return `${this.prefix}:experiment:${id}:derived`;
  }

  get deferredExperiments(): string {
    return `${this.prefix}:experiments:deferred`;
  }

  get workers(): string {
    return `${this.prefix}:workers`;
  }

  get migrations(): string {
    return `${this.prefix}:migrations`;
  }

  migrationLock(name: string): string {
    return `${this.prefix}:migration-lock:${name}`;
  }

  events(id: string): string {
    return `${this.prefix}:events:${id}`;
  }

  get cancel(): string {
    return `${this.prefix}:cancel`;
  }
}
