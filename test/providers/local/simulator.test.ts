import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileProgram, Kernel } from "../../../providers/local/program.js";
import {
  exactProbabilities,
  finalStatevector,
  sampledCounts,
} from "../../../providers/local/simulator.js";
import { CircuitBuilder, createCircuit, weight } from "../../../src/circuits/ir.js";
import { gateMatrix } from "../../../src/circuits/matrices.js";
import { isQplaneError } from "../../../src/errors/catalogue.js";
import { denseProbabilities, denseStatevector } from "../../helpers/dense-reference.js";
import { circuitWithRow } from "../../helpers/random-circuits.js";

function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance = 1e-12,
): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (Math.abs(actual[i]! - expected[i]!) > tolerance) {
      throw new Error(`index ${i}: ${actual[i]} vs ${expected[i]} (tolerance ${tolerance})`);
    }
  }
}

describe("statevector kernels", () => {
  it("match the dense reference on random circuits over every gate", () => {
    fc.assert(
      fc.property(circuitWithRow({ maxQubits: 6, maxGates: 30 }), ({ circuit, row }) => {
        const fast = finalStatevector(circuit, row);
        const reference = denseStatevector(circuit, row);
        expectClose(fast.re, reference.re);
        expectClose(fast.im, reference.im);
        const probabilities = exactProbabilities(circuit, [row]).values;
        expectClose(probabilities, denseProbabilities(circuit, row));
      }),
      { numRuns: 300 },
    );
  });

  it("fuses runs of one-qubit gates per qubit, closing a run at any two-qubit gate", () => {
    const circuit = new CircuitBuilder(2)
      .add("ry", [0], 0.1)
      .add("rz", [1], 0.2)
      .add("rz", [0], 0.3) // joins ry on q0 (nothing touched q0 in between)
      .add("cx", [0, 1])
      .add("h", [0]) // new run on q0 after the cx
      .add("s", [1])
      .add("t", [1])
      .build();
    const program = compileProgram(circuit);
    const groups = Array.from({ length: program.opCount }, (_, op) =>
      Array.from(program.opGates.subarray(program.opGateStart[op]!, program.opGateStart[op + 1]!)),
    );
    expect(groups).toEqual([[0, 2], [1], [3], [4], [5, 6]]);
    expect(Array.from(program.kernels)).toEqual([
      Kernel.matrix1,
      Kernel.diagonal1,
      Kernel.cx,
      Kernel.real1,
      Kernel.diagonal1,
    ]);
    expect(compileProgram(circuit, { fuse: false }).opCount).toBe(7);
  });

  it("prepares a Bell state exactly", () => {
    const bell = new CircuitBuilder(2).add("h", [0]).add("cx", [0, 1]).measureAll().build();
    const { re, im } = finalStatevector(bell);
    expectClose(re, [Math.SQRT1_2, 0, 0, Math.SQRT1_2]);
    expectClose(im, [0, 0, 0, 0]);
    expectClose(exactProbabilities(bell, []).values, [0.5, 0, 0, 0.5]);
  });

  it("prepares GHZ(n) exactly for n = 2..12", () => {
    for (let n = 2; n <= 12; n++) {
      const builder = new CircuitBuilder(n).add("h", [0]);
      for (let q = 0; q + 1 < n; q++) builder.add("cx", [q, q + 1]);
      const { re, im } = finalStatevector(builder.build());
      const expected = new Float64Array(2 ** n);
      expected[0] = Math.SQRT1_2;
      expected[2 ** n - 1] = Math.SQRT1_2;
      expectClose(re, expected);
      expectClose(im, new Float64Array(2 ** n));
    }
  });

  it("maps a basis state through the QFT to the expected Fourier amplitudes", () => {
    // QFT on n qubits written with h, controlled phases (crz up to a phase = p on control 1)
    // and final swaps; crz(θ)·p(θ/2) on the control equals controlled-phase(θ).
    const n = 4;
    const input = 0b1011; // |x⟩ = |11⟩ in decimal
    const builder = new CircuitBuilder(n);
    for (let q = 0; q < n; q++) if ((input >> q) & 1) builder.add("x", [q]);
    for (let target = n - 1; target >= 0; target--) {
      builder.add("h", [target]);
      for (let control = target - 1; control >= 0; control--) {
        const angle = Math.PI / 2 ** (target - control);
        builder.add("crz", [control, target], angle).add("p", [control], angle / 2);
      }
    }
    for (let q = 0; q < n / 2; q++) builder.add("swap", [q, n - 1 - q]);
    const { re, im } = finalStatevector(builder.build());
    const dim = 2 ** n;
    for (let k = 0; k < dim; k++) {
      const phase = (2 * Math.PI * input * k) / dim;
      expect(re[k]).toBeCloseTo(Math.cos(phase) / Math.sqrt(dim), 12);
      expect(im[k]).toBeCloseTo(Math.sin(phase) / Math.sqrt(dim), 12);
    }
  });

  it("applies sx and u3 with their exact matrices", () => {
    const sx = finalStatevector(new CircuitBuilder(1).add("sx", [0]).build());
    expectClose(sx.re, [0.5, 0.5]);
    expectClose(sx.im, [0.5, -0.5]);
    expectClose(gateMatrix("sx"), [0.5, 0.5, 0.5, -0.5, 0.5, -0.5, 0.5, 0.5]);
    const [theta, phi, lambda] = [0.7, -1.1, 2.3];
    const u3 = gateMatrix("u3", [theta, phi, lambda]);
    const c = Math.cos(theta / 2);
    const s = Math.sin(theta / 2);
    expectClose(u3, [
      c,
      0,
      -Math.cos(lambda) * s,
      -Math.sin(lambda) * s,
      Math.cos(phi) * s,
      Math.sin(phi) * s,
      Math.cos(phi + lambda) * c,
      Math.sin(phi + lambda) * c,
    ]);
    // u3 on |1⟩ gives column 1
    const onOne = finalStatevector(
      new CircuitBuilder(1).add("x", [0]).add("u3", [0], theta, phi, lambda).build(),
    );
    expectClose(onOne.re, [u3[2]!, u3[6]!]);
    expectClose(onOne.im, [u3[3]!, u3[7]!]);
  });

  it("binds every row of a parameter matrix without mixing rows", () => {
    const circuit = new CircuitBuilder(1).add("ry", [0], weight("theta")).measureAll().build();
    const angles = [0, Math.PI / 3, Math.PI / 2, Math.PI];
    const { values } = exactProbabilities(
      circuit,
      angles.map((a) => [a]),
    );
    angles.forEach((angle, row) => {
      expect(values[2 * row + 1]).toBeCloseTo(Math.sin(angle / 2) ** 2, 14);
    });
  });

  it("marginalises onto a permuted, partial register", () => {
    // q0 = |1⟩, q1 = |+⟩, q2 = |0⟩; measure q2→c0, q0→c1
    const circuit = createCircuit({
      numQubits: 3,
      numClbits: 2,
      gates: [
        { name: "x", qubits: [0], args: [] },
        { name: "h", qubits: [1], args: [] },
      ],
      measurements: [
        { qubit: 2, clbit: 0 },
        { qubit: 0, clbit: 1 },
      ],
    });
    expectClose(exactProbabilities(circuit, []).values, [0, 0, 1, 0]);
  });
});

describe("shot sampling", () => {
  const bell = new CircuitBuilder(2).add("h", [0]).add("cx", [0, 1]).measureAll().build();

  it("is reproducible from the seed and sums to the shot count", () => {
    const first = sampledCounts(bell, [], { shots: 1000, seed: 7 });
    const again = sampledCounts(bell, [], { shots: 1000, seed: 7 });
    const other = sampledCounts(bell, [], { shots: 1000, seed: 8 });
    expect(Array.from(first.values)).toEqual(Array.from(again.values));
    expect(Array.from(first.values)).not.toEqual(Array.from(other.values));
    expect(first.values[1]! + first.values[2]!).toBe(0);
    expect(first.values[0]! + first.values[3]!).toBe(1000);
  });

  it("follows the Born rule within 5 standard deviations", () => {
    const circuit = new CircuitBuilder(1)
      .add("ry", [0], 2 * Math.asin(Math.sqrt(0.3)))
      .measureAll()
      .build();
    const shots = 200_000;
    const counts = sampledCounts(circuit, [], { shots, seed: 3 }).values;
    const sigma = Math.sqrt(shots * 0.3 * 0.7);
    expect(Math.abs(counts[1]! - 0.3 * shots)).toBeLessThan(5 * sigma);
  });

  it("refuses shots ≤ 0, fractional or above the limit", () => {
    for (const shots of [0, -5, 2.5, Number.NaN, 2_000_000]) {
      try {
        sampledCounts(bell, [], { shots, seed: 1 });
        expect.unreachable(`shots ${shots} accepted`);
      } catch (error) {
        expect(isQplaneError(error) && error.code).toBe("QPLANE_ERR_SIM_SHOTS");
        expect((error as Error).message).toContain(String(shots));
      }
    }
    expect(() => sampledCounts(bell, [], { shots: 11, seed: 1 }, { maxShots: 10 })).toThrow(
      /1\.\.10, got 11/,
    );
  });
});

describe("limits and bad parameters", () => {
  it("refuses circuits above the qubit limit with a clear message", () => {
    const wide = new CircuitBuilder(25).add("h", [24]).measureAll().build(); // idle qubits don't count
    expect(() => exactProbabilities(wide, [])).toThrow(
      /25 qubits; the local simulator's limit is 24/,
    );
    const five = new CircuitBuilder(5).add("h", [4]).measureAll().build();
    expect(() => exactProbabilities(five, [], { maxQubits: 4 })).toThrow(/limit is 4/);
  });

  it("refuses non-finite parameter values and wrong row lengths, naming the column", () => {
    const circuit = new CircuitBuilder(1).add("rx", [0], weight("theta")).build();
    expect(() => exactProbabilities(circuit, [[0.1], [Number.POSITIVE_INFINITY]])).toThrow(
      /row 1, column 0 \(theta\) is Infinity/,
    );
    expect(() => exactProbabilities(circuit, [[0.1, 0.2]])).toThrow(
      /row 0 has 2 value\(s\); the circuit has 1/,
    );
  });

  it("applies a readout-error model to probabilities", () => {
    const zero = new CircuitBuilder(2).add("x", [1]).measureAll().build();
    const { values } = exactProbabilities(zero, [], {
      readoutError: { p1Given0: [0.1, 0.0], p0Given1: [0.0, 0.2] },
    });
    // clbit0 (qubit0=0): reads 1 w.p. 0.1; clbit1 (qubit1=1): reads 0 w.p. 0.2
    expectClose(values, [0.9 * 0.2, 0.1 * 0.2, 0.9 * 0.8, 0.1 * 0.8]);
    expect(() =>
      exactProbabilities(zero, [], { readoutError: { p1Given0: 1.5, p0Given1: 0 } }),
    ).toThrow(/readoutError.p1Given0 must be in \[0, 1\], got 1.5/);
  });
});
