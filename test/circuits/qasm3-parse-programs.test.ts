import { describe, expect, it } from "vitest";
import { input, weight } from "../../src/circuits/ir.js";
import { parseQasm3, parseQasm3Program } from "../../src/circuits/qasm3/parse.js";
import { denseProbabilities } from "../helpers/dense-reference.js";

import { expectClose, fixture } from "./qasm3-helpers.js";

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
