import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildAnsatz } from "../../src/circuits/ansatz.js";
import type { Angle, Gate } from "../../src/circuits/ir.js";
import { analyzeModelProgram, emitQasm3 } from "../../src/circuits/qasm3/index.js";
import { QplaneError } from "../../src/errors/catalogue.js";

const fixture = readFileSync(
  new URL("../fixtures/circuits/qiskit-vqc.qasm", import.meta.url),
  "utf8",
);

/** The built-in ansatz the fixture writes out: 4 qubits, 2 re-uploading layers, T = q[2], q[3]. */
const builtIn = buildAnsatz({
  qubits: 4,
  layers: 2,
  features: 4,
  encoding: "fixed",
  readoutQubits: [2, 3],
});

function renamed(gates: readonly Gate[], names: ReadonlyMap<string, string>): Gate[] {
  const rename = (arg: Angle): Angle =>
    typeof arg === "number" ? arg : { ...arg, name: names.get(arg.name) ?? arg.name };
  return gates.map((gate) => ({ ...gate, args: gate.args.map(rename) }));
}

/** The message and code a refusal carries (every case is expected to throw a QplaneError). */
function refusal(source: string, options: Partial<Parameters<typeof analyzeModelProgram>[1]> = {}) {
  try {
    analyzeModelProgram(source, { featureCount: 4, maxQubits: 8, ...options });
  } catch (error) {
    if (error instanceof QplaneError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("analyzeModelProgram on a Qiskit-style program", () => {
  it("maps x0..x3 to features 0..3, theta_k to weights in declaration order, T to c[0], c[1]", () => {
    const program = analyzeModelProgram(fixture, { featureCount: 4, maxQubits: 8 });
    expect(program.numQubits).toBe(4);
    expect(program.featureInputNames).toEqual(["x0", "x1", "x2", "x3"]);
    expect(program.featureParameterIndex).toEqual([0, 1, 2, 3]);
    expect(program.weightNames).toEqual(Array.from({ length: 16 }, (_, k) => `theta_${k}`));
    expect(program.readoutClbits).toEqual([0, 1]);
    expect(program.readoutQubits).toEqual([2, 3]);
    expect(program.circuit.parameters.slice(0, 4)).toEqual(
      ["x0", "x1", "x2", "x3"].map((name) => ({ kind: "input", name })),
    );
  });

  it("is the built-in ansatz gate for gate, with theta_k for the k-th built-in weight", () => {
    const program = analyzeModelProgram(fixture, { featureCount: 4, maxQubits: 8 });
    const names = new Map(builtIn.weightNames.map((name, k) => [name, `theta_${k}`]));
    expect(program.circuit.gates).toEqual(renamed(builtIn.circuit.gates, names));
    expect(program.circuit.measurements).toEqual(builtIn.circuit.measurements);
    expect(program.circuit.numClbits).toBe(2);
  });

  it("reads Qiskit's own layout: ParameterVector names _x_<j>_, bits declared first, any register name", () => {
    const source = [
      "OPENQASM 3.0;",
      'include "stdgates.inc";',
      "input float[64] _theta_0_;",
      "input float[64] _x_1_;",
      "input float[64] _x_0_;",
      "bit[1] meas;",
      "qubit[2] q;",
      "ry(_x_0_) q[0];",
      "ry(_x_1_) q[1];",
      "cx q[0], q[1];",
      "ry(_theta_0_) q[1];",
      "meas[0] = measure q[1];",
    ].join("\n");
    const program = analyzeModelProgram(source, { featureCount: 2, maxQubits: 2 });
    expect(program.featureInputNames).toEqual(["_x_0_", "_x_1_"]);
    // inputs keep declaration order as columns: _x_1_ is column 0, _x_0_ column 1
    expect(program.featureParameterIndex).toEqual([1, 0]);
    expect(program.weightNames).toEqual(["_theta_0_"]);
    expect(program.readoutQubits).toEqual([1]);
  });

  it("reads the Qiskit example of docs/circuits.md as the 2-qubit built-in ansatz", () => {
    const docs = readFileSync(new URL("../../docs/circuits.md", import.meta.url), "utf8");
    const example = [...docs.matchAll(/```qasm\n([^`]*)```/g)].map((m) => m[1]!)[0]!;
    const program = analyzeModelProgram(example, { featureCount: 2, maxQubits: 2 });
    expect(program.featureInputNames).toEqual(["_x_0_", "_x_1_"]);
    expect(program.weightNames).toEqual(["_theta_0_", "_theta_1_", "_theta_2_", "_theta_3_"]);
    expect(program.readoutQubits).toEqual([1]);
    const ansatz = buildAnsatz({
      qubits: 2,
      layers: 1,
      features: 2,
      encoding: "fixed",
      readoutQubits: [1],
    });
    const names = new Map([
      ...ansatz.inputNames.map((name, j): [string, string] => [name, `_x_${j}_`]),
      ...ansatz.weightNames.map((name, k): [string, string] => [name, `_theta_${k}_`]),
    ]);
    expect(program.circuit.gates).toEqual(renamed(ansatz.circuit.gates, names));
  });

  it("takes an explicit feature map or pattern instead of the defaults", () => {
    const source = fixture.replaceAll("x0", "petal").replaceAll("x1", "sepal");
    const mapped = analyzeModelProgram(source, {
      featureCount: 4,
      maxQubits: 4,
      featureInputs: { sepal: 0, petal: 1, x2: 2, x3: 3 },
    });
    expect(mapped.featureInputNames).toEqual(["sepal", "petal", "x2", "x3"]);
    expect(mapped.featureParameterIndex).toEqual([1, 0, 2, 3]);

    const patterned = analyzeModelProgram(fixture.replace(/\bx(\d)\b/g, "feat$1_in"), {
      featureCount: 4,
      maxQubits: 4,
      featureInputs: "feat<j>_in",
    });
    expect(patterned.featureInputNames).toEqual(["feat0_in", "feat1_in", "feat2_in", "feat3_in"]);
  });

  it("reads T from the bits model.readout names, in that order", () => {
    const program = analyzeModelProgram(fixture, {
      featureCount: 4,
      maxQubits: 4,
      readout: ["c[1]", "c[0]"],
    });
    expect(program.readoutClbits).toEqual([1, 0]);
    expect(program.readoutQubits).toEqual([3, 2]);
    const whole = analyzeModelProgram(fixture, { featureCount: 4, maxQubits: 4, readout: ["c"] });
    expect(whole.readoutClbits).toEqual([0, 1]);
  });
});

describe("analyzeModelProgram refusals name line and column", () => {
  const cases: [string, string, Partial<Parameters<typeof analyzeModelProgram>[1]>, string][] = [
    [
      "an unknown gate",
      fixture.replace("ry(x0) q[0];", "foo q[0];"),
      {},
      "line 25, column 1: unknown gate 'foo'",
    ],
    [
      "classical control",
      fixture.replace("ry(x0) q[0];", "if (c[0]) x q[0];"),
      {},
      "line 25, column 1: 'if' statements are not supported",
    ],
    [
      "a gate after a measurement of its qubit",
      `${fixture}h q[3];\n`,
      {},
      "line 58, column 3: mid-circuit measurement: q[3] is used by gate h after it was measured at line 57, column 16",
    ],
    [
      "reset",
      fixture.replace("ry(x0) q[0];", "reset q[0];"),
      {},
      "line 25, column 1: 'reset' is not supported",
    ],
    [
      "a feature without an input",
      fixture.replace("input float[64] x3;", "input float[64] unused;").replaceAll("(x3)", "(0.5)"),
      {},
      "line 3, column 17: feature 3 has no matching input: declare one of input float[64] x3; / input float[64] x_3; / input float[64] _x_3_;",
    ],
    [
      "an input past the feature count",
      fixture,
      { featureCount: 3 },
      "line 6, column 17: input x3 names feature 3, but the data has 3 feature(s) (0..2)",
    ],
    [
      "a feature input when the data has no features",
      fixture,
      { featureCount: 0 },
      "line 3, column 17: input x0 names feature 0, but the data has no features",
    ],
    [
      "two inputs for one feature",
      fixture.replace("input float[64] x3;", "input float[64] x3;\ninput float[64] x_0;"),
      {},
      "line 7, column 17: inputs x0 (line 3) and x_0 both receive feature 0",
    ],
    [
      "an angle input",
      fixture.replace("input float[64] theta_2;", "input angle[32] theta_2;"),
      {},
      "line 9, column 17: input theta_2 is angle[32]; model inputs must be float[64] (features and weights are doubles)",
    ],
    [
      "a float[32] input",
      fixture.replace("input float[64] x1;", "input float[32] x1;"),
      {},
      "line 4, column 17: input x1 is float[32]; model inputs must be float[64] (features and weights are doubles)",
    ],
    [
      "an int input (refused by the parser)",
      fixture.replace("input float[64] x1;", "input int[32] x1;"),
      {},
      "line 4, column 7: inputs of type 'int' are not supported (only float and angle)",
    ],
    [
      "more qubits than the limit",
      fixture,
      { maxQubits: 3 },
      "line 23, column 10: the program would have 4 qubits; at most 3 are supported",
    ],
    [
      "no measured bits",
      fixture.replace("c[0] = measure q[2];\nc[1] = measure q[3];\n", ""),
      {},
      "line 56, column 1: the program measures no qubits; its measured bits are the model's readout (e.g. c[0] = measure q[0];)",
    ],
    [
      "a readout bit that is never measured",
      fixture.replace("bit[2] c;", "bit[3] c;"),
      { readout: ["c[0]", "c[2]"] },
      "line 24, column 8: readout bit c[2] is never measured",
    ],
  ];
  for (const [what, source, options, message] of cases) {
    it(`refuses ${what}`, () => {
      const { code, message: got } = refusal(source, options);
      expect(got).toBe(message);
      expect(code).toMatch(/^QPLANE_ERR_(QASM|CIRCUIT)_/);
    });
  }

  it("refuses options that name nothing in the program, naming the option", () => {
    expect(refusal(fixture, { readout: ["d[0]"] })).toEqual({
      code: "QPLANE_ERR_SPEC_INVALID",
      message: 'readout: "d[0]" is not a bit of the program (bits: c[0], c[1])',
    });
    expect(refusal(fixture, { featureInputs: "x" }).message).toBe(
      'featureInputs: pattern "x" must be an identifier with one <j> (e.g. "x<j>")',
    );
    expect(refusal(fixture, { featureInputs: { x0: 0, x1: 1, x2: 2, x3: 3, y: 0 } }).message).toBe(
      "featureInputs: x0 and y both receive feature 0",
    );
    expect(refusal(fixture, { featureInputs: { x0: 0, x1: 1, x2: 2, x3: 4 } }).message).toBe(
      "featureInputs.x3: 4 is not a feature index (the data has 4 feature(s) (0..3))",
    );
    expect(refusal(fixture, { featureInputs: { x0: 0, x1: 1, x2: 2, nope: 3 } }).message).toBe(
      "line 58, column 1: featureInputs names input nope, which the program does not declare",
    );
  });
});

describe("emitted built-in ansatz programs analyse back to the same circuit", () => {
  const ansatzOptions = fc
    .record({
      qubits: fc.integer({ min: 1, max: 6 }),
      layers: fc.integer({ min: 0, max: 3 }),
      featureSurplus: fc.integer({ min: -1, max: 6 }),
      reupload: fc.boolean(),
      encoding: fc.constantFrom("fixed" as const, "linear" as const),
      entangler: fc.constantFrom("linear" as const, "ring" as const, "full" as const),
      entanglingGate: fc.constantFrom("cx" as const, "cz" as const),
      encodingScale: fc.oneof(fc.constant(1), fc.double({ min: -10, max: 10, noNaN: true })),
      readoutMask: fc.integer({ min: 1, max: 63 }),
    })
    .map(({ featureSurplus, readoutMask, ...options }) => {
      const readout = Array.from({ length: options.qubits }, (_, q) => q).filter(
        (q) => (readoutMask >> q) & 1,
      );
      return {
        ...options,
        features: Math.max(0, options.qubits + featureSurplus),
        readoutQubits: readout.length > 0 ? readout : [options.qubits - 1],
      };
    });

  it("same gates, parameter expressions, columns, weights and readout", () => {
    fc.assert(
      fc.property(ansatzOptions, (options) => {
        const ansatz = buildAnsatz(options);
        const text = emitQasm3(ansatz.circuit, { parameterNames: "ir" });
        // `linear` encoding has no feature inputs: its angles φ are (per-sample) weights
        const featureCount = ansatz.inputNames.length;
        const program = analyzeModelProgram(text, { featureCount, maxQubits: options.qubits });
        expect(program.circuit).toEqual(ansatz.circuit);
        expect(program.featureInputNames).toEqual(ansatz.inputNames);
        expect(program.featureParameterIndex).toEqual(ansatz.inputNames.map((_, j) => j));
        expect(program.weightNames).toEqual([...ansatz.encodingAngleNames, ...ansatz.weightNames]);
        expect(program.readoutQubits).toEqual(options.readoutQubits);
      }),
      { numRuns: 200, seed: 16 },
    );
  });
});
