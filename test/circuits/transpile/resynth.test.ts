import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildAnsatz, readoutQubitsForClasses } from "../../../src/circuits/ansatz.js";
import { GATE_NAMES, GATES } from "../../../src/circuits/gates.js";
import { type Gate, weight } from "../../../src/circuits/ir.js";
import {
  resynthesizeOneQubitRuns,
  synthesizeOneQubit,
  type Target,
  transpile,
} from "../../../src/circuits/transpile/index.js";
import { bothWays, HEAVY_HEX7 } from "./coupling-maps.js";
import { phaseDistance, unitaryOf } from "./unitary.js";

const PI = Math.PI;
const ONE_QUBIT = GATE_NAMES.filter((name) => GATES[name].qubitCount === 1);

/** Resynthesis of a constant one-qubit gate list on qubit 0. */
function resynth(gates: readonly Gate[]): Gate[] {
  return resynthesizeOneQubitRuns(gates);
}

const gate = (name: Gate["name"], ...args: number[]): Gate => ({ name, qubits: [0], args });

function expectNormalisedBasis(gates: readonly Gate[]): void {
  for (const g of gates) {
    expect(["rz", "sx", "x"]).toContain(g.name);
    if (g.name === "rz") {
      const angle = g.args[0] as number;
      expect(angle).toBeGreaterThan(-PI);
      expect(angle).toBeLessThanOrEqual(PI);
      expect(Math.abs(angle)).toBeGreaterThan(1e-11);
    }
  }
}

describe("one-qubit resynthesis: the fewest basis gates per case", () => {
  it.each<[string, Gate[], string[]]>([
    ["identity (x·x)", [gate("x"), gate("x")], []],
    ["identity (h·h)", [gate("h"), gate("h")], []],
    ["identity (rz(2π))", [gate("rz", 2 * PI), gate("id")], []],
    ["diagonal (s·t·z)", [gate("s"), gate("t"), gate("z")], ["rz"]],
    ["X (sx·sx)", [gate("sx"), gate("sx")], ["x"]],
    ["X up to phase (y·z)", [gate("y"), gate("z")], ["x"]],
    ["anti-diagonal (y)", [gate("y")], ["rz", "x"]],
    ["X90-type (h)", [gate("h")], ["rz", "sx", "rz"]],
    ["X90-type (rx(π/2)·rz(0.3))", [gate("rx", PI / 2), gate("rz", 0.3)], ["sx", "rz"]],
    ["sx stays sx", [gate("sx")], ["sx"]],
    ["general (ry(0.7)·rz(0.2))", [gate("ry", 0.7), gate("rz", 0.2)], ["sx", "rz", "sx", "rz"]],
    ["general (u3(1, 2, 3))", [gate("u3", 1, 2, 3)], ["rz", "sx", "rz", "sx", "rz"]],
  ])("%s", (_, input, names) => {
    const out = resynth(input);
    expect(out.map((g) => g.name)).toEqual(names);
    expectNormalisedBasis(out);
    expect(phaseDistance(unitaryOf(input, 1), unitaryOf(out, 1))).toBeLessThan(1e-12);
  });

  it("snaps values within 1e-11 of a special case, and not further away", () => {
    const nearlyDiagonal = [gate("rx", 1e-13), gate("rz", 0.4)];
    expect(resynth(nearlyDiagonal).map((g) => g.name)).toEqual(["rz"]);
    // 2e-10 is a real rotation: exactness to 1e-10 must not be traded for a shorter list
    const tiny = [gate("u3", -2e-10, 0, 0)];
    expect(resynth(tiny).filter((g) => g.name === "sx")).toHaveLength(2);
    expect(phaseDistance(unitaryOf(tiny, 1), unitaryOf(resynth(tiny), 1))).toBeLessThan(1e-14);
    const nearlyX90 = synthesizeOneQubit(0, unitaryOf([gate("ry", PI / 2 + 1e-13)], 1));
    expect(nearlyX90.filter((g) => g.name === "sx")).toHaveLength(1);
    const offX90 = synthesizeOneQubit(0, unitaryOf([gate("ry", PI / 2 + 1e-9)], 1));
    expect(offX90.filter((g) => g.name === "sx")).toHaveLength(2);
  });

  it("any constant run → at most 5 gates, equal up to global phase", () => {
    const constantGate = fc
      .record({
        name: fc.constantFrom(...ONE_QUBIT),
        args: fc.array(fc.double({ min: -10, max: 10, noNaN: true }), {
          minLength: 3,
          maxLength: 3,
        }),
      })
      .map(({ name, args }) => gate(name, ...args.slice(0, GATES[name].paramCount)));
    fc.assert(
      fc.property(fc.array(constantGate, { minLength: 1, maxLength: 12 }), (run) => {
        const out = resynth(run);
        expect(out.length).toBeLessThanOrEqual(5);
        expect(out.filter((g) => g.name === "sx").length).toBeLessThanOrEqual(2);
        expectNormalisedBasis(out);
        expect(phaseDistance(unitaryOf(run, 1), unitaryOf(out, 1))).toBeLessThan(1e-10);
      }),
      { numRuns: 400 },
    );
  });
});

describe("resynthesis of mixed gate lists", () => {
  it("stops runs at two-qubit and parametric gates and leaves those untouched", () => {
    const w = weight("w", 2, 0.1);
    const gates: Gate[] = [
      { name: "sx", qubits: [0], args: [] },
      { name: "sx", qubits: [0], args: [] },
      { name: "rz", qubits: [1], args: [0.3] },
      { name: "rz", qubits: [1], args: [0.4] },
      { name: "cz", qubits: [0, 1], args: [] },
      { name: "rz", qubits: [0], args: [w] },
      { name: "sx", qubits: [0], args: [] },
      { name: "x", qubits: [0], args: [] },
      { name: "x", qubits: [1], args: [] },
    ];
    const out = resynthesizeOneQubitRuns(gates);
    expect(out.map((g) => [g.name, ...g.qubits])).toEqual([
      ["x", 0], // sx·sx
      ["rz", 1], // rz(0.3)·rz(0.4), emitted before the cz that ends the run
      ["cz", 0, 1],
      ["rz", 0], // parametric: untouched
      ["sx", 0], // sx·x = sx† needs rz·sx·rz: the shorter original run stays
      ["x", 0],
      ["x", 1],
    ]);
    expect(out[1]!.args[0]).toBeCloseTo(0.7, 14);
    expect(out[3]!.args[0]).toBe(w);
    for (const value of [-1.3, 0.2, 2.9]) {
      const binding = new Map([["w", value]]);
      expect(
        phaseDistance(
          unitaryOf(gates, 2, binding),
          unitaryOf(resynthesizeOneQubitRuns(gates), 2, binding),
        ),
      ).toBeLessThan(1e-12);
    }
  });
});

describe("the default iris circuit on the heavy-hex fragment", () => {
  // 4 qubits, 3 layers, linear cx entangler, 3 classes → readout qubits 2, 3 (spec.ts defaults)
  const circuit = buildAnsatz({
    qubits: 4,
    layers: 3,
    features: 4,
    readoutQubits: readoutQubitsForClasses(3, 4),
  }).circuit;
  const heavyHex = (basis: "ecr" | "cz"): Target => ({
    numQubits: 7,
    basisGates: ["rz", "sx", "x", basis],
    couplingMap: bothWays(HEAVY_HEX7),
  });

  it.each([
    // before resynthesis: ecr depth 44 (130 gates), cz depth 53 (150 gates)
    ["ecr", 35, 94],
    ["cz", 44, 110],
  ] as const)("%s: depth %i, %i gates, 9 two-qubit gates, no swaps", (basis, depth, gates) => {
    const result = transpile(circuit, heavyHex(basis));
    expect(result.swaps).toBe(0);
    expect(result.twoQubitGates).toBe(9);
    expect(result.depth).toBe(depth);
    expect(result.circuit.gates).toHaveLength(gates);
    // no qubit is left with two adjacent constant gates that one gate could replace
    const unoptimized = transpile(circuit, heavyHex(basis), { optimize: false });
    expect(unoptimized.circuit.gates.length).toBeGreaterThan(gates);
  });
});
