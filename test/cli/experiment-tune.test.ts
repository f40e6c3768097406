import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { experimentCommand } from "../../src/cli/experiment.js";
import type { ArmComparison } from "../../src/experiments/comparisons.js";
import type { ExperimentView } from "../../src/experiments/view.js";
import type { EpochRecord, RunSummary } from "../../src/training/records.js";

const work = mkdtempSync(join(tmpdir(), "qplane-experiment-tune-"));

/** Baseline tuned over 2 rates; the lr arm inherits its rate and targets its I(X;T); controls. */
const FILE = {
  spec: {
    dataset: { name: "moons", samples: 40, validationFraction: 0.25 },
    model: { qubits: 2, layers: 1, encoding: "fixed", scaling: "minmax", classMap: "modulo" },
    training: { epochs: 2, schedule: "constant" },
    feedback: { target: "baseline" },
  },
  grid: { "feedback.mode": ["off", "lr"], "training.seed": [1, 2] },
  compare: { baseline: { "feedback.mode": "off" } },
  controls: ["dose-matched", "placebo"],
  tune: [{ arm: { "feedback.mode": "off" }, candidates: { "training.learningRate": [0.05, 0.2] } }],
  inherit: [{ arm: { "feedback.mode": "lr" }, fields: ["training.learningRate"] }],
};

interface Result {
  dir: string;
  experiment: ExperimentView;
  comparisons: ArmComparison[];
}

async function runFile(name: string, body: unknown, childArtifacts?: "full" | "metrics") {
  const specPath = join(work, name);
  writeFileSync(specPath, JSON.stringify(body));
  let out = "";
  await experimentCommand(
    {
      specPath,
      runsDir: work,
      json: true,
      quiet: false,
      parallel: 1,
      ...(childArtifacts ? { childArtifacts } : {}),
    },
    (text) => {
      out += text;
    },
  );
  return JSON.parse(out.trim()) as Result;
}

/** The compiled command (worker threads exist only in dist/). */
const bin = fileURLToPath(new URL("../../bin/qplane.js", import.meta.url));

const readJson = <T>(path: string) => JSON.parse(readFileSync(path, "utf8")) as T;

describe("qplane experiment with tune, inherit and feedback.target baseline", () => {
  it("selects candidates on validation, derives the inheriting arm and controls from them", async () => {
    const { dir, experiment, comparisons } = await runFile("tuned.json", FILE, "metrics");
    expect(experiment.jobIds).toEqual([
      "001-arm1-seed1-c1",
      "002-arm1-seed1-c2",
      "003-arm1-seed2-c1",
      "004-arm1-seed2-c2",
      "005-arm2-seed1",
      "006-arm2-seed2",
      "007-arm2-dose-matched-seed1",
      "008-arm2-dose-matched-seed2",
      "009-arm2-placebo-seed1",
      "010-arm2-placebo-seed2",
    ]);
    expect(experiment.counts.completed).toBe(10);
    const [baseline, feedback] = experiment.arms;
    // the selection is the candidate with the best validation accuracy at its selected epoch
    const validation = (childId: string) => {
      const { metrics } = readJson<{ metrics: EpochRecord[] }>(join(dir, childId, "metrics.json"));
      return metrics.at(-1)!;
    };
    const expected = [1, 2].map((seed, index) => {
      const ids = [
        `00${2 * index + 1}-arm1-seed${seed}-c1`,
        `00${2 * index + 2}-arm1-seed${seed}-c2`,
      ];
      const [a, b] = ids.map(validation) as [EpochRecord, EpochRecord];
      const second =
        b.validationAccuracy! > a.validationAccuracy! ||
        (b.validationAccuracy === a.validationAccuracy && b.validationLoss! < a.validationLoss!);
      return {
        seed,
        candidate: { "training.learningRate": second ? 0.2 : 0.05 },
        jobId: ids[second ? 1 : 0]!,
      };
    });
    expect(baseline!.selected).toEqual(expected);
    expect(baseline!.jobIds).toEqual(expected.map((entry) => entry.jobId));
    expect(baseline!.jobs).toBe(2);
    // arm 2 runs at the selected rate, aiming at the selected run's last (selected) I(X;T)
    for (const [index, entry] of expected.entries()) {
      const spec = readJson<{ training: { learningRate: number }; feedback: { target: unknown } }>(
        join(dir, `00${5 + index}-arm2-seed${entry.seed}`, "spec.json"),
      );
      expect(spec.training.learningRate).toBe(entry.candidate["training.learningRate"]);
      expect(spec.feedback.target).toBe(validation(entry.jobId).ixt);
    }
    expect(feedback!.selected).toBeUndefined();
    // dose-matched: constant at the feedback run's mean rate
    const summary = readJson<RunSummary>(join(dir, "005-arm2-seed1", "summary.json"));
    const dose = readJson<{ training: { learningRate: number } }>(
      join(dir, "007-arm2-dose-matched-seed1", "spec.json"),
    );
    expect(dose.training.learningRate).toBe(summary.meanLearningRate);
    expect(comparisons.map((comparison) => `${comparison.arm}: ${comparison.n}`)).toEqual([
      "feedback.mode=lr: 2",
      "feedback.mode=lr / dose-matched: 2",
      "feedback.mode=lr / placebo: 2",
    ]);
    // "metrics" artifacts: no plots, no CSV
    expect(readdirSync(join(dir, "001-arm1-seed1-c1")).sort()).toEqual([
      "metrics.json",
      "spec.json",
      "summary.json",
    ]);
    expect(existsSync(join(dir, "experiment.json"))).toBe(true);
  }, 120_000);

  it("writes the slots that can never run as error files when a tuned baseline fails", async () => {
    const { dir, experiment } = await runFile("failing.json", {
      ...FILE,
      spec: { ...FILE.spec, backend: { name: "nope" } },
      controls: undefined,
    });
    expect(experiment.counts).toMatchObject({ completed: 0, failed: 4, unrunnable: 2 });
    expect(experiment.status).toBe("failed");
    expect(experiment.arms[1]!.unrunnable).toEqual([
      {
        slot: "r0",
        message: "its baseline: arm feedback.mode=off has no completed run for seed 1",
      },
      {
        slot: "r1",
        message: "its baseline: arm feedback.mode=off has no completed run for seed 2",
      },
    ]);
    expect(readFileSync(join(dir, "005-arm2-seed1.error.txt"), "utf8")).toBe(
      "its baseline: arm feedback.mode=off has no completed run for seed 1\n",
    );
  }, 60_000);

  it("gives the same selections, children and comparisons on 2 worker threads as serially", () => {
    const specPath = join(work, "tuned-parallel.json");
    writeFileSync(specPath, JSON.stringify(FILE));
    // wall times, ids and dates differ between any two runs
    const withoutTiming = (path: string) =>
      JSON.stringify(readJson(path), (key, value) =>
        ["elapsedMs", "id", "createdAt"].includes(key) ? undefined : value,
      );
    const [serial, parallel] = ["1", "2"].map((threads) => {
      const runsDir = mkdtempSync(join(tmpdir(), `qplane-tuned-${threads}-`));
      const result = spawnSync(
        process.execPath,
        [
          bin,
          "experiment",
          "--spec",
          specPath,
          "--runs-dir",
          runsDir,
          "--parallel",
          threads,
          "--json",
        ],
        { encoding: "utf8" },
      );
      expect(result.status).toBe(0);
      return (JSON.parse(result.stdout.trim()) as Result).dir;
    }) as [string, string];
    const experiment = withoutTiming(join(serial, "experiment.json"));
    expect(withoutTiming(join(parallel, "experiment.json"))).toBe(experiment);
    expect(readFileSync(join(parallel, "aggregate.csv"), "utf8")).toBe(
      readFileSync(join(serial, "aggregate.csv"), "utf8"),
    );
    const saved = JSON.parse(experiment) as ExperimentView;
    expect(saved.counts.completed).toBe(10);
    expect(saved.arms[0]!.selected).toHaveLength(2);
    for (const childId of saved.jobIds) {
      for (const file of ["spec.json", "metrics.json", "summary.json"]) {
        expect(withoutTiming(join(parallel, childId, file))).toBe(
          withoutTiming(join(serial, childId, file)),
        );
      }
    }
  }, 120_000);
});
