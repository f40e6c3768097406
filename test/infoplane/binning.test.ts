import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  binnedLayerInformation,
  equalFrequencyBins,
  equalWidthBins,
} from "../../src/infoplane/binning.js";
import { informationPlane } from "../../src/infoplane/mutual-information.js";
import { expectPlaneNear, H2 } from "./reference.js";

function binSizes(labels: Int32Array): number[] {
  const sizes: number[] = [];
  for (const label of labels) sizes[label] = (sizes[label] ?? 0) + 1;
  return sizes;
}

describe("equal-frequency bins", () => {
  it("puts 16 distinct values into 8 bins of 2, in value order", () => {
    const values = [9, 3, 15, 0, 12, 6, 1, 14, 4, 8, 11, 2, 13, 5, 10, 7].map((v) => v * 0.37 - 2);
    const labels = equalFrequencyBins(values);
    expect(binSizes(labels)).toEqual([2, 2, 2, 2, 2, 2, 2, 2]);
    values.forEach((v, i) => {
      // value k (0..15 before scaling) belongs in bin ⌊k/2⌋
      expect(labels[i]).toBe(Math.floor(Math.round((v + 2) / 0.37) / 2));
    });
  });

  it("keeps ties together and drops the bins a tie group swallows", () => {
    // five zeros then 1..11 (16 values, 12 distinct, 8 bins): ranks of the zeros [0, 5) have
    // middle bin ⌊8·5/32⌋ = 1; ranks 5..15 go to bins 2,3,3,4,4,5,5,6,6,7,7 → 7 bins
    const values = [0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    const labels = equalFrequencyBins(values, 8);
    expect(Array.from(labels)).toEqual([0, 0, 0, 0, 0, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]);
  });

  it("gives each distinct value its own bin when there are fewer than B", () => {
    expect(Array.from(equalFrequencyBins([5, 5, 3, 3, 3, 9]))).toEqual([1, 1, 0, 0, 0, 2]);
    // one rare value next to a big tie group still keeps its own bin
    const values = [1, 2, ...new Array<number>(14).fill(3)];
    expect(Array.from(equalFrequencyBins(values, 8))).toEqual([0, 1, ...new Array(14).fill(2)]);
    expect(Array.from(equalFrequencyBins([4, 4, 4]))).toEqual([0, 0, 0]);
  });

  it("splits N not divisible by B as evenly as ranks allow", () => {
    const labels = equalFrequencyBins([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 4);
    // middle-rank rule ⌊4(2r+1)/20⌋
    expect(binSizes(labels)).toEqual([2, 3, 2, 3]);
  });

  it("is monotone, keeps ties, and uses every label 0..B'−1 with B' ≤ B", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.integer({ min: -6, max: 6 }).map((k) => k / 4),
          { minLength: 1, maxLength: 60 },
        ),
        fc.integer({ min: 1, max: 10 }),
        (values, bins) => {
          const labels = equalFrequencyBins(values, bins);
          const used = new Set(labels);
          const distinct = new Set(values).size;
          expect(used.size).toBeLessThanOrEqual(bins);
          expect([...used].sort((a, b) => a - b)).toEqual([...Array(used.size).keys()]);
          if (distinct <= bins) expect(used.size).toBe(distinct);
          for (let i = 0; i < values.length; i++) {
            for (let j = 0; j < values.length; j++) {
              if (values[i] === values[j]) expect(labels[i]).toBe(labels[j]);
              if (values[i]! < values[j]!) expect(labels[i]!).toBeLessThanOrEqual(labels[j]!);
            }
          }
        },
      ),
    );
  });

  it("rejects bad input", () => {
    expect(() => equalFrequencyBins([])).toThrow(/empty/);
    expect(() => equalFrequencyBins([1, Number.NaN])).toThrow(/value \[1\]/);
    expect(() => equalFrequencyBins([1, 2], 0)).toThrow(/bins/);
  });
});

describe("equal-width bins", () => {
  it("covers [min, max] with B bins, the maximum in the last one", () => {
    expect(Array.from(equalWidthBins([0, 0.25, 0.5, 0.75, 1], 4))).toEqual([0, 1, 2, 3, 3]);
    expect(Array.from(equalWidthBins([3, 1, 2], 2))).toEqual([1, 0, 1]);
    expect(Array.from(equalWidthBins([-1, -0.5, 0, 0.49, 1], 4, "tanh"))).toEqual([0, 1, 2, 2, 3]);
  });

  it("handles constant values, one bin, out-of-range values and empty input", () => {
    expect(Array.from(equalWidthBins([2, 2, 2], 5))).toEqual([0, 0, 0]);
    expect(Array.from(equalWidthBins([0, 5, -3], 1))).toEqual([0, 0, 0]);
    expect(Array.from(equalWidthBins([-2, 0.1, 7], 10, "tanh"))).toEqual([0, 5, 9]);
    expect(Array.from(equalWidthBins([0, 10], 2, { min: 2, max: 4 }))).toEqual([0, 1]);
    expect(Array.from(equalWidthBins([0, 10], 2, { min: 3, max: 3 }))).toEqual([0, 0]);
    expect(equalWidthBins([], 3)).toHaveLength(0);
  });

  it("rejects bad input", () => {
    expect(() => equalWidthBins([0, Number.POSITIVE_INFINITY], 3)).toThrow(/value \[1\]/);
    expect(() => equalWidthBins([0, 1], 0)).toThrow(/bins/);
    expect(() => equalWidthBins([0, 1], 2, { min: 1, max: 0 })).toThrow(/min ≤ max/);
  });
});

describe("binned hidden layer (classical baseline)", () => {
  it("one unit whose bins are the classes: every quantity is one bit", () => {
    const point = binnedLayerInformation(Float64Array.of(0, 0.1, 0.9, 1), [0, 0, 1, 1], 2, 2);
    expect(point.ht).toBe(1);
    expect(point.ixt).toBeCloseTo(1, 15);
    expect(point.ity).toBeCloseTo(1, 15);
    expect(point.hy).toBe(1);
  });

  it("two units: symbols are whole binned vectors", () => {
    // rows (0,0), (0,0), (1,1), (0,0) with labels 0,1,1,0 → symbols s0 ×3, s1 ×1
    // H(T) = I(X;T) = H2(¼); p(t|y=0) = [1, 0], p(t|y=1) = [½, ½] → H(T|Y) = ½
    // I(T;Y) = H2(¼) − ½ = 0.311278…
    const activations = Float64Array.of(0, 0, 0, 0, 1, 1, 0, 0);
    const point = binnedLayerInformation(activations, [0, 1, 1, 0], 2, 30);
    expect(point.ht).toBeCloseTo(H2(0.25), 15);
    expect(point.ixt).toBeCloseTo(H2(0.25), 15);
    expect(point.ity).toBeCloseTo(H2(0.25) - 0.5, 15);
    expect(point.hy).toBe(1);
    // all four distinct → H(T) = 2, and T determines Y
    const distinct = binnedLayerInformation(
      Float64Array.of(0, 0, 0, 1, 1, 0, 1, 1),
      [0, 1, 1, 0],
      2,
      2,
    );
    expect(distinct.ixt).toBeCloseTo(2, 15);
    expect(distinct.ity).toBeCloseTo(1, 15);
  });

  it("the range choice matters: observed [min, max] resolves small activations, tanh [−1, 1] does not", () => {
    const activations = Float64Array.from({ length: 16 }, (_, i) => (i - 7.5) / 100);
    const labels = Array.from({ length: 16 }, (_, i) => (i < 8 ? 0 : 1));
    const observed = binnedLayerInformation(activations, labels, 2, 30);
    const tanh = binnedLayerInformation(activations, labels, 2, 30, "tanh");
    expect(observed.ht).toBe(4); // 16 values spread over 30 bins: all distinct
    // [−0.075, 0.075] on bins of width 1/15: bins 13, 14, 15, 16 → fewer symbols
    expect(tanh.ht).toBeLessThan(2.01);
    expect(tanh.ht).toBeGreaterThan(1);
  });

  it("agrees with the exact computation on the one-hot table of its symbols, invariants exact", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }).chain((units) =>
          fc.record({
            units: fc.constant(units),
            rows: fc.array(
              fc.tuple(
                fc.array(fc.integer({ min: -4, max: 4 }), { minLength: units, maxLength: units }),
                fc.integer({ min: 0, max: 2 }),
              ),
              { minLength: 1, maxLength: 25 },
            ),
            bins: fc.integer({ min: 1, max: 6 }),
          }),
        ),
        ({ units, rows, bins }) => {
          const activations = Float64Array.from(
            rows.flatMap(([a]) => a.map((v) => Math.tanh(v / 3))),
          );
          const labels = rows.map(([, y]) => y);
          const point = binnedLayerInformation(activations, labels, 3, bins);
          // independent symbol map: binned vectors as strings
          const codes = equalWidthBins(activations, bins);
          const keys = rows.map((_, i) =>
            Array.from(codes.subarray(i * units, (i + 1) * units)).join(","),
          );
          const symbols = [...new Set(keys)];
          const table = new Float64Array(rows.length * symbols.length);
          keys.forEach((key, i) => {
            table[i * symbols.length + symbols.indexOf(key)] = 1;
          });
          const reference = informationPlane(table, symbols.length, labels, { classes: 3 });
          expectPlaneNear(point, reference, ["ixt", "ity", "ht"]);
          expect(Math.abs(point.ixt - point.ht)).toBeLessThan(1e-12);
          expect(Math.abs(point.hy - reference.hy)).toBeLessThan(1e-15);
          expect(point.ity).toBeGreaterThanOrEqual(0);
          expect(point.ity).toBeLessThanOrEqual(point.ixt);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("rejects mismatched shapes and labels", () => {
    expect(() => binnedLayerInformation(Float64Array.of(1, 2, 3), [0, 1], 2)).toThrow(/rows/);
    expect(() => binnedLayerInformation(Float64Array.of(1, 2), [0, 2], 2)).toThrow(/label \[1\]/);
    expect(() => binnedLayerInformation(Float64Array.of(), [], 2)).toThrow(/at least one/);
  });
});
