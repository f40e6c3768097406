/**
 * The pure half of `bench:models`: spec fragments merged into a run's spec, runs aggregated
 * into one table row per (dataset, model), the paired difference against the linear model,
 * the issue's targets judged on the rows, and the Markdown. No I/O and no training, so the
 * numbers in bench/results/models.md can be checked by a unit test.
 */
import { meanStd } from "../src/experiments/aggregate.js";
import type { FinalMetric, Stat } from "../src/experiments/types.js";
import { formatStat } from "../src/experiments/view.js";
import type { EpochRecord, RunSummary } from "../src/training/records.js";

/** A partial spec (what a model or dataset contributes, or a `--set` override). */
export type SpecFragment = { readonly [key: string]: unknown };

/** The model every other model's "Δ vs linear" is paired against. */
export const REFERENCE_MODEL = "linear";

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** `over` merged into `base` object by object (arrays and scalars of `over` replace); a copy. */
export function mergeFragments(base: SpecFragment, over: SpecFragment): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = merged[key];
    merged[key] =
      isPlainObject(current) && isPlainObject(value) ? mergeFragments(current, value) : value;
  }
  return merged;
}

/** One `--set`: `path=value`, optionally only for one model (`model:path=value`). */
export interface SpecOverride {
  /** Only runs of this model get it; null: every model. */
  readonly model: string | null;
  readonly fragment: SpecFragment;
  /** As written, for the report's header. */
  readonly text: string;
}

/**
 * Parses `[model:]section.field=value`; the value is JSON when it parses as JSON (numbers,
 * booleans, arrays), else the text itself (`model.encoding=linear`).
 */
export function parseOverride(text: string): SpecOverride {
  const equals = text.indexOf("=");
  const key = equals > 0 ? text.slice(0, equals) : "";
  const colon = key.indexOf(":");
  const path = colon >= 0 ? key.slice(colon + 1) : key;
  const keys = path.split(".");
  if (equals <= 0 || keys.length < 2 || keys.some((part) => part === "")) {
    throw new Error(
      `--set ${text}: expected [model:]section.field=value, e.g. model.layers=4 or vqc:model.encoding=linear`,
    );
  }
  const valueText = text.slice(equals + 1);
  let value: unknown;
  try {
    value = JSON.parse(valueText);
  } catch {
    value = valueText;
  }
  let fragment: SpecFragment = { [keys.at(-1)!]: value };
  for (const part of keys.slice(0, -1).reverse()) fragment = { [part]: fragment };
  return { model: colon >= 0 ? key.slice(0, colon) : null, fragment, text };
}

/** What one training run contributes to its row; a failed run keeps its error message. */
export type RunOutcome =
  | {
      readonly seed: number;
      readonly ok: true;
      /** The final test metric (last epoch's). */
      readonly metric: number;
      /** Wall time of the run (`summary.elapsedMs`) over its epochs. */
      readonly msPerEpoch: number;
      readonly ixt: number;
      readonly ity: number;
      readonly saturated: boolean;
    }
  | { readonly seed: number; readonly ok: false; readonly error: string };

/** A completed run's outcome, read from its last epoch record. */
export function outcomeOfRun(
  seed: number,
  metric: FinalMetric,
  records: readonly EpochRecord[],
  summary: Pick<RunSummary, "elapsedMs" | "epochs">,
): RunOutcome {
  const last = records.at(-1);
  const value = last?.[metric];
  if (last === undefined || value === undefined || !Number.isFinite(value)) {
    return { seed, ok: false, error: `no finite ${metric} in the last epoch record` };
  }
  return {
    seed,
    ok: true,
    metric: value,
    msPerEpoch: summary.elapsedMs / Math.max(1, summary.epochs),
    ixt: last.ixt,
    ity: last.ity,
    // records written before `saturated` existed count as not saturated
    saturated: (last as { saturated?: boolean }).saturated === true,
  };
}

/**
 * Per seed that both completed: metric(model) − metric(reference), in seed order. Pairing
 * by seed removes the data split's share of the variance from the comparison.
 */
export function pairedDifferences(
  runs: readonly RunOutcome[],
  reference: readonly RunOutcome[],
): number[] {
  const referenceBySeed = new Map<number, number>();
  for (const run of reference) if (run.ok) referenceBySeed.set(run.seed, run.metric);
  const differences: number[] = [];
  for (const run of [...runs].sort((a, b) => a.seed - b.seed)) {
    const paired = referenceBySeed.get(run.seed);
    if (run.ok && paired !== undefined) differences.push(run.metric - paired);
  }
  return differences;
}

export interface ModelRow {
  readonly dataset: string;
  readonly model: string;
  readonly metric: FinalMetric;
  readonly runs: number;
  /** Over completed runs (n = how many completed). */
  readonly final: Stat;
  /** Paired with the reference model by seed (n = pairs); n 0 when there is none. */
  readonly deltaVsLinear: Stat;
  readonly msPerEpoch: Stat;
  readonly finalIxt: Stat;
  readonly finalIty: Stat;
  /** Fraction of completed runs whose last record is saturated; null when none completed. */
  readonly saturatedFraction: number | null;
  /** Distinct error messages of the failed runs. */
  readonly errors: readonly string[];
}

/** One row from a cell's runs; `reference` = the linear model's runs on the same dataset. */
export function aggregateRow(
  dataset: string,
  model: string,
  metric: FinalMetric,
  runs: readonly RunOutcome[],
  reference: readonly RunOutcome[] | null,
): ModelRow {
  const completed = runs.filter((run) => run.ok);
  const failed = runs.filter((run) => !run.ok);
  return {
    dataset,
    model,
    metric,
    runs: runs.length,
    final: meanStd(completed.map((run) => run.metric)),
    deltaVsLinear: meanStd(reference ? pairedDifferences(runs, reference) : []),
    msPerEpoch: meanStd(completed.map((run) => run.msPerEpoch)),
    finalIxt: meanStd(completed.map((run) => run.ixt)),
    finalIty: meanStd(completed.map((run) => run.ity)),
    saturatedFraction:
      completed.length === 0
        ? null
        : completed.filter((run) => run.saturated).length / completed.length,
    errors: [...new Set(failed.map((run) => run.error))],
  };
}

/**
 * A target of the issue on one dataset's test metric: mean ≥ `minimum`, and, when
 * `linearMargin` is set, mean paired Δ vs linear ≥ −linearMargin.
 */
export interface MetricTarget {
  readonly dataset: string;
  readonly metric: FinalMetric;
  readonly minimum: number;
  readonly linearMargin?: number;
}

export const METRIC_TARGETS: readonly MetricTarget[] = [
  { dataset: "wide-2", metric: "testAccuracy", minimum: 0.9, linearMargin: 0.03 },
  { dataset: "wide-4", metric: "testAccuracy", minimum: 0.8 },
  { dataset: "penguins", metric: "testAccuracy", minimum: 0.97 },
  { dataset: "iris", metric: "testAccuracy", minimum: 0.93 },
  { dataset: "moons", metric: "testAccuracy", minimum: 0.93 },
  { dataset: "cars", metric: "testR2", minimum: 0.8 },
  { dataset: "friedman1", metric: "testR2", minimum: 0.7 },
];

/** "Default VQC within this much of linear on every classification set" (Δ ≥ −margin). */
export const DEFAULT_VQC_LINEAR_MARGIN = 0.05;

/** Slack for float rounding: 0.88 − 0.93 is −0.05000000000000004, still "within 0.05". */
const ROUNDING = 1e-9;

export type Verdict = "met" | "not met" | "not measured";

function metricName(metric: FinalMetric): string {
  return metric === "testR2" ? "R²" : "accuracy";
}

function signed(value: number, digits: number): string {
  return `${value >= 0 ? "+" : "−"}${Math.abs(value).toFixed(digits)}`;
}

function findRow(rows: readonly ModelRow[], dataset: string, model: string): ModelRow | undefined {
  return rows.find((row) => row.dataset === dataset && row.model === model);
}

/** The verdict of one metric target for one model, with the values it rests on. */
export function judgeMetricTarget(
  target: MetricTarget,
  rows: readonly ModelRow[],
  model: string,
): { verdict: Verdict; detail: string } {
  const row = findRow(rows, target.dataset, model);
  if (row === undefined) return { verdict: "not measured", detail: "not in this run" };
  if (row.metric !== target.metric) {
    throw new Error(`target ${target.dataset}: judged on ${target.metric}, row has ${row.metric}`);
  }
  if (row.final.mean === null) {
    const error = row.errors[0];
    return {
      verdict: "not measured",
      detail: error === undefined ? "no completed run" : cellText(error, ERROR_CELL_CHARS),
    };
  }
  let met = row.final.mean >= target.minimum - ROUNDING;
  let detail = row.final.mean.toFixed(3);
  if (target.linearMargin !== undefined) {
    const delta = row.deltaVsLinear.mean;
    if (delta === null) return { verdict: "not measured", detail: `${detail}, no linear pair` };
    met &&= delta >= -target.linearMargin - ROUNDING;
    detail += `, Δ vs linear ${signed(delta, 3)}`;
  }
  return { verdict: met ? "met" : "not met", detail };
}

function describeTarget(target: MetricTarget): string {
  const name = metricName(target.metric);
  const margin =
    target.linearMargin === undefined ? "" : ` and ≥ linear − ${target.linearMargin.toFixed(2)}`;
  return `${target.dataset}: ${name} ≥ ${target.minimum.toFixed(2)}${margin}`;
}

/**
 * The issue's targets as Markdown list lines, each judged for every VQC model in the table
 * (on the mean over seeds), then "default VQC within 0.05 of linear on every classification
 * set" for the `vqc` model.
 */
export function targetLines(rows: readonly ModelRow[], vqcModels: readonly string[]): string[] {
  const lines: string[] = [];
  for (const target of METRIC_TARGETS) {
    const verdicts = vqcModels.map((model) => {
      const { verdict, detail } = judgeMetricTarget(target, rows, model);
      return `${model}: **${verdict}** (${detail})`;
    });
    lines.push(`- ${describeTarget(target)} — ${verdicts.join("; ")}`);
  }
  const classification = [
    ...new Set(rows.filter((row) => row.metric === "testAccuracy").map((row) => row.dataset)),
  ];
  const parts: string[] = [];
  let verdict: Verdict = classification.length === 0 ? "not measured" : "met";
  for (const dataset of classification) {
    const delta = findRow(rows, dataset, "vqc")?.deltaVsLinear.mean ?? null;
    if (delta === null) {
      parts.push(`${dataset} —`);
      if (verdict === "met") verdict = "not measured";
      continue;
    }
    parts.push(`${dataset} ${signed(delta, 3)}`);
    if (delta < -DEFAULT_VQC_LINEAR_MARGIN - ROUNDING) verdict = "not met";
  }
  lines.push(
    `- default VQC (vqc) within ${DEFAULT_VQC_LINEAR_MARGIN.toFixed(2)} of linear on every classification set (mean paired Δ ≥ −${DEFAULT_VQC_LINEAR_MARGIN.toFixed(2)}) — **${verdict}** (${parts.join(", ") || "no classification set"})`,
  );
  return lines;
}

function fraction(value: number | null): string {
  return value === null ? "—" : value.toFixed(2);
}

/** Longest error message shown in a table cell (the full text goes to stderr and --json). */
const ERROR_CELL_CHARS = 160;

function cellText(text: string, maxChars: number): string {
  const flat = text.replaceAll("\n", " ").replaceAll("|", "\\|");
  return flat.length > maxChars ? `${flat.slice(0, maxChars - 1)}…` : flat;
}

/** The results table, one line per row; failures show as an error cell. */
export function rowsMarkdown(rows: readonly ModelRow[]): string[] {
  const lines = [
    "| dataset | model | test metric | n | Δ vs linear (paired) | ms / epoch | final I(X;T) | final I(T;Y) | saturated | errors |",
    "|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const row of rows) {
    const errors = row.errors.map((error) => cellText(error, ERROR_CELL_CHARS));
    const failed = row.runs - row.final.n;
    lines.push(
      `| ${row.dataset} | ${row.model} | ${metricName(row.metric)} ${formatStat(row.final, 3)} | ${row.final.n}/${row.runs} | ${row.model === REFERENCE_MODEL ? "(reference)" : formatStat(row.deltaVsLinear, 3)} | ${formatStat(row.msPerEpoch, 1)} | ${formatStat(row.finalIxt, 3)} | ${formatStat(row.finalIty, 3)} | ${fraction(row.saturatedFraction)} | ${failed > 0 ? `${failed} failed: ${errors.join("; ")}` : ""} |`,
    );
  }
  return lines;
}

/** What the report's header states about the run. */
export interface ReportContext {
  readonly machine: string;
  readonly date: string;
  readonly commit: string;
  readonly seeds: number;
  /** First seed of the run (seeds firstSeed..firstSeed+seeds−1). */
  readonly firstSeed: number;
  /** Model name → its spec fragment (after the run-wide `--set` overrides). */
  readonly models: Readonly<Record<string, SpecFragment>>;
  readonly overrides: readonly string[];
  /** Wall time of the whole bench. */
  readonly elapsedSeconds: number;
}

/** The whole Markdown report: header, table, the issue's targets. */
export function reportMarkdown(
  context: ReportContext,
  rows: readonly ModelRow[],
  vqcModels: readonly string[],
): string {
  const models = Object.entries(context.models)
    .map(([name, fragment]) => `\`${name}\` = \`${JSON.stringify(fragment)}\``)
    .join(", ");
  return [
    "# bench:models — VQC vs MLP vs linear on real and generated tables",
    "",
    `- machine: ${context.machine}`,
    `- date: ${context.date}; commit: ${context.commit}; bench wall time ${context.elapsedSeconds.toFixed(0)} s`,
    `- seeds ${context.firstSeed}..${context.firstSeed + context.seeds - 1} (seed s sets dataset.seed and training.seed, paired across models); every other field at its spec default`,
    `- models: ${models}`,
    `- overrides (--set): ${context.overrides.length === 0 ? "none" : context.overrides.map((text) => `\`${text}\``).join(", ")}`,
    "",
    "Decision this table supports: whether the defaults (and the best documented VQC configuration) meet the issue's targets, and whether the default VQC is within 0.05 of the linear model on every classification set. Test metric = last epoch's test accuracy (classification) or test R² (regression), mean ± sample std over seeds; Δ vs linear = mean ± std of the per-seed differences against `linear`; ms / epoch = run wall time (training and information-plane measurement) over epochs, after one untimed warm-up run per model; saturated = fraction of runs whose last record has I(X;T) ≥ 0.9·log2 N.",
    "",
    ...rowsMarkdown(rows),
    "",
    "Targets (judged on the mean over seeds):",
    "",
    ...targetLines(rows, vqcModels),
    "",
  ].join("\n");
}
