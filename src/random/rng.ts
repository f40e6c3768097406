/**
 * Seeded pseudo-random numbers: xoshiro128** (Blackman & Vigna) on a Uint32Array(4) state,
 * seeded through splitmix32. Small, fast, allocation-free per draw, and its state is four
 * integers, so training checkpoints can save and restore it exactly.
 */
export interface Rng {
  /** Uniform double in [0, 1) with 53 random bits. */
  nextFloat(): number;
  /** Uniform unsigned 32-bit integer. */
  nextUint32(): number;
  /** Copy of the internal state, for checkpoints. */
  getState(): number[];
}

function splitmix32(seed: number): () => number {
  let z = seed >>> 0;
  return () => {
    z = (z + 0x9e3779b9) >>> 0;
    let t = z ^ (z >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    return (t ^ (t >>> 15)) >>> 0;
  };
}

class Xoshiro128 implements Rng {
  private readonly s: Uint32Array;

  constructor(state: Uint32Array) {
    this.s = state;
  }

  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = s[1]! << 9;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  nextFloat(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / 9007199254740992;
  }

  getState(): number[] {
    return Array.from(this.s);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** A generator seeded from any safe integer (both 32-bit halves feed the state). */
export function createRng(seed: number): Rng {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  const low = splitmix32(seed >>> 0);
  const high = splitmix32(Math.floor(seed / 4294967296) ^ 0x5bd1e995);
  const state = new Uint32Array([low(), high(), low() ^ high(), low()]);
  if (state.every((word) => word === 0)) state[0] = 1;
  return new Xoshiro128(state);
}

/** Restores a generator from {@link Rng.getState}. */
export function rngFromState(state: readonly number[]): Rng {
  if (state.length !== 4 || state.every((word) => word === 0)) {
    throw new RangeError("RNG state must be four 32-bit words, not all zero");
  }
  return new Xoshiro128(Uint32Array.from(state));
}
