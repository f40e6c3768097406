import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compareAll, verdicts } from "../../bench/feedback/analysis.js";
import type { Role } from "../../bench/feedback/design.js";
import {
  type CachedChild,
  type CachedExperiment,
  extractExperiment,
} from "../../bench/feedback/extract.js";
import { smallestHolmP } from "../../bench/feedback/report.js";
import { fillerRecord } from "../helpers/records.js";

const SEEDS = Array.from({ length: 10 }, (_, index) => index + 1);

function child(seed: number, role: Role, test: number, extra: Partial<CachedChild> = {}) {
  return {
    seed,
    role,
    candidate: null,
    test,
    validation: test,
    steps: 100,
    censored: false,
    auc: 0.5,
    meanRate: 0.1,
    ixt: 1,
    ity: 0.5,
    ...extra,
  } satisfies CachedChild;
}

/**
 * One experiment whose arm `role` scores `base + offset(role) + seed/1000` per seed: equal
 * offsets give all-zero differences (Wilcoxon p = 1); a positive offset makes every one of
 * the 10 paired differences positive (exact two-sided p = 2/2^10 = 0.001953125).
 */
function experiment(
  dataset: string,
  offsets: Partial<Record<Role, number>>,
  model = "vqc4x3",
): CachedExperiment {
  const roles: Role[] = ["A", "B", "C", "D", "E"];
  const children = SEEDS.flatMap((seed) =>
    roles.map((role) => child(seed, role, 0.8 + (offsets[role] ?? 0) + seed / 1000)),
  );
  return {
    version: 2,
    family: "primary",
    dataset,
    model,
    metric: "testAccuracy",
    threshold: 0.9,
    seeds: SEEDS,
    submissionSha256: "0",
    wallMs: 1,
    warnings: [],
    children,
    // a tuning candidate not kept, which would win every comparison if it were counted
    candidates: [{ seed: 1, role: "B", candidate: 2, kept: false, validation: 5, test: 5 }],
    trajectories: {},
  };
}

const p10 = 2 / 1024;

describe("bench:feedback analysis", () => {
  it("pairs selected runs by seed, Holm-adjusts across data sets × comparisons", () => {
    const rows = compareAll([experiment("moons", { B: 0.05 }), experiment("iris", {})]);
    const test = rows.filter((row) => row.metric === "test");
    // 2 data sets × 5 comparisons in one Holm family
    expect(test).toHaveLength(10);
    const moonsBA = test.find((r) => r.dataset === "moons" && r.arm === "B" && r.baseline === "A")!;
    expect(moonsBA.n).toBe(10);
    expect(moonsBA.medianDiff).toBeCloseTo(0.05, 12);
    expect(moonsBA.wilcoxonP).toBe(p10);
    // four comparisons at p10 (B−A, B−C, B−D, B−E on moons), six at p = 1
    expect(moonsBA.holmP).toBeCloseTo(10 * p10, 12);
    expect(moonsBA.better).toBe(true);
    const irisBA = test.find((r) => r.dataset === "iris" && r.arm === "B" && r.baseline === "A")!;
    expect(irisBA.wilcoxonP).toBe(1);
    expect(irisBA.holmP).toBe(1);
    expect(irisBA.better).toBe(false);
    expect(irisBA.worse).toBe(false);
  });

  it("says 'helps' when B beats A, C and D on half the data sets and never loses", () => {
    const rows = compareAll([experiment("moons", { B: 0.05 }), experiment("iris", {})]);
    expect(verdicts(rows)).toEqual([
      {
        family: "primary",
        model: "vqc4x3",
        datasets: ["moons", "iris"],
        wins: ["moons"],
        losses: [],
        helps: true,
      },
    ]);
  });

  it("says 'does not help' when B beats A but not the dose-matched control", () => {
    // the dose explains the gain: C is as good as B
    const rows = compareAll([experiment("moons", { B: 0.05, C: 0.05 }), experiment("iris", {})]);
    const [verdict] = verdicts(rows);
    expect(verdict!.wins).toEqual([]);
    expect(verdict!.helps).toBe(false);
  });

  it("says 'does not help' when B is significantly worse than the placebo anywhere", () => {
    const rows = compareAll([
      experiment("moons", { B: 0.05 }),
      experiment("circles", { B: 0.05 }),
      experiment("iris", { A: 0.1, C: 0.1, D: 0.2, B: 0.1, E: 0.1 }),
    ]);
    const [verdict] = verdicts(rows);
    expect(verdict!.wins).toEqual(["moons", "circles"]);
    expect(verdict!.losses).toEqual(["iris"]);
    expect(verdict!.helps).toBe(false);
  });

  it("needs Holm, not raw p: B's wins at raw p = 0.03125 are not significant among 15 tests", () => {
    // 6 seeds all positive: exact p = 2/64 = 0.03125 raw; Holm over 3 data sets × 5
    // comparisons: the four tied smallest p (B−A, B−C, B−D, B−E) all become 15 × 0.03125
    const few = (dataset: string, offsets: Partial<Record<Role, number>>) => {
      const full = experiment(dataset, offsets);
      return { ...full, children: full.children.filter((c) => c.seed <= 6) };
    };
    const rows = compareAll([few("moons", { B: 0.05 }), few("iris", {}), few("sine", {})]);
    const moonsBA = rows.find(
      (r) => r.metric === "test" && r.dataset === "moons" && r.baseline === "A" && r.arm === "B",
    )!;
    expect(moonsBA.wilcoxonP).toBe(0.03125);
    expect(moonsBA.holmP).toBe(0.46875);
    expect(moonsBA.better).toBe(false);
    expect(verdicts(rows)[0]!.helps).toBe(false);
  });

  it("counts fewer steps as better for B and skips experiments without results", () => {
    const faster = experiment("moons", {});
    const children = faster.children.map((c) =>
      c.role === "B" ? { ...c, steps: 90 - c.seed } : c,
    );
    const skipped: CachedExperiment = {
      ...experiment("iris", {}),
      skipped: "feedback.target: unreachable",
    };
    const rows = compareAll([{ ...faster, children }, skipped]);
    expect(rows.some((row) => row.dataset === "iris")).toBe(false);
    const steps = rows.find((r) => r.metric === "steps" && r.arm === "B" && r.baseline === "A")!;
    expect(steps.medianDiff).toBe(-15.5);
    expect(steps.wilcoxonP).toBe(p10);
    expect(steps.better).toBe(true);
    expect(steps.worse).toBe(false);
  });
});

describe("bench:feedback extraction", () => {
  /** A run folder: spec.json, metrics.json, summary.json. */
  function writeChild(
    dir: string,
    id: string,
    spec: { seed: number; mode: string; schedule: string; learningRate: number; alpha?: number },
    validation: readonly number[],
  ) {
    mkdirSync(join(dir, id));
    const write = (name: string, value: unknown) =>
      writeFileSync(join(dir, id, name), JSON.stringify(value));
    write("spec.json", {
      training: { seed: spec.seed, schedule: spec.schedule, learningRate: spec.learningRate },
      feedback: { mode: spec.mode, alpha: spec.alpha ?? 1 },
    });
    const records = validation.map((accuracy, index) =>
      fillerRecord(index + 1, {
        step: 10 * (index + 1),
        validationAccuracy: accuracy,
        validationLoss: 1 - accuracy,
        ixt: index + 1,
        ity: (index + 1) / 2,
      }),
    );
    write("metrics.json", { metrics: records });
    const best = validation.indexOf(Math.max(...validation)) + 1;
    write("summary.json", {
      selectedEpoch: best,
      testAccuracy: validation[best - 1]! - 0.05,
      finalIxt: validation.length,
      finalIty: validation.length / 2,
      meanLearningRate: spec.learningRate,
    });
  }

  it("keeps the arms' listed runs, reads roles, candidates, steps and the area", () => {
    const dir = mkdtempSync(join(tmpdir(), "bench-feedback-test-"));
    try {
      const A = { "feedback.mode": "off", "training.schedule": "constant" };
      const B = { "feedback.mode": "lr", "training.schedule": "constant" };
      const bKey = "feedback.mode=lr, training.schedule=constant";
      writeFileSync(
        join(dir, "experiment.json"),
        JSON.stringify({
          arms: [
            { key: "a", values: A, jobIds: ["001-arm1-seed1-c2"] },
            { key: bKey, values: B, jobIds: ["003-arm3-seed1-c1"] },
            {
              key: `${bKey} / placebo`,
              values: B,
              jobIds: ["005-arm3-placebo-seed1"],
              control: { kind: "placebo", of: bKey },
            },
          ],
        }),
      );
      const off = { seed: 1, mode: "off", schedule: "constant" };
      writeChild(dir, "001-arm1-seed1-c1", { ...off, learningRate: 0.1 }, [0.5, 0.6, 0.7]);
      writeChild(dir, "001-arm1-seed1-c2", { ...off, learningRate: 1 }, [0.8, 0.95, 0.9]);
      const lr = { seed: 1, mode: "lr", schedule: "constant", learningRate: 1 };
      writeChild(dir, "003-arm3-seed1-c1", { ...lr, alpha: 0.5 }, [0.91, 0.92, 0.93]);
      writeChild(
        dir,
        "005-arm3-placebo-seed1",
        { ...off, schedule: "replay", learningRate: 1 },
        [0.5, 0.6, 0.7],
      );
      const result = extractExperiment({
        dir,
        family: "primary",
        dataset: { name: "moons", metric: "testAccuracy", threshold: 0.9 },
        model: "mlp",
        seeds: [1],
        submissionSha256: "x",
        wallMs: 12.4,
      });
      expect(result.skipped).toBeUndefined();
      expect(result.warnings).toEqual([]);
      expect(
        result.children.map((c) => [c.role, c.candidate, c.test, c.steps, c.censored]),
      ).toEqual([
        ["A", 1, 0.9, 20, false],
        ["B", 0.5, 0.88, 10, false],
        // never reached 0.9: censored at the budget (30 steps) + 1
        ["D", null, 0.65, 31, true],
      ]);
      // mean validation loss (0.2 + 0.05 + 0.1) / 3, cached to 5 significant digits
      expect(result.children[0]!.auc).toBe(0.11667);
      expect(result.candidates).toEqual([
        { seed: 1, role: "A", candidate: 0.1, kept: false, validation: 0.7, test: 0.65 },
        { seed: 1, role: "A", candidate: 1, kept: true, validation: 0.95, test: 0.9 },
        { seed: 1, role: "B", candidate: 0.5, kept: true, validation: 0.93, test: 0.88 },
      ]);
      expect(result.trajectories.A).toEqual({ ixt: [1, 2, 3], ity: [0.5, 1, 1.5] });
      expect(result.wallMs).toBe(12);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("bench:feedback power floor", () => {
  it("is m × 2/2^n: 5 seeds can never pass Holm over 15 tests, 20 seeds over 45 can", () => {
    expect(smallestHolmP(15, 5)).toBe(0.9375);
    expect(smallestHolmP(45, 20)).toBe(90 / 2 ** 20);
    expect(smallestHolmP(45, 3)).toBe(1);
  });
});
