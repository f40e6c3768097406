import { describe, expect, it } from "vitest";
import { finalStatevector } from "../../../providers/local/simulator.js";
import { CircuitBuilder, input, weight } from "../../../src/circuits/ir.js";
import {
  isIsa,
  optimizeGates,
  type Target,
  transpile,
} from "../../../src/circuits/transpile/index.js";
import { rowFor } from "../../helpers/random-circuits.js";
import { expectSameDistribution, lineTarget } from "./transpile-fixtures.js";

describe("optimisation", () => {
  it("merges rz runs, cancels x·x, folds sx·sx, drops rz(0)", () => {
    const gates = new CircuitBuilder(2)
      .add("rz", [0], 0.1)
      .add("rz", [0], 0.2)
      .add("rz", [0], weight("w"))
      .add("rz", [0], weight("w", 2, 0.5))
      .add("rz", [0], input("x")) // different parameter: stays
      .add("rz", [1], 0.3)
      .add("x", [1])
      .add("x", [1])
      .add("rz", [1], -0.3) // cancels rz(0.3) once the x pair is gone
      .add("sx", [1])
      .add("sx", [1])
      .add("rz", [1], 0)
      .build().gates;
    const out = optimizeGates(gates);
    expect(out).toHaveLength(3);
    expect(out[0]).toEqual({ name: "rz", qubits: [0], args: [weight("w", 3, 0.8)] });
    expect(out[0]!.args[0]).toMatchObject({ scale: 3 });
    expect(out[1]).toMatchObject({ name: "rz", qubits: [0], args: [input("x")] });
    expect(out[2]).toEqual({ name: "x", qubits: [1], args: [] });
  });

  it("reduces the transpiled gate count of a known circuit", () => {
    const b = new CircuitBuilder(1);
    b.add("rz", [0], weight("w")).add("s", [0]).add("t", [0]).add("h", [0]).measureAll();
    const circuit = b.build();
    const target = lineTarget(2);
    expect(transpile(circuit, target, { optimize: false }).circuit.gates).toHaveLength(6);
    const optimized = transpile(circuit, target).circuit;
    // rz(w)·rz(π/2)·rz(π/4)·rz(π/2) → one rz, then sx, rz(π/2)
    expect(optimized.gates.map((g) => g.name)).toEqual(["rz", "sx", "rz"]);
    expect(optimized.gates[0]!.args[0]).toMatchObject({ name: "w", scale: 1 });
    expectSameDistribution(circuit, optimized, 5);
    const sv = finalStatevector(optimized, rowFor(circuit, 5));
    expect(sv.re.length).toBe(2 ** optimized.numQubits);
  });
});

describe("isIsa", () => {
  const target = lineTarget(3, "ecr");
  it("accepts ISA circuits and names the first violation like IBM's 1517", () => {
    const ok = new CircuitBuilder(3, true)
      .add("rz", [0], 1)
      .add("ecr", [0, 1])
      .measure([2])
      .build();
    expect(isIsa(ok, target)).toBeNull();
    const h = new CircuitBuilder(3, true).add("h", [0]).build();
    expect(isIsa(h, target)).toBe(
      "instruction h on qubits (0,) is not supported by the target system",
    );
    const reversed = new CircuitBuilder(3, true).add("ecr", [1, 0]).build();
    expect(isIsa(reversed, target)).toBe(
      "instruction ecr on qubits (1, 0) is not supported by the target system",
    );
    const uncoupled = new CircuitBuilder(3, true).add("ecr", [0, 2]).build();
    expect(isIsa(uncoupled, target)).toMatch(/ecr on qubits \(0, 2\)/);
    expect(isIsa(new CircuitBuilder(3).add("x", [0]).build(), target)).toMatch(/physical/);
    const cz = lineTarget(3, "cz");
    expect(isIsa(new CircuitBuilder(3, true).add("cz", [1, 0]).build(), cz)).toBeNull();
    const faulty = { ...target, faultyQubits: [2] };
    expect(isIsa(new CircuitBuilder(3, true).measure([2]).build(), faulty)).toBe(
      "instruction measure on qubits (2,) is not supported by the target system",
    );
    const rzz: Target = { ...cz, basisGates: ["rz", "sx", "x", "cz", "rzz"] };
    expect(isIsa(new CircuitBuilder(2, true).add("rzz", [0, 1], 0.5).build(), rzz)).toBeNull();
    expect(isIsa(new CircuitBuilder(2, true).add("rzz", [0, 1], -0.5).build(), rzz)).toBe(
      "instruction rzz on qubits (0, 1) has angle -0.5 outside [0, pi/2], which is not supported by the target system",
    );
    expect(isIsa(new CircuitBuilder(2, true).add("rzz", [0, 1], 1.6).build(), rzz)).toMatch(
      /angle 1\.6 outside \[0, pi\/2\]/,
    );
    const parametric = new CircuitBuilder(2, true).add("rzz", [0, 1], weight("w", 1, 0.2)).build();
    expect(isIsa(parametric, rzz)).toBe(
      "instruction rzz on qubits (0, 1) has a parametric angle (weight w); only constant angles in [0, pi/2] are supported by the target system",
    );
  });
});
