/**
 * `model.initialWeights` of a circuit model: the named weights start at the given values,
 * every other weight exactly where the seeded initialiser puts it without the field, and
 * names that are not weights, or values that are not finite, are refused naming
 * `spec.model.initialWeights.<name>` and the value.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createRng } from "../../src/random/rng.js";
import type { EpochRecord } from "../../src/training/records.js";
import { parseJobSpec } from "../../src/training/spec.js";
import { errorOf } from "../helpers/errors.js";
import { prepareRun, runTraining } from "../local-backend.js";

const FIXTURE = readFileSync(
  new URL("../fixtures/circuits/qiskit-vqc.qasm", import.meta.url),
  "utf8",
);
const SEED = 7;
const spec = (initialWeights?: Record<string, number>) => ({
  dataset: { name: "iris", samples: 150 },
  model: { kind: "circuit", qasm: FIXTURE, ...(initialWeights ? { initialWeights } : {}) },
  training: { epochs: 1, batchSize: 16, seed: SEED },
});
/** The fixture's 16 weights, theta_0 … theta_15, in declaration order. */
const NAMES = Array.from({ length: 16 }, (_, k) => `theta_${k}`);

const withoutTimes = (records: readonly EpochRecord[]) =>
  records.map(({ elapsedMs: _, ...rest }) => rest);

/** `code: message` of the QplaneError `action` throws. */
function refusal(action: () => unknown): string {
  const { code, message } = errorOf(action);
  return `${code}: ${message}`;
}

describe("model.initialWeights", () => {
  it("fixes the named weights and leaves every other where the seeded initialiser puts it", () => {
    const seeded = prepareRun(spec()).model.initialWeights(createRng(SEED));
    const named = prepareRun(spec({ theta_0: 0.1, theta_15: -0.25 })).model.initialWeights(
      createRng(SEED),
    );
    const expected = Array.from(seeded);
    expected[0] = 0.1;
    expected[15] = -0.25;
    expect(Array.from(named)).toEqual(expected);
    expect(seeded[0]).not.toBe(0.1);
  });

  it("all weights named: the seed no longer moves them, and the first epoch is exactly known", async () => {
    const values = Object.fromEntries(NAMES.map((name, k) => [name, 0.1 * (k - 8)]));
    const model = prepareRun(spec(values)).model;
    const expected = NAMES.map((_, k) => 0.1 * (k - 8));
    expect(Array.from(model.initialWeights(createRng(1)))).toEqual(expected);
    expect(Array.from(model.initialWeights(createRng(2)))).toEqual(expected);
    const { result } = await runTraining(spec(values));
    const [first] = result.records;
    expect(first).toMatchObject({
      epoch: 1,
      trainLoss: FIRST_EPOCH.trainLoss,
      testLoss: FIRST_EPOCH.testLoss,
      trainAccuracy: FIRST_EPOCH.trainAccuracy,
      testAccuracy: FIRST_EPOCH.testAccuracy,
    });
  });

  it("naming every weight at its seeded value trains bit for bit like the spec without the field", async () => {
    const seeded = prepareRun(spec()).model.initialWeights(createRng(SEED));
    const values = Object.fromEntries(NAMES.map((name, k) => [name, seeded[k]!]));
    const [without, withValues] = await Promise.all([
      runTraining(spec()),
      runTraining(spec(values)),
    ]);
    expect(Array.from(withValues.result.weights)).toEqual(Array.from(without.result.weights));
    expect(withoutTimes(withValues.result.records)).toEqual(withoutTimes(without.result.records));
  });

  it("refuses a name that is not a weight, naming the field and the value", () => {
    expect(refusal(() => prepareRun(spec({ theta_16: 0.5 })))).toBe(
      "QPLANE_ERR_SPEC_INVALID: spec.model.initialWeights.theta_16: the program declares no input theta_16 (got 0.5; weights: theta_0, theta_1, theta_2, theta_3, theta_4, theta_5, theta_6, theta_7, … (16 in all))",
    );
    expect(refusal(() => prepareRun(spec({ x2: 1 })))).toBe(
      "QPLANE_ERR_SPEC_INVALID: spec.model.initialWeights.x2: input x2 receives feature 2; only weights take initial values (got 1; weights: theta_0, theta_1, theta_2, theta_3, theta_4, theta_5, theta_6, theta_7, … (16 in all))",
    );
  });

  it("refuses non-finite values and the field on a built-in model", () => {
    expect(refusal(() => parseJobSpec(spec({ theta_3: Number.POSITIVE_INFINITY })))).toBe(
      "QPLANE_ERR_SPEC_INVALID: spec.model.initialWeights.theta_3: Invalid input: expected number, received Infinity (got Infinity)",
    );
    expect(refusal(() => parseJobSpec(spec({ theta_3: Number.NaN })))).toBe(
      "QPLANE_ERR_SPEC_INVALID: spec.model.initialWeights.theta_3: Invalid input: expected number, received NaN (got NaN)",
    );
    expect(
      refusal(() =>
        parseJobSpec({ dataset: { name: "iris" }, model: { initialWeights: { theta_0: 1 } } }),
      ),
    ).toBe(
      'QPLANE_ERR_SPEC_INVALID: spec.model.initialWeights: only applies to model.kind "circuit" (got {"theta_0":1})',
    );
  });
});

/** Epoch 1 from θ_k = 0.1·(k − 8), seed 7 (the batch order): measured once, exact. */
const FIRST_EPOCH = {
  trainLoss: 0.8404133346123697,
  testLoss: 0.8649088945612965,
  trainAccuracy: 0.7567567567567568,
  testAccuracy: 0.7948717948717948,
};
