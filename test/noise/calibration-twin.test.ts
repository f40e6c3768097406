/**
 * Twins: the noise remap (pure), a backends-file twin from a snapshot file that runs a
 * circuit as transpiled for the device (checked against the density simulator on the whole,
 * uncompacted device with the unremapped noise: an independent route to the same numbers),
 * a live twin of the fake IBM service with refresh and a failed refresh, and the
 * backends-file refusals.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  calibrationTarget,
  parseCalibration,
  writeCalibrationFile,
} from "../../providers/local/calibration-snapshot.js";
import { refreshingSource } from "../../providers/local/calibration-source.js";
import { noisyProbabilities } from "../../providers/local/density-simulator.js";
import { parseNoiseModel } from "../../providers/local/noise-model.js";
import { remapNoiseModel } from "../../providers/local/noise-remap.js";
import { exactProbabilities } from "../../providers/local/simulator.js";
import { TwinProvider } from "../../providers/local/twin-provider.js";
import type { ProbabilitiesResult } from "../../providers/types.js";
import { loadBackends } from "../../src/backends/config.js";
import { createBackendRegistry } from "../../src/backends/registry.js";
import { createTwin } from "../../src/backends/twins.js";
import { compactIdleQubits } from "../../src/circuits/compact.js";
import { CircuitBuilder, weight } from "../../src/circuits/ir.js";
import { transpile } from "../../src/circuits/transpile/index.js";
import { prepareRun, runTraining } from "../../src/training/run.js";
import { IBM_PROPERTIES, ibmSnapshot, TWIN_DEVICE } from "../fixtures/calibration/ibm.js";
import {
  FAKE_API_KEY,
  FAKE_CRN,
  type FakeIbmServer,
  startFakeIbm,
} from "../providers/ibm/fake-server.js";
import { fakeIbmBackend, propertyFetches } from "../providers/ibm/helpers.js";

const snapshot = ibmSnapshot();

/** GHZ-like: ry(θ) on 0, then cx 0→1, cx 1→2; the transpiler must route on the cz line. */
const circuit = new CircuitBuilder(3)
  .add("ry", [0], weight("theta"))
  .add("cx", [0, 1])
  .add("cx", [1, 2])
  .add("h", [2])
  .measureAll()
  .build();
const rows = [[0.7], [2.1]];

async function probabilities(run: Promise<{ result(): Promise<unknown> }>) {
  const result = (await (await run).result()) as ProbabilitiesResult;
  expect(result.kind).toBe("probabilities");
  return Array.from(result.values);
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "qplane-twin-"));
}

describe("remapNoiseModel", () => {
  const model = parseNoiseModel({
    depolarizing: {
      default: 0.001,
      sx: 0.002,
      perQubit: { sx: { "5": 0.1, "7": 0.2, "8": 0.9 } },
      perPair: { cz: { "5,7": 0.3, "7,5": 0.31, "5,9": 0.4 } },
    },
    thermalRelaxation: {
      t1Ns: [10, 11, 12, 13, 14, 15, 16, 17, 18, 19],
      t2Ns: [20, 21, 22, 23, 24, 25, 26, 27, 28, 29],
      gateDurationsNs: { default: 30, perQubit: { sx: { "7": 40 } } },
    },
    readout: Array.from({ length: 10 }, (_, q) => [q / 100, q / 50]),
  });

  it("keeps the noise of the chosen physical qubits, renumbered in the given order", () => {
    const remapped = remapNoiseModel(model, [7, 5]);
    expect(remapped.depolarizing).toEqual({
      default: 0.001,
      byGate: { sx: 0.002 },
      perQubit: { sx: { "0": 0.2, "1": 0.1 } },
      perPair: { cz: { "1,0": 0.3, "0,1": 0.31 } },
    });
    expect(remapped.thermalRelaxation).toEqual({
      t1Ns: [17, 15],
      t2Ns: [27, 25],
      gateDurationsNs: { default: 30, byGate: {}, perQubit: { sx: { "0": 40 } }, perPair: {} },
    });
    expect(remapped.readout).toEqual([
      [0.07, 0.14],
      [0.05, 0.1],
    ]);
  });

  it("leaves a model without per-qubit parts as it is", () => {
    const plain = parseNoiseModel({ depolarizing: { default: 0.01 } });
    expect(remapNoiseModel(plain, [3, 4])).toEqual(plain);
  });

  it("refuses repeated qubits and qubits a per-qubit list does not cover", () => {
    expect(() => remapNoiseModel(model, [5, 5])).toThrow(
      "noise remap: qubits [5, 5] must be distinct non-negative integers",
    );
    expect(() => remapNoiseModel(model, [2, 12])).toThrow(
      "noise.thermalRelaxation.t1Ns has 10 entries; qubit 12 has none (one entry per qubit)",
    );
  });
});

describe("a twin from a snapshot file in the backends file", () => {
  const dir = tempDir();
  writeCalibrationFile(join(dir, "fake_twin.json"), snapshot);
  const backendsFile = join(dir, "backends.json");
  writeFileSync(
    backendsFile,
    JSON.stringify({
      backends: [{ name: "twin-file", provider: "local", noise: { snapshot: "fake_twin.json" } }],
    }),
  );
  const registry = createBackendRegistry(loadBackends(backendsFile), {});

  it("resolves by name and runs the circuit as transpiled for the device", async () => {
    const twin = registry.resolve("twin-file");
    // exact (noisy) probabilities; never the adjoint gradient, which ignores the noise
    expect(twin).toMatchObject({ exactProbabilities: true });
    const spec = (gradient: string) => ({
      dataset: { name: "moons", samples: 40 },
      training: { gradient, epochs: 1 },
      backend: { name: "twin-file", shots: 0 },
    });
    expect(() => prepareRun(spec("parameter-shift"), registry.resolve)).not.toThrow();
    expect(() => prepareRun(spec("adjoint"), registry.resolve)).toThrow(
      /^spec\.training\.gradient: "adjoint" needs exact probabilities on the local simulator \(backend "twin-file", shots 0\)/,
    );
    const got = await probabilities(twin.provider.run(circuit, rows, { shots: 0 }));

    const { noise } = parseCalibration(snapshot);
    const transpiled = transpile(circuit, calibrationTarget(snapshot));
    // never on the faulty qubit 3; the routed circuit is ISA (cz, rz, sx, x)
    expect(transpiled.layout).not.toContain(3);
    for (const gate of transpiled.circuit.gates)
      expect(["cz", "rz", "sx", "x"]).toContain(gate.name);
    // the brief's reference: density simulator on the compacted circuit, remapped noise
    const compact = compactIdleQubits(transpiled.circuit);
    const reference = noisyProbabilities(
      compact.circuit,
      rows,
      remapNoiseModel(noise, compact.qubits),
    );
    expect(got).toEqual(Array.from(reference.values));
    // an independent route: the whole 4-qubit device with its unremapped noise
    const whole = noisyProbabilities(transpiled.circuit, rows, noise);
    got.forEach((p, i) => {
      expect(p).toBeCloseTo(whole.values[i]!, 12);
    });
    // and the noise matters: far from the noiseless probabilities
    const ideal = exactProbabilities(circuit, rows);
    const distance = got.reduce((sum, p, i) => sum + Math.abs(p - ideal.values[i]!), 0);
    expect(distance).toBeGreaterThan(0.01);
    expect(got.slice(0, 8).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it("samples seeded counts, reports the device and the transpilation", async () => {
    const twin = registry.resolve("twin-file").provider;
    const run = async () =>
      Array.from((await (await twin.run(circuit, rows, { shots: 500, seed: 3 })).result()).values);
    const counts = await run();
    expect(counts.slice(0, 8).reduce((a, b) => a + b, 0)).toBe(500);
    expect(await run()).toEqual(counts);
    const capabilities = await twin.capabilities();
    expect(capabilities.device).toBe("twin of fake_twin (calibration 2026-12-04T16:00:00.000Z)");
    expect(twin).toBeInstanceOf(TwinProvider);
    const plan = await (twin as TwinProvider).transpile(circuit);
    expect(plan.swaps).toBe(transpile(circuit, calibrationTarget(snapshot)).swaps);
  });

  it("trains a VQC (parameter-shift, exact) whose trajectory the device's noise changes", async () => {
    const spec = (backend: string) => ({
      dataset: { name: "moons", samples: 40, seed: 2 },
      model: { qubits: 2, layers: 1 },
      training: { epochs: 2, gradient: "parameter-shift" },
      backend: { name: backend, shots: 0 },
    });
    const clean = await runTraining(spec("local"), { resolveBackend: registry.resolve });
    const twin = await runTraining(spec("twin-file"), { resolveBackend: registry.resolve });
    const a = clean.result.records.at(-1)!;
    const b = twin.result.records.at(-1)!;
    expect(twin.result.records).toHaveLength(2);
    expect(Number.isFinite(b.trainLoss)).toBe(true);
    expect(Math.abs(b.trainLoss - a.trainLoss)).toBeGreaterThan(1e-6);
  });

  it("fails a run with the file's problem when the snapshot is missing", async () => {
    const missing = createBackendRegistry(
      [{ name: "twin-gone", provider: "local", noise: { snapshot: join(dir, "gone.json") } }],
      {},
    ).resolve("twin-gone").provider;
    await expect(missing.run(circuit, rows, { shots: 0 })).rejects.toThrow(
      `calibration snapshot ${join(dir, "gone.json")}: cannot read (ENOENT)`,
    );
    expect(await missing.status()).toMatchObject({ operational: false });
  });
});

describe("a live twin of the fake IBM service", () => {
  let fake: FakeIbmServer;
  beforeAll(async () => {
    fake = await startFakeIbm({ device: TWIN_DEVICE, properties: IBM_PROPERTIES });
  });
  afterAll(() => fake.close());

  const configs = () =>
    [
      fakeIbmBackend(fake, "fake-ibm"),
      {
        name: "fake-ibm-twin",
        provider: "local" as const,
        noise: { fromBackend: "fake-ibm", refreshMinutes: 1 },
      },
    ] as const;

  it("fetches at most once per refresh interval and keeps the last snapshot when a refresh fails", async () => {
    let clock = 1_000_000;
    const warnings: string[] = [];
    const [ibm, local] = configs();
    const twin = createTwin(local, {
      configs: [ibm, local],
      env: { IBM_CLOUD_API_KEY: FAKE_API_KEY },
      warn: (message) => warnings.push(message),
      now: () => clock,
    }).provider;
    const before = propertyFetches(fake);
    const first = await probabilities(twin.run(circuit, rows, { shots: 0 }));
    expect(propertyFetches(fake) - before).toBe(1);
    // within the minute: no fetch
    clock += 59_000;
    expect(await probabilities(twin.run(circuit, rows, { shots: 0 }))).toEqual(first);
    expect(propertyFetches(fake) - before).toBe(1);
    // the minute has passed, and the calibration is now unreadable: kept, and logged
    clock += 2_000;
    const good = fake.properties;
    const broken = structuredClone(good) as { qubits: { name: string; unit: string }[][] };
    broken.qubits[0]![0]!.unit = "fortnights";
    fake.properties = broken;
    try {
      expect(await probabilities(twin.run(circuit, rows, { shots: 0 }))).toEqual(first);
    } finally {
      fake.properties = good;
    }
    expect(propertyFetches(fake) - before).toBe(2);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^calibration refresh of fake_twin failed \(IBM properties: qubit 0: T1 has unknown unit "fortnights".*\); keeping the snapshot fetched at /,
    );
    // a failed refresh counts: the next fetch waits for the next interval
    clock += 30_000;
    await twin.run(circuit, rows, { shots: 0 });
    expect(propertyFetches(fake) - before).toBe(2);
    clock += 31_000;
    await twin.run(circuit, rows, { shots: 0 });
    expect(propertyFetches(fake) - before).toBe(3);
  });
});

describe("refreshingSource", () => {
  it("shares one fetch between concurrent callers and retries a failed first fetch at once", async () => {
    let fetches = 0;
    let fail = true;
    const source = refreshingSource({
      fetch: async () => {
        fetches++;
        if (fail) throw new Error("service down");
        return snapshot;
      },
      refreshMs: 60_000,
      warn: () => {
        throw new Error("nothing to keep: a first failure is thrown, not warned");
      },
      now: () => 0,
    });
    await expect(source.current()).rejects.toThrow("service down");
    fail = false;
    const [a, b] = await Promise.all([source.current(), source.current()]);
    expect(fetches).toBe(2);
    expect(a).toBe(b);
    expect(a.snapshot).toEqual(snapshot);
    expect(await source.current()).toBe(a);
    expect(fetches).toBe(2);
  });

  it("refuses a fetched calibration that does not validate, like a file", async () => {
    const source = refreshingSource({
      fetch: async () => ({ ...snapshot, numQubits: 0 }),
      refreshMs: 60_000,
      warn: () => {},
    });
    await expect(source.current()).rejects.toThrow(/^calibration\.numQubits: /);
  });
});

describe("backends-file refusals", () => {
  const refusal = (backends: unknown[]) => {
    const path = join(tempDir(), "backends.json");
    writeFileSync(path, JSON.stringify({ backends }));
    try {
      loadBackends(path);
    } catch (error) {
      return (error as Error).message.replace(`QPLANE_BACKENDS: ${path}: `, "");
    }
    throw new Error("accepted");
  };
  const ibm = {
    name: "hw",
    provider: "ibm",
    device: "ibm_fez",
    instanceCrn: FAKE_CRN,
  };

  it("fromBackend naming nothing or a local backend", () => {
    expect(refusal([{ name: "t", provider: "local", noise: { fromBackend: "nope" } }])).toBe(
      'backend "t": noise.fromBackend: "nope" is not a configured backend; it must name an ibm or braket backend (configured: none)',
    );
    expect(
      refusal([ibm, { name: "t", provider: "local", noise: { fromBackend: "local-noisy" } }]),
    ).toBe(
      'backend "t": noise.fromBackend: "local-noisy" is a local backend; it must name an ibm or braket backend (configured: hw)',
    );
  });

  it("both or neither source, refreshMinutes on a file, readoutError beside noise", () => {
    expect(
      refusal([{ name: "t", provider: "local", noise: { snapshot: "a.json", fromBackend: "hw" } }]),
    ).toMatch(/backends\.0\.noise\.fromBackend: give exactly one of snapshot .* and fromBackend/);
    expect(refusal([{ name: "t", provider: "local", noise: {} }])).toMatch(
      /backends\.0\.noise: give exactly one of snapshot/,
    );
    expect(
      refusal([{ name: "t", provider: "local", noise: { snapshot: "a.json", refreshMinutes: 5 } }]),
    ).toMatch(/backends\.0\.noise\.refreshMinutes: applies only with fromBackend/);
    expect(
      refusal([
        ibm,
        { name: "t", provider: "local", noise: { fromBackend: "hw", refreshMinutes: 0 } },
      ]),
    ).toMatch(/backends\.1\.noise\.refreshMinutes: /);
    expect(
      refusal([
        {
          name: "t",
          provider: "local",
          noise: { snapshot: "a.json" },
          readoutError: { p1Given0: 0.1, p0Given1: 0.1 },
        },
      ]),
    ).toBe(
      'backend "t": readoutError: not allowed beside noise (the twin\'s readout error comes from the calibration)',
    );
  });
});
