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
