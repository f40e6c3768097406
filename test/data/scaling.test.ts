import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  fitAngleScaler,
  fitRobustAngleScaler,
  fitStandardScaler,
  fitTargetScaler,
} from "../../src/data/scaling.js";
import type { Dataset } from "../../src/data/types.js";

function dataset(features: number[], width: number, targets?: number[]): Dataset {
  return {
    name: "toy",
    task: targets ? "regression" : "classification",
    featureNames: Array.from({ length: width }, (_, j) => `f${j}`),
    samples: features.length / width,
    features: Float64Array.from(features),
    ...(targets
      ? { targets: Float64Array.from(targets) }
      : { labels: new Int32Array(features.length / width), classNames: ["a", "b"] }),
    droppedRows: 0,
  };
}

describe("angle scaler", () => {
  it("maps train min/max exactly to ∓scale·π/2 for any data and scale (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 2, maxLength: 40 }),
        fc.double({ min: 0.01, max: 10, noNaN: true }),
        (values, scale) => {
          const train = dataset(values, 1);
          const scaler = fitAngleScaler(train, scale);
          const out = scaler.transform(train.features);
          const low = Math.min(...values);
          const high = Math.max(...values);
          const h = (scale * Math.PI) / 2;
          values.forEach((v, i) => {
            if (low === high) expect(out[i]).toBe(0);
            else if (v === low) expect(out[i]).toBe(-h);
            else if (v === high) expect(out[i]).toBe(h);
            else {
              expect(out[i]).toBeGreaterThanOrEqual(-h);
              expect(out[i]).toBeLessThanOrEqual(h);
            }
          });
        },
      ),
    );
  });

  it("uses train statistics for test data (no clipping); constant columns → 0", () => {
    const train = dataset([0, 5, 10, 5, 4, 5], 2);
    const scaler = fitAngleScaler(train, 2);
    expect([...scaler.min]).toEqual([0, 5]);
    expect([...scaler.max]).toEqual([10, 5]);
    const out = scaler.transform(train.features);
    expect([out[0], out[1], out[2], out[3], out[5]]).toEqual([-Math.PI, 0, Math.PI, 0, 0]);
    expect(out[4]).toBeCloseTo(-Math.PI / 5, 15);
    // Test rows: 15 is beyond the train max, −5 below the min, 7 in a constant column.
    const test = Float64Array.of(15, 7, -5, 5, 5, -100);
    expect([...scaler.transform(test)]).toEqual([2 * Math.PI, 0, -2 * Math.PI, 0, 0, 0]);
    expect(() => scaler.transform(Float64Array.of(1, 2, 3))).toThrow(RangeError);
  });
});

describe("standard scaler", () => {
  it("centres and scales by the train mean and population std", () => {
    const train = dataset([1, 3, 3, 3, 5, 3], 2);
    const scaler = fitStandardScaler(train);
    expect([...scaler.mean]).toEqual([3, 3]);
    expect(scaler.std[0]).toBeCloseTo(Math.sqrt(8 / 3), 15);
    expect(scaler.std[1]).toBe(0);
    const z = scaler.transform(train.features);
    expect(z[0]).toBeCloseTo(-2 / Math.sqrt(8 / 3), 14);
    expect(z[1]).toBe(0);
    expect(scaler.transform(Float64Array.of(3 + Math.sqrt(8 / 3), 99))[0]).toBeCloseTo(1, 14);
    expect(scaler.transform(Float64Array.of(3 + Math.sqrt(8 / 3), 99))[1]).toBe(0);
  });
});

describe("target scaler", () => {
  it("standardizes train targets and inverts exactly enough", () => {
    const train = dataset([0, 1, 2, 3], 1, [2, 4, 4, 6]);
    const scaler = fitTargetScaler(train);
    expect(scaler.mean).toBe(4);
    expect(scaler.std).toBeCloseTo(Math.sqrt(2), 15);
    const z = scaler.transform(train.targets!);
    expect(z[1]).toBe(0);
    expect(z[0]).toBeCloseTo(-Math.SQRT2, 14);
    const back = scaler.inverse(z);
    train.targets!.forEach((y, i) => {
      expect(back[i]).toBeCloseTo(y, 13);
    });
    expect(fitTargetScaler(dataset([0, 1], 1, [3, 3])).std).toBe(1);
    expect(() => fitTargetScaler(dataset([0, 1], 1))).toThrow(
      /target scaling needs a regression dataset/,
    );
  });
});

describe("robust angle scaler", () => {
  const h = Math.PI / 2;

  it("uses the median and IQR/1.349 (wider quantile ranges when the IQR is 0; constant → 0), by hand", () => {
    // columns: [1,2,3,4,10] (median 3, quartiles 2 and 4), [5,5,5,5,9] (IQR 0; q10 = 5,
    // q90 = 5 + 0.6·4 = 7.4 → spread 2.4/2.563), all 2
    const train = dataset([1, 5, 2, 2, 5, 2, 3, 5, 2, 4, 5, 2, 10, 9, 2], 3);
    const scaler = fitRobustAngleScaler(train, 1);
    expect([...scaler.centre]).toEqual([3, 5, 2]);
    expect(scaler.spread[0]).toBe(2 / 1.349);
    expect(scaler.spread[1]).toBeCloseTo(2.4 / 2.563, 14);
    expect(scaler.spread[2]).toBe(0);
    const out = scaler.transform(train.features);
    expect(out[0]).toBeCloseTo(h * Math.tanh((-2 * 1.349) / 2 / 2), 14);
    expect(out[3]).toBeCloseTo(h * Math.tanh((-1 * 1.349) / 2 / 2), 14);
    expect(out[6]).toBe(0); // the median itself
    expect(out[9]).toBeCloseTo(h * Math.tanh(1.349 / 4), 14);
    expect(out[12]).toBeCloseTo(h * Math.tanh((7 * 1.349) / 4), 14);
    expect(out[13]).toBeCloseTo(h * Math.tanh(4 / (2.4 / 2.563) / 2), 14);
    for (const row of [0, 1, 2, 3, 4]) expect(out[row * 3 + 2]).toBe(0);
    expect(fitRobustAngleScaler(train, 2).transform(train.features)[9]).toBeCloseTo(
      2 * out[9]!,
      14,
    );
  });

  it("one huge outlier leaves the other rows' angles in place (min–max squashes them)", () => {
    const grid = Array.from({ length: 100 }, (_, i) => i / 99);
    const clean = dataset(grid, 1);
    const dirty = dataset([...grid, 1e6], 1);
    const robustShift = maxShift(fitRobustAngleScaler(clean, 1), fitRobustAngleScaler(dirty, 1));
    const minmaxShift = maxShift(fitAngleScaler(clean, 1), fitAngleScaler(dirty, 1));
    expect(robustShift).toBeLessThan(0.03);
    expect(minmaxShift).toBeGreaterThan(3); // the top row moves from +π/2 to ≈ −π/2

    function maxShift(
      a: { transform(f: Float64Array): Float64Array },
      b: { transform(f: Float64Array): Float64Array },
    ): number {
      const before = a.transform(clean.features);
      const after = b.transform(clean.features);
      return Math.max(...before.map((angle, i) => Math.abs(angle - after[i]!)));
    }
  });

  it("keeps a mostly-binary column apart from one outlier (IQR 0: the 10–90 % range, not the std)", () => {
    // 120 zeros, 29 ones, one 1000: IQR 0, q10 = 0, q90 = 1 → spread 1/2.563; with the std
    // (81.4) the ones would sit at 0.0097 rad, next to the zeros
    const train = dataset([...new Array(120).fill(0), ...new Array(29).fill(1), 1000], 1);
    const scaler = fitRobustAngleScaler(train, 1);
    expect(scaler.spread[0]).toBeCloseTo(1 / 2.563, 14);
    const [zero, one] = scaler.transform(Float64Array.of(0, 1));
    expect(zero).toBe(0);
    expect(one).toBeCloseTo(h * Math.tanh(2.563 / 2), 14); // 1.346 rad
  });

  it("test rows beyond the training range stay inside (−h, h), ordered", () => {
    const train = dataset(
      Array.from({ length: 100 }, (_, i) => i / 99),
      1,
    );
    const scaler = fitRobustAngleScaler(train, 1);
    const out = scaler.transform(Float64Array.of(-3, -1, 0, 1, 2, 5));
    for (const angle of out) {
      expect(angle).toBeGreaterThan(-h);
      expect(angle).toBeLessThan(h);
    }
    for (let i = 1; i < out.length; i++) expect(out[i]).toBeGreaterThan(out[i - 1]!);
    expect(Math.abs(scaler.transform(Float64Array.of(1e12))[0]!)).toBeLessThanOrEqual(h);
  });
});
