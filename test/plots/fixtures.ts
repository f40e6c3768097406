/** Synthetic epoch records for the plot and run-folder tests. */
import type { EpochRecord } from "../../src/training/records.js";

const base = {
  hy: 1,
  ht: 1.5,
  saturated: false,
  alpha: 0,
  compressionPenalty: 0,
  compressionTarget: null,
  estimator: "exact",
  shots: 0,
  circuitEvaluations: 400,
  submissions: 0,
  shotsUsed: 0,
  estimatedCostUsd: 0,
  elapsedMs: 20,
} as const;

/**
 * Classification run: ixt rises then falls (a compression phase), so x is not monotonic in
 * epoch and a line sorted by x would differ from one ordered by epoch.
 */
export function classificationRecords(
  epochs: number,
  extra: Partial<EpochRecord> = {},
): EpochRecord[] {
  return Array.from({ length: epochs }, (_, index) => {
    const epoch = index + 1;
    const phase = epoch / epochs;
    return {
      ...base,
      epoch,
      trainLoss: 1 / (1 + epoch),
      testLoss: 1.2 / (1 + epoch),
      trainAccuracy: 0.5 + 0.45 * phase,
      testAccuracy: 0.5 + 0.4 * phase,
      learningRate: 0.05,
      ixt: 0.2 + 1.2 * phase * (1.3 - phase),
      ity: 0.05 + 0.6 * phase,
      ...extra,
    };
  });
}

export function regressionRecords(epochs: number, extra: Partial<EpochRecord> = {}): EpochRecord[] {
  return Array.from({ length: epochs }, (_, index) => {
    const epoch = index + 1;
    return {
      ...base,
      epoch,
      trainLoss: 0.5 / epoch,
      testLoss: 0.6 / epoch,
      trainMse: 0.5 / epoch,
      testMse: 0.6 / epoch,
      testR2: 1 - 0.6 / epoch,
      learningRate: 0.02 * (1 + 0.1 / epoch),
      ixt: 1 + 0.5 / epoch,
      ity: 0.3 + 0.02 * epoch,
      hy: 3,
      estimator: "plugin",
      shots: 1024,
      ...extra,
    };
  });
}
