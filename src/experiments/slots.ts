/**
 * The slots of an experiment's children. Each child has a SLOT, a stable position in its arm:
 * `r<replicateIndex>` or, in a tuned arm, `r<replicateIndex>.c<candidateIndex>` (0-based).
 * What was LAUNCHED is the record itself: arms[i].jobIds with the parallel arms[i].slots (old
 * records without slots: jobIds[i] is slot `r<i>`) and arms[i].unrunnable.
 */
import type { ExperimentRecord, GridValue } from "./types.js";

/** One planned child: its arm, slot and (tuned arms) candidate. */
export interface PlannedChild {
  readonly armIndex: number;
  readonly slot: string;
  readonly replicate: GridValue | null;
  readonly replicateIndex: number;
  /** Null outside tuned arms. */
  readonly candidateIndex: number | null;
}

export function slotOf(replicateIndex: number, candidateIndex: number | null): string {
  return candidateIndex === null ? `r${replicateIndex}` : `r${replicateIndex}.c${candidateIndex}`;
}

export function replicatesOf(record: Pick<ExperimentRecord, "grid" | "replicateField">) {
  return record.grid[record.replicateField] ?? [null];
}

/** Every child of the record, launched or not: arm-major, then seed, then candidate. */
export function plannedChildren(record: ExperimentRecord): PlannedChild[] {
  const replicates = replicatesOf(record);
  return record.arms.flatMap((arm, armIndex) =>
    replicates.flatMap((replicate, replicateIndex) => {
      const candidates = arm.tuning?.candidates.length;
      const indices = candidates === undefined ? [null] : [...Array(candidates).keys()];
      return indices.map((candidateIndex) => ({
        armIndex,
        slot: slotOf(replicateIndex, candidateIndex),
        replicate,
        replicateIndex,
        candidateIndex,
      }));
    }),
  );
}

/** How many children the experiment has in all, deferred ones included (for limits). */
export function plannedChildCount(record: ExperimentRecord): number {
  const replicates = replicatesOf(record).length;
  return record.arms.reduce(
    (total, arm) => total + replicates * (arm.tuning?.candidates.length ?? 1),
    0,
  );
}
