/**
 * The BullMQ processor that trains one job: the same training core as `qplane train`,
 * adapted to the store. Per run:
 *
 * 1. Load the record. Finished or gone → nothing to do. Cancel asked for → mark cancelled.
 * 2. Mark it running (attempts + 1; that number is this run's claim on the job), load the
 *    last checkpoint if there is one and resume from it.
 * 3. Train. After every epoch one atomic write stores the metric, the checkpoint and the
 *    record's progress/latest/etaSeconds; then `metric` and `progress` events are published.
 *    The write is refused once another run took the job over, and the run stops.
 * 4. Completed → mark completed with the summary. Past its time limit (the smaller of
 *    training.maxSeconds and QPLANE_MAX_JOB_SECONDS, training time summed over every run of
 *    the job, partial epochs included: the record's trainingMsUsed, training-clock.ts) →
 *    failed with QPLANE_ERR_TIME_LIMIT and the summary; metrics and checkpoint stay. Stopped:
 *    - cancel (the API set cancelRequested and published the id on `<p>:cancel`) → cancelled;
 *    - shutdown (SIGTERM: `ActiveRuns.shutdown`) → the loop returns at the last epoch
 *      boundary; the record goes back to `queued` (progress kept), the BullMQ job back to the
 *      wait list (no attempt used), and the next worker resumes from the checkpoint;
 *    - lost (the lock expired and another worker took the job) → leave everything alone.
 * 5. Errors: a QplaneError that is not retryable fails the job at once with its {code,
 *    message} (BullMQ UnrecoverableError: no retries). Anything else is retried with backoff
 *    (record back to `queued`) until the last attempt, which fails the job with
 *    QPLANE_ERR_INTERNAL and a generic message; the cause goes to the log.
 */
import { type Job, UnrecoverableError, WaitingError } from "bullmq";
import type { Logger } from "pino";
import { localBackendResolver } from "../backends/registry.js";
import { checkDatasetRows, type Limits } from "../config.js";
import { isQplaneError } from "../errors/catalogue.js";
import { checkJobCost } from "../training/cost-limits.js";
import type { TrainingEvent } from "../training/loop.js";
import { trainModel } from "../training/loop.js";
import type { EpochRecord } from "../training/records.js";
import {
  type BackendResolver,
  enforceBudget,
  prepareRun,
  withinRunScope,
} from "../training/run.js";
import { jobCostOf } from "../training/sizing.js";
import { isJobId } from "./ids.js";
import type { TrainingJobData } from "./queue.js";
import type { JobStore } from "./store.js";
import { startTrainingClock } from "./training-clock.js";
import {
  type JobError,
  type JobEvent,
  type JobRecord,
  type JobStatus,
  TERMINAL_JOB_STATUSES,
} from "./types.js";

/** Why a run was stopped before its last epoch. */
export type StopReason = "cancel" | "shutdown" | "lost";

/** The abort controllers of the runs in progress in one worker process. */
export class ActiveRuns {
  private readonly runs = new Map<string, AbortController>();
  private closing = false;

  /** A controller for a new run; already aborted ("shutdown") once the worker is closing. */
  register(id: string): AbortController {
    const controller = new AbortController();
    if (this.closing) controller.abort("shutdown" satisfies StopReason);
    this.runs.set(id, controller);
    return controller;
  }

  unregister(id: string, controller: AbortController): void {
    if (this.runs.get(id) === controller) this.runs.delete(id);
  }

  /** Stops a run at its next pause (about a second at most); false when not running here. */
  stop(id: string, reason: StopReason): boolean {
    const controller = this.runs.get(id);
    if (!controller) return false;
    if (!controller.signal.aborted) controller.abort(reason);
    return true;
  }

  /** Stops every run for a graceful shutdown, and any run that starts from now on. */
  shutdown(): void {
    this.closing = true;
    for (const id of this.runs.keys()) this.stop(id, "shutdown");
  }

  get size(): number {
    return this.runs.size;
  }

  has(id: string): boolean {
    return this.runs.has(id);
  }
}

export interface ProcessorDependencies {
  readonly store: JobStore;
  readonly runs: ActiveRuns;
  readonly limits: Pick<
    Limits,
    "maxDatasetRows" | "maxJobSeconds" | "maxJobWork" | "maxJobMemoryMb"
  >;
  readonly logger: Logger;
  readonly resolveBackend?: BackendResolver;
  /** Least time between two published step-progress events. @defaultValue 250 */
  readonly progressIntervalMs?: number;
  /** Period of the training-time writes. @defaultValue TRAINING_TIME_INTERVAL_MS */
  readonly trainingTimeIntervalMs?: number;
}

/** The run lost its claim on the job (lock expired, another attempt took over). */
class LostJobError extends Error {
  constructor(id: string) {
    super(`job ${id} was taken over by another worker; this run stopped`);
    this.name = "LostJobError";
  }
}

const INTERNAL_ERROR: JobError = {
  code: "QPLANE_ERR_INTERNAL",
  message: "training stopped on an unexpected internal error (details in the worker log)",
};

const now = () => new Date().toISOString();

/** Lets timers (lock renewal) and I/O (cancel messages) run. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Seconds left at the mean epoch time so far (one decimal). */
function eta(elapsedMs: number, epoch: number, epochs: number): number | null {
  if (epoch <= 0) return null;
  return Math.round(((elapsedMs / epoch) * Math.max(0, epochs - epoch)) / 100) / 10;
}

export function createTrainingProcessor(deps: ProcessorDependencies) {
  const { store, runs, logger } = deps;
  const resolveBackend = deps.resolveBackend ?? localBackendResolver;
  const progressInterval = deps.progressIntervalMs ?? 250;

  const publish = async (id: string, event: JobEvent) => {
    try {
      await store.publish(id, event);
    } catch (error) {
      // events are advisory: the record and the metrics are the truth
      logger.warn({ err: error, jobId: id }, "could not publish a job event");
    }
  };
  const publishStatus = (id: string, status: JobStatus) =>
    publish(id, { type: "status", status, at: now() });

  /** Ends a job (from queued or running); false when it had already ended or vanished. */
  const finish = async (
    job: JobRecord,
    status: "completed" | "failed" | "cancelled",
    patch: Partial<JobRecord>,
  ) => {
    const result = await store.transition(job, ["queued", "running"], status, {
      ...patch,
      finishedAt: now(),
    });
    if (result.ok) await publishStatus(job.id, status);
    return result.ok;
  };

  /** Hands a job back to the queue: record `queued`, BullMQ job to the wait list. */
  const requeue = async (
    bullJob: Job<TrainingJobData>,
    job: JobRecord,
    token: string | undefined,
  ) => {
    const result = await store.transition(job, ["running"], "queued", { etaSeconds: null });
    if (result.ok) await publishStatus(job.id, "queued");
    await bullJob.moveToWait(token);
    throw new WaitingError();
  };

  async function train(
    bullJob: Job<TrainingJobData>,
    token: string | undefined,
    controller: AbortController,
  ): Promise<void> {
    const id = bullJob.data.id;
    const log = logger.child({ jobId: id });
    if (controller.signal.aborted) {
      // the worker is closing and has not touched this job yet: give it straight back
      await bullJob.moveToWait(token);
      throw new WaitingError();
    }
    const job = await store.get(id);
    if (!job || TERMINAL_JOB_STATUSES.has(job.status)) {
      log.info({ status: job?.status ?? "removed" }, "job already finished or removed; skipping");
      return;
    }
    if (job.cancelRequested) {
      await finish(job, "cancelled", {});
      return;
    }
    const started = await store.transition(
      job,
      ["queued", "running"],
      "running",
      { startedAt: job.startedAt ?? now(), etaSeconds: null },
      { countAttempt: true },
    );
    if (!started.ok) return;
    if (started.cancelRequested) {
      await finish(job, "cancelled", {});
      return;
    }
    const attempt = started.attempts;
    await publishStatus(id, "running");

    try {
      const resumeFrom = (await store.loadCheckpoint(id)) ?? undefined;
      log.info({ attempt, resumeFromEpoch: resumeFrom?.epoch ?? 0 }, "training started");
      // the ISA program of the first submission on IBM, for circuit.qasm?program=sent; the
      // job keeps its first run's (store.ts); advisory, like events: a failed write is logged
      const prepared = prepareRun(job.spec, resolveBackend, {
        onFirstSentProgram: (program) =>
          store
            .recordSentProgram(id, program)
            .catch((error: unknown) =>
              log.warn({ err: error }, "could not keep the job's sent program"),
            ),
      });
      const { spec, data, model } = prepared;
      checkDatasetRows(
        data.train.samples + data.test.samples + (data.validation?.samples ?? 0),
        deps.limits,
      );
      // on the data as loaded (a CSV file is only sized here), before any training compute
      checkJobCost(jobCostOf(spec, prepared.provider, data), deps.limits);
      await enforceBudget(prepared);
      const epochs = spec.training.epochs;

      let epochRecord: EpochRecord | null = null;
      let stepsPerEpoch = 0;
      let lastProgress = 0;
      const onEvent = async (event: TrainingEvent): Promise<void> => {
        if (event.type === "step") {
          stepsPerEpoch = event.stepsPerEpoch;
          const at = performance.now();
          if (at - lastProgress >= progressInterval) {
            lastProgress = at;
            // not awaited: a progress tick must not slow training down
            void publish(id, {
              type: "progress",
              epoch: event.epoch,
              epochs,
              step: event.step,
              stepsPerEpoch: event.stepsPerEpoch,
            });
          }
          // long steps pause inside (pacing.ts); steps shorter than one pause still let
          // cancel messages and lock renewal run between them
          await yieldToEventLoop();
        } else if (event.type === "epoch") {
          epochRecord = event.record;
        } else if (epochRecord !== null) {
          const record: EpochRecord = epochRecord;
          const checkpoint = event.checkpoint;
          const written = await store.recordEpoch(id, attempt, record, checkpoint, {
            progress: { epoch: checkpoint.epoch, epochs },
            latest: record,
            etaSeconds: eta(checkpoint.elapsedMs, checkpoint.epoch, epochs),
          });
          if (!written.ok) {
            runs.stop(id, "lost");
            return;
          }
          // the pub/sub message may have been missed (reconnect): the flag is the backstop
          if (written.cancelRequested) runs.stop(id, "cancel");
          await publish(id, { type: "metric", record });
          await publish(id, {
            type: "progress",
            epoch: checkpoint.epoch,
            epochs,
            step: stepsPerEpoch,
            stepsPerEpoch,
          });
        }
      };

      // counted from here on, written while training and at whatever stop ends this run
      const clock = startTrainingClock(
        store,
        id,
        (error) => log.warn({ err: error }, "could not record the job's training time"),
        deps.trainingTimeIntervalMs,
      );
      // a provider scope (IBM session) spans this run only; a close failure must not fail
      // a finished run, so it is logged
      const result = await withinRunScope(
        prepared,
        () =>
          trainModel(spec, data, model, {
            resumeFrom,
            signal: controller.signal,
            onEvent,
            timeLimit: { seconds: deps.limits.maxJobSeconds, setBy: "QPLANE_MAX_JOB_SECONDS" },
            timeUsedMs: job.trainingMsUsed,
          }),
        (error) => log.warn({ err: error }, "could not close the run's provider scope"),
      ).finally(() => clock.stop());
      const latest = result.records.at(-1) ?? null;
      if (result.status === "completed") {
        await finish(job, "completed", {
          summary: result.summary,
          latest,
          progress: { epoch: result.records.length, epochs },
          etaSeconds: 0,
        });
        log.info({ epochs: result.records.length }, "training completed");
        return;
      }
      if (result.status === "timed-out") {
        const { code, message } = result.error;
        await finish(job, "failed", {
          error: { code, message },
          summary: result.summary,
          latest,
          etaSeconds: null,
        });
        log.warn({ epoch: result.checkpoint.epoch }, message);
        return;
      }
      const reason = controller.signal.reason as StopReason;
      if (reason === "lost") throw new LostJobError(id);
      const current = await store.get(id);
      if (reason === "shutdown" && !current?.cancelRequested) {
        log.info(
          { epoch: result.checkpoint.epoch },
          "worker closing: job handed back to the queue",
        );
        await requeue(bullJob, job, token);
      }
      await finish(job, "cancelled", { summary: result.summary, etaSeconds: null });
      log.info({ epoch: result.checkpoint.epoch }, "training cancelled");
    } catch (error) {
      if (error instanceof WaitingError || error instanceof LostJobError) throw error;
      const known = isQplaneError(error) ? error : null;
      const lastAttempt = bullJob.attemptsMade + 1 >= (bullJob.opts.attempts ?? 1);
      if ((known && !known.retryable) || lastAttempt) {
        const jobError = known ? { code: known.code, message: known.message } : INTERNAL_ERROR;
        log.error({ err: error, attempt }, "training failed");
        await finish(job, "failed", { error: jobError, etaSeconds: null });
        throw new UnrecoverableError(jobError.message);
      }
      log.warn({ err: error, attempt }, "training attempt failed; it will be retried");
      const back = await store.transition(job, ["running"], "queued", { etaSeconds: null });
      if (back.ok) await publishStatus(id, "queued");
      throw error;
    }
  }

  return async (bullJob: Job<TrainingJobData>, token?: string): Promise<void> => {
    const id = bullJob.data?.id;
    if (!isJobId(id)) throw new UnrecoverableError(`queue entry without a valid job id`);
    const controller = runs.register(id);
    try {
      await train(bullJob, token, controller);
    } finally {
      runs.unregister(id, controller);
    }
  };
}
