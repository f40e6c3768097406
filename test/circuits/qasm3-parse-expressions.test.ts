import { describe, expect, it } from "vitest";
import { weight } from "../../src/circuits/ir.js";

import { foldArgument } from "./qasm3-helpers.js";

describe("parseQasm3: argument expressions", () => {
  it("folds affine expressions to exact scale and offset", () => {
    const cases: [string, number, number][] = [
      ["x", 1, 0],
      ["2*(x + pi)/4", 0.5, Math.PI / 2],
      ["-x", -1, 0],
      ["-1*x - 1.5", -1, -1.5],
      ["pi - x", -1, Math.PI],
      ["(x + 1)*3 - 2", 3, 1],
      ["x/2 + x/2", 1, 0],
      ["2**3*x", 8, 0],
      ["x*2**-1", 0.5, 0],
      ["+x + +1", 1, 1],
      ["tau*x - τ", 2 * Math.PI, -2 * Math.PI],
      ["π*x/π", 1, 0],
      ["sin(pi/2)*x + cos(0)", 1, 1],
      ["x*sqrt(4) + exp(0) + log(1)", 2, 1],
      ["euler*x + ℇ", Math.E, Math.E],
      ["1e-3*x + .5", 0.001, 0.5],
      ["1.5E+2*x", 150, 0],
    ];
    for (const [expression, scale, offset] of cases) {
      expect(foldArgument(expression), expression).toEqual(weight("x", scale, offset));
    }
  });

  it("keeps the sign of a zero offset and scale exactly as written", () => {
    expect(Object.is((foldArgument("x - 0") as { offset: number }).offset, -0)).toBe(true);
    expect(Object.is((foldArgument("-1*x") as { offset: number }).offset, 0)).toBe(true);
    expect(Object.is((foldArgument("-0*x") as { scale: number }).scale, -0)).toBe(true);
    expect(Object.is(foldArgument("-0"), -0)).toBe(true);
  });

  it("keeps an argument with scale 0 parametric (x - x, 0*x)", () => {
    expect(foldArgument("x - x")).toEqual(weight("x", 0, 0));
    expect(foldArgument("0*x + 1")).toEqual(weight("x", 0, 1));
  });

  it("folds constant expressions with OpenQASM 3 precedence", () => {
    const cases: [string, number][] = [
      ["-2**2", -4],
      ["2**-1", 0.5],
      ["2**3**2", 512],
      ["1 - 2 - 3", -4],
      ["8 / 4 / 2", 1],
      ["1 + 2 * 3", 7],
      ["(1 + 2) * 3", 9],
      ["arctan(1)*4", Math.PI],
      ["arcsin(1)*2 - arccos(0)*2", 0],
      ["tan(0)", 0],
      ["ln(euler)", 1],
      ["3", 3],
      ["1.", 1],
    ];
    for (const [expression, value] of cases)
      expect(foldArgument(expression), expression).toBeCloseTo(value, 14);
  });

  it("reads ^ as a power in OpenQASM 2 programs", () => {
    expect(foldArgument("2^3*x", "OPENQASM 2.0;\n")).toEqual(weight("x", 8, 0));
  });
});
