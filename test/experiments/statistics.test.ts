import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  bootstrapMedianCi,
  medianInPlace,
  quantileSorted,
  selectInPlace,
} from "../../src/experiments/bootstrap.js";
import {
  holmAdjust,
  medianOf,
  normalSf,
  pairedComparison,
  wilcoxonSignedRank,
} from "../../src/experiments/statistics.js";
import { createRng } from "../../src/random/rng.js";
import { createGaussian, shuffleInPlace, uniformIndex } from "../../src/random/sampling.js";

/** Written by test/fixtures/statistics/generate.py with Debian's python3-scipy 1.10.1. */
interface WilcoxonFixture {
  readonly scipy: string;
  readonly wilcoxon: readonly {
    readonly name: string;
    readonly differences: number[];
    readonly method: "exact" | "approx";
    readonly n: number;
    readonly statistic: number | null;
    readonly p: number | null;
    readonly error?: string;
  }[];
  readonly normalSf: readonly { readonly z: number; readonly sf: number }[];
}

const fixture = JSON.parse(
  readFileSync(new URL("../fixtures/statistics/wilcoxon.json", import.meta.url), "utf8"),
) as WilcoxonFixture;

/** Two-sided exact p by brute force over all 2^n sign flips of the mid-ranks, SciPy 1.10's rule. */
function bruteForceP(differences: readonly number[]): number {
  const nonZero = differences.filter((d) => d !== 0);
  const n = nonZero.length;
  const magnitudes = nonZero.map(Math.abs);
  const sorted = [...magnitudes].sort((a, b) => a - b);
  const midRank = (m: number) => (sorted.indexOf(m) + 1 + sorted.lastIndexOf(m) + 1) / 2;
  const observed = Math.trunc(
    nonZero.reduce((sum, d, i) => sum + (d > 0 ? midRank(magnitudes[i]!) : 0), 0),
  );
  // The null distribution of SciPy 1.10 is that of integer ranks 1..n, ties or not.
  const top = (n * (n + 1)) / 2;
  if (observed === Math.floor(top / 2)) return 1;
  let atMost = 0;
  let atLeast = 0;
  for (let mask = 0; mask < 2 ** n; mask++) {
    let rankPlus = 0;
    for (let k = 0; k < n; k++) if (mask & (1 << k)) rankPlus += k + 1;
    if (rankPlus <= observed) atMost++;
    if (rankPlus >= observed) atLeast++;
  }
  return Math.min(1, (2 * Math.min(atMost, atLeast)) / 2 ** n);
}

describe("wilcoxonSignedRank", () => {
  it("uses fixtures from SciPy 1.10", () => {
    expect(fixture.scipy).toMatch(/^1\.10\./);
    expect(fixture.wilcoxon.length).toBeGreaterThanOrEqual(30);
  });

  for (const reference of fixture.wilcoxon) {
    it(`equals scipy.stats.wilcoxon: ${reference.name}`, () => {
      const result = wilcoxonSignedRank(reference.differences);
      expect(result.n).toBe(reference.n);
      expect(result.method).toBe(reference.method);
      if (reference.error !== undefined) {
        // SciPy 1.10 raises when every difference is zero; qplane's convention is p = 1.
        expect(reference.error).toMatch(/zero for all elements/);
        expect(result).toEqual({ statistic: 0, p: 1, n: 0, method: "approx" });
      } else if (reference.p === null) {
        expect(reference.differences).toHaveLength(0);
        expect(result.statistic).toBeNaN();
        expect(result.p).toBeNaN();
      } else {
        expect(result.statistic).toBe(reference.statistic);
        expect(Math.abs(result.p - reference.p)).toBeLessThanOrEqual(1e-9);
        // Far tighter in practice: relative agreement to rounding.
        expect(Math.abs(result.p - reference.p)).toBeLessThanOrEqual(1e-12 * reference.p);
      }
    });
  }

  it("matches brute-force enumeration of sign flips (n ≤ 12, ties included)", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.integer({ min: -6, max: 6 }).filter((d) => d !== 0),
          { minLength: 1, maxLength: 12 },
        ),
        (differences) => {
          const result = wilcoxonSignedRank(differences);
          expect(result.method).toBe("exact");
          expect(Math.abs(result.p - bruteForceP(differences))).toBeLessThanOrEqual(1e-15);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("is invariant to order and positive scale, and (without ties) to a sign flip", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.double({ min: -100, max: 100, noNaN: true }), {
          minLength: 1,
          maxLength: 70,
          comparator: (a, b) => Math.abs(a) === Math.abs(b),
        }),
        fc.integer({ min: 0, max: 1000 }),
        (differences, seed) => {
          const base = wilcoxonSignedRank(differences);
          const shuffled = shuffleInPlace([...differences], createRng(seed));
          expect(wilcoxonSignedRank(shuffled)).toEqual(base);
          const scaled = wilcoxonSignedRank(differences.map((d) => d * 8));
          expect(scaled).toEqual(base);
          const flipped = wilcoxonSignedRank(differences.map((d) => -d));
          expect(flipped.statistic).toBe(base.statistic);
          expect(flipped.p).toBeCloseTo(base.p, 14);
          expect(base.p).toBeGreaterThan(0);
          expect(base.p).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("refuses non-finite differences, naming the index and value", () => {
    expect(() => wilcoxonSignedRank([1, Number.NaN])).toThrow(
      /wilcoxon differences\[1\]: NaN is not a finite number/,
    );
  });
});

describe("normalSf", () => {
  for (const { z, sf } of fixture.normalSf) {
    it(`equals scipy.stats.norm.sf(${z})`, () => {
      expect(Math.abs(normalSf(z) - sf)).toBeLessThanOrEqual(1e-13 * sf);
    });
  }
});

function expectAllClose(actual: readonly number[], expected: readonly number[]): void {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((value, i) => {
    expect(actual[i]).toBeCloseTo(value, 15);
  });
}

describe("holmAdjust", () => {
  it("gives hand-computed step-down values in input order", () => {
    // Sorted 0.005, 0.01, 0.03, 0.04 → ×4, ×3, ×2, ×1 = 0.02, 0.03, 0.06, 0.04 → running max.
    const adjusted = holmAdjust([0.01, 0.04, 0.03, 0.005]);
    expectAllClose(adjusted, [0.03, 0.06, 0.06, 0.02]);
    // statsmodels multipletests([.01, .02, .03, .04, .05], method="holm") by hand:
    // 0.05, 0.08, 0.09, max(0.09, 0.08), max(0.09, 0.05).
    const five = holmAdjust([0.01, 0.02, 0.03, 0.04, 0.05]);
    expectAllClose(five, [0.05, 0.08, 0.09, 0.09, 0.09]);
  });

  it("caps at 1 and keeps ties equal", () => {
    expect(holmAdjust([0.5, 0.2, 0.9])).toEqual([1, 0.6000000000000001, 1]);
    expect(holmAdjust([0.02, 0.02, 0.3])).toEqual([0.06, 0.06, 0.3]);
    expect(holmAdjust([0.7])).toEqual([0.7]);
    expect(holmAdjust([])).toEqual([]);
  });

  it("is monotone in the raw p-values, between p and min(1, m·p)", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 30 }), (p) => {
        const adjusted = holmAdjust(p);
        const m = p.length;
        p.forEach((pi, i) => {
          expect(adjusted[i]).toBeGreaterThanOrEqual(pi);
          expect(adjusted[i]).toBeLessThanOrEqual(Math.min(1, m * pi));
          p.forEach((pj, j) => {
            if (pi <= pj) expect(adjusted[i]).toBeLessThanOrEqual(adjusted[j]!);
          });
        });
      }),
    );
  });

  it("refuses values that are not p-values", () => {
    expect(() => holmAdjust([0.1, 1.5])).toThrow(/holm pValues\[1\]: 1.5 is not a p-value/);
  });
});

describe("medianOf and selection", () => {
  it("gives known medians", () => {
    expect(medianOf([3])).toBe(3);
    expect(medianOf([5, 1, 3])).toBe(3);
    expect(medianOf([4, 1, 3, 2])).toBe(2.5);
    expect(medianOf([-1, -1, 7, 7, 7, -1])).toBe(3);
    expect(() => medianOf([])).toThrow(/median values: none given/);
  });

  it("agrees with sorting, and quickselect places the k-th smallest", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 60 }),
        fc.nat(),
        (values, pick) => {
          const sorted = [...values].sort((a, b) => a - b);
          const n = values.length;
          const expected = n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
          expect(medianOf(values)).toBe(expected);
          const k = pick % n;
          const scratch = Float64Array.from(values);
          expect(selectInPlace(scratch, n, k)).toBe(sorted[k]);
          for (let i = 0; i < n; i++) {
            if (i < k) expect(scratch[i]).toBeLessThanOrEqual(sorted[k]!);
            if (i > k) expect(scratch[i]).toBeGreaterThanOrEqual(sorted[k]!);
          }
        },
      ),
    );
  });

  it("quantileSorted interpolates linearly like numpy.quantile", () => {
    const sorted = Float64Array.from([1, 2, 4, 8, 16]);
    expect(quantileSorted(sorted, 0)).toBe(1);
    expect(quantileSorted(sorted, 1)).toBe(16);
    expect(quantileSorted(sorted, 0.5)).toBe(4);
    expect(quantileSorted(sorted, 0.025)).toBeCloseTo(1.1, 15); // position 0.1
    expect(quantileSorted(sorted, 0.975)).toBeCloseTo(15.2, 13); // position 3.9: 8 + 0.9·8
  });
});

describe("bootstrapMedianCi", () => {
  it("equals a naive sort-based bootstrap on the same draws", () => {
    const differences = [0.4, -0.1, 0.9, 0.3, 0.3, 1.2, -0.6, 0.05, 0.7];
    const rng = createRng(42);
    const medians: number[] = [];
    for (let b = 0; b < 2000; b++) {
      const sample = differences.map(() => differences[uniformIndex(rng, differences.length)]!);
      medians.push(medianOf(sample.sort((x, y) => x - y)));
    }
    medians.sort((x, y) => x - y);
    const at = (q: number) => {
      const position = (medians.length - 1) * q;
      const below = Math.floor(position);
      return medians[below]! + (position - below) * (medians[below + 1]! - medians[below]!);
    };
    const [lo, hi] = bootstrapMedianCi(differences, { seed: 42 });
    expect(lo).toBe(at(0.025));
    expect(hi).toBe(at(0.975));
    expect(lo).toBeLessThan(medianOf(differences));
    expect(hi).toBeGreaterThan(medianOf(differences));
  });

  it("is reproducible from the seed and degenerate for constant data", () => {
    // The draws themselves are pinned by the naive-bootstrap test above.
    const differences = [0.13, -0.41, 0.77, 0.29, 1.31, -0.05, 0.58, 0.92, 0.36, -0.22, 0.64, 0.07];
    const first = bootstrapMedianCi(differences, { seed: 7 });
    expect(bootstrapMedianCi(differences, { seed: 7 })).toEqual(first);
    expect(bootstrapMedianCi(Float64Array.from(differences), { seed: 7 })).toEqual(first);
    expect(bootstrapMedianCi([0.25, 0.25, 0.25], { seed: 1 })).toEqual([0.25, 0.25]);
    expect(bootstrapMedianCi([-3], { seed: 1, resamples: 5000, level: 0.9 })).toEqual([-3, -3]);
  });

  it("refuses too few resamples, bad levels and empty or non-finite data", () => {
    expect(() => bootstrapMedianCi([1, 2], { seed: 1, resamples: 1999 })).toThrow(
      /bootstrap resamples: 1999, but at least 2000/,
    );
    expect(() => bootstrapMedianCi([1, 2], { seed: 1, level: 1 })).toThrow(/bootstrap level: 1/);
    expect(() => bootstrapMedianCi([], { seed: 1 })).toThrow(/bootstrap differences: none/);
    expect(() => bootstrapMedianCi([1, Infinity], { seed: 1 })).toThrow(
      /bootstrap differences\[1\]: Infinity/,
    );
  });

  it("covers a known median shift 95 % ± 3 % of the time (1000 paired experiments, n = 20)", () => {
    const experiments = 1000;
    const n = 20;
    const shift = 0.3;
    const started = performance.now();
    let covered = 0;
    const differences = new Float64Array(n);
    for (let experiment = 0; experiment < experiments; experiment++) {
      const gaussian = createGaussian(createRng(1_000_000 + experiment));
      for (let i = 0; i < n; i++) differences[i] = shift + gaussian();
      const [lo, hi] = bootstrapMedianCi(differences, { seed: experiment, resamples: 2000 });
      if (lo <= shift && shift <= hi) covered++;
    }
    const coverage = covered / experiments;
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `[measured] bootstrap median CI coverage ${coverage.toFixed(3)} over ${experiments} experiments ` +
        `(n = ${n}, N(${shift}, 1), 2000 resamples) in ${seconds.toFixed(2)} s`,
    );
    expect(coverage).toBeGreaterThanOrEqual(0.92);
    expect(coverage).toBeLessThanOrEqual(0.98);
  }, 30_000);
});

describe("pairedComparison", () => {
  const pairs = [
    { seed: 3, value: 0.9, baselineValue: 0.8 },
    { seed: 1, value: 0.85, baselineValue: 0.85 },
    { seed: 2, value: 0.7, baselineValue: 0.9 },
    { seed: 5, value: 0.95, baselineValue: 0.6 },
    { seed: 4, value: 0.9, baselineValue: 0.75 },
  ];

  it("reports n, median difference, bootstrap CI and Wilcoxon p over the seed-sorted pairs", () => {
    const result = pairedComparison({ pairs, seed: 11 });
    const sortedDifferences = [0, -0.2, 0.1, 0.15, 0.35].map((d, i) => {
      const pair = [...pairs].sort((a, b) => a.seed - b.seed)[i]!;
      expect(pair.value - pair.baselineValue).toBeCloseTo(d, 12);
      return pair.value - pair.baselineValue;
    });
    expect(result.n).toBe(5);
    expect(result.pairs.map((pair) => pair.seed)).toEqual([1, 2, 3, 4, 5]);
    expect(result.medianDiff).toBeCloseTo(0.1, 12);
    expect(result.ci95).toEqual(
      bootstrapMedianCi(Float64Array.from(sortedDifferences), { seed: 11 }),
    );
    // One zero dropped → normal approximation on 4: |d| ranks 0.1→1, 0.15→2, 0.2→3, 0.35→4;
    // R− = 3, T = 3, mean 5, σ = √(4·5·9/24) = √7.5, p = 2·P(Z > 2/√7.5).
    expect(result.wilcoxonP).toBeCloseTo(2 * normalSf(2 / Math.sqrt(7.5)), 15);
    expect(result.wilcoxonP).toBeCloseTo(0.4652088184521418, 12);
  });

  it("does not depend on the order of the pairs", () => {
    const reversed = pairedComparison({ pairs: [...pairs].reverse(), seed: 11 });
    expect(reversed).toEqual(pairedComparison({ pairs, seed: 11 }));
  });

  it("gives p = 1 and a zero CI when every pair is equal", () => {
    const equal = [1, 2, 3].map((seed) => ({ seed, value: 0.5, baselineValue: 0.5 }));
    expect(pairedComparison({ pairs: equal, seed: 1 })).toMatchObject({
      n: 3,
      medianDiff: 0,
      ci95: [0, 0],
      wilcoxonP: 1,
    });
  });

  it("refuses no pairs, repeated seeds and non-finite values", () => {
    expect(() => pairedComparison({ pairs: [], seed: 1 })).toThrow(/comparison pairs: none/);
    expect(() =>
      pairedComparison({ pairs: [pairs[0]!, { ...pairs[1]!, seed: 3 }], seed: 1 }),
    ).toThrow(/seed 3 appears twice/);
    expect(() =>
      pairedComparison({ pairs: [{ seed: 1, value: Number.NaN, baselineValue: 0 }], seed: 1 }),
    ).toThrow(/\(seed 1\)\.value: NaN is not finite/);
  });
});

describe("medianInPlace", () => {
  it("handles long runs of equal values (partition stops on the pivot)", () => {
    const values = new Float64Array(1001).fill(2);
    values[17] = -5;
    values[900] = 9;
    expect(medianInPlace(values, values.length)).toBe(2);
  });
});
