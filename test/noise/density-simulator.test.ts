import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  finalDensityMatrix,
  noisyCounts,
  noisyProbabilities,
} from "../../providers/local/density-simulator.js";
import { NOISELESS, type NoiseModel, parseNoiseModel } from "../../providers/local/noise-model.js";
import { exactProbabilities } from "../../providers/local/simulator.js";
import { type Circuit, CircuitBuilder, input, weight } from "../../src/circuits/ir.js";
import { hermitianEigenvalues, mutualInformationXT } from "../../src/infoplane/index.js";
import { ghz } from "../fixtures/circuits/ghz.js";
import { circuitWithRow, rowFor } from "../helpers/random-circuits.js";
import { referenceDensityMatrix, referenceProbabilities } from "./dense-density-reference.js";
import { noisyCircuitArbitrary } from "./noise-arbitrary.js";

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number) {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i]! - expected[i]!) <= tolerance)) {
      throw new Error(`index ${i}: ${actual[i]} vs ${expected[i]} (tolerance ${tolerance})`);
    }
  }
}

const probabilitiesOf = (circuit: Circuit, model: NoiseModel, rows: number[][] = []) =>
  Array.from(noisyProbabilities(circuit, rows, model).values);

describe("noisy simulator on hand-computed cases", () => {
  it("depolarizing p after x on |0⟩ leaves P(1) = 1 − p/2", () => {
    const circuit = new CircuitBuilder(1).add("x", [0]).measureAll().build();
    const model = parseNoiseModel({ depolarizing: { x: 0.1 } });
    expectClose(probabilitiesOf(circuit, model), [0.05, 0.95], 1e-15);
  });

  it("two-qubit depolarizing p after cx spreads p/4 to every outcome", () => {
    const circuit = new CircuitBuilder(2).add("x", [0]).add("cx", [0, 1]).measureAll().build();
    const model = parseNoiseModel({ depolarizing: { cx: 0.2 } });
    // |11⟩ keeps 1 − p + p/4 = 0.85, the others get p/4 = 0.05
    expectClose(probabilitiesOf(circuit, model), [0.05, 0.05, 0.05, 0.85], 1e-15);
  });

  it("a gate of duration t on |1⟩ leaves P(1) = e^{−t/T1}", () => {
    const circuit = new CircuitBuilder(1).add("x", [0]).measureAll().build();
    const model = parseNoiseModel({
      thermalRelaxation: { t1Ns: [200], t2Ns: [300], gateDurationsNs: { x: 100 } },
    });
    const p1 = Math.exp(-0.5);
    expect(p1).toBe(0.6065306597126334);
    expectClose(probabilitiesOf(circuit, model), [1 - p1, p1], 1e-15);
  });

  it("the coherence of |+⟩ decays as e^{−t/T2}: ⟨X⟩ = P(0) − P(1) after h", () => {
    // the id gate carries the wait; T1 moves populations but not ⟨X⟩ of the pre-h state
    const circuit = new CircuitBuilder(1)
      .add("h", [0])
      .add("id", [0])
      .add("h", [0])
      .measureAll()
      .build();
    const model = parseNoiseModel({
      thermalRelaxation: { t1Ns: [200], t2Ns: [150], gateDurationsNs: { id: 60 } },
    });
    const [p0, p1] = probabilitiesOf(circuit, model);
    expect(Math.abs(p0! - p1! - Math.exp(-60 / 150))).toBeLessThan(1e-15);
    expect(Math.exp(-60 / 150)).toBe(0.6703200460356393);
  });

  it("GHZ populations under readout error alone: ½·Π P(t_b|0) + ½·Π P(t_b|1)", () => {
    const circuit = ghz(3);
    const model = parseNoiseModel({
      readout: [
        [0.02, 0.03],
        [0.01, 0.04],
        [0.05, 0.1],
      ],
    });
    // e.g. P(000) = ½·0.98·0.99·0.95 + ½·0.03·0.04·0.10 = 0.460905
    expectClose(
      probabilitiesOf(circuit, model),
      [0.460905, 0.011345, 0.006095, 0.046655, 0.024795, 0.017955, 0.013205, 0.419045],
      1e-15,
    );
  });

  it("runs the issue's minimal file: Bell pair with depolarizing default and cx, readout", () => {
    const circuit = new CircuitBuilder(2).add("h", [0]).add("cx", [0, 1]).measureAll().build();
    const model = parseNoiseModel({
      depolarizing: { default: 0.001, cx: 0.01 },
      readout: [
        [0.02, 0.03],
        [0.01, 0.04],
      ],
    });
    // populations (0.4975, 0.0025, 0.0025, 0.4975) after cx's p = 0.01, then the confusion
    expectClose(
      probabilitiesOf(circuit, model),
      [0.48344375, 0.03155625, 0.02155625, 0.46344375],
      1e-15,
    );
  });

  it("the most specific entry wins: perQubit / perPair over the gate's, over default", () => {
    const ones = new CircuitBuilder(2).add("x", [0]).add("x", [1]).measureAll().build();
    const perQubit = parseNoiseModel({
      depolarizing: { default: 0.3, x: 0.1, perQubit: { x: { "1": 0.2 } } },
    });
    // qubit 0: P(1) = 0.95; qubit 1: P(1) = 0.9
    expectClose(probabilitiesOf(ones, perQubit), [0.005, 0.095, 0.045, 0.855], 1e-15);
    const pairs = parseNoiseModel({ depolarizing: { cx: 0.2, perPair: { cx: { "1,0": 0.4 } } } });
    const forward = new CircuitBuilder(2).add("x", [0]).add("cx", [0, 1]).measureAll().build();
    const backward = new CircuitBuilder(2).add("x", [1]).add("cx", [1, 0]).measureAll().build();
    expect(probabilitiesOf(forward, pairs)[3]).toBeCloseTo(0.85, 15);
    expect(probabilitiesOf(backward, pairs)[3]).toBeCloseTo(0.7, 15);
  });

  it("samples seeded shots from the noisy distribution", () => {
    const circuit = new CircuitBuilder(1).add("x", [0]).measureAll().build();
    const model = parseNoiseModel({ depolarizing: { x: 0.5 } }); // P(1) = 0.75
    const first = noisyCounts(circuit, [], model, { shots: 10_000, seed: 7 });
    const again = noisyCounts(circuit, [], model, { shots: 10_000, seed: 7 });
    expect(Array.from(first.values)).toEqual(Array.from(again.values));
    expect(first.values[0]! + first.values[1]!).toBe(10_000);
    // binomial(10 000, 0.75): standard deviation 43
    expect(Math.abs(first.values[1]! - 7500)).toBeLessThan(200);
    const certain = noisyCounts(circuit, [], NOISELESS, { shots: 100, seed: 7 });
    expect(Array.from(certain.values)).toEqual([0, 100]);
  });
});

describe("noisy simulator against an independent dense Kraus reference", () => {
  it("agrees to 1e-10 on random circuits of 1–6 qubits with mixed noise", () => {
    fc.assert(
      fc.property(noisyCircuitArbitrary(6, 10), ([circuit, [model, reference], seed]) => {
        const row = rowFor(circuit, seed);
        const fast = noisyProbabilities(circuit, [row], model).values;
        expectClose(fast, referenceProbabilities(circuit, row, reference), 1e-10);
      }),
      { seed: 1407, numRuns: 30 },
    );
  });

  it("keeps the whole density matrix equal to the reference's (up to 4 qubits)", () => {
    fc.assert(
      fc.property(noisyCircuitArbitrary(4, 12), ([circuit, [model, reference], seed]) => {
        const row = rowFor(circuit, seed);
        const rho = finalDensityMatrix(circuit, row, model);
        const expected = referenceDensityMatrix(circuit, row, reference);
        expectClose(
          rho.re,
          expected.flatMap((r) => r.map(([re]) => re)),
          1e-10,
        );
        expectClose(
          rho.im,
          expected.flatMap((r) => r.map(([, im]) => im)),
          1e-10,
        );
      }),
      { seed: 2024, numRuns: 30 },
    );
  });

  it("equals the statevector simulator's |ψ|² to 1e-12 without noise", () => {
    fc.assert(
      fc.property(circuitWithRow({ maxQubits: 6, maxGates: 30 }), ({ circuit, row }) => {
        const expected = exactProbabilities(circuit, [row]).values;
        expectClose(noisyProbabilities(circuit, [row], NOISELESS).values, expected, 1e-12);
        expectClose(
          noisyProbabilities(circuit, [row], parseNoiseModel({})).values,
          expected,
          1e-12,
        );
      }),
      { seed: 99, numRuns: 60 },
    );
  });

  it("keeps ρ of trace 1, Hermitian and positive (eigenvalues ≥ −1e-12)", () => {
    fc.assert(
      fc.property(noisyCircuitArbitrary(4, 16), ([circuit, [model], seed]) => {
        const rho = finalDensityMatrix(circuit, rowFor(circuit, seed), model);
        const { dim, re, im } = rho;
        let trace = 0;
        for (let i = 0; i < dim; i++) trace += re[i * (dim + 1)]!;
        expect(Math.abs(trace - 1)).toBeLessThan(1e-12);
        for (let r = 0; r < dim; r++) {
          for (let c = 0; c < dim; c++) {
            expect(Math.abs(re[r * dim + c]! - re[c * dim + r]!)).toBeLessThan(1e-14);
            expect(Math.abs(im[r * dim + c]! + im[c * dim + r]!)).toBeLessThan(1e-14);
          }
        }
        const eigenvalues = hermitianEigenvalues(rho);
        expect(Math.min(...eigenvalues)).toBeGreaterThanOrEqual(-1e-12);
      }),
      { seed: 31, numRuns: 40 },
    );
  });
});

describe("information under stronger depolarizing", () => {
  /**
   * An encoded ensemble of 3 qubits: ry(x) encoding, random entangling layer, a final u3 on
   * every qubit. Depolarizing after the final u3 (the last gate on its qubit) at p2 ≥ p1 is
   * the p1 channel followed by another depolarizing one, which on the measured populations
   * is a classical re-randomising of that bit: post-processing, so I(X;T) cannot grow. (The
   * earlier gates' noise is the same in both runs; depolarizing mid-circuit is no
   * post-processing of the output, so that case is not claimed.)
   */
  it("never increases I(X;T)", () => {
    const angle = fc.double({ min: -3, max: 3, noNaN: true });
    fc.assert(
      fc.property(
        fc.array(angle, { minLength: 4, maxLength: 4 }),
        fc.array(fc.tuple(angle, angle, angle), { minLength: 3, maxLength: 3 }),
        fc.array(fc.tuple(fc.nat(2), fc.nat(1)), { minLength: 1, maxLength: 4 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (inputs, finals, pairs, pa, pb) => {
          const builder = new CircuitBuilder(3);
          for (let q = 0; q < 3; q++) builder.add("ry", [q], input("x", q + 1));
          for (const [a, shift] of pairs) builder.add("cx", [a, (a + 1 + shift) % 3]);
          for (let q = 0; q < 3; q++) builder.add("ry", [q], weight("w", 0.5 * q));
          for (const [q, args] of finals.entries()) builder.add("u3", [q], ...args);
          const circuit = builder.measureAll().build();
          const informationAt = (p: number) => {
            const model = parseNoiseModel({
              depolarizing: { cx: 0.05, ry: 0.02, u3: p },
              thermalRelaxation: {
                t1Ns: [80, 100, 120],
                t2Ns: [60, 150, 90],
                gateDurationsNs: { default: 20, u3: 0 },
              },
              readout: [
                [0.02, 0.05],
                [0.03, 0.01],
                [0.0, 0.04],
              ],
            });
            const rows = inputs.map((x) => [x, 0.7]);
            const { values, outcomeCount } = noisyProbabilities(circuit, rows, model);
            return mutualInformationXT(values, outcomeCount);
          };
          const [p1, p2] = pa <= pb ? [pa, pb] : [pb, pa];
          expect(informationAt(p2)).toBeLessThanOrEqual(informationAt(p1) + 1e-12);
        },
      ),
      { seed: 5, numRuns: 60 },
    );
  });
});
