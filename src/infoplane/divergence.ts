/**
 * Kullback–Leibler divergence computed term by term in a form that rounding cannot make
 * negative. For distributions p, q (each summing to 1)
 *   KL(p‖q) = Σ_t [p_t ln(p_t/q_t) − p_t + q_t] = Σ_t q_t φ(p_t/q_t),  φ(r) = r ln r − r + 1,
 * and φ ≥ 0 everywhere, so every term, and hence every floating-point partial sum, is ≥ 0.
 * The textbook Σ p ln(p/q) has terms of both signs and returns about −1e-17 for p ≈ q.
 */

/** Coefficients 1/(2k+1), k = 1..10, of the series used by {@link klPhi} near r = 1. */
const SERIES = Float64Array.from({ length: 10 }, (_, k) => 1 / (2 * k + 3));

/**
 * φ(r) = r ln r − r + 1 in nats, for r ≥ 0, never negative in floating point.
 *
 * Away from r = 1 (r < 0.8 or r > 1.25) φ ≥ 0.02 and the direct formula is accurate. Near
 * r = 1 the direct formula cancels to nothing, so with u = (r − 1)/(r + 1) ∈ [−1/9, 1/9]
 * (r = (1+u)/(1−u), ln r = 2 atanh u):
 *   φ(r) = 2u² · B(u) / (1 − u),  B(u) = 1 + (1 + u) · Σ_{k≥1} u^{2k−1}/(2k+1),
 * a product of non-negative factors (B ≥ 0.96 there); ten series terms reach u^19 < 1e-18.
 */
export function klPhi(r: number): number {
  if (r < 0.8 || r > 1.25) return r === 0 ? 1 : r * Math.log(r) - r + 1;
  const u = (r - 1) / (r + 1);
  const u2 = u * u;
  let s = SERIES[9]!;
  for (let k = 8; k >= 0; k--) s = s * u2 + SERIES[k]!;
  const b = 1 + (1 + u) * u * s;
  return (2 * u2 * b) / (1 - u);
}

/**
 * KL(p‖q) in bits, as Σ_t q_t φ(p_t/q_t) (see the module note): ≥ 0 exactly, 0 for p = q.
 * Infinity when some p_t > 0 has q_t = 0.
 * @throws RangeError when the lengths differ.
 */
export function klDivergenceBits(p: ArrayLike<number>, q: ArrayLike<number>): number {
  if (p.length !== q.length) {
    throw new RangeError(`KL divergence needs equal lengths, got ${p.length} and ${q.length}`);
  }
  let nats = 0;
  for (let t = 0; t < p.length; t++) {
    const pt = p[t]!;
    const qt = q[t]!;
    if (qt > 0) nats += qt * klPhi(pt / qt);
    else if (pt > 0) return Number.POSITIVE_INFINITY;
  }
  return nats / Math.LN2;
}
