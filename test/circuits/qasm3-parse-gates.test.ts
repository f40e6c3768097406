import { describe, expect, it } from "vitest";
import { weight } from "../../src/circuits/ir.js";
import { gateMatrix } from "../../src/circuits/matrices.js";
import { parseQasm3 } from "../../src/circuits/qasm3/parse.js";
import {
  controlled,
  expectEqualUpToPhase,
  fromFlat,
  permutation,
  unitaryOf,
} from "./qasm3-helpers.js";

describe("parseQasm3: gates from the standard libraries (verified against their matrices)", () => {
  const s = Math.SQRT1_2;
  const u3Block = (theta: number, phi: number, lambda: number, gamma = 0): [number, number][][] => {
    const m = fromFlat(gateMatrix("u3", [theta, phi, lambda]));
    return m.map((row) =>
      row.map(([re, im]): [number, number] => [
        re * Math.cos(gamma) - im * Math.sin(gamma),
        re * Math.sin(gamma) + im * Math.cos(gamma),
      ]),
    );
  };
  const cases: [string, number, [number, number][][], boolean][] = [
    [
      "sxdg q[0];",
      1,
      [
        [
          [0.5, -0.5],
          [0.5, 0.5],
        ],
        [
          [0.5, 0.5],
          [0.5, -0.5],
        ],
      ],
      true,
    ],
    [
      "cp(0.7) q[0], q[1];",
      2,
      controlled([
        [
          [1, 0],
          [0, 0],
        ],
        [
          [0, 0],
          [Math.cos(0.7), Math.sin(0.7)],
        ],
      ]),
      true,
    ],
    [
      "cphase(-1.2) q[0], q[1];",
      2,
      controlled([
        [
          [1, 0],
          [0, 0],
        ],
        [
          [0, 0],
          [Math.cos(1.2), -Math.sin(1.2)],
        ],
      ]),
      true,
    ],
    [
      "cu1(2) q[0], q[1];",
      2,
      controlled([
        [
          [1, 0],
          [0, 0],
        ],
        [
          [0, 0],
          [Math.cos(2), Math.sin(2)],
        ],
      ]),
      true,
    ],
    [
      "ch q[0], q[1];",
      2,
      controlled([
        [
          [s, 0],
          [s, 0],
        ],
        [
          [s, 0],
          [-s, 0],
        ],
      ]),
      true,
    ],
    ["cu3(0.3, -1.1, 2.5) q[0], q[1];", 2, controlled(u3Block(0.3, -1.1, 2.5)), true],
    ["cu(0.3, -1.1, 2.5, 0.9) q[0], q[1];", 2, controlled(u3Block(0.3, -1.1, 2.5, 0.9)), true],
    ["ccx q[0], q[1], q[2];", 3, permutation(8, (k) => ((k & 3) === 3 ? k ^ 4 : k)), true],
    ["cswap q[0], q[1], q[2];", 3, permutation(8, (k) => (k === 3 ? 5 : k === 5 ? 3 : k)), true],
  ];
  for (const [call, n, expected, exact] of cases) {
    it(call, () => {
      const circuit = parseQasm3(`qubit[${n}] q;\n${call}`);
      const phase = expectEqualUpToPhase(unitaryOf(circuit), expected);
      if (exact) expect(phase).toBeCloseTo(0, 12);
    });
  }

  it("expands parametric arguments of prelude gates affinely", () => {
    const circuit = parseQasm3("input float[64] w00_l; qubit[2] q; cp(2*w00_l) q[1], q[0];");
    expect(circuit.gates).toEqual([
      { name: "p", qubits: [1], args: [weight("l", 1, 0)] },
      { name: "cx", qubits: [1, 0], args: [] },
      { name: "p", qubits: [0], args: [weight("l", -1, 0)] },
      { name: "cx", qubits: [1, 0], args: [] },
      { name: "p", qubits: [0], args: [weight("l", 1, 0)] },
    ]);
  });
});
