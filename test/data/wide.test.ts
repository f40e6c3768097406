import { Matrix, solve } from "ml-matrix";
import { describe, expect, it } from "vitest";
import { loadDataset, wideOptionsOf } from "../../src/data/index.js";
import { balancedCounts } from "../../src/data/synthetic.js";
import type { Dataset } from "../../src/data/types.js";
import {
  generateWide,
  generateWideTable,
  WIDE_DEFAULT_FEATURE_COUNT,
  type WideOptions,
  wideClassCounts,
} from "../../src/data/wide.js";
import { datasetSpecSchema, parseJobSpec } from "../../src/training/spec.js";

const bytes = (array: Float64Array | Int32Array) =>
  Buffer.from(array.buffer, array.byteOffset, array.byteLength);

const options = (overrides: Partial<WideOptions> = {}): WideOptions => ({
  samples: 300,
  seed: 7,
  classes: 3,
  featureCount: 12,
  informative: 4,
  redundant: 3,
  classSeparation: 1,
  labelNoise: 0,
  ...overrides,
});

function classCounts(dataset: Dataset): number[] {
  const out = new Array<number>(dataset.classNames!.length).fill(0);
  for (const label of dataset.labels!) out[label]! += 1;
  return out;
}

function column(dataset: Dataset, j: number): Float64Array {
  const width = dataset.featureNames.length;
  return Float64Array.from(
    { length: dataset.samples },
    (_, row) => dataset.features[row * width + j]!,
  );
}

/** Fraction of rows whose nearest class centroid (on the given columns) is their own class. */
function nearestCentroidAccuracy(dataset: Dataset, columns: readonly number[]): number {
  const width = dataset.featureNames.length;
  const classes = dataset.classNames!.length;
  const sums = new Float64Array(classes * columns.length);
  const counts = classCounts(dataset);
  for (let row = 0; row < dataset.samples; row++) {
    columns.forEach((j, c) => {
      sums[dataset.labels![row]! * columns.length + c]! += dataset.features[row * width + j]!;
    });
  }
  let correct = 0;
  for (let row = 0; row < dataset.samples; row++) {
    let best = -1;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (let k = 0; k < classes; k++) {
      let distance = 0;
      columns.forEach((j, c) => {
        const centroid = sums[k * columns.length + c]! / counts[k]!;
        distance += (dataset.features[row * width + j]! - centroid) ** 2;
      });
      if (distance < bestDistance) [best, bestDistance] = [k, distance];
    }
    if (best === dataset.labels![row]) correct++;
  }
  return correct / dataset.samples;
}

describe("wide (make_classification)", () => {
  it("has the requested shape, balanced classes without label noise, and is seeded", () => {
    const a = generateWide(options());
    expect(a.samples).toBe(300);
    expect(a.featureNames).toHaveLength(12);
    expect(a.classNames).toEqual(["class0", "class1", "class2"]);
    expect(classCounts(a)).toEqual(balancedCounts(300, 3));
    const b = generateWide(options());
    expect(bytes(b.features).equals(bytes(a.features))).toBe(true);
    expect(bytes(b.labels!).equals(bytes(a.labels!))).toBe(true);
    const c = generateWide(options({ seed: 8 }));
    expect(bytes(c.features).equals(bytes(a.features))).toBe(false);
  });

  it("centres clusters on distinct hypercube vertices: far apart, each sign pattern is one class", () => {
    // with classSeparation 50 the N(0,1)·A spread (|entries| ≤ 4·|z|) cannot flip a sign
    const table = generateWideTable(options({ classSeparation: 50, samples: 240 }));
    const { dataset, informativeColumns } = table;
    const width = dataset.featureNames.length;
    const classOfPattern = new Map<string, Set<number>>();
    for (let row = 0; row < dataset.samples; row++) {
      const pattern = informativeColumns
        .map((j) => (dataset.features[row * width + j]! > 0 ? "+" : "-"))
        .join("");
      const labels = classOfPattern.get(pattern) ?? new Set<number>();
      labels.add(dataset.labels![row]!);
      classOfPattern.set(pattern, labels);
    }
    expect(classOfPattern.size).toBe(6); // 2 clusters × 3 classes, all distinct vertices
    for (const labels of classOfPattern.values()) expect(labels.size).toBe(1);
    const patternsPerClass = [0, 0, 0];
    for (const labels of classOfPattern.values()) patternsPerClass[[...labels][0]!]!++;
    expect(patternsPerClass).toEqual([2, 2, 2]);
  });

  it("redundant columns are exact linear combinations of the informative ones; the rest is N(0, 1) noise", () => {
    const table = generateWideTable(options({ samples: 2000, featureCount: 10 }));
    const { dataset, informativeColumns, redundantColumns } = table;
    const informative = new Matrix(
      Array.from({ length: dataset.samples }, (_, row) =>
        informativeColumns.map((j) => dataset.features[row * 10 + j]!),
      ),
    );
    for (const j of redundantColumns) {
      const target = Matrix.columnVector(Array.from(column(dataset, j)));
      const coefficients = solve(informative, target, true); // least squares
      const residual = informative.mmul(coefficients).sub(target).abs().max();
      expect(residual).toBeLessThan(1e-9);
      for (const b of coefficients.to1DArray()) expect(Math.abs(b)).toBeLessThanOrEqual(1);
    }
    const noise = [...Array(10).keys()].filter(
      (j) => !informativeColumns.includes(j) && !redundantColumns.includes(j),
    );
    expect(noise).toHaveLength(3);
    for (const j of noise) {
      const values = column(dataset, j);
      const mean = values.reduce((s, v) => s + v, 0) / values.length;
      const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
      expect(Math.abs(mean)).toBeLessThan(0.1);
      expect(Math.abs(variance - 1)).toBeLessThan(0.1);
    }
    // columns are shuffled: the informative ones are not simply the first four
    expect(informativeColumns).not.toEqual([0, 1, 2, 3]);
  });

  it("label noise redraws about that fraction uniformly, and wideClassCounts predicts the counts", () => {
    const clean = generateWide(options({ samples: 3000 }));
    const noisy = generateWide(options({ samples: 3000, labelNoise: 0.3 }));
    // the label stream is drawn first and always, so the features do not move with labelNoise
    expect(bytes(noisy.features).equals(bytes(clean.features))).toBe(true);
    let changed = 0;
    for (let row = 0; row < clean.samples; row++) {
      if (clean.labels![row] !== noisy.labels![row]) changed++;
    }
    // a redrawn label differs with probability 2/3: expect ≈ 0.3·2/3 = 0.2 of rows changed
    expect(changed / clean.samples).toBeGreaterThan(0.17);
    expect(changed / clean.samples).toBeLessThan(0.23);
    expect(wideClassCounts(options({ samples: 3000, labelNoise: 0.3 }))).toEqual(
      classCounts(noisy),
    );
    expect(wideClassCounts(options({ samples: 3000 }))).toEqual(balancedCounts(3000, 3));
  });

  it("two classes are learnable but not trivially separable by class centroids", () => {
    const table = generateWideTable(
      wideOptionsOf(datasetSpecSchema.parse({ name: "wide", classes: 2, samples: 1000 })),
    );
    const accuracy = nearestCentroidAccuracy(table.dataset, table.informativeColumns);
    console.info(`wide, 2 classes, defaults: nearest-centroid accuracy ${accuracy.toFixed(3)}`);
    // two clusters per class at random vertices: a single centroid per class is a poor model
    expect(accuracy).toBeGreaterThan(0.5);
    expect(accuracy).toBeLessThan(0.9);
  });

  it("loads through the spec with the documented defaults", () => {
    const dataset = loadDataset(datasetSpecSchema.parse({ name: "wide" }));
    expect(dataset.featureNames).toHaveLength(WIDE_DEFAULT_FEATURE_COUNT);
    expect(dataset.samples).toBe(200);
    expect(dataset.classNames).toHaveLength(3);
  });

  it("refuses impossible layouts, in the generator and in the spec", () => {
    expect(() => generateWide(options({ featureCount: 6 }))).toThrow(
      "dataset.featureCount 6: 6 features cannot hold 4 informative + 3 redundant ones",
    );
    expect(() => generateWide(options({ informative: 2 }))).toThrow(
      "dataset.informative 2: 2 informative features give 4 hypercube vertices, fewer than the 6 clusters of 3 classes",
    );
    expect(() => parseJobSpec({ dataset: { name: "wide", featureCount: 8 } })).toThrow(
      "spec.dataset.featureCount: 8 features cannot hold 5 informative + 5 redundant ones (got 8)",
    );
    // the problem lies with a default field: the message names the field the user set
    expect(() => parseJobSpec({ dataset: { name: "wide", classes: 17 } })).toThrow(
      "spec.dataset.classes: 5 informative features give 32 hypercube vertices, fewer than the 34 clusters of 17 classes (2 per class) (informative is at its default) (got 17)",
    );
    expect(() => parseJobSpec({ dataset: { name: "wide", informative: 30 } })).toThrow(
      "spec.dataset.informative: 20 features cannot hold 30 informative + 5 redundant ones (featureCount is at its default) (got 30)",
    );
    // generation is one synchronous pass: samples × features is bounded
    expect(() =>
      parseJobSpec({ dataset: { name: "wide", samples: 20_000, featureCount: 1000 } }),
    ).toThrow(
      "spec.dataset.samples: 20000 samples × 1000 features = 2.00e+7 values, more than the 1e+7 a generated dataset may have (got 20000)",
    );
    expect(() =>
      parseJobSpec({ dataset: { name: "friedman1", samples: 1_000_000, featureCount: 11 } }),
    ).toThrow("spec.dataset.samples: 1000000 samples × 11 features = 1.10e+7");
    expect(
      parseJobSpec({ dataset: { name: "wide", samples: 10_000, featureCount: 1000 } }).dataset
        .samples,
    ).toBe(10_000);
    expect(() => parseJobSpec({ dataset: { name: "moons", featureCount: 8 } })).toThrow(
      'spec.dataset.featureCount: only applies to dataset.name "wide" or "friedman1" (got 8)',
    );
    expect(() => parseJobSpec({ dataset: { name: "friedman1", labelNoise: 0.1 } })).toThrow(
      'spec.dataset.labelNoise: only applies to dataset.name "wide" (got 0.1)',
    );
    try {
      parseJobSpec({ dataset: { name: "blobs", informative: 3 } });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: "QPLANE_ERR_SPEC_INVALID" });
    }
  });
});
