import { describe, expect, it } from "vitest";
import { fitPca, reduceDataset } from "../../src/data/reduction.js";
import type { Dataset } from "../../src/data/types.js";
import { generateWide } from "../../src/data/wide.js";

function table(rows: number[][]): Dataset {
  return {
    name: "toy",
    task: "regression",
    featureNames: rows[0]!.map((_, j) => `f${j}`),
    samples: rows.length,
    features: Float64Array.from(rows.flat()),
    targets: new Float64Array(rows.length),
    droppedRows: 0,
  };
}

// x = t + e, y = t − e with t = −2..2 and e ⟂ t: var x = var y = 2 + 0.8 = 2.8,
// cov = 2 − 0.8 = 1.2, correlation r = 3/7 → axes (1, ±1)/√2, variances 1 ± r.
const t = [-2, -1, 0, 1, 2];
const e = [1, -1, 0, -1, 1];
const correlated = table(t.map((ti, i) => [ti + e[i]! + 3, ti - e[i]! - 1]));

describe("PCA", () => {
  it("finds (1, 1)/√2 then (1, −1)/√2 on correlated 2-D data, with variances 1 ± r", () => {
    const pca = fitPca(correlated, 2);
    expect([...pca.mean]).toEqual([3, -1]);
    expect(pca.std[0]).toBeCloseTo(Math.sqrt(2.8), 14);
    const s = Math.SQRT1_2;
    expect(pca.axes[0]).toBeCloseTo(s, 12);
    expect(pca.axes[1]).toBeCloseTo(s, 12);
    // a tie in |loading|: the first entry is made positive
    expect(pca.axes[2]).toBeCloseTo(s, 12);
    expect(pca.axes[3]).toBeCloseTo(-s, 12);
    expect(pca.explainedVariance[0]).toBeCloseTo(10 / 7, 12);
    expect(pca.explainedVariance[1]).toBeCloseTo(4 / 7, 12);
    // pc1 = (z1 + z2)/√2 = 2t/√2.8/√2, pc2 = (z1 − z2)/√2 = 2e/√2.8/√2
    const projected = pca.transform(correlated.features);
    for (let row = 0; row < 5; row++) {
      const z1 = (t[row]! + e[row]!) / Math.sqrt(2.8);
      const z2 = (t[row]! - e[row]!) / Math.sqrt(2.8);
      expect(projected[row * 2]).toBeCloseTo((z1 + z2) * s, 12);
      expect(projected[row * 2 + 1]).toBeCloseTo((z1 - z2) * s, 12);
    }
  });

  it("projects other rows with the training fit, and keeps only k components", () => {
    const pca = fitPca(correlated, 1);
    const out = pca.transform(Float64Array.of(13, 9, 3, -1));
    expect(out).toHaveLength(2);
    // (13, 9) is (10, 10) from the training mean: z = 10/√2.8 each → pc1 = 20/√2.8/√2
    expect(out[0]).toBeCloseTo(20 / Math.sqrt(2.8) / Math.SQRT2, 12);
    expect(out[1]).toBe(0); // the training mean
    const reduced = reduceDataset(correlated, pca);
    expect(reduced.featureNames).toEqual(["pc1"]);
    expect(reduced.samples).toBe(5);
  });

  it("on a wide table: orthonormal axes, descending variances summing to the feature count", () => {
    const wide = generateWide({
      samples: 150,
      seed: 4,
      classes: 3,
      featureCount: 12,
      informative: 4,
      redundant: 2,
      classSeparation: 1,
      labelNoise: 0,
    });
    const pca = fitPca(wide, 12);
    const d = 12;
    for (let k = 1; k < d; k++) {
      expect(pca.explainedVariance[k]).toBeLessThanOrEqual(pca.explainedVariance[k - 1]!);
    }
    // trace of the correlation matrix = 12; two redundant columns → two ≈ 0 variances
    expect(pca.explainedVariance.reduce((sum, v) => sum + v, 0)).toBeCloseTo(12, 10);
    expect(pca.explainedVariance[11]).toBeLessThan(1e-10);
    expect(pca.explainedVariance[10]).toBeLessThan(1e-10);
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < d; b++) {
        let dot = 0;
        for (let j = 0; j < d; j++) dot += pca.axes[a * d + j]! * pca.axes[b * d + j]!;
        expect(dot).toBeCloseTo(a === b ? 1 : 0, 10);
      }
      const axis = pca.axes.subarray(a * d, a * d + d);
      const largest = axis.reduce((best, v) => (Math.abs(v) > Math.abs(best) ? v : best), 0);
      expect(largest).toBeGreaterThan(0);
    }
    // projected training columns are uncorrelated, with variance = explained variance
    const projected = pca.transform(wide.features);
    for (let k = 0; k < 3; k++) {
      let squares = 0;
      for (let row = 0; row < wide.samples; row++) squares += projected[row * d + k]! ** 2;
      expect(squares / wide.samples).toBeCloseTo(pca.explainedVariance[k]!, 10);
    }
    // reproducible: same fit, same bits
    expect([...fitPca(wide, 3).axes]).toEqual([...pca.axes.subarray(0, 3 * d)]);
  });

  it("maps constant columns to 0 and refuses more components than features", () => {
    const withConstant = table(t.map((ti, i) => [ti + e[i]!, 7, ti - e[i]!]));
    const pca = fitPca(withConstant, 3);
    expect(pca.std[1]).toBe(0);
    expect(pca.explainedVariance[2]).toBeCloseTo(0, 12);
    expect(pca.axes[1]).toBeCloseTo(0, 12); // first axis ignores the constant column
    expect(() => fitPca(correlated, 3)).toThrow(
      "spec.model.components: 3 components, but the dataset has 2 features",
    );
  });
});
