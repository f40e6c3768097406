import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadDataset } from "../../src/data/index.js";
import { fitPca, reduceDataset } from "../../src/data/reduction.js";
import { fitRobustAngleScaler } from "../../src/data/scaling.js";
import { splitDataset } from "../../src/data/split.js";
import { prepareData, prepareDataShape } from "../../src/training/prepare.js";
import { type JobSpecInput, parseJobSpec } from "../../src/training/spec.js";
import { shapeOfPrepared } from "../helpers/prepared-data.js";

const expectSpecError = (run: () => unknown, message: string) => {
  try {
    run();
    expect.unreachable(`expected ${message}`);
  } catch (error) {
    expect(error).toMatchObject({ code: "QPLANE_ERR_SPEC_INVALID" });
    expect((error as Error).message).toContain(message);
  }
};

describe("prepareData with reduction and robust scaling", () => {
  it("PCA then robust angles, both fitted on the training split; shape reports the reduced width", () => {
    const spec = parseJobSpec({
      dataset: { name: "wide", samples: 120, seed: 3, labelNoise: 0 },
      model: { kind: "vqc", qubits: 4, reduce: "pca", components: 3, scaling: "robust" },
    });
    const data = prepareData(spec);
    expect(data.featureCount).toBe(3);
    expect(data.train.features).toHaveLength(data.train.samples * 3);
    expect(prepareDataShape(spec)).toEqual({
      task: "classification",
      featureCount: 3,
      classes: 3,
      train: { samples: data.train.samples },
      test: { samples: data.test.samples },
    });
    // recompute by hand: the test rows go through the TRAINING PCA and scaler
    const { train, test } = splitDataset(loadDataset(spec.dataset), 0.25, 3);
    const pca = fitPca(train, 3);
    const scaler = fitRobustAngleScaler(reduceDataset(train, pca), 1);
    expect([...data.test.features]).toEqual([...scaler.transform(pca.transform(test.features))]);
    const refitted = fitPca(test, 3); // a fit on the test rows would give other numbers
    expect([...refitted.mean]).not.toEqual([...pca.mean]);
    for (const angle of data.test.features) expect(Math.abs(angle)).toBeLessThan(Math.PI / 2);
  });

  it("components default to model.qubits; mlp and linear get standardised features", () => {
    for (const kind of ["mlp", "linear"] as const) {
      const data = prepareData(
        parseJobSpec({
          dataset: { name: "friedman1", samples: 80, featureCount: 8 },
          model: { kind, qubits: 6, reduce: "pca", scaling: "minmax", representation: "output" },
        }),
      );
      expect(data.featureCount).toBe(6);
      for (let k = 0; k < 6; k++) {
        let sum = 0;
        let squares = 0;
        for (let row = 0; row < data.train.samples; row++) {
          const value = data.train.features[row * 6 + k]!;
          sum += value;
          squares += value * value;
        }
        expect(sum / data.train.samples).toBeCloseTo(0, 10);
        expect(squares / data.train.samples).toBeCloseTo(1, 10);
      }
    }
  });

  it("refuses a PCA fit over the synchronous-work bound, from the shape path, naming model.reduce", () => {
    // 7500 training rows × 600 features: 7500·600² + 600³ = 2.916e9 > 2e9
    const spec = parseJobSpec({
      dataset: { name: "wide", samples: 10_000, featureCount: 600, testFraction: 0.25 },
      model: { reduce: "pca" },
    });
    expectSpecError(
      () => prepareDataShape(spec),
      'spec.model.reduce: "pca" of 7500 training rows × 600 features needs 2.92e+9 multiply-adds (n·d² + d³), more than the 2.0e+9 allowed before training starts; use fewer features or samples',
    );
    // 500 features: 7500·500² + 500³ = 2.0e9 exactly is allowed
    const fits = parseJobSpec({
      dataset: { name: "wide", samples: 10_000, featureCount: 500 },
      model: { reduce: "pca" },
    });
    expect(prepareDataShape(fits).featureCount).toBe(4);
  });

  it("refuses more components than features, from prepareData and from the shape path", () => {
    const explicit = parseJobSpec({
      dataset: { name: "iris" },
      model: { kind: "vqc", reduce: "pca", components: 5 },
    });
    const message = "spec.model.components: 5 components, but the dataset has 4 features";
    expectSpecError(() => prepareData(explicit), message);
    expectSpecError(() => prepareDataShape(explicit), message);
    const byDefault = parseJobSpec({
      dataset: { name: "friedman1", featureCount: 5 },
      model: { kind: "vqc", qubits: 8, reduce: "pca" },
    });
    // by default min(qubits, features): 8 qubits on 5 features keep all 5 components
    expect(prepareDataShape(byDefault).featureCount).toBe(5);
    expect(prepareData(byDefault).featureCount).toBe(5);
    expectSpecError(
      () => parseJobSpec({ dataset: { name: "moons" }, model: { components: 2 } }),
      'spec.model.components: only applies with model.reduce "pca" (got 2)',
    );
  });

  it("sizes wide and friedman1 arithmetically exactly as prepareData splits them", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("wide", "friedman1"),
        fc.integer({ min: 8, max: 250 }),
        fc.double({ min: 0.05, max: 0.9, noNaN: true }),
        fc.integer({ min: 2, max: 4 }),
        fc.constantFrom(0, 0.05, 0.5),
        fc.integer({ min: 0, max: 1000 }),
        (name, samples, testFraction, classes, labelNoise, seed) => {
          const input: JobSpecInput = {
            dataset: {
              name,
              samples,
              testFraction,
              seed,
              ...(name === "wide" ? { classes, labelNoise } : { featureCount: 6 }),
            },
            model: { kind: "vqc", scaling: "minmax", reduce: "none" },
          };
          const spec = parseJobSpec(input);
          const data = prepareData(spec);
          expect(prepareDataShape(spec)).toEqual(shapeOfPrepared(data));
        },
      ),
      { numRuns: 60 },
    );
  });
});
