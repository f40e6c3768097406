/**
 * I(X;T) never grows when a noise channel gets stronger, on an X → circuit → T mapping: inputs
 * x_i (uniform over the rows) encoded by ry(x), a random entangling layer and random final
 * rotations, exact noisy probabilities per row (density matrix), I(X;T) from the joint table
 * (src/infoplane). The channel made stronger sits on a final `id` layer, after the last gate on
 * every qubit: on measured populations both channels below act bit by bit as classical
 * stochastic maps, and the stronger one is the weaker followed by another such map
 * (depolarizing: D_p2 = D_p'∘D_p1 with 1 − p2 = (1 − p1)(1 − p'); relaxation for a longer
 * time, which shrinking T1 and T2 together is, is a semigroup), so T under the stronger
 * channel is a post-processing of T under the weaker and the data-processing inequality
 * applies. (Noise mid-circuit is no post-processing of the output, so that is not claimed.)
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { noisyProbabilities } from "../../providers/local/density-simulator.js";
import { parseNoiseModel } from "../../providers/local/noise-model.js";
import { type Circuit, CircuitBuilder, input, weight } from "../../src/circuits/ir.js";
import { mutualInformationXT } from "../../src/infoplane/index.js";

const QUBITS = 3;
const WAIT_NS = 30;
const angle = fc.double({ min: -3, max: 3, noNaN: true });

const ensembleArbitrary = fc.record({
  inputs: fc.array(angle, { minLength: 4, maxLength: 6 }),
  finals: fc.array(fc.tuple(angle, angle, angle), { minLength: QUBITS, maxLength: QUBITS }),
  pairs: fc.array(fc.tuple(fc.nat(QUBITS - 1), fc.nat(QUBITS - 2)), {
    minLength: 1,
    maxLength: 4,
  }),
});

function ensembleCircuit(
  finals: readonly (readonly [number, number, number])[],
  pairs: readonly (readonly [number, number])[],
): Circuit {
  const builder = new CircuitBuilder(QUBITS);
  for (let q = 0; q < QUBITS; q++) builder.add("ry", [q], input("x", q + 1));
  for (const [a, shift] of pairs) builder.add("cx", [a, (a + 1 + shift) % QUBITS]);
  for (let q = 0; q < QUBITS; q++) builder.add("ry", [q], weight("w", 0.5 * q));
  for (const [q, args] of finals.entries()) builder.add("u3", [q], ...args);
  for (let q = 0; q < QUBITS; q++) builder.add("id", [q]);
  return builder.measureAll().build();
}

/** I(X;T) in bits with uniform X over `inputs`, under the noise-model document. */
function information(circuit: Circuit, inputs: readonly number[], document: unknown): number {
  const rows = inputs.map((x) => [x, 0.7]);
  const { values, outcomeCount } = noisyProbabilities(circuit, rows, parseNoiseModel(document));
  return mutualInformationXT(values, outcomeCount);
}

/** Fixed noise on the other gates (no durations: only the final ids relax). */
const GATE_DEPOLARIZING = { cx: 0.05, ry: 0.02, u3: 0.01 };

/**
 * Expects I(X;T) under `noiseAt` of the stronger of two random strengths never above (beyond
 * 1e-12) I(X;T) under the weaker, on random ensembles. `strongerWhen`: which way strength grows.
 */
function expectNeverIncreases(
  noiseAt: (strength: number) => unknown,
  strength: fc.Arbitrary<number>,
  strongerWhen: "higher" | "lower",
  seed: number,
): void {
  fc.assert(
    fc.property(ensembleArbitrary, strength, strength, ({ inputs, finals, pairs }, a, b) => {
      const circuit = ensembleCircuit(finals, pairs);
      const [low, high] = a <= b ? [a, b] : [b, a];
      const [weak, strong] = strongerWhen === "higher" ? [low, high] : [high, low];
      expect(information(circuit, inputs, noiseAt(strong))).toBeLessThanOrEqual(
        information(circuit, inputs, noiseAt(weak)) + 1e-12,
      );
    }),
    { seed, numRuns: 60 },
  );
}

describe("I(X;T) under a stronger noise channel", () => {
  it("never increases with the depolarizing probability (readout and relaxation fixed)", () => {
    const depolarizedAt = (p: number) => ({
      depolarizing: { ...GATE_DEPOLARIZING, id: p },
      thermalRelaxation: {
        t1Ns: [80, 100, 120],
        t2Ns: [60, 150, 90],
        gateDurationsNs: { id: WAIT_NS },
      },
      readout: [
        [0.02, 0.05],
        [0.03, 0.01],
        [0.0, 0.04],
      ],
    });
    expectNeverIncreases(depolarizedAt, fc.double({ min: 0, max: 1, noNaN: true }), "higher", 14);
  });

  it("never increases when T1 (and T2 with it) shrinks", () => {
    const relaxedAt = (scale: number) => ({
      depolarizing: { ...GATE_DEPOLARIZING, id: 0.01 },
      thermalRelaxation: {
        t1Ns: [80, 100, 120].map((t1) => scale * t1),
        t2Ns: [60, 150, 90].map((t2) => scale * t2),
        gateDurationsNs: { id: WAIT_NS },
      },
    });
    expectNeverIncreases(relaxedAt, fc.double({ min: 0.02, max: 50, noNaN: true }), "lower", 41);
  });

  it("falls from its noiseless value to 0 at the strongest channels (the checks can fail)", () => {
    const circuit = ensembleCircuit(
      [
        [0.3, 0.1, -0.2],
        [1.1, 0.4, 0.0],
        [-0.7, 0.2, 0.5],
      ],
      [[0, 0]],
    );
    const inputs = [-2, -1, 0, 1, 2];
    const clean = information(circuit, inputs, {});
    expect(clean).toBeGreaterThan(0.5);
    // p = 1 on every final id: each measured bit is uniform whatever x
    expect(information(circuit, inputs, { depolarizing: { id: 1 } })).toBeLessThan(1e-12);
    // T1 ≪ the wait: every qubit relaxes to |0⟩ whatever x
    const decayed = {
      thermalRelaxation: {
        t1Ns: [0.001, 0.001, 0.001],
        t2Ns: [0.001, 0.001, 0.001],
        gateDurationsNs: { id: WAIT_NS },
      },
    };
    expect(information(circuit, inputs, decayed)).toBeLessThan(1e-12);
  });
});
