import { describe, expect, it } from "vitest";
import { type Derivation, deriveReady, resolveArms } from "../../src/experiments/derive.js";
import {
  type ExperimentDefinition,
  planExperimentRecord,
} from "../../src/experiments/plan-record.js";
import { plannedChildCount } from "../../src/experiments/slots.js";
import type { ChildOutcome, ExperimentRecord } from "../../src/experiments/types.js";
import { experimentView, waitingChildren } from "../../src/experiments/view.js";
import type { EpochRecord, RunSummary } from "../../src/training/records.js";
import { jobSpecSchema, parseJobSpec } from "../../src/training/spec.js";
import { errorOf } from "../helpers/errors.js";
import { fillerRecord } from "../helpers/records.js";

const SPEC = jobSpecSchema.parse({
  dataset: { name: "moons", samples: 40, validationFraction: 0.25 },
  model: { qubits: 2, layers: 1 },
  training: { epochs: 2 },
  feedback: { target: "baseline" },
});

/** Baseline (feedback off) tuned over 3 rates; the lr arm inherits the rate, targets the baseline. */
const DEFINITION: ExperimentDefinition = {
  id: "E1",
  name: null,
  tags: [],
  createdAt: "2026-12-03T00:00:00.000Z",
  owner: null,
  spec: SPEC,
  grid: { "feedback.mode": ["off", "lr"], "training.seed": [1, 2] },
  compare: { baseline: { "feedback.mode": "off" } },
  controls: ["dose-matched"],
  tune: [
    { arm: { "feedback.mode": "off" }, candidates: { "training.learningRate": [0.05, 0.1, 0.2] } },
  ],
  inherit: [{ arm: { "feedback.mode": "lr" }, fields: ["training.learningRate"] }],
};

/** The record with the derivation's ready children launched under ids `<arm>/<slot>`. */
function launch(record: ExperimentRecord, derivation: Derivation): ExperimentRecord {
  return {
    ...record,
    arms: record.arms.map((arm, armIndex) => {
      const ready = derivation.ready.filter((child) => child.armIndex === armIndex);
      const unrunnable = derivation.unrunnable.filter((child) => child.armIndex === armIndex);
      return {
        ...arm,
        jobIds: [...arm.jobIds, ...ready.map((child) => `${armIndex}/${child.slot}`)],
        slots: [...(arm.slots ?? []), ...ready.map((child) => child.slot)],
        unrunnable: [
          ...(arm.unrunnable ?? []),
          ...unrunnable.map(({ slot, message }) => ({ slot, message })),
        ],
      };
    }),
  };
}

function completed(
  id: string,
  seed: number,
  records: EpochRecord[],
  summary: Partial<RunSummary> = {},
): ChildOutcome {
  return {
    id,
    status: "completed",
    seed,
    records,
    summary: {
      epochs: records.length,
      task: "classification",
      finalIxt: 0,
      finalIty: 0,
      circuitEvaluations: 0,
      elapsedMs: 1,
      ...summary,
    },
  };
}

const failed = (id: string): ChildOutcome => ({ id, status: "failed", records: [], summary: null });

/** Two epochs; the selected one (1) carries the validation numbers and I(X;T). */
function run(id: string, seed: number, accuracy: number, loss: number, ixt = 0.5): ChildOutcome {
  return completed(
    id,
    seed,
    [
      fillerRecord(1, { validationAccuracy: accuracy, validationLoss: loss, ixt, step: 10 }),
      fillerRecord(2, { validationAccuracy: 0.99, validationLoss: 0.01, ixt: 1.9, step: 20 }),
    ],
    { selectedEpoch: 1, testAccuracy: accuracy - 0.1, meanLearningRate: 0.3 },
  );
}

describe("planExperimentRecord", () => {
  it("stores the definition: tuned, deferred and control arms with empty jobIds", () => {
    const record = planExperimentRecord(DEFINITION, { maxJobs: 100 });
    expect(
      record.arms.map(({ key, tuning, deferred, jobIds, slots }) => ({
        key,
        candidates: tuning?.candidates.length,
        deferred,
        jobIds,
        slots,
      })),
    ).toEqual([
      { key: "feedback.mode=off", candidates: 3, deferred: undefined, jobIds: [], slots: [] },
      { key: "feedback.mode=lr", candidates: undefined, deferred: true, jobIds: [], slots: [] },
      {
        key: "feedback.mode=lr / dose-matched",
        candidates: undefined,
        deferred: true,
        jobIds: [],
        slots: [],
      },
    ]);
    expect(record.spec).toBe(SPEC);
    expect(record.tune).toBe(DEFINITION.tune);
    expect(record.inherit).toBe(DEFINITION.inherit);
    // 2 seeds × (3 candidates + 1 lr run + 1 control)
    expect(plannedChildCount(record)).toBe(10);
  });

  it("counts every candidate and control against maxJobs", () => {
    expect(errorOf(() => planExperimentRecord(DEFINITION, { maxJobs: 9 }))).toEqual({
      code: "QPLANE_ERR_LIMIT_EXCEEDED",
      message:
        "grid/tune/controls: the experiment would have 10 jobs (2 seeds × (2 grid arms + 2 more tuning candidates + 1 control arm)), more than the 9 an experiment may have",
    });
  });

  it("names only what adds children when controls alone exceed maxJobs", () => {
    const untuned = { ...DEFINITION, tune: undefined, inherit: undefined };
    expect(errorOf(() => planExperimentRecord(untuned, { maxJobs: 5 }))).toEqual({
      code: "QPLANE_ERR_LIMIT_EXCEEDED",
      message:
        "grid/controls: the experiment would have 6 jobs (2 seeds × (2 grid arms + 1 control arm)), more than the 5 an experiment may have",
    });
  });

  it("needs no baseline for a target of baseline with feedback off, and reads it as label-entropy", () => {
    const record = planExperimentRecord(
      {
        ...DEFINITION,
        grid: { "training.seed": [1, 2] },
        compare: undefined,
        controls: undefined,
        tune: undefined,
        inherit: undefined,
      },
      { maxJobs: 100 },
    );
    expect(record.arms.map((arm) => arm.deferred)).toEqual([undefined]);
    const { ready } = deriveReady(record, new Map());
    expect(ready.map((child) => [child.slot, child.spec.feedback.target])).toEqual([
      ["r0", "label-entropy"],
      ["r1", "label-entropy"],
    ]);
  });

  const refused: [string, Partial<ExperimentDefinition>, string][] = [
    [
      "a tuned arm without a validation split",
      { spec: { ...SPEC, dataset: { ...SPEC.dataset, validationFraction: 0 } } },
      "tune[0]: arm feedback.mode=off has no validation split to choose its candidates on (set dataset.validationFraction > 0)",
    ],
    [
      "inherit without compare",
      {
        compare: undefined,
        controls: undefined,
        spec: { ...SPEC, feedback: { ...SPEC.feedback, target: 1 } },
      },
      "inherit: needs compare.baseline (the arm whose selected run the fields are taken from)",
    ],
    [
      "target baseline without compare",
      { compare: undefined, controls: undefined, inherit: undefined },
      'feedback.target: "baseline" (the baseline run\'s I(X;T)) needs compare.baseline naming the baseline arm',
    ],
    [
      "a baseline arm targeting the baseline",
      {
        compare: { baseline: { "feedback.mode": "lr" } },
        inherit: undefined,
        controls: undefined,
        tune: undefined,
      },
      'feedback.target: the baseline arm feedback.mode=lr cannot target "baseline" (its own I(X;T)); give it a number, "label-entropy" or "relevance"',
    ],
    [
      "an unknown candidate field",
      { tune: [{ arm: { "feedback.mode": "off" }, candidates: { "training.rate": [1] } }] },
      'tune[0].candidates.training.rate: unknown spec field "training.rate" (fields look like "training.learningRate")',
    ],
    [
      "a grid field as candidate",
      { tune: [{ arm: { "feedback.mode": "off" }, candidates: { "feedback.mode": ["lr"] } }] },
      'tune[0].candidates.feedback.mode: "feedback.mode" is a grid field (each arm has one value of it)',
    ],
    [
      "an invalid candidate value",
      {
        tune: [
          { arm: { "feedback.mode": "off" }, candidates: { "training.learningRate": [0.1, -1] } },
        ],
      },
      "tune[0].candidates.training.learningRate[1] = -1: spec.training.learningRate: Too small: expected number to be >0 (got -1)",
    ],
    [
      "an arm tuned twice",
      {
        tune: [
          { arm: {}, candidates: { "training.learningRate": [0.1, 0.2] } },
          { arm: { "feedback.mode": "off" }, candidates: { "feedback.alpha": [1, 2] } },
        ],
        inherit: undefined,
      },
      "tune[1].arm: arm feedback.mode=off is already tuned by tune[0]",
    ],
    [
      "a tune selector naming no arm",
      { tune: [{ arm: { "feedback.mode": "loss" }, candidates: { "feedback.alpha": [1, 2] } }] },
      "tune[0].arm: matches no arm (arms: feedback.mode=off; feedback.mode=lr)",
    ],
    [
      "the baseline inheriting",
      { inherit: [{ arm: { "feedback.mode": "off" }, fields: ["training.learningRate"] }] },
      "inherit[0].arm: matches the baseline arm feedback.mode=off, which cannot inherit from itself",
    ],
    ...(
      [
        "dataset.seed",
        "dataset.samples",
        "dataset.testFraction",
        "dataset.validationFraction",
        "dataset.noise",
      ] as const
    ).flatMap((field): [string, Partial<ExperimentDefinition>, string][] => [
      [
        `tuning ${field}`,
        { tune: [{ arm: { "feedback.mode": "off" }, candidates: { [field]: [1, 2] } }] },
        `tune[0].candidates.${field}: "${field}" defines the data or its split, which tune and inherit may not change: chosen on validation it would pick the easiest data and change the test set, breaking the pairing by seed (vary it in the grid instead)`,
      ],
      [
        `inheriting ${field}`,
        { inherit: [{ arm: { "feedback.mode": "lr" }, fields: ["feedback.alpha", field] }] },
        `inherit[0].fields[1]: "${field}" defines the data or its split, which tune and inherit may not change: chosen on validation it would pick the easiest data and change the test set, breaking the pairing by seed (vary it in the grid instead)`,
      ],
    ]),
    [
      "an inherited grid field",
      { inherit: [{ arm: { "feedback.mode": "lr" }, fields: ["training.seed"] }] },
      'inherit[0].fields[0]: "training.seed" is the replicate seed, which is paired, not chosen',
    ],
    [
      "a baseline naming no arm",
      { compare: { baseline: { "feedback.mode": "loss" } } },
      'compare.baseline: {"feedback.mode":"loss"} matches no arm; it must name exactly one of the arms "feedback.mode=off", "feedback.mode=lr"',
    ],
  ];
  it.each(refused)("refuses %s", (_, change, message) => {
    const error = errorOf(() =>
      planExperimentRecord({ ...DEFINITION, ...change }, { maxJobs: 100 }),
    );
    expect(error).toEqual({ code: "QPLANE_ERR_GRID_INVALID", message });
  });
});

describe("deriveReady", () => {
  it("runs the baseline's candidates, then the inheriting arm, then controls", () => {
    let record = planExperimentRecord(DEFINITION, { maxJobs: 100 });
    const outcomes = new Map<string, ChildOutcome>();
    const first = deriveReady(record, outcomes);
    expect(first.ready.map((child) => `${child.armIndex}/${child.slot}`)).toEqual([
      "0/r0.c0",
      "0/r0.c1",
      "0/r0.c2",
      "0/r1.c0",
      "0/r1.c1",
      "0/r1.c2",
    ]);
    expect(first.ready.map((child) => child.spec.training.learningRate)).toEqual([
      0.05, 0.1, 0.2, 0.05, 0.1, 0.2,
    ]);
    // feedback off: the target is never read, the default stands in for "baseline"
    expect(first.ready[0]!.spec.feedback.target).toBe("label-entropy");
    record = launch(record, first);
    expect(waitingChildren(record)).toBe(4);
    expect(deriveReady(record, outcomes)).toEqual({ ready: [], unrunnable: [] });

    // seed 1: c1 and c2 tie on accuracy, c2 has the lower validation loss; seed 2 still running
    outcomes.set("0/r0.c0", run("0/r0.c0", 1, 0.8, 0.5));
    outcomes.set("0/r0.c1", run("0/r0.c1", 1, 0.9, 0.4));
    outcomes.set("0/r0.c2", run("0/r0.c2", 1, 0.9, 0.3, 0.7));
    outcomes.set("0/r1.c0", failed("0/r1.c0"));
    outcomes.set("0/r1.c1", run("0/r1.c1", 2, 0.7, 0.6, 0.4));
    const second = deriveReady(record, outcomes);
    expect(second.ready).toHaveLength(1);
    const inheriting = second.ready[0]!;
    expect([inheriting.armIndex, inheriting.slot, inheriting.replicate]).toEqual([1, "r0", 1]);
    // c2's rate, and I(X;T) at its selected epoch (1), not its last (1.9)
    expect(inheriting.spec.training.learningRate).toBe(0.2);
    expect(inheriting.spec.feedback.target).toBe(0.7);
    expect(inheriting.spec.feedback.mode).toBe("lr");
    expect(() => parseJobSpec(inheriting.spec)).not.toThrow();
    record = launch(record, second);
    expect(waitingChildren(record)).toBe(3);

    // seed 2: c0 failed and is skipped, c2 fails too: c1 is selected
    outcomes.set("0/r1.c2", failed("0/r1.c2"));
    outcomes.set("1/r0", run("1/r0", 1, 0.85, 0.4));
    const third = deriveReady(record, outcomes);
    expect(third.ready.map((child) => `${child.armIndex}/${child.slot}`)).toEqual(["1/r1", "2/r0"]);
    expect(third.ready[0]!.spec.training.learningRate).toBe(0.1);
    expect(third.ready[0]!.spec.feedback.target).toBe(0.4);
    // dose-matched: feedback off at the lr run's mean rate, constant
    const dose = third.ready[1]!.spec;
    expect([dose.feedback.mode, dose.training.schedule, dose.training.learningRate]).toEqual([
      "off",
      "constant",
      0.3,
    ]);
    record = launch(record, third);
    expect(waitingChildren(record)).toBe(1);

    outcomes.set("1/r1", failed("1/r1"));
    const fourth = deriveReady(record, outcomes);
    expect(fourth).toEqual({
      ready: [],
      unrunnable: [
        {
          armIndex: 2,
          slot: "r1",
          message:
            "controls: its feedback run: arm feedback.mode=lr has no completed run for seed 2",
        },
      ],
    });
    record = launch(record, fourth);
    expect(waitingChildren(record)).toBe(0);
    expect(deriveReady(record, outcomes)).toEqual({ ready: [], unrunnable: [] });

    // aggregation sees the selected candidate per seed
    const { arms, selections } = resolveArms(record, outcomes);
    expect(arms[0]!.jobIds).toEqual(["0/r0.c2", "0/r1.c1"]);
    expect(arms[0]!.slots).toBeUndefined();
    expect(selections).toEqual([
      [
        { seed: 1, candidate: { "training.learningRate": 0.2 }, jobId: "0/r0.c2" },
        { seed: 2, candidate: { "training.learningRate": 0.1 }, jobId: "0/r1.c1" },
      ],
      undefined,
      undefined,
    ]);
    const view = experimentView(record, outcomes);
    expect(view.arms[0]!.selected).toEqual(selections[0]);
    expect(view.arms[0]!.finalMetric).toEqual({ mean: 0.7, std: 0.14142135623730953, n: 2 });
    expect(view.counts.failed).toBe(3);
  });

  it("derives a tuned arm's placebo from the donor's trajectory relative to the donor's own η₀", () => {
    let record = planExperimentRecord(
      {
        ...DEFINITION,
        spec: { ...SPEC, feedback: { ...SPEC.feedback, target: 1 } },
        controls: ["placebo"],
        tune: [
          { arm: { "feedback.mode": "lr" }, candidates: { "training.learningRate": [0.1, 0.2] } },
        ],
        inherit: undefined,
      },
      { maxJobs: 100 },
    );
    const outcomes = new Map<string, ChildOutcome>();
    record = launch(record, deriveReady(record, outcomes));
    // seed 1 selects η₀ = 0.1; seed 2 selects η₀ = 0.2 and ran at 0.4 then 0.1
    const steered = (id: string, seed: number, accuracy: number, rates: [number, number]) =>
      completed(id, seed, [
        fillerRecord(1, { validationAccuracy: accuracy, step: 2, meanLearningRate: rates[0] }),
        fillerRecord(2, { validationAccuracy: accuracy, step: 3, meanLearningRate: rates[1] }),
      ]);
    outcomes.set("0/r0", run("0/r0", 1, 0.8, 0.5));
    outcomes.set("0/r1", run("0/r1", 2, 0.8, 0.5));
    outcomes.set("1/r0.c0", steered("1/r0.c0", 1, 0.9, [0.1, 0.1]));
    outcomes.set("1/r0.c1", steered("1/r0.c1", 1, 0.7, [0.2, 0.2]));
    outcomes.set("1/r1.c0", steered("1/r1.c0", 2, 0.7, [0.1, 0.1]));
    outcomes.set("1/r1.c1", steered("1/r1.c1", 2, 0.9, [0.4, 0.1]));
    const placebos = deriveReady(record, outcomes).ready;
    expect(placebos.map((child) => `${child.armIndex}/${child.slot}`)).toEqual(["2/r0", "2/r1"]);
    // seed 1 replays seed 2's shape (0.4, 0.4, 0.1 ÷ 0.2) on its own η₀ 0.1
    expect(placebos[0]!.spec.training.learningRate).toBe(0.1);
    expect(placebos[0]!.spec.training.replay).toEqual([2, 2, 0.5]);
    // seed 2 replays seed 1's constant 0.1 ÷ 0.1 on its η₀ 0.2
    expect(placebos[1]!.spec.training.learningRate).toBe(0.2);
    expect(placebos[1]!.spec.training.replay).toEqual([1, 1, 1]);
  });

  it("keeps the earliest candidate on a full tie, and makes dependants unrunnable when all fail", () => {
    let record = planExperimentRecord(
      {
        ...DEFINITION,
        controls: undefined,
        grid: { "feedback.mode": ["off", "lr"], "training.seed": [1] },
      },
      { maxJobs: 100 },
    );
    const outcomes = new Map<string, ChildOutcome>();
    record = launch(record, deriveReady(record, outcomes));
    outcomes.set("0/r0.c0", failed("0/r0.c0"));
    outcomes.set("0/r0.c1", run("0/r0.c1", 1, 0.9, 0.4));
    outcomes.set("0/r0.c2", run("0/r0.c2", 1, 0.9, 0.4));
    expect(deriveReady(record, outcomes).ready[0]!.spec.training.learningRate).toBe(0.1);
    outcomes.set("0/r0.c1", failed("0/r0.c1"));
    outcomes.set("0/r0.c2", failed("0/r0.c2"));
    expect(deriveReady(record, outcomes)).toEqual({
      ready: [],
      unrunnable: [
        {
          armIndex: 1,
          slot: "r0",
          message: "its baseline: arm feedback.mode=off has no completed run for seed 1",
        },
      ],
    });
  });

  it("derives nothing from a record stored before it carried its spec", () => {
    const { spec: _spec, ...old } = planExperimentRecord(DEFINITION, { maxJobs: 100 });
    expect(deriveReady(old, new Map())).toEqual({ ready: [], unrunnable: [] });
  });
});

describe("feedback.target baseline outside an experiment", () => {
  it("is refused for a single run, naming the field", () => {
    expect(
      errorOf(() =>
        parseJobSpec({ dataset: { name: "moons" }, feedback: { mode: "lr", target: "baseline" } }),
      ),
    ).toEqual({
      code: "QPLANE_ERR_SPEC_INVALID",
      message:
        'spec.feedback.target: "baseline" is the baseline run\'s I(X;T), only in experiments with compare.baseline; give a number of bits, "label-entropy" or "relevance"',
    });
  });
});
