import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createRng, type Rng } from "../../src/random/rng.js";
import { mlpLayout } from "../../src/training/mlp-layout.js";
import { createMlpModel } from "../../src/training/mlp-model.js";
import type { PreparedSplit } from "../../src/training/model.js";
import { parseJobSpec } from "../../src/training/spec.js";
import {
  dataOf,
  gradientCheck,
  randomBatch,
  randomClassification,
  randomRegression,
  uniform,
} from "./mlp-fixtures.js";

// T is the binned last hidden layer throughout this file (the output representation, the
// default, is tested in linear-model.test.ts)
function mlpSpec(hidden: number[], bins = 30) {
  return parseJobSpec({
    dataset: { name: "moons" },
    model: { kind: "mlp", hidden, bins, representation: "hidden" },
  });
}

describe("MLP weight layout and initialisation", () => {
  it("lays out each layer as W (units × inputs, row-major) then b", () => {
    expect(mlpLayout(2, [3], 4)).toEqual([
      { inputs: 2, units: 3, weightOffset: 0, biasOffset: 6 },
      { inputs: 3, units: 4, weightOffset: 9, biasOffset: 21 },
    ]);
    const data = randomClassification(createRng(1), 4, 2, 4);
    const model = createMlpModel(mlpSpec([3, 5]), data);
    // (2+1)·3 + (3+1)·5 + (5+1)·4
    expect(model.weightCount).toBe(9 + 20 + 24);
    expect(model.kind).toBe("mlp");
    expect(model.holevo).toBeUndefined();
    const regression = createMlpModel(mlpSpec([3]), randomRegression(createRng(1), 4, 2));
    expect(regression.weightCount).toBe(9 + 4);
  });

  it("caps I(X;T) at units·log2(bins) of the last hidden layer", () => {
    const data = randomClassification(createRng(1), 4, 2, 2);
    expect(createMlpModel(mlpSpec([7, 4], 16), data).representationBits).toBe(16);
    expect(createMlpModel(mlpSpec([8], 30), data).representationBits).toBeCloseTo(
      8 * Math.log2(30),
      12,
    );
  });

  it("draws Glorot-uniform weights from the rng only: same seed, same weights; biases 0", () => {
    const data = randomClassification(createRng(1), 4, 3, 2);
    const model = createMlpModel(mlpSpec([5, 4]), data);
    const a = model.initialWeights(createRng(123));
    const b = model.initialWeights(createRng(123));
    const c = model.initialWeights(createRng(124));
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    for (const layer of mlpLayout(3, [5, 4], 2)) {
      const limit = Math.sqrt(6 / (layer.inputs + layer.units));
      const w = a.subarray(layer.weightOffset, layer.biasOffset);
      expect(Math.max(...Array.from(w, Math.abs))).toBeLessThanOrEqual(limit);
      // spread over the interval, not a constant
      expect(Math.max(...w) - Math.min(...w)).toBeGreaterThan(limit / 2);
      expect(Array.from(a.subarray(layer.biasOffset, layer.biasOffset + layer.units))).toEqual(
        new Array(layer.units).fill(0),
      );
    }
  });
});

describe("MLP loss and gradient", () => {
  it("computes a hand-checked loss: 1 input, 1 tanh unit, 2 classes", async () => {
    const split: PreparedSplit = {
      samples: 1,
      features: Float64Array.of(0.25),
      labels: Int32Array.of(0),
      infoLabels: Int32Array.of(0),
    };
    const model = createMlpModel(mlpSpec([1]), dataOf(split, 1, 2, 2));
    expect(model.weightCount).toBe(6);
    // hidden: w = 2, b = 0.5; output: W = [1, −1]ᵀ, b = [0, 0.3]
    const weights = Float64Array.of(2, 0.5, 1, -1, 0, 0.3);
    // h = tanh(2·0.25 + 0.5) = tanh 1 = 0.7615941559557649
    // logits z0 = h, z1 = −h + 0.3; loss = −ln softmax_0 = ln(1 + e^{z1 − z0})
    //   z1 − z0 = 0.3 − 2·tanh 1 = −1.2231883119115297, e^{…} = 0.29430…, ln 1.29430… = 0.25796…
    const expected = 0.2579625758721088;
    const gradient = new Float64Array(6);
    const result = await model.lossAndGradient(
      weights,
      split,
      Int32Array.of(0),
      gradient,
      createRng(0),
      0,
    );
    expect(result.loss).toBeCloseTo(expected, 14);
    expect(result.circuitEvaluations).toBe(0);
    // ∂L/∂b_out = softmax − onehot = (p0 − 1, p1), p1 = 1 − e^{−loss}
    const p1 = 1 - Math.exp(-expected);
    expect(gradient[4]).toBeCloseTo(-p1, 14);
    expect(gradient[5]).toBeCloseTo(p1, 14);
    const evaluation = await model.evaluate(weights, split, null, {
      information: false,
      rng: createRng(0),
    });
    expect(evaluation.loss).toBeCloseTo(expected, 14);
    expect(evaluation.accuracy).toBe(1);
    expect(evaluation.information).toBeUndefined();
  });

  it.each([
    [
      "3-class classification",
      (rng: Rng, features: number) => randomClassification(rng, 12, features, 3),
    ],
    ["regression", (rng: Rng, features: number) => randomRegression(rng, 12, features)],
  ] as const)(
    "matches central finite differences: %s (random weights, batches)",
    async (_, randomData) => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: 2 ** 31 }),
          fc.integer({ min: 1, max: 4 }),
          fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }),
          fc.integer({ min: 1, max: 9 }),
          async (seed, features, hidden, batchSize) => {
            const rng = createRng(seed);
            const data = randomData(rng, features);
            const model = createMlpModel(mlpSpec(hidden), data);
            const weights = uniform(rng, model.weightCount, 1.2);
            const batch = randomBatch(rng, 12, batchSize);
            expect(await gradientCheck(model, weights, data.train, batch)).toBeLessThanOrEqual(0);
          },
        ),
        { numRuns: 8 },
      );
    },
  );

  it("matches finite differences through four hidden layers", async () => {
    const rng = createRng(99);
    for (const data of [randomClassification(rng, 10, 3, 3), randomRegression(rng, 10, 3)]) {
      const model = createMlpModel(mlpSpec([4, 3, 5, 2]), data);
      const weights = uniform(rng, model.weightCount, 1);
      const batch = Int32Array.of(0, 3, 3, 7, 9);
      expect(await gradientCheck(model, weights, data.train, batch)).toBeLessThanOrEqual(0);
    }
  });

  it("averages over batches larger than its work buffers (gradient = mean of per-sample gradients)", async () => {
    const rng = createRng(5);
    const data = randomClassification(rng, 600, 2, 3);
    const model = createMlpModel(mlpSpec([4, 3]), data);
    const weights = uniform(rng, model.weightCount, 1);
    const batch = Int32Array.from({ length: 600 }, (_, i) => (i * 7) % 600);
    const gradient = new Float64Array(model.weightCount);
    const { loss } = await model.lossAndGradient(weights, data.train, batch, gradient, rng, 0);
    const mean = new Float64Array(model.weightCount);
    const single = new Float64Array(model.weightCount);
    let meanLoss = 0;
    for (const sample of batch) {
      const r = await model.lossAndGradient(
        weights,
        data.train,
        Int32Array.of(sample),
        single,
        rng,
        0,
      );
      meanLoss += r.loss / batch.length;
      for (let k = 0; k < mean.length; k++) mean[k]! += single[k]! / batch.length;
    }
    expect(loss).toBeCloseTo(meanLoss, 12);
    for (let k = 0; k < mean.length; k++) expect(gradient[k]).toBeCloseTo(mean[k]!, 12);
    const evaluation = await model.evaluate(weights, data.train, batch, {
      information: false,
      rng,
    });
    expect(evaluation.loss).toBeCloseTo(loss, 12);
  });

  it("reaches 100% training accuracy with plain gradient descent on separable data", async () => {
    // three well-separated clusters of four points each
    const centres = [
      [-1, -1],
      [1, -0.5],
      [0, 1.2],
    ];
    const offsets = [
      [0.15, 0.1],
      [-0.1, 0.2],
      [0.2, -0.15],
      [-0.2, -0.1],
    ];
    const features: number[] = [];
    const labels: number[] = [];
    centres.forEach((c, label) => {
      for (const o of offsets) {
        features.push(c[0]! + o[0]!, c[1]! + o[1]!);
        labels.push(label);
      }
    });
    const split: PreparedSplit = {
      samples: 12,
      features: Float64Array.from(features),
      labels: Int32Array.from(labels),
      infoLabels: Int32Array.from(labels),
    };
    const model = createMlpModel(mlpSpec([4]), dataOf(split, 2, 3, 3));
    const rng = createRng(7);
    const weights = model.initialWeights(rng);
    const gradient = new Float64Array(model.weightCount);
    const all = Int32Array.from({ length: 12 }, (_, i) => i);
    const before = await model.evaluate(weights, split, null, { information: false, rng });
    let loss = Number.POSITIVE_INFINITY;
    for (let step = 0; step < 300; step++) {
      loss = (await model.lossAndGradient(weights, split, all, gradient, rng, step)).loss;
      for (let k = 0; k < weights.length; k++) weights[k]! -= 0.5 * gradient[k]!;
    }
    const after = await model.evaluate(weights, split, null, { information: false, rng });
    expect(after.accuracy).toBe(1);
    expect(after.loss).toBeLessThan(0.1);
    expect(after.loss).toBeLessThan(before.loss / 5);
    expect(loss).toBeLessThan(0.1);
  });
});

describe("MLP evaluation", () => {
  it("reports MSE and R² in the target's original units", async () => {
    // targets raw 9, 11, 13, 15 with mean 10, std 2 → standardised −0.5, 0.5, 1.5, 2.5
    const split: PreparedSplit = {
      samples: 4,
      features: Float64Array.of(-1, 0, 1, 2),
      targets: Float64Array.of(-0.5, 0.5, 1.5, 2.5),
      rawTargets: Float64Array.of(9, 11, 13, 15),
      infoLabels: Int32Array.of(0, 0, 1, 1),
    };
    const model = createMlpModel(mlpSpec([1]), dataOf(split, 1, 2, 2, { mean: 10, std: 2 }));
    // every weight 0 except the output bias: prediction 0.5 standardised = 11 raw for all
    const weights = Float64Array.of(0, 0, 0, 0.5);
    const evaluation = await model.evaluate(weights, split, null, {
      information: false,
      rng: createRng(0),
    });
    // standardised residuals 1, 0, −1, −2 → (1 + 0 + 1 + 4)/4
    expect(evaluation.loss).toBeCloseTo(1.5, 14);
    // raw errors 2, 0, −2, −4 → 24/4; R² = 1 − 24/Σ(y − 12)² = 1 − 24/20
    expect(evaluation.mse).toBeCloseTo(6, 14);
    expect(evaluation.r2).toBeCloseTo(-0.2, 14);
    expect(evaluation.accuracy).toBeUndefined();
    expect(evaluation.circuitEvaluations).toBe(0);
    const subset = await model.evaluate(weights, split, Int32Array.of(1, 3), {
      information: false,
      rng: createRng(0),
    });
    expect(subset.mse).toBeCloseTo((0 + 16) / 2, 14);
  });

  describe("information plane of the binned last hidden layer", () => {
    // 2 inputs → 2 tanh units with W = I, b = 0, so activation = tanh(feature); 4 bins over
    // [−1, 1] with centres −0.75, −0.25, 0.25, 0.75. Bin pairs of the 8 samples:
    //   A = (0,0) ×2, B = (3,1) ×2, C = (2,2) ×1, D = (1,3) ×3
    const centre = (k: number) => Math.atanh(-0.75 + 0.5 * k);
    const bins = [
      [0, 0],
      [0, 0],
      [3, 1],
      [3, 1],
      [2, 2],
      [1, 3],
      [1, 3],
      [1, 3],
    ];
    const symbol = [0, 0, 1, 1, 2, 3, 3, 3];
    // H(T) of counts 2, 2, 1, 3 over 8
    const ht = 2 * (2 / 8) * Math.log2(8 / 2) + (1 / 8) * Math.log2(8) + (3 / 8) * Math.log2(8 / 3);

    function setup(infoLabels: number[], infoClasses: number, copies = 1) {
      const rows = Array.from({ length: copies }, () => bins).flat();
      const split: PreparedSplit = {
        samples: rows.length,
        features: Float64Array.from(rows.flatMap((pair) => pair.map(centre))),
        labels: new Int32Array(rows.length),
        infoLabels: Int32Array.from(infoLabels),
      };
      const model = createMlpModel(mlpSpec([2], 4), dataOf(split, 2, 2, infoClasses));
      // hidden W = I, b = 0; output layer (2 × 2 + 2) all 0
      const weights = Float64Array.of(1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0);
      return { model, split, weights };
    }

    it("I(X;T) = H(T) of the binned symbols, exact estimator, |R| = 2·log2 4", async () => {
      const { model, split, weights } = setup([0, 1, 0, 1, 0, 1, 0, 1], 2);
      expect(ht).toBeCloseTo(1.9056390622295665, 14);
      expect(model.representationBits).toBe(4);
      const evaluation = await model.evaluate(weights, split, null, {
        information: true,
        rng: createRng(0),
      });
      const info = evaluation.information!;
      expect(info.ht).toBeCloseTo(ht, 12);
      expect(info.ixt).toBeCloseTo(ht, 12);
      expect(info.hy).toBeCloseTo(1, 14);
      expect(info.estimator).toBe("exact");
      expect(info.shots).toBe(0);
      // the loss of all-zero logits is ln 2 per sample
      expect(evaluation.loss).toBeCloseTo(Math.LN2, 14);
    });

    it("labels independent of T give I(T;Y) = 0", async () => {
      // two copies of the 8 samples, labelled 0 in the first and 1 in the second
      const labels = [...new Array(8).fill(0), ...new Array(8).fill(1)];
      const { model, split, weights } = setup(labels, 2, 2);
      const info = (
        await model.evaluate(weights, split, null, { information: true, rng: createRng(0) })
      ).information!;
      expect(info.ixt).toBeCloseTo(ht, 12);
      expect(info.hy).toBeCloseTo(1, 14);
      expect(info.ity).toBeCloseTo(0, 14);
    });

    it("Y a function of T gives I(T;Y) = H(Y); Y = T gives I(T;Y) = H(T)", async () => {
      // A, B → 0 and C, D → 1: p(y) = (1/2, 1/2)
      const coarse = setup(
        symbol.map((t) => (t < 2 ? 0 : 1)),
        2,
      );
      const info = (
        await coarse.model.evaluate(coarse.weights, coarse.split, null, {
          information: true,
          rng: createRng(0),
        })
      ).information!;
      expect(info.hy).toBeCloseTo(1, 14);
      expect(info.ity).toBeCloseTo(1, 12);
      expect(info.ixt).toBeCloseTo(ht, 12);

      const exact = setup(symbol, 4);
      const same = (
        await exact.model.evaluate(exact.weights, exact.split, null, {
          information: true,
          rng: createRng(0),
        })
      ).information!;
      expect(same.hy).toBeCloseTo(ht, 12);
      expect(same.ity).toBeCloseTo(ht, 12);
    });

    it("measures only the given indices", async () => {
      const { model, split, weights } = setup([0, 1, 0, 1, 0, 1, 0, 1], 2);
      // samples 1, 2, 4, 5: symbols A, B, C, D once each → H(T) = 2; labels 1, 0, 0, 1
      const info = (
        await model.evaluate(weights, split, Int32Array.of(1, 2, 4, 5), {
          information: true,
          rng: createRng(0),
        })
      ).information!;
      expect(info.ixt).toBeCloseTo(2, 12);
      expect(info.hy).toBeCloseTo(1, 14);
      // every sample its own symbol: T determines Y
      expect(info.ity).toBeCloseTo(1, 12);
    });
  });

  it("keeps 0 ≤ I(T;Y) ≤ min(I(X;T), H(Y)) and I(X;T) ≤ min(log2 N, |R|) for random networks", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 2 }),
        fc.integer({ min: 2, max: 12 }),
        fc.integer({ min: 2, max: 300 }),
        async (seed, hidden, bins, samples) => {
          const rng = createRng(seed);
          const data = randomClassification(rng, samples, 2, 3);
          const model = createMlpModel(mlpSpec(hidden, bins), data);
          const weights = uniform(rng, model.weightCount, 2);
          const info = (await model.evaluate(weights, data.train, null, { information: true, rng }))
            .information!;
          expect(info.ity).toBeGreaterThanOrEqual(0);
          expect(info.ity).toBeLessThanOrEqual(info.ixt);
          expect(info.ity).toBeLessThanOrEqual(info.hy + 1e-12);
          expect(info.ixt).toBeCloseTo(info.ht, 12);
          expect(info.ixt).toBeLessThanOrEqual(Math.log2(samples) + 1e-12);
          expect(info.ixt).toBeLessThanOrEqual(model.representationBits + 1e-12);
        },
      ),
      { numRuns: 15 },
    );
  });
});
