/**
 * Idempotency-Keys: the same key with the same body gives the job the first submission
 * created; the same key with another body is refused (QPLANE_ERR_IDEMPOTENCY_CONFLICT). A
 * key is claimed in Redis (`<p>:idem:<sha256>`, with a TTL) before its job is created, so
 * two identical submissions racing create one job.
 */
import { canonicalJson, sha256 } from "./hashing.js";
import { jobIdTime, newJobId } from "./ids.js";
import { idempotencyConflict } from "./job-errors.js";
import type { JobRecords } from "./records.js";
import { unavailable } from "./redis.js";
import { DELETE_IF_EQUAL } from "./scripts.js";
import type { JobRecord } from "./types.js";

/** What an Idempotency-Key is bound to. */
export interface IdempotencyClaim {
  readonly jobId: string;
  readonly bodyHash: string;
}

/**
 * How long a claim may point at a job not yet stored: an identical submission in flight
 * stores its job within milliseconds; after this the job is taken as removed or expired.
 */
const CLAIM_GRACE_MS = 1000;

export class IdempotencyClaims {
  constructor(private readonly records: JobRecords) {}

  /**
   * Binds an Idempotency-Key digest to a job for `ttlSeconds`. Returns null when the claim
   * is ours, or the earlier claim.
   */
  async claim(
    digest: string,
    claim: IdempotencyClaim,
    ttlSeconds: number,
  ): Promise<IdempotencyClaim | null> {
    const { redis, keys } = this.records;
    const key = keys.idempotency(digest);
    for (;;) {
      const set = await redis.set(key, JSON.stringify(claim), "EX", ttlSeconds, "NX");
      if (set === "OK") return null;
      const existing = await redis.get(key);
      // it may expire between the two commands: claim again
      if (existing !== null) return JSON.parse(existing) as IdempotencyClaim;
    }
  }

  /** Forgets a claim if it is still the given one. */
  async release(digest: string, claim: IdempotencyClaim): Promise<void> {
    const { redis, keys } = this.records;
    await DELETE_IF_EQUAL.run(redis, [keys.idempotency(digest)], [JSON.stringify(claim)]);
  }

  /**
   * The outcome of an idempotent submission: made by `create` under a fresh id when the key
   * is free, or what an identical earlier submission made (`created: false`, found by
   * `find`; null: gone, or its submission failed, and the key is claimed afresh). Another
   * body under the key is refused with `conflict`. `guard` wraps each claim and release
   * (the experiment service's per-call Redis guard; the job service guards the whole call).
   */
  async replay<T>(
    request: {
      readonly digest: string;
      readonly bodyHash: string;
      readonly ttlSeconds: number;
      readonly conflict: (earlierId: string) => Error;
      /** Thrown when the key stays contested for three rounds. */
      readonly contested: () => Error;
      readonly guard?: <R>(operation: () => Promise<R>) => Promise<R>;
    },
    create: (id: string) => Promise<T>,
    find: (id: string) => Promise<T | null>,
  ): Promise<{ readonly created: boolean; readonly value: T }> {
    const { digest, bodyHash } = request;
    const guard = request.guard ?? (<R>(operation: () => Promise<R>) => operation());
    for (let round = 0; round < 3; round++) {
      const claim = { jobId: newJobId(), bodyHash };
      const earlier = await guard(() => this.claim(digest, claim, request.ttlSeconds));
      if (earlier === null) {
        try {
          return { created: true, value: await create(claim.jobId) };
        } catch (error) {
          await this.release(digest, claim).catch(() => {});
          throw error;
        }
      }
      if (earlier.bodyHash !== bodyHash) throw request.conflict(earlier.jobId);
      // the claim is per owner, so what it points at is the submitter's own
      const existing = await find(earlier.jobId);
      if (existing !== null) return { created: false, value: existing };
      // the earlier one was removed or expired, or its submission failed: the key is free
      await guard(() => this.release(digest, earlier));
    }
    throw request.contested();
  }

  /**
   * The job of an idempotent submission (see `replay`). `body` is what must match (spec,
   * name, tags); keys are per owner, so one client cannot reach another's job through a
   * shared key.
   */
  async submit(
    request: {
      readonly owner: string | null;
      readonly key: string;
      readonly body: unknown;
      readonly ttlSeconds: number;
      /** Longest wait for a job an identical submission is still storing. */
      readonly graceMs: number;
    },
    create: (id: string) => Promise<JobRecord>,
  ): Promise<{ readonly created: boolean; readonly job: JobRecord }> {
    const { created, value } = await this.replay(
      {
        digest: sha256(`${request.owner ?? ""}\n${request.key}`),
        bodyHash: sha256(canonicalJson(request.body)),
        ttlSeconds: request.ttlSeconds,
        conflict: idempotencyConflict,
        contested: unavailable,
      },
      create,
      (id) => this.awaitJob(id, request.graceMs),
    );
    return { created, job: value };
  }

  /** The job a claim points at; waits briefly for a submission still in flight. */
  private async awaitJob(id: string, graceMs: number): Promise<JobRecord | null> {
    for (;;) {
      const job = await this.records.get(id);
      if (job || Date.now() - jobIdTime(id) > Math.min(CLAIM_GRACE_MS, graceMs)) return job;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}
