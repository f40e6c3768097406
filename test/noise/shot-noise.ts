/**
 * Agreement of sampled counts with exact probabilities within shot noise. Each outcome's count
 * is binomial(shots, p): it must lie within SIGMAS standard deviations √(shots·p·(1 − p)) of
 * shots·p, plus SLACK_COUNTS for outcomes of tiny p (a Poisson count of mean ≪ 1 reaching 3
 * has probability < λ³/6). With 5σ a correct sampler fails one outcome in ~1.7 million; the
 * tests' seeds are fixed, so a pass is reproducible.
 */
const SIGMAS = 5;
const SLACK_COUNTS = 3;

/** Throws naming the first outcome whose count is outside the bound (module comment). */
export function expectWithinShotNoise(
  counts: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  shots: number,
  label = "",
): void {
  if (counts.length !== probabilities.length) {
    throw new Error(`${label}: ${counts.length} counts for ${probabilities.length} outcomes`);
  }
  let total = 0;
  for (let t = 0; t < counts.length; t++) {
    total += counts[t]!;
    const p = Math.min(1, Math.max(0, probabilities[t]!));
    const expected = shots * p;
    const bound = SIGMAS * Math.sqrt(shots * p * (1 - p)) + SLACK_COUNTS;
    if (!(Math.abs(counts[t]! - expected) <= bound)) {
      throw new Error(
        `${label} outcome ${t}: ${counts[t]} counts, expected ${expected.toFixed(1)} ± ${bound.toFixed(1)}`,
      );
    }
  }
  if (total !== shots) throw new Error(`${label}: counts sum to ${total}, not ${shots}`);
}

/** Total variation distance ½·Σ|counts/shots − p| between sampled and exact distributions. */
export function totalVariation(
  counts: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  shots: number,
): number {
  let sum = 0;
  for (let t = 0; t < counts.length; t++) sum += Math.abs(counts[t]! / shots - probabilities[t]!);
  return sum / 2;
}

/**
 * A bound the total variation of a correct sampler stays under: its mean is at most
 * ½·√((K − 1)/shots) over K outcomes (Cauchy–Schwarz on the binomial deviations), and one shot
 * moves it by at most 1/shots, so by McDiarmid it exceeds the mean by 2.5/√shots with
 * probability < e^{−12.5} ≈ 4·10⁻⁶.
 */
export function totalVariationBound(outcomes: number, shots: number): number {
  return 0.5 * Math.sqrt((outcomes - 1) / shots) + 2.5 / Math.sqrt(shots);
}
