import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  aggregateArms,
  armCurves,
  countStatuses,
  epochsToThreshold,
  experimentStatus,
  meanStd,
} from "../../src/experiments/aggregate.js";
import type { ChildOutcome, ExperimentRecord } from "../../src/experiments/types.js";
import { experimentCsv, experimentMarkdown, experimentView } from "../../src/experiments/view.js";
import type { EpochRecord, RunSummary } from "../../src/training/records.js";
import { fillerRecord } from "../helpers/records.js";

function record(epoch: number, fields: Partial<EpochRecord>): EpochRecord {
  return fillerRecord(epoch, {
    learningRate: 0.05,
    ixt: 0.5,
    ity: 0.25,
    ht: 1,
    circuitEvaluations: 10,
    submissions: 1,
    ...fields,
  });
}

function child(
  id: string,
  status: ChildOutcome["status"],
  accuracies: number[],
  finalIxt = 0.8,
  finalIty = 0.6,
): ChildOutcome {
  const records = accuracies.map((testAccuracy, index) =>
    record(index + 1, { testAccuracy, trainLoss: 1 - testAccuracy, ixt: finalIxt, ity: finalIty }),
  );
  const summary: RunSummary | null =
    status === "completed"
      ? {
          epochs: records.length,
          task: "classification",
          testAccuracy: accuracies.at(-1)!,
          finalIxt,
          finalIty,
          circuitEvaluations: 10,
          elapsedMs: 5,
        }
      : null;
  return { id, status, records, summary };
}

describe("meanStd", () => {
  it("gives the mean and the n − 1 standard deviation", () => {
    const stat = meanStd([1, 2, 3, 4]);
    expect(stat.mean).toBe(2.5);
    expect(stat.std).toBeCloseTo(Math.sqrt(5 / 3), 15);
    expect(stat.n).toBe(4);
    expect(meanStd([])).toEqual({ mean: null, std: null, n: 0 });
    expect(meanStd([0.7])).toEqual({ mean: 0.7, std: null, n: 1 });
    expect(meanStd([2, 2, 2])).toEqual({ mean: 2, std: 0, n: 3 });
  });

  it("is shift-equivariant in the mean and shift-invariant in the spread", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 2, maxLength: 20 }),
        fc.double({ min: -50, max: 50, noNaN: true }),
        (values, shift) => {
          const plain = meanStd(values);
          const shifted = meanStd(values.map((value) => value + shift));
          expect(shifted.mean!).toBeCloseTo(plain.mean! + shift, 9);
          expect(shifted.std!).toBeCloseTo(plain.std!, 9);
        },
      ),
    );
  });
});

describe("epochsToThreshold", () => {
  const records = [0.5, 0.85, 0.91, 0.8, 0.95].map((testAccuracy, index) =>
    record(index + 1, { testAccuracy, testLoss: 1 - testAccuracy }),
  );
  it("is the first epoch at or above the threshold (at or below for losses)", () => {
    expect(epochsToThreshold(records, { metric: "testAccuracy", value: 0.9 })).toBe(3);
    expect(epochsToThreshold(records, { metric: "testAccuracy", value: 0.85 })).toBe(2);
    expect(epochsToThreshold(records, { metric: "testAccuracy", value: 0.99 })).toBeNull();
    expect(epochsToThreshold(records, { metric: "testLoss", value: 0.1 })).toBe(3);
    // a metric the task does not have is never reached
    expect(epochsToThreshold(records, { metric: "testR2", value: 0 })).toBeNull();
  });
});

describe("aggregateArms and experimentView", () => {
  const experiment: ExperimentRecord = {
    id: "01KB0000000000000000000000",
    name: "feedback vs baseline",
    tags: [],
    createdAt: "2026-11-28T05:00:00.000Z",
    owner: null,
    grid: { "feedback.mode": ["off", "lr"], "training.seed": [1, 2, 3] },
    replicateField: "training.seed",
    threshold: { metric: "testAccuracy", value: 0.9 },
    arms: [
      {
        key: "feedback.mode=off",
        values: { "feedback.mode": "off" },
        metric: "testAccuracy",
        jobIds: ["a1", "a2", "a3"],
      },
      {
        key: "feedback.mode=lr",
        values: { "feedback.mode": "lr" },
        metric: "testAccuracy",
        jobIds: ["b1", "b2", "b3"],
      },
    ],
  };
  const children = new Map<string, ChildOutcome>(
    [
      child("a1", "completed", [0.8, 0.9, 0.92], 0.9, 0.7),
      child("a2", "completed", [0.7, 0.85, 0.88], 0.7, 0.5),
      child("a3", "failed", [0.6]),
      child("b1", "completed", [0.91, 0.95, 0.97], 0.6, 0.55),
      child("b2", "running", [0.9]),
    ].map((outcome) => [outcome.id, outcome]),
  );

  it("aggregates completed children only, per arm", () => {
    const [off, lr] = aggregateArms(experiment.arms, children, experiment.threshold);
    expect(off).toMatchObject({ jobs: 3, completed: 2 });
    expect(off!.finalMetric.mean).toBeCloseTo(0.9, 15);
    expect(off!.finalMetric.std).toBeCloseTo(Math.SQRT2 * 0.02, 15);
    // a1 reached 0.9 at epoch 2; a2 never did
    expect(off!.epochsToThreshold).toEqual({ mean: 2, std: null, n: 1 });
    expect(off!.finalIxt.mean).toBeCloseTo(0.8, 15);
    expect(off!.finalIty.mean).toBeCloseTo(0.6, 15);
    // b2 is still running and b3 is missing: one completed child
    expect(lr).toMatchObject({
      jobs: 3,
      completed: 1,
      finalMetric: { mean: 0.97, std: null, n: 1 },
      epochsToThreshold: { mean: 1, std: null, n: 1 },
      finalIxt: { mean: 0.6, std: null, n: 1 },
    });
  });

  it("tallies feedback runs whose target was unreachable, only over completed runs", () => {
    const flagged = (outcome: ChildOutcome, feedbackReachable: boolean): ChildOutcome => ({
      ...outcome,
      summary: { ...outcome.summary!, feedbackReachability: 0.7, feedbackReachable },
    });
    const tallied = new Map(children);
    tallied.set("b1", flagged(children.get("b1")!, false));
    tallied.set("b2", flagged(child("b2", "completed", [0.9, 0.93]), true));
    tallied.set("b3", flagged(child("b3", "completed", [0.8, 0.9]), false));
    // a running child's summary (none yet) never counts
    tallied.set("b4", child("b4", "running", [0.5]));
    const arms = [
      experiment.arms[0]!,
      { ...experiment.arms[1]!, jobIds: ["b1", "b2", "b3", "b4"] },
    ];
    const [off, lr] = aggregateArms(arms, tallied, experiment.threshold);
    // feedback off: no summary carries the flag, so no tally at all
    expect(off!.feedbackUnreachable).toBeUndefined();
    expect(lr!.feedbackUnreachable).toEqual({ count: 2, of: 3 });
  });

  it("counts statuses (a child with no record is missing) and derives the experiment's", () => {
    const view = experimentView(experiment, children);
    expect(view.counts).toEqual({
      queued: 0,
      running: 1,
      completed: 3,
      failed: 1,
      cancelled: 0,
      missing: 1,
    });
    expect(view.status).toBe("running");
    expect(view.jobIds).toEqual(["a1", "a2", "a3", "b1", "b2", "b3"]);
    expect(view.metric).toBe("testAccuracy");
  });

  it("derives the status: queued, running, then failed > cancelled > completed", () => {
    const counts = (fields: Partial<ReturnType<typeof countStatuses>>) => ({
      ...countStatuses([]),
      ...fields,
    });
    expect(experimentStatus(counts({ queued: 3 }))).toBe("queued");
    expect(experimentStatus(counts({ queued: 2, completed: 1 }))).toBe("running");
    expect(experimentStatus(counts({ completed: 2, failed: 1 }))).toBe("failed");
    expect(experimentStatus(counts({ completed: 2, cancelled: 1 }))).toBe("cancelled");
    expect(experimentStatus(counts({ completed: 3, missing: 1 }))).toBe("completed");
  });

  it("writes the arms table as CSV with full precision and as Markdown", () => {
    const view = experimentView(experiment, children);
    const lines = experimentCsv(view).trimEnd().split("\n");
    expect(lines[0]).toBe(
      "arm,feedback.mode,jobs,completed,metric,finalMetricMean,finalMetricStd,finalMetricN,epochsTo_testAccuracy_0.9_Mean,epochsTo_testAccuracy_0.9_Std,reachedThreshold,finalIxtMean,finalIxtStd,finalIxtN,finalItyMean,finalItyStd,finalItyN",
    );
    const off = view.arms[0]!;
    expect(lines[1]).toBe(
      `feedback.mode=off,off,3,2,testAccuracy,${off.finalMetric.mean},${off.finalMetric.std},2,2,,1,${off.finalIxt.mean},${off.finalIxt.std},2,${off.finalIty.mean},${off.finalIty.std},2`,
    );
    expect(lines[2]).toBe("feedback.mode=lr,lr,3,1,testAccuracy,0.97,,1,1,,1,0.6,,1,0.55,,1");
    const markdown = experimentMarkdown(view).split("\n");
    expect(markdown[0]).toBe(
      "| arm | completed | final testAccuracy | epochs to testAccuracy ≥ 0.9 (reached) | final I(X;T) | final I(T;Y) |",
    );
    expect(markdown[2]).toBe(
      "| feedback.mode=off | 2/3 | 0.900 ± 0.028 | 2.0 (1/2) | 0.800 ± 0.141 | 0.600 ± 0.141 |",
    );
  });

  it("gives per-epoch curves across the children that reached each epoch", () => {
    const [off, lr] = armCurves(experiment.arms, children);
    expect(off!.epochs.map((epoch) => epoch.n)).toEqual([3, 2, 2]);
    expect(off!.epochs[0]!.testMetric.mean).toBeCloseTo((0.8 + 0.7 + 0.6) / 3, 15);
    expect(off!.epochs[2]!.trainLoss.mean).toBeCloseTo(1 - 0.9, 15);
    expect(lr!.epochs.map((epoch) => epoch.n)).toEqual([2, 1, 1]);
    // feedback off in these records: no I* to average
    expect(off!.epochs[0]!.compressionTarget).toEqual({ mean: null, std: null, n: 0 });
    expect(lr!.epochs[0]!.testMetric).toMatchObject({ n: 2 });
    expect(lr!.epochs[0]!.testMetric.mean).toBeCloseTo(0.905, 15);
  });
});
