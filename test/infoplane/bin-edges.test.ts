import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  applyBins,
  equalFrequencyBins,
  fitEqualFrequencyEdges,
} from "../../src/infoplane/binning.js";

describe("equal-frequency bin edges fitted on one set, applied to others", () => {
  it("known values: 8 values in 4 bins cut at the midpoints between neighbours", () => {
    const values = [5, 1, 7, 3, 2, 8, 6, 4];
    const edges = fitEqualFrequencyEdges(values, 4);
    expect([...edges]).toEqual([2.5, 4.5, 6.5]);
    expect([...applyBins(values, edges)]).toEqual([...equalFrequencyBins(values, 4)]);
    // other values: an edge joins the lower bin, outside the range the end bins
    expect([...applyBins([-100, 2.5, 2.6, 4.5, 6.51, 1e9], edges)]).toEqual([0, 0, 1, 1, 3, 3]);
  });

  it("ties and few distinct values: one bin per distinct value, as equalFrequencyBins", () => {
    const values = [3, 3, 1, 1, 1, 2];
    const edges = fitEqualFrequencyEdges(values, 8);
    expect([...edges]).toEqual([1.5, 2.5]);
    expect([...applyBins(values, edges)]).toEqual([...equalFrequencyBins(values, 8)]);
  });

  it("adjacent doubles: the edge stays below the upper value", () => {
    const low = 1;
    const high = 1 + Number.EPSILON;
    const edges = fitEqualFrequencyEdges([low, high], 2);
    expect([...applyBins([low, high], edges)]).toEqual([0, 1]);
  });

  it("applied to the fitted values, equals equalFrequencyBins bit for bit (property, ties included)", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.double({ min: -1e6, max: 1e6, noNaN: true }),
            fc.integer({ min: -3, max: 3 }), // many ties
          ),
          { minLength: 1, maxLength: 200 },
        ),
        fc.integer({ min: 1, max: 12 }),
        (values, bins) => {
          const edges = fitEqualFrequencyEdges(values, bins);
          expect([...applyBins(values, edges)]).toEqual([...equalFrequencyBins(values, bins)]);
          // ascending, and at most bins − 1 of them
          expect(edges.length).toBeLessThanOrEqual(bins - 1);
          for (let k = 1; k < edges.length; k++) expect(edges[k]!).toBeGreaterThan(edges[k - 1]!);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("refuses non-finite values", () => {
    expect(() => applyBins([0, Number.NaN], new Float64Array([1]))).toThrow(RangeError);
    expect(() => fitEqualFrequencyEdges([], 4)).toThrow(RangeError);
  });
});
