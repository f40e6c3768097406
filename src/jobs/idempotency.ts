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
   * The job of an idempotent submission: created by `create` under a fresh id when the key
   * is free, or the job an identical earlier submission created (`created: false`).
   * `body` is what must match (spec, name, tags); keys are per owner, so one client cannot
   * reach another's job through a shared key.
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
    const digest = sha256(`${request.owner ?? ""}\n${request.key}`);
    const bodyHash = sha256(canonicalJson(request.body));
    for (let round = 0; round < 3; round++) {
      const id = newJobId();
      const claim = { jobId: id, bodyHash };
      const earlier = await this.claim(digest, claim, request.ttlSeconds);
      if (earlier === null) {
        try {
          return { created: true, job: await create(id) };
        } catch (error) {
          await this.release(digest, claim).catch(() => {});
          throw error;
        }
      }
      if (earlier.bodyHash !== bodyHash) {
        throw idempotencyConflict(earlier.jobId);
      }
      // the claim is per owner, so the job it points at is the submitter's own
      const job = await this.awaitJob(earlier.jobId, request.graceMs);
      if (job) return { created: false, job };
      // the earlier job was removed or expired, or its submission failed: the key is free
      await this.release(digest, earlier);
    }
    throw unavailable();
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
