import { beforeAll, describe, expect, it } from "vitest";
import { holmAdjust } from "../../src/experiments/statistics.js";
import { EVERYONE } from "../../src/jobs/types.js";
import { startWorker } from "../../src/jobs/worker.js";
import type { EpochRecord } from "../../src/training/records.js";
import { statusCounts } from "../helpers/status-counts.js";
import { silentLogger } from "../jobs/helpers.js";
import { TINY_SPEC, useExperimentsApi } from "./experiments-api.js";

describe("experiments API over the job system", () => {
  const { config, state, workers, post, get, completedExperiment } =
    useExperimentsApi("experiments-compare");
  beforeAll(async () => {
    workers.push(
      await startWorker(config, { logger: silentLogger }),
      await startWorker(config, { logger: silentLogger }),
    );
  });

  it("compare: a baseline naming no arm and controls are 400s naming the field, nothing queued", async () => {
    const before = (await state.jobs.list({ limit: 100 }, EVERYONE)).jobs.length;
    const cases: [object, string][] = [
      [
        {
          spec: TINY_SPEC,
          grid: { "feedback.mode": ["off", "lr"], "training.seed": [1, 2] },
          compare: { baseline: { "feedback.mode": "loss" } },
        },
        'compare.baseline: {"feedback.mode":"loss"} matches no arm; it must name exactly one of the arms "feedback.mode=off", "feedback.mode=lr"',
      ],
      [
        {
          spec: TINY_SPEC,
          grid: { "training.seed": [1, 2] },
          compare: { baseline: { "feedback.mode": "off" } },
        },
        "compare.baseline.feedback.mode: not a field that defines the arms (they vary nothing but the replicate seed)",
      ],
      [
        {
          spec: TINY_SPEC,
          grid: { "feedback.mode": ["off", "lr"], "training.seed": [1, 2] },
          controls: ["placebo"],
        },
        'controls: ["placebo"] are compared with the baseline arm: give compare.baseline',
      ],
      [
        {
          spec: TINY_SPEC,
          grid: { "feedback.alpha": [1, 2], "training.seed": [1, 2] },
          compare: { baseline: { "feedback.alpha": 1 } },
          controls: ["placebo"],
        },
        'controls: ["placebo"] are derived from feedback arms, but every arm has feedback.mode "off" (vary feedback.mode in the grid or set it in the spec)',
      ],
      [
        {
          spec: TINY_SPEC,
          grid: { "feedback.mode": ["off", "lr"], "training.seed": [1, 2] },
          tune: [
            {
              arm: { "feedback.mode": "off" },
              candidates: { "training.learningRate": [0.05, 0.2] },
            },
          ],
        },
        "tune[0]: arm feedback.mode=off has no validation split to choose its candidates on (set dataset.validationFraction > 0)",
      ],
      [
        {
          spec: TINY_SPEC,
          grid: { "feedback.mode": ["off", "lr"], "training.seed": [1, 2] },
          inherit: [{ arm: { "feedback.mode": "lr" }, fields: ["training.learningRate"] }],
        },
        "inherit: needs compare.baseline (the arm whose selected run the fields are taken from)",
      ],
    ];
    for (const [payload, message] of cases) {
      const response = await post("/v1/experiments", payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().error.message).toBe(message);
    }
    expect((await state.jobs.list({ limit: 100 }, EVERYONE)).jobs).toHaveLength(before);
  });

  it("compare: comparisons pair the children's own summaries by seed, in JSON and CSV", async () => {
    const submitted = await post("/v1/experiments", {
      spec: TINY_SPEC,
      grid: { "feedback.mode": ["off", "lr"], "training.seed": [1, 2, 3] },
      threshold: { metric: "trainLoss", value: 0.5 },
      compare: { baseline: { "feedback.mode": "off" } },
    });
    expect(submitted.statusCode, submitted.body).toBe(202);
    const { id } = submitted.json();
    expect(submitted.json().compare).toEqual({
      baseline: { "feedback.mode": "off" },
      baselineArm: "feedback.mode=off",
    });
    expect(submitted.json().comparisons).toEqual([]);
    const done = await completedExperiment(id, "the compared experiment to complete", 60_000);
    expect(done.comparisons.map((c: { metric: string; n: number }) => [c.metric, c.n])).toEqual([
      ["testAccuracy", 3],
      ["stepsToThreshold", 3],
    ]);
    const [accuracy, steps] = done.comparisons;
    for (const [index, pair] of accuracy.pairs.entries()) {
      const mine = (await get(`/v1/jobs/${done.arms[1].jobIds[index]}`)).json();
      const theirs = (await get(`/v1/jobs/${done.arms[0].jobIds[index]}`)).json();
      expect(pair).toEqual({
        seed: index + 1,
        value: mine.summary.testAccuracy,
        baselineValue: theirs.summary.testAccuracy,
      });
      // steps to train loss ≤ 0.5 (no validation split), else censored: the budget + 1
      const stepsOf = async (jobId: string) => {
        const records: EpochRecord[] = (await get(`/v1/jobs/${jobId}/metrics`)).json().metrics;
        const reached = records.find((record) => record.trainLoss <= 0.5);
        return reached ? reached.step : records.at(-1)!.step! + 1;
      };
      expect(steps.pairs[index]).toEqual({
        seed: index + 1,
        value: await stepsOf(done.arms[1].jobIds[index]),
        baselineValue: await stepsOf(done.arms[0].jobIds[index]),
      });
    }
    expect(steps.split).toBe("train");
    // every child completed, on one split and budget: no seed left out
    expect([accuracy.unpaired, steps.unpaired, steps.excluded]).toEqual([
      { arm: 0, baseline: 0 },
      { arm: 0, baseline: 0 },
      { split: 0, budget: 0 },
    ]);
    expect(steps.censored.arm + steps.censored.baseline).toBeLessThanOrEqual(6);
    expect([accuracy.holmP, steps.holmP]).toEqual(
      holmAdjust([accuracy.wilcoxonP, steps.wilcoxonP]),
    );
    const csv = (await get(`/v1/experiments/${id}?format=csv`)).body;
    const [armsTable, comparisonTable] = csv.split("\n\n") as [string, string];
    expect(armsTable.split("\n")).toHaveLength(3);
    const rows = comparisonTable.trimEnd().split("\n");
    expect(
      rows[0]!.startsWith(
        "comparisonArm,baseline,metric,n,unpairedArm,unpairedBaseline,medianDiff,ci95Low,ci95High,",
      ),
    ).toBe(true);
    expect(rows[1]!.split(",").slice(0, 7)).toEqual([
      "feedback.mode=lr",
      "feedback.mode=off",
      "testAccuracy",
      "3",
      "0",
      "0",
      String(accuracy.medianDiff),
    ]);
  }, 90_000);

  it("controls: queued as their feedback runs finish; they complete as arms with comparisons", async () => {
    const submitted = await post("/v1/experiments", {
      spec: TINY_SPEC,
      grid: { "feedback.mode": ["off", "lr"], "training.seed": [1, 2] },
      compare: { baseline: { "feedback.mode": "off" } },
      controls: ["dose-matched", "placebo"],
    });
    expect(submitted.statusCode, submitted.body).toBe(202);
    const created = submitted.json();
    expect(created.controls).toEqual(["dose-matched", "placebo"]);
    // the workers are running: the grid's four children may have started already
    expect(created.counts.waiting).toBe(4);
    expect(created.counts.queued + created.counts.running + created.counts.completed).toBe(4);
    expect(created.arms.map((arm: { jobIds: string[] }) => arm.jobIds.length)).toEqual([
      2, 2, 0, 0,
    ]);
    // reading the experiment queues the controls once their feedback runs have finished
    const done = await completedExperiment(
      created.id,
      "the experiment with controls to complete",
      90_000,
    );
    expect(done.counts).toEqual(statusCounts({ completed: 8 }));
    expect(
      done.arms.map((arm: { key: string; control?: object; completed: number }) => [
        arm.key,
        arm.control ?? null,
        arm.completed,
      ]),
    ).toEqual([
      ["feedback.mode=off", null, 2],
      ["feedback.mode=lr", null, 2],
      ["feedback.mode=lr / dose-matched", { kind: "dose-matched", of: "feedback.mode=lr" }, 2],
      ["feedback.mode=lr / placebo", { kind: "placebo", of: "feedback.mode=lr" }, 2],
    ]);
    // jobIds[i] is the child of slots[i]: seed order
    for (const arm of done.arms) expect(arm.slots).toEqual(["r0", "r1"]);
    for (const [index, sourceId] of done.arms[1].jobIds.entries()) {
      const source = (await get(`/v1/jobs/${sourceId}`)).json();
      const dose = (await get(`/v1/jobs/${done.arms[2].jobIds[index]}`)).json();
      expect(dose.tags).toEqual([`experiment:${created.id}`]);
      expect(dose.spec.feedback.mode).toBe("off");
      expect(dose.spec.training.learningRate).toBe(source.summary.meanLearningRate);
      expect(dose.spec.training.seed).toBe(index + 1);
    }
    expect(
      done.comparisons.map((c: { arm: string; metric: string; n: number }) => [
        c.arm,
        c.metric,
        c.n,
      ]),
    ).toEqual([
      ["feedback.mode=lr", "testAccuracy", 2],
      ["feedback.mode=lr / dose-matched", "testAccuracy", 2],
      ["feedback.mode=lr / placebo", "testAccuracy", 2],
    ]);
    const placeboPairs = done.comparisons[2].pairs;
    for (const [index, pair] of placeboPairs.entries()) {
      const placebo = (await get(`/v1/jobs/${done.arms[3].jobIds[index]}`)).json();
      expect(pair.value).toBe(placebo.summary.testAccuracy);
    }
  }, 120_000);

  it("tune + inherit + feedback.target baseline: the lr arm runs at the baseline's selected rate and I(X;T)", async () => {
    const submitted = await post("/v1/experiments", {
      spec: {
        ...TINY_SPEC,
        dataset: { name: "moons", samples: 40, validationFraction: 0.25 },
        feedback: { target: "baseline" },
      },
      grid: { "feedback.mode": ["off", "lr"], "training.seed": [1, 2] },
      compare: { baseline: { "feedback.mode": "off" } },
      tune: [
        { arm: { "feedback.mode": "off" }, candidates: { "training.learningRate": [0.02, 0.3] } },
      ],
      inherit: [{ arm: { "feedback.mode": "lr" }, fields: ["training.learningRate"] }],
    });
    expect(submitted.statusCode, submitted.body).toBe(202);
    const created = submitted.json();
    expect(created.counts.waiting).toBe(2);
    expect(created.counts.queued + created.counts.running + created.counts.completed).toBe(4);
    expect(created.arms[0].tuning).toEqual({
      candidates: [{ "training.learningRate": 0.02 }, { "training.learningRate": 0.3 }],
    });
    expect(created.arms[1]).toMatchObject({ deferred: true, jobIds: [] });
    const done = await completedExperiment(created.id, "the tuned experiment to complete", 90_000);
    expect(done.counts).toMatchObject({ completed: 6, waiting: 0, unrunnable: 0 });
    expect(done.arms[1].slots).toEqual(["r0", "r1"]);
    const children = (await get(`/v1/jobs?tag=experiment:${created.id}&limit=10`)).json().jobs;
    expect(children).toHaveLength(6);
    for (const [index, selection] of done.arms[0].selected.entries()) {
      const seed = index + 1;
      // the candidate with the best validation accuracy at the last epoch (ties: lower loss)
      const candidates = children.filter(
        (job: { spec: { feedback: { mode: string }; training: { seed: number } } }) =>
          job.spec.feedback.mode === "off" && job.spec.training.seed === seed,
      );
      expect(candidates).toHaveLength(2);
      const scored = await Promise.all(
        candidates.map(
          async (job: { id: string; spec: { training: { learningRate: number } } }) => {
            const last = (await get(`/v1/jobs/${job.id}/metrics`)).json().metrics.at(-1);
            return {
              job,
              accuracy: last.validationAccuracy,
              loss: last.validationLoss,
              ixt: last.ixt,
            };
          },
        ),
      );
      scored.sort(
        (a, b) =>
          b.accuracy - a.accuracy ||
          a.loss - b.loss ||
          a.job.spec.training.learningRate - b.job.spec.training.learningRate,
      );
      const best = scored[0]!;
      expect(selection).toEqual({
        seed,
        candidate: { "training.learningRate": best.job.spec.training.learningRate },
        jobId: best.job.id,
      });
      expect(done.arms[0].jobIds[index]).toBe(best.job.id);
      const lr = (await get(`/v1/jobs/${done.arms[1].jobIds[index]}`)).json();
      expect(lr.spec.training.seed).toBe(seed);
      expect(lr.spec.training.learningRate).toBe(best.job.spec.training.learningRate);
      expect(lr.spec.feedback.target).toBe(best.ixt);
      expect(done.comparisons[0].pairs[index]).toEqual({
        seed,
        value: lr.summary.testAccuracy,
        baselineValue: (await get(`/v1/jobs/${best.job.id}`)).json().summary.testAccuracy,
      });
    }
  }, 120_000);
});
