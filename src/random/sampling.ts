/**
 * Sampling helpers on top of the seeded {@link Rng}: Gaussian draws (Box–Muller) and a
 * Fisher–Yates shuffle. Every draw comes from the given generator, so results are
 * reproducible bit-for-bit from a seed.
 */
import type { Rng } from "./rng.js";

/**
 * Returns a standard-normal sampler N(0, 1) using the Box–Muller transform. Each pair of
 * uniforms yields two normals; the second is cached and returned by the next call.
 */
export function createGaussian(rng: Rng): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    const u1 = 1 - rng.nextFloat(); // (0, 1]: log(u1) is finite
    const u2 = rng.nextFloat();
    const radius = Math.sqrt(-2 * Math.log(u1));
    const angle = 2 * Math.PI * u2;
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
}

/** Uniform integer in [0, n) (n ≥ 1). */
export function uniformIndex(rng: Rng, n: number): number {
  return Math.floor(rng.nextFloat() * n);
}

/** Fisher–Yates shuffle in place (arrays or typed arrays); returns the same array. */
export function shuffleInPlace<A extends { length: number; [index: number]: unknown }>(
  items: A,
  rng: Rng,
): A {
  for (let i = items.length - 1; i > 0; i--) {
    const j = uniformIndex(rng, i + 1);
    const held = items[i]!;
    items[i] = items[j]!;
    items[j] = held;
  }
  return items;
}

/** A random permutation of 0..n−1. */
export function permutation(n: number, rng: Rng): number[] {
  return shuffleInPlace(
    Array.from({ length: n }, (_, i) => i),
    rng,
  );
}
