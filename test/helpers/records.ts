import type { EpochRecord } from "../../src/training/records.js";

/** An epoch record with neutral filler in every field a test does not set. */
export function fillerRecord(epoch: number, fields: Partial<EpochRecord> = {}): EpochRecord {
  return {
    epoch,
    trainLoss: 1,
    testLoss: 1,
    learningRate: 0.1,
    ixt: 0,
    ity: 0,
    hy: 1,
    ht: 0,
    saturated: false,
    compressionPenalty: 0,
    compressionTarget: null,
    alpha: 1,
    estimator: "exact",
    shots: 0,
    circuitEvaluations: 0,
    submissions: 0,
    shotsUsed: 0,
    estimatedCostUsd: 0,
    elapsedMs: 1,
    ...fields,
  };
}
