import { describe, expect, it } from "vitest";
import { entanglingPairs } from "../../../src/circuits/ansatz.js";
import { CircuitBuilder } from "../../../src/circuits/ir.js";
import { chooseLayout, type Target, transpile } from "../../../src/circuits/transpile/index.js";
import { heavyHex } from "./coupling-maps.js";

const lattice = heavyHex(7, 15);
const latticeTarget = (extra: Partial<Target> = {}): Target => ({
  numQubits: lattice.numQubits,
  basisGates: ["rz", "sx", "x", "cz"],
  couplingMap: lattice.pairs,
  ...extra,
});

/** `layers` layers of Hadamards and CNOTs on the entangler's pairs, then measurement. */
function entangler(qubits: number, kind: "linear" | "ring" | "full", layers: number) {
  const b = new CircuitBuilder(qubits);
  for (let l = 0; l < layers; l++) {
    for (let q = 0; q < qubits; q++) b.add("h", [q]);
    for (const [a, c] of entanglingPairs(qubits, kind)) b.add("cx", [a, c]);
  }
  return b.measureAll().build();
}

const coupled = (a: number, b: number): boolean =>
  lattice.pairs.some(([p, q]) => (p === a && q === b) || (p === b && q === a));

describe("layout on a 129-qubit heavy-hex lattice", () => {
  it("builds the lattice with 12-qubit hexagons", () => {
    expect(lattice.numQubits).toBe(129);
    expect(lattice.pairs).toHaveLength(7 * 14 + 6 * 4 * 2);
  });

  it("embeds a ring of 12 on a hexagon with 0 SWAPs", () => {
    const result = transpile(entangler(12, "ring", 2), latticeTarget());
    expect(result.swaps).toBe(0);
    for (const [a, b] of entanglingPairs(12, "ring")) {
      expect(coupled(result.layout[a]!, result.layout[b]!)).toBe(true);
    }
  });

  it("embeds a 4-qubit linear chain with 0 SWAPs", () => {
    const result = transpile(entangler(4, "linear", 3), latticeTarget());
    expect(result.swaps).toBe(0);
  });

  it("puts the ring of 12 on the best-calibrated hexagon, not the first one found", () => {
    // every qubit reads out badly except those of the hexagon of rows 2–3, columns 4–8
    const hexagon = [34, 35, 36, 37, 38, 49, 50, 51, 52, 53, 114, 115].sort((a, b) => a - b);
    const readoutError = Array.from({ length: 129 }, (_, q) => (hexagon.includes(q) ? 0.01 : 0.1));
    const layout = chooseLayout(entangler(12, "ring", 1), latticeTarget({ readoutError }));
    expect([...layout].sort((a, b) => a - b)).toEqual(hexagon);
  });

  it("routes a 6-ring (no 6-cycle exists) with a bounded number of SWAPs", () => {
    // measured: 4 / 9 / 15 SWAPs for 1 / 2 / 3 layers, the best SABRE achieves from any
    // placement on a hexagon's 12 qubits (exhaustive over all 665 280 placements)
    const swaps = [1, 2, 3].map(
      (layers) => transpile(entangler(6, "ring", layers), latticeTarget()).swaps,
    );
    expect(swaps[0]).toBeLessThanOrEqual(4);
    expect(swaps[1]).toBeLessThanOrEqual(9);
    expect(swaps[2]).toBeLessThanOrEqual(15);
  });
});
