/**
 * Textbook information-plane formulas, written independently of src/infoplane: mutual
 * information from joint tables, Σ p(a,b) log2 p(a,b)/(p(a)p(b)), and entropies as
 * −Σ p log2 p. Also random tables and states for property tests.
 */
import fc from "fast-check";
import { expect } from "vitest";

export function textbookEntropy(p: readonly number[]): number {
  return p.reduce((h, v) => (v > 0 ? h - v * Math.log2(v) : h), 0);
}

/** I(A;B) of a joint table joint[a][b]. */
export function textbookMutualInformation(joint: readonly (readonly number[])[]): number {
  const pa = joint.map((row) => row.reduce((s, v) => s + v, 0));
  const pb = joint[0]!.map((_, b) => joint.reduce((s, row) => s + row[b]!, 0));
  let info = 0;
  joint.forEach((row, a) => {
    row.forEach((v, b) => {
      if (v > 0) info += v * Math.log2(v / (pa[a]! * pb[b]!));
    });
  });
  return info;
}

/** {ixt, ity, ht, hy} from the joints p(x,t) = p(t|x)/N and p(y,t) = Σ_{i∈y} p(t|x_i)/N. */
export function textbookPlane(
  rows: readonly (readonly number[])[],
  labels: readonly number[],
  classes: number,
) {
  const n = rows.length;
  const m = rows[0]!.length;
  const jointXT = rows.map((row) => row.map((v) => v / n));
  const jointYT = Array.from({ length: classes }, () => new Array<number>(m).fill(0));
  rows.forEach((row, i) => {
    row.forEach((v, t) => {
      jointYT[labels[i]!]![t]! += v / n;
    });
  });
  const pt = Array.from({ length: m }, (_, t) => rows.reduce((s, row) => s + row[t]! / n, 0));
  const py = Array.from({ length: classes }, (_, y) => labels.filter((l) => l === y).length / n);
  return {
    ixt: textbookMutualInformation(jointXT),
    ity: textbookMutualInformation(jointYT),
    ht: textbookEntropy(pt),
    hy: textbookEntropy(py),
  };
}

type PlaneField = "ixt" | "ity" | "ht" | "hy";

/** Expects each of `fields` of `actual` within 1e-12 of `expected`'s. */
export function expectPlaneNear(
  actual: Readonly<Record<PlaneField, number>>,
  expected: Readonly<Record<PlaneField, number>>,
  fields: readonly PlaneField[] = ["ixt", "ity", "ht", "hy"],
): void {
  for (const field of fields) {
    expect(Math.abs(actual[field] - expected[field]), field).toBeLessThan(1e-12);
  }
}

export function flatten(rows: readonly (readonly number[])[]): Float64Array {
  return Float64Array.from(rows.flat());
}

export interface RandomTable {
  readonly rows: number[][];
  readonly labels: number[];
  readonly classes: number;
}

/** N rows of M `cell`s, each row passed through `finish`, with N labels in 0..C−1. */
function labelledRows(
  sizes: { maxSamples: number; maxOutcomes: number; maxClasses: number },
  cell: fc.Arbitrary<number>,
  finish: (row: number[]) => number[],
): fc.Arbitrary<RandomTable> {
  return fc
    .record({
      n: fc.integer({ min: 1, max: sizes.maxSamples }),
      m: fc.integer({ min: 1, max: sizes.maxOutcomes }),
      classes: fc.integer({ min: 1, max: sizes.maxClasses }),
    })
    .chain(({ n, m, classes }) =>
      fc.record({
        rows: fc.array(fc.array(cell, { minLength: m, maxLength: m }), {
          minLength: n,
          maxLength: n,
        }),
        labels: fc.array(fc.integer({ min: 0, max: classes - 1 }), {
          minLength: n,
          maxLength: n,
        }),
        classes: fc.constant(classes),
      }),
    )
    .map(({ rows, labels, classes }) => ({ rows: rows.map(finish), labels, classes }));
}

/** The first outcome certain: what an empty row stands for. */
const firstOutcome = (row: number[]) => row.map((_, t) => (t === 0 ? 1 : 0));

/** A random N×M row-stochastic table (often sparse) with labels in 0..C−1. */
export function conditionalTable(
  options: { maxSamples?: number; maxOutcomes?: number; maxClasses?: number } = {},
): fc.Arbitrary<RandomTable> {
  const { maxSamples = 12, maxOutcomes = 8, maxClasses = 4 } = options;
  const cell = fc.oneof(
    { weight: 1, arbitrary: fc.constant(0) },
    {
      weight: 3,
      // subnormals would make the textbook reference divide 0 by 0
      arbitrary: fc
        .double({ min: 0, max: 1, noNaN: true })
        .map((v) => (v < 2.2250738585072014e-308 ? 0 : v)),
    },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 4 }) },
  );
  return labelledRows({ maxSamples, maxOutcomes, maxClasses }, cell, (row) => {
    const sum = row.reduce((s, v) => s + v, 0);
    return sum === 0 ? firstOutcome(row) : row.map((v) => v / sum);
  });
}

/** Shot counts: a table of the same shape. */
export type RandomCounts = RandomTable;

/** A random N×M table of shot counts, every row with at least one shot. */
export function countTable(): fc.Arbitrary<RandomCounts> {
  return labelledRows(
    { maxSamples: 10, maxOutcomes: 8, maxClasses: 4 },
    fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 50 })),
    (row) => (row.every((v) => v === 0) ? firstOutcome(row) : row),
  );
}

/** A random permutation of 0..n−1 as an arbitrary. */
export function permutation(n: number): fc.Arbitrary<number[]> {
  return fc
    .array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n })
    .map((keys) =>
      keys
        .map((k, i) => [k, i] as const)
        .sort((a, b) => a[0] - b[0] || a[1] - b[1])
        .map(([, i]) => i),
    );
}

export interface State {
  readonly re: Float64Array;
  readonly im: Float64Array;
}

/** A random normalised n-qubit state. */
export function randomState(n: number): fc.Arbitrary<State> {
  const dim = 2 ** n;
  return fc
    .array(fc.integer({ min: -1000, max: 1000 }), { minLength: 2 * dim, maxLength: 2 * dim })
    .map((parts) => {
      const re = Float64Array.from(parts.slice(0, dim), (v) => v / 1000);
      const im = Float64Array.from(parts.slice(dim), (v) => v / 1000);
      let norm = 0;
      for (let j = 0; j < dim; j++) norm += re[j]! * re[j]! + im[j]! * im[j]!;
      if (norm === 0) {
        re[0] = 1;
        return { re, im };
      }
      const scale = 1 / Math.sqrt(norm);
      for (let j = 0; j < dim; j++) {
        re[j]! *= scale;
        im[j]! *= scale;
      }
      return { re, im };
    });
}

export const H2 = (p: number): number => textbookEntropy([p, 1 - p]);
