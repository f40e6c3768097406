/**
 * The first epoch predicted under a device's noise (src/training/prediction.ts): a twin with
 * strong depolarizing noise against the noiseless simulator, a hardware backend whose twin
 * comes from its /properties (the fake IBM service), the budget, and the refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BackendConfig } from "../../src/backends/config.js";
import { localBackendResolver } from "../../src/backends/registry.js";
import {
  CALIBRATION_WAIT_MS,
  type PredictionNoise,
  predictFirstEpoch,
  predictionWork,
} from "../../src/training/prediction.js";
import { prepareData, prepareDataShape } from "../../src/training/prepare.js";
import { jobCostOf } from "../../src/training/sizing.js";
import { type JobSpecInput, parseJobSpec } from "../../src/training/spec.js";
import { IBM_PROPERTIES, TWIN_DEVICE } from "../fixtures/calibration/ibm.js";
import {
  ranPrediction,
  SMALL_SPEC as SMALL,
  skippedOnStrongTwin,
  strongTwinNoise,
  strongTwinPrediction,
} from "../helpers/prediction.js";
import { type FakeIbmServer, startFakeIbm } from "../providers/ibm/fake-server.js";
import {
  fakeIbmBackend,
  propertyFetches,
  registryWithFakeIbmKey,
} from "../providers/ibm/helpers.js";

const STRONG = strongTwinNoise();

function predict(input: JobSpecInput, noise: PredictionNoise, maxWork = predictionWork(20)) {
  const spec = parseJobSpec(input);
  return predictFirstEpoch({
    spec,
    noise,
    noiseless: localBackendResolver("local"),
    dataShape: prepareDataShape(spec),
    prepareData,
    maxWork,
    calibrationWaitMs: CALIBRATION_WAIT_MS,
  });
}

describe("predictFirstEpoch", () => {
  it("predicts lower I(X;T) under strong depolarizing noise than without (same spec and seed)", async () => {
    const prediction = await predict(SMALL, STRONG);
    expect(prediction).toEqual(strongTwinPrediction(2.4e10));
    expect(prediction.noisy!.ixt).toBeLessThan(prediction.noiseless!.ixt / 1000);
  });

  it("prices both first epochs: the twin's density matrix and the statevector's", async () => {
    const spec = parseJobSpec(SMALL);
    const first = parseJobSpec({ ...SMALL, training: { ...SMALL.training, epochs: 1 } });
    const shape = prepareDataShape(spec);
    const prediction = await predict(SMALL, STRONG);
    expect(prediction.amplitudeOperations).toBe(
      jobCostOf(first, STRONG.twin.provider, shape).amplitudeOperations +
        jobCostOf(first, localBackendResolver("local").provider, shape).amplitudeOperations,
    );
  });

  it("is skipped, naming the priced work and the budget, when over its budget", async () => {
    const prediction = await predict(SMALL, STRONG, 1e6);
    expect(prediction).toEqual(
      skippedOnStrongTwin(
        { max: 1e6, priced: 1_252_800 },
        "the first epoch on the twin and on the noiseless simulator is priced at 1.25e+6 amplitude-operations, over the prediction budget of 1.00e+6 (about 0.00083 s of one core)",
      ),
    );
  });

  it("is skipped for a classical model, which runs no circuit", async () => {
    const prediction = await predict({ ...SMALL, model: { kind: "mlp", hidden: [4] } }, STRONG);
    expect(prediction).toEqual(
      skippedOnStrongTwin(
        { max: 2.4e10 },
        'model.kind "mlp" runs no circuit, so a device\'s noise does not change it',
      ),
    );
  });
});

describe("a hardware backend's prediction", () => {
  let fake: FakeIbmServer;
  beforeAll(async () => {
    fake = await startFakeIbm({ device: TWIN_DEVICE, properties: IBM_PROPERTIES });
  });
  afterAll(() => fake.close());

  /** The registry of `backends` (by default the fake's IBM backend "fake-ibm") and its key. */
  const registryOf = (backends: BackendConfig[] = [fakeIbmBackend(fake, "fake-ibm")]) =>
    registryWithFakeIbmKey(fake, backends);
  const HARDWARE: JobSpecInput = {
    ...SMALL,
    backend: { name: "fake-ibm", shots: 200 },
  };

  it("runs on a twin of the device's /properties, fetched once for repeated predictions", async () => {
    const registry = registryOf();
    const noise = registry.predictionOf("fake-ibm")!;
    expect(noise.source).toBe("calibration");
    expect(registry.backends[0]?.prediction).toBe(noise);
    const before = propertyFetches(fake);
    const prediction = await predict(HARDWARE, noise);
    expect(prediction).toEqual(
      ranPrediction(
        { source: "calibration", backend: "fake-ibm" },
        { max: 2.4e10, priced: 2_092_800 },
        {
          noisy: [0.10382742173952392, 0.012274472101594434, 0.4],
          noiseless: [0.11665589848846404, 0.013155745948847431, 0.4],
        },
      ),
    );
    expect(await predict(HARDWARE, noise)).toEqual(prediction);
    expect(propertyFetches(fake) - before).toBe(1);
  });

  it("is skipped, with the twin's error, when the device cannot hold the circuit", async () => {
    const registry = registryOf();
    const prediction = await predict(
      { ...HARDWARE, model: { qubits: 4, layers: 1 } },
      registry.predictionOf("fake-ibm")!,
    );
    // qubit 3 of the fixture is faulty
    expect(prediction.skipped).toBe(
      "the twin cannot run it: circuit needs 4 qubits but the target has 3 usable qubits",
    );
    expect(prediction.noisy).toBeUndefined();
  });

  it("prefers a twin configured for the device; noiseless simulators have none", () => {
    const registry = registryOf([
      { name: "local", provider: "local" },
      fakeIbmBackend(fake, "fake-ibm"),
      { name: "fake-ibm-twin", provider: "local", noise: { fromBackend: "fake-ibm" } },
    ]);
    expect(registry.predictionOf("fake-ibm")).toMatchObject({
      source: "twin",
      backend: "fake-ibm-twin",
    });
    expect(registry.predictionOf("fake-ibm")?.twin).toBe(registry.resolve("fake-ibm-twin"));
    expect(registry.predictionOf("local")).toBeUndefined();
  });

  it("is skipped, with the service's error, when the calibration cannot be fetched", async () => {
    const registry = registryOf([fakeIbmBackend(fake, "fake-ibm", { device: "no_such_device" })]);
    const prediction = await predict(HARDWARE, registry.predictionOf("fake-ibm")!);
    expect(prediction.skipped).toMatch(
      /^the twin is not available: no calibration: IBM Quantum rejected GET \/backends\/no_such_device\/configuration: HTTP 404, IBM error 1216: Backend no_such_device not found \[trace [0-9a-f-]+\]$/,
    );
    expect(prediction.noisy).toBeUndefined();
  });
});
