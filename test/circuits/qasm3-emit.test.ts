import { describe, expect, it } from "vitest";
import { GATES } from "../../src/circuits/gates.js";
import {
  type Circuit,
  CircuitBuilder,
  createCircuit,
  type Gate,
  input,
  weight,
} from "../../src/circuits/ir.js";
import { gateMatrix } from "../../src/circuits/matrices.js";
import { emitQasm3, formatQasmNumber, qasmParameterNames } from "../../src/circuits/qasm3/emit.js";
import { parseQasm3 } from "../../src/circuits/qasm3/parse.js";
import { denseStatevector } from "../helpers/dense-reference.js";

/** Column k = the circuit's statevector from basis state |k⟩ (interleaved re, im per entry). */
function unitaryOf(
  circuit: Circuit,
  row: readonly number[] = [],
): { re: number[][]; im: number[][] } {
  const dimension = 1 << circuit.numQubits;
  const re: number[][] = Array.from({ length: dimension }, () => []);
  const im: number[][] = Array.from({ length: dimension }, () => []);
  for (let k = 0; k < dimension; k++) {
    const prepare: Gate[] = [];
    for (let q = 0; q < circuit.numQubits; q++)
      if ((k >> q) & 1) prepare.push({ name: "x", qubits: [q], args: [] });
    const state = denseStatevector(
      createCircuit({ ...circuit, gates: [...prepare, ...circuit.gates], measurements: [] }),
      row,
    );
    for (let r = 0; r < dimension; r++) {
      re[r]![k] = state.re[r]!;
      im[r]![k] = state.im[r]!;
    }
  }
  return { re, im };
}

/** Asserts actual = e^{iφ}·expected for one global phase φ; returns φ. */
function expectEqualUpToPhase(
  actual: { re: number[][]; im: number[][] },
  expected: Float64Array,
): number {
  const n = actual.re.length;
  let pivot = 0;
  for (let e = 0; e < n * n; e++) {
    if (
      Math.hypot(expected[2 * e]!, expected[2 * e + 1]!) >
      Math.hypot(expected[2 * pivot]!, expected[2 * pivot + 1]!)
    ) {
      pivot = e;
    }
  }
  const [pr, pc] = [Math.floor(pivot / n), pivot % n];
  const er = expected[2 * pivot]!;
  const ei = expected[2 * pivot + 1]!;
  const ar = actual.re[pr]![pc]!;
  const ai = actual.im[pr]![pc]!;
  const norm = er * er + ei * ei;
  const phaseRe = (ar * er + ai * ei) / norm;
  const phaseIm = (ai * er - ar * ei) / norm;
  expect(Math.hypot(phaseRe, phaseIm)).toBeCloseTo(1, 12);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const xr = expected[2 * (r * n + c)]!;
      const xi = expected[2 * (r * n + c) + 1]!;
      expect(actual.re[r]![c]!).toBeCloseTo(phaseRe * xr - phaseIm * xi, 12);
      expect(actual.im[r]![c]!).toBeCloseTo(phaseRe * xi + phaseIm * xr, 12);
    }
  }
  return Math.atan2(phaseIm, phaseRe);
}

/** The `gate NAME …` line of an emitted program. */
function definitionLine(text: string, name: string): string {
  const line = text.split("\n").find((l) => l.startsWith(`gate ${name}`));
  if (line === undefined) throw new Error(`no definition of ${name} in\n${text}`);
  return line;
}

describe("emitQasm3", () => {
  it("emits a known circuit exactly", () => {
    const circuit = new CircuitBuilder(3)
      .add("h", [0])
      .add("ry", [0], input("x0"))
      .add("ry", [1], input("x1", 0.5))
      .add("rz", [2], input("x0", 2, 0.25))
      .add("rx", [1], weight("theta", -1, -1.5))
      .add("u3", [2], Math.PI, -0.5, 1e-7)
      .add("cx", [0, 1])
      .add("rzz", [1, 2], weight("phi", 1, Math.PI / 2))
      .add("ecr", [2, 0])
      .add("p", [0], -3)
      .measure([2, 0])
      .build();
    expect(emitQasm3(circuit)).toBe(
      [
        "OPENQASM 3.0;",
        'include "stdgates.inc";',
        "gate ecr a, b { h b; cx a, b; rz(pi/4) b; cx a, b; x a; cx a, b; rz(-pi/4) b; cx a, b; h b; }",
        "gate rzz(theta) a, b { cx a, b; rz(theta) b; cx a, b; }",
        "input float[64] d00_x0;",
        "input float[64] d01_x1;",
        "input float[64] w02_theta;",
        "input float[64] w03_phi;",
        "qubit[3] q;",
        "bit[2] c;",
        "h q[0];",
        "ry(d00_x0) q[0];",
        "ry(0.5*d01_x1) q[1];",
        "rz(2*d00_x0 + 0.25) q[2];",
        "rx(-1*w02_theta - 1.5) q[1];",
        "u3(3.141592653589793, -0.5, 1e-7) q[2];",
        "cx q[0], q[1];",
        "rzz(w03_phi + 1.5707963267948966) q[1], q[2];",
        "ecr q[2], q[0];",
        "p(-3) q[0];",
        "c[0] = measure q[2];",
        "c[1] = measure q[0];",
        "",
      ].join("\n"),
    );
  });

  it("writes physical qubits as $j without a qubit declaration, and no bit register when k = 0", () => {
    const circuit = new CircuitBuilder(4, true).add("sx", [3]).add("cz", [3, 1]).build();
    expect(emitQasm3(circuit)).toBe('OPENQASM 3.0;\ninclude "stdgates.inc";\nsx $3;\ncz $3, $1;\n');
  });

  it("leaves out gate definitions when asked (targets that know ecr and rzz natively)", () => {
    const circuit = new CircuitBuilder(2).add("ecr", [0, 1]).add("rzz", [0, 1], 0.5).build();
    const text = emitQasm3(circuit, { defineNonStandardGates: false });
    expect(text).not.toContain("gate ");
    expect(text).toContain("ecr q[0], q[1];\nrzz(0.5) q[0], q[1];\n");
    expect(parseQasm3(text)).toEqual(circuit);
  });

  it("defines only the non-standard gates a circuit uses", () => {
    const text = emitQasm3(new CircuitBuilder(2).add("rzz", [0, 1], 1).build());
    expect(text).toContain("gate rzz(theta) a, b { cx a, b; rz(theta) b; cx a, b; }\n");
    expect(text).not.toContain("gate ecr");
  });

  it("defines ecr as the ECR matrix up to a global phase", () => {
    const text = emitQasm3(new CircuitBuilder(2).add("ecr", [0, 1]).build());
    const definition = definitionLine(text, "ecr").replace("gate ecr", "gate ecr_expanded");
    const expanded = parseQasm3(`${definition}\nqubit[2] q;\necr_expanded q[0], q[1];`);
    expect(expanded.gates.map((g) => g.name)).toEqual([
      "h",
      "cx",
      "rz",
      "cx",
      "x",
      "cx",
      "rz",
      "cx",
      "h",
    ]);
    expect(expanded.gates.every((g) => GATES[g.name].inStdGates)).toBe(true);
    expectEqualUpToPhase(unitaryOf(expanded), gateMatrix("ecr"));
    // the same check on the swapped operands
    const swapped = parseQasm3(`${definition}\nqubit[2] q;\necr_expanded q[1], q[0];`);
    const direct = unitaryOf(
      createCircuit({ numQubits: 2, gates: [{ name: "ecr", qubits: [1, 0], args: [] }] }),
    );
    const flat = new Float64Array(32);
    for (let r = 0; r < 4; r++) {
      for (let c = 0; c < 4; c++) {
        flat[2 * (4 * r + c)] = direct.re[r]![c]!;
        flat[2 * (4 * r + c) + 1] = direct.im[r]![c]!;
      }
    }
    expectEqualUpToPhase(unitaryOf(swapped), flat);
  });

  it("defines rzz exactly (no phase), for constant and parametric angles", () => {
    const text = emitQasm3(new CircuitBuilder(2).add("rzz", [0, 1], 1).build());
    const definition = definitionLine(text, "rzz").replace("gate rzz", "gate rzz_expanded");
    for (const theta of [0.3, -2.1, Math.PI]) {
      const expanded = parseQasm3(`${definition}\nqubit[2] q;\nrzz_expanded(${theta}) q[0], q[1];`);
      expect(expanded.gates.map((g) => g.name)).toEqual(["cx", "rz", "cx"]);
      expect(expectEqualUpToPhase(unitaryOf(expanded), gateMatrix("rzz", [theta]))).toBeCloseTo(
        0,
        12,
      );
    }
    const parametric = parseQasm3(
      `${definition}\ninput float[64] w00_t;\nqubit[2] q;\nrzz_expanded(2*w00_t - 1) q[0], q[1];`,
    );
    expect(parametric.gates[1]!.args).toEqual([weight("t", 2, -1)]);
    expect(
      expectEqualUpToPhase(unitaryOf(parametric, [0.7]), gateMatrix("rzz", [0.4])),
    ).toBeCloseTo(0, 12);
  });

  it("prints numbers in shortest round-trip form, keeping the sign of -0", () => {
    const cases: [number, string][] = [
      [0, "0"],
      [-0, "-0"],
      [0.1 + 0.2, "0.30000000000000004"],
      [1e21, "1e+21"],
      [-5e-324, "-5e-324"],
      [Number.MAX_VALUE, "1.7976931348623157e+308"],
      [123456789, "123456789"],
    ];
    for (const [value, text] of cases) expect(formatQasmNumber(value)).toBe(text);
  });

  it("writes affine arguments readably: factor 1 and offset +0 are left out", () => {
    const cases: [number, number, string][] = [
      [1, 0, "w00_a"],
      [2, 0, "2*w00_a"],
      [-1, 0, "-1*w00_a"],
      [1, 0.5, "w00_a + 0.5"],
      [1, -0.5, "w00_a - 0.5"],
      [1, -0, "w00_a - 0"],
      [-0, 3, "-0*w00_a + 3"],
      [0, 0, "0*w00_a"],
      [1e-300, -1e300, "1e-300*w00_a - 1e+300"],
    ];
    for (const [scale, offset, text] of cases) {
      const circuit = new CircuitBuilder(1).add("rx", [0], weight("a", scale, offset)).build();
      expect(emitQasm3(circuit)).toContain(`rx(${text}) q[0];`);
      expect(parseQasm3(emitQasm3(circuit))).toEqual(circuit);
    }
  });

  it("names parameters {d|w}{padded column}_{name}, declaring unused ones too", () => {
    const circuit = createCircuit({
      numQubits: 1,
      gates: [{ name: "rx", qubits: [0], args: [weight("b")] }],
      parameters: [weight("zeta"), input("x"), weight("b"), input("a")],
    });
    expect(qasmParameterNames(circuit)).toEqual(["d00_x", "d01_a", "w02_zeta", "w03_b"]);
    const text = emitQasm3(circuit);
    expect(text).toContain(
      "input float[64] d00_x;\ninput float[64] d01_a;\ninput float[64] w02_zeta;\ninput float[64] w03_b;\n",
    );
    expect(text).toContain("rx(w03_b) q[0];");
    expect(qasmParameterNames(createCircuit({ numQubits: 1, gates: [] }))).toEqual([]);
  });

  it("pads columns to a common width so that ASCII order is column order", () => {
    const parameters = [
      ...Array.from({ length: 7 }, (_, i) => input(`z${i}`)),
      ...Array.from({ length: 100 }, (_, i) => weight(`a${i}`)),
    ];
    const circuit = createCircuit({ numQubits: 1, gates: [], parameters });
    const names = qasmParameterNames(circuit);
    expect(names[0]).toBe("d000_z0");
    expect(names[9]).toBe("w009_a2");
    expect(names[106]).toBe("w106_a99");
    expect([...names].sort()).toEqual(names);
    // with default code-unit comparison, as Qiskit's sorted(parameters) does
    expect([...names].sort((p, q) => (p < q ? -1 : p > q ? 1 : 0))).toEqual(names);
    expect(names.every((name) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(name))).toBe(true);
  });
});
