/**
 * The VQC's linear encoding (trained φ = W·x + b per encoding angle), balanced class map and
 * multi-qubit regression head: every trainable weight's gradient against central
 * differences of the model's own loss, for adjoint, parameter-shift and SPSA.
 */
import { describe, expect, it } from "vitest";
import { LocalProvider } from "../../providers/local/provider.js";
import { buildAnsatz } from "../../src/circuits/ansatz.js";
import { createRng, type Rng } from "../../src/random/rng.js";
import type { PreparedData, PreparedSplit } from "../../src/training/model.js";
import { REGRESSION_READOUT_QUBITS } from "../../src/training/readout.js";
import { type JobSpecInput, parseJobSpec } from "../../src/training/spec.js";
import { buildVqcCircuits, vqcReadoutQubits } from "../../src/training/vqc-circuits.js";
import { createVqcModel } from "../../src/training/vqc-model.js";

/** The local simulator gives exact probabilities. */
const LOCAL = true;

function randomSplit(rng: Rng, samples: number, features: number, classes: number): PreparedSplit {
  const labels = Int32Array.from({ length: samples }, () => Math.floor(rng.nextFloat() * classes));
  const targets = Float64Array.from({ length: samples }, () => 2 * rng.nextFloat() - 1);
  return {
    samples,
    features: Float64Array.from({ length: samples * features }, () => 2 * rng.nextFloat() - 1),
    labels,
    targets,
    rawTargets: targets,
    infoLabels: labels,
  };
}

function randomData(task: "classification" | "regression", features: number): PreparedData {
  const split = randomSplit(createRng(3), 6, features, 3);
  return {
    task,
    featureCount: features,
    classes: 3,
    infoClasses: 3,
    train: split,
    test: split,
    ...(task === "regression" ? { targetScale: { mean: 0, std: 1 } } : {}),
  };
}

const CASES = [
  {
    name: "classification, linear encoding, balanced map, C = 3 on 2 readout qubits",
    task: "classification",
    features: 5,
    model: { qubits: 3, layers: 2, encoding: "linear", classMap: "balanced" },
  },
  {
    name: "regression, linear encoding, K = 4 readout qubits",
    task: "regression",
    features: 3,
    model: { qubits: 5, layers: 2, encoding: "linear" },
  },
  {
    name: "classification, linear encoding without re-uploading",
    task: "classification",
    features: 2,
    model: { qubits: 2, layers: 2, encoding: "linear", reupload: false, classMap: "balanced" },
  },
  {
    name: "classification, fixed encoding, modulo map",
    task: "classification",
    features: 5,
    model: { qubits: 3, layers: 2, encoding: "fixed", classMap: "modulo" },
  },
] as const;

function modelFor(
  testCase: (typeof CASES)[number],
  gradient: "adjoint" | "parameter-shift" | "spsa",
) {
  const spec = parseJobSpec({
    dataset: { name: "moons" },
    model: testCase.model,
    training: { gradient },
  } as JobSpecInput);
  const data = randomData(testCase.task, testCase.features);
  const model = createVqcModel(spec, data, new LocalProvider(), LOCAL);
  // away from the initial map so W, b and the head all matter
  const rng = createRng(9);
  const weights = model.initialWeights(rng).map((w) => w + 0.4 * (2 * rng.nextFloat() - 1));
  return { spec, data, model, weights };
}

async function lossAt(
  model: ReturnType<typeof modelFor>["model"],
  data: PreparedData,
  weights: Float64Array,
) {
  const evaluation = await model.evaluate(weights, data.train, null, {
    information: false,
    rng: createRng(1),
  });
  return evaluation.loss;
}

describe.each(CASES)("VQC gradients: $name", (testCase) => {
  const batch = Int32Array.from({ length: 6 }, (_, i) => i);

  it("adjoint and parameter-shift (exact) agree with central differences on every weight", async () => {
    const { model, data, weights } = modelFor(testCase, "adjoint");
    const step = 1e-5;
    const numeric = new Float64Array(weights.length);
    for (let k = 0; k < weights.length; k++) {
      const plus = Float64Array.from(weights);
      const minus = Float64Array.from(weights);
      plus[k]! += step;
      minus[k]! -= step;
      numeric[k] =
        ((await lossAt(model, data, plus)) - (await lossAt(model, data, minus))) / (2 * step);
    }
    // the numeric gradient is not trivially zero anywhere it should not be
    expect(numeric.some((g) => Math.abs(g) > 1e-3)).toBe(true);
    for (const gradient of ["adjoint", "parameter-shift"] as const) {
      const built = modelFor(testCase, gradient);
      const analytic = new Float64Array(weights.length);
      const { loss } = await built.model.lossAndGradient(
        weights,
        data.train,
        batch,
        analytic,
        createRng(2),
        0,
      );
      expect(loss).toBeCloseTo(await lossAt(model, data, weights), 12);
      for (let k = 0; k < weights.length; k++) {
        if (!(Math.abs(analytic[k]! - numeric[k]!) < 1e-7)) {
          throw new Error(`${gradient}, weight ${k}: ${analytic[k]} vs ${numeric[k]} numerically`);
        }
      }
    }
  });

  it("SPSA perturbs every weight: its estimate is the central difference along its own Δ", async () => {
    const { model, data, weights } = modelFor(testCase, "spsa");
    const estimate = new Float64Array(weights.length);
    // a late step: c = 0.1 / (k + 1)^0.101 ≈ 0.006, so the difference is nearly ∇L·Δ
    const step = 1e12;
    await model.lossAndGradient(weights, data.train, batch, estimate, createRng(4), step);
    // Δ as the model draws it from the same seed, c = 0.1 / (k + 1)^0.101
    const rng = createRng(4);
    const delta = Float64Array.from(weights, () => (rng.nextFloat() < 0.5 ? -1 : 1));
    const c = 0.1 / (step + 1) ** 0.101;
    const plus = weights.map((w, k) => w + c * delta[k]!);
    const minus = weights.map((w, k) => w - c * delta[k]!);
    const directional =
      ((await lossAt(model, data, plus)) - (await lossAt(model, data, minus))) / (2 * c);
    for (let k = 0; k < weights.length; k++) {
      expect(estimate[k]).toBeCloseTo(directional * delta[k]!, 12);
    }
    // and that difference is the directional derivative ∇L·Δ up to O(c²)
    const exact = new Float64Array(weights.length);
    await modelFor(testCase, "adjoint").model.lossAndGradient(
      weights,
      data.train,
      batch,
      exact,
      createRng(2),
      0,
    );
    const projected = exact.reduce((sum, g, k) => sum + g * delta[k]!, 0);
    expect(Math.abs(directional - projected)).toBeLessThan(0.01 * Math.abs(projected) + 1e-4);
  });
});

describe("the linear encoding", () => {
  it("starts from the fixed map's first pass: one ry(x_q) per qubit, W = √F·[j = q], b = 0", async () => {
    const features = 5;
    const spec = parseJobSpec({
      dataset: { name: "moons" },
      model: { qubits: 3, layers: 2, encoding: "linear", classMap: "balanced" },
    });
    const data = randomData("classification", features);
    const model = createVqcModel(spec, data, new LocalProvider(), LOCAL);
    const weights = model.initialWeights(createRng(1));
    // θ: 2 · 3 · 2 = 12; W: 2 layers · 3 qubits · 5 features = 30; b: 6
    expect(model.weightCount).toBe(12 + 30 + 6);
    const w = Array.from(weights.subarray(12, 42));
    const expected = Array.from({ length: 30 }, (_, i) => {
      const angle = Math.floor(i / features);
      // φ = (1/√F)·W·x + b with the fan-in factor, so √F on the diagonal makes φ_{l,q} = x_q
      return i % features === angle % 3 ? Math.sqrt(features) : 0;
    });
    expect(w).toEqual(expected);
    expect(Array.from(weights.subarray(42))).toEqual([0, 0, 0, 0, 0, 0]);
    // same θ draws as the fixed encoding from the same seed
    const fixed = createVqcModel(
      parseJobSpec({
        dataset: { name: "moons" },
        model: { qubits: 3, layers: 2, encoding: "fixed" },
      }),
      data,
      new LocalProvider(),
      LOCAL,
    );
    expect(Array.from(weights.subarray(0, 12))).toEqual(
      Array.from(fixed.initialWeights(createRng(1))),
    );
  });

  it("builds one ry(φ) per qubit and encoding layer, φ columns first", () => {
    const { circuit, encodingAngleNames, weightNames, inputNames } = buildAnsatz({
      qubits: 2,
      layers: 2,
      features: 7,
      encoding: "linear",
      readoutQubits: [1],
    });
    expect(encodingAngleNames).toEqual(["phi_0_0", "phi_0_1", "phi_1_0", "phi_1_1"]);
    expect(inputNames).toEqual([]);
    expect(circuit.parameters.map((p) => p.name)).toEqual([...encodingAngleNames, ...weightNames]);
    // per layer: 2 ry(φ), 2 × (ry, rz), 1 CX
    expect(circuit.gates.map((g) => g.name).join(" ")).toBe(
      "ry ry ry rz ry rz cx ry ry ry rz ry rz cx",
    );
    const once = buildAnsatz({
      qubits: 2,
      layers: 2,
      features: 7,
      encoding: "linear",
      reupload: false,
      readoutQubits: [1],
    });
    expect(once.encodingAngleNames).toEqual(["phi_0_0", "phi_0_1"]);
  });

  it(`reads regression from the last min(qubits, ${REGRESSION_READOUT_QUBITS}) qubits`, () => {
    const data = { task: "regression", classes: 8 } as const;
    const readout = (qubits: number) =>
      vqcReadoutQubits(parseJobSpec({ dataset: { name: "sine" }, model: { qubits } }), data);
    expect(readout(6)).toEqual([2, 3, 4, 5]);
    expect(readout(2)).toEqual([0, 1]);
    // explicit qubits stay as given
    expect(
      vqcReadoutQubits(
        parseJobSpec({ dataset: { name: "sine" }, model: { qubits: 6, readout: [0] } }),
        data,
      ),
    ).toEqual([0]);
  });

  it("keeps the clear error when the readout register cannot hold the classes", () => {
    const spec = parseJobSpec({
      dataset: { name: "moons" },
      model: { qubits: 3, readout: [2], encoding: "linear", classMap: "balanced" },
    });
    expect(() =>
      buildVqcCircuits(spec, { task: "classification", classes: 3, featureCount: 4 }),
    ).toThrow(
      expect.objectContaining({
        code: "QPLANE_ERR_SPEC_INVALID",
        message: "spec.model.readout: 1 readout qubit(s) give 2 outcomes, fewer than the 3 classes",
      }),
    );
  });
});
