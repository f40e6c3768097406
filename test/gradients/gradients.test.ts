import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  adjointExpectationZ,
  adjointProbabilityGradients,
  adjointProbabilityJacobian,
} from "../../providers/local/adjoint.js";
import { exactProbabilities, sampledCounts } from "../../providers/local/simulator.js";
import {
  type Circuit,
  CircuitBuilder,
  input,
  weight,
  weightColumns,
} from "../../src/circuits/ir.js";
import { parameterShiftJacobian } from "../../src/gradients/parameter-shift.js";
import { circuitArbitrary, rowFor } from "../helpers/random-circuits.js";

const exactEvaluator = (circuit: Circuit, rows: Parameters<typeof exactProbabilities>[1]) =>
  exactProbabilities(circuit, rows).values;

/** Central finite differences of every register probability w.r.t. every weight. */
function finiteDifferenceJacobian(circuit: Circuit, row: number[], step = 1e-5): Float64Array {
  const weights = weightColumns(circuit);
  const outcomeCount = 2 ** circuit.numClbits;
  const jacobian = new Float64Array(outcomeCount * weights.length);
  weights.forEach((column, w) => {
    const plus = [...row];
    const minus = [...row];
    plus[column]! += step;
    minus[column]! -= step;
    const { values } = exactProbabilities(circuit, [plus, minus]);
    for (let t = 0; t < outcomeCount; t++) {
      jacobian[t * weights.length + w] = (values[t]! - values[outcomeCount + t]!) / (2 * step);
    }
  });
  return jacobian;
}

function expectAllClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: number,
): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i]! - expected[i]!) <= tolerance)) {
      throw new Error(`entry ${i}: ${actual[i]} vs ${expected[i]} (tolerance ${tolerance})`);
    }
  }
}

describe("gradients of outcome probabilities", () => {
  const randomCase = fc.tuple(
    circuitArbitrary({ maxQubits: 4, maxGates: 20, scramble: true }),
    fc.integer(),
  );

  it("adjoint matches central finite differences to 1e-6 on random circuits, with and without saved states", () => {
    fc.assert(
      fc.property(
        randomCase,
        fc.boolean(),
        fc.boolean(),
        ([circuit, seed], snapshots, fuseGates) => {
          const row = rowFor(circuit, seed);
          const options = { snapshotBudgetBytes: snapshots ? undefined : 0, fuseGates };
          const { jacobian } = adjointProbabilityJacobian(circuit, row, options);
          expectAllClose(jacobian, finiteDifferenceJacobian(circuit, row), 1e-6);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("parameter shift matches finite differences and the adjoint on random circuits", async () => {
    await fc.assert(
      fc.asyncProperty(randomCase, async ([circuit, seed]) => {
        const row = rowFor(circuit, seed);
        const shifted = await parameterShiftJacobian(circuit, [row], exactEvaluator, {
          includeUnshifted: true,
        });
        expectAllClose(shifted.jacobian, finiteDifferenceJacobian(circuit, row), 1e-6);
        expectAllClose(shifted.probabilities!, exactProbabilities(circuit, [row]).values, 1e-12);
        expectAllClose(shifted.jacobian, adjointProbabilityJacobian(circuit, row).jacobian, 1e-10);
      }),
      { numRuns: 200 },
    );
  });

  it("gives the analytic derivative of ry on |0⟩: ∂p(1)/∂θ = sin(θ)/2, with scale 3", () => {
    const circuit = new CircuitBuilder(1)
      .add("ry", [0], weight("theta", 3, 0.2))
      .measureAll()
      .build();
    const theta = 0.4;
    const angle = 3 * theta + 0.2;
    const { jacobian } = adjointProbabilityJacobian(circuit, [theta]);
    expect(jacobian[1]).toBeCloseTo((3 * Math.sin(angle)) / 2, 14);
    expect(jacobian[0]).toBeCloseTo((-3 * Math.sin(angle)) / 2, 14);
  });

  it("computes a vector–Jacobian product per row and leaves inputs undifferentiated", () => {
    const circuit = new CircuitBuilder(2)
      .add("ry", [0], input("x"))
      .add("ry", [0], weight("a"))
      .add("cx", [0, 1])
      .add("crx", [0, 1], weight("b", 2))
      .measureAll()
      .build();
    const rows = [
      [0.3, 0.1, -0.7],
      [1.2, -0.4, 0.5],
    ];
    const cotangent = [0.5, -1, 2, 0.25];
    const result = adjointProbabilityGradients(circuit, rows, (_row, _p, out) =>
      out.set(cotangent),
    );
    expect(result.weightCount).toBe(2);
    rows.forEach((row, r) => {
      const { jacobian } = adjointProbabilityJacobian(circuit, row);
      for (let w = 0; w < 2; w++) {
        const expected = cotangent.reduce((sum, g, t) => sum + g * jacobian[t * 2 + w]!, 0);
        expect(result.gradients[r * 2 + w]).toBeCloseTo(expected, 12);
      }
    });
  });

  it("differentiates ⟨Z⟩ on a qubit: d cos(θ)/dθ = −sin(θ)", () => {
    const circuit = new CircuitBuilder(2).add("rx", [1], weight("theta")).add("cx", [1, 0]).build();
    const { values, gradients } = adjointExpectationZ(circuit, [[0.9]], 0);
    expect(values[0]).toBeCloseTo(Math.cos(0.9), 14);
    expect(gradients[0]).toBeCloseTo(-Math.sin(0.9), 14);
  });

  it("differentiates through a readout-error model", () => {
    const circuit = new CircuitBuilder(1).add("ry", [0], weight("theta")).measureAll().build();
    const readoutError = { p1Given0: 0.1, p0Given1: 0.2 };
    const { gradients } = adjointProbabilityGradients(
      circuit,
      [[0.8]],
      (_row, _p, out) => {
        out[1] = 1;
      },
      { readoutError },
    );
    // p̃(1) = 0.1·(1 − p1) + 0.8·p1 → ∂p̃(1)/∂θ = 0.7 · sin(θ)/2
    expect(gradients[0]).toBeCloseTo((0.7 * Math.sin(0.8)) / 2, 14);
  });

  it("parameter shift on shot estimates is unbiased within statistical error", async () => {
    const circuit = new CircuitBuilder(2)
      .add("ry", [0], weight("a"))
      .add("cry", [0, 1], weight("b"))
      .measureAll()
      .build();
    const row = [1.1, 0.7];
    const shots = 100_000;
    let seed = 11;
    const estimated = await parameterShiftJacobian(circuit, [row], (c, rows) => {
      const counts = sampledCounts(c, rows, { shots, seed: seed++ });
      return Float64Array.from(counts.values, (n) => n / shots);
    });
    const exact = adjointProbabilityJacobian(circuit, row).jacobian;
    // each entry combines ≤ 4 estimates with |coefficient| ≤ 0.5: σ ≤ 0.5·√(4·0.25/shots)
    expectAllClose(estimated.jacobian, exact, 5 * 0.5 * Math.sqrt(1 / shots));
    expect(estimated.evaluations).toBe(2 + 4);
  });
});
