import { describe, expect, it } from "vitest";
import { parseQasm3 } from "../../src/circuits/qasm3/parse.js";
import type { ErrorCode } from "../../src/errors/catalogue.js";
import { isQplaneError } from "../../src/errors/catalogue.js";

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
