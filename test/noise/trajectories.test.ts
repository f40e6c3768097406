import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { noisyCounts, noisyProbabilities } from "../../providers/local/density-simulator.js";
import { NOISELESS, parseNoiseModel } from "../../providers/local/noise-model.js";
import { exactProbabilities } from "../../providers/local/simulator.js";
import { trajectoryCounts } from "../../providers/local/trajectories.js";
import { CircuitBuilder } from "../../src/circuits/ir.js";
import { ghz } from "../fixtures/circuits/ghz.js";
import { errorOf } from "../helpers/errors.js";
import { rowFor } from "../helpers/random-circuits.js";
import { noisyCircuitArbitrary } from "./noise-arbitrary.js";
import { expectWithinShotNoise, totalVariation, totalVariationBound } from "./shot-noise.js";

/** P(bit q of the outcome = 1) from counts over the register's outcomes. */
function marginalOne(counts: ArrayLike<number>, q: number, shots: number): number {
  let ones = 0;
  for (let t = 0; t < counts.length; t++) if ((t >>> q) & 1) ones += counts[t]!;
  return ones / shots;
}

describe("quantum trajectories against the exact density matrix", () => {
  it("agree within shot noise on random 3–6-qubit circuits with mixed noise", () => {
    const shots = 4000;
    fc.assert(
      fc.property(noisyCircuitArbitrary(6, 12, 3), ([circuit, [model], seed]) => {
        const row = rowFor(circuit, seed);
        const exact = noisyProbabilities(circuit, [row], model).values;
        const counts = trajectoryCounts(circuit, [row], model, { shots, seed }).values;
        expectWithinShotNoise(counts, exact, shots, "trajectories");
        const tv = totalVariation(counts, exact, shots);
        const bound = totalVariationBound(exact.length, shots);
        expect(tv).toBeLessThanOrEqual(bound);
      }),
      { seed: 1414, numRuns: 25 },
    );
  });

  it("give exactly the counts of trajectories simulated from |0⟩ when sharing the no-event path", () => {
    fc.assert(
      fc.property(noisyCircuitArbitrary(6, 16, 2), ([circuit, [model], seed]) => {
        const rows = [rowFor(circuit, seed), rowFor(circuit, seed + 1)];
        const sampling = { shots: 300, seed };
        // room for 3 checkpoints: shots replay up to a third of the circuit from one
        const checkpointBytes = 3 * 16 * 2 ** circuit.numQubits;
        const shared = trajectoryCounts(circuit, rows, model, sampling, { checkpointBytes }).values;
        const fromZero = trajectoryCounts(circuit, rows, model, sampling, {
          shareNoEventPath: false,
        }).values;
        expect(Array.from(shared)).toEqual(Array.from(fromZero));
      }),
      { seed: 2718, numRuns: 40 },
    );
    // 14 qubits, a device's noise (few events per shot), checkpoints every few gates
    const builder = new CircuitBuilder(14);
    for (let layer = 0; layer < 3; layer++) {
      for (let q = 0; q < 14; q++) builder.add("ry", [q], 0.3 + 0.1 * q + layer);
      for (let q = 0; q + 1 < 14; q++) builder.add("cx", [q, q + 1]);
    }
    const circuit = builder.measureAll().build();
    const t1Ns = Array.from({ length: 14 }, (_, q) => 20_000 + 1000 * q);
    const model = parseNoiseModel({
      depolarizing: { default: 0.001, cx: 0.01 },
      thermalRelaxation: { t1Ns, t2Ns: t1Ns, gateDurationsNs: { default: 50, cx: 300 } },
      readout: Array.from({ length: 14 }, () => [0.01, 0.02]),
    });
    const sampling = { shots: 200, seed: 6 };
    expect(Array.from(trajectoryCounts(circuit, [], model, sampling).values)).toEqual(
      Array.from(
        trajectoryCounts(circuit, [], model, sampling, { shareNoEventPath: false }).values,
      ),
    );
  });

  it("differ from the noiseless distribution when the noise matters (the test can fail)", () => {
    const circuit = new CircuitBuilder(3).add("x", [0]).add("x", [1]).measureAll().build();
    const model = parseNoiseModel({ depolarizing: { x: 0.6 } }); // P(1) = 0.7 per flipped qubit
    const shots = 4000;
    const counts = trajectoryCounts(circuit, [], model, { shots, seed: 3 }).values;
    const noiseless = exactProbabilities(circuit, []).values;
    expect(() => expectWithinShotNoise(counts, noiseless, shots)).toThrow(/outcome/);
    expectWithinShotNoise(counts, noisyProbabilities(circuit, [], model).values, shots);
  });

  it("are reproducible by seed and advance a shared generator", () => {
    const circuit = ghz(3);
    const model = parseNoiseModel({
      depolarizing: { default: 0.05, cx: 0.1 },
      thermalRelaxation: {
        t1Ns: [100, 120, 90],
        t2Ns: [80, 150, 60],
        gateDurationsNs: { default: 20 },
      },
      readout: [
        [0.02, 0.03],
        [0.01, 0.04],
        [0.05, 0.1],
      ],
    });
    const run = (seed: number) =>
      Array.from(trajectoryCounts(circuit, [], model, { shots: 500, seed }).values);
    expect(run(11)).toEqual(run(11));
    expect(run(11)).not.toEqual(run(12));
  });

  it("refuse circuits over maxQubits, naming the limit", () => {
    const circuit = new CircuitBuilder(14).add("x", [13]).measureAll().build();
    expect(
      errorOf(() => trajectoryCounts(circuit, [], NOISELESS, { shots: 10 }, { maxQubits: 13 })),
    ).toEqual({
      code: "QPLANE_ERR_SIM_TOO_MANY_QUBITS",
      message:
        "circuit has 14 qubits; the local simulator's limit is 13 (raise maxQubits, at most 30)",
    });
  });
});

describe("noisy counts beyond the density-matrix limit (14 qubits)", () => {
  const QUBITS = 14;

  it("equal a deterministic circuit's outcome exactly without noise", () => {
    const builder = new CircuitBuilder(QUBITS);
    for (const q of [0, 3, 4, 9, 13]) builder.add("x", [q]);
    for (let q = 0; q + 1 < QUBITS; q += 2) builder.add("cx", [q, q + 1]);
    const circuit = builder.measureAll().build();
    const expected = exactProbabilities(circuit, []).values;
    const outcome = expected.indexOf(1);
    // x on 0, 3, 4, 9, 13, then cx(0→1), cx(4→5): bits 0, 1, 3, 4, 5, 9, 13
    expect(outcome).toBe(0b10_0010_0011_1011);
    const zeroNoise = parseNoiseModel({
      depolarizing: { default: 0 },
      thermalRelaxation: {
        t1Ns: Array(QUBITS).fill(100),
        t2Ns: Array(QUBITS).fill(100),
        gateDurationsNs: { default: 0 },
      },
    });
    // 1e-12 per gate: the shots take the per-shot trajectory path, no Pauli ever drawn
    const negligible = parseNoiseModel({ depolarizing: { default: 1e-12 } });
    for (const model of [NOISELESS, zeroNoise, negligible]) {
      const { values, rows, shots } = noisyCounts(circuit, [], model, { shots: 300, seed: 5 });
      expect([rows, shots, values.length]).toEqual([1, 300, 2 ** QUBITS]);
      expect(values[outcome]).toBe(300);
    }
  });

  it("follow the noiseless simulator's distribution without noise (GHZ with rotations)", () => {
    const builder = new CircuitBuilder(QUBITS).add("h", [0]);
    for (let q = 0; q + 1 < QUBITS; q++) builder.add("cx", [q, q + 1]);
    builder.add("ry", [5], 0.9).add("rx", [12], 2.1);
    const circuit = builder.measureAll().build();
    const shots = 2000;
    const exact = exactProbabilities(circuit, []).values;
    const { values } = noisyCounts(circuit, [], NOISELESS, { shots, seed: 21 });
    expectWithinShotNoise(values, exact, shots, "14-qubit GHZ");
    // the same through per-shot trajectories (a negligible depolarizing forces that path)
    const negligible = parseNoiseModel({ depolarizing: { default: 1e-12 } });
    const sampled = noisyCounts(circuit, [], negligible, { shots, seed: 21 }).values;
    expectWithinShotNoise(sampled, exact, shots, "14-qubit GHZ by trajectories");
  });

  it("decay as T1 predicts: P(1) = (1 − p/2)·exp(−k·d/T1) after x and k id gates", () => {
    // x with depolarizing p = 0.2 (P(1) = 0.9), then k ids of d = 50 ns on three qubits, k·d/T1
    // = 0.5, 0.88 and 1.52: the depolarizing Paulis and both relaxation Kraus branches all occur
    const t1Ns = Array.from({ length: QUBITS }, (_, q) => 100 + 10 * q);
    const model = parseNoiseModel({
      depolarizing: { x: 0.2 },
      thermalRelaxation: {
        t1Ns,
        t2Ns: t1Ns.map((t1) => 1.5 * t1),
        gateDurationsNs: { id: 50 },
      },
    });
    const waits = new Map([
      [0, 1],
      [7, 3],
      [13, 7],
    ]);
    const builder = new CircuitBuilder(QUBITS);
    for (const [q, k] of waits) {
      builder.add("x", [q]);
      for (let i = 0; i < k; i++) builder.add("id", [q]);
    }
    const circuit = builder.measureAll().build();
    const shots = 2000;
    const { values } = noisyCounts(circuit, [], model, { shots, seed: 8 });
    for (const [q, k] of waits) {
      const expected = 0.9 * Math.exp((-k * 50) / t1Ns[q]!);
      const sigma = Math.sqrt((expected * (1 - expected)) / shots);
      const observed = marginalOne(values, q, shots);
      expect(Math.abs(observed - expected), `qubit ${q}`).toBeLessThanOrEqual(5 * sigma);
    }
    // idle qubits never leave |0⟩: no noise acts on them
    for (let q = 1; q < 7; q++) expect(marginalOne(values, q, shots)).toBe(0);
  });

  it("flip GHZ bits by the readout confusion only", () => {
    const builder = new CircuitBuilder(QUBITS).add("h", [0]);
    for (let q = 0; q + 1 < QUBITS; q++) builder.add("cx", [q, q + 1]);
    const circuit = builder.measureAll().build();
    const readout = Array.from({ length: QUBITS }, (_, q) => [0.01 * (q % 3), 0.02] as const);
    // a negligible depolarizing puts the run on the trajectory path (no gate noise: one state)
    const model = parseNoiseModel({ depolarizing: { default: 1e-9 }, readout });
    const shots = 2000;
    const { values } = noisyCounts(circuit, [], model, { shots, seed: 2 });
    // P(all 0 read) = ½·Π(1 − P(1|0)_q) + ½·Π P(0|1)_q
    const allZero =
      0.5 * readout.reduce((product, [p10]) => product * (1 - p10), 1) + 0.5 * 0.02 ** QUBITS;
    const sigma = Math.sqrt((allZero * (1 - allZero)) / shots);
    expect(Math.abs(values[0]! / shots - allZero)).toBeLessThanOrEqual(5 * sigma);
  });
});

describe("thermal relaxation over a wait on the density matrix (analytic)", () => {
  it("leaves P(1) = exp(−k·d/T1) after x and k id gates of d ns", () => {
    for (const k of [1, 4, 9]) {
      const builder = new CircuitBuilder(1).add("x", [0]);
      for (let i = 0; i < k; i++) builder.add("id", [0]);
      const circuit = builder.measureAll().build();
      const model = parseNoiseModel({
        thermalRelaxation: { t1Ns: [250], t2Ns: [300], gateDurationsNs: { id: 40 } },
      });
      const [, p1] = noisyProbabilities(circuit, [], model).values;
      expect(Math.abs(p1! - Math.exp((-k * 40) / 250))).toBeLessThan(1e-12);
    }
  });
});
