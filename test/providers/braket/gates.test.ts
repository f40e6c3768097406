import { describe, expect, it } from "vitest";
import { emitBraketQasm } from "../../../providers/braket/gates.js";
import { addCounts, addProbabilities } from "../../../providers/braket/results.js";
import { CircuitBuilder, input, weight } from "../../../src/circuits/ir.js";
import { QplaneError } from "../../../src/errors/catalogue.js";

describe("Braket OpenQASM emission", () => {
  const circuit = new CircuitBuilder(3)
    .add("ry", [0], input("x", 2, 0.5))
    .add("cx", [0, 1])
    .add("sdg", [1])
    .add("tdg", [2])
    .add("p", [2], weight("theta"))
    .add("sx", [0])
    .add("id", [1])
    .add("rzz", [1, 2], 0.25)
    .add("u3", [0], 0.1, 0.2, 0.3)
    .measure([2, 0])
    .build();

  it("writes Braket's dialect: names, inputs, registers, measurements; no include or gate defs", () => {
    const { source, inputNames } = emitBraketQasm(circuit);
    expect(inputNames).toEqual(["d00_x", "w01_theta"]);
    expect(source).toBe(
      [
        "OPENQASM 3;",
        "input float d00_x;",
        "input float w01_theta;",
        "qubit[3] q;",
        "bit[2] c;",
        "ry(2*d00_x + 0.5) q[0];",
        "cnot q[0], q[1];",
        "si q[1];",
        "ti q[2];",
        "phaseshift(w01_theta) q[2];",
        "v q[0];",
        "i q[1];",
        "zz(0.25) q[1], q[2];",
        "U(0.1, 0.2, 0.3) q[0];",
        "c[0] = measure q[2];",
        "c[1] = measure q[0];",
        "",
      ].join("\n"),
    );
    expect(source).not.toMatch(/include|gate /);
  });

  it("uses $k for physical qubits", () => {
    const physical = new CircuitBuilder(3, true).add("cz", [0, 2]).measure([2]).build();
    expect(emitBraketQasm(physical).source).toContain("cz $0, $2;\nc[0] = measure $2;");
  });

  it("refuses gates outside supportedOperations, naming the gate and the device", () => {
    const error = (() => {
      try {
        emitBraketQasm(circuit, {
          supportedOperations: ["ry", "cnot", "si", "ti", "phaseshift", "v", "i", "zz"],
          device: "Garnet",
        });
      } catch (e) {
        return e as QplaneError;
      }
    })();
    expect(error).toBeInstanceOf(QplaneError);
    expect(error!.code).toBe("QPLANE_ERR_PROVIDER_CIRCUIT");
    expect(error!.message).toMatch(/gate "u3" \(Braket "U"\).*Garnet/);
    const crz = new CircuitBuilder(2).add("crz", [0, 1], 0.3).build();
    expect(() => emitBraketQasm(crz)).toThrow(/"crz" has no Amazon Braket equivalent/);
  });

  it("writes a probability result type instead of measurements for shots = 0", () => {
    const c = new CircuitBuilder(3).add("h", [2]).measure([2, 0]).build();
    const program = emitBraketQasm(c, { exactProbabilities: true });
    expect(program.source).toBe(
      [
        "OPENQASM 3;",
        "qubit[3] q;",
        "h q[2];",
        "#pragma braket result probability q[2], q[0]",
        "",
      ].join("\n"),
    );
    expect(program.probabilityTargets).toEqual([2, 0]);
    const physical = new CircuitBuilder(3, true).add("h", [1]).measure([1]).build();
    expect(emitBraketQasm(physical, { exactProbabilities: true }).source).toContain(
      "h $1;\n#pragma braket result probability $1\n",
    );
  });
});

describe("Braket result bit order", () => {
  // clbit 0 ← qubit 2, clbit 1 ← qubit 0; Braket lists measured qubits leftmost-first.
  const circuit = new CircuitBuilder(3).add("h", [0]).measure([2, 0]).build();

  it("maps measurement columns to clbits through measuredQubits", () => {
    const out = new Uint32Array(4);
    addCounts(
      circuit,
      {
        measuredQubits: [2, 0],
        measurements: [
          [1, 0],
          [0, 1],
          [1, 1],
          [0, 1],
        ],
      },
      4,
      out,
      0,
    );
    // [1,0]: q2=1 → c0 → 1; [0,1]: q0=1 → c1 → 2; [1,1] → 3.
    expect(Array.from(out)).toEqual([0, 1, 2, 1]);

    const swapped = new Uint32Array(4);
    addCounts(circuit, { measuredQubits: [0, 2], measurements: [[1, 0]] }, 1, swapped, 0);
    expect(Array.from(swapped)).toEqual([0, 0, 1, 0]); // q0 = 1 → clbit 1 → outcome 2
  });

  it("reads probabilities-only results with the same order", () => {
    const out = new Uint32Array(8);
    addCounts(
      circuit,
      { measuredQubits: [2, 0], measurementProbabilities: { "10": 0.25, "01": 0.75 } },
      100,
      out,
      4,
    );
    expect(Array.from(out)).toEqual([0, 0, 0, 0, 0, 25, 75, 0]);
  });

  it("fails when a measured qubit is missing from the result", () => {
    expect(() =>
      addCounts(circuit, { measuredQubits: [2], measurements: [[1]] }, 1, new Uint32Array(4), 0),
    ).toThrow(/no measurement of qubit 0/);
  });

  it("decodes a probability result type big-endian over its targets into clbit order", () => {
    // targets [2, 0]: index bit 1 = q2 (→ clbit 0), index bit 0 = q0 (→ clbit 1)
    const out = new Float64Array(8);
    const value = [0.1, 0.2, 0.3, 0.4]; // indices 00, 01, 10, 11 as (q2 q0)
    addProbabilities(
      circuit,
      { resultTypes: [{ type: { type: "probability", targets: [2, 0] }, value }] },
      [],
      out,
      4,
    );
    // outcome = c0 + 2·c1 = q2 + 2·q0: 00→0, 01→2, 10→1, 11→3
    expect(Array.from(out)).toEqual([0, 0, 0, 0, 0.1, 0.3, 0.2, 0.4]);
    expect(() =>
      addProbabilities(
        circuit,
        { resultTypes: [{ type: { type: "probability", targets: [2, 0] }, value: [1, 0] }] },
        [],
        out,
        0,
      ),
    ).toThrow(/2 values for 2 target qubit\(s\) \[2, 0\]; expected 4/);
    expect(() => addProbabilities(circuit, {}, [2, 0], out, 0)).toThrow(
      /no probability result type/,
    );
  });
});
