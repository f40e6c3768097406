import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GATE_NAMES, GATES, type GateName } from "../../src/circuits/gates.js";
import {
  type Angle,
  type Circuit,
  createCircuit,
  type Gate,
  type Measurement,
  type Parameter,
} from "../../src/circuits/ir.js";
import { emitQasm3, qasmParameterNames } from "../../src/circuits/qasm3/emit.js";
import { parseQasm3, parseQasm3Program } from "../../src/circuits/qasm3/parse.js";
import { denseProbabilities } from "../helpers/dense-reference.js";

/** Doubles of every kind: ±0, subnormals, huge magnitudes, and ordinary values. */
const anyDouble: fc.Arbitrary<number> = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(
    0,
    -0,
    1,
    -1,
    0.5,
    Math.PI,
    -Math.PI / 2,
    5e-324,
    -5e-324,
    Number.MAX_VALUE,
    -1e21,
    1e-7,
  ),
  fc.integer({ min: -1_000_000, max: 1_000_000 }).map((k) => k / 1000),
);

const parameterName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,7}$/);

const parameters: fc.Arbitrary<Parameter[]> = fc.uniqueArray(
  fc.record({ kind: fc.constantFrom("input" as const, "weight" as const), name: parameterName }),
  { selector: (parameter) => parameter.name, maxLength: 6 },
);

function angle(declared: readonly Parameter[]): fc.Arbitrary<Angle> {
  if (declared.length === 0) return anyDouble;
  return fc.oneof(
    anyDouble,
    fc
      .record({
        parameter: fc.constantFrom(...declared),
        scale: fc.oneof(fc.constant(1), anyDouble),
        offset: fc.oneof(fc.constant(0), anyDouble),
      })
      .map(({ parameter, scale, offset }) => ({
        kind: parameter.kind,
        name: parameter.name,
        scale,
        offset,
      })),
  );
}

function gate(numQubits: number, declared: readonly Parameter[]): fc.Arbitrary<Gate> {
  const names = GATE_NAMES.filter((name) => GATES[name].qubitCount <= numQubits);
  return fc.constantFrom<GateName>(...names).chain((name) =>
    fc.record({
      name: fc.constant(name),
      qubits:
        GATES[name].qubitCount === 1
          ? fc.tuple(fc.nat(numQubits - 1))
          : fc.uniqueArray(fc.nat(numQubits - 1), { minLength: 2, maxLength: 2 }),
      args: fc.array(angle(declared), {
        minLength: GATES[name].paramCount,
        maxLength: GATES[name].paramCount,
      }),
    }),
  );
}

const randomCircuit: fc.Arbitrary<Circuit> = fc
  .record({
    numQubits: fc.integer({ min: 1, max: 6 }),
    numClbits: fc.integer({ min: 0, max: 5 }),
    physical: fc.boolean(),
    declared: parameters,
  })
  .chain(({ numQubits, numClbits, physical, declared }) =>
    fc.record({
      numQubits: fc.constant(numQubits),
      numClbits: fc.constant(numClbits),
      physical: fc.constant(physical),
      declared: fc.shuffledSubarray(declared),
      gates: fc.array(gate(numQubits, declared), { maxLength: 15 }),
      measurements: fc
        .shuffledSubarray(Array.from({ length: numClbits }, (_, clbit) => clbit))
        .chain((clbits) =>
          fc.tuple(
            ...clbits.map((clbit) =>
              fc.nat(numQubits - 1).map((qubit): Measurement => ({ qubit, clbit })),
            ),
          ),
        ),
    }),
  )
  .map(({ numQubits, numClbits, physical, declared, gates, measurements }) => {
    // Physical qubits are not declared in OpenQASM: the parser recovers numQubits as the
    // largest index used + 1, so a physical circuit here uses its last qubit.
    const used = [...gates.flatMap((g) => g.qubits), ...measurements.map((m) => m.qubit)];
    const physicalQubits = physical && used.length > 0;
    return createCircuit({
      numQubits: physicalQubits ? Math.max(...used) + 1 : numQubits,
      numClbits,
      physicalQubits,
      gates,
      measurements,
      parameters: declared,
    });
  });

describe("OpenQASM 3 round trip", () => {
  it("IR → text → IR gives a deeply equal circuit (property)", () => {
    fc.assert(
      fc.property(randomCircuit, fc.boolean(), (circuit, defineNonStandardGates) => {
        const text = emitQasm3(circuit, { defineNonStandardGates });
        expect(parseQasm3(text)).toEqual(circuit);
      }),
      { numRuns: 500 },
    );
  });

  it("emitted parameter names are identifiers that sort lexically in column order (property)", () => {
    fc.assert(
      fc.property(randomCircuit, (circuit) => {
        const names = qasmParameterNames(circuit);
        expect(names).toHaveLength(circuit.parameters.length);
        expect([...names].sort()).toEqual(names);
        expect(new Set(names).size).toBe(names.length);
        for (const name of names) expect(name).toMatch(/^[dw]\d{2,}_[A-Za-z_][A-Za-z0-9_]*$/);
        expect(parseQasm3Program(emitQasm3(circuit)).parameterNames).toEqual(names);
      }),
      { numRuns: 300 },
    );
  });

  it("text → IR → text is stable", () => {
    fc.assert(
      fc.property(randomCircuit, (circuit) => {
        const text = emitQasm3(circuit);
        expect(emitQasm3(parseQasm3(text))).toBe(text);
      }),
      { numRuns: 200 },
    );
  });

  it("round-trips every gate of the IR with extreme and signed-zero arguments", () => {
    const values = [-0, 5e-324, -Number.MAX_VALUE, 0.1 + 0.2, -1e-300, 1e21];
    for (const name of GATE_NAMES) {
      const spec = GATES[name];
      for (const value of values) {
        const args: Angle[] = Array.from({ length: spec.paramCount }, (_, k) =>
          k === 1 ? { kind: "weight", name: "t", scale: value, offset: -value } : value,
        );
        const circuit = createCircuit({
          numQubits: 3,
          numClbits: 3,
          gates: [{ name, qubits: spec.qubitCount === 1 ? [2] : [2, 0], args }],
          measurements: [{ qubit: 2, clbit: 1 }],
        });
        expect(parseQasm3(emitQasm3(circuit))).toEqual(circuit);
      }
    }
  });

  it("keeps probabilities: the emitted program of a parametric circuit simulates the same", () => {
    const circuit = createCircuit({
      numQubits: 3,
      numClbits: 3,
      gates: [
        { name: "ry", qubits: [0], args: [{ kind: "input", name: "x", scale: 0.5, offset: 0.1 }] },
        { name: "ecr", qubits: [0, 1], args: [] },
        {
          name: "rzz",
          qubits: [1, 2],
          args: [{ kind: "weight", name: "w", scale: -2, offset: 0 }],
        },
        { name: "h", qubits: [2], args: [] },
        { name: "crx", qubits: [2, 0], args: [0.8] },
      ],
      measurements: [0, 1, 2].map((q) => ({ qubit: q, clbit: q })),
    });
    const parsed = parseQasm3(emitQasm3(circuit));
    const row = [1.3, 0.4];
    const expected = denseProbabilities(circuit, row);
    const actual = denseProbabilities(parsed, row);
    expect([...actual]).toEqual([...expected]);
    expect(expected.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(Math.max(...expected)).toBeLessThan(0.99);
  });
});
