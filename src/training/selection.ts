/**
 * Which epoch a run reports (`training.select`): the last one, or the one with the best
 * validation metric. Selection reads only validation fields, never the test split's.
 */
import type { EpochRecord } from "./records.js";
import type { TrainingSpec } from "./spec.js";

/** The validation metric that ranks epochs (higher is better): accuracy, or R² for regression. */
function validationScore(record: EpochRecord): number {
  return record.validationAccuracy ?? record.validationR2 ?? Number.NaN;
}

/**
 * True when `candidate` beats `best` on validation: a higher accuracy / R², then a lower
 * validation loss; an equal record keeps the earlier epoch (`best`). NaN scores never win.
 */
function beats(candidate: EpochRecord, best: EpochRecord): boolean {
  const score = validationScore(candidate);
  const bestScore = validationScore(best);
  if (Number.isNaN(score)) return false;
  if (Number.isNaN(bestScore) || score > bestScore) return true;
  if (score < bestScore) return false;
  return (candidate.validationLoss ?? Number.NaN) < (best.validationLoss ?? Number.NaN);
}

/**
 * The record the summary reports: the last, or with `best-validation` the best validation
 * accuracy (classification) / R² (regression), ties to the lower validation loss, then to the
 * earlier epoch. Undefined when there are no records.
 * @throws Error when `best-validation` meets records without validation metrics (the spec
 * refuses best-validation without a validation split, so this is a programming error).
 */
export function selectRecord(
  records: readonly EpochRecord[],
  select: TrainingSpec["select"],
): EpochRecord | undefined {
  if (select === "last" || records.length === 0) return records.at(-1);
  let best = records[0]!;
  for (const record of records) {
    if (record.validationLoss === undefined) {
      throw new Error(`selectRecord: epoch ${record.epoch} has no validation metrics`);
    }
    if (beats(record, best)) best = record;
  }
  return best;
}
