import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { klDivergenceBits, klPhi } from "../../src/infoplane/divergence.js";
import {
  entropyBits,
  millerMadowCorrectionBits,
  millerMadowEntropyBits,
  occupiedOutcomes,
  pluginEntropyBits,
  totalShots,
} from "../../src/infoplane/entropy.js";

describe("Shannon entropy", () => {
  it("gives known values in bits, with 0·log 0 = 0", () => {
    expect(entropyBits([1])).toBe(0);
    expect(entropyBits([0.5, 0.5])).toBe(1);
    expect(entropyBits([0.25, 0.25, 0.25, 0.25])).toBe(2);
    expect(entropyBits([0.5, 0, 0.25, 0.25, 0])).toBe(1.5);
    // H(1/4, 3/4) = 2 − (3/4) log2 3
    expect(entropyBits([0.25, 0.75])).toBeCloseTo(2 - 0.75 * Math.log2(3), 15);
  });

  it("rejects negative and non-finite probabilities", () => {
    expect(() => entropyBits([1.5, -0.5])).toThrow(/probability \[1\]/);
    expect(() => entropyBits([Number.NaN])).toThrow(RangeError);
    expect(() => entropyBits([Number.POSITIVE_INFINITY])).toThrow(RangeError);
  });

  it("plug-in entropy of counts is H of n/S", () => {
    expect(pluginEntropyBits([12, 0, 4])).toBeCloseTo(entropyBits([0.75, 0, 0.25]), 15);
    expect(pluginEntropyBits(Uint32Array.of(5, 5))).toBe(1);
    expect(pluginEntropyBits([7])).toBe(0);
    expect(() => pluginEntropyBits([0, 0])).toThrow(/at least one shot/);
    expect(() => pluginEntropyBits([1.5, 2])).toThrow(/count \[0\]/);
    expect(() => pluginEntropyBits([3, -1])).toThrow(/count \[1\]/);
  });

  it("Miller–Madow adds (m − 1)/(2 S ln 2) to the plug-in value", () => {
    // counts [3, 1, 0]: S = 4, m = 2; plug-in H(3/4, 1/4) = 2 − (3/4) log2 3 = 0.811278…
    // correction 1/(8 ln 2) = 0.180336…
    const plugin = 2 - 0.75 * Math.log2(3);
    expect(millerMadowEntropyBits([3, 1, 0])).toBeCloseTo(plugin + 1 / (8 * Math.LN2), 14);
    expect(millerMadowEntropyBits([3, 1, 0])).toBeCloseTo(0.99161500457, 10);
    // one occupied outcome: no correction
    expect(millerMadowEntropyBits([0, 9])).toBe(0);
    expect(millerMadowCorrectionBits(4, 10)).toBeCloseTo(3 / (20 * Math.LN2), 15);
    expect(occupiedOutcomes(Uint32Array.of(0, 4, 0, 1))).toBe(2);
    expect(totalShots([2, 0, 5])).toBe(7);
  });
});

describe("KL divergence by non-negative terms", () => {
  it("φ(r) = r ln r − r + 1 matches the direct formula away from 1 and the series near 1", () => {
    for (const r of [
      0, 1e-300, 0.1, 0.5, 0.79, 0.8, 0.9, 0.999, 1, 1.001, 1.1, 1.25, 1.26, 3, 1e6,
    ]) {
      const direct = r === 0 ? 1 : r * Math.log(r) - r + 1;
      expect(klPhi(r)).toBeGreaterThanOrEqual(0);
      expect(Math.abs(klPhi(r) - direct)).toBeLessThanOrEqual(
        4e-16 * Math.max(1, r * Math.log(r || 1)),
      );
    }
    expect(klPhi(1)).toBe(0);
    // near 1: φ(1 + d) ≈ d²/2 − d³/6, far below what the direct formula can resolve
    const d = 1e-9;
    expect(klPhi(1 + d) / ((d * d) / 2)).toBeCloseTo(1, 6);
  });

  it("is never negative, even for r one ulp from 1", () => {
    fc.assert(fc.property(fc.double({ min: 0, max: 1e6, noNaN: true }), (r) => klPhi(r) >= 0));
    const next = 1 + Number.EPSILON;
    expect(klPhi(next)).toBeGreaterThanOrEqual(0);
    expect(klPhi(1 - Number.EPSILON / 2)).toBeGreaterThanOrEqual(0);
    expect(klPhi(1 - 1e-300)).toBe(0);
  });

  it("stays accurate near r = 1, where the direct formula has no correct digits", () => {
    const direct = (r: number) => r * Math.log(r) - r + 1;
    for (const nominal of [1e-9, -1e-9, 3e-7, 1e-4, -0.05, 0.2]) {
      const d = 1 + nominal - 1; // exactly the d of the rounded 1 + d
      const series =
        (d * d) / 2 - (d * d * d) / 6 + (d * d * d * d) / 12 - d ** 5 / 20 + d ** 6 / 30;
      expect(Math.abs(klPhi(1 + d) / series - 1)).toBeLessThan(
        Math.max(1e-12, 2 * Math.abs(d) ** 5),
      );
    }
    // at d = 1e-9 the true value is 5e-19; the direct formula returns 0 or ±1e-16 garbage
    expect(Math.abs(direct(1 + 1e-9) - 5e-19)).toBeGreaterThan(1e-19);
  });

  it("KL(p‖q) in bits", () => {
    // KL([1/2,1/2] ‖ [1/4,3/4]) = ½log2 2 + ½log2(2/3) = 1 − ½log2 3
    expect(klDivergenceBits([0.5, 0.5], [0.25, 0.75])).toBeCloseTo(1 - 0.5 * Math.log2(3), 15);
    expect(klDivergenceBits([0.3, 0.7], [0.3, 0.7])).toBe(0);
    expect(klDivergenceBits([1, 0], [0, 1])).toBe(Number.POSITIVE_INFINITY);
    expect(() => klDivergenceBits([1], [0.5, 0.5])).toThrow(/equal lengths/);
  });
});
