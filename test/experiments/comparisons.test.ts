import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { compareArms, comparisonSeed, findBaselineArm } from "../../src/experiments/comparisons.js";
import { holmAdjust, pairedComparison } from "../../src/experiments/statistics.js";
import type { ChildOutcome, ExperimentArm, ExperimentRecord } from "../../src/experiments/types.js";
import {
  comparisonContext,
  comparisonsMarkdown,
  experimentCsv,
  experimentView,
} from "../../src/experiments/view.js";
import type { EpochRecord, RunSummary } from "../../src/training/records.js";
import { jobSpecSchema } from "../../src/training/spec.js";
import { fillerRecord } from "../helpers/records.js";

function record(epoch: number, step: number, trainAccuracy: number): EpochRecord {
  return fillerRecord(epoch, { step, trainAccuracy, testAccuracy: 0, meanLearningRate: 0.1 });
}

function summary(testAccuracy: number): RunSummary {
  return {
    epochs: 2,
    task: "classification",
    selectedEpoch: 2,
    testAccuracy,
    finalIxt: 0,
    finalIty: 0,
    circuitEvaluations: 0,
    elapsedMs: 1,
  };
}

/** Children `<arm>-<seed>`: completed with the given final accuracy, or failed (null). */
function arm(
  key: string,
  bySeed: readonly [number, number | null, EpochRecord[]?][],
  children: Map<string, ChildOutcome>,
): ExperimentArm {
  const jobIds = bySeed.map(([seed, accuracy, records]) => {
    const id = `${key}-${seed}`;
    children.set(id, {
      id,
      status: accuracy === null ? "failed" : "completed",
      records: records ?? [],
      summary: accuracy === null ? null : summary(accuracy),
      seed,
    });
    return id;
  });
  return { key, values: { "feedback.mode": key }, metric: "testAccuracy", jobIds };
}

describe("compareArms", () => {
  // dyadic accuracies, so every difference is exact in binary
  const children = new Map<string, ChildOutcome>();
  const baseline = arm(
    "off",
    [
      [1, 0.5],
      [2, 0.625],
      [3, 0.75],
      [4, 0.5],
      [5, 0.875],
    ],
    children,
  );
  // seeds listed out of order: pairs come back sorted by seed
  const lr = arm(
    "lr",
    [
      [3, 0.875],
      [1, 0.625],
      [2, 0.5],
      [5, 1],
      [4, 0.75],
    ],
    children,
  );
  // seed 5 failed: only four pairs
  const loss = arm(
    "loss",
    [
      [1, 0.75],
      [2, 0.875],
      [3, 1],
      [4, 0.75],
      [5, null],
    ],
    children,
  );

  it("pairs by seed, and gives median, Wilcoxon and Holm across both comparisons", () => {
    const comparisons = compareArms([baseline, lr, loss], children, {
      baselineArm: "off",
      threshold: null,
      context: "x",
    });
    expect(comparisons.map((c) => [c.arm, c.baseline, c.metric, c.n, c.unpaired])).toEqual([
      ["lr", "off", "testAccuracy", 5, { arm: 0, baseline: 0 }],
      // seed 5 of loss failed: its baseline run is left unpaired, and says so
      ["loss", "off", "testAccuracy", 4, { arm: 0, baseline: 1 }],
    ]);
    expect(comparisons[0]!.excluded).toBeUndefined();
    const [first, second] = comparisons as [(typeof comparisons)[0], (typeof comparisons)[0]];
    expect(first.pairs).toEqual([
      { seed: 1, value: 0.625, baselineValue: 0.5 },
      { seed: 2, value: 0.5, baselineValue: 0.625 },
      { seed: 3, value: 0.875, baselineValue: 0.75 },
      { seed: 4, value: 0.75, baselineValue: 0.5 },
      { seed: 5, value: 1, baselineValue: 0.875 },
    ]);
    // differences 1/8, −1/8, 1/8, 1/4, 1/8: median 1/8; |d| mid-ranks 2.5 ×4 and 5 →
    // R+ = 12.5, exact null of n = 5 at ⌊12.5⌋ = 12: P(R+ ≥ 12) = 5/32, p = 10/32
    expect(first.medianDiff).toBe(0.125);
    expect(first.wilcoxonP).toBe(10 / 32);
    // four differences of 1/4: R+ = 10 = the maximum for n = 4, p = 2/16
    expect(second.medianDiff).toBe(0.25);
    expect(second.wilcoxonP).toBe(2 / 16);
    expect(second.pairs.map((pair) => pair.seed)).toEqual([1, 2, 3, 4]);
    // Holm over (0.3125, 0.125): 0.125·2 = 0.25, then max(0.25, 0.3125·1)
    expect(first.holmP).toBe(0.3125);
    expect(second.holmP).toBe(0.25);
    expect(first.ci95[0]).toBeLessThanOrEqual(first.medianDiff);
    expect(first.ci95[1]).toBeGreaterThanOrEqual(first.medianDiff);
    expect(second.ci95).toEqual([0.25, 0.25]);
    expect(first.censored).toBeUndefined();
    // the same children give the same interval (a fixed seed per comparison)
    expect(
      compareArms([baseline, lr], children, {
        baselineArm: "off",
        threshold: null,
        context: "x",
      })[0]!.ci95,
    ).toEqual(first.ci95);
  });

  it("counts steps to a threshold with censored runs at budget + 1, same-budget pairs only", () => {
    const steps = new Map<string, ChildOutcome>();
    // train accuracy (no validation split) reaches 0.8 at step 10 or 20, or never (censored at 20)
    const reach = (at: 1 | 2 | null) => [
      record(1, 10, at === 1 ? 0.9 : 0.5),
      record(2, 20, at === 2 ? 0.9 : at === 1 ? 0.95 : 0.6),
    ];
    const off = arm(
      "off",
      [
        [1, 0.5, reach(2)],
        [2, 0.5, reach(2)],
        [3, 0.5, reach(null)],
        [4, 0.5, reach(null)],
        [5, 0.5, reach(2)],
      ],
      steps,
    );
    const lr = arm(
      "lr",
      [
        [1, 0.5, reach(1)],
        [2, 0.5, reach(1)],
        [3, 0.5, reach(1)],
        [4, 0.5, reach(null)],
        // censored after 10 steps: a shorter budget than the baseline's, so no pair
        [5, 0.5, [record(1, 5, 0.5), record(2, 10, 0.6)]],
      ],
      steps,
    );
    const comparisons = compareArms([off, lr], steps, {
      baselineArm: "off",
      threshold: { metric: "testAccuracy", value: 0.8 },
      context: "x",
    });
    expect(comparisons.map((c) => c.metric)).toEqual(["testAccuracy", "stepsToThreshold"]);
    const stepsComparison = comparisons[1]!;
    // censored runs count as budget + 1 = 21: worse than reaching at step 20
    expect(stepsComparison.pairs).toEqual([
      { seed: 1, value: 10, baselineValue: 20 },
      { seed: 2, value: 10, baselineValue: 20 },
      { seed: 3, value: 10, baselineValue: 21 },
      { seed: 4, value: 21, baselineValue: 21 },
    ]);
    expect(stepsComparison.censored).toEqual({ arm: 1, baseline: 2 });
    // seed 5: both completed, but a censored side against another budget
    expect(stepsComparison.unpaired).toEqual({ arm: 0, baseline: 0 });
    expect(stepsComparison.excluded).toEqual({ split: 0, budget: 1 });
    expect(stepsComparison.split).toBe("train");
    expect(stepsComparison.medianDiff).toBe(-10);
    // differences −10, −10, −11, 0: the zero is dropped, SciPy 1.10 (normal approximation,
    // tie-corrected variance) gives p = 0.10247043485974937
    expect(stepsComparison.wilcoxonP).toBeCloseTo(0.10247043485974937, 14);
    // equal final accuracies: p = 1
    expect(comparisons[0]!.wilcoxonP).toBe(1);
    expect(comparisons.map((c) => c.holmP)).toEqual(
      holmAdjust(comparisons.map((c) => c.wilcoxonP)),
    );
  });

  it("counts the seeds it leaves out: unpaired per side, steps excluded per reason", () => {
    const outcomes = new Map<string, ChildOutcome>();
    const train = [record(1, 10, 0.9)];
    const validation = [
      fillerRecord(1, { step: 10, validationLoss: 0.5, validationAccuracy: 0.9, testAccuracy: 0 }),
    ];
    // off: seed 2 failed; lr: seed 3 failed; seed 4 measured on another split in each arm
    const off = arm(
      "off",
      [
        [1, 0.5, train],
        [2, null],
        [3, 0.5, train],
        [4, 0.5, validation],
      ],
      outcomes,
    );
    const lr = arm(
      "lr",
      [
        [1, 0.75, train],
        [2, 0.75, train],
        [3, null],
        [4, 0.75, train],
      ],
      outcomes,
    );
    const [final, steps] = compareArms([off, lr], outcomes, {
      baselineArm: "off",
      threshold: { metric: "testAccuracy", value: 0.8 },
      context: "x",
    });
    expect(final).toMatchObject({ n: 2, unpaired: { arm: 1, baseline: 1 } });
    expect(final!.pairs.map((pair) => pair.seed)).toEqual([1, 4]);
    expect(steps).toMatchObject({
      metric: "stepsToThreshold",
      n: 1,
      unpaired: { arm: 1, baseline: 1 },
      excluded: { split: 1, budget: 0 },
      split: "train",
    });
    expect(comparisonsMarkdown([steps!]).split("\n")[2]).toBe(
      "| lr vs off | stepsToThreshold | 1 | 1/1 | 0.0 | [0.0, 0.0] | 1.00 | 1.00 | 0/0 | 1/0 |",
    );
  });

  it("the CSV appends the comparisons table after an empty line", () => {
    const experiment: ExperimentRecord = {
      id: "x",
      name: null,
      tags: [],
      createdAt: "2026-01-01T00:00:00.000Z",
      owner: null,
      grid: { "feedback.mode": ["off", "lr", "loss"], "training.seed": [1, 2, 3, 4, 5] },
      replicateField: "training.seed",
      threshold: { metric: "testAccuracy", value: 0.9 },
      arms: [baseline, lr, loss],
      compare: { baseline: { "feedback.mode": "off" }, baselineArm: "off", thresholdGiven: false },
    };
    const view = experimentView(experiment, children);
    expect(view.compare).toEqual({ baseline: { "feedback.mode": "off" }, baselineArm: "off" });
    const [arms, comparisons] = experimentCsv(view).split("\n\n") as [string, string];
    expect(parse(arms, { columns: true })).toHaveLength(3);
    const rows = parse(comparisons, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({
      comparisonArm: "loss",
      unpairedArm: "0",
      unpairedBaseline: "1",
    });
    expect(rows[0]).toMatchObject({
      comparisonArm: "lr",
      baseline: "off",
      metric: "testAccuracy",
      n: "5",
      unpairedArm: "0",
      unpairedBaseline: "0",
      medianDiff: "0.125",
      wilcoxonP: "0.3125",
      holmP: "0.3125",
      censoredArm: "",
      excludedSplit: "",
      excludedBudget: "",
      seeds: "1;2;3;4;5",
      values: "0.625;0.5;0.875;0.75;1",
      baselineValues: "0.5;0.625;0.75;0.5;0.875",
    });
    // without compare the CSV is the arms table alone, as before
    const { compare: _, ...plain } = experiment;
    expect(experimentCsv(experimentView(plain, children))).not.toContain("\n\n");
  });

  it("prints the comparisons as a Markdown table for people", () => {
    const comparisons = compareArms([baseline, lr, loss], children, {
      baselineArm: "off",
      threshold: null,
      context: "x",
    });
    expect(comparisonsMarkdown(comparisons).split("\n")).toEqual([
      "| arm vs baseline | metric | n | unpaired (arm/baseline) | median diff | 95 % CI | Wilcoxon p | Holm p | censored (arm/baseline) | excluded (split/budget) |",
      "|---|---|---|---|---|---|---|---|---|---|",
      `| lr vs off | testAccuracy | 5 | 0/0 | 0.1250 | [${comparisons[0]!.ci95.map((x) => x.toFixed(4)).join(", ")}] | 0.313 | 0.313 | — | — |`,
      "| loss vs off | testAccuracy | 4 | 0/1 | 0.2500 | [0.2500, 0.2500] | 0.125 | 0.250 | — | — |",
    ]);
  });

  it("seeds each bootstrap from a hash of experiment, arm, baseline and metric", () => {
    expect(comparisonSeed("x", "lr", "off", "testAccuracy")).toBe(
      comparisonSeed("x", "lr", "off", "testAccuracy"),
    );
    expect(comparisonSeed("x", "lr", "off", "testAccuracy")).not.toBe(
      comparisonSeed("x", "lr", "off", "stepsToThreshold"),
    );
    expect(comparisonSeed("x", "lr", "off", "testAccuracy")).not.toBe(
      comparisonSeed("y", "lr", "off", "testAccuracy"),
    );
    // FNV-1a 32-bit of "x\na\nb\ntestR2" (reference: the published FNV-1a definition)
    let hash = 0x811c9dc5;
    for (const byte of Buffer.from("x\na\nb\ntestR2")) {
      hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
    }
    expect(comparisonSeed("x", "a", "b", "testR2")).toBe(hash);
  });

  it("seeds the view's bootstraps by the submission: same spec alike, another spec not", () => {
    const spec = jobSpecSchema.parse({
      training: { epochs: 2, learningRate: 0.1 },
      dataset: { name: "moons" },
    });
    const submission: ExperimentRecord = {
      id: "01KB0000000000000000000001",
      name: null,
      tags: [],
      createdAt: "2026-01-01T00:00:00.000Z",
      owner: null,
      grid: { "feedback.mode": ["off", "lr"], "training.seed": [1, 2, 3, 4, 5] },
      replicateField: "training.seed",
      threshold: { metric: "testAccuracy", value: 0.9 },
      arms: [baseline, lr],
      compare: { baseline: { "feedback.mode": "off" }, baselineArm: "off", thresholdGiven: false },
      spec,
    };
    // the same submission elsewhere (another id and time, keys in another order): same seed
    const again = {
      ...submission,
      id: "01KB0000000000000000000002",
      createdAt: "2026-02-01T00:00:00.000Z",
      spec: jobSpecSchema.parse({
        dataset: { name: "moons" },
        training: { learningRate: 0.1, epochs: 2 },
      }),
    };
    const otherSpec = {
      ...submission,
      spec: { ...spec, training: { ...spec.training, epochs: 3 } },
    };
    // the canonical JSON of base spec and grid (keys sorted); a record stored before it had a
    // spec: the grid alone
    expect(comparisonContext(submission)).toMatch(
      /^\{"grid":\{"feedback\.mode":\["off","lr"\],"training\.seed":\[1,2,3,4,5\]\},"spec":\{"backend":/,
    );
    const { spec: _, ...older } = submission;
    expect(comparisonContext(older)).toBe(
      '{"grid":{"feedback.mode":["off","lr"],"training.seed":[1,2,3,4,5]}}',
    );
    expect(comparisonContext(again)).toBe(comparisonContext(submission));
    expect(comparisonContext(otherSpec)).not.toBe(comparisonContext(submission));
    // the same spec and grid with a tuned arm is another experiment
    const tuned = {
      ...submission,
      tune: [
        { arm: { "feedback.mode": "off" }, candidates: { "training.learningRate": [0.1, 1] } },
      ],
    };
    expect(comparisonContext(tuned)).not.toBe(comparisonContext(submission));
    const seedOf = (record: ExperimentRecord) =>
      comparisonSeed(comparisonContext(record), "lr", "off", "testAccuracy");
    expect(seedOf(otherSpec)).not.toBe(seedOf(submission));
    const ci = (record: ExperimentRecord) => experimentView(record, children).comparisons![0]!.ci95;
    expect(ci(again)).toEqual(ci(submission));
    // the view's interval is the bootstrap under exactly that seed
    const pairs = experimentView(submission, children).comparisons![0]!.pairs;
    expect(ci(submission)).toEqual(pairedComparison({ pairs, seed: seedOf(submission) }).ci95);
    expect(ci(otherSpec)).toEqual(pairedComparison({ pairs, seed: seedOf(otherSpec) }).ci95);
  });
});

describe("findBaselineArm", () => {
  const arms = [
    {
      key: "feedback.mode=off, feedback.alpha=1",
      values: { "feedback.mode": "off", "feedback.alpha": 1 },
    },
    {
      key: "feedback.mode=off, feedback.alpha=2",
      values: { "feedback.mode": "off", "feedback.alpha": 2 },
    },
    {
      key: "feedback.mode=lr, feedback.alpha=1",
      values: { "feedback.mode": "lr", "feedback.alpha": 1 },
    },
  ].map((armIdentity) => ({ ...armIdentity, metric: "testAccuracy" as const }));

  it("finds the one arm the values name", () => {
    expect(findBaselineArm(arms, { "feedback.mode": "lr" })).toBe(2);
    expect(findBaselineArm(arms, { "feedback.mode": "off", "feedback.alpha": 2 })).toBe(1);
  });

  it("refuses a baseline naming no arm, several arms, or a field that is not an arm field", () => {
    expect(() => findBaselineArm(arms, { "feedback.mode": "loss" })).toThrow(
      /^compare\.baseline: \{"feedback\.mode":"loss"\} matches no arm; it must name exactly one of the arms "feedback\.mode=off, feedback\.alpha=1", /,
    );
    expect(() => findBaselineArm(arms, { "feedback.mode": "off" })).toThrow(
      /^compare\.baseline: .* matches 2 arms;/,
    );
    expect(() => findBaselineArm(arms, { "training.seed": 1 })).toThrow(
      "compare.baseline.training.seed: not a field that defines the arms (they vary feedback.mode, feedback.alpha)",
    );
  });
});
