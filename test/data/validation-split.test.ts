import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  checkValidationSize,
  splitDataset,
  splitIndices,
  testCount,
  validationCount,
} from "../../src/data/split.js";
import { generateSine } from "../../src/data/synthetic.js";
import { classCounts, labelled } from "../helpers/labelled-dataset.js";

const sized = (sizes: number[]) =>
  labelled(
    sizes.flatMap((size, c) => new Array<number>(size).fill(c)),
    sizes.length,
  );

describe("validation split", () => {
  it("is stratified: 40/20/10 rows at test 0.2, validation 0.2 give 8/4/2 in each held-out split", () => {
    const dataset = sized([40, 20, 10]);
    const { train, test, validation } = splitDataset(dataset, 0.2, 7, 0.2);
    expect(classCounts(test, 3)).toEqual([8, 4, 2]);
    expect(classCounts(validation!, 3)).toEqual([8, 4, 2]);
    expect(classCounts(train, 3)).toEqual([24, 12, 6]);
  });

  it("per class round(n_c·v) clamped to [1, r − 1] of the r rows test leaves (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 3, max: 60 }), { minLength: 2, maxLength: 5 }),
        fc.double({ min: 0.05, max: 0.45, noNaN: true }),
        fc.double({ min: 0.01, max: 0.5, noNaN: true }),
        fc.nat(1000),
        (sizes, testFraction, validationFraction, seed) => {
          const { train, test, validation } = splitDataset(
            sized(sizes),
            testFraction,
            seed,
            validationFraction,
          );
          const held = classCounts(validation!, sizes.length);
          const trained = classCounts(train, sizes.length);
          sizes.forEach((n, c) => {
            const rest = n - testCount(n, testFraction);
            const expected = Math.min(rest - 1, Math.max(1, Math.round(n * validationFraction)));
            expect(held[c]).toBe(expected);
            expect(validationCount(n, testFraction, validationFraction)).toBe(expected);
            expect(trained[c]).toBe(rest - expected);
          });
          expect(train.samples + test.samples + validation!.samples).toBe(
            sizes.reduce((a, b) => a + b, 0),
          );
        },
      ),
      { numRuns: 100 },
    );
  });

  it("leaves the test rows exactly as without validation, and carves validation out of train", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 3, max: 40 }), { minLength: 2, maxLength: 4 }),
        fc.constantFrom(0.1, 0.25, 0.3),
        fc.constantFrom(0.05, 0.15, 0.3),
        fc.nat(10_000),
        (sizes, testFraction, validationFraction, seed) => {
          const dataset = sized(sizes);
          const before = splitIndices(dataset, testFraction, seed);
          const after = splitIndices(dataset, testFraction, seed, validationFraction);
          expect(after.test).toEqual(before.test); // same rows, same order
          expect(before.validation).toEqual([]);
          expect([...after.train, ...after.validation].sort((a, b) => a - b)).toEqual(
            [...before.train].sort((a, b) => a - b),
          );
          // the training rows keep the order they had without validation
          const held = new Set(after.validation);
          expect(after.train).toEqual(before.train.filter((row) => !held.has(row)));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("regression: round(n·v) random rows, the test rows unchanged", () => {
    const dataset = generateSine({ samples: 101, noise: 0.1, seed: 3 });
    const before = splitIndices(dataset, 0.2, 5);
    const after = splitIndices(dataset, 0.2, 5, 0.15);
    expect(after.test).toEqual(before.test);
    expect(after.validation).toHaveLength(15); // round(101 · 0.15)
    expect(after.train).toHaveLength(101 - 20 - 15);
    expect(new Set([...after.train, ...after.test, ...after.validation]).size).toBe(101);
  });

  it("refuses test + validation ≥ 1 and an empty validation split, naming the field", () => {
    expect(() => checkValidationSize("toy", 10, 0.5, 0.5)).toThrow(
      "spec.dataset.validationFraction: 0.5 with dataset.testFraction 0.5 leaves no training split",
    );
    // 2 rows per class: 1 test, 1 train, none left for validation
    try {
      splitDataset(sized([2, 2]), 0.25, 1, 0.25);
      expect.unreachable("an empty validation split");
    } catch (error) {
      expect(error).toMatchObject({ code: "QPLANE_ERR_SPEC_INVALID" });
      expect((error as Error).message).toContain(
        'spec.dataset.validationFraction: 0.25 leaves the validation split of dataset "toy" empty',
      );
    }
  });
});
