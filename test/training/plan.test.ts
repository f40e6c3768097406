import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalProvider } from "../../providers/local/provider.js";
import type { Provider } from "../../providers/types.js";
import type { BackendRegistry } from "../../src/backends/registry.js";
import { isQplaneError } from "../../src/errors/catalogue.js";
import { planRun } from "../../src/training/plan.js";
import { type BackendResolver, preparePlan } from "../../src/training/run.js";
import { prepareRun, runTraining } from "../local-backend.js";
import { type FakeIbmServer, startFakeIbm } from "../providers/ibm/fake-server.js";
import { fakeIbmBackend, registryWithFakeIbmKey } from "../providers/ibm/helpers.js";

/** The local simulator, counting what is actually submitted to it. */
function countingBackend() {
  const inner = new LocalProvider();
  const seen = { runs: 0, rows: 0, shots: 0 };
  const provider: Provider = {
    capabilities: () => inner.capabilities(),
    status: () => inner.status(),
    estimate: (circuit, rows, config) => inner.estimate(circuit, rows, config),
    // the simulator's optional capabilities (adjoint steps, in-process cost), as they are
    derivatives: inner.derivatives,
    statevectors: inner.statevectors,
    run: async (circuit, rows, config) => {
      const handle = await inner.run(circuit, rows, config);
      const count = (await handle.result()).rows;
      seen.runs += 1;
      seen.rows += count;
      seen.shots += count * config.shots;
      return handle;
    },
  };
  const resolve: BackendResolver = () => ({ provider, exactProbabilities: true });
  return { seen, resolve };
}

const base = {
  dataset: { name: "moons", samples: 70 },
  model: { qubits: 2, layers: 2 },
  training: { epochs: 3, batchSize: 16 },
};

const cases: [string, Record<string, unknown>][] = [
  ["adjoint, exact", {}],
  [
    "parameter-shift with shots, all-qubit register at other shots, lr feedback every 3 steps",
    {
      training: { ...base.training, gradient: "parameter-shift" },
      backend: { shots: 200 },
      infoPlane: { register: "all", shots: 300 },
      feedback: { mode: "lr", every: 3, probeSize: 20 },
    },
  ],
  [
    "SPSA with shots, loss feedback once per epoch, information on the test split",
    {
      training: { ...base.training, gradient: "spsa" },
      backend: { shots: 100 },
      infoPlane: { split: "test" },
      feedback: { mode: "loss" },
    },
  ],
  [
    "parameter-shift with shots and a validation split evaluated every epoch",
    {
      dataset: { ...base.dataset, validationFraction: 0.2 },
      training: { ...base.training, gradient: "parameter-shift" },
      backend: { shots: 50 },
    },
  ],
];

describe("planRun", () => {
  it.each(cases)("matches what a run on the local simulator submits (%s)", async (_, overrides) => {
    const spec = { ...base, ...overrides };
    const backend = countingBackend();
    const prepared = prepareRun(spec, backend.resolve);
    const plan = await planRun(prepared);
    expect(backend.seen.runs).toBe(0); // planning runs nothing

    const { result } = await runTraining(spec, { resolveBackend: backend.resolve });
    expect(plan.totalSubmissions).toBe(backend.seen.runs);
    expect(plan.totalCircuits).toBe(backend.seen.rows);
    expect(plan.totalShots).toBe(backend.seen.shots);
    expect(plan.estimatedCostUsd).toBe(0);
    // the records account for the same submissions and shots, epoch by epoch
    const first = result.records[0]!;
    expect(first.submissions).toBe(plan.submissionsPerEpoch);
    expect(first.shotsUsed).toBe(plan.shotsPerEpoch);
    expect(first.estimatedCostUsd).toBe(0);
    const sum = (key: "submissions" | "shotsUsed") =>
      result.records.reduce((total, record) => total + record[key], 0);
    expect(sum("submissions")).toBe(plan.totalSubmissions);
    expect(sum("shotsUsed")).toBe(plan.totalShots);
  });

  it("counts steps with a smaller last batch, evaluation of both splits, and no submissions for adjoint steps", async () => {
    const backend = countingBackend();
    const prepared = prepareRun(base, backend.resolve);
    const train = prepared.data.train.samples;
    const test = prepared.data.test.samples;
    expect(train % 16).not.toBe(0);
    const plan = await planRun(prepared);
    expect(plan.stepsPerEpoch).toBe(Math.ceil(train / 16));
    // the epoch's evaluations: both splits' rows in one submission
    expect(plan.submissionsPerEpoch).toBe(1);
    expect(plan.circuitsPerEpoch).toBe(train + test);
    expect(plan.totalSubmissions).toBe(3);

    // parameter-shift: 12 weight occurrences (8 ry/rz and, with the default linear encoding,
    // 4 trained encoding angles φ) × 2 shifts + 1 unshifted rows per sample
    const shift = prepareRun(
      {
        ...base,
        training: { ...base.training, gradient: "parameter-shift" },
        backend: { shots: 10 },
      },
      backend.resolve,
    );
    const shiftPlan = await planRun(shift);
    expect(shiftPlan.submissionsPerEpoch).toBe(Math.ceil(train / 16) + 1);
    expect(shiftPlan.circuitsPerEpoch).toBe(train * 25 + train + test);
    expect(shiftPlan.shotsPerEpoch).toBe(10 * shiftPlan.circuitsPerEpoch);
  });

  it.each(cases)(
    "plans the same from counts alone, without building a circuit (%s)",
    async (_, overrides) => {
      const input = { ...base, ...overrides };
      const prepared = prepareRun(input);
      const provider = new LocalProvider();
      const counted = preparePlan(prepared.spec, { provider, exactProbabilities: true });
      expect(counted.model.runShape).toBeUndefined();
      expect(await planRun(counted, provider)).toEqual(await planRun(prepared));
    },
  );

  it("plans nothing to submit for the classical MLP", async () => {
    const plan = await planRun(prepareRun({ ...base, model: { kind: "mlp" } }));
    expect(plan.totalSubmissions).toBe(0);
    expect(plan.estimatedCostUsd).toBe(0);
  });
});

describe("the per-job budget", () => {
  it("refuses a run over backend.maxShots before anything is submitted, naming the numbers", async () => {
    const backend = countingBackend();
    const spec = {
      ...base,
      training: { ...base.training, gradient: "spsa" },
      backend: { shots: 100, maxShots: 1000 },
    };
    const planned = (await planRun(prepareRun(spec, backend.resolve))).totalShots;
    const error = await runTraining(spec, { resolveBackend: backend.resolve }).catch(
      (e: unknown) => e,
    );
    expect(isQplaneError(error) && error.code).toBe("QPLANE_ERR_BUDGET_EXCEEDED");
    expect((error as Error).message).toBe(
      `spec.backend.maxShots: the run plans ${planned} shots, over the limit of 1000`,
    );
    expect(backend.seen.runs).toBe(0);
  });

  it("refuses a run over backend.maxCost and runs one within both limits", async () => {
    const backend = countingBackend();
    const priced: BackendResolver = (name) => {
      const { provider } = backend.resolve(name);
      return {
        exactProbabilities: true,
        provider: {
          ...provider,
          // $1 per submission, $0.001 per shot
          estimate: async (circuit, rows, config) => {
            const estimate = await provider.estimate(circuit, rows, config);
            return {
              ...estimate,
              estimatedCostUsd: estimate.submissions + 0.001 * estimate.totalShots,
            };
          },
        },
      };
    };
    const spec = {
      ...base,
      training: { ...base.training, epochs: 1, gradient: "spsa" },
      backend: { shots: 10, maxCost: 5 },
    };
    const prepared = prepareRun(spec, priced);
    const plan = await planRun(prepared);
    const train = prepared.data.train.samples;
    const test = prepared.data.test.samples;
    const shots = 10 * (2 * train + train + test);
    expect(plan.totalShots).toBe(shots);
    expect(plan.estimatedCostUsd).toBeCloseTo(Math.ceil(train / 16) + 1 + 0.001 * shots, 10);
    await expect(runTraining(spec, { resolveBackend: priced })).rejects.toThrow(
      /^spec\.backend\.maxCost: the run's estimated cost is [\d.]+ USD, over the limit of 5 USD$/,
    );
    expect(backend.seen.runs).toBe(0);

    const { result } = await runTraining(
      { ...spec, backend: { shots: 10, maxCost: 100, maxShots: shots } },
      { resolveBackend: priced },
    );
    expect(result.records[0]!.estimatedCostUsd).toBeCloseTo(plan.estimatedCostUsd, 10);
    expect(backend.seen.shots).toBe(shots);
  });
});

describe("the plan on an IBM device whose coupling map is a line", () => {
  // a 5-qubit line with directed ecr couplings, served by the fake IBM Runtime
  let fake: FakeIbmServer;
  let registry: BackendRegistry;

  beforeAll(async () => {
    fake = await startFakeIbm({
      device: {
        name: "fake_line5",
        nQubits: 5,
        basisGates: ["ecr", "id", "rz", "sx", "x"],
        couplingMap: [
          [0, 1],
          [1, 2],
          [2, 3],
          [3, 4],
        ],
      },
    });
    registry = registryWithFakeIbmKey(fake, [fakeIbmBackend(fake, "ibm-line")]);
  });

  afterAll(async () => {
    await fake.close();
  });

  const lineSpec = (dataset: string, qubits: number, entangler: string) => ({
    dataset: { name: dataset, samples: 40 },
    model: { qubits, layers: 2, entangler },
    training: { epochs: 1, gradient: "parameter-shift" },
    backend: { name: "ibm-line", shots: 100 },
  });

  it.each([
    ["iris", 4],
    ["moons", 3],
  ] as const)(
    "%s: a full entangler forces SWAPs, a linear one needs none",
    async (dataset, qubits) => {
      const full = await planRun(prepareRun(lineSpec(dataset, qubits, "full"), registry.resolve));
      const linear = await planRun(
        prepareRun(lineSpec(dataset, qubits, "linear"), registry.resolve),
      );
      expect(full.transpiled!.swaps).toBeGreaterThan(0);
      expect(full.transpiled!.layout).toHaveLength(qubits);
      // the plan omits `swaps` when there are none
      expect(linear.transpiled!.swaps).toBeUndefined();
      expect(linear.transpiled!.layout).toHaveLength(qubits);
      // the linear chain lies along the line: consecutive qubits are neighbours
      const layout = linear.transpiled!.layout;
      for (let q = 0; q + 1 < qubits; q++) expect(Math.abs(layout[q]! - layout[q + 1]!)).toBe(1);
      // each SWAP costs three two-qubit gates on top of the entanglers' own
      const pairs = (qubits * (qubits - 1)) / 2;
      expect(linear.transpiled!.twoQubitGates).toBe(2 * (qubits - 1));
      expect(full.transpiled!.twoQubitGates).toBe(2 * pairs + 3 * full.transpiled!.swaps!);
      expect(full.transpiled!.depth).toBeGreaterThan(linear.transpiled!.depth);
    },
  );
});
