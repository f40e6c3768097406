/** `qplane experiment` over a circuit model (model.kind: circuit): programs read from files. */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { meanStd } from "../../src/experiments/aggregate.js";
import { runTraining } from "../local-backend.js";
import { experimentCli } from "./experiment-cli.js";

const { work, runExperiment, experimentFile } = experimentCli("qplane-experiment-circuit-");

describe("qplane experiment over a circuit model", () => {
  it("grids over a circuit model: the base program and the arms' programs read from files", async () => {
    const fixture = readFileSync(
      new URL("../fixtures/circuits/qiskit-vqc.qasm", import.meta.url),
      "utf8",
    );
    const cz = fixture.replace("cx q[0], q[1];", "cz q[0], q[1];");
    writeFileSync(join(work, "vqc.qasm"), fixture);
    writeFileSync(join(work, "vqc-cz.qasm"), cz);
    const base = {
      dataset: { name: "iris" },
      model: { kind: "circuit", qasmFile: "vqc.qasm" },
      training: { epochs: 1, batchSize: 32 },
    };
    const spec = experimentFile("circuit-grid.json", {
      spec: base,
      grid: {
        "model.qasmFile": ["vqc.qasm", "vqc-cz.qasm"],
        "training.gradient": ["adjoint", "spsa"],
        "training.seed": [1],
      },
    });
    const { code, stdout, stderr } = runExperiment(spec, "--json");
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const { dir, experiment } = JSON.parse(stdout.trim()) as {
      dir: string;
      experiment: { counts: { completed: number }; arms: { key: string; finalMetric: unknown }[] };
    };
    expect(experiment.counts.completed).toBe(4);
    const sha = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 12);
    expect(experiment.arms.map((arm) => arm.key)).toEqual([
      `model.qasm=sha256:${sha(fixture)}, training.gradient=adjoint`,
      `model.qasm=sha256:${sha(fixture)}, training.gradient=spsa`,
      `model.qasm=sha256:${sha(cz)}, training.gradient=adjoint`,
      `model.qasm=sha256:${sha(cz)}, training.gradient=spsa`,
    ]);
    // each child's spec.json carries its program, and its numbers are the in-process run's
    const child = JSON.parse(readFileSync(join(dir, "003-arm3-seed1", "spec.json"), "utf8"));
    expect(child.model).toMatchObject({ kind: "circuit", qasm: cz, qubits: 4 });
    expect(child.training).toMatchObject({ gradient: "adjoint", seed: 1 });
    const { result } = await runTraining(child);
    expect(experiment.arms[2]!.finalMetric).toEqual(
      meanStd([result.records.at(-1)!.testAccuracy!]),
    );
  }, 120_000);
});
