/**
 * Paired statistics for experiments: the Wilcoxon signed-rank test exactly as SciPy 1.10's
 * `scipy.stats.wilcoxon(d)` with default arguments, Holm's step-down adjustment, the median,
 * and {@link pairedComparison}, which the experiment layer calls once per (arm, baseline,
 * metric):
 *
 *   pairedComparison({ pairs: [{ seed, value, baselineValue }, …], seed })
 *     → { n,            number of pairs (zero differences included)
 *         medianDiff,   median of value − baselineValue
 *         ci95: [lo, hi], seeded percentile bootstrap of that median (≥ 2000 resamples)
 *         wilcoxonP,    two-sided signed-rank p-value (1 when every difference is zero)
 *         pairs }       the pairs, sorted by seed
 *
 * Holm across an experiment's comparisons is {@link holmAdjust} over their wilcoxonP.
 * Pairs are sorted by seed before anything is computed, so the answer does not depend on the
 * order in which child runs finished (parallel and serial runs agree to the bit).
 *
 * SciPy 1.10 semantics (scipy/stats/_morestats.py `wilcoxon`, _hypotests.py
 * `_get_wilcoxon_distr`), reproduced here from their description, not their code:
 * - zeros are dropped (zero_method "wilcox"); ranks of |d| are mid-ranks for ties;
 * - statistic T = min(R+, R−), mid-ranks kept (so it may end in .5);
 * - "exact" when no difference is zero and at most 50 remain; ties do NOT switch it off: the
 *   null distribution of R+ for ranks 1..n is used with R+ truncated to an integer, p = 1
 *   when that integer is ⌊n(n+1)/4⌋ (the centre), else p = min(1, 2·min(P(R+ ≤ r),
 *   P(R+ ≥ r)));
 * - otherwise "approx": z = (T − n(n+1)/4) / σ with σ² = [n(n+1)(2n+1) − ½ Σ t(t²−1)] / 24
 *   over tie groups of size t, no continuity correction, p = 2·P(Z > |z|);
 * - every difference zero: SciPy 1.10 raises ValueError; here the convention is statistic 0,
 *   p = 1, n = 0, method "approx" (the branch SciPy takes before raising);
 * - no differences at all: SciPy returns NaN, and so does this (statistic and p NaN, n = 0).
 */
import {
  bootstrapMedianCi,
  invalidStatisticsInput as invalid,
  MIN_BOOTSTRAP_RESAMPLES,
  medianInPlace,
} from "./bootstrap.js";

/** Largest number of differences SciPy 1.10 still tests with the exact null distribution. */
export const WILCOXON_EXACT_MAX_N = 50;

export interface WilcoxonResult {
  /** min(R+, R−), the two-sided statistic of SciPy (mid-ranks, so possibly x.5). */
  readonly statistic: number;
  /** Two-sided p-value. */
  readonly p: number;
  /** Number of non-zero differences (the ones ranked). */
  readonly n: number;
  readonly method: "exact" | "approx";
}

/** Two-sided Wilcoxon signed-rank test of differences, as SciPy 1.10 (see module header). */
export function wilcoxonSignedRank(differences: ArrayLike<number>): WilcoxonResult {
  const total = differences.length;
  let zeros = 0;
  for (let i = 0; i < total; i++) {
    const value = differences[i]!;
    if (!Number.isFinite(value)) {
      throw invalid(`wilcoxon differences[${i}]: ${value} is not a finite number`);
    }
    if (value === 0) zeros++;
  }
  if (total === 0) return { statistic: Number.NaN, p: Number.NaN, n: 0, method: "exact" };
  const method = zeros === 0 && total <= WILCOXON_EXACT_MAX_N ? "exact" : "approx";
  const n = total - zeros;
  if (n === 0) return { statistic: 0, p: 1, n: 0, method };

  const { rankPlus, rankMinus, tieTerm } = signedRankSums(differences, n);
  const statistic = Math.min(rankPlus, rankMinus);
  if (method === "approx") {
    // Same operation order as SciPy, so z agrees to the bit.
    const mean = n * (n + 1) * 0.25;
    const variance24 = n * (n + 1) * (2 * n + 1) - 0.5 * tieTerm;
    const z = (statistic - mean) / Math.sqrt(variance24 / 24);
    return { statistic, p: 2 * normalSf(Math.abs(z)), n, method };
  }
  return { statistic, p: exactTwoSidedP(Math.trunc(rankPlus), n), n, method };
}

/** R+ and R− (sums of mid-ranks of |d| by sign) and Σ t(t²−1) over tie groups of |d|. */
function signedRankSums(
  differences: ArrayLike<number>,
  n: number,
): { rankPlus: number; rankMinus: number; tieTerm: number } {
  const magnitudes = new Float64Array(n);
  const signs = new Int8Array(n);
  let k = 0;
  for (let i = 0; i < differences.length; i++) {
    const value = differences[i]!;
    if (value === 0) continue;
    magnitudes[k] = Math.abs(value);
    signs[k] = value > 0 ? 1 : -1;
    k++;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => magnitudes[a]! - magnitudes[b]!,
  );
  let rankPlus = 0;
  let rankMinus = 0;
  let tieTerm = 0;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && magnitudes[order[end]!] === magnitudes[order[start]!]) end++;
    // Positions start..end−1 share the mid-rank of ranks start+1..end.
    const midRank = (start + 1 + end) / 2;
    for (let i = start; i < end; i++) {
      if (signs[order[i]!] === 1) rankPlus += midRank;
      else rankMinus += midRank;
    }
    const tied = end - start;
    if (tied > 1) tieTerm += tied * (tied * tied - 1);
    start = end;
  }
  return { rankPlus, rankMinus, tieTerm };
}

/** Null counts of R+ for ranks 1..n, memoised per n (n ≤ 50: counts < 2^50, exact doubles). */
const signedRankCounts = new Map<number, Float64Array>();

/**
 * How many of the 2^n sign assignments give each R+ = 0..n(n+1)/2: adding rank k shifts a
 * copy of the previous counts by k (c_k[r] = c_{k−1}[r] + c_{k−1}[r − k]).
 */
function nullCounts(n: number): Float64Array {
  const cached = signedRankCounts.get(n);
  if (cached) return cached;
  const counts = new Float64Array((n * (n + 1)) / 2 + 1);
  counts[0] = 1;
  let top = 0;
  for (let k = 1; k <= n; k++) {
    top += k;
    for (let r = top; r >= k; r--) counts[r]! += counts[r - k]!;
  }
  signedRankCounts.set(n, counts);
  return counts;
}

/** SciPy 1.10's exact two-sided p for integer R+ = r (see module header). */
function exactTwoSidedP(r: number, n: number): number {
  const counts = nullCounts(n);
  const top = counts.length - 1;
  if (r === Math.floor(top / 2)) return 1;
  // Integer sums below 2^53 are exact, and dividing by 2^n is exact too.
  let atMost = 0;
  for (let i = 0; i <= r; i++) atMost += counts[i]!;
  let atLeast = 0;
  for (let i = r; i <= top; i++) atLeast += counts[i]!;
  const outcomes = 2 ** n;
  return Math.min(1, (2 * Math.min(atMost, atLeast)) / outcomes);
}

const SQRT_HALF = Math.SQRT1_2;
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** Upper tail P(Z > z) of the standard normal: ½·erfc(z/√2). */
export function normalSf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  return z >= 0 ? 0.5 * erfc(z * SQRT_HALF) : 1 - 0.5 * erfc(-z * SQRT_HALF);
}

/**
 * Complementary error function for x ≥ 0, relative error ≲ 1e-13 over the range where
 * it is a normal double. Below 2: 1 − erf(x), with erf(x) = (2/√π)·e^{−x²}·Σ 2^k x^{2k+1} /
 * (1·3·…·(2k+1)) (all terms positive: no cancellation; Abramowitz & Stegun 7.1.6). From 2 on:
 * the continued fraction erfc(x) = (e^{−x²}/√π) / (x + ½/(x + 1/(x + (3/2)/(x + …))))
 * (A&S 7.1.14), evaluated by the modified Lentz method.
 */
function erfc(x: number): number {
  if (x < 2) {
    const square = x * x;
    let term = x;
    let sum = x;
    for (let k = 1; term > sum * 1e-17; k++) {
      term *= (2 * square) / (2 * k + 1);
      sum += term;
    }
    return 1 - TWO_OVER_SQRT_PI * Math.exp(-square) * sum;
  }
  const tiny = 1e-300;
  // Lentz for x + a1/(x + a2/(x + …)) with a_k = k/2.
  let value = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 10_000; k++) {
    const a = k / 2;
    d = x + a * d;
    d = d === 0 ? 1 / tiny : 1 / d;
    c = x + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    value *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (Math.sqrt(Math.PI) * value);
}

/**
 * Holm's step-down adjusted p-values, in the input order: sorted ascending, p_(j) becomes
 * max_{i ≤ j} min(1, (m − i + 1)·p_(i)) (Holm 1979; statsmodels' "holm"), so they are
 * monotone in the raw p-values and capped at 1.
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  const m = pValues.length;
  pValues.forEach((p, i) => {
    if (!(p >= 0 && p <= 1)) throw invalid(`holm pValues[${i}]: ${p} is not a p-value in [0, 1]`);
  });
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => pValues[a]! - pValues[b]!);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach((index, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * pValues[index]!));
    adjusted[index] = running;
  });
  return adjusted;
}

/** Median of values (at least one, finite): the middle one, or the mean of the two middle. */
export function medianOf(values: ArrayLike<number>): number {
  if (values.length === 0) throw invalid("median values: none given");
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw invalid(`median values[${i}]: ${values[i]} is not a finite number`);
    }
  }
  return medianInPlace(Float64Array.from(values), values.length);
}

/** One seed's outcome in the compared arm and in the baseline arm. */
export interface PairedValue {
  readonly seed: number;
  readonly value: number;
  readonly baselineValue: number;
}

export interface PairedComparisonInput {
  /** One pair per seed (seeds distinct), at least one. */
  readonly pairs: readonly PairedValue[];
  /** Seed of the bootstrap resampling. */
  readonly seed: number;
  /** Bootstrap resamples (default and minimum 2000). */
  readonly resamples?: number;
}

export interface PairedComparison {
  readonly n: number;
  /** Median of value − baselineValue over the pairs. */
  readonly medianDiff: number;
  /** 95 % percentile-bootstrap interval of medianDiff. */
  readonly ci95: [number, number];
  /** Two-sided Wilcoxon signed-rank p on the differences (SciPy 1.10; 1 if all are zero). */
  readonly wilcoxonP: number;
  /** The pairs, sorted by seed. */
  readonly pairs: PairedValue[];
}

/** Median difference, its bootstrap CI and the Wilcoxon p of one arm against its baseline. */
export function pairedComparison(input: PairedComparisonInput): PairedComparison {
  if (input.pairs.length === 0) {
    throw invalid("comparison pairs: none given; at least one seed must have both arms");
  }
  const pairs = [...input.pairs].sort((a, b) => a.seed - b.seed);
  const differences = new Float64Array(pairs.length);
  pairs.forEach((pair, i) => {
    if (i > 0 && pair.seed === pairs[i - 1]!.seed) {
      throw invalid(`comparison pairs: seed ${pair.seed} appears twice`);
    }
    for (const field of ["value", "baselineValue"] as const) {
      if (!Number.isFinite(pair[field])) {
        throw invalid(
          `comparison pairs (seed ${pair.seed}).${field}: ${pair[field]} is not finite`,
        );
      }
    }
    differences[i] = pair.value - pair.baselineValue;
  });
  return {
    n: pairs.length,
    medianDiff: medianOf(differences),
    ci95: bootstrapMedianCi(differences, {
      seed: input.seed,
      resamples: input.resamples ?? MIN_BOOTSTRAP_RESAMPLES,
      level: 0.95,
    }),
    wilcoxonP: wilcoxonSignedRank(differences).p,
    pairs,
  };
}
