import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { trainCommand } from "../../src/cli/train.js";

describe("qplane train with a validation split", () => {
  it("prints validation metrics in every epoch line and the selected epoch's test metric", async () => {
    const dir = mkdtempSync(join(tmpdir(), "qplane-train-validation-"));
    const specPath = join(dir, "spec.json");
    // the run of test/training/validation.test.ts: validation accuracy peaks at epoch 5
    writeFileSync(
      specPath,
      JSON.stringify({
        dataset: { name: "moons", samples: 120, validationFraction: 0.2, seed: 2 },
        model: { kind: "linear", representation: "output" },
        training: { epochs: 6, batchSize: 16, learningRate: 1, select: "best-validation" },
      }),
    );
    let out = "";
    await trainCommand(
      { specPath, flags: {}, runsDir: dir, json: false, quiet: false, epochLines: true },
      (text) => {
        out += text;
      },
    );
    const epochLines = out.split("\n").filter((line) => line.startsWith("epoch"));
    expect(epochLines).toHaveLength(6);
    for (const line of epochLines) {
      expect(line).toMatch(
        /test accuracy \d\.\d{3} {2}val loss \d+\.\d{4} accuracy \d\.\d{3} {2}I\(X;T\)/,
      );
    }
    expect(out).toMatch(
      /^run \S+: test accuracy 0\.867 \(epoch 5, best on validation\) after 6 epochs/m,
    );
  });
});

describe("qplane train --validation-fraction --select", () => {
  it("sets dataset.validationFraction and training.select from flags", () => {
    const bin = fileURLToPath(new URL("../../bin/qplane.js", import.meta.url));
    const dir = mkdtempSync(join(tmpdir(), "qplane-train-flags-"));
    const args = ["train", "--dataset", "moons", "--samples", "80", "--model", "linear"];
    const run = spawnSync(
      process.execPath,
      [
        bin,
        ...args,
        "--epochs",
        "3",
        "--validation-fraction",
        "0.25",
        "--select",
        "best-validation",
      ].concat(["--json", "--runs-dir", dir]),
      { encoding: "utf8" },
    );
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const output = JSON.parse(run.stdout.trim()) as {
      summary: { selectedEpoch: number; testAccuracy: number };
      metrics: { epoch: number; step: number; validationAccuracy?: number; testAccuracy: number }[];
    };
    // 80 rows: 20 test, 20 validation, 40 training → 3 steps of 16 an epoch
    expect(output.metrics.map((m) => m.step)).toEqual([3, 6, 9]);
    for (const m of output.metrics) expect(m.validationAccuracy).toEqual(expect.any(Number));
    const selected = output.metrics.find((m) => m.epoch === output.summary.selectedEpoch)!;
    expect(output.summary.testAccuracy).toBe(selected.testAccuracy);
    const refused = spawnSync(process.execPath, [bin, ...args, "--select", "best-validation"], {
      encoding: "utf8",
    });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain("spec.training.select");
  });
});
