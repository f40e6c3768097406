import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LocalProvider } from "../../providers/local/provider.js";
import { exactProbabilities, sampledCounts } from "../../providers/local/simulator.js";
import { compactIdleQubits } from "../../src/circuits/compact.js";
import {
  type Circuit,
  CircuitBuilder,
  createCircuit,
  input,
  weight,
} from "../../src/circuits/ir.js";
import { circuitArbitrary, rowFor } from "../helpers/random-circuits.js";

/** The same circuit with qubit q moved to `placement[q]` of a `numQubits`-qubit register. */
function place(circuit: Circuit, placement: readonly number[], numQubits: number): Circuit {
  return createCircuit({
    numQubits,
    numClbits: circuit.numClbits,
    physicalQubits: true,
    gates: circuit.gates.map((gate) => ({
      ...gate,
      qubits: gate.qubits.map((q) => placement[q]!),
    })),
    measurements: circuit.measurements.map(({ qubit, clbit }) => ({
      qubit: placement[qubit]!,
      clbit,
    })),
    parameters: circuit.parameters,
  });
}

/** A 3-qubit circuit with inputs, weights and an entangler, measuring 2 of its qubits. */
function threeQubitCircuit(): Circuit {
  return new CircuitBuilder(3)
    .add("ry", [0], input("x0"))
    .add("h", [1])
    .add("rx", [2], weight("w0", 2, 0.3))
    .add("cx", [0, 1])
    .add("crz", [1, 2], weight("w1"))
    .add("cz", [2, 0])
    .measure([2, 0])
    .build();
}

async function probabilities(
  provider: LocalProvider,
  circuit: Circuit,
  rows: number[][],
): Promise<Float64Array> {
  const result = await (await provider.run(circuit, rows, { shots: 0 })).result();
  if (result.kind !== "probabilities")
    throw new Error(`expected probabilities, got ${result.kind}`);
  return result.values;
}

describe("compactIdleQubits", () => {
  it("keeps touched qubits in order, renumbers gates and measurements, keeps clbits and parameters", () => {
    const original = threeQubitCircuit();
    const placed = place(original, [100, 101, 102], 127);
    expect(placed.numQubits).toBe(127);
    const { circuit, qubits } = compactIdleQubits(placed);
    expect(qubits).toEqual([100, 101, 102]);
    expect(circuit.numQubits).toBe(3);
    expect(circuit.physicalQubits).toBe(false);
    expect(circuit.gates).toEqual(original.gates);
    expect(circuit.measurements).toEqual(original.measurements);
    expect(circuit.numClbits).toBe(original.numClbits);
    expect(circuit.parameters).toEqual(original.parameters);

    // order is preserved (not placement order): q0 → 102, q1 → 5, q2 → 100
    const scattered = compactIdleQubits(place(original, [102, 5, 100], 127));
    expect(scattered.qubits).toEqual([5, 100, 102]);
    expect(scattered.circuit.gates[0]).toEqual({ name: "ry", qubits: [2], args: [input("x0")] });
    expect(scattered.circuit.measurements).toEqual([
      { qubit: 1, clbit: 0 },
      { qubit: 2, clbit: 1 },
    ]);
  });

  it("returns a circuit without idle qubits unchanged, and keeps qubit 0 of an empty one", () => {
    const original = threeQubitCircuit();
    expect(compactIdleQubits(original).circuit).toBe(original);
    const empty = createCircuit({ numQubits: 9, gates: [], parameters: [weight("w")] });
    const compact = compactIdleQubits(empty);
    expect(compact.qubits).toEqual([0]);
    expect(compact.circuit.numQubits).toBe(1);
    expect(compact.circuit.parameters).toEqual(empty.parameters);
  });

  it("keeps the register's probabilities for random circuits on random sparse placements", () => {
    fc.assert(
      fc.property(
        circuitArbitrary({ maxQubits: 4, maxGates: 20, parametric: true, scramble: true }),
        fc.uniqueArray(fc.integer({ min: 0, max: 19 }), { minLength: 4, maxLength: 4 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (circuit, placement, seed) => {
          const placed = place(circuit, placement, 20);
          const compact = compactIdleQubits(placed).circuit;
          expect(compact.numQubits).toBeLessThanOrEqual(circuit.numQubits);
          const row = rowFor(circuit, seed);
          const a = exactProbabilities(circuit, [row]).values;
          const b = exactProbabilities(compact, [row]).values;
          expect(b.length).toBe(a.length);
          for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-12);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe("the local simulator and provider simulate touched qubits only", () => {
  const rows = [
    [0.4, -1.1, 0.7],
    [2.5, 0.2, -0.9],
  ];

  it("runs a 3-qubit circuit on physical qubits 100-102 of a 127-qubit device like the original", async () => {
    const original = threeQubitCircuit();
    const placed = place(original, [100, 101, 102], 127);
    const provider = new LocalProvider({ maxQubits: 4 });
    const expected = exactProbabilities(original, rows).values;
    const got = await probabilities(provider, placed, rows);
    expect(got.length).toBe(2 * 4); // 2 rows × 2 measured bits
    for (let i = 0; i < expected.length; i++) {
      expect(Math.abs(got[i]! - expected[i]!)).toBeLessThan(1e-12);
    }
    // the distribution is not trivial (so the comparison can fail)
    expect(Math.max(...got.subarray(0, 4))).toBeLessThan(0.99);
    const estimate = await provider.estimate(
      placed,
      { rows: rows.length, cols: placed.parameters.length },
      { shots: 100 },
    );
    expect(estimate.circuits).toBe(2);
    // seeded counts agree with the original's under the same seed
    const counts = async (circuit: Circuit) =>
      (await (await provider.run(circuit, rows, { shots: 500, seed: 3 })).result()).values;
    expect([...(await counts(placed))]).toEqual([...(await counts(original))]);
  });

  it("still refuses circuits whose touched qubits exceed the limit", async () => {
    const wide = new CircuitBuilder(127, true);
    for (const q of [3, 50, 90, 120, 126]) wide.add("h", [q]);
    const provider = new LocalProvider({ maxQubits: 4 });
    await expect(provider.run(wide.build(), [], { shots: 0 })).rejects.toThrow(
      "circuit has 5 qubits; the local simulator's limit is 4",
    );
  });

  it("simulator entry points (what the fake IBM server calls) take high physical indices too", () => {
    const original = threeQubitCircuit();
    const placed = place(original, [124, 125, 126], 127);
    const a = exactProbabilities(original, rows).values;
    const b = exactProbabilities(placed, rows).values;
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-12);
    const sampling = { shots: 1000, seed: 11 };
    expect([...sampledCounts(placed, rows, sampling).values]).toEqual([
      ...sampledCounts(original, rows, sampling).values,
    ]);
  });

  it("keeps per-qubit readout errors on their (original) qubit indices", async () => {
    const original = threeQubitCircuit();
    const placed = place(original, [100, 101, 102], 127);
    const perQubit = (values: Record<number, number>, n: number) =>
      Array.from({ length: n }, (_, q) => values[q] ?? 0.5);
    const p1Given0 = { 0: 0.02, 1: 0.03, 2: 0.05 };
    const p0Given1 = { 0: 0.04, 1: 0.01, 2: 0.08 };
    const shift = (values: Record<number, number>) =>
      Object.fromEntries(Object.entries(values).map(([q, v]) => [Number(q) + 100, v]));
    const local = new LocalProvider({
      readoutError: { p1Given0: perQubit(p1Given0, 3), p0Given1: perQubit(p0Given1, 3) },
    });
    const device = new LocalProvider({
      readoutError: {
        p1Given0: perQubit(shift(p1Given0), 127),
        p0Given1: perQubit(shift(p0Given1), 127),
      },
    });
    const expected = await probabilities(local, original, rows);
    const got = await probabilities(device, placed, rows);
    for (let i = 0; i < expected.length; i++) {
      expect(Math.abs(got[i]! - expected[i]!)).toBeLessThan(1e-12);
    }
    const short = new LocalProvider({ readoutError: { p1Given0: [0.1, 0.1, 0.1], p0Given1: 0 } });
    await expect(short.run(placed, rows, { shots: 0 })).rejects.toThrow(
      "readoutError.p1Given0 has 3 entries; the circuit has 127 qubits",
    );
  });
});
