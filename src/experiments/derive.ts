/**
 * The one derivation engine of an experiment's children, pure (no I/O), shared by
 * `qplane experiment` and the job service.
 *
 * The record (plan-record.ts) holds the definition and what was LAUNCHED (slots.ts); the
 * selections and child specs are derivations.ts's.
 *
 * Dependencies, per seed (replicate index r):
 * - plain grid arms and tuned candidates: none (ready at once);
 * - arms inheriting fields from the baseline, or with feedback.target "baseline": the
 *   baseline arm's SELECTED child of seed r (a tuned baseline: all its candidates finished);
 * - controls: the selected child of their feedback arm for seed r (placebo: also the donor
 *   seed's), derived from that child's spec and outcome (controls.ts).
 * A tuned arm's selected child of a seed is the candidate with the best validation metric
 * (derivations.ts); never the test split.
 */

import { at, present } from "../errors/checked.js";
import type { JobSpec } from "../training/spec.js";
import { doseMatchedSpec, placeboDonorIndex, placeboSpec } from "./controls.js";
import { Derivations } from "./derivations.js";
import { slotOf } from "./slots.js";
import type {
  ChildOutcome,
  ExperimentArm,
  ExperimentRecord,
  GridValue,
  TunedSelection,
} from "./types.js";

export interface ReadyChild {
  readonly armIndex: number;
  readonly slot: string;
  readonly replicate: GridValue | null;
  readonly spec: JobSpec;
}
export interface UnrunnableChild {
  readonly armIndex: number;
  readonly slot: string;
  readonly message: string;
}
/** What to launch now; the children still waiting are view.ts's waitingChildren. */
export interface Derivation {
  readonly ready: readonly ReadyChild[];
  readonly unrunnable: readonly UnrunnableChild[];
}
type SlotVerdict =
  | { readonly kind: "waiting" }
  | { readonly kind: "unrunnable"; readonly message: string }
  | { readonly kind: "ready"; readonly spec: JobSpec };

function verdictOf(
  derivations: Derivations,
  armIndex: number,
  replicateIndex: number,
  candidateIndex: number | null,
): SlotVerdict {
  const { record, baselineIndex } = derivations;
  const arm = at(record.arms, armIndex, "experiment arm");
  const build = (spec: () => JobSpec): SlotVerdict => {
    try {
      return { kind: "ready", spec: spec() };
    } catch (error) {
      return {
        kind: "unrunnable",
        message: error instanceof Error ? error.message : String(error),
      };
    }
  };
  if (arm.control === undefined) {
    if (arm.deferred === true && baselineIndex !== null) {
      const baseline = derivations.selection(baselineIndex, replicateIndex);
      if (baseline.kind === "pending") return { kind: "waiting" };
      if (baseline.kind === "none") {
        return { kind: "unrunnable", message: `its baseline: ${baseline.message}` };
      }
    }
    return build(() => derivations.gridSpec(armIndex, replicateIndex, candidateIndex));
  }
  const control = arm.control;
  const sourceIndex = record.arms.findIndex((other) => !other.control && other.key === control.of);
  const source = derivations.selection(sourceIndex, replicateIndex);
  if (source.kind === "pending") return { kind: "waiting" };
  if (source.kind === "none") {
    return { kind: "unrunnable", message: `controls: its feedback run: ${source.message}` };
  }
  const sourceSpec = () => derivations.gridSpec(sourceIndex, replicateIndex, source.candidateIndex);
  if (control.kind === "dose-matched") {
    return build(() =>
      doseMatchedSpec(sourceSpec(), present(source.outcome.summary, "the feedback run's summary")),
    );
  }
  const donorIndex = placeboDonorIndex(replicateIndex, derivations.replicates.length);
  const donor = derivations.selection(sourceIndex, donorIndex);
  if (donor.kind === "pending") return { kind: "waiting" };
  if (donor.kind === "none") {
    return {
      kind: "unrunnable",
      message: `controls: placebo replays a run that failed: ${donor.message}`,
    };
  }
  return build(() =>
    placeboSpec(
      sourceSpec(),
      derivations.gridSpec(sourceIndex, donorIndex, donor.candidateIndex),
      donor.outcome.records,
    ),
  );
}

/**
 * The children not launched yet whose dependencies all finished (ready, with their specs) and
 * those that can never run (a dependency failed); the others wait. A slot in an arm's slots
 * (or unrunnable) is never returned again. Records without a base spec (stored before it)
 * derive nothing.
 */
export function deriveReady(
  record: ExperimentRecord,
  outcomes: ReadonlyMap<string, ChildOutcome>,
): Derivation {
  const ready: ReadyChild[] = [];
  const unrunnable: UnrunnableChild[] = [];
  if (record.spec === undefined) return { ready, unrunnable };
  const derivations = new Derivations(record, outcomes);
  const replicates = derivations.replicates;
  record.arms.forEach((arm, armIndex) => {
    const perSeed = arm.tuning?.candidates.length ?? 1;
    const done = arm.jobIds.length + (arm.unrunnable?.length ?? 0);
    if (done >= perSeed * replicates.length) return;
    const indices = arm.tuning === undefined ? [null] : [...Array(perSeed).keys()];
    replicates.forEach((replicate, replicateIndex) => {
      for (const candidateIndex of indices) {
        const slot = slotOf(replicateIndex, candidateIndex);
        if (
          derivations.jobIdOf(armIndex, slot) !== undefined ||
          derivations.isUnrunnable(armIndex, slot)
        ) {
          continue;
        }
        const verdict = verdictOf(derivations, armIndex, replicateIndex, candidateIndex);
        if (verdict.kind === "unrunnable") {
          unrunnable.push({ armIndex, slot, message: verdict.message });
        } else if (verdict.kind === "ready") {
          ready.push({ armIndex, slot, replicate, spec: verdict.spec });
        }
      }
    });
  });
  return { ready, unrunnable };
}

/** Per arm: tuned arms' selections (undefined for other arms), parallel to the arms. */
export interface ResolvedArms {
  readonly arms: readonly ExperimentArm[];
  readonly selections: readonly (readonly TunedSelection[] | undefined)[];
}

/**
 * The arms as aggregation sees them: a tuned arm's jobIds are its selected child per seed
 * (seeds still choosing, or whose candidates all failed, are left out); other arms as stored.
 */
export function resolveArms(
  record: ExperimentRecord,
  outcomes: ReadonlyMap<string, ChildOutcome>,
): ResolvedArms {
  const derivations = new Derivations(record, outcomes);
  const arms: ExperimentArm[] = [];
  const selections: (TunedSelection[] | undefined)[] = [];
  record.arms.forEach((arm, armIndex) => {
    const candidates = arm.tuning?.candidates;
    if (candidates === undefined) {
      arms.push(arm);
      selections.push(undefined);
      return;
    }
    const selected: TunedSelection[] = [];
    derivations.replicates.forEach((replicate, replicateIndex) => {
      const selection = derivations.selection(armIndex, replicateIndex);
      if (selection.kind !== "selected") return;
      selected.push({
        seed: replicate ?? selection.outcome.seed ?? null,
        candidate: at(
          candidates,
          present(selection.candidateIndex, "the selected candidate's index"),
          "tuning candidate",
        ),
        jobId: selection.jobId,
      });
    });
    // slots and unrunnable describe every candidate, not the selected runs
    const { slots: _slots, unrunnable: _unrunnable, ...rest } = arm;
    arms.push({ ...rest, jobIds: selected.map((entry) => entry.jobId) });
    selections.push(selected);
  });
  return { arms, selections };
}
