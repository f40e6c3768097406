/** What the transpile tests share: random targets, line targets and same-distribution checks. */
import fc from "fast-check";
import { expect } from "vitest";
import { exactProbabilities } from "../../../providers/local/simulator.js";
import type { Circuit } from "../../../src/circuits/ir.js";
import type { Target } from "../../../src/circuits/transpile/index.js";
import { rowFor } from "../../helpers/random-circuits.js";
import { HEAVY_HEX7, line, type Pair, ring } from "./coupling-maps.js";

export const LINE6 = line(6);
export const RING6 = ring(6);

export const targetArbitrary: fc.Arbitrary<Target> = fc
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

export function expectSameDistribution(original: Circuit, transpiled: Circuit, seed: number): void {
  const row = rowFor(original, seed);
  expect(transpiled.parameters).toEqual(original.parameters);
  const a = exactProbabilities(original, [row]).values;
  const b = exactProbabilities(transpiled, [row]).values;
  expect(b.length).toBe(a.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-10);
}

export const lineTarget = (n: number, basis: "cz" | "ecr" = "cz"): Target => ({
  numQubits: n,
  basisGates: ["rz", "sx", "x", basis],
  couplingMap: Array.from({ length: n - 1 }, (_, i) => [i, i + 1] as [number, number]),
});
