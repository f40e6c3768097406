import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exactProbabilities, finalStatevector } from "../../../providers/local/simulator.js";
import {
  type Circuit,
  CircuitBuilder,
  input,
  type ParameterAngle,
  weight,
} from "../../../src/circuits/ir.js";
import { emitQasm3 } from "../../../src/circuits/qasm3/emit.js";
import { parseQasm3 } from "../../../src/circuits/qasm3/parse.js";
import {
  chooseLayout,
  circuitDepth,
  countTwoQubitGates,
  isIsa,
  optimizeGates,
  type Target,
  targetFromIbm,
  transpile,
} from "../../../src/circuits/transpile/index.js";
import { circuitArbitrary, rowFor } from "../../helpers/random-circuits.js";
import { bothWays, HEAVY_HEX7, line, type Pair, ring } from "./coupling-maps.js";
import { phaseDistance, unitaryOf } from "./unitary.js";

const LINE6 = line(6);
const RING6 = ring(6);
const targetArbitrary: fc.Arbitrary<Target> = fc
  .record({
    shape: fc.constantFrom<[number, readonly Pair[]]>(
      [6, LINE6],
      [6, RING6],
      [7, HEAVY_HEX7],
      [5, LINE6.slice(0, 4)],
    ),
    basis: fc.constantFrom("cz", "ecr", "cx"),
    directions: fc.array(fc.constantFrom("forward", "reverse", "both"), {
      minLength: 7,
      maxLength: 7,
    }),
    readout: fc.array(fc.double({ min: 0, max: 0.1, noNaN: true }), { minLength: 7, maxLength: 7 }),
    twoQ: fc.array(fc.double({ min: 0, max: 0.05, noNaN: true }), { minLength: 7, maxLength: 7 }),
    faultySpur: fc.boolean(),
    // IBM Heron also lists a native rzz (constant angles in [0, π/2] only)
    rzz: fc.boolean(),
    // some devices list no x: it must become sx·sx
    x: fc.boolean(),
  })
  .map(({ shape: [numQubits, pairs], basis, directions, readout, twoQ, faultySpur, rzz, x }) => {
    const couplingMap: Pair[] = [];
    const twoQubitError: Record<string, number> = {};
    pairs.forEach(([a, b], i) => {
      const d = directions[i]!;
      if (d !== "reverse") couplingMap.push([a, b]);
      if (d !== "forward") couplingMap.push([b, a]);
      twoQubitError[`${a},${b}`] = twoQ[i]!;
      twoQubitError[`${b},${a}`] = twoQ[i]!;
    });
    return {
      numQubits,
      basisGates: [
        "rz",
        "sx",
        ...(x ? (["x"] as const) : []),
        basis as "cz" | "ecr" | "cx",
        ...(rzz ? (["rzz"] as const) : []),
      ],
      couplingMap,
      readoutError: readout.slice(0, numQubits),
      twoQubitError,
      faultyQubits: faultySpur && numQubits === 7 ? [6] : [],
    } satisfies Target;
  });

function expectSameDistribution(original: Circuit, transpiled: Circuit, seed: number): void {
  const row = rowFor(original, seed);
  expect(transpiled.parameters).toEqual(original.parameters);
  const a = exactProbabilities(original, [row]).values;
  const b = exactProbabilities(transpiled, [row]).values;
  expect(b.length).toBe(a.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-10);
}

describe("transpile: random circuits on random targets", () => {
  it("keeps the output distribution, the parameter list, and is ISA", () => {
    fc.assert(
      fc.property(
        circuitArbitrary({ maxQubits: 5, maxGates: 25, parametric: true, scramble: true }),
        targetArbitrary,
        fc.boolean(),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (circuit, target, randomLayout, seed, shuffle) => {
          const usable = Array.from({ length: target.numQubits }, (_, q) => q).filter(
            (q) => !(target.faultyQubits ?? []).includes(q),
          );
          // a random initial layout: a seeded shuffle of usable qubits
          let s = shuffle;
          const order = [...usable]
            .map((q) => {
              s = (s * 1103515245 + 12345) % 2147483648;
              return [s, q] as const;
            })
            .sort((x, y) => x[0] - y[0])
            .map(([, q]) => q);
          const initialLayout = randomLayout ? order.slice(0, circuit.numQubits) : undefined;
          const result = transpile(circuit, target, { initialLayout });
          expect(result.circuit.physicalQubits).toBe(true);
          expect(isIsa(result.circuit, target)).toBeNull();
          expect(result.twoQubitGates).toBe(countTwoQubitGates(result.circuit));
          expect(result.depth).toBe(circuitDepth(result.circuit));
          if (initialLayout) expect(result.layout).toEqual(initialLayout);
          expectSameDistribution(circuit, result.circuit, seed);
          expectSameDistribution(circuit, result.circuit, seed + 1);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("without optimisation too", () => {
    fc.assert(
      fc.property(
        circuitArbitrary({ maxQubits: 4, maxGates: 15, parametric: true, scramble: true }),
        targetArbitrary,
        fc.integer({ min: 1, max: 1_000_000 }),
        (circuit, target, seed) => {
          const result = transpile(circuit, target, { optimize: false });
          expect(isIsa(result.circuit, target)).toBeNull();
          expectSameDistribution(circuit, result.circuit, seed);
        },
      ),
      { numRuns: 100 },
    );
  });
});

const lineTarget = (n: number, basis: "cz" | "ecr" = "cz"): Target => ({
  numQubits: n,
  basisGates: ["rz", "sx", "x", basis],
  couplingMap: Array.from({ length: n - 1 }, (_, i) => [i, i + 1] as [number, number]),
});

describe("swaps", () => {
  it("a linear CNOT chain on a line needs none", () => {
    const b = new CircuitBuilder(5);
    for (let q = 0; q < 5; q++) b.add("ry", [q], weight(`w${q}`));
    for (let q = 0; q < 4; q++) b.add("cx", [q, q + 1]);
    const circuit = b.measureAll().build();
    for (const basis of ["cz", "ecr"] as const) {
      const target = lineTarget(7, basis);
      const result = transpile(circuit, target);
      expect(result.swaps).toBe(0);
      expect(result.twoQubitGates).toBe(4);
      expect(isIsa(result.circuit, target)).toBeNull();
      expectSameDistribution(circuit, result.circuit, 7);
    }
  });

  it("a full entangler on a line needs swaps (exact count for 3 qubits)", () => {
    const b = new CircuitBuilder(3);
    b.add("h", [0]).add("cx", [0, 1]).add("cx", [1, 2]).add("cx", [0, 2]).measureAll();
    const circuit = b.build();
    const target = lineTarget(3);
    const result = transpile(circuit, target, { initialLayout: [0, 1, 2] });
    expect(result.swaps).toBe(1);
    expect(result.finalLayout).toEqual([1, 0, 2]);
    expect(result.twoQubitGates).toBe(3 + 3);
    expectSameDistribution(circuit, result.circuit, 3);
    // chosen layout: any placement of a triangle on a line costs one swap
    expect(transpile(circuit, target).swaps).toBe(1);

    const full = new CircuitBuilder(4);
    for (let q = 0; q < 4; q++) full.add("ry", [q], weight(`w${q}`));
    for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) full.add("cx", [i, j]);
    const fullCircuit = full.measureAll().build();
    const fullResult = transpile(fullCircuit, lineTarget(6, "ecr"));
    expect(fullResult.swaps).toBeGreaterThan(0);
    expectSameDistribution(fullCircuit, fullResult.circuit, 11);
  });

  it("no swap when the coupling map allows the circuit (ring entangler on a ring)", () => {
    const b = new CircuitBuilder(4);
    for (let q = 0; q < 4; q++) b.add("cx", [q, (q + 1) % 4]);
    const circuit = b.measureAll().build();
    const ring: Target = {
      numQubits: 4,
      basisGates: ["rz", "sx", "x", "ecr"],
      couplingMap: [
        [1, 0],
        [2, 1],
        [3, 2],
        [0, 3],
      ],
    };
    const result = transpile(circuit, ring);
    expect(result.swaps).toBe(0);
    expect(isIsa(result.circuit, ring)).toBeNull();
    expectSameDistribution(circuit, result.circuit, 1);
  });
});

describe("layout", () => {
  it("picks the lowest-error connected qubits", () => {
    // 0-1-2-3-4-5-6 line plus a spur 3-7; qubits 0,1 read badly, pair (5,6) is noisy
    const target: Target = {
      numQubits: 8,
      basisGates: ["rz", "sx", "x", "cz"],
      couplingMap: [
        [0, 1],
        [1, 2],
        [2, 3],
        [3, 4],
        [4, 5],
        [5, 6],
        [3, 7],
      ],
      readoutError: [0.2, 0.2, 0.01, 0.02, 0.01, 0.01, 0.01, 0.05],
      twoQubitError: {
        "2,3": 0.01,
        "3,4": 0.01,
        "4,5": 0.01,
        "5,6": 0.2,
        "3,7": 0.01,
        "1,2": 0.01,
      },
    };
    const b = new CircuitBuilder(3);
    b.add("cx", [0, 1]).add("cx", [1, 2]).measureAll();
    expect(chooseLayout(b.build(), target)).toEqual([2, 3, 4]);
    // 4 qubits in a chain: 2-3-4-5 (0.05 readout, 0.03 pair error) beats 7-3-4-5 and 1-2-3-4
    const c = new CircuitBuilder(4);
    c.add("cx", [0, 1]).add("cx", [1, 2]).add("cx", [2, 3]).measureAll();
    expect(chooseLayout(c.build(), target)).toEqual([2, 3, 4, 5]);
    // a star (virtual 1 talks to 0, 2, 3) lands on the degree-3 qubit 3
    const star = new CircuitBuilder(4);
    star.add("cx", [1, 0]).add("cx", [1, 2]).add("cx", [1, 3]).measureAll();
    const layout = chooseLayout(star.build(), target);
    expect(layout[1]).toBe(3);
    expect([...layout].sort()).toEqual([2, 3, 4, 7]);
  });

  it("avoids faulty qubits and refuses circuits wider than the usable device", () => {
    const target: Target = { ...lineTarget(4), faultyQubits: [0] };
    const b = new CircuitBuilder(3);
    b.add("cx", [0, 1]).add("cx", [1, 2]).measureAll();
    expect(chooseLayout(b.build(), target)).toEqual([1, 2, 3]);
    const wide = new CircuitBuilder(4).measureAll().build();
    expect(() => transpile(wide, target)).toThrow(/4 qubits.*3 usable/);
    expect(() => transpile(new CircuitBuilder(5).build(), target)).toThrow(/5 qubits.*4/);
  });
});

describe("optimisation", () => {
  it("merges rz runs, cancels x·x, folds sx·sx, drops rz(0)", () => {
    const gates = new CircuitBuilder(2)
      .add("rz", [0], 0.1)
      .add("rz", [0], 0.2)
      .add("rz", [0], weight("w"))
      .add("rz", [0], weight("w", 2, 0.5))
      .add("rz", [0], input("x")) // different parameter: stays
      .add("rz", [1], 0.3)
      .add("x", [1])
      .add("x", [1])
      .add("rz", [1], -0.3) // cancels rz(0.3) once the x pair is gone
      .add("sx", [1])
      .add("sx", [1])
      .add("rz", [1], 0)
      .build().gates;
    const out = optimizeGates(gates);
    expect(out).toHaveLength(3);
    expect(out[0]).toEqual({ name: "rz", qubits: [0], args: [weight("w", 3, 0.8)] });
    expect(out[0]!.args[0]).toMatchObject({ scale: 3 });
    expect(out[1]).toMatchObject({ name: "rz", qubits: [0], args: [input("x")] });
    expect(out[2]).toEqual({ name: "x", qubits: [1], args: [] });
  });

  it("reduces the transpiled gate count of a known circuit", () => {
    const b = new CircuitBuilder(1);
    b.add("rz", [0], weight("w")).add("s", [0]).add("t", [0]).add("h", [0]).measureAll();
    const circuit = b.build();
    const target = lineTarget(2);
    expect(transpile(circuit, target, { optimize: false }).circuit.gates).toHaveLength(6);
    const optimized = transpile(circuit, target).circuit;
    // rz(w)·rz(π/2)·rz(π/4)·rz(π/2) → one rz, then sx, rz(π/2)
    expect(optimized.gates.map((g) => g.name)).toEqual(["rz", "sx", "rz"]);
    expect(optimized.gates[0]!.args[0]).toMatchObject({ name: "w", scale: 1 });
    expectSameDistribution(circuit, optimized, 5);
    const sv = finalStatevector(optimized, rowFor(circuit, 5));
    expect(sv.re.length).toBe(2 ** optimized.numQubits);
  });
});

describe("isIsa", () => {
  const target = lineTarget(3, "ecr");
  it("accepts ISA circuits and names the first violation like IBM's 1517", () => {
    const ok = new CircuitBuilder(3, true)
      .add("rz", [0], 1)
      .add("ecr", [0, 1])
      .measure([2])
      .build();
    expect(isIsa(ok, target)).toBeNull();
    const h = new CircuitBuilder(3, true).add("h", [0]).build();
    expect(isIsa(h, target)).toBe(
      "instruction h on qubits (0,) is not supported by the target system",
    );
    const reversed = new CircuitBuilder(3, true).add("ecr", [1, 0]).build();
    expect(isIsa(reversed, target)).toBe(
      "instruction ecr on qubits (1, 0) is not supported by the target system",
    );
    const uncoupled = new CircuitBuilder(3, true).add("ecr", [0, 2]).build();
    expect(isIsa(uncoupled, target)).toMatch(/ecr on qubits \(0, 2\)/);
    expect(isIsa(new CircuitBuilder(3).add("x", [0]).build(), target)).toMatch(/physical/);
    const cz = lineTarget(3, "cz");
    expect(isIsa(new CircuitBuilder(3, true).add("cz", [1, 0]).build(), cz)).toBeNull();
    const faulty = { ...target, faultyQubits: [2] };
    expect(isIsa(new CircuitBuilder(3, true).measure([2]).build(), faulty)).toBe(
      "instruction measure on qubits (2,) is not supported by the target system",
    );
    const rzz: Target = { ...cz, basisGates: ["rz", "sx", "x", "cz", "rzz"] };
    expect(isIsa(new CircuitBuilder(2, true).add("rzz", [0, 1], 0.5).build(), rzz)).toBeNull();
    expect(isIsa(new CircuitBuilder(2, true).add("rzz", [0, 1], -0.5).build(), rzz)).toBe(
      "instruction rzz on qubits (0, 1) has angle -0.5 outside [0, pi/2], which is not supported by the target system",
    );
    expect(isIsa(new CircuitBuilder(2, true).add("rzz", [0, 1], 1.6).build(), rzz)).toMatch(
      /angle 1\.6 outside \[0, pi\/2\]/,
    );
    const parametric = new CircuitBuilder(2, true).add("rzz", [0, 1], weight("w", 1, 0.2)).build();
    expect(isIsa(parametric, rzz)).toBe(
      "instruction rzz on qubits (0, 1) has a parametric angle (weight w); only constant angles in [0, pi/2] are supported by the target system",
    );
  });
});

describe("targets with a native rzz (IBM Heron: cz, rz, rzz, sx, x)", () => {
  const heron = (directions: "both" | "forward"): Target => ({
    numQubits: 5,
    basisGates: ["cz", "rz", "rzz", "sx", "x"],
    couplingMap: directions === "both" ? bothWays(line(5)) : line(5),
  });
  const rzzAngle = fc.oneof(
    fc.double({ min: -20, max: 20, noNaN: true }).map((v): number | ParameterAngle => v),
    fc
      .record({
        scale: fc.double({ min: -2, max: 2, noNaN: true }),
        offset: fc.double({ min: -4, max: 4, noNaN: true }),
      })
      .map(({ scale, offset }): number | ParameterAngle => weight("w0", scale, offset)),
  );

  it("constant rzz stays native and in range, parametric rzz is decomposed; distributions kept", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            pair: fc
              .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }))
              .filter(([a, b]) => a !== b),
            angle: rzzAngle,
          }),
          { minLength: 1, maxLength: 8 },
        ),
        fc.constantFrom("both", "forward") as fc.Arbitrary<"both" | "forward">,
        fc.integer({ min: 1, max: 1_000_000 }),
        (rzzs, directions, seed) => {
          const b = new CircuitBuilder(4);
          for (let q = 0; q < 4; q++) b.add("u3", [q], 0.3 + q, 1.1 * q, -0.7);
          for (const { pair, angle } of rzzs) b.add("rzz", pair, angle).add("h", [pair[0]]);
          const circuit = b.measureAll().build();
          const target = heron(directions);
          const result = transpile(circuit, target);
          expect(isIsa(result.circuit, target)).toBeNull();
          const natives = result.circuit.gates.filter((g) => g.name === "rzz");
          for (const g of natives) expect(typeof g.args[0]).toBe("number");
          // each constant rzz becomes at most one native rzz (plus swaps' cz on a line)
          const constants = rzzs.filter(({ angle }) => typeof angle === "number").length;
          expect(natives.length).toBeLessThanOrEqual(constants);
          expectSameDistribution(circuit, result.circuit, seed);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("a constant rzz costs one native gate instead of two cz", () => {
    const circuit = new CircuitBuilder(2)
      .add("h", [0])
      .add("rzz", [0, 1], -2.5)
      .measureAll()
      .build();
    const heronResult = transpile(circuit, heron("both"));
    expect(heronResult.twoQubitGates).toBe(1);
    expect(heronResult.circuit.gates.find((g) => g.name === "rzz")!.args[0]).toBeCloseTo(
      Math.PI - 2.5,
      12,
    );
    expectSameDistribution(circuit, heronResult.circuit, 4);
    expect(transpile(circuit, lineTarget(2)).twoQubitGates).toBe(2);
  });
});

describe("targetFromIbm", () => {
  it("builds a target from configuration + properties and drops faulty qubits and gates", () => {
    const target = targetFromIbm(
      {
        n_qubits: 4,
        basis_gates: ["cz", "id", "rx", "rz", "rzz", "sx", "x", "delay", "measure"],
        coupling_map: bothWays(line(4)),
      },
      {
        qubits: [
          [
            { name: "T1", value: 100 },
            { name: "readout_error", value: 0.01 },
          ],
          [{ name: "readout_error", value: 0.02 }],
          [{ name: "readout_error", value: 0.03 }],
          [
            { name: "readout_error", value: 0.5 },
            { name: "operational", value: 0 },
          ],
        ],
        gates: [
          { gate: "cz", qubits: [0, 1], parameters: [{ name: "gate_error", value: 0.004 }] },
          { gate: "cz", qubits: [1, 0], parameters: [{ name: "gate_error", value: 0.005 }] },
          {
            gate: "cz",
            qubits: [1, 2],
            parameters: [
              { name: "gate_error", value: 1 },
              { name: "operational", value: 0 },
            ],
          },
          { gate: "sx", qubits: [0], parameters: [{ name: "gate_error", value: 0.0002 }] },
        ],
      },
    );
    expect(target.numQubits).toBe(4);
    expect(target.basisGates).toEqual(["cz", "rx", "rz", "rzz", "sx", "x"]);
    expect(target.couplingMap).toEqual([
      [0, 1],
      [1, 0],
      [2, 1],
    ]);
    expect(target.readoutError).toEqual([0.01, 0.02, 0.03, 0.5]);
    expect(target.twoQubitError).toMatchObject({ "0,1": 0.004, "1,0": 0.005 });
    expect(target.faultyQubits).toEqual([3]);
    const circuit = new CircuitBuilder(2).add("cx", [0, 1]).measureAll().build();
    const result = transpile(circuit, target);
    expect(isIsa(result.circuit, target)).toBeNull();
    expect(result.swaps).toBe(0);
  });
});

describe("OpenQASM 3 of transpiled circuits", () => {
  it("emits $k qubits, ecr gate blocks and input parameters, and parses back to the same distribution", () => {
    const b = new CircuitBuilder(3);
    b.add("ry", [0], input("x0", 2, 0.1))
      .add("rx", [1], weight("w0"))
      .add("h", [2]);
    b.add("cx", [0, 1]).add("crz", [1, 2], weight("w1", 0.5)).add("cx", [0, 2]).measureAll();
    const circuit = b.build();
    const target: Target = {
      numQubits: 5,
      basisGates: ["rz", "sx", "x", "ecr"],
      couplingMap: [
        [1, 0],
        [1, 2],
        [3, 2],
        [3, 4],
      ],
      readoutError: [0.05, 0.01, 0.01, 0.01, 0.05],
    };
    const result = transpile(circuit, target);
    const text = emitQasm3(result.circuit);
    expect(text).toMatch(/\$\d/);
    expect(text).toMatch(/gate ecr/);
    expect(text).toMatch(/input float\[64\]/);
    expect(text).not.toMatch(/\bq\[/);
    const parsed = parseQasm3(text);
    expectSameDistribution(circuit, parsed, 9);
  });
});

describe("test helper sanity", () => {
  it("phaseDistance tells different unitaries apart", () => {
    const x = unitaryOf([{ name: "x", qubits: [0], args: [] }], 1);
    const y = unitaryOf([{ name: "y", qubits: [0], args: [] }], 1);
    const minusX = unitaryOf(
      [
        { name: "rz", qubits: [0], args: [2 * Math.PI] },
        { name: "x", qubits: [0], args: [] },
      ],
      1,
    );
    expect(phaseDistance(x, y)).toBeGreaterThan(0.5);
    expect(phaseDistance(x, minusX)).toBeLessThan(1e-12);
  });
});
