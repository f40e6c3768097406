/**
 * Deriving experiment children over the job system (real Redis, an in-process worker):
 * cancelling stops derivation; two services advancing one experiment at once queue each slot
 * once; a child admission refuses becomes unrunnable with its message (and a full key is
 * retried); the driver advances experiments nobody reads and stops on close; the per-key
 * limit counts the children derived later; an advance with no newly finished child derives
 * nothing; children pair with their slots in seed order whatever order they were queued in;
 * a slot whose key names another job is unrunnable; a read answers when advancing fails; an
 * advance settling after the experiment was removed leaves nothing behind.
 */
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QplaneError } from "../../src/errors/catalogue.js";
import type { ExperimentView } from "../../src/experiments/view.js";
import { childIdempotencyKey } from "../../src/jobs/experiment-advance.js";
import { startExperimentDriver } from "../../src/jobs/experiment-driver.js";
import type {
  ChildAdmission,
  ExperimentService,
  ExperimentSubmission,
} from "../../src/jobs/experiment-types.js";
import { createExperimentService } from "../../src/jobs/experiments.js";
import { createJobService } from "../../src/jobs/service.js";
import { EVERYONE, type JobService } from "../../src/jobs/types.js";
import { startWorker, type WorkerHandle } from "../../src/jobs/worker.js";
import { statusCounts } from "../helpers/status-counts.js";
import {
  connect,
  deleteKeysUnder,
  silentLogger,
  testConfig,
  testPrefix,
  tinyJobSpec,
  waitFor,
} from "./helpers.js";

const SPEC = tinyJobSpec(2);

/** Two arms (feedback off, lr) × two seeds, and both controls of the lr arm: 8 children, 4 derived. */
const WITH_CONTROLS: ExperimentSubmission = {
  spec: SPEC,
  grid: { "feedback.mode": ["off", "lr"], "training.seed": [1, 2] },
  compare: { baseline: { "feedback.mode": "off" } },
  controls: ["dose-matched", "placebo"],
};

const admitAll: ChildAdmission = (spec) => spec;

describe("experiment children derived from finished runs", () => {
  const prefix = testPrefix("experiment-derive");
  const config = testConfig(prefix, { QPLANE_MAX_CONCURRENT_JOBS_PER_KEY: "8" });
  let redis: Redis;
  let jobs: JobService;
  let experiments: ExperimentService;
  let worker: WorkerHandle | null = null;

  beforeAll(async () => {
    redis = connect();
    jobs = createJobService({ config, logger: silentLogger });
    experiments = createExperimentService({ config, jobs, logger: silentLogger });
  });

  afterAll(async () => {
    await worker?.close();
    await experiments.close();
    await jobs.close();
    await deleteKeysUnder(redis, prefix);
    redis.disconnect();
  });

  /** The experiment's view (read with `admit`) once `reached` holds for it, within a minute. */
  const experimentWhen = (
    id: string,
    reached: (view: ExperimentView) => boolean,
    what: string,
    admit?: ChildAdmission,
  ) =>
    waitFor(
      async () => {
        const view = await experiments.get(id, EVERYONE, admit);
        return reached(view) ? view : undefined;
      },
      what,
      60_000,
      50,
    );
  /** The experiment once its grid children (not the derived ones) have all completed. */
  const gridCompleted = (id: string, count: number) =>
    experimentWhen(
      id,
      (view) => view.counts.completed === count,
      `the grid children of ${id} to complete`,
    );
  const completed = (view: ExperimentView) => view.status === "completed";
  const finished = (view: ExperimentView) => view.status !== "running";
  const children = async (id: string) =>
    (await jobs.list({ tag: `experiment:${id}`, limit: 100 }, EVERYONE)).jobs;
  const armKeys = (view: ExperimentView) => view.arms.map((arm) => arm.key);

  it("cancelling stops deriving: every slot still to derive becomes unrunnable", async () => {
    // no worker yet: the grid's children stay queued
    const { experiment } = await experiments.submit(WITH_CONTROLS, { owner: "owner-a" });
    expect(experiment.status).toBe("queued");
    expect(experiment.counts).toEqual(statusCounts({ queued: 4, waiting: 4 }));
    expect(armKeys(experiment)).toEqual([
      "feedback.mode=off",
      "feedback.mode=lr",
      "feedback.mode=lr / dose-matched",
      "feedback.mode=lr / placebo",
    ]);
    expect(await experiments.deferred()).toEqual([experiment.id]);

    const cancelled = await experiments.cancel(experiment.id, EVERYONE);
    expect(cancelled.status).toBe("cancelled");
    expect(cancelled.counts).toEqual(statusCounts({ cancelled: 4, unrunnable: 4 }));
    const stopped = [
      { slot: "r0", message: "experiment cancelled" },
      { slot: "r1", message: "experiment cancelled" },
    ];
    expect(cancelled.arms[2]!.unrunnable).toEqual(stopped);
    expect(cancelled.arms[3]!.unrunnable).toEqual(stopped);
    expect(await experiments.deferred()).toEqual([]);
    expect(await experiments.advance(experiment.id, admitAll)).toEqual({
      launched: 0,
      unrunnable: 0,
      waiting: 0,
    });
    expect(await children(experiment.id)).toHaveLength(4);
    // the cancelled children free the key's slots
    expect(await redis.zcard(`${prefix}:owner:owner-a:active`)).toBe(0);
  });

  it("counts the children derived later against the key's job slots", async () => {
    const error = await experiments
      .submit(
        { ...WITH_CONTROLS, grid: { "feedback.mode": ["off", "lr"], "training.seed": [1, 2, 3] } },
        { owner: "owner-a" },
      )
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(QplaneError);
    expect((error as QplaneError).code).toBe("QPLANE_ERR_TOO_MANY_JOBS");
    expect((error as QplaneError).message).toBe(
      "the experiment needs 12 job slots of this API key (6 now, 6 derived from finished runs later), which has 0 unfinished jobs of the 8 allowed (QPLANE_MAX_CONCURRENT_JOBS_PER_KEY); nothing was queued",
    );
    expect((await jobs.list({ limit: 100 }, EVERYONE)).jobs).toHaveLength(4); // the first test's
  });

  it("an advance with no newly finished child derives nothing (reads and the driver alike)", async () => {
    // no worker yet; a connection of its own, to count the service's reads of the record
    const counted = connect();
    const service = createExperimentService({
      config,
      jobs,
      redis: counted,
      logger: silentLogger,
    });
    try {
      const { experiment } = await service.submit(WITH_CONTROLS, { owner: "owner-b" });
      const recordKey = `${prefix}:experiment:${experiment.id}`;
      let recordReads = 0;
      const send = counted.sendCommand.bind(counted);
      counted.sendCommand = ((command: Parameters<typeof send>[0], ...rest: unknown[]) => {
        if (command.name === "get" && command.args[0] === recordKey) recordReads++;
        return (send as (...args: unknown[]) => unknown)(command, ...rest);
      }) as typeof counted.sendCommand;
      const readsOf = async <T>(operation: () => Promise<T>) => {
        recordReads = 0;
        const result = await operation();
        return { result, reads: recordReads };
      };
      // the lr arm's seed 2 is cancelled: its controls can never run, seed 1's still wait
      await jobs.cancel(experiment.arms[1]!.jobIds[1]!, EVERYONE);
      expect(await readsOf(() => service.advance(experiment.id, admitAll))).toEqual({
        result: { launched: 0, unrunnable: 2, waiting: 2 },
        reads: 2, // before deriving and after settling
      });
      // nothing finished since: one read of the record, no derivation
      expect(await readsOf(() => service.advance(experiment.id, admitAll))).toEqual({
        result: { launched: 0, unrunnable: 0, waiting: 2 },
        reads: 1,
      });
      const read = await readsOf(() => service.get(experiment.id, EVERYONE, admitAll));
      expect(read.reads).toBe(1);
      expect(read.result.counts).toMatchObject({ cancelled: 1, waiting: 2, unrunnable: 2 });
      // another child finished: derived again
      await jobs.cancel(experiment.arms[0]!.jobIds[1]!, EVERYONE);
      expect(await readsOf(() => service.advance(experiment.id, admitAll))).toEqual({
        result: { launched: 0, unrunnable: 0, waiting: 2 },
        reads: 2,
      });
      const cancelled = await service.cancel(experiment.id, EVERYONE);
      expect(cancelled.status).toBe("cancelled");
      expect(cancelled.counts).toMatchObject({ cancelled: 4, waiting: 0, unrunnable: 4 });
    } finally {
      await service.close();
      counted.disconnect();
    }
  });

  it("two services advancing at once queue each derived slot once", async () => {
    worker = await startWorker(config, { logger: silentLogger });
    const { experiment } = await experiments.submit(WITH_CONTROLS, { owner: "owner-a" });
    await gridCompleted(experiment.id, 4);
    const other = createExperimentService({ config, jobs, logger: silentLogger });
    try {
      const results = await Promise.all([
        experiments.advance(experiment.id, admitAll),
        other.advance(experiment.id, admitAll),
        experiments.advance(experiment.id, admitAll),
      ]);
      for (const result of results) expect(result.waiting).toBe(0);
    } finally {
      await other.close();
    }
    const view = await experiments.get(experiment.id, EVERYONE);
    expect(view.counts.waiting).toBe(0);
    expect(view.arms.map((arm) => arm.jobIds.length)).toEqual([2, 2, 2, 2]);
    const all = await children(experiment.id);
    expect(all).toHaveLength(8);
    expect(new Set(all.map((job) => job.id))).toEqual(new Set(view.jobIds));
    expect(await experiments.deferred()).toEqual([]);

    // the controls' specs derive from their seed's feedback run (controls.ts)
    const done = await experimentWhen(experiment.id, completed, "the controls to complete");
    // jobIds[i] is the child of slots[i]: seed order
    for (const arm of done.arms) expect(arm.slots).toEqual(["r0", "r1"]);
    for (const [index, sourceId] of done.arms[1]!.jobIds.entries()) {
      const source = await jobs.get(sourceId, EVERYONE);
      const dose = await jobs.get(done.arms[2]!.jobIds[index]!, EVERYONE);
      expect(dose.name).toBe(
        `experiment ${experiment.id} · feedback.mode=lr / dose-matched, seed=${index + 1}`,
      );
      expect(dose.spec.training.seed).toBe(index + 1);
      expect(dose.spec.feedback.mode).toBe("off");
      expect(dose.spec.training.schedule).toBe("constant");
      expect(dose.spec.training.learningRate).toBe(source.summary!.meanLearningRate);
      const placebo = await jobs.get(done.arms[3]!.jobIds[index]!, EVERYONE);
      expect(placebo.spec.training.schedule).toBe("replay");
      expect(placebo.spec.training.seed).toBe(index + 1);
    }
    expect(done.comparisons!.map((comparison) => comparison.arm)).toEqual([
      "feedback.mode=lr",
      "feedback.mode=lr / dose-matched",
      "feedback.mode=lr / placebo",
    ]);
    expect(done.comparisons!.map((comparison) => comparison.n)).toEqual([2, 2, 2]);
  }, 120_000);

  it("a child admission refuses is unrunnable with its message; a full key is retried", async () => {
    const { experiment } = await experiments.submit(WITH_CONTROLS, { owner: "owner-a" });
    await gridCompleted(experiment.id, 4);
    let calls = 0;
    const keyFull: ChildAdmission = () => {
      calls++;
      throw new QplaneError("QPLANE_ERR_TOO_MANY_JOBS", "this API key has 8 unfinished jobs");
    };
    expect(await experiments.advance(experiment.id, keyFull)).toEqual({
      launched: 0,
      unrunnable: 0,
      waiting: 4,
    });
    expect(calls).toBe(4);
    expect(await experiments.deferred()).toEqual([experiment.id]);
    const refusePlacebo: ChildAdmission = (spec) => {
      if (spec.training.schedule === "replay") {
        throw new QplaneError(
          "QPLANE_ERR_JOB_TOO_LARGE",
          "spec: estimated work is above this server's limit",
        );
      }
      return spec;
    };
    expect(await experiments.advance(experiment.id, refusePlacebo)).toEqual({
      launched: 2,
      unrunnable: 2,
      waiting: 0,
    });
    const done = await experimentWhen(
      experiment.id,
      finished,
      "the experiment to finish",
      refusePlacebo,
    );
    // two slots can never run: the experiment did not complete
    expect(done.status).toBe("failed");
    expect(done.counts).toEqual(statusCounts({ completed: 6, unrunnable: 2 }));
    expect(done.arms[3]!.jobIds).toEqual([]);
    expect(done.arms[3]!.unrunnable).toEqual([
      { slot: "r0", message: "spec: estimated work is above this server's limit" },
      { slot: "r1", message: "spec: estimated work is above this server's limit" },
    ]);
    expect(done.arms[2]!.completed).toBe(2);
  }, 120_000);

  it("children pair with their slots in seed order; a slot whose key names another job is unrunnable", async () => {
    const { experiment } = await experiments.submit(WITH_CONTROLS, { owner: "owner-c" });
    await gridCompleted(experiment.id, 4);
    // a read whose advance fails still answers
    const broken: ChildAdmission = () => {
      throw new Error("admission broke");
    };
    const read = await experiments.get(experiment.id, EVERYONE, broken);
    expect(read.status).toBe("running");
    expect(read.counts).toMatchObject({ completed: 4, waiting: 4, unrunnable: 0 });
    // a job already holds the placebo seed-2 slot's key, with another spec
    const { job: squatter } = await jobs.submit(SPEC, {
      owner: "owner-c",
      idempotencyKey: childIdempotencyKey(experiment.id, 3, "r1"),
    });
    // seed 1's controls wait for a free job slot: seed 2's are queued first
    const seedOneLater: ChildAdmission = (spec) => {
      if (spec.training.seed === 1) {
        throw new QplaneError("QPLANE_ERR_TOO_MANY_JOBS", "this API key has 8 unfinished jobs");
      }
      return spec;
    };
    expect(await experiments.advance(experiment.id, seedOneLater)).toEqual({
      launched: 1,
      unrunnable: 1,
      waiting: 2,
    });
    expect(await experiments.advance(experiment.id, admitAll)).toEqual({
      launched: 2,
      unrunnable: 0,
      waiting: 0,
    });
    const view = await experiments.get(experiment.id, EVERYONE);
    const dose = view.arms[2]!;
    expect(dose.slots).toEqual(["r0", "r1"]);
    // created later, listed first: the order is the slots', not creation's
    expect(dose.jobIds[0]! > dose.jobIds[1]!).toBe(true);
    const seeds = await Promise.all(
      dose.jobIds.map(async (id) => (await jobs.get(id, EVERYONE)).spec.training.seed),
    );
    expect(seeds).toEqual([1, 2]);
    const placebo = view.arms[3]!;
    expect(placebo.slots).toEqual(["r0"]);
    expect((await jobs.get(placebo.jobIds[0]!, EVERYONE)).spec.training.seed).toBe(1);
    expect(placebo.unrunnable).toEqual([
      {
        slot: "r1",
        message: `a job with another spec was already queued for this slot: Idempotency-Key: already used for job ${squatter.id} with a different request body`,
      },
    ]);
    const done = await experimentWhen(experiment.id, finished, "the experiment to finish");
    expect(done.status).toBe("failed");
    expect(done.counts).toMatchObject({ completed: 7, failed: 0, waiting: 0, unrunnable: 1 });
  }, 120_000);

  it("the driver advances experiments nobody reads, and stops on close", async () => {
    const driver = startExperimentDriver({
      experiments,
      admit: admitAll,
      intervalMs: 100,
      logger: silentLogger,
    });
    try {
      const { experiment } = await experiments.submit(WITH_CONTROLS, { owner: "owner-a" });
      // read without admission: only the driver queues the controls
      const done = await experimentWhen(
        experiment.id,
        completed,
        "the driver to finish the experiment",
      );
      expect(done.counts).toMatchObject({ completed: 8, waiting: 0 });
      expect(await experiments.deferred()).toEqual([]);
    } finally {
      await driver.close();
    }
    // closed: an experiment submitted now waits for a reader
    const { experiment } = await experiments.submit(WITH_CONTROLS, { owner: "owner-a" });
    await gridCompleted(experiment.id, 4);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const waiting = await experiments.get(experiment.id, EVERYONE);
    expect(waiting.status).toBe("running");
    expect(waiting.counts).toMatchObject({ completed: 4, waiting: 4 });
    await experiments.cancel(experiment.id, EVERYONE);
  }, 120_000);

  it("an advance settling after the experiment was removed withdraws its children and leaves no :derived hash", async () => {
    const { experiment } = await experiments.submit(WITH_CONTROLS, { owner: "owner-d" });
    await gridCompleted(experiment.id, 4);
    // no worker from here: what the advance queues stays queued, so it can be withdrawn
    await worker?.close();
    worker = null;
    const recordKey = `${prefix}:experiment:${experiment.id}`;
    // removed while the advance admits its children
    const removing: ChildAdmission = async (spec) => {
      await redis.del(recordKey);
      return spec;
    };
    const error = await experiments
      .advance(experiment.id, removing)
      .catch((caught: unknown) => caught);
    expect((error as QplaneError).code).toBe("QPLANE_ERR_EXPERIMENT_NOT_FOUND");
    expect(await redis.exists(`${recordKey}:derived`)).toBe(0);
    // the four controls it queued were withdrawn: only the grid's children are left
    expect((await children(experiment.id)).map((job) => job.id).sort()).toEqual(
      [...experiment.jobIds].sort(),
    );
  }, 120_000);
});
