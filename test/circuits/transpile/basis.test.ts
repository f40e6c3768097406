import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GATE_NAMES, GATES, type GateName } from "../../../src/circuits/gates.js";
import { type Angle, type Gate, weight } from "../../../src/circuits/ir.js";
import {
  affine,
  cxVia,
  cxViaReversed,
  gateToBasis,
  oneQubitToBasis,
  rzzInRange,
  twoQubitToCx,
} from "../../../src/circuits/transpile/basis.js";
import { phaseDistance, unitaryOf } from "./unitary.js";

const angle = fc.double({ min: -7, max: 7, noNaN: true });
const affineArg = fc.record({ scale: fc.double({ min: -2, max: 2, noNaN: true }), offset: angle });
const BASIS_1Q = new Set(["rz", "sx", "x"]);

/** An argument: constant, or an affine function of parameter `w` (bound to `value`). */
const argArb = fc.oneof(
  angle.map((a): Angle => a),
  affineArg.map(({ scale, offset }): Angle => weight("w", scale, offset)),
);

function expectAffineInOneParameter(gates: readonly Gate[]): void {
  for (const gate of gates) {
    for (const arg of gate.args) {
      if (typeof arg !== "number") {
        expect(arg.name).toBe("w");
        expect(Number.isFinite(arg.scale) && Number.isFinite(arg.offset)).toBe(true);
      }
    }
  }
}

describe("affine", () => {
  it("scales and shifts constants and parameters", () => {
    expect(affine(2, 0.5, 1)).toBe(2);
    expect(affine(weight("w", 3, 1), -0.5, 2)).toEqual(weight("w", -1.5, 1.5));
  });
});

const ONE_QUBIT = GATE_NAMES.filter((name) => GATES[name].qubitCount === 1);
const TWO_QUBIT = GATE_NAMES.filter((name) => GATES[name].qubitCount === 2);

describe("one-qubit identities", () => {
  for (const name of ONE_QUBIT) {
    it(`${name} → rz/sx/x up to global phase`, () => {
      fc.assert(
        fc.property(fc.array(argArb, { minLength: 3, maxLength: 3 }), angle, (args, value) => {
          const gate: Gate = {
            name,
            qubits: [0],
            args: args.slice(0, GATES[name].paramCount),
          };
          const out = oneQubitToBasis(gate);
          for (const g of out) expect(BASIS_1Q.has(g.name)).toBe(true);
          for (const g of out) if (g.name !== "rz") expect(g.args).toEqual([]);
          expectAffineInOneParameter(out);
          const binding = new Map([["w", value]]);
          expect(
            phaseDistance(unitaryOf([gate], 1, binding), unitaryOf(out, 1, binding)),
          ).toBeLessThan(1e-10);
        }),
        { numRuns: 60 },
      );
    });
  }
});

describe("two-qubit identities", () => {
  for (const name of TWO_QUBIT) {
    it(`${name} → cx + one-qubit gates exactly (both qubit orders)`, () => {
      fc.assert(
        fc.property(argArb, angle, fc.boolean(), (arg, value, flip) => {
          const gate: Gate = {
            name,
            qubits: flip ? [1, 0] : [0, 1],
            args: GATES[name].paramCount === 1 ? [arg] : [],
          };
          const out = twoQubitToCx(gate);
          for (const g of out) if (GATES[g.name].qubitCount === 2) expect(g.name).toBe("cx");
          expectAffineInOneParameter(out);
          const binding = new Map([["w", value]]);
          expect(
            phaseDistance(unitaryOf([gate], 2, binding), unitaryOf(out, 2, binding)),
          ).toBeLessThan(1e-10);
        }),
        { numRuns: 40 },
      );
    });
  }

  for (const basis of ["cx", "cz", "ecr"] as const) {
    it(`cx via ${basis}, forward and reversed`, () => {
      const cx: Gate = { name: "cx", qubits: [0, 1], args: [] };
      const forward = cxVia(basis, 0, 1);
      const reversed = cxViaReversed(basis, 0, 1);
      expect(forward.filter((g) => g.qubits.length === 2)).toEqual([
        { name: basis, qubits: [0, 1], args: [] },
      ]);
      expect(reversed.filter((g) => g.qubits.length === 2)).toEqual([
        { name: basis, qubits: [1, 0], args: [] },
      ]);
      expect(phaseDistance(unitaryOf([cx], 2), unitaryOf(forward, 2))).toBeLessThan(1e-12);
      expect(phaseDistance(unitaryOf([cx], 2), unitaryOf(reversed, 2))).toBeLessThan(1e-12);
    });

    for (const direction of ["forward", "reverse", "both"] as const) {
      it(`every gate → ${basis} basis with coupling ${direction}`, () => {
        const allowed = (a: number, b: number): boolean =>
          direction === "both" ||
          (direction === "forward" ? a === 0 && b === 1 : a === 1 && b === 0);
        const names: GateName[] = [...GATE_NAMES];
        fc.assert(
          fc.property(
            fc.constantFrom(...names),
            argArb,
            argArb,
            argArb,
            angle,
            fc.boolean(),
            (name, a0, a1, a2, value, flip) => {
              const spec = GATES[name];
              const gate: Gate = {
                name,
                qubits: spec.qubitCount === 1 ? [flip ? 1 : 0] : flip ? [1, 0] : [0, 1],
                args: [a0, a1, a2].slice(0, spec.paramCount),
              };
              const out = gateToBasis(gate, basis, allowed);
              for (const g of out) {
                expect(g.qubits.length === 2 ? g.name === basis : BASIS_1Q.has(g.name)).toBe(true);
                if (g.qubits.length === 2) {
                  const [p, q] = g.qubits as [number, number];
                  expect(allowed(p, q) || (basis === "cz" && allowed(q, p))).toBe(true);
                }
              }
              expectAffineInOneParameter(out);
              const binding = new Map([["w", value]]);
              expect(
                phaseDistance(unitaryOf([gate], 2, binding), unitaryOf(out, 2, binding)),
              ).toBeLessThan(1e-10);
            },
          ),
          { numRuns: 150 },
        );
      });
    }
  }
});

describe("rzz folded into IBM's calibrated range [0, π/2]", () => {
  const PI = Math.PI;
  const check = (theta: number): Gate[] => {
    const out = rzzInRange(0, 1, theta);
    const natives = out.filter((g) => g.name === "rzz");
    expect(natives.length).toBeLessThanOrEqual(1);
    for (const g of natives) {
      const angle = g.args[0] as number;
      expect(angle >= 0 && angle <= PI / 2).toBe(true);
      expect(g.qubits).toEqual([0, 1]);
    }
    for (const g of out) if (g.name !== "rzz") expect(BASIS_1Q.has(g.name)).toBe(true);
    const rzz: Gate = { name: "rzz", qubits: [0, 1], args: [theta] };
    expect(phaseDistance(unitaryOf([rzz], 2), unitaryOf(out, 2))).toBeLessThan(1e-12);
    return out;
  };

  it.each([
    [0.5, ["rzz"]],
    [PI / 2, ["rzz"]],
    [0, []],
    [2 * PI, []],
    [-0.5, ["x", "rzz", "x"]],
    [-PI / 2, ["x", "rzz", "x"]],
    [PI, ["rz", "rz"]],
    [-PI, ["rz", "rz"]],
    [2.5, ["x", "rzz", "x", "rz", "rz"]],
    [-2.5, ["rzz", "rz", "rz"]],
    [0.5 + 4 * PI, ["rzz"]],
    [-0.5 - 6 * PI, ["x", "rzz", "x"]],
  ] as const)("rzz(%d) → %j", (theta, names) => {
    expect(check(theta).map((g) => g.name)).toEqual(names);
  });

  it("any constant angle", () => {
    fc.assert(
      fc.property(fc.double({ min: -50, max: 50, noNaN: true }), (theta) => {
        check(theta);
      }),
      { numRuns: 300 },
    );
  });

  it("gateToBasis uses native rzz only for constant angles, in a listed direction", () => {
    const reverseOnly = (a: number, b: number): boolean => a === 1 && b === 0;
    const constant: Gate = { name: "rzz", qubits: [0, 1], args: [-0.3] };
    expect(gateToBasis(constant, "cz", reverseOnly, { nativeRzz: true })).toEqual([
      { name: "x", qubits: [1], args: [] },
      { name: "rzz", qubits: [1, 0], args: [0.3] },
      { name: "x", qubits: [1], args: [] },
    ]);
    // without a native rzz the constant one is decomposed as before
    const decomposed = gateToBasis(constant, "cz", reverseOnly);
    expect(decomposed.filter((g) => g.qubits.length === 2).map((g) => g.name)).toEqual([
      "cz",
      "cz",
    ]);
    const parametric: Gate = { name: "rzz", qubits: [0, 1], args: [weight("w", 2, 0.1)] };
    const out = gateToBasis(parametric, "cz", reverseOnly, { nativeRzz: true });
    expect(out.some((g) => g.name === "rzz")).toBe(false);
    for (const g of out)
      for (const arg of g.args) if (typeof arg !== "number") expect(g.name).toBe("rz");
    const binding = new Map([["w", 0.77]]);
    expect(
      phaseDistance(unitaryOf([parametric], 2, binding), unitaryOf(out, 2, binding)),
    ).toBeLessThan(1e-10);
  });
});
