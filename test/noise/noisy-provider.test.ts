import { describe, expect, it } from "vitest";
import { noisyProbabilities } from "../../providers/local/density-simulator.js";
import { parseNoiseModel } from "../../providers/local/noise-model.js";
import { NoisyLocalProvider } from "../../providers/local/noisy-provider.js";
import { exactProbabilities } from "../../providers/local/simulator.js";
import { type ExecutionResult, resultProbabilities } from "../../providers/types.js";
import { type Circuit, CircuitBuilder, weight } from "../../src/circuits/ir.js";
import { isQplaneError } from "../../src/errors/catalogue.js";
import { createRng } from "../../src/random/rng.js";
import { ghz } from "../fixtures/circuits/ghz.js";
import { expectWithinShotNoise } from "./shot-noise.js";

const bell = new CircuitBuilder(2)
  .add("ry", [0], weight("theta"))
  .add("cx", [0, 1])
  .measureAll()
  .build();

/** A device-like model for up to 16 qubits. */
const noise = parseNoiseModel({
  depolarizing: { default: 0.01, cx: 0.05 },
  thermalRelaxation: {
    t1Ns: Array.from({ length: 16 }, (_, q) => 1000 + 50 * q),
    t2Ns: Array.from({ length: 16 }, (_, q) => 800 + 40 * q),
    gateDurationsNs: { default: 20, cx: 100 },
  },
  readout: Array.from({ length: 16 }, () => [0.02, 0.04]),
});

async function rejection(work: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await work;
  } catch (error) {
    if (isQplaneError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("expected a QplaneError");
}

const countsOf = (result: ExecutionResult) => {
  if (result.kind !== "counts") throw new Error(`expected counts, got ${result.kind}`);
  return result;
};

describe("NoisyLocalProvider", () => {
  it("reports its capabilities", async () => {
    const provider = new NoisyLocalProvider({ device: "twin-of-ibm_x", noise });
    const capabilities = await provider.capabilities();
    expect(capabilities).toMatchObject({
      provider: "local",
      device: "twin-of-ibm_x",
      numQubits: 24,
      couplingMap: null,
      exactProbabilities: true,
      minShots: 1,
      maxShots: 1_000_000,
      batchesParameterRows: true,
    });
    expect(capabilities.nativeGates).toContain("ecr");
    expect("derivatives" in provider || "statevectors" in provider).toBe(false);
    const small = new NoisyLocalProvider({ device: "d", noise, maxQubits: 8 });
    expect((await small.capabilities()).numQubits).toBe(8);
    expect(() => new NoisyLocalProvider({ device: "d", noise, maxQubits: 31 })).toThrow(
      "maxQubits must be an integer in 1..30, got 31",
    );
    expect(await provider.status()).toEqual({
      operational: true,
      message: "local noisy simulator (twin-of-ibm_x)",
      queueLength: 0,
    });
  });

  it("returns the density matrix's exact probabilities for every row when shots = 0", async () => {
    const provider = new NoisyLocalProvider({ device: "d", noise });
    const rows = [[0], [Math.PI / 2], [Math.PI]];
    const handle = await provider.run(bell, rows, { shots: 0 });
    expect(handle.id).toMatch(/^local-/);
    expect(await handle.status()).toBe("completed");
    const result = await handle.result();
    expect(result.kind).toBe("probabilities");
    const expected = noisyProbabilities(bell, rows, noise).values;
    expect(Array.from(resultProbabilities(result))).toEqual(Array.from(expected));
    // the noise shows: the noiseless |00⟩ of row 0 is no longer certain
    expect(exactProbabilities(bell, [[0]]).values[0]).toBe(1);
    expect(expected[0]).toBeLessThan(0.97);
    expect(expected[0]).toBeGreaterThan(0.9);
  });

  it("samples seeded counts within shot noise, reproducibly", async () => {
    const provider = new NoisyLocalProvider({ device: "d", noise });
    const rows = [[Math.PI / 3], [2]];
    const shots = 3000;
    const a = countsOf(await (await provider.run(bell, rows, { shots, seed: 9 })).result());
    const b = countsOf(await (await provider.run(bell, rows, { shots, seed: 9 })).result());
    const c = countsOf(await (await provider.run(bell, rows, { shots, seed: 10 })).result());
    const d = countsOf(
      await (await provider.run(bell, rows, { shots, rng: createRng(9) })).result(),
    );
    expect(Array.from(a.values)).toEqual(Array.from(b.values));
    expect(Array.from(a.values)).toEqual(Array.from(d.values));
    expect(Array.from(a.values)).not.toEqual(Array.from(c.values));
    const exact = noisyProbabilities(bell, rows, noise).values;
    expectWithinShotNoise(a.values.subarray(0, 4), exact.subarray(0, 4), shots, "row 0");
    expectWithinShotNoise(a.values.subarray(4), exact.subarray(4), shots, "row 1");
  });

  it("runs shots beyond the density limit by trajectories, reproducibly", async () => {
    const provider = new NoisyLocalProvider({ device: "d", noise });
    const circuit = ghz(14);
    const first = countsOf(
      await (await provider.run(circuit, [], { shots: 200, seed: 1 })).result(),
    );
    const again = countsOf(
      await (await provider.run(circuit, [], { shots: 200, seed: 1 })).result(),
    );
    expect(Array.from(first.values)).toEqual(Array.from(again.values));
    expect([first.rows, first.outcomeCount, first.shots]).toEqual([1, 2 ** 14, 200]);
    // all-0 or all-1 reads: far above a uniform spread (2 in 2^14), below readout error alone
    // (½·(0.98^14 + 0.96^14) = 0.66, i.e. 132 of 200) once 13 noisy cx act too
    const ends = first.values[0]! + first.values[2 ** 14 - 1]!;
    expect(ends).toBeGreaterThan(30);
    expect(ends).toBeLessThan(120);
  });

  it("refuses exact probabilities over 12 qubits, naming shots = 0, before computing", async () => {
    const provider = new NoisyLocalProvider({ device: "d", noise });
    const refusal = {
      code: "QPLANE_ERR_SIM_TOO_MANY_QUBITS",
      message:
        "numQubits 13 exceeds the noisy (density-matrix) simulator's limit of 12 qubits (16·4^n bytes of state: 256 MiB at 12) for exact probabilities (shots = 0); shots ≥ 1 sample larger circuits by quantum trajectories",
    };
    expect(await rejection(provider.run(ghz(13), [], { shots: 0 }))).toEqual(refusal);
    expect(await rejection(provider.estimate(ghz(13), { rows: 1, cols: 0 }, { shots: 0 }))).toEqual(
      refusal,
    );
    expect(
      await rejection(
        provider.estimateCounts(
          { numQubits: 13, numClbits: 13 },
          { rows: 1, cols: 0 },
          { shots: 0 },
        ),
      ),
    ).toEqual(refusal);
    expect(await provider.estimate(ghz(13), { rows: 4, cols: 0 }, { shots: 100 })).toEqual({
      submissions: 1,
      circuits: 4,
      totalShots: 400,
      estimatedCostUsd: 0,
    });
    const bounded = new NoisyLocalProvider({ device: "d", noise, maxQubits: 13 });
    expect(await rejection(bounded.run(ghz(14), [], { shots: 10 }))).toEqual({
      code: "QPLANE_ERR_SIM_TOO_MANY_QUBITS",
      message:
        "circuit has 14 qubits; the local simulator's limit is 13 (raise maxQubits, at most 30)",
    });
    const twoQubitModel = parseNoiseModel({
      readout: [
        [0.1, 0.1],
        [0.1, 0.1],
      ],
    });
    const narrow = new NoisyLocalProvider({ device: "d", noise: twoQubitModel });
    const noiseRefusal = {
      code: "QPLANE_ERR_SIM_NOISE",
      message: "noise.readout has 2 entries; the circuit has 3 qubits (one entry per qubit)",
    };
    expect(await rejection(narrow.estimate(ghz(3), { rows: 1, cols: 0 }, { shots: 0 }))).toEqual(
      noiseRefusal,
    );
    expect(await rejection(narrow.run(ghz(3), [], { shots: 10 }))).toEqual(noiseRefusal);
    expect(await rejection(provider.run(bell, [[0]], { shots: 1_000_001 }))).toEqual({
      code: "QPLANE_ERR_SIM_SHOTS",
      message: "shots must be an integer in 1..1000000, got 1000001",
    });
  });

  it("simulates the prepared circuit, preparing each circuit once", async () => {
    let preparations = 0;
    // a stand-in for a device transpilation: the logical qubits land on 1 and 2 of 3
    const prepareCircuit = async (circuit: Circuit) => {
      preparations++;
      const builder = new CircuitBuilder(3).add("ry", [1], weight("theta")).add("cx", [1, 2]);
      builder.measure([1, 2]);
      return circuit === bell ? builder.build() : circuit;
    };
    const provider = new NoisyLocalProvider({ device: "d", noise, prepareCircuit });
    const rows = [[1.2]];
    const first = await (await provider.run(bell, rows, { shots: 0 })).result();
    await provider.run(bell, rows, { shots: 0 });
    await provider.estimate(bell, { rows: 1, cols: 1 }, { shots: 0 });
    expect(preparations).toBe(1);
    // physical qubits 1, 2 carry their own T1, T2 and readout: not the logical circuit's numbers
    const logical = noisyProbabilities(bell, rows, noise).values;
    const prepared = resultProbabilities(first);
    expect(prepared.length).toBe(4);
    expect(Math.abs(prepared[0]! - logical[0]!)).toBeGreaterThan(1e-6);
    const failing = new NoisyLocalProvider({
      device: "d",
      noise,
      prepareCircuit: async () => {
        preparations++;
        throw new Error("transpiler unavailable");
      },
    });
    await expect(failing.run(bell, rows, { shots: 0 })).rejects.toThrow("transpiler unavailable");
    await expect(failing.run(bell, rows, { shots: 0 })).rejects.toThrow("transpiler unavailable");
    expect(preparations).toBe(3); // a failed preparation is retried, not cached
  });

  it("paces long runs: the event loop turns during a 16-qubit trajectory run", async () => {
    const provider = new NoisyLocalProvider({ device: "d", noise });
    let turns = 0;
    let running = true;
    const tick = () => {
      turns++;
      if (running) setImmediate(tick);
    };
    setImmediate(tick);
    const started = Date.now();
    const result = await (await provider.run(ghz(16), [], { shots: 100, seed: 3 })).result();
    running = false;
    const elapsedMs = Date.now() - started;
    expect(countsOf(result).shots).toBe(100);
    // ~100 shots × 33 gate passes × 2^16 amplitudes ≈ 2·10^8 operations: a dozen chunks
    expect(turns).toBeGreaterThan(5);
    expect(elapsedMs / turns).toBeLessThan(1000);
  });

  it("stops a cancelled run", async () => {
    const provider = new NoisyLocalProvider({ device: "d", noise });
    const controller = new AbortController();
    controller.abort();
    expect(
      await rejection(provider.run(bell, [[0]], { shots: 10, signal: controller.signal })),
    ).toEqual({ code: "QPLANE_ERR_RUN_CANCELLED", message: "run was cancelled before it started" });
    const during = new AbortController();
    const run = provider.run(ghz(16), [], { shots: 1000, signal: during.signal });
    setImmediate(() => during.abort());
    expect(await rejection(run)).toEqual({
      code: "QPLANE_ERR_RUN_CANCELLED",
      message: "run was cancelled while it was running",
    });
  });
});
