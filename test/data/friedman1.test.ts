import { describe, expect, it } from "vitest";
import {
  FRIEDMAN1_DEFAULT_FEATURE_COUNT,
  friedman1Target,
  generateFriedman1,
} from "../../src/data/friedman1.js";
import { loadDataset } from "../../src/data/index.js";
import { datasetSpecSchema, parseJobSpec } from "../../src/training/spec.js";

const bytes = (array: Float64Array) =>
  Buffer.from(array.buffer, array.byteOffset, array.byteLength);

describe("friedman1", () => {
  it("the target is Friedman's formula exactly at noise 0", () => {
    // by hand: x = (0.5, 1, 0.5, 0.2, 0.4) → 10·sin(π/2) + 0 + 2 + 2 = 14
    expect(friedman1Target([0.5, 1, 0.5, 0.2, 0.4])).toBe(14);
    const dataset = generateFriedman1({ samples: 50, noise: 0, seed: 3, featureCount: 7 });
    expect(dataset.task).toBe("regression");
    expect(dataset.featureNames).toEqual(["x1", "x2", "x3", "x4", "x5", "x6", "x7"]);
    for (let row = 0; row < 50; row++) {
      const x = Array.from(dataset.features.subarray(row * 7, row * 7 + 7));
      for (const value of x) {
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThan(1);
      }
      const [x1, x2, x3, x4, x5] = x as [number, number, number, number, number];
      expect(dataset.targets![row]).toBe(
        10 * Math.sin(Math.PI * x1 * x2) + 20 * (x3 - 0.5) ** 2 + 10 * x4 + 5 * x5,
      );
    }
  });

  it("is seeded, and noise moves only the targets, by noise·N(0, 1)", () => {
    const options = { samples: 4000, noise: 0, seed: 5, featureCount: 5 };
    const clean = generateFriedman1(options);
    const again = generateFriedman1(options);
    expect(bytes(again.features).equals(bytes(clean.features))).toBe(true);
    expect(bytes(again.targets!).equals(bytes(clean.targets!))).toBe(true);
    expect(
      bytes(generateFriedman1({ ...options, seed: 6 }).features).equals(bytes(clean.features)),
    ).toBe(false);
    const noisy = generateFriedman1({ ...options, noise: 2 });
    expect(bytes(noisy.features).equals(bytes(clean.features))).toBe(true);
    const residuals = noisy.targets!.map((y, i) => y - clean.targets![i]!);
    const mean = residuals.reduce((s, r) => s + r, 0) / residuals.length;
    const std = Math.sqrt(residuals.reduce((s, r) => s + (r - mean) ** 2, 0) / residuals.length);
    expect(Math.abs(mean)).toBeLessThan(0.1);
    expect(Math.abs(std - 2)).toBeLessThan(0.1);
  });

  it("loads through the spec (default 10 features) and refuses fewer than 5", () => {
    const dataset = loadDataset(datasetSpecSchema.parse({ name: "friedman1" }));
    expect(dataset.featureNames).toHaveLength(FRIEDMAN1_DEFAULT_FEATURE_COUNT);
    expect(
      loadDataset(datasetSpecSchema.parse({ name: "friedman1", featureCount: 5 })).featureNames,
    ).toHaveLength(5);
    expect(() => parseJobSpec({ dataset: { name: "friedman1", featureCount: 4 } })).toThrow(
      "spec.dataset.featureCount: friedman1 needs at least 5 features (its target reads x1..x5) (got 4)",
    );
    expect(() => generateFriedman1({ samples: 10, noise: 0, seed: 1, featureCount: 4 })).toThrow(
      "dataset.featureCount 4: friedman1 needs at least 5 features",
    );
  });
});
