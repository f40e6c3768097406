import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  circuitDepth,
  countTwoQubitGates,
  isIsa,
  transpile,
} from "../../../src/circuits/transpile/index.js";
import { circuitArbitrary } from "../../helpers/random-circuits.js";
import { expectSameDistribution, targetArbitrary } from "./transpile-fixtures.js";
import { phaseDistance, unitaryOf } from "./unitary.js";

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
