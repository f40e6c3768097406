import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { splitDataset, splitIndices, subset, testCount } from "../../src/data/split.js";
import { generateSine } from "../../src/data/synthetic.js";
import type { Dataset } from "../../src/data/types.js";
import { classCounts, labelled } from "../helpers/labelled-dataset.js";

describe("stratified split", () => {
  it("keeps class proportions: per class round(n_c·f) clamped to [1, n_c − 1] (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 2, max: 60 }), { minLength: 2, maxLength: 6 }),
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        fc.nat(1000),
        (sizes, fraction, seed) => {
          const labels = sizes.flatMap((size, c) => new Array<number>(size).fill(c));
          const dataset = labelled(labels, sizes.length);
          const { train, test } = splitDataset(dataset, fraction, seed);
          const testCounts = classCounts(test, sizes.length);
          const trainCounts = classCounts(train, sizes.length);
          sizes.forEach((size, c) => {
            const expected = Math.min(size - 1, Math.max(1, Math.round(size * fraction)));
            expect(testCounts[c]).toBe(expected);
            expect(trainCounts[c]).toBe(size - expected);
            // Proportion within rounding (or the ≥1-per-split clamp) of the fraction.
            expect(Math.abs(testCounts[c]! - size * fraction)).toBeLessThanOrEqual(
              Math.max(0.5, Math.abs(expected - Math.round(size * fraction)) + 0.5),
            );
          });
          // Every row lands in exactly one split, with its own label.
          const rows = [...train.features, ...test.features].sort((a, b) => a - b);
          expect(rows).toEqual(labels.map((_, i) => i));
          train.features.forEach((row, i) => {
            expect(train.labels![i]).toBe(labels[row]);
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it("is deterministic from the seed and shuffles the order", () => {
    const dataset = labelled(
      Array.from({ length: 120 }, (_, i) => i % 3),
      3,
    );
    const a = splitIndices(dataset, 0.25, 5);
    expect(splitIndices(dataset, 0.25, 5)).toEqual(a);
    expect(splitIndices(dataset, 0.25, 6)).not.toEqual(a);
    expect(a.test).toHaveLength(30);
    expect(a.test).not.toEqual([...a.test].sort((x, y) => x - y));
  });

  it("a singleton class goes to train; an unsplittable dataset is an error", () => {
    const { train, test } = splitDataset(labelled([0, 0, 0, 0, 1], 2), 0.5, 1);
    expect(classCounts(train, 2)).toEqual([2, 1]);
    expect(classCounts(test, 2)).toEqual([2, 0]);
    expect(() => splitDataset(labelled([0, 1], 2), 0.25, 1)).toThrow(
      /dataset "toy": 2 samples leave the test split empty/,
    );
  });
});

describe("regression split and subset", () => {
  it("puts round(n·f) random rows in test, deterministically", () => {
    const sine = generateSine({ samples: 101, noise: 0, seed: 1 });
    const { train, test } = splitDataset(sine, 0.3, 4);
    expect(test.samples).toBe(30);
    expect(train.samples).toBe(71);
    for (let i = 0; i < test.samples; i++)
      expect(test.targets![i]).toBe(Math.sin(test.features[i]!));
    const again = splitDataset(sine, 0.3, 4);
    expect([...again.test.features]).toEqual([...test.features]);
    expect(testCount(1, 0.5)).toBe(0);
    expect(testCount(10, 0.01)).toBe(1);
    expect(testCount(10, 0.99)).toBe(9);
  });

  it("subset copies rows, labels and metadata in the given order", () => {
    const dataset: Dataset = {
      name: "two",
      task: "classification",
      featureNames: ["a", "b"],
      samples: 3,
      features: Float64Array.of(1, 2, 3, 4, 5, 6),
      labels: Int32Array.of(0, 1, 0),
      classNames: ["p", "q"],
      droppedRows: 7,
    };
    const picked = subset(dataset, [2, 0, 2]);
    expect([...picked.features]).toEqual([5, 6, 1, 2, 5, 6]);
    expect([...picked.labels!]).toEqual([0, 0, 0]);
    expect(picked.samples).toBe(3);
    expect(picked.classNames).toEqual(["p", "q"]);
    expect(picked.droppedRows).toBe(7);
    expect(() => subset(dataset, [3])).toThrow(RangeError);
  });
});
