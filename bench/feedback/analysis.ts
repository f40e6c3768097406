/**
 * The benchmark's statistics and its decision rule, from cached experiments alone.
 *
 * Comparisons (arm − baseline, paired by seed over the seeds' selected children):
 *   B−A (feedback vs tuned off), B−C (vs dose-matched), B−D (vs placebo), B−E (vs cosine),
 *   E−A (cosine vs constant), on three metrics: test metric at the best-validation epoch,
 *   steps to the validation threshold (censored = budget + 1), mean validation loss.
 * Each is pairedComparison (Wilcoxon as SciPy 1.10, bootstrap CI of the median); Holm adjusts
 * within one (family, model, metric) across data sets × the five comparisons.
 *
 * Decision rule (stated before any number, applied here mechanically), per family and model:
 * "feedback helps" only if, on the test metric, B is significantly better (Holm p < 0.05, in
 * its favour) than A, C AND D on at least half of the data sets with results, and B is never
 * significantly worse than A, C or D on any of them. Otherwise "feedback does not help".
 * The direction of a difference is the sign of its median, or of its mean when the median is 0.
 */
import { holmAdjust, pairedComparison } from "../../src/experiments/statistics.js";
import type { Role } from "./design.js";
import type { CachedChild, CachedExperiment } from "./extract.js";

export const ALPHA_LEVEL = 0.05;
export const COMPARISONS: ReadonlyArray<readonly [Role, Role]> = [
  ["B", "A"],
  ["B", "C"],
  ["B", "D"],
  ["B", "E"],
  ["E", "A"],
];
/** The baselines B must beat for the rule. */
export const RULE_BASELINES: readonly Role[] = ["A", "C", "D"];

export const BENCH_METRICS = ["test", "steps", "auc"] as const;
export type BenchMetric = (typeof BENCH_METRICS)[number];
const LOWER_IS_BETTER: ReadonlySet<BenchMetric> = new Set(["steps", "auc"]);

export interface ComparisonRow {
  readonly family: string;
  readonly model: string;
  readonly dataset: string;
  readonly arm: Role;
  readonly baseline: Role;
  readonly metric: BenchMetric;
  readonly n: number;
  readonly medianDiff: number;
  readonly ci95: readonly [number, number];
  readonly wilcoxonP: number;
  readonly holmP: number;
  /** Holm p < 0.05 and the difference in the arm's favour / against it. */
  readonly better: boolean;
  readonly worse: boolean;
}

/** The value of a child a metric compares (null: the run lacks it). */
function metricValue(child: CachedChild, metric: BenchMetric): number | null {
  return metric === "test" ? child.test : metric === "steps" ? child.steps : child.auc;
}

/** Seed → value over a role's selected children. */
function bySeed(
  experiment: CachedExperiment,
  role: Role,
  metric: BenchMetric,
): Map<number, number> {
  const values = new Map<number, number>();
  for (const child of experiment.children) {
    const value = metricValue(child, metric);
    if (child.role === role && value !== null) values.set(child.seed, value);
  }
  return values;
}

type Unadjusted = Omit<ComparisonRow, "holmP" | "better" | "worse"> & { readonly sign: number };

function compareOne(
  experiment: CachedExperiment,
  comparisonIndex: number,
  metric: BenchMetric,
): Unadjusted | null {
  const [arm, baseline] = COMPARISONS[comparisonIndex]!;
  const mine = bySeed(experiment, arm, metric);
  const theirs = bySeed(experiment, baseline, metric);
  const pairs = [...mine]
    .filter(([seed]) => theirs.has(seed))
    .map(([seed, value]) => ({ seed, value, baselineValue: theirs.get(seed)! }));
  if (pairs.length === 0) return null;
  // reproducible bootstrap: one seed per (comparison, metric), whatever the run order
  const result = pairedComparison({
    pairs,
    seed: 1 + comparisonIndex * 10 + BENCH_METRICS.indexOf(metric),
  });
  const meanDiff =
    pairs.reduce((sum, pair) => sum + pair.value - pair.baselineValue, 0) / pairs.length;
  const raw = result.medianDiff !== 0 ? result.medianDiff : meanDiff;
  const favour = LOWER_IS_BETTER.has(metric) ? -Math.sign(raw) : Math.sign(raw);
  return {
    family: experiment.family,
    model: experiment.model,
    dataset: experiment.dataset,
    arm,
    baseline,
    metric,
    n: result.n,
    medianDiff: result.medianDiff,
    ci95: result.ci95,
    wilcoxonP: result.wilcoxonP,
    sign: favour,
  };
}

/** Every comparison of every experiment with results, Holm-adjusted per family, model, metric. */
export function compareAll(experiments: readonly CachedExperiment[]): ComparisonRow[] {
  const groups = new Map<string, Unadjusted[]>();
  for (const experiment of experiments) {
    if (experiment.skipped !== undefined) continue;
    for (const metric of BENCH_METRICS) {
      for (let index = 0; index < COMPARISONS.length; index++) {
        const row = compareOne(experiment, index, metric);
        if (row === null) continue;
        const group = `${row.family}\n${row.model}\n${metric}`;
        groups.set(group, [...(groups.get(group) ?? []), row]);
      }
    }
  }
  return [...groups.values()].flatMap((rows) => {
    const adjusted = holmAdjust(rows.map((row) => row.wilcoxonP));
    return rows.map(({ sign, ...row }, index) => {
      const significant = adjusted[index]! < ALPHA_LEVEL;
      return {
        ...row,
        holmP: adjusted[index]!,
        better: significant && sign > 0,
        worse: significant && sign < 0,
      };
    });
  });
}

export interface Verdict {
  readonly family: string;
  readonly model: string;
  /** Data sets with results (the rule's denominator). */
  readonly datasets: readonly string[];
  /** Data sets where B beats A, C and D (test metric, Holm p < 0.05). */
  readonly wins: readonly string[];
  /** Data sets where B is significantly worse than A, C or D. */
  readonly losses: readonly string[];
  readonly helps: boolean;
}

/** The decision rule of the module header, per (family, model) present in the rows. */
export function verdicts(rows: readonly ComparisonRow[]): Verdict[] {
  const test = rows.filter((row) => row.metric === "test" && row.arm === "B");
  const keys = [...new Set(test.map((row) => `${row.family}\n${row.model}`))];
  return keys.map((key) => {
    const [family, model] = key.split("\n") as [string, string];
    const mine = test.filter((row) => row.family === family && row.model === model);
    const datasets = [...new Set(mine.map((row) => row.dataset))];
    const ruleRows = (dataset: string) =>
      RULE_BASELINES.map((baseline) =>
        mine.find((row) => row.dataset === dataset && row.baseline === baseline),
      );
    const wins = datasets.filter((dataset) => ruleRows(dataset).every((row) => row?.better));
    const losses = datasets.filter((dataset) => ruleRows(dataset).some((row) => row?.worse));
    return {
      family,
      model,
      datasets,
      wins,
      losses,
      helps: datasets.length > 0 && 2 * wins.length >= datasets.length && losses.length === 0,
    };
  });
}
