/** fast-check arbitraries for random circuits over the whole gate set. */
import fc from "fast-check";
import { GATE_NAMES, GATES, type GateName } from "../../src/circuits/gates.js";
import { type Angle, type Circuit, createCircuit, input, weight } from "../../src/circuits/ir.js";

export interface RandomCircuitOptions {
  readonly minQubits?: number;
  readonly maxQubits?: number;
  readonly maxGates?: number;
  /** Whether arguments may be parametric (inputs x0..x3, weights w0..w3). */
  readonly parametric?: boolean;
  /** Start with a random u3 on every qubit, so no qubit (e.g. a control) sits in |0⟩. */
  readonly scramble?: boolean;
}

/** Mostly well-spread values (fc.double alone favours 0 and extremes), sometimes edge ones. */
function spread(limit: number): fc.Arbitrary<number> {
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc.integer({ min: -100_000, max: 100_000 }).map((k) => (k / 100_000) * limit),
    },
    { weight: 1, arbitrary: fc.double({ min: -limit, max: limit, noNaN: true }) },
  );
}

const angleConstant = spread(7);

function angleArbitrary(parametric: boolean): fc.Arbitrary<Angle> {
  if (!parametric) return angleConstant;
  return fc.oneof(
    angleConstant,
    fc
      .record({
        kind: fc.constantFrom("input", "weight"),
        index: fc.integer({ min: 0, max: 3 }),
        scale: spread(2),
        offset: spread(3),
      })
      .map(({ kind, index, scale, offset }) =>
        kind === "input" ? input(`x${index}`, scale, offset) : weight(`w${index}`, scale, offset),
      ),
  );
}

export function circuitArbitrary(options: RandomCircuitOptions = {}): fc.Arbitrary<Circuit> {
  const {
    minQubits = 1,
    maxQubits = 5,
    maxGates = 25,
    parametric = true,
    scramble = false,
  } = options;
  return fc.integer({ min: minQubits, max: maxQubits }).chain((numQubits) => {
    const names = GATE_NAMES.filter((name) => GATES[name].qubitCount === 1 || numQubits >= 2);
    const gate = fc.constantFrom<GateName>(...names).chain((name) => {
      const spec = GATES[name];
      const qubits =
        spec.qubitCount === 1
          ? fc.tuple(fc.nat(numQubits - 1))
          : fc.uniqueArray(fc.nat(numQubits - 1), { minLength: 2, maxLength: 2 });
      return fc.record({
        name: fc.constant(name),
        qubits,
        args: fc.array(angleArbitrary(parametric), {
          minLength: spec.paramCount,
          maxLength: spec.paramCount,
        }),
      });
    });
    return fc
      .record({
        prefix: fc.array(fc.tuple(angleConstant, angleConstant, angleConstant), {
          minLength: scramble ? numQubits : 0,
          maxLength: scramble ? numQubits : 0,
        }),
        gates: fc.array(gate, { maxLength: maxGates }),
        measured: fc.shuffledSubarray(
          Array.from({ length: numQubits }, (_, q) => q),
          { minLength: 1 },
        ),
      })
      .map(({ prefix, gates, measured }) =>
        createCircuit({
          numQubits,
          numClbits: measured.length,
          gates: [
            ...prefix.map((args, qubit) => ({ name: "u3" as const, qubits: [qubit], args })),
            ...gates,
          ],
          measurements: measured.map((qubit, clbit) => ({ qubit, clbit })),
        }),
      );
  });
}

/** Random parameter values for a circuit's columns. */
export function rowFor(circuit: Circuit, seed: number): number[] {
  let state = seed >>> 0 || 1;
  return circuit.parameters.map(() => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 4294967296) * 6 - 3;
  });
}

/** A random circuit with a row of parameter values for it (`rowFor` a random seed). */
export function circuitWithRow(
  options: RandomCircuitOptions = {},
): fc.Arbitrary<{ readonly circuit: Circuit; readonly row: number[] }> {
  return fc
    .tuple(circuitArbitrary(options), fc.integer())
    .map(([circuit, seed]) => ({ circuit, row: rowFor(circuit, seed) }));
}
