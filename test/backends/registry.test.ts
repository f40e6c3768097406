import { describe, expect, it } from "vitest";
import { supportsDerivatives, supportsStatevectors } from "../../providers/types.js";
import { BUILTIN_BACKENDS } from "../../src/backends/config.js";
import { createBackendRegistry } from "../../src/backends/registry.js";
import { prepareRun, runTraining } from "../../src/training/run.js";

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

  it("shows each entry's settings for GET /v1/backends, without endpoints or account ids", () => {
    const registry = createBackendRegistry([
      { name: "local-noisy", provider: "local", readoutError: { p1Given0: 0.01, p0Given1: 0.02 } },
      {
        name: "ibm-fez",
        provider: "ibm",
        device: "ibm_fez",
        instanceCrn: "crn:v1:bluemix:public:quantum-computing:us-east:a/abc:def::",
        executionMode: "batch",
        baseUrl: "http://127.0.0.1:9/internal",
        iamUrl: "http://127.0.0.1:9/iam",
        pricing: { perTaskUsd: 0.5, perShotUsd: 0.0001 },
      },
    ]);
    expect(registry.backends.map((backend) => backend.settings)).toEqual([
      { readoutError: { p1Given0: 0.01, p0Given1: 0.02 } },
      {
        device: "ibm_fez",
        executionMode: "batch",
        pricing: { perTaskUsd: 0.5, perShotUsd: 0.0001 },
      },
    ]);
  });

  it("lets a Braket simulator entry offer exact probabilities, never adjoint gradients", () => {
    const braket = (exactProbabilities?: boolean) =>
      createBackendRegistry([
        {
          name: "braket-sv1",
          provider: "braket",
          deviceArn: "arn:aws:braket:::device/quantum-simulator/amazon/sv1",
          s3Bucket: "amazon-braket-qplane",
          s3Prefix: "tasks",
          region: "us-east-1",
          ...(exactProbabilities === undefined ? {} : { exactProbabilities }),
        },
      ]).resolve;
    const sv1 = braket(true)("braket-sv1");
    expect(sv1.exactProbabilities).toBe(true);
    // a remote simulator offers neither derivatives nor statevectors of its own
    expect(supportsDerivatives(sv1.provider)).toBe(false);
    expect(supportsStatevectors(sv1.provider)).toBe(false);
    expect(braket()("braket-sv1").exactProbabilities).toBe(false);
    const spec = (gradient: string) => ({
      dataset: { name: "moons", samples: 40 },
      training: { gradient, epochs: 1 },
      backend: { name: "braket-sv1", shots: 0 },
    });
    // exact probabilities from the device are fine for parameter-shift…
    expect(() => prepareRun(spec("parameter-shift"), braket(true))).not.toThrow();
    // …but the adjoint gradient would differentiate a local statevector, not the device's
    expect(() => prepareRun(spec("adjoint"), braket(true))).toThrow(
      /^spec\.training\.gradient: "adjoint" needs exact probabilities on the local simulator \(backend "braket-sv1", shots 0\)/,
    );
    expect(() => prepareRun(spec("parameter-shift"), braket(false))).toThrow(
      'spec.backend.shots: backend "braket-sv1" has no exact probabilities; set backend.shots ≥ 1',
    );
  });

  it("gives IBM backends a lazy run scope: opening and closing an unused one needs no credentials", async () => {
    const ibm = createBackendRegistry(
      [
        {
          name: "ibm-fez",
          provider: "ibm",
          device: "ibm_fez",
          instanceCrn: "crn:v1:bluemix:public:quantum-computing:us-east:a/abc:def::",
          executionMode: "session",
        },
      ],
      {},
    );
    const scope = ibm.resolve("ibm-fez").provider.openRunScope!();
    expect(typeof scope.transpile).toBe("function");
    await expect(scope.close("completed")).resolves.toBeUndefined();
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
