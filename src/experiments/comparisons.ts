/**
 * Paired comparisons of an experiment's arms against its baseline arm (`compare.baseline`):
 * per non-baseline arm (controls included), on
 *   (a) the final test metric — the summary's, i.e. the selected epoch's when
 *       training.select is best-validation — and
 *   (b) optimisation steps to the experiment's threshold, when the submission gave one
 *       (stepsToThreshold: on the validation split, else the training split; a run that
 *       never reaches it is censored at its budget and kept, and each side's censored runs
 *       are counted),
 * the median paired difference (arm − baseline), its bootstrap CI, the Wilcoxon p and Holm's
 * adjustment across ALL comparisons of the experiment. Runs are paired by training.seed;
 * only seeds with a completed run on both sides count (so n grows while an experiment runs).
 * Nothing is left out silently: seeds with a counted run on one side only are `unpaired`
 * (per side), and seeds whose steps cannot be paired (different split, or a censored side
 * against another budget) are `excluded` (per reason), apart from the unpaired ones.
 *
 * The bootstrap of each comparison is seeded by a 32-bit FNV-1a hash of
 * `context\narm\nbaseline\nmetric`, the context naming the experiment (the view passes the
 * canonical JSON of its definition): the same children of the same submission give the same
 * interval in the API, the CLI and any rerun, while comparisons, and experiments that share
 * arm names, do not share one resampling pattern.
 */
import { finalMetricValue, stepsToExperimentThreshold } from "./aggregate.js";
import { gridError, sameValue } from "./grid.js";
import { holmAdjust, type PairedValue, pairedComparison } from "./statistics.js";
import type {
  ArmIdentity,
  ChildOutcome,
  ExperimentArm,
  ExperimentThreshold,
  FinalMetric,
  GridValue,
} from "./types.js";

/** The final test metric, or optimisation steps to the threshold (lower is better). */
export type ComparisonMetric = FinalMetric | "stepsToThreshold";

export interface ArmComparison {
  /** The compared arm's key. */
  readonly arm: string;
  /** The baseline arm's key. */
  readonly baseline: string;
  readonly metric: ComparisonMetric;
  /** Seeds with a completed run in both arms. */
  readonly n: number;
  /**
   * Seeds left out of n because only one side has a counted run, per side (`arm`: the arm has
   * it, the baseline's run failed, was cancelled, expired, is still running or lacks the value).
   */
  readonly unpaired: { readonly arm: number; readonly baseline: number };
  /** Median over the pairs of value − baselineValue. */
  readonly medianDiff: number;
  /** 95 % percentile-bootstrap interval of medianDiff (2000 resamples). */
  readonly ci95: [number, number];
  /** Two-sided Wilcoxon signed-rank p (SciPy 1.10 semantics; 1 when every difference is 0). */
  readonly wilcoxonP: number;
  /** Holm-adjusted across every comparison of the experiment. */
  readonly holmP: number;
  /** Sorted by seed. */
  readonly pairs: readonly PairedValue[];
  /** stepsToThreshold only: runs (among the pairs) that never reached it, per side. */
  readonly censored?: { readonly arm: number; readonly baseline: number };
  /** stepsToThreshold only: the split the threshold was measured on. */
  readonly split?: "validation" | "train";
  /**
   * stepsToThreshold only: seeds with a counted run on both sides left out of n, by reason:
   * measured on different splits, or a censored side against a different step budget.
   */
  readonly excluded?: { readonly split: number; readonly budget: number };
}

/**
 * The index of the one arm `baseline` names (every given field equal to the arm's value).
 * Throws QPLANE_ERR_GRID_INVALID naming `compare.baseline` for a field that is not an arm
 * field of the grid, or when no arm or several arms match (listing the arms).
 */
export function findBaselineArm(
  arms: readonly ArmIdentity[],
  baseline: Readonly<Record<string, GridValue>>,
): number {
  const armFields = Object.keys(arms[0]?.values ?? {});
  for (const field of Object.keys(baseline)) {
    if (!armFields.includes(field)) {
      throw gridError(
        `compare.baseline.${field}: not a field that defines the arms (they vary ${armFields.length === 0 ? "nothing but the replicate seed" : armFields.join(", ")})`,
      );
    }
  }
  const matches = arms.flatMap((arm, index) =>
    Object.entries(baseline).every(([field, value]) => sameValue(arm.values[field], value))
      ? [index]
      : [],
  );
  if (matches.length !== 1) {
    const names = arms.map((arm) => `"${arm.key}"`).join(", ");
    throw gridError(
      `compare.baseline: ${JSON.stringify(baseline)} matches ${matches.length === 0 ? "no arm" : `${matches.length} arms`}; it must name exactly one of the arms ${names}`,
    );
  }
  return matches[0]!;
}

/**
 * 32-bit FNV-1a of the text's UTF-16 code units: the bootstrap seed of one comparison of the
 * experiment `context` names.
 */
export function comparisonSeed(
  context: string,
  arm: string,
  baseline: string,
  metric: ComparisonMetric,
): number {
  const text = `${context}\n${arm}\n${baseline}\n${metric}`;
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

interface SeedValue {
  readonly value: number;
  readonly censored?: boolean;
  readonly split?: "validation" | "train";
  /** Steps: the run's step budget (its last step). */
  readonly budget?: number;
}

/** Seed → value over an arm's completed children (a value a run lacks leaves its seed out). */
function valuesBySeed(
  arm: ExperimentArm,
  childrenById: ReadonlyMap<string, ChildOutcome>,
  pick: (child: ChildOutcome) => SeedValue | null,
): Map<number, SeedValue> {
  const bySeed = new Map<number, SeedValue>();
  arm.jobIds.forEach((id, index) => {
    const child = childrenById.get(id);
    if (child?.status !== "completed") return;
    const picked = pick(child);
    if (picked !== null && Number.isFinite(picked.value)) bySeed.set(child.seed ?? index, picked);
  });
  return bySeed;
}

function finalPick(metric: FinalMetric) {
  return (child: ChildOutcome): SeedValue | null => {
    const value = finalMetricValue(child, metric);
    return value === undefined ? null : { value };
  };
}

function stepsPick(threshold: ExperimentThreshold) {
  return (child: ChildOutcome): SeedValue | null => {
    const reached = stepsToExperimentThreshold(child.records, threshold);
    if (reached === null) return null;
    const budget = child.records.at(-1)?.step ?? reached.steps;
    // a censored run counts as budget + 1: strictly worse than reaching at the last step
    // (counted at its budget it would tie with such a run, and the tie would be dropped)
    const value = reached.censored ? budget + 1 : reached.steps;
    return { value, censored: reached.censored, split: reached.split, budget };
  };
}

type Unadjusted = Omit<ArmComparison, "holmP">;

function compareOne(
  arm: ExperimentArm,
  baseline: ExperimentArm,
  metric: ComparisonMetric,
  childrenById: ReadonlyMap<string, ChildOutcome>,
  pick: (child: ChildOutcome) => SeedValue | null,
  context: string,
): Unadjusted | null {
  const mine = valuesBySeed(arm, childrenById, pick);
  const theirs = valuesBySeed(baseline, childrenById, pick);
  const pairs: PairedValue[] = [];
  let censoredArm = 0;
  let censoredBaseline = 0;
  let unpairedArm = 0;
  const excluded = { split: 0, budget: 0 };
  let split: "validation" | "train" | undefined;
  for (const [seed, value] of mine) {
    const other = theirs.get(seed);
    if (other === undefined) {
      unpairedArm++;
      continue;
    }
    // steps are comparable only on one split, and a censored side only against the same
    // budget (a run stopped early would otherwise look faster)
    if (metric === "stepsToThreshold") {
      if (value.split !== other.split) {
        excluded.split++;
        continue;
      }
      if ((value.censored || other.censored) && value.budget !== other.budget) {
        excluded.budget++;
        continue;
      }
    }
    pairs.push({ seed, value: value.value, baselineValue: other.value });
    if (value.censored) censoredArm++;
    if (other.censored) censoredBaseline++;
    split ??= value.split;
  }
  if (pairs.length === 0) return null;
  let unpairedBaseline = 0;
  for (const seed of theirs.keys()) if (!mine.has(seed)) unpairedBaseline++;
  const result = pairedComparison({
    pairs,
    seed: comparisonSeed(context, arm.key, baseline.key, metric),
  });
  return {
    arm: arm.key,
    baseline: baseline.key,
    metric,
    n: result.n,
    unpaired: { arm: unpairedArm, baseline: unpairedBaseline },
    medianDiff: result.medianDiff,
    ci95: result.ci95,
    wilcoxonP: result.wilcoxonP,
    pairs: result.pairs,
    ...(metric === "stepsToThreshold"
      ? {
          censored: { arm: censoredArm, baseline: censoredBaseline },
          ...(split ? { split } : {}),
          excluded,
        }
      : {}),
  };
}

export interface CompareOptions {
  /** Key of the baseline arm. */
  readonly baselineArm: string;
  /** Steps to this threshold are compared too (null: final metric only). */
  readonly threshold: ExperimentThreshold | null;
  /** Names the experiment in every bootstrap seed (see the module header). */
  readonly context: string;
}

/**
 * Every non-baseline arm against the baseline, in arm order (final metric, then steps);
 * a comparison appears once at least one seed has a completed run in both arms. Both are
 * compared only between arms judged by the same metric (accuracy vs R² is not a
 * difference). Steps pair only runs measured on the same split; a censored run (never
 * reached) counts as its budget + 1 and pairs only with a run of the same budget.
 */
export function compareArms(
  arms: readonly ExperimentArm[],
  childrenById: ReadonlyMap<string, ChildOutcome>,
  options: CompareOptions,
): ArmComparison[] {
  const baseline = arms.find((arm) => arm.key === options.baselineArm);
  if (baseline === undefined) return [];
  const unadjusted: Unadjusted[] = [];
  for (const arm of arms) {
    if (arm === baseline) continue;
    if (arm.metric === baseline.metric) {
      const final = compareOne(
        arm,
        baseline,
        arm.metric,
        childrenById,
        finalPick(arm.metric),
        options.context,
      );
      if (final !== null) unadjusted.push(final);
    }
    // steps to one threshold only mean something between arms of the same task and metric
    if (options.threshold !== null && arm.metric === baseline.metric) {
      const steps = compareOne(
        arm,
        baseline,
        "stepsToThreshold",
        childrenById,
        stepsPick(options.threshold),
        options.context,
      );
      if (steps !== null) unadjusted.push(steps);
    }
  }
  const holm = holmAdjust(unadjusted.map((comparison) => comparison.wilcoxonP));
  return unadjusted.map((comparison, index) => ({ ...comparison, holmP: holm[index]! }));
}
