/**
 * The first epoch predicted under a device's noise (src/training/prediction.ts): a twin with
 * strong depolarizing noise against the noiseless simulator, a hardware backend whose twin
 * comes from its /properties (the fake IBM service), the budget, and the refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseNoiseModel } from "../../providers/local/noise-model.js";
import { NoisyLocalProvider } from "../../providers/local/noisy-provider.js";
import { createBackendRegistry, localBackendResolver } from "../../src/backends/registry.js";
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
  FAKE_API_KEY,
  FAKE_CRN,
  type FakeIbmServer,
  startFakeIbm,
} from "../providers/ibm/fake-server.js";

/** A twin whose every gate depolarizes with p = 0.3. */
const STRONG: PredictionNoise = {
  source: "twin",
  backend: "strong-twin",
  twin: {
    provider: new NoisyLocalProvider({
      device: "strong",
      noise: parseNoiseModel({ depolarizing: { default: 0.3 } }),
    }),
    exactProbabilities: true,
  },
};

const SMALL: JobSpecInput = {
  dataset: { name: "moons", samples: 40, seed: 3 },
  model: { qubits: 2, layers: 2 },
  training: { epochs: 5, gradient: "spsa", seed: 5 },
  backend: { name: "strong-twin", shots: 0 },
};

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
    // p = 0.3 on each of the 2-qubit circuit's gates leaves the readout almost uniform
    expect(prediction).toEqual({
      noise: { source: "twin", backend: "strong-twin" },
      maxAmplitudeOperations: 2.4e10,
      amplitudeOperations: 1_252_800,
      noisy: {
        ixt: 0.0000358448562643217,
        ity: 5.3355874163837795e-8,
        testMetric: { name: "testAccuracy", value: 0.4 },
      },
      noiseless: {
        ixt: 0.11748900507523526,
        ity: 0.009969423996012665,
        testMetric: { name: "testAccuracy", value: 0.4 },
      },
    });
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
    expect(prediction).toEqual({
      noise: { source: "twin", backend: "strong-twin" },
      maxAmplitudeOperations: 1e6,
      amplitudeOperations: 1_252_800,
      skipped:
        "the first epoch on the twin and on the noiseless simulator is priced at 1.25e+6 amplitude-operations, over the prediction budget of 1.00e+6 (about 0.00083 s of one core)",
    });
  });

  it("is skipped for a classical model, which runs no circuit", async () => {
    const prediction = await predict({ ...SMALL, model: { kind: "mlp", hidden: [4] } }, STRONG);
    expect(prediction).toEqual({
      noise: { source: "twin", backend: "strong-twin" },
      maxAmplitudeOperations: 2.4e10,
      skipped: 'model.kind "mlp" runs no circuit, so a device\'s noise does not change it',
    });
  });
});

describe("a hardware backend's prediction", () => {
  let fake: FakeIbmServer;
  beforeAll(async () => {
    fake = await startFakeIbm({ device: TWIN_DEVICE, properties: IBM_PROPERTIES });
  });
  afterAll(() => fake.close());

  const ibm = () => ({
    name: "fake-ibm",
    provider: "ibm" as const,
    device: "fake_twin",
    instanceCrn: FAKE_CRN,
    baseUrl: fake.baseUrl,
    iamUrl: fake.iamUrl,
  });
  const propertyFetches = () =>
    fake.requests.filter((request) => request.path.endsWith("/properties")).length;
  const HARDWARE: JobSpecInput = {
    ...SMALL,
    backend: { name: "fake-ibm", shots: 200 },
  };

  it("runs on a twin of the device's /properties, fetched once for repeated predictions", async () => {
    const registry = createBackendRegistry([ibm()], { IBM_CLOUD_API_KEY: FAKE_API_KEY });
    const noise = registry.predictionOf("fake-ibm")!;
    expect(noise.source).toBe("calibration");
    expect(registry.backends[0]?.prediction).toBe(noise);
    const before = propertyFetches();
    const prediction = await predict(HARDWARE, noise);
    expect(prediction).toEqual({
      noise: { source: "calibration", backend: "fake-ibm" },
      maxAmplitudeOperations: 2.4e10,
      amplitudeOperations: 2_092_800,
      noisy: {
        ixt: 0.10382742173952392,
        ity: 0.012274472101594434,
        testMetric: { name: "testAccuracy", value: 0.4 },
      },
      noiseless: {
        ixt: 0.11665589848846404,
        ity: 0.013155745948847431,
        testMetric: { name: "testAccuracy", value: 0.4 },
      },
    });
    expect(await predict(HARDWARE, noise)).toEqual(prediction);
    expect(propertyFetches() - before).toBe(1);
  });

  it("is skipped, with the twin's error, when the device cannot hold the circuit", async () => {
    const registry = createBackendRegistry([ibm()], { IBM_CLOUD_API_KEY: FAKE_API_KEY });
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
    const registry = createBackendRegistry(
      [
        { name: "local", provider: "local" },
        ibm(),
        { name: "fake-ibm-twin", provider: "local", noise: { fromBackend: "fake-ibm" } },
      ],
      { IBM_CLOUD_API_KEY: FAKE_API_KEY },
    );
    expect(registry.predictionOf("fake-ibm")).toMatchObject({
      source: "twin",
      backend: "fake-ibm-twin",
    });
    expect(registry.predictionOf("fake-ibm")?.twin).toBe(registry.resolve("fake-ibm-twin"));
    expect(registry.predictionOf("local")).toBeUndefined();
  });

  it("is skipped, with the service's error, when the calibration cannot be fetched", async () => {
    const registry = createBackendRegistry([{ ...ibm(), device: "no_such_device" }], {
      IBM_CLOUD_API_KEY: FAKE_API_KEY,
    });
    const prediction = await predict(HARDWARE, registry.predictionOf("fake-ibm")!);
    expect(prediction.skipped).toMatch(
      /^the twin is not available: no calibration: IBM Quantum rejected GET \/backends\/no_such_device\/configuration: HTTP 404, IBM error 1216: Backend no_such_device not found \[trace [0-9a-f-]+\]$/,
    );
    expect(prediction.noisy).toBeUndefined();
  });
});
