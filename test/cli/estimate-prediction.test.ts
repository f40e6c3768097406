/**
 * `qplane estimate` on a twin from a snapshot file (the backends file): the plan, then the
 * first epoch predicted under the twin's noise and without it, as text and as JSON.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeCalibrationFile } from "../../providers/local/calibration-snapshot.js";
import { loadBackends } from "../../src/backends/config.js";
import { createBackendRegistry } from "../../src/backends/registry.js";
import { estimateCommand } from "../../src/cli/estimate.js";
import { ibmSnapshot } from "../fixtures/calibration/ibm.js";
import { ranPrediction } from "../helpers/prediction.js";

const dir = mkdtempSync(join(tmpdir(), "qplane-estimate-twin-"));
writeCalibrationFile(join(dir, "fake_twin.json"), ibmSnapshot());
writeFileSync(
  join(dir, "backends.json"),
  JSON.stringify({
    backends: [{ name: "twin-file", provider: "local", noise: { snapshot: "fake_twin.json" } }],
  }),
);
const registry = createBackendRegistry(loadBackends(join(dir, "backends.json")), {});

async function estimate(json: boolean): Promise<string> {
  let out = "";
  await estimateCommand(
    {
      flags: {
        dataset: "moons",
        samples: "40",
        qubits: "2",
        layers: "2",
        epochs: "5",
        gradient: "spsa",
        shots: "200",
        backend: "twin-file",
      },
      resolveBackend: registry.resolve,
      predictionOf: registry.predictionOf,
      json,
    },
    (text) => {
      out += text;
    },
  );
  return out;
}

describe("qplane estimate on a twin", () => {
  it("prints the prediction below the plan", async () => {
    const lines = (await estimate(false)).split("\n");
    expect(lines.slice(-5)).toEqual([
      "  transpiled: depth 21, 2 two-qubit gates, 0 SWAPs, layout [1, 2]",
      '  prediction: first epoch, same spec and seed (twin "twin-file"):',
      "    noisy:     I(X;T) 0.054 bits, I(T;Y) 0.004 bits, test accuracy 0.200",
      "    noiseless: I(X;T) 0.059 bits, I(T;Y) 0.004 bits, test accuracy 0.200",
      "",
    ]);
  });

  it("adds it to the --json plan", async () => {
    const plan = JSON.parse(await estimate(true));
    expect(plan.prediction).toEqual(
      ranPrediction(
        { source: "twin", backend: "twin-file" },
        { max: 2.4e10, priced: 2_092_800 },
        {
          noisy: [0.053583689783750256, 0.0037092657558997874, 0.2],
          noiseless: [0.05894256211902704, 0.004214096847484196, 0.2],
        },
      ),
    );
    expect(plan.epochs).toBe(5);
  });
});
