import { describe, expect, it } from "vitest";
import { CircuitBuilder, weight } from "../../../src/circuits/ir.js";
import {
  chooseLayout,
  isIsa,
  type Target,
  transpile,
} from "../../../src/circuits/transpile/index.js";
import { expectSameDistribution, lineTarget } from "./transpile-fixtures.js";

describe("swaps", () => {
  it("a linear CNOT chain on a line needs none", () => {
    const b = new CircuitBuilder(5);
    for (let q = 0; q < 5; q++) b.add("ry", [q], weight(`w${q}`));
    for (let q = 0; q < 4; q++) b.add("cx", [q, q + 1]);
    const circuit = b.measureAll().build();
    for (const basis of ["cz", "ecr"] as const) {
      const target = lineTarget(7, basis);
      const result = transpile(circuit, target);
      expect(result.swaps).toBe(0);
      expect(result.twoQubitGates).toBe(4);
      expect(isIsa(result.circuit, target)).toBeNull();
      expectSameDistribution(circuit, result.circuit, 7);
    }
  });

  it("a full entangler on a line needs swaps (exact count for 3 qubits)", () => {
    const b = new CircuitBuilder(3);
    b.add("h", [0]).add("cx", [0, 1]).add("cx", [1, 2]).add("cx", [0, 2]).measureAll();
    const circuit = b.build();
    const target = lineTarget(3);
    const result = transpile(circuit, target, { initialLayout: [0, 1, 2] });
    expect(result.swaps).toBe(1);
    expect(result.finalLayout).toEqual([1, 0, 2]);
    expect(result.twoQubitGates).toBe(3 + 3);
    expectSameDistribution(circuit, result.circuit, 3);
    // chosen layout: any placement of a triangle on a line costs one swap
    expect(transpile(circuit, target).swaps).toBe(1);

    const full = new CircuitBuilder(4);
    for (let q = 0; q < 4; q++) full.add("ry", [q], weight(`w${q}`));
    for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) full.add("cx", [i, j]);
    const fullCircuit = full.measureAll().build();
    const fullResult = transpile(fullCircuit, lineTarget(6, "ecr"));
    expect(fullResult.swaps).toBeGreaterThan(0);
    expectSameDistribution(fullCircuit, fullResult.circuit, 11);
  });

  it("no swap when the coupling map allows the circuit (ring entangler on a ring)", () => {
    const b = new CircuitBuilder(4);
    for (let q = 0; q < 4; q++) b.add("cx", [q, (q + 1) % 4]);
    const circuit = b.measureAll().build();
    const ring: Target = {
      numQubits: 4,
      basisGates: ["rz", "sx", "x", "ecr"],
      couplingMap: [
        [1, 0],
        [2, 1],
        [3, 2],
        [0, 3],
      ],
    };
    const result = transpile(circuit, ring);
    expect(result.swaps).toBe(0);
    expect(isIsa(result.circuit, ring)).toBeNull();
    expectSameDistribution(circuit, result.circuit, 1);
  });
});

describe("layout", () => {
  it("picks the lowest-error connected qubits", () => {
    // 0-1-2-3-4-5-6 line plus a spur 3-7; qubits 0,1 read badly, pair (5,6) is noisy
    const target: Target = {
      numQubits: 8,
      basisGates: ["rz", "sx", "x", "cz"],
      couplingMap: [
        [0, 1],
        [1, 2],
        [2, 3],
        [3, 4],
        [4, 5],
        [5, 6],
        [3, 7],
      ],
      readoutError: [0.2, 0.2, 0.01, 0.02, 0.01, 0.01, 0.01, 0.05],
      twoQubitError: {
        "2,3": 0.01,
        "3,4": 0.01,
        "4,5": 0.01,
        "5,6": 0.2,
        "3,7": 0.01,
        "1,2": 0.01,
      },
    };
    const b = new CircuitBuilder(3);
    b.add("cx", [0, 1]).add("cx", [1, 2]).measureAll();
    expect(chooseLayout(b.build(), target)).toEqual([2, 3, 4]);
    // 4 qubits in a chain: 2-3-4-5 (0.05 readout, 0.03 pair error) beats 7-3-4-5 and 1-2-3-4
    const c = new CircuitBuilder(4);
    c.add("cx", [0, 1]).add("cx", [1, 2]).add("cx", [2, 3]).measureAll();
    expect(chooseLayout(c.build(), target)).toEqual([2, 3, 4, 5]);
    // a star (virtual 1 talks to 0, 2, 3) lands on the degree-3 qubit 3
    const star = new CircuitBuilder(4);
    star.add("cx", [1, 0]).add("cx", [1, 2]).add("cx", [1, 3]).measureAll();
    const layout = chooseLayout(star.build(), target);
    expect(layout[1]).toBe(3);
    expect([...layout].sort()).toEqual([2, 3, 4, 7]);
  });

  it("avoids faulty qubits and refuses circuits wider than the usable device", () => {
    const target: Target = { ...lineTarget(4), faultyQubits: [0] };
    const b = new CircuitBuilder(3);
    b.add("cx", [0, 1]).add("cx", [1, 2]).measureAll();
    expect(chooseLayout(b.build(), target)).toEqual([1, 2, 3]);
    const wide = new CircuitBuilder(4).measureAll().build();
    expect(() => transpile(wide, target)).toThrow(/4 qubits.*3 usable/);
    expect(() => transpile(new CircuitBuilder(5).build(), target)).toThrow(/5 qubits.*4/);
  });
});
