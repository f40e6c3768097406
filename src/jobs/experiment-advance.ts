/**
 * Deriving an experiment's children over the job system (src/experiments/derive.ts): some
 * children wait for others to finish (controls, tuned and inheriting arms, a feedback target
 * taken from the baseline). An advance derives what is ready, admits it as at submission,
 * queues it and records each child slot once: the job's Idempotency-Key is
 * `experiment child <id> <armIndex> <slot>` (spaces: a key no client can send) and the slot's
 * field is written with HSETNX (./experiment-storage.ts), so concurrent advances (GETs, the
 * driver of every API process: ./experiment-driver.ts) never queue or record a slot twice; a
 * loser's job is withdrawn. A child admission refuses, or whose key already names a job with
 * another spec, becomes unrunnable with the message (never retried); per-key slots full or
 * Redis away → the next advance tries again. An experiment with children still to derive is
 * in `<p>:experiments:deferred` and is "running" (counts.waiting) until none is left.
 * Cancelled, every slot still to derive becomes unrunnable "experiment cancelled".
 *
 * Work per advance: deriving reads every completed child's epoch records, so each process
 * remembers, per deferred experiment, a fingerprint of what deriving reads (cancellation and
 * the set of finished children) after an advance that left nothing to retry; an advance or a
 * GET finding the same fingerprint reads the record and the children's job records only, and
 * derives nothing. At most MAX_FINGERPRINTS entries, dropped once the experiment is no longer
 * deferred.
 */
import type { Logger } from "pino";
import { QplaneError } from "../errors/catalogue.js";
import { at } from "../errors/checked.js";
import { deriveReady, type ReadyChild } from "../experiments/derive.js";
import type { ChildOutcome, ExperimentRecord } from "../experiments/types.js";
import { waitingChildren } from "../experiments/view.js";
import {
  CANCELLED_MESSAGE,
  type DerivedEntry,
  type ExperimentStorage,
  SET_DERIVED,
  type StoredExperiment,
  slotField,
} from "./experiment-storage.js";
import type { AdvanceResult, ChildAdmission } from "./experiment-types.js";
import { sha256 } from "./hashing.js";
import { MAX_NAME_LENGTH } from "./job-rules.js";
import { EVERYONE, type JobRecord, type JobService, type Viewer } from "./types.js";

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
 * Most experiments whose finished-children fingerprint one process remembers (advance skips
 * an experiment whose fingerprint is unchanged). Entries leave when their experiment is no
 * longer deferred (listed by `deferred()` or found settled), and beyond this bound the oldest
 * goes, so memory is O(min(deferred experiments, bound)) entries of one short string each.
 */
const MAX_FINGERPRINTS = 10_000;

/** `name · arm, seed=3`, cut to the job name limit. */
function childName(base: string, armKey: string, replicate: unknown): string {
  const seed = replicate === null ? "" : `, seed=${JSON.stringify(replicate)}`;
  const name = `${base} · ${armKey}${seed}`;
  return name.length > MAX_NAME_LENGTH ? `${name.slice(0, MAX_NAME_LENGTH - 1)}…` : name;
}

/** Name, tags, owner and the slot's Idempotency-Key of a child's job. */
export function childJobOptions(record: ExperimentRecord, child: ReadyChild) {
  return {
    name: childName(
      record.name ?? `experiment ${record.id}`,
      at(record.arms, child.armIndex, "experiment arm").key,
      child.replicate,
    ),
    tags: [experimentTag(record.id), ...record.tags],
    owner: record.owner,
    idempotencyKey: childIdempotencyKey(record.id, child.armIndex, child.slot),
  };
}

/** Advances of deferred experiments, and the fingerprints this process remembers of them. */
export class ExperimentAdvancer {
  /** Experiment id → fingerprint (finishedFingerprint) its last complete advance here derived from. */
  private readonly fingerprints = new Map<string, string>();

  constructor(
    private readonly storage: ExperimentStorage,
    private readonly jobs: JobService,
    private readonly logger: Logger,
  ) {}

  /** Forgets an experiment's fingerprint (it is no longer deferred). */
  forget(id: string): void {
    this.fingerprints.delete(id);
  }

  /** Forgets the experiments no longer deferred (their advances are over). */
  forgetAllBut(current: ReadonlySet<string>): void {
    for (const id of this.fingerprints.keys()) if (!current.has(id)) this.fingerprints.delete(id);
  }

  /** Cancels and removes children of a submission that could not finish (this service's own). */
  async rollback(jobIds: readonly string[]): Promise<void> {
    for (const jobId of jobIds) {
      try {
        const job = await this.jobs.cancel(jobId, EVERYONE);
        if (job.status === "cancelled") await this.jobs.remove(jobId, EVERYONE);
      } catch (error) {
        this.logger.warn({ err: error, jobId }, "could not withdraw an experiment child");
      }
    }
  }

  /**
   * One advance over an experiment read with its children's outcomes (completed ones with
   * records): derives what is ready, queues it and records every slot it settled (HSETNX);
   * returns the experiment as stored afterwards. A cancelled experiment settles every slot
   * it can name as unrunnable instead.
   */
  async derive(
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
      await this.storage.guarded(() =>
        this.storage.redis.srem(this.storage.keys.deferredExperiments, id),
      );
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
    const after = await this.storage.stored(id, EVERYONE);
    const launchedIds = entries.flatMap(([, entry]) => ("jobId" in entry ? [entry.jobId] : []));
    if (after.cancelled && !cancelled) {
      // cancelled while this advance queued: its children go the way of the others
      await this.cancelJobs(launchedIds, EVERYONE);
    }
    const waiting = waitingChildren(after.record);
    if (waiting === 0)
      await this.storage.guarded(() =>
        this.storage.redis.srem(this.storage.keys.deferredExperiments, id),
      );
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
      const { job } = await this.jobs.submit(spec, childJobOptions(record, child));
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
    const key = this.storage.keys.experimentDerived(id);
    const replies = (await this.storage.guarded(() =>
      SET_DERIVED.run(
        this.storage.redis,
        [this.storage.keys.experiment(id), key],
        entries.flatMap(([field, entry]) => [field, JSON.stringify(entry)]),
      ),
    )) as number[] | null;
    const written = entries.map((_, index) => replies?.[index] === 1);
    const lost = entries.flatMap(([field, entry], index) =>
      "jobId" in entry && !written[index] ? [{ field, jobId: entry.jobId }] : [],
    );
    for (const { field, jobId } of lost) {
      const winner =
        replies === null
          ? null
          : await this.storage.guarded(() => this.storage.redis.hget(key, field));
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
  async deriveIfChanged(
    stored: StoredExperiment,
    jobs: readonly (JobRecord | null)[],
    admit: ChildAdmission,
  ): Promise<{ readonly stored: StoredExperiment; readonly result: AdvanceResult } | null> {
    const { id } = stored.record;
    const fingerprint = this.finishedFingerprint(stored, jobs);
    if (this.fingerprints.get(id) === fingerprint) return null;
    const outcomes = await this.storage.children(
      stored.record,
      (job) => job.status === "completed",
      jobs,
    );
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
  async cancelJobs(jobIds: readonly string[], viewer: Viewer): Promise<void> {
    for (const jobId of jobIds) {
      try {
        await this.jobs.cancel(jobId, viewer);
      } catch (error) {
        if (!(error instanceof QplaneError && error.code === "QPLANE_ERR_JOB_STATE")) throw error;
      }
    }
  }
}
