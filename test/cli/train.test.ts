import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../../bin/qplane.js", import.meta.url));
const fixture = (path: string) => fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url));

function qplane(...args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const runsDir = mkdtempSync(join(tmpdir(), "qplane-runs-"));

describe("qplane train", () => {
  it("trains from flags and writes the run folder; --json prints one final line", () => {
    const { code, stdout, stderr } = qplane(
      "train",
      "--dataset",
      "moons",
      "--epochs",
      "3",
      "--json",
      "--runs-dir",
      runsDir,
    );
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const lines = stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const output = JSON.parse(lines[0]!) as {
      runDir: string;
      summary: { testAccuracy: number; epochs: number };
      metrics: { epoch: number; ixt: number; ity: number; estimator: string; shots: number }[];
    };
    expect(output.summary.epochs).toBe(3);
    expect(output.summary.testAccuracy).toBeGreaterThan(0.5);
    expect(output.metrics.map((m) => m.epoch)).toEqual([1, 2, 3]);
    for (const m of output.metrics) {
      expect(m.estimator).toBe("exact");
      expect(m.shots).toBe(0);
      expect(0 <= m.ity && m.ity <= m.ixt + 1e-12 && m.ixt <= 1 + 1e-12).toBe(true);
    }
    for (const file of [
      "spec.json",
      "metrics.json",
      "metrics.csv",
      "infoplane.svg",
      "curves.svg",
    ]) {
      expect(existsSync(join(output.runDir, file))).toBe(true);
    }
    const spec = JSON.parse(readFileSync(join(output.runDir, "spec.json"), "utf8"));
    expect(spec.training).toMatchObject({
      epochs: 3,
      batchSize: 16,
      optimizer: "adam",
      learningRate: 0.05,
    });
    expect(readFileSync(join(output.runDir, "infoplane.svg"), "utf8")).toMatch(/^<svg/);
  });

  it("reads a YAML spec and lets flags override it; the run is reproducible from the seed", () => {
    const specPath = join(runsDir, "spec.yaml");
    writeFileSync(
      specPath,
      "dataset:\n  name: sine\n  samples: 60\ntraining:\n  epochs: 5\n  seed: 7\nfeedback:\n  mode: lr\n",
    );
    const args = ["train", "--spec", specPath, "--epochs", "2", "--json", "--runs-dir", runsDir];
    const first = qplane(...args);
    const again = qplane(...args);
    expect(first.code).toBe(0);
    const a = JSON.parse(first.stdout) as {
      metrics: { testMse: number; learningRate: number; elapsedMs: number }[];
    };
    const b = JSON.parse(again.stdout) as typeof a;
    expect(a.metrics).toHaveLength(2);
    expect(a.metrics.map((m) => m.testMse)).toEqual(b.metrics.map((m) => m.testMse));
    expect(a.metrics[0]!.learningRate).toBeGreaterThan(0.05); // lr feedback scales η₀ up
  });

  it("warns on stderr when the feedback target was not reachable; --json stays one line", () => {
    const specPath = join(runsDir, "unreachable.yaml");
    // I* = 3 bits against a one-qubit readout (I(X;T) ≤ 1), accepted by opting in: L_comp
    // stays ≥ 2 of at most 3
    writeFileSync(
      specPath,
      "dataset:\n  name: moons\n  samples: 40\nmodel:\n  qubits: 2\n  layers: 1\ntraining:\n  epochs: 2\nfeedback:\n  mode: lr\n  target: 3\n  allowUnreachableTarget: true\n",
    );
    const { code, stdout, stderr } = qplane(
      "train",
      "--spec",
      specPath,
      "--json",
      "--runs-dir",
      runsDir,
    );
    expect(code).toBe(0);
    const { summary } = JSON.parse(stdout) as {
      summary: {
        feedbackReachability: number;
        feedbackReachable: boolean;
        meanLearningRate: number;
      };
    };
    expect(summary.feedbackReachable).toBe(false);
    expect(summary.feedbackReachability).toBeGreaterThanOrEqual(2 / 3);
    expect(summary.meanLearningRate).toBeGreaterThanOrEqual(0.05 * 3); // η₀(1 + α·L_comp), L_comp ≥ 2
    expect(stderr).toBe(
      `warning: the feedback target was not reachable: L_comp never fell below half its first value (min ÷ first = ${summary.feedbackReachability.toFixed(3)}), so the feedback acted as a near-constant factor on the learning rate; choose a reachable feedback.target (or infoPlane.register "all")\n`,
    );
  });

  it.each([
    [["--dataset", "mnist"], /spec\.dataset\.name: .*"mnist"/],
    [["--dataset", "moons", "--batch-size", "0"], /spec\.training\.batchSize: .*\(got 0\)/],
    [["--dataset", "moons", "--lr", "NaN"], /spec\.training\.learningRate: .*NaN/],
    [["--dataset", "moons", "--alpha", "-1"], /spec\.feedback\.alpha: .*\(got -1\)/],
    [
      ["--dataset", "moons", "--backend", "https://example.com"],
      /spec\.backend\.name: .*not a URL/,
    ],
    [
      ["--dataset", "moons", "--shots", "100"],
      /spec\.training\.gradient: "adjoint" needs exact probabilities/,
    ],
    [
      ["--spec", "/nonexistent/spec.yaml"],
      /--spec \/nonexistent\/spec\.yaml: cannot read file \(ENOENT\)/,
    ],
  ])("refuses bad input naming the field: %j", (args, message) => {
    const { code, stdout, stderr } = qplane("train", ...(args as string[]), "--runs-dir", runsDir);
    expect(code).not.toBe(0);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/^qplane: error: /);
    expect(stderr).toMatch(message as RegExp);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it.each([
    [
      { name: "csv", path: "/nonexistent.csv", target: "y" },
      /dataset\.path "nonexistent\.csv": cannot read file/,
    ],
    [
      { name: "csv", path: fixture("data/good.csv"), target: "nope" },
      /dataset\.target "nope": no such column/,
    ],
    [
      { name: "csv", path: fixture("data/nonnumeric.csv"), target: "mpg" },
      /column "name" is not numeric/,
    ],
    [{ name: "blobs", samples: 4, classes: 5 }, /4 samples but 5 classes/],
    [{ name: "moons", extra: 1 }, /spec\.dataset\.extra: unknown field/],
  ])("refuses an unusable dataset: %j", (dataset, message) => {
    const specPath = join(runsDir, `bad-${Math.random().toString(16).slice(2)}.json`);
    writeFileSync(specPath, JSON.stringify({ dataset }));
    const { code, stderr } = qplane("train", "--spec", specPath, "--runs-dir", runsDir);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

describe("qplane demo", () => {
  it("trains with feedback, printing every epoch and the final test metric, and writes the run folder", () => {
    const { code, stdout } = qplane("demo", "--runs-dir", runsDir);
    expect(code).toBe(0);
    expect(stdout.match(/^epoch +\d+ /gm)).toHaveLength(30);
    const final = /^run (\S+): test accuracy ([\d.]+) after 30 epochs/m.exec(stdout);
    expect(final).not.toBeNull();
    expect(Number(final![2])).toBeGreaterThanOrEqual(0.85);
    expect(existsSync(join(final![1]!, "infoplane.svg"))).toBe(true);
  });
});

describe("qplane infoplane", () => {
  it("gives the same information plane for integer and bitstring outcome keys", () => {
    const integer = qplane("infoplane", "--counts", fixture("infoplane/counts-integer-keys.json"));
    const bitstring = qplane(
      "infoplane",
      "--counts",
      fixture("infoplane/counts-bitstring-keys.json"),
    );
    expect(integer.code).toBe(0);
    const a = JSON.parse(integer.stdout);
    expect(a.estimator).toBe("miller-madow");
    expect(Object.keys(a)).toEqual(expect.arrayContaining(["ixt", "ity", "ht", "estimator"]));
    expect(JSON.parse(bitstring.stdout)).toEqual(a);
    const plugin = JSON.parse(
      qplane(
        "infoplane",
        "--counts",
        fixture("infoplane/counts-integer-keys.json"),
        "--estimator",
        "plugin",
      ).stdout,
    );
    expect(plugin.estimator).toBe("plugin");
    expect(plugin.ht).toBeLessThan(a.ht); // Miller–Madow adds (m − 1)/(2 S ln 2) ≥ 0
  });
});

describe("qplane estimate", () => {
  it("prints the plan as one JSON line with --json, without running anything", () => {
    const specFile = join(mkdtempSync(join(tmpdir(), "qplane-estimate-")), "spec.json");
    writeFileSync(
      specFile,
      JSON.stringify({ dataset: { name: "iris" }, training: { gradient: "spsa" } }),
    );
    const { code, stdout, stderr } = qplane(
      "estimate",
      "--spec",
      specFile,
      "--shots",
      "100",
      "--json",
    );
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const lines = stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const plan = JSON.parse(lines[0]!) as Record<string, number>;
    // iris: 111 training samples (7 steps of ≤ 16, 2 rows each), 39 test samples
    expect(plan).toEqual({
      epochs: 30,
      stepsPerEpoch: 7,
      // 7 steps + 1 submission for both splits' evaluations
      submissionsPerEpoch: 8,
      circuitsPerEpoch: 2 * 111 + 111 + 39,
      shotsPerEpoch: 100 * 372,
      costPerEpochUsd: 0,
      totalSubmissions: 240,
      totalCircuits: 30 * 372,
      totalShots: 30 * 100 * 372,
      estimatedCostUsd: 0,
      // 45 gates on 4 qubits: (45 + 1)·(16 + 64) = 3680 per row, + 100 shots of 4 outcomes
      // (12 + 9·2 each), + the linear encoding's φ = W·x + b of 12 angles × 4 features
      // (3 operations per multiply-add); per epoch 2·111 SPSA rows and 111 + 39 evaluated
      // rows, and the overheads of 7 steps and 2·111 + 39 samples (100 000 and 4000 each)
      amplitudeOperations: 30 * (372 * (3680 + 100 * 30 + 48 * 3) + 7 * 100_000 + 261 * 4000),
      // features ×2 copies, one 4-qubit state, W (48 Float64), and the epoch's one evaluation
      // of both splits (150 rows of 36 columns: 12 φ + 24 θ, 4 outcome probabilities and counts)
      peakMemoryBytes: 150 * 4 * 8 * 2 + 16 * 16 + 48 * 8 + 150 * 36 * 8 + 150 * 4 * 12,
      costDrivers: {
        "model.qubits": 4,
        "model.layers": 3,
        "model.entangler": "linear",
        "dataset.name": "iris (150 rows)",
        "training.batchSize": 16,
        "training.epochs": 30,
        "training.gradient": "spsa",
        "backend.shots": 100,
      },
    });
  });

  it("prints a readable summary by default", () => {
    const { code, stdout, stderr } = qplane(
      "estimate",
      "--dataset",
      "iris",
      "--gradient",
      "spsa",
      "--shots",
      "100",
      "--max-shots",
      "2000000",
    );
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        'plan for iris on backend "local" (spsa gradients, 100 shots per circuit):',
        "  per epoch:  8 submissions (7 optimisation steps), 372 circuits, 37,200 shots, $0.00",
        "  total:      240 submissions over 30 epochs, 11,160 circuits, 1,116,000 shots",
        "  est. cost:  $0.00 (backend price table)",
        "  compute:    1.28e+8 amplitude-operations (about 0.11 s on one core of the local simulator), peak memory 59.2 KiB",
        "  budget:     within maxShots 2,000,000",
        "",
      ].join("\n"),
    );
  });

  it("refuses a plan over the budget with the field, the planned value and the limit", () => {
    const { code, stdout, stderr } = qplane(
      "estimate",
      "--dataset",
      "moons",
      "--gradient",
      "spsa",
      "--shots",
      "100",
      "--max-shots",
      "1000",
    );
    expect(code).not.toBe(0);
    expect(stdout).toBe("");
    expect(stderr).toMatch(
      /^qplane: error: spec\.backend\.maxShots: the run plans \d+ shots, over the limit of 1000\n$/,
    );
  });
});
