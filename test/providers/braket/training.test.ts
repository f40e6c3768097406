import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BraketProvider } from "../../../providers/braket/provider.js";
import { LocalProvider } from "../../../providers/local/provider.js";
import { createBackendRegistry } from "../../../src/backends/registry.js";
import { planRun } from "../../../src/training/plan.js";
import { prepareRun, runTraining } from "../../../src/training/run.js";
import { expectWithinShotNoise, trainBesideLocal } from "../../helpers/beside-local.js";
import { FakeBraket, type FakeDevice } from "./fake-server.js";
import { createRequests } from "./harness.js";

const DEVICE: FakeDevice = {
  arn: "arn:aws:braket:eu-north-1::device/qpu/iqm/Garnet",
  name: "Garnet",
  qubitCount: 20,
  supportedOperations: ["ry", "rz", "cnot", "cz", "x", "v"],
  // ≥ the 144 rows of a parameter-shift step (16 samples × (8 shifts + 1)): one task per step
  programSet: { maximumExecutables: 200, maximumTotalShots: 1_000_000 },
  pollIntervalMs: 2,
};

// program sets of at most 50 programs: a parameter-shift step (≤ 144 rows) splits into tasks
const SMALL: FakeDevice = {
  ...DEVICE,
  arn: "arn:aws:braket:eu-north-1::device/qpu/iqm/Garnet-small",
  name: "Garnet-small",
  programSet: { maximumExecutables: 50, maximumTotalShots: 1_000_000 },
};

/** SV1-like simulator: shots = 0 gives exact probabilities; no program sets (one task per row). */
const SV1: FakeDevice = {
  arn: "arn:aws:braket:::device/quantum-simulator/amazon/sv1",
  name: "SV1",
  type: "SIMULATOR",
  qubitCount: 10,
  supportedOperations: ["h", "x", "rx", "ry", "rz", "cnot", "cz", "zz"],
  programSet: null,
  pollIntervalMs: 1,
  shotsRange: [0, 100_000],
};

let fake: FakeBraket;
/** CreateQuantumTask requests so far (count before and after a run). */
const tasksCreated = () => createRequests(fake).length;
const savedEnv = { ...process.env };

beforeAll(async () => {
  fake = new FakeBraket({ devices: [DEVICE, SMALL, SV1] });
  endpoint = await fake.start();
  // credentials reach the provider only through the environment, as in production
  process.env.AWS_ACCESS_KEY_ID = "test";
  process.env.AWS_SECRET_ACCESS_KEY = "test";
  registry = createBackendRegistry([
    { name: "local", provider: "local" },
    {
      name: "braket-garnet",
      provider: "braket",
      deviceArn: DEVICE.arn,
      s3Bucket: "amazon-braket-qplane",
      s3Prefix: "tasks",
      region: "eu-north-1",
      endpoint,
    },
    {
      name: "braket-small",
      provider: "braket",
      deviceArn: SMALL.arn,
      s3Bucket: "amazon-braket-qplane",
      s3Prefix: "tasks",
      region: "eu-north-1",
      endpoint,
      pricing: { perTaskUsd: 0.3, perShotUsd: 0.00145 },
    },
  ]);
});

afterAll(async () => {
  process.env = savedEnv;
  await fake.stop();
});

let registry: ReturnType<typeof createBackendRegistry>;
let endpoint: string;

describe("training on a (fake) Amazon Braket device named in configuration", () => {
  it("completes with one program-set task per optimisation step and agrees with the local simulator within shot noise", async () => {
    const spec = {
      dataset: { name: "moons", samples: 48 },
      // fixed encoding: 4 θ occurrences, 16 × (8 + 1) = 144 rows per step (the linear
      // encoding's own test is below)
      model: { qubits: 2, layers: 1, encoding: "fixed" },
      training: { epochs: 3, gradient: "parameter-shift", learningRate: 0.1 },
      backend: { name: "braket-garnet", shots: 400 },
    };
    const {
      remote: braket,
      submitted: tasks,
      local,
    } = await trainBesideLocal(spec, registry.resolve, tasksCreated);

    expect(braket.result.status).toBe("completed");
    const steps = Math.ceil(braket.data.train.samples / 16) * 3;
    // per epoch: one task per step, then one program-set task for both splits' evaluations
    // (their 48 rows fit one program set of ≤ 200)
    expect(tasks).toBe(steps + 1 * 3);
    expect(braket.result.records.at(-1)?.estimator).toBe("miller-madow");
    expectWithinShotNoise(braket, local, 400);
  });

  it.each(["parameter-shift", "spsa"] as const)(
    "creates one task per step with the linear encoding too (%s)",
    async (gradient) => {
      // 2 qubits, 1 layer, linear encoding: 4 θ + 2 φ weights, so a parameter-shift step of
      // 8 samples is 8 × (12 + 1) = 104 rows (≤ 200: one program set); SPSA 16 rows
      const spec = {
        dataset: { name: "moons", samples: 48 },
        model: { qubits: 2, layers: 1, encoding: "linear", classMap: "balanced" },
        training: { epochs: 1, gradient, batchSize: 8, learningRate: 0.1 },
        backend: { name: "braket-garnet", shots: 100 },
      };
      const plan = await planRun(prepareRun(spec, registry.resolve));
      const before = tasksCreated();
      const { result, data } = await runTraining(spec, { resolveBackend: registry.resolve });
      const tasks = tasksCreated() - before;
      expect(result.status).toBe("completed");
      const steps = Math.ceil(data.train.samples / 8);
      // one task per step, one for both splits' evaluations
      expect(tasks).toBe(steps + 1);
      expect(plan.totalSubmissions).toBe(tasks);
      const rowsPerSample = gradient === "spsa" ? 2 : 13;
      expect(plan.circuitsPerEpoch).toBe(
        data.train.samples * rowsPerSample + data.train.samples + data.test.samples,
      );
    },
  );

  it("plans exactly the tasks a run creates when program sets split, and prices them", async () => {
    const spec = {
      dataset: { name: "moons", samples: 48 },
      // fixed encoding: 4 θ occurrences, 9 rows per training sample
      model: { qubits: 2, layers: 1, encoding: "fixed" },
      training: { epochs: 1, gradient: "parameter-shift", learningRate: 0.1 },
      backend: { name: "braket-small", shots: 100 },
    };
    const plan = await planRun(prepareRun(spec, registry.resolve));
    const before = tasksCreated();
    const { result, data } = await runTraining(spec, { resolveBackend: registry.resolve });
    const tasks = tasksCreated() - before;

    const train = data.train.samples;
    const test = data.test.samples;
    // steps of 16 samples × 9 rows = 144 rows → 3 tasks of ≤ 50; the last batch likewise
    const stepTasks =
      Math.floor(train / 16) * Math.ceil(144 / 50) +
      (train % 16 ? Math.ceil(((train % 16) * 9) / 50) : 0);
    // the epoch's evaluations: train then test rows in one call, split into sets of ≤ 50
    const evalTasks = Math.ceil((train + test) / 50);
    expect(tasks).toBe(stepTasks + evalTasks);
    expect(plan.totalSubmissions).toBe(tasks);
    expect(plan.submissionsPerEpoch).toBe(tasks);
    const shots = 100 * (train * 9 + train + test);
    expect(plan.totalShots).toBe(shots);
    expect(plan.estimatedCostUsd).toBeCloseTo(tasks * 0.3 + shots * 0.00145, 9);
    expect(plan.transpiled).toBeUndefined();
    const record = result.records[0]!;
    expect(record.submissions).toBe(tasks);
    expect(record.shotsUsed).toBe(shots);
    expect(record.estimatedCostUsd).toBeCloseTo(plan.estimatedCostUsd, 9);
  });

  it("trains with shots = 0 on an SV1-like simulator and matches the local exact run", async () => {
    const sv1 = new BraketProvider({
      deviceArn: SV1.arn,
      s3Bucket: "amazon-braket-qplane",
      s3Prefix: "exact",
      region: "us-east-1",
      endpoint,
      maxConcurrentTasks: 32,
    });
    const caps = await sv1.capabilities();
    expect(caps.exactProbabilities).toBe(true);
    const spec = {
      dataset: { name: "moons", samples: 20 },
      model: { qubits: 2, layers: 1 },
      training: { epochs: 1, gradient: "parameter-shift", learningRate: 0.1 },
      backend: { name: "sv1", shots: 0 },
    };
    const before = tasksCreated();
    const braket = await runTraining(spec, {
      resolveBackend: () => ({ provider: sv1, exactProbabilities: caps.exactProbabilities }),
    });
    const tasks = tasksCreated() - before;
    const local = await runTraining(spec, {
      resolveBackend: () => ({ provider: new LocalProvider(), exactProbabilities: true }),
    });
    expect(braket.result.status).toBe("completed");
    expect(tasks).toBeGreaterThan(0);
    const sv1Creates = fake.requests.filter(
      (r) => r.method === "POST" && (r.body as { deviceArn?: string }).deviceArn === SV1.arn,
    );
    expect(sv1Creates).toHaveLength(tasks);
    const shots = sv1Creates.map((r) => (r.body as { shots: number }).shots);
    expect(new Set(shots)).toEqual(new Set([0]));
    const a = braket.result.records.at(-1)!;
    const b = local.result.records.at(-1)!;
    // exact probabilities both ways: the same numbers up to floating-point rounding
    expect(a.testLoss).toBeCloseTo(b.testLoss, 9);
    expect(a.trainLoss).toBeCloseTo(b.trainLoss, 9);
  });
});
