/** What clients see of an experiment: its definition, child status counts and arm aggregates. */
import { stringify } from "csv-stringify/sync";
import { at, required } from "../errors/checked.js";
import { canonicalJson } from "../files/canonical-json.js";
import {
  aggregateArms,
  countStatuses,
  type ExperimentStatus,
  experimentStatus,
  STEP_METRIC,
  type StatusCounts,
} from "./aggregate.js";
import { type ArmComparison, compareArms } from "./comparisons.js";
import { resolveArms } from "./derive.js";
import type { ExperimentDefinition } from "./plan-record.js";
import { plannedChildCount } from "./slots.js";
import type {
  ArmAggregate,
  ChildOutcome,
  ControlName,
  ExperimentArm,
  ExperimentCompare,
  ExperimentRecord,
  ExperimentThreshold,
  FinalMetric,
  Grid,
  Stat,
} from "./types.js";
import { LOWER_IS_BETTER } from "./types.js";

/** What lists show of an experiment: its definition and where its children stand. */
export interface ExperimentSummary {
  readonly id: string;
  readonly name: string | null;
  readonly tags: readonly string[];
  readonly createdAt: string;
  readonly status: ExperimentStatus;
  readonly grid: Grid;
  readonly replicateField: string;
  /** The first arm's final metric (arms of a grid over dataset.name may differ: see each arm). */
  readonly metric: FinalMetric;
  readonly threshold: ExperimentThreshold;
  readonly counts: StatusCounts;
  readonly jobIds: readonly string[];
  readonly arms: readonly ArmProgress[];
  /** The baseline arm (`compare.baseline` and the key of the arm it names), when given. */
  readonly compare?: {
    readonly baseline: ExperimentCompare["baseline"];
    readonly baselineArm: string;
  };
  readonly controls?: readonly ControlName[];
}

export interface ArmProgress extends ExperimentArm {
  readonly jobs: number;
  readonly completed: number;
}

/** What was submitted, name and tags aside: the body `POST /v1/experiments` takes minus those. */
export type SubmittedDefinition = Omit<
  ExperimentDefinition,
  "id" | "name" | "tags" | "createdAt" | "owner"
>;

/**
 * The record's definition as submitted (null for records stored before they kept the base
 * spec). The threshold is left out only where leaving it out changes nothing but its being
 * compared: a `compare` submitted without one.
 */
export function submittedDefinition(record: ExperimentRecord): SubmittedDefinition | null {
  const { spec, grid, threshold, compare, controls, tune, inherit, splitPerSeed } = record;
  if (spec === undefined) return null;
  return {
    spec,
    grid,
    ...(compare?.thresholdGiven === false ? {} : { threshold }),
    ...(compare ? { compare: { baseline: compare.baseline } } : {}),
    ...(controls ? { controls } : {}),
    ...(tune ? { tune } : {}),
    ...(inherit ? { inherit } : {}),
    ...(splitPerSeed ? { splitPerSeed } : {}),
  };
}

/** One experiment in full: the summary with an aggregate row per arm. */
export interface ExperimentView extends Omit<ExperimentSummary, "arms"> {
  /** To clone it: submitting this (with a name and tags) defines the same experiment. */
  readonly definition: SubmittedDefinition | null;
  readonly arms: readonly ArmAggregate[];
  /** Every non-baseline arm against the baseline (with `compare` only; see comparisons.ts). */
  readonly comparisons?: readonly ArmComparison[];
}

/** Children planned but neither launched nor unrunnable yet (counts.waiting). */
export function waitingChildren(record: ExperimentRecord): number {
  let settled = 0;
  for (const arm of record.arms) settled += arm.jobIds.length + (arm.unrunnable?.length ?? 0);
  return plannedChildCount(record) - settled;
}

/** Slots that will never run (counts.unrunnable). */
function unrunnableChildren(record: ExperimentRecord): number {
  let unrunnable = 0;
  for (const arm of record.arms) unrunnable += arm.unrunnable?.length ?? 0;
  return unrunnable;
}

/** The summary from the children's statuses alone (no metrics needed). */
export function experimentSummary(
  record: ExperimentRecord,
  statusById: ReadonlyMap<string, ChildOutcome["status"]>,
): ExperimentSummary {
  const jobIds = record.arms.flatMap((arm) => arm.jobIds);
  const counts = countStatuses(
    jobIds.map((id) => statusById.get(id) ?? "missing"),
    { waiting: waitingChildren(record), unrunnable: unrunnableChildren(record) },
  );
  return {
    id: record.id,
    name: record.name,
    tags: record.tags,
    createdAt: record.createdAt,
    status: experimentStatus(counts, record.cancelledAt !== undefined),
    grid: record.grid,
    replicateField: record.replicateField,
    metric: at(record.arms, 0, "experiment arm").metric,
    threshold: record.threshold,
    counts,
    jobIds,
    arms: record.arms.map((arm) => ({
      ...arm,
      jobs: arm.jobIds.length,
      completed: arm.jobIds.filter((id) => statusById.get(id) === "completed").length,
    })),
    ...(record.compare
      ? {
          compare: {
            baseline: record.compare.baseline,
            baselineArm: record.compare.baselineArm,
          },
        }
      : {}),
    ...(record.controls ? { controls: record.controls } : {}),
  };
}

/**
 * What names an experiment in its comparisons' bootstrap seeds: the canonical JSON of its
 * base spec (records stored before they carried it: absent), grid, tuning, inheritance and
 * controls (absent ones drop out, so older records keep their seeds). Neither id nor
 * creation time, so the same submission resamples alike in the API and the CLI.
 */
export function comparisonContext(record: ExperimentRecord): string {
  const { spec, grid, tune, inherit, controls } = record;
  return canonicalJson({ spec, grid, tune, inherit, controls });
}

/** Each of these children's slot in the arm (a tuned arm aggregates its selected runs only). */
function slotsOf(arm: ExperimentArm, jobIds: readonly string[]): string[] {
  const slots = arm.slots ?? [];
  const slotById = new Map(arm.jobIds.map((id, index) => [id, at(slots, index, "child slot")]));
  return jobIds.map((id) => required(slotById, id, "child slot"));
}

export function experimentView(
  record: ExperimentRecord,
  childrenById: ReadonlyMap<string, ChildOutcome>,
): ExperimentView {
  const statusById = new Map([...childrenById].map(([id, child]) => [id, child.status]));
  // counts are over every child; aggregates and comparisons over each seed's selected run
  const { arms, selections } = resolveArms(record, childrenById);
  return {
    ...experimentSummary(record, statusById),
    definition: submittedDefinition(record),
    arms: aggregateArms(arms, childrenById, record.threshold).map((arm, index) => {
      const recordArm = at(record.arms, index, "experiment arm");
      const { tuning, deferred, unrunnable, slots } = recordArm;
      const selected = selections[index];
      return {
        ...arm,
        ...(slots ? { slots: slotsOf(recordArm, arm.jobIds) } : {}),
        ...(tuning ? { tuning } : {}),
        ...(deferred ? { deferred } : {}),
        ...(unrunnable && unrunnable.length > 0 ? { unrunnable } : {}),
        ...(selected ? { selected } : {}),
      };
    }),
    ...(record.compare
      ? {
          comparisons: compareArms(arms, childrenById, {
            baselineArm: record.compare.baselineArm,
            threshold: record.compare.thresholdGiven ? record.threshold : null,
            context: comparisonContext(record),
          }),
        }
      : {}),
  };
}

const cell = (value: number | null) => (value === null ? "" : String(value));
const statCells = (stat: Stat) => [cell(stat.mean), cell(stat.std), String(stat.n)];

/** The arms table as CSV: one row per arm, a column per grid field, full-precision numbers. */
export function experimentCsv(view: ExperimentView): string {
  const fields = Object.keys(view.grid).filter((field) => field !== view.replicateField);
  const steps = `stepsTo_${STEP_METRIC[view.threshold.metric]}_${view.threshold.value}_`;
  const header = [
    "arm",
    ...fields,
    "jobs",
    "completed",
    "metric",
    "finalMetricMean",
    "finalMetricStd",
    "finalMetricN",
    `${steps}Mean`,
    `${steps}Std`,
    `${steps}N`,
    `${steps}Censored`,
    `${steps}Split`,
    "finalIxtMean",
    "finalIxtStd",
    "finalIxtN",
    "finalItyMean",
    "finalItyStd",
    "finalItyN",
  ];
  const rows = view.arms.map((arm) => [
    arm.key,
    ...fields.map((field) => {
      const value = arm.values[field];
      return typeof value === "string" ? value : JSON.stringify(value);
    }),
    String(arm.jobs),
    String(arm.completed),
    arm.metric,
    ...statCells(arm.finalMetric),
    ...statCells(arm.stepsToThreshold),
    String(arm.stepsToThreshold.censored),
    arm.stepsToThreshold.split ?? "",
    ...statCells(arm.finalIxt),
    ...statCells(arm.finalIty),
  ]);
  const arms = stringify([header, ...rows], { record_delimiter: "unix" });
  const comparisons = view.comparisons ?? [];
  return comparisons.length === 0 ? arms : `${arms}\n${comparisonsCsv(comparisons)}`;
}

/**
 * The comparisons table (after the arms table and one empty line in experimentCsv): one row
 * per comparison; the pairs as three `;`-separated lists in seed order.
 */
export function comparisonsCsv(comparisons: readonly ArmComparison[]): string {
  const header = [
    "comparisonArm",
    "baseline",
    "metric",
    "n",
    "unpairedArm",
    "unpairedBaseline",
    "medianDiff",
    "ci95Low",
    "ci95High",
    "wilcoxonP",
    "holmP",
    "censoredArm",
    "censoredBaseline",
    "excludedSplit",
    "excludedBudget",
    "seeds",
    "values",
    "baselineValues",
  ];
  const rows = comparisons.map((comparison) => [
    comparison.arm,
    comparison.baseline,
    comparison.metric,
    String(comparison.n),
    String(comparison.unpaired.arm),
    String(comparison.unpaired.baseline),
    String(comparison.medianDiff),
    String(comparison.ci95[0]),
    String(comparison.ci95[1]),
    String(comparison.wilcoxonP),
    String(comparison.holmP),
    comparison.censored ? String(comparison.censored.arm) : "",
    comparison.censored ? String(comparison.censored.baseline) : "",
    comparison.excluded ? String(comparison.excluded.split) : "",
    comparison.excluded ? String(comparison.excluded.budget) : "",
    comparison.pairs.map((pair) => pair.seed).join(";"),
    comparison.pairs.map((pair) => pair.value).join(";"),
    comparison.pairs.map((pair) => pair.baselineValue).join(";"),
  ]);
  return stringify([header, ...rows], { record_delimiter: "unix" });
}

/** `0.944 ± 0.011` (or `—` when nothing is there yet). */
export function formatStat(stat: Stat, digits: number): string {
  if (stat.mean === null) return "—";
  return stat.std === null
    ? stat.mean.toFixed(digits)
    : `${stat.mean.toFixed(digits)} ± ${stat.std.toFixed(digits)}`;
}

/** The arms table as Markdown, for terminals and reports. */
export function experimentMarkdown(view: ExperimentView): string {
  const { metric, value } = view.threshold;
  const lines = [
    `| arm | completed | final ${view.metric} | steps to ${STEP_METRIC[metric]} ${LOWER_IS_BETTER.has(metric) ? "≤" : "≥"} ${value} (censored/counted, split) | final I(X;T) | final I(T;Y) |`,
    "|---|---|---|---|---|---|",
  ];
  for (const arm of view.arms) {
    const steps = arm.stepsToThreshold;
    lines.push(
      `| ${arm.key} | ${arm.completed}/${arm.jobs} | ${formatStat(arm.finalMetric, 3)} | ${formatStat(steps, 1)} (${steps.censored}/${steps.n}${steps.split ? `, ${steps.split}` : ""}) | ${formatStat(arm.finalIxt, 3)} | ${formatStat(arm.finalIty, 3)} |`,
    );
  }
  return lines.join("\n");
}

/**
 * The comparisons as Markdown: arm − baseline, CI, raw and Holm p, pairs and censoring, and
 * the seeds left out of n (unpaired per side; steps excluded for another split or budget).
 */
export function comparisonsMarkdown(comparisons: readonly ArmComparison[]): string {
  const lines = [
    "| arm vs baseline | metric | n | unpaired (arm/baseline) | median diff | 95 % CI | Wilcoxon p | Holm p | censored (arm/baseline) | excluded (split/budget) |",
    "|---|---|---|---|---|---|---|---|---|---|",
  ];
  const digits = (metric: string) => (metric === "stepsToThreshold" ? 1 : 4);
  for (const c of comparisons) {
    const d = digits(c.metric);
    lines.push(
      `| ${c.arm} vs ${c.baseline} | ${c.metric} | ${c.n} | ${c.unpaired.arm}/${c.unpaired.baseline} | ${c.medianDiff.toFixed(d)} | [${c.ci95[0].toFixed(d)}, ${c.ci95[1].toFixed(d)}] | ${c.wilcoxonP.toPrecision(3)} | ${c.holmP.toPrecision(3)} | ${c.censored ? `${c.censored.arm}/${c.censored.baseline}` : "—"} | ${c.excluded ? `${c.excluded.split}/${c.excluded.budget}` : "—"} |`,
    );
  }
  return lines.join("\n");
}
