/**
 * Lookups over one experiment record and its children's outcomes, pure and memoised for one
 * call (Derivations): slot states, a tuned arm's selected child per seed, and the spec of a
 * grid arm's child. OUTCOMES are keyed by child id (job id in the service, child folder id in
 * the CLI); a launched child without an outcome is running. A tuned arm's selected child of a
 * seed is the candidate with the best validation metric at its selected epoch (accuracy, or
 * R² for regression; ties: lower validation loss, then the earlier candidate); failed
 * candidates are skipped. Never the test split.
 */
import { QplaneError } from "../errors/catalogue.js";
import { at, present } from "../errors/checked.js";
import type { EpochRecord } from "../training/records.js";
import { describeSpecIssues, type JobSpec, jobSpecSchema } from "../training/spec.js";
import { describeGridValue, replicateValues } from "./grid.js";
import {
  applyValues,
  inheritedFields,
  type SpecSections,
  usesBaselineTarget,
} from "./plan-record.js";
import { replicatesOf, slotOf } from "./slots.js";
import type { ChildOutcome, ExperimentRecord, GridValue } from "./types.js";

/** The epoch record a run's test metrics follow: summary.selectedEpoch's, else the last. */
export function selectedEpochRecord(outcome: ChildOutcome): EpochRecord | undefined {
  const epoch = outcome.summary?.selectedEpoch;
  return (
    (epoch === undefined ? undefined : outcome.records.find((record) => record.epoch === epoch)) ??
    outcome.records.at(-1)
  );
}

export type Selection =
  | { readonly kind: "pending" }
  | { readonly kind: "none"; readonly message: string }
  | {
      readonly kind: "selected";
      readonly candidateIndex: number | null;
      readonly jobId: string;
      readonly outcome: ChildOutcome;
    };

/** A launched or unrunnable slot's state, read from the outcomes. */
type SlotState =
  | { readonly kind: "unlaunched" | "running" | "failed" }
  | { readonly kind: "completed"; readonly jobId: string; readonly outcome: ChildOutcome };

/** Lookups over one record and its outcomes, memoised for one call. */
export class Derivations {
  private readonly slotMaps: (Map<string, string> | undefined)[] = [];
  private readonly unrunnableSets: (Set<string> | undefined)[] = [];
  private readonly selections = new Map<string, Selection>();
  private inheritedByArm: (readonly string[] | undefined)[] | undefined;
  readonly replicates: readonly (GridValue | null)[];
  readonly baselineIndex: number | null;

  constructor(
    readonly record: ExperimentRecord,
    readonly outcomes: ReadonlyMap<string, ChildOutcome>,
  ) {
    this.replicates = replicatesOf(record);
    const baselineArm = record.compare?.baselineArm;
    const index = record.arms.findIndex((arm) => !arm.control && arm.key === baselineArm);
    this.baselineIndex = index < 0 ? null : index;
  }

  /** The fields a grid arm inherits, matched as at planning (grid arms precede controls). */
  inheritedFieldsOf(armIndex: number): readonly string[] {
    if (this.inheritedByArm === undefined) {
      const gridArms = this.record.arms.filter((arm) => arm.control === undefined);
      this.inheritedByArm = inheritedFields(
        this.record.inherit ?? [],
        gridArms,
        this.record.grid,
        this.baselineIndex,
        gridArms.map((arm) => arm.tuning?.candidates),
      );
    }
    return this.inheritedByArm[armIndex] ?? [];
  }

  /** Slot → child id of an arm's launched children. */
  jobIdOf(armIndex: number, slot: string): string | undefined {
    let map = this.slotMaps[armIndex];
    if (map === undefined) {
      const arm = at(this.record.arms, armIndex, "experiment arm");
      map = new Map(arm.jobIds.map((id, i) => [arm.slots?.[i] ?? slotOf(i, null), id]));
      this.slotMaps[armIndex] = map;
    }
    return map.get(slot);
  }

  isUnrunnable(armIndex: number, slot: string): boolean {
    let set = this.unrunnableSets[armIndex];
    if (set === undefined) {
      const { unrunnable } = at(this.record.arms, armIndex, "experiment arm");
      set = new Set(unrunnable?.map((entry) => entry.slot) ?? []);
      this.unrunnableSets[armIndex] = set;
    }
    return set.has(slot);
  }

  slotState(armIndex: number, slot: string): SlotState {
    const jobId = this.jobIdOf(armIndex, slot);
    if (jobId === undefined) {
      return { kind: this.isUnrunnable(armIndex, slot) ? "failed" : "unlaunched" };
    }
    const outcome = this.outcomes.get(jobId);
    if (outcome === undefined || outcome.status === "queued" || outcome.status === "running") {
      return { kind: "running" };
    }
    return outcome.status === "completed" && outcome.summary !== null
      ? { kind: "completed", jobId, outcome }
      : { kind: "failed" };
  }

  seedLabel(replicateIndex: number): string {
    const replicate = this.replicates[replicateIndex] ?? null;
    return replicate === null ? "its run" : `seed ${describeGridValue(replicate)}`;
  }

  /** The arm's selected child of one seed, once every candidate of it finished. */
  selection(armIndex: number, replicateIndex: number): Selection {
    const memo = `${armIndex}:${replicateIndex}`;
    let selection = this.selections.get(memo);
    if (selection === undefined) {
      selection = this.select(armIndex, replicateIndex);
      this.selections.set(memo, selection);
    }
    return selection;
  }

  private select(armIndex: number, replicateIndex: number): Selection {
    const arm = at(this.record.arms, armIndex, "experiment arm");
    const count = arm.tuning?.candidates.length;
    const indices = count === undefined ? [null] : [...Array(count).keys()];
    const metric = arm.metric === "testR2" ? "validationR2" : "validationAccuracy";
    let best: { candidateIndex: number | null; jobId: string; outcome: ChildOutcome } | null = null;
    let bestScore = Number.NEGATIVE_INFINITY;
    let bestLoss = Number.POSITIVE_INFINITY;
    for (const candidateIndex of indices) {
      const state = this.slotState(armIndex, slotOf(replicateIndex, candidateIndex));
      if (state.kind === "unlaunched" || state.kind === "running") return { kind: "pending" };
      if (state.kind !== "completed") continue;
      const epoch = selectedEpochRecord(state.outcome);
      const score = finiteOr(epoch?.[metric], Number.NEGATIVE_INFINITY);
      const loss = finiteOr(epoch?.validationLoss, Number.POSITIVE_INFINITY);
      // strictly better only: a tie keeps the earlier candidate
      if (best === null || score > bestScore || (score === bestScore && loss < bestLoss)) {
        best = { candidateIndex, jobId: state.jobId, outcome: state.outcome };
        bestScore = score;
        bestLoss = loss;
      }
    }
    if (best === null) {
      return {
        kind: "none",
        message: `arm ${arm.key} has no completed run for ${this.seedLabel(replicateIndex)}`,
      };
    }
    return { kind: "selected", ...best };
  }

  /**
   * The spec of a grid arm's child. Deferred arms take the baseline's selected child of the
   * same seed (which the caller checked is selected): inherited fields, then I(X;T) at its
   * selected epoch as a "baseline" target. Whether that target is within the child's |R| bits
   * needs the data's shape (classes, task), which this pure engine does not have: the run
   * refuses it (checkTargetReachable in prepareRun), so the child fails with that message.
   */
  gridSpec(armIndex: number, replicateIndex: number, candidateIndex: number | null): JobSpec {
    const arm = at(this.record.arms, armIndex, "experiment arm");
    const replicate = this.replicates[replicateIndex] ?? null;
    const candidate = applyValues(this.record.spec, {
      ...arm.values,
      ...replicateValues(replicate, this.record.splitPerSeed ?? false),
      ...(candidateIndex === null
        ? {}
        : at(
            present(arm.tuning, `tuning of arm ${arm.key}`).candidates,
            candidateIndex,
            "tuning candidate",
          )),
    });
    // a section of the parsed base spec, so mode and target are present
    const feedback = candidate.feedback as { mode: string; target: unknown };
    const derived: Record<string, unknown> = {};
    if (arm.deferred === true && this.baselineIndex !== null) {
      const baseline = this.selection(this.baselineIndex, replicateIndex);
      if (baseline.kind !== "selected") throw new Error("gridSpec: the baseline is not selected");
      const baselineSpec = this.gridSpec(
        this.baselineIndex,
        replicateIndex,
        baseline.candidateIndex,
      ) as unknown as SpecSections;
      for (const field of this.inheritedFieldsOf(armIndex)) {
        const [section, name] = field.split(".") as [string, string];
        derived[field] = baselineSpec[section]?.[name];
      }
      if (usesBaselineTarget(feedback)) {
        const ixt = selectedEpochRecord(baseline.outcome)?.ixt;
        if (ixt === undefined || !Number.isFinite(ixt)) {
          throw new QplaneError(
            "QPLANE_ERR_SPEC_INVALID",
            `feedback.target: "baseline": the baseline run ${baseline.jobId} has no finite I(X;T) at its selected epoch`,
          );
        }
        derived["feedback.target"] = ixt;
      }
    }
    // without feedback the target is never read: the default stands in for "baseline"
    if (feedback.target === "baseline" && !usesBaselineTarget(feedback)) {
      derived["feedback.target"] = "label-entropy";
    }
    const spec = applyValues(candidate, derived);
    const parsed = jobSpecSchema.safeParse(spec);
    if (!parsed.success) {
      throw new QplaneError(
        "QPLANE_ERR_SPEC_INVALID",
        `arm ${arm.key}: ${describeSpecIssues(parsed.error, spec)}`,
      );
    }
    return parsed.data;
  }
}

function finiteOr(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) ? value : fallback;
}
