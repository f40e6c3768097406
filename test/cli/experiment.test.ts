import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { meanStd, stepsToExperimentThreshold } from "../../src/experiments/aggregate.js";
import { holmAdjust } from "../../src/experiments/statistics.js";
import type { EpochRecord } from "../../src/training/records.js";
import { runTraining } from "../local-backend.js";
import { experimentCli } from "./experiment-cli.js";

const { qplane, runExperiment, experimentFile } = experimentCli("qplane-experiment-");
const BASE = {
  dataset: { name: "moons", samples: 40 },
  model: { qubits: 2, layers: 1 },
  training: { epochs: 3 },
};

/** lr against the baseline off, with both controls, over `seeds` (2 epochs, fixed encoding). */
function controlledExperiment(seeds: number[]) {
  return {
    spec: {
      ...BASE,
      model: { ...BASE.model, encoding: "fixed", scaling: "minmax", classMap: "modulo" },
      training: { epochs: 2, schedule: "constant" },
    },
    grid: { "feedback.mode": ["off", "lr"], "training.seed": seeds },
    threshold: { metric: "testAccuracy", value: 0.7 },
    compare: { baseline: { "feedback.mode": "off" } },
    controls: ["dose-matched", "placebo"],
  };
}

/** stderr without the unreachable-target warnings (short feedback runs rarely reach it). */
function withoutReachabilityWarnings(stderr: string): string {
  return stderr.replace(/^warning: arm .* the feedback target was unreachable .*\n/gm, "");
}

/**
 * `qplane experiment --spec FILE --runs-dir <a fresh folder> …flags` for a spec it must refuse:
 * it fails, prints nothing on stdout and leaves the folder empty. Returns stderr.
 */
function refusedExperiment(specFile: string, ...flags: string[]): string {
  const runsDir = mkdtempSync(join(tmpdir(), "qplane-experiment-bad-"));
  const { code, stdout, stderr } = qplane(
    "experiment",
    "--spec",
    specFile,
    "--runs-dir",
    runsDir,
    ...flags,
  );
  expect(code).not.toBe(0);
  expect(stdout).toBe("");
  expect(existsSync(runsDir)).toBe(true);
  expect(readdir(runsDir)).toEqual([]);
  return stderr;
}

describe("qplane experiment", () => {
  it("warns on stderr when a feedback arm's target was unreachable, keeping --json one line", () => {
    // sine regression: I* = H(Y) of 8 target bins (3 bits) on a 2-qubit readout (2 bits)
    const spec = experimentFile("unreachable.json", {
      spec: {
        dataset: { name: "sine", samples: 40 },
        model: { qubits: 2, layers: 1 },
        training: { epochs: 2 },
        feedback: { mode: "lr", allowUnreachableTarget: true },
      },
      grid: { "training.seed": [1, 2] },
    });
    const { code, stdout, stderr } = runExperiment(spec, "--json", "--parallel", "1");
    expect(code).toBe(0);
    expect(stdout.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(
      /^warning: arm (\S+): the feedback target was unreachable in 2 of 2 runs \(L_comp never fell below half its first value\)\n$/,
    );
  });

  it("runs every grid point in-process and aggregates them exactly as the runs report", async () => {
    const spec = experimentFile("modes.json", {
      name: "modes",
      spec: BASE,
      grid: { "feedback.mode": ["off", "lr"], "training.seed": [1, 2, 3] },
      threshold: { metric: "testAccuracy", value: 0.7 },
    });
    const { code, stdout, stderr } = runExperiment(spec, "--json");
    expect(withoutReachabilityWarnings(stderr)).toBe("");
    expect(code).toBe(0);
    const { dir, experiment } = JSON.parse(stdout.trim()) as {
      dir: string;
      experiment: {
        status: string;
        counts: { completed: number };
        arms: {
          key: string;
          jobIds: string[];
          finalMetric: unknown;
          finalIxt: unknown;
          stepsToThreshold: unknown;
        }[];
      };
    };
    expect(experiment.status).toBe("completed");
    expect(experiment.counts.completed).toBe(6);
    expect(experiment.arms.map((arm) => arm.key)).toEqual([
      "feedback.mode=off",
      "feedback.mode=lr",
    ]);
    expect(experiment.arms[1]!.jobIds).toEqual([
      "004-arm2-seed1",
      "005-arm2-seed2",
      "006-arm2-seed3",
    ]);

    // each child is a full run folder, and the numbers are those of the same runs in-process
    for (const [armIndex, mode] of (["off", "lr"] as const).entries()) {
      const finals: EpochRecord[] = [];
      const steps: number[] = [];
      let censored = 0;
      for (const seed of [1, 2, 3]) {
        const { result } = await runTraining({
          ...BASE,
          training: { ...BASE.training, seed },
          feedback: { mode },
        });
        finals.push(result.records.at(-1)!);
        // testAccuracy thresholds count steps on the validation, else the training, split
        const reached = stepsToExperimentThreshold(result.records, {
          metric: "testAccuracy",
          value: 0.7,
        });
        steps.push(reached!.steps);
        if (reached!.censored) censored++;
      }
      const arm = experiment.arms[armIndex]!;
      expect(arm.finalMetric).toEqual(meanStd(finals.map((record) => record.testAccuracy!)));
      expect(arm.finalIxt).toEqual(meanStd(finals.map((record) => record.ixt)));
      expect(arm.stepsToThreshold).toEqual({ ...meanStd(steps), censored, split: "train" });
    }
    const childDir = join(dir, "004-arm2-seed1");
    expect(existsSync(join(childDir, "metrics.csv"))).toBe(true);
    expect(existsSync(join(childDir, "infoplane.svg"))).toBe(true);
    expect(JSON.parse(readFileSync(join(childDir, "spec.json"), "utf8")).feedback.mode).toBe("lr");
    const csv = readFileSync(join(dir, "aggregate.csv"), "utf8").trimEnd().split("\n");
    expect(csv).toHaveLength(3);
    expect(csv[0]!.startsWith("arm,feedback.mode,jobs,completed,metric,")).toBe(true);
    const saved = JSON.parse(readFileSync(join(dir, "experiment.json"), "utf8"));
    expect(saved.curves).toHaveLength(2);
    expect(saved.curves[0].epochs.map((epoch: { n: number }) => epoch.n)).toEqual([3, 3, 3]);
  }, 60_000);

  it("prints the aggregate table for people", () => {
    const spec = experimentFile(
      "seeds.yaml",
      "spec:\n  dataset: {name: moons, samples: 40}\n  model: {qubits: 2, layers: 1}\n  training: {epochs: 2}\ngrid:\n  training.seed: [1, 2]\n",
    );
    const { code, stdout, stderr } = runExperiment(spec);
    expect(withoutReachabilityWarnings(stderr)).toBe("");
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^experiment .+: 2\/2 runs completed$/);
    expect(lines[2]).toBe(
      "| arm | completed | final testAccuracy | steps to accuracy ≥ 0.9 (censored/counted, split) | final I(X;T) | final I(T;Y) |",
    );
    expect(lines[4]).toMatch(
      /^\| all \| 2\/2 \| \d\.\d{3} ± \d\.\d{3} \| .+ \| \d\.\d{3} ± \d\.\d{3} \| \d\.\d{3} ± \d\.\d{3} \|$/,
    );
  }, 30_000);

  it("refuses a bad grid naming the field, before running anything", () => {
    const cases: [unknown, string][] = [
      [
        { spec: BASE, grid: {} },
        'grid: must vary at least one field (e.g. {"feedback.mode": ["off", "lr"]})',
      ],
      [
        { spec: BASE, grid: { "model.depth": [1] } },
        "grid.model.depth: unknown spec field (model has model.kind, model.qubits, model.qasm, model.qasmFile, model.featureInputs, model.readoutBits, model.initialWeights, model.layers, model.reupload, model.entangler, model.entanglingGate, model.readout, model.encoding, model.encodingScale, model.scaling, model.reduce, model.components, model.classMap, model.representation, model.hidden, model.bins, model.l2)",
      ],
      [
        { spec: { ...BASE, training: { epochs: "ten" } }, grid: { "training.seed": [1] } },
        'spec.training.epochs: Invalid input: expected number, received string (got "ten")',
      ],
      [
        { spec: BASE, grid: { "training.seed": [1, 2, 3] } },
        "grid: 3 = 3 jobs, more than the 2 an experiment may have",
      ],
    ];
    for (const [body, message] of cases) {
      const stderr = refusedExperiment(experimentFile("bad.json", body), "--max-jobs", "2");
      expect(stderr.replace(/^qplane: error: (--spec \S+: )?/, "")).toBe(`${message}\n`);
    }
  });

  it("compares every arm and its controls with the baseline, paired by seed", () => {
    const spec = experimentFile("controls.json", controlledExperiment([1, 2, 3]));
    const { code, stdout, stderr } = runExperiment(spec, "--json");
    expect(withoutReachabilityWarnings(stderr)).toBe("");
    expect(code).toBe(0);
    const { dir, experiment, comparisons } = JSON.parse(stdout.trim()) as {
      dir: string;
      experiment: { counts: { completed: number }; arms: { key: string; jobIds: string[] }[] };
      comparisons: {
        arm: string;
        baseline: string;
        metric: string;
        n: number;
        medianDiff: number;
        ci95: number[];
        wilcoxonP: number;
        holmP: number;
        pairs: { seed: number; value: number; baselineValue: number }[];
        censored?: { arm: number; baseline: number };
      }[];
    };
    expect(experiment.counts.completed).toBe(12);
    const arms = experiment.arms;
    expect(arms.map((arm) => arm.key)).toEqual([
      "feedback.mode=off",
      "feedback.mode=lr",
      "feedback.mode=lr / dose-matched",
      "feedback.mode=lr / placebo",
    ]);
    expect(arms[3]!.jobIds).toEqual([
      "010-arm2-placebo-seed1",
      "011-arm2-placebo-seed2",
      "012-arm2-placebo-seed3",
    ]);
    const read = (id: string, file: string) =>
      JSON.parse(readFileSync(join(dir, id, file), "utf8"));

    // controls: dose-matched at the feedback run's mean rate, placebo replays the next seed
    for (const [index, feedbackId] of arms[1]!.jobIds.entries()) {
      const dose = read(arms[2]!.jobIds[index]!, "spec.json");
      expect(dose.feedback.mode).toBe("off");
      expect(dose.training.learningRate).toBe(read(feedbackId, "summary.json").meanLearningRate);
      const placebo = read(arms[3]!.jobIds[index]!, "spec.json");
      const donor: EpochRecord[] = read(arms[1]!.jobIds[(index + 1) % 3]!, "metrics.json").metrics;
      expect(placebo.training.seed).toBe(index + 1);
      expect(placebo.training.schedule).toBe("replay");
      expect(placebo.training.replay[0]).toBe(donor[0]!.meanLearningRate! / 0.05);
      expect(placebo.training.replay.at(-1)).toBe(donor[1]!.meanLearningRate! / 0.05);
    }

    // three arms × (final accuracy, steps to the threshold), Holm across all six
    expect(comparisons.map((c) => [c.arm, c.metric, c.n])).toEqual([
      ["feedback.mode=lr", "testAccuracy", 3],
      ["feedback.mode=lr", "stepsToThreshold", 3],
      ["feedback.mode=lr / dose-matched", "testAccuracy", 3],
      ["feedback.mode=lr / dose-matched", "stepsToThreshold", 3],
      ["feedback.mode=lr / placebo", "testAccuracy", 3],
      ["feedback.mode=lr / placebo", "stepsToThreshold", 3],
    ]);
    expect(comparisons.map((c) => c.holmP)).toEqual(
      holmAdjust(comparisons.map((c) => c.wilcoxonP)),
    );
    for (const [index, comparison] of comparisons.entries()) {
      const armIds = arms[1 + Math.floor(index / 2)]!.jobIds;
      expect(comparison.baseline).toBe("feedback.mode=off");
      expect(comparison.pairs.map((pair) => pair.seed)).toEqual([1, 2, 3]);
      expect(comparison.ci95).toHaveLength(2);
      const differences = comparison.pairs.map((pair) => pair.value - pair.baselineValue);
      expect(comparison.medianDiff).toBe([...differences].sort((a, b) => a - b)[1]);
      comparison.pairs.forEach((pair, seedIndex) => {
        const mine: EpochRecord[] = read(armIds[seedIndex]!, "metrics.json").metrics;
        const theirs: EpochRecord[] = read(arms[0]!.jobIds[seedIndex]!, "metrics.json").metrics;
        if (comparison.metric === "testAccuracy") {
          expect(pair.value).toBe(read(armIds[seedIndex]!, "summary.json").testAccuracy);
          expect(pair.baselineValue).toBe(
            read(arms[0]!.jobIds[seedIndex]!, "summary.json").testAccuracy,
          );
        } else {
          // no validation split: steps to train accuracy ≥ 0.7, else censored at the budget
          const steps = (records: EpochRecord[]) =>
            (records.find((record) => record.trainAccuracy! >= 0.7) ?? records.at(-1)!).step;
          expect(pair.value).toBe(steps(mine));
          expect(pair.baselineValue).toBe(steps(theirs));
        }
      });
      if (comparison.metric === "stepsToThreshold") expect(comparison.censored).toBeDefined();
    }
    const csv = readFileSync(join(dir, "aggregate.csv"), "utf8").split("\n\n");
    expect(csv).toHaveLength(2);
    expect(csv[1]!.trimEnd().split("\n")).toHaveLength(7);
  }, 60_000);

  it("refuses a baseline naming no arm, and controls without a feedback arm", () => {
    const cases: [unknown, string][] = [
      [
        {
          spec: BASE,
          grid: { "feedback.mode": ["off", "lr"] },
          compare: { baseline: { "feedback.mode": "loss" } },
        },
        'compare.baseline: {"feedback.mode":"loss"} matches no arm; it must name exactly one of the arms "feedback.mode=off", "feedback.mode=lr"',
      ],
      [
        {
          spec: BASE,
          grid: { "feedback.mode": ["lr"], "training.seed": [1, 2] },
          controls: ["placebo"],
        },
        'controls: ["placebo"] are compared with the baseline arm: give compare.baseline',
      ],
      [
        {
          spec: BASE,
          grid: { "feedback.alpha": [1], "training.seed": [1, 2] },
          compare: { baseline: { "feedback.alpha": 1 } },
          controls: ["dose-matched"],
        },
        'controls: ["dose-matched"] are derived from feedback arms, but every arm has feedback.mode "off" (vary feedback.mode in the grid or set it in the spec)',
      ],
      [
        { spec: BASE, grid: { "training.seed": [1] }, controls: ["sham"] },
        'controls.0: Invalid option: expected one of "dose-matched"|"placebo" (got "sham")',
      ],
    ];
    for (const [body, message] of cases) {
      const stderr = refusedExperiment(experimentFile("bad-compare.json", body));
      expect(stderr.replace(/^qplane: error: (--spec \S+: )?/, "")).toBe(`${message}\n`);
    }
  });
});

describe("qplane experiment --parallel", () => {
  /** The file's JSON with wall times, ids and dates (which differ between any two runs) left out. */
  const withoutTiming = (path: string) =>
    JSON.stringify(JSON.parse(readFileSync(path, "utf8")), (key, value) =>
      ["elapsedMs", "id", "createdAt"].includes(key) ? undefined : value,
    );

  it("gives the same experiment, children and comparisons on 2 worker threads as serially", () => {
    const spec = experimentFile("parallel.json", controlledExperiment([1, 2, 3, 4]));
    const dirs = ["1", "2"].map((parallel) => {
      const { code, stdout, stderr } = qplane(
        "experiment",
        "--spec",
        spec,
        "--runs-dir",
        mkdtempSync(join(tmpdir(), `qplane-parallel-${parallel}-`)),
        "--parallel",
        parallel,
        "--json",
      );
      expect(withoutReachabilityWarnings(stderr)).toBe("");
      expect(code).toBe(0);
      return (JSON.parse(stdout.trim()) as { dir: string }).dir;
    });
    const [serial, parallel] = dirs as [string, string];
    expect(readFileSync(join(parallel, "aggregate.csv"), "utf8")).toBe(
      readFileSync(join(serial, "aggregate.csv"), "utf8"),
    );
    const experiment = withoutTiming(join(serial, "experiment.json"));
    expect(withoutTiming(join(parallel, "experiment.json"))).toBe(experiment);
    const saved = JSON.parse(experiment) as {
      counts: { completed: number };
      jobIds: string[];
      comparisons: unknown[];
    };
    // 8 grid runs, then 4 dose-matched and 4 placebo controls in the second wave
    expect(saved.counts.completed).toBe(16);
    expect(saved.comparisons).toHaveLength(6);
    expect(readdir(parallel)).toEqual(readdir(serial));
    for (const childId of saved.jobIds) {
      for (const file of ["spec.json", "metrics.json", "summary.json"]) {
        expect(withoutTiming(join(parallel, childId, file))).toBe(
          withoutTiming(join(serial, childId, file)),
        );
      }
    }
  }, 120_000);

  it("records a failing child on a worker thread and finishes the others", () => {
    const spec = experimentFile("parallel-fail.json", {
      spec: BASE,
      grid: { "backend.name": ["nope", "local"], "training.seed": [1, 2] },
    });
    const { code, stdout, stderr } = qplane(
      "experiment",
      "--spec",
      spec,
      "--runs-dir",
      mkdtempSync(join(tmpdir(), "qplane-parallel-fail-")),
      "--parallel",
      "2",
      "--json",
    );
    expect(withoutReachabilityWarnings(stderr)).toBe("");
    expect(code).toBe(0);
    const { dir, experiment } = JSON.parse(stdout.trim()) as {
      dir: string;
      experiment: { counts: { completed: number; failed: number } };
    };
    expect(experiment.counts).toMatchObject({ completed: 2, failed: 2 });
    expect(readFileSync(join(dir, "001-arm1-seed1.error.txt"), "utf8")).toBe(
      'spec.backend.name: unknown backend "nope" (configured: local, local-noisy)\n',
    );
    expect(readdir(dir)).toEqual([
      "001-arm1-seed1.error.txt",
      "002-arm1-seed2.error.txt",
      "003-arm2-seed1",
      "004-arm2-seed2",
      "aggregate.csv",
      "experiment.json",
    ]);
  }, 60_000);

  it("refuses --parallel that is not an integer 1 … 256, naming the flag and the value", () => {
    const spec = experimentFile("parallel-bad.json", {
      spec: BASE,
      grid: { "training.seed": [1] },
    });
    const cases: [string, string][] = [
      ["0", '--parallel must be an integer ≥ 1, got "0"'],
      ["-2", '--parallel must be an integer ≥ 1, got "-2"'],
      ["1.5", '--parallel must be an integer ≥ 1, got "1.5"'],
      ["two", '--parallel must be an integer ≥ 1, got "two"'],
      ["257", '--parallel must be an integer ≤ 256, got "257"'],
    ];
    for (const [value, message] of cases) {
      expect(refusedExperiment(spec, "--parallel", value)).toBe(
        `qplane: error: option '--parallel <n>' argument '${value}' is invalid. ${message}\n`,
      );
    }
  });
});

function readdir(path: string): string[] {
  return spawnSync("ls", ["-A", path], { encoding: "utf8" }).stdout.split("\n").filter(Boolean);
}
