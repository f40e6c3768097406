/**
 * Shot sampling: draws `shots` outcomes from a probability vector (multinomial) by inverse
 * CDF with binary search, writing counts into a caller-provided slice. The cumulative
 * buffer is reused between rows.
 */
import type { Rng } from "../../src/random/rng.js";

/**
 * Adds multinomial(shots, p) counts into counts[o..o+p.length) using cdf as scratch.
 * p need not be exactly normalised (rounding): draws are scaled by its total.
 */
export function sampleCounts(
  probabilities: Float64Array,
  po: number,
  outcomeCount: number,
  shots: number,
  rng: Rng,
  cdf: Float64Array,
  counts: Uint32Array,
  o: number,
): void {
  let total = 0;
  for (let t = 0; t < outcomeCount; t++) {
    total += probabilities[po + t]!;
    cdf[t] = total;
  }
  const last = outcomeCount - 1;
  for (let shot = 0; shot < shots; shot++) {
    const u = rng.nextFloat() * total;
    // first t with cdf[t] > u
    let lo = 0;
    let hi = last;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    counts[o + lo]!++;
  }
}
