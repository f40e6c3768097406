import { describe, expect, it } from "vitest";
import { stepsToExperimentThreshold, stepsToThreshold } from "../../src/experiments/aggregate.js";
import type { EpochRecord } from "../../src/training/records.js";
import { fillerRecord } from "../helpers/records.js";

function record(epoch: number, fields: Partial<EpochRecord>): EpochRecord {
  return fillerRecord(epoch, { step: epoch * 7, ...fields });
}

describe("stepsToThreshold", () => {
  // the test metric reaches 0.9 at epoch 1; validation only at epoch 3; train at epoch 2
  const records = [
    record(1, {
      testAccuracy: 0.95,
      trainAccuracy: 0.5,
      validationAccuracy: 0.5,
      validationLoss: 0.9,
    }),
    record(2, {
      testAccuracy: 0.95,
      trainAccuracy: 0.92,
      validationAccuracy: 0.85,
      validationLoss: 0.5,
    }),
    record(3, {
      testAccuracy: 0.95,
      trainAccuracy: 0.93,
      validationAccuracy: 0.91,
      validationLoss: 0.3,
    }),
  ];

  it("measures on the validation split when present, never on the test split", () => {
    expect(stepsToThreshold(records, "accuracy", 0.9)).toEqual({
      steps: 21,
      censored: false,
      split: "validation",
    });
    expect(stepsToThreshold(records, "loss", 0.5)).toEqual({
      steps: 14,
      censored: false,
      split: "validation",
    });
  });

  it("censors a run that never reaches the threshold at its last step (not dropped)", () => {
    expect(stepsToThreshold(records, "accuracy", 0.99)).toEqual({
      steps: 21,
      censored: true,
      split: "validation",
    });
  });

  it("without a validation split: the training metric; R² needs validation", () => {
    const plain = records.map(({ validationAccuracy, validationLoss, ...rest }) => rest);
    expect(stepsToThreshold(plain, "accuracy", 0.9)).toEqual({
      steps: 14,
      censored: false,
      split: "train",
    });
    expect(stepsToThreshold(plain, "mse", 0.1)).toEqual({
      steps: 21,
      censored: true,
      split: "train",
    });
    expect(() => stepsToThreshold(plain, "r2", 0.5)).toThrow(RangeError);
  });

  it("null for no records, or records from before `step` existed", () => {
    expect(stepsToThreshold([], "accuracy", 0.5)).toBeNull();
    const { step, ...old } = records[0]!;
    expect(stepsToThreshold([old], "accuracy", 0.5)).toBeNull();
  });

  it("reads an experiment threshold split-free: testAccuracy means validation accuracy", () => {
    // the test accuracy is 0.95 from epoch 1; validation reaches 0.9 at epoch 3 (step 21)
    expect(stepsToExperimentThreshold(records, { metric: "testAccuracy", value: 0.9 })).toEqual({
      steps: 21,
      censored: false,
      split: "validation",
    });
    expect(stepsToExperimentThreshold(records, { metric: "trainLoss", value: 0.5 })).toEqual({
      steps: 14,
      censored: false,
      split: "validation",
    });
    // R² without a validation split: nothing to count on (null, not a throw)
    const plain = records.map(({ validationAccuracy, validationLoss, ...rest }) => rest);
    expect(stepsToExperimentThreshold(plain, { metric: "testR2", value: 0.5 })).toBeNull();
  });
});
