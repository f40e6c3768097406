import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createRng, rngFromState } from "../../src/random/rng.js";

describe("seeded RNG", () => {
  it("is deterministic per seed, and distinguishes seeds differing only in high bits", () => {
    const draw = (seed: number) =>
      Array.from(
        { length: 5 },
        (
          (rng) => () =>
            rng.nextUint32()
        )(createRng(seed)),
      );
    expect(draw(42)).toEqual(draw(42));
    expect(draw(1)).not.toEqual(draw(1 + 2 ** 32));
  });

  it("resumes exactly from a saved state", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.nat(50), (seed, skip) => {
        const rng = createRng(seed);
        for (let k = 0; k < skip; k++) rng.nextFloat();
        const resumed = rngFromState(rng.getState());
        for (let k = 0; k < 20; k++) expect(resumed.nextFloat()).toBe(rng.nextFloat());
      }),
    );
  });

  it("draws uniform doubles in [0, 1) with mean 1/2 and variance 1/12", () => {
    const rng = createRng(7);
    const n = 200_000;
    let sum = 0;
    let sumSquares = 0;
    for (let k = 0; k < n; k++) {
      const u = rng.nextFloat();
      expect(u >= 0 && u < 1).toBe(true);
      sum += u;
      sumSquares += u * u;
    }
    const mean = sum / n;
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(sumSquares / n - mean * mean - 1 / 12)).toBeLessThan(0.002);
  });

  it("refuses unsafe seeds and all-zero states", () => {
    expect(() => createRng(0.5)).toThrow(/safe integer/);
    expect(() => rngFromState([0, 0, 0, 0])).toThrow(/not all zero/);
  });
});
