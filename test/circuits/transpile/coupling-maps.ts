/** Coupling maps of small test devices, as lists of coupled [a, b] qubit pairs. */

export type Pair = [number, number];

/** Qubits 0–1–…–(n−1) on a line. */
export const line = (n: number): Pair[] =>
  Array.from({ length: n - 1 }, (_, i) => [i, i + 1] as Pair);

/** The line of n qubits closed into a ring. */
export const ring = (n: number): Pair[] => [...line(n), [n - 1, 0]];

/** A heavy-hex-like fragment: a 5-qubit row with a 2-qubit spur from its middle. */
export const HEAVY_HEX7: readonly Pair[] = [
  [0, 1],
  [1, 2],
  [2, 3],
  [3, 4],
  [2, 5],
  [5, 6],
];

/** Every pair in both directions (a two-qubit gate that works either way round). */
export const bothWays = (pairs: readonly Pair[]): Pair[] =>
  pairs.flatMap(([a, b]): Pair[] => [
    [a, b],
    [b, a],
  ]);

/**
 * A heavy-hex lattice (IBM Eagle-style): `rows` rows of `width` qubits on lines, joined by
 * bridge qubits every 4 columns, alternately at columns 0, 4, 8, … and 2, 6, 10, …, so
 * every hexagon (shortest cycle) has 12 qubits. 7 rows of 15 give 105 + 6·4 = 129 qubits
 * (Eagle's 127 without its two corner qubits). Row qubits come first, then the bridges.
 */
export function heavyHex(rows: number, width: number): { numQubits: number; pairs: Pair[] } {
  const pairs: Pair[] = [];
  const at = (row: number, col: number): number => row * width + col;
  for (let row = 0; row < rows; row++) {
    for (let col = 0; col + 1 < width; col++) pairs.push([at(row, col), at(row, col + 1)]);
  }
  let next = rows * width;
  for (let row = 0; row + 1 < rows; row++) {
    for (let col = row % 2 === 0 ? 0 : 2; col < width; col += 4) {
      pairs.push([at(row, col), next], [next, at(row + 1, col)]);
      next++;
    }
  }
  return { numQubits: next, pairs };
}
