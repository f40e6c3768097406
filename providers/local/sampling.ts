/**
 * Shot sampling: draws `shots` outcomes from a probability vector (multinomial) by inverse
 * CDF with binary search, writing counts into a caller-provided slice. The cumulative
 * buffer is reused between rows. A row's draws may be made in blocks ({@link drawShots}
 * after {@link cumulativeProbabilities}) with the same counts as in one go.
 */
import type { Rng } from "../../src/random/rng.js";

// the shot weight is shared with the cost model (src/pacing/work-units.ts)
export { shotOperations } from "../../src/pacing/work-units.js";

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
  const total = cumulativeProbabilities(probabilities, po, outcomeCount, cdf);
  drawShots(cdf, outcomeCount, total, shots, rng, counts, o);
}

/** Writes the cumulative sums of p[po..po+outcomeCount) into cdf; returns their total. */
export function cumulativeProbabilities(
  probabilities: Float64Array,
  po: number,
  outcomeCount: number,
  cdf: Float64Array,
): number {
  let total = 0;
  for (let t = 0; t < outcomeCount; t++) {
    total += probabilities[po + t]!;
    cdf[t] = total;
  }
  return total;
}

/** Adds `shots` draws from the cumulative distribution `cdf` (sum `total`) into counts[o..]. */
export function drawShots(
  cdf: Float64Array,
  outcomeCount: number,
  total: number,
  shots: number,
  rng: Rng,
  counts: Uint32Array,
  o: number,
): void {
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
