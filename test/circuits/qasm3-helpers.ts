/**
 * What the parseQasm3 tests share: fixtures, folded arguments, and unitaries compared up to a
 * global phase.
 */
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { type Angle, type Circuit, createCircuit, type Gate } from "../../src/circuits/ir.js";
import { parseQasm3 } from "../../src/circuits/qasm3/parse.js";
import { denseStatevector } from "../helpers/dense-reference.js";

export const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/qasm/${name}`, import.meta.url), "utf8");

/** The argument of the single gate of `input float x; input float y; qubit q; rz(EXPR) q;`. */
export function foldArgument(expression: string, header = ""): Angle {
  const circuit = parseQasm3(
    `${header}input float x;\ninput float y;\nqubit q;\nrz(${expression}) q;`,
  );
  expect(circuit.gates).toHaveLength(1);
  return circuit.gates[0]!.args[0]!;
}

export function expectClose(actual: ArrayLike<number>, expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((value, i) => {
    expect(actual[i]!).toBeCloseTo(value, 12);
  });
}

/** Column k = statevector from |k⟩; complex entries as [re, im]. */
export function unitaryOf(circuit: Circuit): [number, number][][] {
  const dimension = 1 << circuit.numQubits;
  const u: [number, number][][] = Array.from({ length: dimension }, () => []);
  for (let k = 0; k < dimension; k++) {
    const prepare: Gate[] = [];
    for (let q = 0; q < circuit.numQubits; q++)
      if ((k >> q) & 1) prepare.push({ name: "x", qubits: [q], args: [] });
    const state = denseStatevector(
      createCircuit({ ...circuit, gates: [...prepare, ...circuit.gates] }),
    );
    for (let r = 0; r < dimension; r++) u[r]![k] = [state.re[r]!, state.im[r]!];
  }
  return u;
}

/** Asserts actual = e^{iφ}·expected for one φ, and returns φ. */
export function expectEqualUpToPhase(
  actual: [number, number][][],
  expected: [number, number][][],
): number {
  const n = expected.length;
  let best: [number, number] = [0, 0];
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (Math.hypot(...expected[r]![c]!) > Math.hypot(...expected[best[0]]![best[1]]!))
        best = [r, c];
    }
  }
  const [er, ei] = expected[best[0]]![best[1]]!;
  const [ar, ai] = actual[best[0]]![best[1]]!;
  const norm = er * er + ei * ei;
  const phase: [number, number] = [(ar * er + ai * ei) / norm, (ai * er - ar * ei) / norm];
  expect(Math.hypot(...phase)).toBeCloseTo(1, 12);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const [xr, xi] = expected[r]![c]!;
      expect(actual[r]![c]![0]).toBeCloseTo(phase[0] * xr - phase[1] * xi, 12);
      expect(actual[r]![c]![1]).toBeCloseTo(phase[0] * xi + phase[1] * xr, 12);
    }
  }
  return Math.atan2(phase[1], phase[0]);
}

export function identity(n: number): [number, number][][] {
  return Array.from({ length: n }, (_, r) =>
    Array.from({ length: n }, (_, c): [number, number] => [r === c ? 1 : 0, 0]),
  );
}

export function permutation(n: number, map: (k: number) => number): [number, number][][] {
  const u = identity(n).map((row) => row.map((): [number, number] => [0, 0]));
  for (let k = 0; k < n; k++) u[map(k)]![k] = [1, 0];
  return u;
}

export function fromFlat(flat: Float64Array): [number, number][][] {
  const n = Math.round(Math.sqrt(flat.length / 2));
  return Array.from({ length: n }, (_, r) =>
    Array.from({ length: n }, (_, c): [number, number] => [
      flat[2 * (r * n + c)]!,
      flat[2 * (r * n + c) + 1]!,
    ]),
  );
}

/** Controlled version (control = qubit 0, low bit) of a 2×2 block, as a 4×4 matrix. */
export function controlled(block: [number, number][][]): [number, number][][] {
  const u = identity(4);
  u[1]![1] = block[0]![0]!;
  u[1]![3] = block[0]![1]!;
  u[3]![1] = block[1]![0]!;
  u[3]![3] = block[1]![1]!;
  return u;
}
