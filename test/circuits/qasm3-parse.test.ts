import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  type Angle,
  type Circuit,
  createCircuit,
  type Gate,
  input,
  weight,
} from "../../src/circuits/ir.js";
import { gateMatrix } from "../../src/circuits/matrices.js";
import { parseQasm3, parseQasm3Program } from "../../src/circuits/qasm3/parse.js";
import type { ErrorCode } from "../../src/errors/catalogue.js";
import { isQplaneError } from "../../src/errors/catalogue.js";
import { denseProbabilities, denseStatevector } from "../helpers/dense-reference.js";

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/qasm/${name}`, import.meta.url), "utf8");

/** The argument of the single gate of `input float x; input float y; qubit q; rz(EXPR) q;`. */
function foldArgument(expression: string, header = ""): Angle {
  const circuit = parseQasm3(
    `${header}input float x;\ninput float y;\nqubit q;\nrz(${expression}) q;`,
  );
  expect(circuit.gates).toHaveLength(1);
  return circuit.gates[0]!.args[0]!;
}

function expectClose(actual: ArrayLike<number>, expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((value, i) => {
    expect(actual[i]!).toBeCloseTo(value, 12);
  });
}

/** Column k = statevector from |k⟩; complex entries as [re, im]. */
function unitaryOf(circuit: Circuit): [number, number][][] {
  const dimension = 1 << circuit.numQubits;
  const u: [number, number][][] = Array.from({ length: dimension }, () => []);
  for (let k = 0; k < dimension; k++) {
    const prepare: Gate[] = [];
    for (let q = 0; q < circuit.numQubits; q++)
      if ((k >> q) & 1) prepare.push({ name: "x", qubits: [q], args: [] });
    const state = denseStatevector(
      createCircuit({ ...circuit, gates: [...prepare, ...circuit.gates] }),
    );
    for (let r = 0; r < dimension; r++) u[r]![k] = [state.re[r]!, state.im[r]!];
  }
  return u;
}

/** Asserts actual = e^{iφ}·expected for one φ, and returns φ. */
function expectEqualUpToPhase(
  actual: [number, number][][],
  expected: [number, number][][],
): number {
  const n = expected.length;
  let best: [number, number] = [0, 0];
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (Math.hypot(...expected[r]![c]!) > Math.hypot(...expected[best[0]]![best[1]]!))
        best = [r, c];
    }
  }
  const [er, ei] = expected[best[0]]![best[1]]!;
  const [ar, ai] = actual[best[0]]![best[1]]!;
  const norm = er * er + ei * ei;
  const phase: [number, number] = [(ar * er + ai * ei) / norm, (ai * er - ar * ei) / norm];
  expect(Math.hypot(...phase)).toBeCloseTo(1, 12);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const [xr, xi] = expected[r]![c]!;
      expect(actual[r]![c]![0]).toBeCloseTo(phase[0] * xr - phase[1] * xi, 12);
      expect(actual[r]![c]![1]).toBeCloseTo(phase[0] * xi + phase[1] * xr, 12);
    }
  }
  return Math.atan2(phase[1], phase[0]);
}

function identity(n: number): [number, number][][] {
  return Array.from({ length: n }, (_, r) =>
    Array.from({ length: n }, (_, c): [number, number] => [r === c ? 1 : 0, 0]),
  );
}

function permutation(n: number, map: (k: number) => number): [number, number][][] {
  const u = identity(n).map((row) => row.map((): [number, number] => [0, 0]));
  for (let k = 0; k < n; k++) u[map(k)]![k] = [1, 0];
  return u;
}

function fromFlat(flat: Float64Array): [number, number][][] {
  const n = Math.round(Math.sqrt(flat.length / 2));
  return Array.from({ length: n }, (_, r) =>
    Array.from({ length: n }, (_, c): [number, number] => [
      flat[2 * (r * n + c)]!,
      flat[2 * (r * n + c) + 1]!,
    ]),
  );
}

/** Controlled version (control = qubit 0, low bit) of a 2×2 block, as a 4×4 matrix. */
function controlled(block: [number, number][][]): [number, number][][] {
  const u = identity(4);
  u[1]![1] = block[0]![0]!;
  u[1]![3] = block[0]![1]!;
  u[3]![1] = block[1]![0]!;
  u[3]![3] = block[1]![1]!;
  return u;
}

describe("parseQasm3: programs", () => {
  it("reads an OpenQASM 2 Bell program (qreg/creg, U, CX, measure q -> c)", () => {
    const circuit = parseQasm3(fixture("bell-qasm2.qasm"));
    expect(circuit.numQubits).toBe(2);
    expect(circuit.numClbits).toBe(2);
    expect(circuit.gates).toEqual([
      { name: "u3", qubits: [0], args: [Math.PI / 2, 0, Math.PI] },
      { name: "cx", qubits: [0, 1], args: [] },
    ]);
    expect(circuit.measurements).toEqual([
      { qubit: 0, clbit: 0 },
      { qubit: 1, clbit: 1 },
    ]);
    expectClose(denseProbabilities(circuit), [0.5, 0, 0, 0.5]);
  });

  it("reads a hand-written OpenQASM 3 variational program with registers, inputs and a gate block", () => {
    const { circuit, parameterNames } = parseQasm3Program(fixture("variational-qasm3.qasm"));
    expect(circuit.numQubits).toBe(3);
    expect(circuit.numClbits).toBe(3);
    expect(circuit.physicalQubits).toBe(false);
    expect(circuit.parameters).toEqual([
      { kind: "input", name: "x0" },
      { kind: "input", name: "x1" },
      { kind: "weight", name: "theta" },
      { kind: "weight", name: "unused" },
    ]);
    expect(parameterNames).toEqual(["d00_x0", "d01_x1", "w02_theta", "w03_unused"]);
    expect(circuit.gates).toEqual([
      { name: "ry", qubits: [0], args: [input("x0", Math.PI, 0)] },
      { name: "ry", qubits: [1], args: [input("x1", Math.PI, 0)] },
      { name: "cx", qubits: [0, 2], args: [] },
      { name: "ry", qubits: [2], args: [weight("theta", 0.25, Math.PI / 4)] },
      { name: "cx", qubits: [0, 2], args: [] },
      { name: "rz", qubits: [1], args: [weight("theta", -1, 0)] },
    ]);
    expect(circuit.measurements).toEqual([
      { qubit: 0, clbit: 0 },
      { qubit: 1, clbit: 1 },
      { qubit: 2, clbit: 2 },
    ]);
    // x0 = 1 sets qubit 0; x1 = 0.5 gives qubit 1 a fair coin; θ = 3π rotates the ancilla by π.
    expectClose(
      denseProbabilities(circuit, [1, 0.5, 3 * Math.PI, 0]),
      [0, 0, 0, 0, 0, 0.5, 0, 0.5],
    );
    // θ = π rotates the ancilla by π/2 instead.
    expectClose(denseProbabilities(circuit, [1, 0, Math.PI, 0]), [0, 0.5, 0, 0, 0, 0.5, 0, 0]);
  });

  it("works without a header or include, and skips comments of both kinds", () => {
    const circuit = parseQasm3("qubit[1] q; /* a\nmulti-line comment */ x q[0]; // flip\n// done");
    expect(circuit.gates).toEqual([{ name: "x", qubits: [0], args: [] }]);
  });

  it("accepts OPENQASM 3 and 3.0 headers and both standard includes", () => {
    for (const header of ["OPENQASM 3;", "OPENQASM 3.0;", "OPENQASM 2.0;"]) {
      for (const include of ['include "stdgates.inc";', "include 'qelib1.inc';", ""]) {
        expect(parseQasm3(`${header}\n${include}\nqubit q;\nh q;`).gates).toEqual([
          { name: "h", qubits: [0], args: [] },
        ]);
      }
    }
  });

  it("concatenates quantum and classical registers in declaration order", () => {
    const circuit = parseQasm3(`
      qreg a[2];
      qubit b;
      qubit[3] c;
      creg m[2];
      bit n;
      bit[2] o;
      x a[1];
      x b;
      x c[2];
      measure c[0] -> m[1];
      o[1] = measure b;
      n = measure a[0];
    `);
    expect(circuit.numQubits).toBe(6);
    expect(circuit.numClbits).toBe(5);
    expect(circuit.gates.map((g) => g.qubits)).toEqual([[1], [2], [5]]);
    expect(circuit.measurements).toEqual([
      { qubit: 3, clbit: 1 },
      { qubit: 2, clbit: 4 },
      { qubit: 0, clbit: 2 },
    ]);
  });

  it("reads physical qubits $k: numQubits = largest index + 1", () => {
    const circuit = parseQasm3(
      "bit[2] c;\nh $4;\ncx $4, $1;\nc[0] = measure $4;\nc[1] = measure $1;",
    );
    expect(circuit.physicalQubits).toBe(true);
    expect(circuit.numQubits).toBe(5);
    expect(circuit.gates).toEqual([
      { name: "h", qubits: [4], args: [] },
      { name: "cx", qubits: [4, 1], args: [] },
    ]);
    expectClose(denseProbabilities(circuit), [0.5, 0, 0, 0.5]);
  });

  it("supports all four measurement forms, bit declarations with measure, and negative indices", () => {
    const forms = [
      "qubit[2] q; bit[2] c; c[0] = measure q[0]; c[1] = measure q[1];",
      "qubit[2] q; bit[2] c; c = measure q;",
      "qubit[2] q; bit[2] c; measure q[0] -> c[0]; measure q[1] -> c[1];",
      "qubit[2] q; bit[2] c; measure q -> c;",
      "qubit[2] q; bit[2] c = measure q;",
      "qubit[2] q; bit[2] c; c[-2] = measure q[-2]; c[-1] = measure q[-1];",
    ];
    for (const program of forms) {
      expect(parseQasm3(program).measurements).toEqual([
        { qubit: 0, clbit: 0 },
        { qubit: 1, clbit: 1 },
      ]);
    }
  });

  it("lets a qubit be measured twice (both bits record the same outcome)", () => {
    const circuit = parseQasm3(
      "qubit q; bit[2] c; h q; c[0] = measure q; c[1] = measure q; barrier q;",
    );
    expectClose(denseProbabilities(circuit), [0.5, 0, 0, 0.5]);
  });

  it("broadcasts gates over whole registers", () => {
    const circuit = parseQasm3(
      "qubit[2] a; qubit[2] b; qubit t; h a; cx a, b; cz b, t; rx(0.5) a;",
    );
    expect(circuit.gates.map((g) => [g.name, ...g.qubits])).toEqual([
      ["h", 0],
      ["h", 1],
      ["cx", 0, 2],
      ["cx", 1, 3],
      ["cz", 2, 4],
      ["cz", 3, 4],
      ["rx", 0],
      ["rx", 1],
    ]);
  });

  it("maps aliases to IR gates: U u u1 phase u2 CX cnot, and knows id, ecr, rzz", () => {
    const circuit = parseQasm3(
      "qubit[2] q; U(1, 2, 3) q[0]; u(1, 2, 3) q[0]; u1(0.5) q[1]; phase(0.25) q[1]; u2(0.1, 0.2) q[0];" +
        " CX q[0], q[1]; cnot q[1], q[0]; id q[0]; ecr q[0], q[1]; rzz(0.7) q[1], q[0];",
    );
    expect(circuit.gates).toEqual([
      { name: "u3", qubits: [0], args: [1, 2, 3] },
      { name: "u3", qubits: [0], args: [1, 2, 3] },
      { name: "p", qubits: [1], args: [0.5] },
      { name: "p", qubits: [1], args: [0.25] },
      { name: "u3", qubits: [0], args: [Math.PI / 2, 0.1, 0.2] },
      { name: "cx", qubits: [0, 1], args: [] },
      { name: "cx", qubits: [1, 0], args: [] },
      { name: "id", qubits: [0], args: [] },
      { name: "ecr", qubits: [0, 1], args: [] },
      { name: "rzz", qubits: [1, 0], args: [0.7] },
    ]);
  });

  it("ignores barrier and gphase (a global phase changes no probability)", () => {
    const circuit = parseQasm3(
      "input float t; qubit[2] q; barrier q; barrier; barrier q[0], q[1]; gphase(t * 2); h q[0];",
    );
    expect(circuit.gates).toEqual([{ name: "h", qubits: [0], args: [] }]);
    expect(circuit.parameters).toEqual([{ kind: "weight", name: "t" }]);
  });

  it("maps input names: d/w scheme gives kind and name, other names are weights", () => {
    const { circuit, parameterNames } = parseQasm3Program(`
      input float[64] w00_theta;
      input float gamma;
      input angle[32] d07_x;
      input angle d1_y_z;
      input float w5_9;
      qubit q;
      rx(d1_y_z) q;
    `);
    expect(circuit.parameters).toEqual([
      { kind: "input", name: "x" },
      { kind: "input", name: "y_z" },
      { kind: "weight", name: "theta" },
      { kind: "weight", name: "gamma" },
      { kind: "weight", name: "w5_9" },
    ]);
    expect(parameterNames).toEqual(["d07_x", "d1_y_z", "w00_theta", "gamma", "w5_9"]);
    expect(circuit.gates[0]!.args).toEqual([input("y_z")]);
  });

  it("inlines gate definitions, substituting qubits and affine arguments", () => {
    const circuit = parseQasm3(`
      input float w00_t;
      gate inner(a) x { rz(a) x; }
      gate outer(t, s) p, r { inner(2*t + s) r; cx p, r; inner(-t) p; }
      qubit[3] q;
      outer(w00_t / 4 + 1, pi) q[2], q[0];
      outer(1, 2) q[0], q[1];
    `);
    expect(circuit.gates).toEqual([
      { name: "rz", qubits: [0], args: [weight("t", 0.5, 2 + Math.PI)] },
      { name: "cx", qubits: [2, 0], args: [] },
      { name: "rz", qubits: [2], args: [weight("t", -0.25, -1)] },
      { name: "rz", qubits: [1], args: [4] },
      { name: "cx", qubits: [0, 1], args: [] },
      { name: "rz", qubits: [0], args: [-1] },
    ]);
  });

  it("keeps the built-in gate when a program defines ecr or rzz (as the emitter does)", () => {
    const circuit = parseQasm3(`
      gate rzz(theta) a, b { cx a, b; rz(theta) b; cx a, b; }
      gate ecr a, b { h b; cx a, b; rz(pi/4) b; cx a, b; x a; cx a, b; rz(-pi/4) b; cx a, b; h b; }
      gate U(a, b, c) q { whatever(a) q; }
      qubit[2] q;
      rzz(0.5) q[0], q[1];
      ecr q[1], q[0];
    `);
    expect(circuit.gates).toEqual([
      { name: "rzz", qubits: [0, 1], args: [0.5] },
      { name: "ecr", qubits: [1, 0], args: [] },
    ]);
  });

  it("lets a program redefine a prelude gate", () => {
    const circuit = parseQasm3("gate ch a, b { cz a, b; } qubit[2] q; ch q[0], q[1];");
    expect(circuit.gates).toEqual([{ name: "cz", qubits: [0, 1], args: [] }]);
  });
});

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

describe("parseQasm3: errors carry code, line and column", () => {
  const cases: [string, string, ErrorCode, number, number][] = [
    ["missing semicolon", "qubit[2] q\nh q[0];", "QPLANE_ERR_QASM_SYNTAX", 2, 1],
    ["missing semicolon at end", "qubit q;\nh q", "QPLANE_ERR_QASM_SYNTAX", 2, 4],
    ["unknown gate", "qubit[2] q;\n  foo q[0];", "QPLANE_ERR_CIRCUIT_UNKNOWN_GATE", 2, 3],
    [
      "unsupported library gate",
      "qubit[2] q;\nrxx(0.1) q[0], q[1];",
      "QPLANE_ERR_QASM_UNSUPPORTED",
      2,
      1,
    ],
    ["missing argument", "qubit q;\nrx q;", "QPLANE_ERR_CIRCUIT_ARITY", 2, 1],
    ["extra argument", "qubit q;\nh(0.5) q;", "QPLANE_ERR_CIRCUIT_ARITY", 2, 1],
    ["too few qubits", "qubit[2] q;\ncx q[0];", "QPLANE_ERR_CIRCUIT_ARITY", 2, 1],
    ["too many qubits", "qubit[3] q;\n\nh q[0], q[1];", "QPLANE_ERR_CIRCUIT_ARITY", 3, 1],
    ["index out of range", "qubit[3] q;\nh q[5];", "QPLANE_ERR_CIRCUIT_QUBIT_RANGE", 2, 5],
    [
      "negative index out of range",
      "qubit[3] q;\nh q[-4];",
      "QPLANE_ERR_CIRCUIT_QUBIT_RANGE",
      2,
      6,
    ],
    [
      "bit index out of range",
      "qubit q;\nbit[2] c;\nc[2] = measure q;",
      "QPLANE_ERR_CIRCUIT_QUBIT_RANGE",
      3,
      3,
    ],
    ["same qubit twice", "qubit[2] q;\ncx q[1], q[1];", "QPLANE_ERR_CIRCUIT_QUBIT_RANGE", 2, 10],
    ["register too large", "qubit[65] q;", "QPLANE_ERR_CIRCUIT_QUBIT_RANGE", 1, 7],
    [
      "too many qubits in total",
      "qubit[40] a;\nqubit[40] b;",
      "QPLANE_ERR_CIRCUIT_QUBIT_RANGE",
      2,
      11,
    ],
    [
      "product of parameters",
      "input float x;\ninput float y;\nqubit q;\nrx(x*y) q;",
      "QPLANE_ERR_CIRCUIT_PARAMETER",
      4,
      5,
    ],
    [
      "sum of two parameters",
      "input float x;\ninput float y;\nqubit q;\nrx(x + y) q;",
      "QPLANE_ERR_CIRCUIT_PARAMETER",
      4,
      6,
    ],
    [
      "function of a parameter",
      "input float x;\nqubit q;\nrx(2*sin(x)) q;",
      "QPLANE_ERR_CIRCUIT_PARAMETER",
      3,
      6,
    ],
    ["x/x", "input float x;\nqubit q;\nrx(x/x) q;", "QPLANE_ERR_CIRCUIT_PARAMETER", 3, 5],
    ["1/x", "input float x;\nqubit q;\nrx(1/x) q;", "QPLANE_ERR_CIRCUIT_PARAMETER", 3, 5],
    [
      "power of a parameter",
      "input float x;\nqubit q;\nrx(x**2) q;",
      "QPLANE_ERR_CIRCUIT_PARAMETER",
      3,
      5,
    ],
    ["division by zero", "qubit q;\nrx(1 / 0) q;", "QPLANE_ERR_CIRCUIT_PARAMETER", 2, 6],
    ["non-finite function", "qubit q;\nrx(arcsin(2)) q;", "QPLANE_ERR_CIRCUIT_PARAMETER", 2, 4],
    ["overflowing literal", "qubit q;\nrx(1e999) q;", "QPLANE_ERR_CIRCUIT_PARAMETER", 2, 4],
    [
      "overflowing scale",
      "input float x;\nqubit q;\nrx(1e308*x*10) q;",
      "QPLANE_ERR_CIRCUIT_PARAMETER",
      3,
      11,
    ],
    ["undeclared parameter", "qubit q;\nrx(theta) q;", "QPLANE_ERR_QASM_SYNTAX", 2, 4],
    ["undeclared register", "qubit q;\nh r[0];", "QPLANE_ERR_QASM_SYNTAX", 2, 3],
    ["bit register as qubit", "qubit q;\nbit c;\nh c;", "QPLANE_ERR_QASM_SYNTAX", 3, 3],
    [
      "mid-circuit measurement",
      "qubit[2] q;\nbit[2] c;\nmeasure q[0] -> c[0];\ncx q[1], q[0];",
      "QPLANE_ERR_QASM_UNSUPPORTED",
      4,
      10,
    ],
    [
      "mid-circuit measurement inside a gate block",
      "gate g a, b { h b; }\nqubit[2] q;\nbit c;\nc = measure q[1];\ng q[0], q[1];",
      "QPLANE_ERR_QASM_UNSUPPORTED",
      5,
      9,
    ],
    ["measure without target", "qubit q;\nmeasure q;", "QPLANE_ERR_QASM_UNSUPPORTED", 2, 1],
    [
      "bit written twice",
      "qubit[2] q;\nbit c;\nc = measure q[0];\nc = measure q[1];",
      "QPLANE_ERR_CIRCUIT_QUBIT_RANGE",
      4,
      1,
    ],
    [
      "measure size mismatch",
      "qubit[3] q;\nbit[2] c;\nc = measure q;",
      "QPLANE_ERR_CIRCUIT_ARITY",
      3,
      1,
    ],
    [
      "broadcast size mismatch",
      "qubit[3] a;\nqubit[2] b;\ncx a, b;",
      "QPLANE_ERR_CIRCUIT_ARITY",
      3,
      7,
    ],
    ["if statement", "qubit q;\nbit c;\nif (c) x q;", "QPLANE_ERR_QASM_UNSUPPORTED", 3, 1],
    ["for loop", "qubit q;\nfor int i in [0:2] { x q; }", "QPLANE_ERR_QASM_UNSUPPORTED", 2, 1],
    ["reset", "qubit q;\n  reset q;", "QPLANE_ERR_QASM_UNSUPPORTED", 2, 3],
    ["delay", "qubit q;\ndelay[100ns] q;", "QPLANE_ERR_QASM_UNSUPPORTED", 2, 1],
    ["def", "def f() {}", "QPLANE_ERR_QASM_UNSUPPORTED", 1, 1],
    ["const", "const float a = 1;", "QPLANE_ERR_QASM_UNSUPPORTED", 1, 1],
    ["classical declaration", "qubit q;\nfloat[64] a = 1;", "QPLANE_ERR_QASM_UNSUPPORTED", 2, 1],
    ["pragma", "#pragma braket verbatim\nqubit q;", "QPLANE_ERR_QASM_UNSUPPORTED", 1, 1],
    ["gate modifier", "qubit[2] q;\nctrl @ x q[0], q[1];", "QPLANE_ERR_QASM_UNSUPPORTED", 2, 1],
    ["other include", 'OPENQASM 3;\ninclude "mygates.inc";', "QPLANE_ERR_QASM_UNSUPPORTED", 2, 9],
    ["classical assignment", "qubit q;\nbit c;\nc = 1;", "QPLANE_ERR_QASM_UNSUPPORTED", 3, 5],
    ["input of type int", "input int n;", "QPLANE_ERR_QASM_UNSUPPORTED", 1, 7],
    ["index range", "qubit[3] q;\nh q[0:1];", "QPLANE_ERR_QASM_UNSUPPORTED", 2, 6],
    ["unterminated comment", "qubit q;\nh q; /* never\nclosed", "QPLANE_ERR_QASM_SYNTAX", 2, 6],
    ["unterminated string", 'include "stdgates.inc;\nqubit q;', "QPLANE_ERR_QASM_SYNTAX", 1, 9],
    ["unexpected character", "qubit q;\nh q`;", "QPLANE_ERR_QASM_SYNTAX", 2, 4],
    ["malformed number", "qubit q;\nrx(1.2.3) q;", "QPLANE_ERR_QASM_SYNTAX", 2, 4],
    ["unbalanced parenthesis", "qubit q;\nrx((1 + 2) q;", "QPLANE_ERR_QASM_SYNTAX", 2, 12],
    ["empty argument", "qubit q;\nrx(1, ) q;", "QPLANE_ERR_QASM_SYNTAX", 2, 7],
    ["OPENQASM not first", "qubit q;\nOPENQASM 3;", "QPLANE_ERR_QASM_SYNTAX", 2, 1],
    ["unsupported version", "OPENQASM 4.0;", "QPLANE_ERR_QASM_UNSUPPORTED", 1, 10],
    ["xor in OpenQASM 3", "qubit q;\nrx(2^3) q;", "QPLANE_ERR_QASM_SYNTAX", 2, 5],
    ["no qubits", "OPENQASM 3;\nbit c;\n", "QPLANE_ERR_QASM_SYNTAX", 3, 1],
    ["mixing physical and virtual", "qubit q;\nh $0;", "QPLANE_ERR_QASM_UNSUPPORTED", 2, 3],
    ["redeclared register", "qubit q;\nbit q;", "QPLANE_ERR_QASM_SYNTAX", 2, 5],
    ["recursive gate", "gate g a {\n  h a;\n  g a;\n}", "QPLANE_ERR_QASM_SYNTAX", 3, 3],
    [
      "gate body calls unknown gate",
      "gate g a { nope a; }",
      "QPLANE_ERR_CIRCUIT_UNKNOWN_GATE",
      1,
      12,
    ],
    [
      "gate body uses a global",
      "input float x;\ngate g a { rx(x) a; }",
      "QPLANE_ERR_QASM_SYNTAX",
      2,
      15,
    ],
    ["gate body indexes a qubit", "gate g a { h a[0]; }", "QPLANE_ERR_QASM_SYNTAX", 1, 15],
    ["unclosed gate body", "gate g a { h a;\n", "QPLANE_ERR_QASM_SYNTAX", 2, 1],
    [
      "builtin redefined with another signature",
      "gate rzz a, b { }",
      "QPLANE_ERR_CIRCUIT_ARITY",
      1,
      6,
    ],
    [
      "non-affine argument inside a gate block",
      "input float x;\ngate sq(t) a { rx(t*t) a; }\nqubit q;\nsq(x) q;",
      "QPLANE_ERR_CIRCUIT_PARAMETER",
      2,
      20,
    ],
    ["non-ASCII input name", "qubit q;\ninput float θ;", "QPLANE_ERR_CIRCUIT_PARAMETER", 2, 13],
    [
      "two names for one parameter",
      "input float d00_x;\ninput float w01_x;",
      "QPLANE_ERR_CIRCUIT_PARAMETER",
      2,
      13,
    ],
  ];

  for (const [name, source, code, line, column] of cases) {
    it(name, () => {
      let caught: unknown;
      try {
        parseQasm3(source);
      } catch (error) {
        caught = error;
      }
      expect(isQplaneError(caught), `no QplaneError for ${JSON.stringify(source)}`).toBe(true);
      if (!isQplaneError(caught)) return;
      expect({ code: caught.code, message: caught.message }).toMatchObject({ code });
      expect(caught.message).toMatch(new RegExp(`^line ${line}, column ${column}: `));
      expect(caught.location).toEqual({ line, column });
    });
  }

  it("honours the register size limits given as options", () => {
    expect(parseQasm3("qubit[4] q;", { maxRegisterSize: 4 }).numQubits).toBe(4);
    expect(() => parseQasm3("qubit[3] a;\nqubit[2] b;", { maxRegisterSize: 4 })).toThrow(
      /^line 2, column 10: /,
    );
    expect(parseQasm3("h $63;").numQubits).toBe(64);
    expect(() => parseQasm3("h $8;", { maxPhysicalQubits: 8 })).toThrow(
      /^line 1, column 3: physical qubit \$8/,
    );
  });

  it("bounds expression nesting, gate nesting and expansion size instead of overflowing", () => {
    const nested = `qubit q;\nrx(${"(".repeat(5000)}1${")".repeat(5000)}) q;`;
    expect(() => parseQasm3(nested)).toThrow(/^line 2, column \d+: expression nested/);
    const chain = `qubit q;\nrx(${Array.from({ length: 5000 }, () => "1").join(" + ")}) q;`;
    expect(() => parseQasm3(chain)).toThrow(/^line 2, column \d+: expression nested or chained/);
    expect(
      parseQasm3(`qubit q;\nrx(${Array.from({ length: 100 }, () => "0.5").join(" + ")}) q;`)
        .gates[0]!.args,
    ).toEqual([50]);

    // each g_k calls g_{k-1} twice: g_40 would expand to 2^40 gates
    let doubling = "gate g0 a { x a; }\n";
    for (let k = 1; k <= 40; k++) doubling += `gate g${k} a { g${k - 1} a; g${k - 1} a; }\n`;
    expect(() => parseQasm3(`${doubling}qubit q;\ng40 q;`, { maxGates: 1000 })).toThrow(
      /^line 43, column 1: the program expands to more than 1000 gates/,
    );
    expect(parseQasm3(`${doubling}qubit q;\ng9 q;`).gates).toHaveLength(512);

    let chainOfGates = "gate g0 a { x a; }\n";
    for (let k = 1; k <= 150; k++) chainOfGates += `gate g${k} a { g${k - 1} a; }\n`;
    expect(() => parseQasm3(chainOfGates)).toThrow(
      /^line 101, column 6: gate definitions nested more than 100 deep/,
    );
  });

  it("names the offending gate, keyword or file in the message", () => {
    expect(() => parseQasm3("qubit q;\nfrobnicate q;")).toThrow(/unknown gate 'frobnicate'/);
    expect(() => parseQasm3("qubit q;\nwhile (true) { x q; }")).toThrow(/'while'/);
    expect(() => parseQasm3('include "other.inc";')).toThrow(/other\.inc/);
    expect(() => parseQasm3("qubit q; bit c; c = measure q; x q;")).toThrow(
      /mid-circuit measurement/,
    );
    expect(() =>
      parseQasm3("input float x;\ngate sq(t) a { rx(t*t) a; }\nqubit q;\nsq(x) q;"),
    ).toThrow(/called at line 4, column 1/);
  });
});
