import { newJobId } from "../../src/jobs/ids.js";
import { queuedJobRecord } from "../../src/jobs/queued-record.js";
import type { JobRecord } from "../../src/jobs/types.js";
import type { EpochRecord } from "../../src/training/records.js";
import type { JobSpec } from "../../src/training/spec.js";

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

/**
 * A queued job record created at `atMs` (its id from that time) as the store held it before
 * spec hashes (none), `fields` on top.
 */
export function unhashedJobRecord(
  spec: JobSpec,
  atMs: number,
  fields: Partial<JobRecord> = {},
): JobRecord {
  const createdAt = new Date(atMs).toISOString();
  const { specHash: _none, ...record } = queuedJobRecord({
    id: newJobId(atMs),
    name: null,
    tags: [],
    spec,
    owner: null,
    createdAt,
  });
  return { ...record, ...fields };
}
