import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  informationPlane,
  informationPlaneFromCounts,
  mutualInformationXT,
} from "../../src/infoplane/mutual-information.js";
import {
  conditionalTable,
  countTable,
  expectPlaneNear,
  flatten,
  H2,
  permutation,
  textbookPlane,
} from "./reference.js";

const LOG2_3 = Math.log2(3);

describe("information plane from exact conditionals: hand-computed tables", () => {
  it("two inputs sent to different outcomes carry one bit about X and Y", () => {
    const point = informationPlane(
      flatten([
        [1, 0],
        [0, 1],
      ]),
      2,
      [0, 1],
    );
    expect(point.ixt).toBeCloseTo(1, 15);
    expect(point.ity).toBeCloseTo(1, 15);
    expect(point.ht).toBe(1);
    expect(point.hy).toBe(1);
  });

  it("two inputs per class with overlapping outcome distributions", () => {
    // x1 → [1, 0], x2 → [½, ½] (class 0); x3 → [½, ½], x4 → [0, 1] (class 1)
    // p(t) = [½, ½] → H(T) = 1; H(T|x) = 0, 1, 1, 0 → mean ½ → I(X;T) = ½
    // p(t|y=0) = [¾, ¼], p(t|y=1) = [¼, ¾] → H(T|Y) = H2(¼) = 2 − ¾log2 3
    // I(T;Y) = 1 − H2(¼) = ¾log2 3 − 1 = 0.188721875…; H(Y) = 1
    const rows = [
      [1, 0],
      [0.5, 0.5],
      [0.5, 0.5],
      [0, 1],
    ];
    const point = informationPlane(flatten(rows), 2, [0, 0, 1, 1]);
    expect(point.ht).toBe(1);
    expect(point.ixt).toBeCloseTo(0.5, 15);
    expect(point.ity).toBeCloseTo(0.75 * LOG2_3 - 1, 15);
    expect(point.ity).toBeCloseTo(0.188721875540867, 14);
    expect(point.hy).toBe(1);
  });

  it("unbalanced classes where T determines Y: I(T;Y) = H(Y)", () => {
    // labels [0,0,0,1], deterministic T: x1,x2 → 0, x3 → 1, x4 → 2
    // p(t) = [½, ¼, ¼] → H(T) = I(X;T) = 1.5
    // H(Y) = H2(¼) = 2 − ¾log2 3; p(t|y=0) = [⅔, ⅓, 0] → H = log2 3 − ⅔; p(t|y=1) = [0,0,1]
    // I(T;Y) = 1.5 − ¾(log2 3 − ⅔) = 2 − ¾log2 3 = H(Y)
    const rows = [
      [1, 0, 0],
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ];
    const point = informationPlane(flatten(rows), 3, [0, 0, 0, 1]);
    expect(point.ht).toBe(1.5);
    expect(point.ixt).toBeCloseTo(1.5, 15);
    expect(point.hy).toBeCloseTo(2 - 0.75 * LOG2_3, 15);
    expect(point.ity).toBeCloseTo(2 - 0.75 * LOG2_3, 15);
  });

  it("a representation that ignores x carries nothing; rounding cannot make that negative", () => {
    // identical rows: the textbook Σ p log(p/q) returns −6.3e-17 for this one (p(t) is a
    // rounded mean of 7 equal rows), and H(T) − mean H(T|x) returns −1.1e-16
    const row = [0.39078017412224114, 0.6092198258777589];
    const rows = Array.from({ length: 7 }, () => row);
    const labels = [0, 1, 0, 1, 1, 0, 2];
    expect(textbookPlane(rows, labels, 3).ixt).toBeLessThan(0);
    const point = informationPlane(flatten(rows), 2, labels);
    expect(point.ixt).toBeGreaterThanOrEqual(0);
    expect(point.ity).toBeGreaterThanOrEqual(0);
    expect(point.ity).toBeLessThanOrEqual(point.ixt);
    expect(point.ixt).toBeLessThan(1e-30);
    expect(mutualInformationXT(flatten(rows), 2)).toBeGreaterThanOrEqual(0);
  });

  it("subnormal probabilities neither underflow into NaN nor break the invariants", () => {
    const rows = [
      [1, 0, 0],
      [0.5, 0.5 - 5e-324, 5e-324],
      [0, 1e-323, 1 - 1e-323],
    ];
    const point = informationPlane(flatten(rows), 3, [0, 0, 1]);
    for (const value of Object.values(point)) expect(Number.isFinite(value)).toBe(true);
    expect(point.ity).toBeGreaterThanOrEqual(0);
    expect(point.ity).toBeLessThanOrEqual(point.ixt);
    // the subnormal entries carry no measurable information: same as with them zeroed
    const clean = informationPlane(
      flatten([
        [1, 0, 0],
        [0.5, 0.5, 0],
        [0, 0, 1],
      ]),
      3,
      [0, 0, 1],
    );
    expect(point.ixt).toBeCloseTo(clean.ixt, 14);
    expect(point.ity).toBeCloseTo(clean.ity, 14);
    expect(point.ht).toBeCloseTo(clean.ht, 14);
  });

  it("mutualInformationXT agrees with the labelled computation", () => {
    const rows = [
      [0.2, 0.3, 0.5],
      [0.6, 0.1, 0.3],
      [0, 0, 1],
    ];
    const expected = textbookPlane(rows, [0, 1, 1], 2).ixt;
    expect(mutualInformationXT(flatten(rows), 3)).toBeCloseTo(expected, 14);
    expect(informationPlane(flatten(rows), 3, [0, 1, 1]).ixt).toBeCloseTo(expected, 14);
  });

  it("rejects malformed tables and labels", () => {
    expect(() => informationPlane(flatten([[0.5, 0.5]]), 3, [0])).toThrow(/rows of 3 outcomes/);
    expect(() => informationPlane(new Float64Array(0), 2, [])).toThrow(RangeError);
    expect(() => informationPlane(flatten([[0.5, 0.6]]), 2, [0])).toThrow(/x_0\) sums to 1.1/);
    expect(() => informationPlane(flatten([[1.5, -0.5]]), 2, [0])).toThrow(/p\(t=1\|x_0\)/);
    expect(() => informationPlane(flatten([[1, 0]]), 2, [0, 1])).toThrow(/expected 1 labels/);
    expect(() => informationPlane(flatten([[1, 0]]), 2, [0.5])).toThrow(/label \[0\]/);
    expect(() => informationPlane(flatten([[1, 0]]), 2, [2], { classes: 2 })).toThrow(
      /label \[0\] must be an integer in 0..1/,
    );
  });

  it("classes with no samples change nothing", () => {
    const rows = [
      [1, 0],
      [0.3, 0.7],
    ];
    const a = informationPlane(flatten(rows), 2, [0, 1]);
    const b = informationPlane(flatten(rows), 2, [0, 3], { classes: 5 });
    expect(b).toEqual(a);
  });
});

describe("information plane from exact conditionals: properties", () => {
  it("agrees with the textbook joint-table formulas to 1e-12", () => {
    fc.assert(
      fc.property(conditionalTable(), ({ rows, labels, classes }) => {
        const m = rows[0]!.length;
        const point = informationPlane(flatten(rows), m, labels, { classes });
        const reference = textbookPlane(rows, labels, classes);
        expectPlaneNear(point, reference);
      }),
      { numRuns: 300 },
    );
  });

  it("0 ≤ I(T;Y) ≤ I(X;T) exactly, ≤ min(log2 N, log2 M) and I(X;T) ≤ H(T), I(T;Y) ≤ H(Y) to 1e-12", () => {
    fc.assert(
      fc.property(conditionalTable({ maxSamples: 20, maxOutcomes: 16 }), ({ rows, labels }) => {
        const n = rows.length;
        const m = rows[0]!.length;
        const { ixt, ity, ht, hy } = informationPlane(flatten(rows), m, labels);
        expect(ity).toBeGreaterThanOrEqual(0);
        expect(ity).toBeLessThanOrEqual(ixt);
        expect(ixt).toBeLessThanOrEqual(Math.min(Math.log2(n), Math.log2(m)) + 1e-12);
        expect(ixt).toBeLessThanOrEqual(ht + 1e-12);
        expect(ity).toBeLessThanOrEqual(hy + 1e-12);
      }),
      { numRuns: 500 },
    );
  });

  it("0 ≤ I(T;Y) ≤ I(X;T) exactly for nearly identical rows", () => {
    // rows a tiny perturbation of one distribution: informations ~1e-20, all rounding noise
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.01, max: 1, noNaN: true }), { minLength: 2, maxLength: 6 }),
        fc.array(fc.tuple(fc.integer({ min: -5, max: 5 }), fc.integer({ min: 0, max: 2 })), {
          minLength: 1,
          maxLength: 9,
        }),
        (base, perturbations) => {
          const sum = base.reduce((s, v) => s + v, 0);
          const m = base.length;
          const rows = perturbations.map(([k]) => {
            const row = base.map((v) => v / sum);
            row[0]! += k * 1e-15;
            row[1]! -= k * 1e-15;
            return row;
          });
          const labels = perturbations.map(([, y]) => y);
          const { ixt, ity } = informationPlane(flatten(rows), m, labels);
          expect(ity).toBeGreaterThanOrEqual(0);
          expect(ity).toBeLessThanOrEqual(ixt);
          expect(ixt).toBeLessThan(1e-20);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("is invariant to relabelling outcomes (permuting columns)", () => {
    fc.assert(
      fc.property(
        conditionalTable().chain((table) =>
          fc.record({ table: fc.constant(table), perm: permutation(table.rows[0]!.length) }),
        ),
        ({ table: { rows, labels, classes }, perm }) => {
          const m = rows[0]!.length;
          const permuted = rows.map((row) => perm.map((t) => row[t]!));
          const a = informationPlane(flatten(rows), m, labels, { classes });
          const b = informationPlane(flatten(permuted), m, labels, { classes });
          expectPlaneNear(a, b, ["ixt", "ity", "ht"]);
          expect(b.hy).toBe(a.hy);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("is invariant to sample order (rows permuted with their labels) and to class names", () => {
    fc.assert(
      fc.property(
        conditionalTable().chain((table) =>
          fc.record({
            table: fc.constant(table),
            rowPerm: permutation(table.rows.length),
            classPerm: permutation(table.classes),
          }),
        ),
        ({ table: { rows, labels, classes }, rowPerm, classPerm }) => {
          const m = rows[0]!.length;
          const a = informationPlane(flatten(rows), m, labels, { classes });
          const b = informationPlane(
            flatten(rowPerm.map((i) => rows[i]!)),
            m,
            rowPerm.map((i) => classPerm[labels[i]!]!),
            { classes },
          );
          expectPlaneNear(a, b);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("information plane from shot counts", () => {
  it("plug-in and Miller–Madow by hand, equal shots", () => {
    // rows [3,1] (y=0) and [1,3] (y=1), 4 shots each: plug-in p = [¾,¼], [¼,¾]
    // H(T) = 1, H(T|x_i) = H2(¼), classes are single rows → I(T;Y) = I(X;T) = 1 − H2(¼)
    // MM: pooled [4,4] over 8 shots, m = 2 → c_T = 1/(16 ln 2); each row (and class):
    // m = 2 over 4 shots → 1/(8 ln 2). So ht += 1/(16 ln 2), ixt and ity −= 1/(16 ln 2).
    const counts = Uint32Array.of(3, 1, 1, 3);
    const plugin = informationPlaneFromCounts(counts, 2, [0, 1]);
    expect(plugin.estimator).toBe("plugin");
    expect(plugin.shots).toBe(8);
    expect(plugin.samples).toBe(2);
    expect(plugin.ht).toBe(1);
    expect(plugin.ixt).toBeCloseTo(1 - H2(0.25), 15);
    expect(plugin.ity).toBeCloseTo(1 - H2(0.25), 15);
    expect(plugin.hy).toBe(1);
    const mm = informationPlaneFromCounts(counts, 2, [0, 1], { estimator: "miller-madow" });
    const c = 1 / (16 * Math.LN2);
    expect(mm.estimator).toBe("miller-madow");
    expect(mm.shots).toBe(8);
    expect(mm.ht).toBeCloseTo(1 + c, 15);
    expect(mm.ixt).toBeCloseTo(1 - H2(0.25) - c, 15);
    expect(mm.ixt).toBeCloseTo(0.0985534354853, 12);
    expect(mm.ity).toBeCloseTo(1 - H2(0.25) - c, 15);
    expect(mm.hy).toBe(1);
  });

  it("Miller–Madow by hand with different shots per sample", () => {
    // A = [2,0] (S=2, y=0), B = [1,3] (S=4, y=0), C = [0,5] (S=5, y=1); p(x) = ⅓
    // plug-in: p(t) = mean of [1,0], [¼,¾], [0,1] = [5/12, 7/12]
    //   I(X;T) = H(5/12) − H2(¼)/3;  p(t|y=0) = [5/8, 3/8] → I(T;Y) = H(5/12) − ⅔H2(3/8)
    //   H(Y) = H2(⅓)
    // MM: pooled [3,8] over 11 shots → c_T = 1/(22 ln 2); rows: A, C one outcome → 0,
    //   B → 1/(8 ln 2), mean 1/(24 ln 2); class 0 pooled [3,3] over 6 → 1/(12 ln 2),
    //   class 1 → 0, weighted ⅔ · 1/(12 ln 2) = 1/(18 ln 2)
    const counts = [2, 0, 1, 3, 0, 5];
    const labels = [0, 0, 1];
    const ht = H2(5 / 12);
    const plugin = informationPlaneFromCounts(counts, 2, labels);
    expect(plugin.shots).toBe(11);
    expect(plugin.ht).toBeCloseTo(ht, 15);
    expect(plugin.ixt).toBeCloseTo(ht - H2(0.25) / 3, 15);
    expect(plugin.ity).toBeCloseTo(ht - (2 / 3) * H2(3 / 8), 15);
    expect(plugin.hy).toBeCloseTo(H2(1 / 3), 15);
    const mm = informationPlaneFromCounts(counts, 2, labels, { estimator: "miller-madow" });
    const L = Math.LN2;
    expect(mm.ht).toBeCloseTo(ht + 1 / (22 * L), 15);
    expect(mm.ixt).toBeCloseTo(ht - H2(0.25) / 3 + 1 / (22 * L) - 1 / (24 * L), 15);
    expect(mm.ity).toBeCloseTo(ht - (2 / 3) * H2(3 / 8) + 1 / (22 * L) - 1 / (18 * L), 15);
    expect(mm.hy).toBeCloseTo(H2(1 / 3), 15);
  });

  it("reports bias-corrected values as computed, negative ones included", () => {
    // two identical rows [1,1]: plug-in I(X;T) = 0; MM: c_T = 1/(8 ln 2), c_i = 1/(4 ln 2)
    const mm = informationPlaneFromCounts([1, 1, 1, 1], 2, [0, 0], { estimator: "miller-madow" });
    expect(mm.ixt).toBeCloseTo(-1 / (8 * Math.LN2), 15);
    expect(mm.ity).toBe(0); // one class: H(T|Y) pools the same counts as H(T)
    expect(mm.ixt).toBeLessThan(mm.ity);
  });

  it("plug-in equals the exact computation on n/S, and keeps 0 ≤ I(T;Y) ≤ I(X;T) exactly", () => {
    fc.assert(
      fc.property(countTable(), ({ rows, labels, classes }) => {
        const n = rows.length;
        const m = rows[0]!.length;
        const point = informationPlaneFromCounts(rows.flat(), m, labels, { classes });
        const frequencies = rows.map((row) => {
          const s = row.reduce((a, b) => a + b, 0);
          return row.map((v) => v / s);
        });
        const reference = textbookPlane(frequencies, labels, classes);
        expectPlaneNear(point, reference, ["ixt", "ity", "ht"]);
        expect(point.shots).toBe(rows.flat().reduce((a, b) => a + b, 0));
        expect(point.ity).toBeGreaterThanOrEqual(0);
        expect(point.ity).toBeLessThanOrEqual(point.ixt);
        expect(point.ixt).toBeLessThanOrEqual(Math.min(Math.log2(n), Math.log2(m)) + 1e-12);
      }),
      { numRuns: 300 },
    );
  });

  it("Miller–Madow is the plug-in value plus the per-term corrections", () => {
    fc.assert(
      fc.property(countTable(), ({ rows, labels, classes }) => {
        const m = rows[0]!.length;
        const n = rows.length;
        const plugin = informationPlaneFromCounts(rows.flat(), m, labels, { classes });
        const mm = informationPlaneFromCounts(rows.flat(), m, labels, {
          classes,
          estimator: "miller-madow",
        });
        const correction = (counts: number[]) => {
          const s = counts.reduce((a, b) => a + b, 0);
          const occupied = counts.filter((v) => v > 0).length;
          return (occupied - 1) / (2 * s * Math.LN2);
        };
        const pool = (subset: number[][]) =>
          subset[0]!.map((_, t) => subset.reduce((a, r) => a + r[t]!, 0));
        const cT = correction(pool(rows));
        const cX = rows.reduce((a, row) => a + correction(row), 0) / n;
        let cY = 0;
        for (let y = 0; y < classes; y++) {
          const members = rows.filter((_, i) => labels[i] === y);
          if (members.length > 0) cY += (members.length / n) * correction(pool(members));
        }
        expect(mm.ht).toBeCloseTo(plugin.ht + cT, 13);
        expect(mm.ixt).toBeCloseTo(plugin.ixt + cT - cX, 13);
        expect(mm.ity).toBeCloseTo(plugin.ity + cT - cY, 13);
        expect(mm.hy).toBe(plugin.hy);
      }),
      { numRuns: 200 },
    );
  });

  it("rejects invalid counts", () => {
    expect(() => informationPlaneFromCounts([1, -1], 2, [0])).toThrow(/n\(t=1\|x_0\)/);
    expect(() => informationPlaneFromCounts([1.5, 1], 2, [0])).toThrow(/non-negative integer/);
    expect(() => informationPlaneFromCounts([1, 1, 0, 0], 2, [0, 1])).toThrow(
      /sample 1 has no shots/,
    );
    expect(() =>
      informationPlaneFromCounts([1, 1], 2, [0], { estimator: "bayes" as "plugin" }),
    ).toThrow(/estimator/);
  });
});
