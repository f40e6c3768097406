import { describe, expect, it } from "vitest";
import { BUILTIN_BACKENDS } from "../../src/backends/config.js";
import { createBackendRegistry } from "../../src/backends/registry.js";
import { runTraining } from "../../src/training/run.js";

describe("the backend registry", () => {
  const registry = createBackendRegistry(BUILTIN_BACKENDS);

  it("serves local and local-noisy, and names the configured backends for an unknown one", async () => {
    expect(registry.backends.map((b) => b.name)).toEqual(["local", "local-noisy"]);
    expect(registry.resolve("local").exactProbabilities).toBe(true);
    expect(() => registry.resolve("ibm-fez")).toThrow(
      /spec\.backend\.name: unknown backend "ibm-fez" \(configured: local, local-noisy\)/,
    );
    expect((await registry.backends[1]!.provider.capabilities()).device).toBe(
      "statevector+readout-noise",
    );
  });

  it("trains on local-noisy, whose readout errors change the trajectory", async () => {
    const spec = {
      dataset: { name: "moons", samples: 80 },
      model: { qubits: 2, layers: 2 },
      training: { epochs: 3 },
    };
    const clean = await runTraining(spec, { resolveBackend: registry.resolve });
    const noisy = await runTraining(
      { ...spec, backend: { name: "local-noisy" } },
      { resolveBackend: registry.resolve },
    );
    const a = clean.result.records.at(-1)!;
    const b = noisy.result.records.at(-1)!;
    expect(b.trainLoss).not.toBe(a.trainLoss);
    expect(b.ixt).toBeLessThanOrEqual(1 + 1e-12);
    expect(b.testAccuracy).toBeGreaterThan(0.5);
  });
});
