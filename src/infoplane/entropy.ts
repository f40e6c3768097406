/**
 * Shannon entropies in bits (log base 2) of probability vectors and of shot counts, with the
 * Miller–Madow bias correction for counts. By convention 0·log 0 = 0.
 */

/**
 * H(p) = −Σ p_t log2 p_t of a probability vector. Zero entries contribute nothing; the
 * vector is taken as given (it is not renormalised), so pass one that sums to 1.
 * @throws RangeError on a negative or non-finite entry.
 */
export function entropyBits(probabilities: ArrayLike<number>): number {
  let h = 0;
  for (let t = 0; t < probabilities.length; t++) {
    const p = probabilities[t]!;
    if (!(p >= 0) || p === Number.POSITIVE_INFINITY) {
      throw new RangeError(`probability [${t}] must be finite and ≥ 0, got ${p}`);
    }
    if (p > 0) h -= p * Math.log2(p);
  }
  return h;
}

/**
 * Total shots S = Σ n_t of a count vector.
 * @throws RangeError unless every count is a non-negative safe integer.
 */
export function totalShots(counts: ArrayLike<number>): number {
  let total = 0;
  for (let t = 0; t < counts.length; t++) {
    const n = counts[t]!;
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new RangeError(`count [${t}] must be a non-negative integer, got ${n}`);
    }
    total += n;
  }
  return total;
}

/** m, the number of occupied outcomes (non-zero counts or probabilities). */
export function occupiedOutcomes(counts: ArrayLike<number>): number {
  let m = 0;
  for (let t = 0; t < counts.length; t++) if (counts[t]! > 0) m++;
  return m;
}

/**
 * Plug-in (maximum-likelihood) entropy of counts: H of the frequencies n_t / S.
 * @throws RangeError on invalid counts or zero total shots.
 */
export function pluginEntropyBits(counts: ArrayLike<number>): number {
  const shots = totalShots(counts);
  if (shots === 0) throw new RangeError("counts must contain at least one shot");
  let h = 0;
  for (let t = 0; t < counts.length; t++) {
    const n = counts[t]!;
    if (n > 0) h += n * Math.log2(shots / n);
  }
  return h / shots;
}

/**
 * The Miller–Madow correction (m − 1) / (2 S ln 2) in bits: the leading term of the plug-in
 * entropy's downward bias for m occupied outcomes over S shots.
 */
export function millerMadowCorrectionBits(occupied: number, shots: number): number {
  if (!(shots > 0)) throw new RangeError(`shots must be > 0, got ${shots}`);
  if (occupied <= 1) return 0;
  return (occupied - 1) / (2 * shots * Math.LN2);
}

/** Miller–Madow entropy of counts: H_plugin + (m − 1) / (2 S ln 2). */
export function millerMadowEntropyBits(counts: ArrayLike<number>): number {
  return (
    pluginEntropyBits(counts) +
    millerMadowCorrectionBits(occupiedOutcomes(counts), totalShots(counts))
  );
}
