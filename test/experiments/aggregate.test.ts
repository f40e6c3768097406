import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  aggregateArms,
  armCurves,
  countStatuses,
  experimentStatus,
  meanStd,
} from "../../src/experiments/aggregate.js";
import type { ChildOutcome, ExperimentRecord } from "../../src/experiments/types.js";
import { experimentCsv, experimentMarkdown, experimentView } from "../../src/experiments/view.js";
import type { EpochRecord, RunSummary } from "../../src/training/records.js";
import { fillerRecord } from "../helpers/records.js";
import { statusCounts } from "../helpers/status-counts.js";

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
  // validation accuracy 0.04 below the test accuracy: steps to a threshold read it, not the test
  const records = accuracies.map((testAccuracy, index) =>
    record(index + 1, {
      step: (index + 1) * 10,
      testAccuracy,
      validationAccuracy: testAccuracy - 0.04,
      validationLoss: 1,
      trainLoss: 1 - testAccuracy,
      ixt: finalIxt,
      ity: finalIty,
    }),
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
    // on validation accuracy a1 (0.76, 0.86, 0.88) and a2 never reach 0.9: both censored at
    // their 30-step budget (a1's TEST accuracy reached it at epoch 2: not what counts)
    expect(off!.stepsToThreshold).toEqual({
      mean: 30,
      std: 0,
      n: 2,
      censored: 2,
      split: "validation",
    });
    expect(off!.finalIxt.mean).toBeCloseTo(0.8, 15);
    expect(off!.finalIty.mean).toBeCloseTo(0.6, 15);
    // b2 is still running and b3 is missing: one completed child
    expect(lr).toMatchObject({
      jobs: 3,
      completed: 1,
      finalMetric: { mean: 0.97, std: null, n: 1 },
      // b1's validation accuracy 0.87, 0.91: reached after 20 steps (test: after epoch 1)
      stepsToThreshold: { mean: 20, std: null, n: 1, censored: 0, split: "validation" },
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
    expect(view.counts).toEqual(statusCounts({ running: 1, completed: 3, failed: 1, missing: 1 }));
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
    // children still to derive keep a finished-looking experiment running
    expect(experimentStatus(counts({ completed: 4, waiting: 2 }))).toBe("running");
    expect(experimentStatus(counts({ queued: 4, waiting: 2 }))).toBe("queued");
    expect(experimentStatus(counts({ completed: 2, failed: 1 }))).toBe("failed");
    expect(experimentStatus(counts({ completed: 2, cancelled: 1 }))).toBe("cancelled");
    expect(experimentStatus(counts({ completed: 3, missing: 1 }))).toBe("completed");
    // a slot that can never run fails the experiment; cancelling it says cancelled regardless
    expect(experimentStatus(counts({ completed: 2, unrunnable: 2 }))).toBe("failed");
    expect(experimentStatus(counts({ completed: 2, unrunnable: 2 }), true)).toBe("cancelled");
    expect(experimentStatus(counts({ completed: 2, failed: 1 }), true)).toBe("cancelled");
    expect(experimentStatus(counts({ running: 1, unrunnable: 2 }), true)).toBe("running");
  });

  it("counts unrunnable slots, keeps each arm's slots parallel to jobIds, and reads cancellation", () => {
    const done = new Map(["a1", "a2", "b2"].map((id) => [id, child(id, "completed", [0.9])]));
    const refused = [{ slot: "r0", message: "spec: estimated work is above this server's limit" }];
    const partial: ExperimentRecord = {
      ...experiment,
      arms: [
        { ...experiment.arms[0]!, jobIds: ["a1", "a2"], slots: ["r0", "r1"] },
        { ...experiment.arms[1]!, jobIds: ["b2"], slots: ["r1"], unrunnable: refused },
      ],
    };
    const view = experimentView(partial, done);
    // waiting: 6 planned − 3 launched − 1 unrunnable
    expect(view.counts).toEqual(statusCounts({ completed: 3, waiting: 2, unrunnable: 1 }));
    expect(view.status).toBe("running");
    expect(view.arms.map((arm) => [arm.jobIds, arm.slots])).toEqual([
      [
        ["a1", "a2"],
        ["r0", "r1"],
      ],
      [["b2"], ["r1"]],
    ]);
    expect(view.arms[1]!.unrunnable).toEqual(refused);
    const settled: ExperimentRecord = {
      ...partial,
      arms: [
        { ...partial.arms[0]!, unrunnable: [{ slot: "r2", message: "m" }] },
        { ...partial.arms[1]!, unrunnable: [...refused, { slot: "r2", message: "m" }] },
      ],
    };
    expect(experimentView(settled, done)).toMatchObject({
      status: "failed",
      counts: { waiting: 0, unrunnable: 3 },
    });
    expect(
      experimentView({ ...settled, cancelledAt: "2026-11-28T06:00:00.000Z" }, done).status,
    ).toBe("cancelled");
  });

  it("writes the arms table as CSV with full precision and as Markdown", () => {
    const view = experimentView(experiment, children);
    const lines = experimentCsv(view).trimEnd().split("\n");
    expect(lines[0]).toBe(
      "arm,feedback.mode,jobs,completed,metric,finalMetricMean,finalMetricStd,finalMetricN,stepsTo_accuracy_0.9_Mean,stepsTo_accuracy_0.9_Std,stepsTo_accuracy_0.9_N,stepsTo_accuracy_0.9_Censored,stepsTo_accuracy_0.9_Split,finalIxtMean,finalIxtStd,finalIxtN,finalItyMean,finalItyStd,finalItyN",
    );
    const off = view.arms[0]!;
    expect(lines[1]).toBe(
      `feedback.mode=off,off,3,2,testAccuracy,${off.finalMetric.mean},${off.finalMetric.std},2,30,0,2,2,validation,${off.finalIxt.mean},${off.finalIxt.std},2,${off.finalIty.mean},${off.finalIty.std},2`,
    );
    expect(lines[2]).toBe(
      "feedback.mode=lr,lr,3,1,testAccuracy,0.97,,1,20,,1,0,validation,0.6,,1,0.55,,1",
    );
    const markdown = experimentMarkdown(view).split("\n");
    expect(markdown[0]).toBe(
      "| arm | completed | final testAccuracy | steps to accuracy ≥ 0.9 (censored/counted, split) | final I(X;T) | final I(T;Y) |",
    );
    expect(markdown.slice(2)).toEqual([
      "| feedback.mode=off | 2/3 | 0.900 ± 0.028 | 30.0 ± 0.0 (2/2, validation) | 0.800 ± 0.141 | 0.600 ± 0.141 |",
      "| feedback.mode=lr | 1/3 | 0.970 | 20.0 (0/1, validation) | 0.600 | 0.550 |",
    ]);
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
