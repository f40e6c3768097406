import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CircuitBuilder, input, type ParameterAngle, weight } from "../../../src/circuits/ir.js";
import { emitQasm3 } from "../../../src/circuits/qasm3/emit.js";
import { parseQasm3 } from "../../../src/circuits/qasm3/parse.js";
import {
  isIsa,
  type Target,
  targetFromIbm,
  transpile,
} from "../../../src/circuits/transpile/index.js";
import { bothWays, line } from "./coupling-maps.js";
import { expectSameDistribution, lineTarget } from "./transpile-fixtures.js";

describe("targets with a native rzz (IBM Heron: cz, rz, rzz, sx, x)", () => {
  const heron = (directions: "both" | "forward"): Target => ({
    numQubits: 5,
    basisGates: ["cz", "rz", "rzz", "sx", "x"],
    couplingMap: directions === "both" ? bothWays(line(5)) : line(5),
  });
  const rzzAngle = fc.oneof(
    fc.double({ min: -20, max: 20, noNaN: true }).map((v): number | ParameterAngle => v),
    fc
      .record({
        scale: fc.double({ min: -2, max: 2, noNaN: true }),
        offset: fc.double({ min: -4, max: 4, noNaN: true }),
      })
      .map(({ scale, offset }): number | ParameterAngle => weight("w0", scale, offset)),
  );

  it("constant rzz stays native and in range, parametric rzz is decomposed; distributions kept", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            pair: fc
              .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }))
              .filter(([a, b]) => a !== b),
            angle: rzzAngle,
          }),
          { minLength: 1, maxLength: 8 },
        ),
        fc.constantFrom("both", "forward") as fc.Arbitrary<"both" | "forward">,
        fc.integer({ min: 1, max: 1_000_000 }),
        (rzzs, directions, seed) => {
          const b = new CircuitBuilder(4);
          for (let q = 0; q < 4; q++) b.add("u3", [q], 0.3 + q, 1.1 * q, -0.7);
          for (const { pair, angle } of rzzs) b.add("rzz", pair, angle).add("h", [pair[0]]);
          const circuit = b.measureAll().build();
          const target = heron(directions);
          const result = transpile(circuit, target);
          expect(isIsa(result.circuit, target)).toBeNull();
          const natives = result.circuit.gates.filter((g) => g.name === "rzz");
          for (const g of natives) expect(typeof g.args[0]).toBe("number");
          // each constant rzz becomes at most one native rzz (plus swaps' cz on a line)
          const constants = rzzs.filter(({ angle }) => typeof angle === "number").length;
          expect(natives.length).toBeLessThanOrEqual(constants);
          expectSameDistribution(circuit, result.circuit, seed);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("a constant rzz costs one native gate instead of two cz", () => {
    const circuit = new CircuitBuilder(2)
      .add("h", [0])
      .add("rzz", [0, 1], -2.5)
      .measureAll()
      .build();
    const heronResult = transpile(circuit, heron("both"));
    expect(heronResult.twoQubitGates).toBe(1);
    expect(heronResult.circuit.gates.find((g) => g.name === "rzz")!.args[0]).toBeCloseTo(
      Math.PI - 2.5,
      12,
    );
    expectSameDistribution(circuit, heronResult.circuit, 4);
    expect(transpile(circuit, lineTarget(2)).twoQubitGates).toBe(2);
  });
});

describe("targetFromIbm", () => {
  it("builds a target from configuration + properties and drops faulty qubits and gates", () => {
    const target = targetFromIbm(
      {
        n_qubits: 4,
        basis_gates: ["cz", "id", "rx", "rz", "rzz", "sx", "x", "delay", "measure"],
        coupling_map: bothWays(line(4)),
      },
      {
        qubits: [
          [
            { name: "T1", value: 100 },
            { name: "readout_error", value: 0.01 },
          ],
          [{ name: "readout_error", value: 0.02 }],
          [{ name: "readout_error", value: 0.03 }],
          [
            { name: "readout_error", value: 0.5 },
            { name: "operational", value: 0 },
          ],
        ],
        gates: [
          { gate: "cz", qubits: [0, 1], parameters: [{ name: "gate_error", value: 0.004 }] },
          { gate: "cz", qubits: [1, 0], parameters: [{ name: "gate_error", value: 0.005 }] },
          {
            gate: "cz",
            qubits: [1, 2],
            parameters: [
              { name: "gate_error", value: 1 },
              { name: "operational", value: 0 },
            ],
          },
          { gate: "sx", qubits: [0], parameters: [{ name: "gate_error", value: 0.0002 }] },
        ],
      },
    );
    expect(target.numQubits).toBe(4);
    expect(target.basisGates).toEqual(["cz", "rx", "rz", "rzz", "sx", "x"]);
    expect(target.couplingMap).toEqual([
      [0, 1],
      [1, 0],
      [2, 1],
    ]);
    expect(target.readoutError).toEqual([0.01, 0.02, 0.03, 0.5]);
    expect(target.twoQubitError).toMatchObject({ "0,1": 0.004, "1,0": 0.005 });
    expect(target.faultyQubits).toEqual([3]);
    const circuit = new CircuitBuilder(2).add("cx", [0, 1]).measureAll().build();
    const result = transpile(circuit, target);
    expect(isIsa(result.circuit, target)).toBeNull();
    expect(result.swaps).toBe(0);
  });
});

describe("OpenQASM 3 of transpiled circuits", () => {
  it("emits $k qubits, ecr gate blocks and input parameters, and parses back to the same distribution", () => {
    const b = new CircuitBuilder(3);
    b.add("ry", [0], input("x0", 2, 0.1))
      .add("rx", [1], weight("w0"))
      .add("h", [2]);
    b.add("cx", [0, 1]).add("crz", [1, 2], weight("w1", 0.5)).add("cx", [0, 2]).measureAll();
    const circuit = b.build();
    const target: Target = {
      numQubits: 5,
      basisGates: ["rz", "sx", "x", "ecr"],
      couplingMap: [
        [1, 0],
        [1, 2],
        [3, 2],
        [3, 4],
      ],
      readoutError: [0.05, 0.01, 0.01, 0.01, 0.05],
    };
    const result = transpile(circuit, target);
    const text = emitQasm3(result.circuit);
    expect(text).toMatch(/\$\d/);
    expect(text).toMatch(/gate ecr/);
    expect(text).toMatch(/input float\[64\]/);
    expect(text).not.toMatch(/\bq\[/);
    const parsed = parseQasm3(text);
    expectSameDistribution(circuit, parsed, 9);
  });
});
