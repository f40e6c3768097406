/**
 * `infoPlane.register` as a grid axis: readout, all and a qubit list plan three arms with
 * readable keys, a bad list names its grid entry, and a tiny experiment runs every arm
 * in-process (`qplane experiment`), each child measuring T on its own register.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { experimentCommand } from "../../src/cli/experiment.js";
import { planExperiment } from "../../src/experiments/grid.js";
import { parseJobSpec } from "../../src/training/spec.js";
import { errorOf } from "../helpers/errors.js";
import { useTempDir } from "../helpers/temp-dir.js";

const BASE = {
  dataset: { name: "moons", samples: 40 },
  model: { qubits: 3, layers: 1 },
  training: { epochs: 2 },
};
const GRID = { "infoPlane.register": ["readout", "all", [0, 1]] };

describe("a grid over infoPlane.register", () => {
  const scratch = useTempDir("qplane-register-grid-");

  it("plans one arm per register, keyed readably, each child with its register", () => {
    const plan = planExperiment(parseJobSpec(BASE), GRID, { maxJobs: 10 });
    expect(plan.arms.map((arm) => arm.key)).toEqual([
      "infoPlane.register=readout",
      "infoPlane.register=all",
      "infoPlane.register=[0,1]",
    ]);
    expect(plan.children.map((child) => child.spec.infoPlane.register)).toEqual([
      "readout",
      "all",
      [0, 1],
    ]);
  });

  it("names the grid entry of a qubit the model does not have", () => {
    expect(
      errorOf(() =>
        planExperiment(
          parseJobSpec(BASE),
          { "infoPlane.register": ["all", [0, 3]] },
          {
            maxJobs: 10,
          },
        ),
      ),
    ).toEqual({
      code: "QPLANE_ERR_GRID_INVALID",
      message:
        "grid.infoPlane.register[1] = [0,3]: spec.infoPlane.register.1: qubit 3 does not exist in a 3-qubit model (got 3)",
    });
  });

  it("runs every arm in-process; T on more qubits carries more I(X;T)", async () => {
    const specPath = join(scratch.path, "register.json");
    await writeFile(specPath, JSON.stringify({ spec: BASE, grid: GRID }));
    let output = "";
    await experimentCommand(
      { specPath, runsDir: scratch.path, json: true, quiet: true, parallel: 1 },
      (text) => {
        output += text;
      },
    );
    const { dir: experimentDir } = JSON.parse(output) as { dir: string };
    const view = JSON.parse(await readFile(join(experimentDir, "experiment.json"), "utf8")) as {
      arms: { key: string; jobIds: string[] }[];
    };
    expect(view.arms.map((arm) => arm.key)).toEqual([
      "infoPlane.register=readout",
      "infoPlane.register=all",
      "infoPlane.register=[0,1]",
    ]);
    // each child's run folder: its spec's register and its last epoch's I(X;T)
    const finalIxt: number[] = [];
    for (const [index, arm] of view.arms.entries()) {
      expect(arm.jobIds).toHaveLength(1);
      const child = join(experimentDir, arm.jobIds[0]!);
      const spec = JSON.parse(await readFile(join(child, "spec.json"), "utf8"));
      expect(spec.infoPlane.register).toEqual(GRID["infoPlane.register"][index]);
      const metrics = JSON.parse(await readFile(join(child, "metrics.json"), "utf8"));
      finalIxt.push(metrics.metrics.at(-1).ixt);
    }
    const [readout, all, pair] = finalIxt as [number, number, number];
    // same training in every arm: T = all 3 qubits refines both the 1-qubit readout and (q0, q1)
    expect(readout).toBeLessThanOrEqual(1 + 1e-12);
    expect(pair).toBeLessThanOrEqual(2 + 1e-12);
    expect(all).toBeGreaterThan(Math.max(readout, pair));
  });
});
