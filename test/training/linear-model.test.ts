import fc from "fast-check";
import { Matrix, solve } from "ml-matrix";
import { describe, expect, it } from "vitest";
import { QplaneError } from "../../src/errors/catalogue.js";
import { createRng } from "../../src/random/rng.js";
import {
  estimateJobCost,
  MLP_OPERATIONS_PER_MULTIPLY_ADD,
  SAMPLE_OVERHEAD_OPERATIONS,
  STEP_OVERHEAD_OPERATIONS,
} from "../../src/training/cost.js";
import { isSaturated } from "../../src/training/information.js";
import { trainModel } from "../../src/training/loop.js";
import { mlpLayout } from "../../src/training/mlp-layout.js";
import { createMlpModel } from "../../src/training/mlp-model.js";
import type { PreparedData, PreparedSplit } from "../../src/training/model.js";
import { planRun } from "../../src/training/plan.js";
import { prepareDataShape } from "../../src/training/prepare.js";
import { jobCostOf } from "../../src/training/sizing.js";
import { type JobSpecInput, parseJobSpec } from "../../src/training/spec.js";
import { LOCAL_PROVIDER, prepareRun } from "../local-backend.js";
import {
  dataOf,
  gradientCheck,
  randomBatch,
  randomClassification,
  randomRegression,
  uniform,
} from "./mlp-fixtures.js";

type ModelInput = NonNullable<JobSpecInput["model"]>;

/** A spec for the classical models; every model field the tests depend on is set explicitly. */
function specOf(model: ModelInput, training: JobSpecInput["training"] = {}) {
  return parseJobSpec({
    dataset: { name: "moons" },
    model: { representation: "output", l2: 0, bins: 30, ...model },
    training,
  });
}

const linear = (extra: ModelInput = {}) => specOf({ kind: "linear", ...extra });

/** Binary entropy in bits. */
const h2 = (p: number) => -p * Math.log2(p) - (1 - p) * Math.log2(1 - p);

describe("linear model: layout, spec and cost", () => {
  it("is the MLP with no hidden layer: C·(F + 1) weights, or F + 1 for regression", () => {
    const data = randomClassification(createRng(1), 6, 4, 3);
    const model = createMlpModel(linear(), data);
    expect(model.kind).toBe("linear");
    expect(model.weightCount).toBe(3 * (4 + 1));
    expect(mlpLayout(4, [], 3)).toEqual([{ inputs: 4, units: 3, weightOffset: 0, biasOffset: 12 }]);
    // two classes keep two logits (softmax, not one sigmoid unit)
    expect(createMlpModel(linear(), randomClassification(createRng(1), 6, 4, 2)).weightCount).toBe(
      10,
    );
    const regression = createMlpModel(linear({ bins: 16 }), randomRegression(createRng(1), 6, 4));
    expect(regression.weightCount).toBe(5);
    // |R|: log2 C for the sampled class, log2 B for the binned regression output
    expect(model.representationBits).toBeCloseTo(Math.log2(3), 14);
    expect(regression.representationBits).toBe(4);
    expect(
      createMlpModel(specOf({ kind: "mlp", hidden: [5] }), data).representationBits,
    ).toBeCloseTo(Math.log2(3), 14);
  });

  it("initialises Glorot-uniform weights and zero biases", () => {
    const data = randomClassification(createRng(1), 6, 4, 3);
    const weights = createMlpModel(linear(), data).initialWeights(createRng(3));
    const limit = Math.sqrt(6 / (4 + 3));
    const w = weights.subarray(0, 12);
    expect(Math.max(...Array.from(w, Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...w) - Math.min(...w)).toBeGreaterThan(limit / 2);
    expect(Array.from(weights.subarray(12))).toEqual([0, 0, 0]);
  });

  it("refuses representation hidden for a linear model, naming the field", () => {
    const input = {
      dataset: { name: "moons" },
      model: { kind: "linear", representation: "hidden" },
    };
    expect(() => parseJobSpec(input)).toThrow(QplaneError);
    expect(() => parseJobSpec(input)).toThrow(/spec\.model\.representation: .*no hidden layer/);
    // a spec assembled without the schema is refused by the model too
    const spec = linear();
    const unchecked = { ...spec, model: { ...spec.model, representation: "hidden" as const } };
    const data = randomClassification(createRng(1), 6, 2, 2);
    expect(() => createMlpModel(unchecked, data)).toThrow(/spec\.model\.representation/);
    // l2 must be ≥ 0
    expect(() => linear({ l2: -0.1 })).toThrow(/spec\.model\.l2/);
  });

  it("prices the linear model as the MLP with no hidden layer", () => {
    // sine, 8 samples: 6 train, 2 test; 1 input → 1 output: 2 weights; batches 4 + 2
    const spec = parseJobSpec({
      dataset: { name: "sine", samples: 8 },
      model: { kind: "linear", representation: "output" },
      training: { epochs: 2, batchSize: 4 },
    });
    const data = prepareDataShape(spec);
    const cost = jobCostOf(spec, LOCAL_PROVIDER);
    expect(cost).toEqual(
      estimateJobCost({ spec, data, model: { kind: "mlp", layers: mlpLayout(1, [], 1) } }),
    );
    const overhead = 2 * STEP_OVERHEAD_OPERATIONS + (2 * 6 + 2) * SAMPLE_OVERHEAD_OPERATIONS;
    // 3 multiply-adds per weight and training sample, 1 per evaluated sample (6 + 2)
    expect(cost.amplitudeOperations).toBe(
      2 * ((3 * 6 + 8) * 2 * MLP_OPERATIONS_PER_MULTIPLY_ADD + overhead),
    );
    // features 8 × 1 × 8 × 2, weights 2 × 8, T = the output of the 6 training samples 6 × 8
    expect(cost.peakMemoryBytes).toBe(128 + 16 + 48);
    expect(cost.drivers).toMatchObject({ "model.kind": "linear", "dataset.samples": 8 });
  });

  it("builds without a provider scope in prepareRun and plans no provider work", async () => {
    const prepared = prepareRun({
      dataset: { name: "iris" },
      model: { kind: "linear", representation: "output" },
    });
    expect(prepared.model.kind).toBe("linear");
    expect(prepared.scope).toBeUndefined();
    expect(prepared.model.weightCount).toBe(3 * (prepared.data.featureCount + 1));
    const plan = await planRun(prepared);
    const cost = jobCostOf(prepared.spec, LOCAL_PROVIDER);
    expect(plan).toMatchObject({
      amplitudeOperations: cost.amplitudeOperations,
      peakMemoryBytes: cost.peakMemoryBytes,
      totalSubmissions: 0,
      totalShots: 0,
      estimatedCostUsd: 0,
    });
  });
});

describe("L2 penalty", () => {
  it("adds (l2/2)·Σ W² over the weight matrices, not the biases, to the training loss", async () => {
    const rng = createRng(11);
    const data = randomClassification(rng, 10, 3, 3);
    const plain = createMlpModel(specOf({ kind: "mlp", hidden: [4] }), data);
    const ridge = createMlpModel(specOf({ kind: "mlp", hidden: [4], l2: 0.3 }), data);
    const weights = uniform(rng, plain.weightCount, 1);
    const batch = Int32Array.of(0, 2, 5, 9);
    const g0 = new Float64Array(plain.weightCount);
    const g1 = new Float64Array(plain.weightCount);
    const a = await plain.lossAndGradient(weights, data.train, batch, g0, rng, 0);
    const b = await ridge.lossAndGradient(weights, data.train, batch, g1, rng, 0);
    // layout: hidden W 4×3 at 0..11, b at 12..15; output W 3×4 at 16..27, b at 28..30
    const isWeight = (k: number) => k < 12 || (k >= 16 && k < 28);
    let squares = 0;
    for (let k = 0; k < weights.length; k++) if (isWeight(k)) squares += weights[k]! ** 2;
    expect(b.loss).toBeCloseTo(a.loss + 0.15 * squares, 13);
    for (let k = 0; k < weights.length; k++) {
      expect(g1[k]).toBeCloseTo(g0[k]! + (isWeight(k) ? 0.3 * weights[k]! : 0), 13);
    }
    // evaluation reports L_err alone
    const options = { information: false, rng };
    expect((await ridge.evaluate(weights, data.train, null, options)).loss).toBeCloseTo(
      (await plain.evaluate(weights, data.train, null, options)).loss,
      14,
    );
  });

  it("matches central finite differences with l2 > 0: linear and MLP, both tasks", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom("linear", "mlp" as const),
        fc.boolean(),
        fc.double({ min: 0.01, max: 2, noNaN: true }),
        async (seed, features, kind, regression, l2) => {
          const rng = createRng(seed);
          const data = regression
            ? randomRegression(rng, 12, features)
            : randomClassification(rng, 12, features, 3);
          const model = createMlpModel(specOf({ kind, hidden: [3, 2], l2 }), data);
          const weights = uniform(rng, model.weightCount, 1.2);
          const batch = randomBatch(rng, 12, 5);
          expect(await gradientCheck(model, weights, data.train, batch)).toBeLessThanOrEqual(0);
        },
      ),
      { numRuns: 16 },
    );
  });

  it("reaches the closed-form ridge solution by full-batch gradient descent in the loop", async () => {
    // loss(w, b) = (1/N) Σ (w·x_i + b − y_i)² + (λ/2)‖w‖². Setting its gradient to 0 and
    // multiplying by N/2: (XᵀX + (Nλ/2)·I) w + Xᵀ1·b = Xᵀy and 1ᵀX·w + N·b = 1ᵀy
    const samples = 20;
    const l2 = 0.4;
    const rng = createRng(21);
    const features = uniform(rng, samples * 2, 1.5);
    const targets = Float64Array.from(
      { length: samples },
      (_, i) => 0.8 * features[2 * i]! - 0.5 * features[2 * i + 1]! + 0.3 + 0.2 * rng.nextFloat(),
    );
    const split: PreparedSplit = {
      samples,
      features,
      targets,
      rawTargets: targets,
      infoLabels: Int32Array.from(targets, (t) => (t > 0.3 ? 1 : 0)),
    };
    const data = dataOf(split, 2, 2, 2, { mean: 0, std: 1 });
    const rows = Array.from({ length: samples }, (_, i) => [
      features[2 * i]!,
      features[2 * i + 1]!,
      1,
    ]);
    const design = new Matrix(rows);
    const normal = design.transpose().mmul(design);
    for (let j = 0; j < 2; j++) normal.set(j, j, normal.get(j, j) + (samples * l2) / 2);
    const right = design.transpose().mmul(Matrix.columnVector(Array.from(targets)));
    const exact = solve(normal, right).to1DArray();

    const spec = linear({ l2 });
    const trained = parseJobSpec({
      ...spec,
      training: { optimizer: "sgd", learningRate: 0.3, batchSize: samples, epochs: 300, seed: 4 },
    });
    const model = createMlpModel(trained, data);
    const result = await trainModel(trained, data, model);
    // layout: W (1 × 2) then b
    const [w1, w2, b] = Array.from(result.weights);
    expect(Math.abs(w1! - exact[0]!)).toBeLessThan(1e-3);
    expect(Math.abs(w2! - exact[1]!)).toBeLessThan(1e-3);
    expect(Math.abs(b! - exact[2]!)).toBeLessThan(1e-3);
    // the penalty shrinks the weights: the unpenalised least-squares slope is larger
    const unpenalised = solve(
      design.transpose().mmul(design),
      design.transpose().mmul(Matrix.columnVector(Array.from(targets))),
    ).to1DArray();
    expect(Math.abs(exact[0]!)).toBeLessThan(Math.abs(unpenalised[0]!) - 0.01);
  });
});

/** Three linearly separable clusters in 2-D (centres far apart, noise ±0.7 per axis). */
function separable(samples: number, seed: number): PreparedSplit {
  const rng = createRng(seed);
  const centres = [
    [-2, -1],
    [2, -1],
    [0, 2],
  ];
  const features = new Float64Array(samples * 2);
  const labels = new Int32Array(samples);
  for (let i = 0; i < samples; i++) {
    const label = i % 3;
    labels[i] = label;
    features[2 * i] = centres[label]![0]! + (2 * rng.nextFloat() - 1) * 0.7;
    features[2 * i + 1] = centres[label]![1]! + (2 * rng.nextFloat() - 1) * 0.7;
  }
  return { samples, features, labels, infoLabels: labels };
}

describe("softmax regression", () => {
  it("separates linearly separable classes: 100% train and test accuracy", async () => {
    const data: PreparedData = {
      task: "classification",
      featureCount: 2,
      classes: 3,
      infoClasses: 3,
      train: separable(90, 1),
      test: separable(60, 2),
    };
    const spec = parseJobSpec({
      dataset: { name: "moons" },
      model: { kind: "linear", representation: "output", l2: 0 },
      training: { optimizer: "adam", learningRate: 0.05, batchSize: 16, epochs: 40 },
    });
    const result = await trainModel(spec, data, createMlpModel(spec, data));
    const last = result.records.at(-1)!;
    expect(last.trainAccuracy).toBe(1);
    expect(last.testAccuracy).toBe(1);
    expect(last.trainLoss).toBeLessThan(0.1);
    // T = the sampled class: I(X;T) ≤ log2 3, and nearly all of it about Y
    expect(last.ixt).toBeLessThanOrEqual(Math.log2(3) + 1e-12);
    expect(last.ity).toBeGreaterThan(0.9 * Math.log2(3));
    expect(last.estimator).toBe("exact");
  });
});

describe("T = the class sampled from the softmax output", () => {
  it("gives the exact I(X;T), I(T;Y) of hand-set softmax probabilities", async () => {
    // 1 feature, 2 classes, W = (1, −1), b = 0: logits (x, −x), p(t=0|x) = σ(2x).
    // x = 0 → (1/2, 1/2); x = ln(3)/2 → (3/4, 1/4); labels 0, 1 (so Y identifies X).
    const split: PreparedSplit = {
      samples: 2,
      features: Float64Array.of(0, Math.log(3) / 2),
      labels: Int32Array.of(0, 1),
      infoLabels: Int32Array.of(0, 1),
    };
    const model = createMlpModel(linear(), dataOf(split, 1, 2, 2));
    const weights = Float64Array.of(1, -1, 0, 0);
    const info = (
      await model.evaluate(weights, split, null, { information: true, rng: createRng(0) })
    ).information!;
    // p(t) = (5/8, 3/8); H(T|X) = (1 + h(1/4))/2
    const ht = h2(3 / 8);
    const ixt = ht - 0.5 * (1 + h2(1 / 4));
    expect(ixt).toBeCloseTo(0.0488, 4);
    expect(info.ht).toBeCloseTo(ht, 13);
    expect(info.ixt).toBeCloseTo(ixt, 13);
    expect(info.ity).toBeCloseTo(ixt, 13);
    expect(info.hy).toBeCloseTo(1, 14);
    expect(info.estimator).toBe("exact");
    expect(info.shots).toBe(0);
  });

  it("stays within [0, log2 C], with I(T;Y) ≤ I(X;T), for any weights (linear and MLP)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.integer({ min: 2, max: 6 }),
        fc.constantFrom("linear", "mlp" as const),
        fc.double({ min: 0.1, max: 20, noNaN: true }),
        async (seed, classes, kind, scale) => {
          const rng = createRng(seed);
          const data = randomClassification(rng, 15, 3, classes);
          const model = createMlpModel(specOf({ kind, hidden: [4] }), data);
          expect(model.representationBits).toBeCloseTo(Math.log2(classes), 14);
          const weights = uniform(rng, model.weightCount, scale);
          const info = (await model.evaluate(weights, data.train, null, { information: true, rng }))
            .information!;
          expect(info.ixt).toBeGreaterThanOrEqual(-1e-12);
          expect(info.ixt).toBeLessThanOrEqual(Math.log2(classes) + 1e-12);
          expect(info.ity).toBeLessThanOrEqual(info.ixt + 1e-12);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("bins the standardised regression prediction over [−3, 3] (beyond: the end bins)", async () => {
    // w = 1, b = 0: prediction = feature; 6 bins of width 1 over [−3, 3]
    // −3.5 → 0, −0.5 → 2, 0.2 → 3, 0.7 → 3, 2.9 → 5, 10 → 5: counts 1, 1, 2, 2 over 6
    const x = [-3.5, -0.5, 0.2, 0.7, 2.9, 10];
    const split: PreparedSplit = {
      samples: 6,
      features: Float64Array.from(x),
      targets: Float64Array.from(x),
      rawTargets: Float64Array.from(x),
      infoLabels: Int32Array.of(0, 0, 1, 1, 1, 1),
    };
    const model = createMlpModel(linear({ bins: 6 }), dataOf(split, 1, 2, 2, { mean: 0, std: 1 }));
    expect(model.representationBits).toBeCloseTo(Math.log2(6), 14);
    const info = (
      await model.evaluate(Float64Array.of(1, 0), split, null, {
        information: true,
        rng: createRng(0),
      })
    ).information!;
    const ht = 2 * (1 / 6) * Math.log2(6) + 2 * (2 / 6) * Math.log2(3);
    expect(info.ixt).toBeCloseTo(ht, 13);
    expect(info.ht).toBeCloseTo(ht, 13);
    // Y = 0 holds bins {0, 2}, Y = 1 holds {3, 5}: T determines Y, I(T;Y) = H(Y)
    expect(info.ity).toBeCloseTo(h2(1 / 3), 13);
  });
});

describe("output T in paced passes", () => {
  it("gives the same evaluation in passes of one sample as in passes of 256", async () => {
    const rng = createRng(17);
    for (const [data, kind] of [
      [randomClassification(rng, 300, 3, 4), "linear"],
      [randomRegression(rng, 300, 3), "mlp"],
    ] as const) {
      const spec = specOf({ kind, hidden: [5], bins: 12 });
      const whole = createMlpModel(spec, data);
      const oneByOne = createMlpModel(spec, data, { chunkOperations: 1 });
      const weights = uniform(rng, whole.weightCount, 1.5);
      const options = { information: true, rng };
      const a = await whole.evaluate(weights, data.train, null, options);
      expect(await oneByOne.evaluate(weights, data.train, null, options)).toEqual(a);
      expect(a.information!.ixt).toBeGreaterThan(0.1);
    }
  });
});

describe("saturated flag", () => {
  it("is I(X;T) ≥ 0.9·log2 N", () => {
    expect(isSaturated(0.9 * Math.log2(32), 32)).toBe(true);
    expect(isSaturated(0.9 * Math.log2(32) - 1e-9, 32)).toBe(false);
    expect(isSaturated(Math.log2(3), 100)).toBe(false);
  });

  it("is set for the MLP's binned hidden layer on a small set, not for the linear model's output T", async () => {
    const data = randomClassification(createRng(8), 40, 3, 3);
    const training = { epochs: 2, batchSize: 8 };
    const hidden = parseJobSpec({
      dataset: { name: "moons" },
      model: { kind: "mlp", hidden: [8], bins: 30, representation: "hidden" },
      training,
    });
    const mlp = await trainModel(hidden, data, createMlpModel(hidden, data));
    // 40 samples, 8 units × 30 bins: every sample gets its own binned vector
    for (const record of mlp.records) {
      expect(record.ixt).toBeCloseTo(Math.log2(40), 12);
      expect(record.saturated).toBe(true);
    }
    const output = linear();
    const trained = parseJobSpec({ ...output, training });
    const plain = await trainModel(trained, data, createMlpModel(trained, data));
    for (const record of plain.records) {
      expect(record.ixt).toBeLessThanOrEqual(Math.log2(3) + 1e-12);
      expect(record.saturated).toBe(false);
    }
  });

  it("counts the samples of the split I(X;T) is measured on", async () => {
    // 40 train, 6 test samples; measured on test: log2 6 ≈ 2.58, 0.9 of it ≈ 2.33
    const train = randomClassification(createRng(2), 40, 3, 3).train;
    const test = randomClassification(createRng(3), 6, 3, 3).train;
    const data: PreparedData = { ...dataOf(train, 3, 3, 3), test };
    const spec = parseJobSpec({
      dataset: { name: "moons" },
      model: { kind: "mlp", hidden: [8], bins: 30, representation: "hidden" },
      training: { epochs: 1 },
      infoPlane: { split: "test" },
    });
    const [record] = (await trainModel(spec, data, createMlpModel(spec, data))).records;
    expect(record!.ixt).toBeCloseTo(Math.log2(6), 12);
    expect(record!.saturated).toBe(true);
  });
});
