/**
 * bench/results/feedback.md and its SVGs (bench/results/feedback/*.svg), from the cached
 * experiments and the run's meta alone: the decision rule (stated first), the verdict per
 * family and model, the paired comparisons (test metric, steps, validation-loss area), arm
 * summaries with the kept tuning candidates, forest plots of B against A, C, D and E,
 * information-plane trajectories per arm, and run time.
 */
import { readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { at } from "../../src/errors/checked.js";
import { meanStd } from "../../src/experiments/aggregate.js";
import { ITY_TITLE, IXT_TITLE } from "../../src/plots/infoplane.js";
import { renderSvg, type TopLevelSpec } from "../../src/plots/render.js";
import {
  ALPHA_LEVEL,
  BENCH_METRICS,
  type BenchMetric,
  COMPARISONS,
  type ComparisonRow,
  compareAll,
  type Verdict,
  verdicts,
} from "./analysis.js";
import {
  ALPHAS,
  EPOCHS,
  FAMILIES,
  MODELS,
  ROLE_LABELS,
  ROLES,
  type Role,
  VALIDATION_FRACTION,
} from "./design.js";
import type { CachedChild, CachedExperiment } from "./extract.js";

/** What the run records about itself (bench/results/feedback-runs/meta.json). */
export interface RunMeta {
  readonly finishedAt: string;
  readonly wallMs: number;
  readonly parallel: number;
  readonly cpus: string;
  readonly node: string;
  readonly seeds: readonly number[];
  readonly command: string;
}

export const RULE_TEXT =
  `**Decision rule (fixed before any number was computed; applied by bench/feedback/analysis.ts).** ` +
  `Per family and model: "feedback helps" only if, on the test metric at the best-validation ` +
  `epoch, B (tuned feedback) is better than A (tuned off), C (dose-matched) **and** D (placebo) ` +
  `with Holm-adjusted Wilcoxon p < ${ALPHA_LEVEL} on at least half of the data sets, and is never ` +
  `significantly worse than any of them. Holm adjusts within one (family, model, metric) across ` +
  `data sets × the ${COMPARISONS.length} comparisons ${COMPARISONS.map(([a, b]) => `${a}−${b}`).join(", ")}. ` +
  `The headline answer is the primary family's.`;

const METRIC_TITLES: Readonly<Record<BenchMetric, string>> = {
  test: "test metric at the best-validation epoch (accuracy or R²; higher is better)",
  steps: "optimisation steps to the validation threshold (censored = budget + 1; lower is better)",
  auc: "mean validation loss over the epochs (area under the validation-loss curve; lower is better)",
};

/** Fixed decimals; a diverged run's huge values in exponent form (1.23e+286). */
function fixed(value: number | null | undefined, digits: number): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return Math.abs(value) >= 1e5 ? value.toExponential(2) : value.toFixed(digits);
}

/**
 * The smallest Holm p any comparison of a family can reach: m tests × the smallest exact
 * two-sided Wilcoxon p with n pairs, 2 / 2^n (every difference of one sign).
 */
export function smallestHolmP(tests: number, pairs: number): number {
  return Math.min(1, (tests * 2) / 2 ** pairs);
}

const pValue = (p: number) => (p < 0.001 ? "<0.001" : p.toFixed(3));

function stat(values: readonly (number | null)[], digits: number): string {
  const { mean, std } = meanStd(values.filter((value): value is number => value !== null));
  if (mean === null) return "–";
  return std === null ? fixed(mean, digits) : `${fixed(mean, digits)} ± ${fixed(std, digits)}`;
}

function verdictLine(verdict: Verdict): string {
  const label = MODELS.find((model) => model.name === verdict.model)?.label ?? verdict.model;
  const answer = verdict.helps ? "**feedback helps**" : "**feedback does not help**";
  const losses =
    verdict.losses.length === 0 ? "never worse" : `worse on ${verdict.losses.join(", ")}`;
  return `- ${label}: ${answer} — B beats A, C and D on ${verdict.wins.length}/${verdict.datasets.length} data sets (${verdict.wins.join(", ") || "none"}); ${losses}.`;
}

function comparisonTable(rows: readonly ComparisonRow[], metric: BenchMetric): string[] {
  const mine = rows.filter((row) => row.metric === metric);
  const digits = metric === "steps" ? 0 : 3;
  const keys = [...new Set(mine.map((row) => `${row.dataset}\n${row.model}`))];
  const header = COMPARISONS.map(([a, b]) => `${a}−${b}`);
  return [
    `| data set | model | ${header.join(" | ")} |`,
    `|---|---|${header.map(() => "---|").join("")}`,
    ...keys.map((key) => {
      const [dataset, model] = key.split("\n") as [string, string];
      const cells = COMPARISONS.map(([arm, baseline]) => {
        const row = mine.find(
          (entry) =>
            entry.dataset === dataset &&
            entry.model === model &&
            entry.arm === arm &&
            entry.baseline === baseline,
        );
        if (row === undefined) return "–";
        const mark = row.better ? " ▲" : row.worse ? " ▼" : "";
        return `${fixed(row.medianDiff, digits)} [${fixed(row.ci95[0], digits)}, ${fixed(row.ci95[1], digits)}] p=${pValue(row.holmP)}${mark}`;
      });
      return `| ${dataset} | ${model} | ${cells.join(" | ")} |`;
    }),
  ];
}

/** The kept candidates of a tuned role, as `value×count`. */
function keptCandidates(experiment: CachedExperiment, role: Role): string {
  const counts = new Map<number, number>();
  for (const child of experiment.children) {
    if (child.role === role && child.candidate !== null) {
      counts.set(child.candidate, (counts.get(child.candidate) ?? 0) + 1);
    }
  }
  return [...counts]
    .sort((a, b) => a[0] - b[0])
    .map(([value, count]) => `${value}×${count}`)
    .join(" ");
}

/** Feedback runs whose L_comp never fell below half its start: their feedback was a dose. */
function unreachable(kept: readonly CachedChild[]): string {
  const count = kept.filter((child) => child.reachable === false).length;
  return count === 0 ? "" : ` (${count} unreachable)`;
}

function armTable(experiments: readonly CachedExperiment[]): string[] {
  const lines = [
    "| data set | model | arm | n | test | steps (censored) | val-loss area | mean rate | final I(X;T) | final I(T;Y) | kept candidates |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const experiment of experiments) {
    if (experiment.skipped !== undefined) continue;
    for (const role of ROLES) {
      const kept = experiment.children.filter((child) => child.role === role);
      if (kept.length === 0) continue;
      const censored = kept.filter((child) => child.censored).length;
      const pick = (field: "test" | "steps" | "auc" | "meanRate" | "ixt" | "ity") =>
        kept.map((child) => child[field]);
      lines.push(
        `| ${experiment.dataset} | ${experiment.model} | ${ROLE_LABELS[role]} | ${kept.length}${unreachable(kept)} | ${stat(pick("test"), 3)} | ${stat(pick("steps"), 0)} (${censored}) | ${stat(pick("auc"), 3)} | ${stat(pick("meanRate"), 3)} | ${stat(pick("ixt"), 3)} | ${stat(pick("ity"), 3)} | ${role === "A" || role === "B" ? keptCandidates(experiment, role) : ""} |`,
      );
    }
  }
  return lines;
}

/** Mean validation metric per candidate of A and B: shows whether the optimum is inside. */
function tuningTable(experiments: readonly CachedExperiment[]): string[] {
  const lines = [
    "| data set | model | arm | mean validation metric per candidate (kept how often) |",
    "|---|---|---|---|",
  ];
  for (const experiment of experiments) {
    for (const role of ["A", "B"] as const) {
      const mine = experiment.candidates.filter((candidate) => candidate.role === role);
      const values = [...new Set(mine.map((candidate) => candidate.candidate))].sort(
        (a, b) => a - b,
      );
      if (values.length === 0) continue;
      const cells = values.map((value) => {
        const runs = mine.filter((candidate) => candidate.candidate === value);
        const { mean } = meanStd(
          runs.flatMap((run) => (run.validation === null ? [] : [run.validation])),
        );
        return `${value}: ${fixed(mean, 3)} (${runs.filter((run) => run.kept).length})`;
      });
      lines.push(
        `| ${experiment.dataset} | ${experiment.model} | ${role} | ${cells.join(" · ")} |`,
      );
    }
  }
  return lines;
}

const FOREST_COMPARISONS = COMPARISONS.filter(([arm]) => arm === "B");

/** Forest plot of one family and model: B − A, C, D, E per data set, median and 95 % CI. */
export function forestSpec(rows: readonly ComparisonRow[], title: string): TopLevelSpec {
  const values = rows
    .filter((row) => row.metric === "test" && row.arm === "B")
    .map((row) => ({
      dataset: row.dataset,
      comparison: `B−${row.baseline}`,
      median: row.medianDiff,
      lo: row.ci95[0],
      hi: row.ci95[1],
      significant: row.better || row.worse ? `Holm p < ${ALPHA_LEVEL}` : "n.s.",
    }));
  const y = { field: "dataset", type: "nominal", title: null } as const;
  const yOffset = { field: "comparison", type: "nominal" } as const;
  const color = {
    field: "comparison",
    type: "nominal",
    title: "paired difference",
    sort: FOREST_COMPARISONS.map(([a, b]) => `${a}−${b}`),
  } as const;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: {
      text: title,
      subtitle: "median paired difference of the test metric, 95 % bootstrap CI",
    },
    width: 420,
    height: { step: 56 },
    data: { values },
    layer: [
      {
        mark: { type: "rule", color: "#888", strokeDash: [4, 3] },
        data: { values: [{ zero: 0 }] },
        encoding: { x: { field: "zero", type: "quantitative" } },
      },
      {
        mark: { type: "rule", strokeWidth: 1.5 },
        encoding: {
          y,
          yOffset,
          color,
          x: { field: "lo", type: "quantitative", title: "arm − baseline" },
          x2: { field: "hi" },
        },
      },
      {
        mark: { type: "point", filled: true, size: 50 },
        encoding: {
          y,
          yOffset,
          color,
          x: { field: "median", type: "quantitative" },
          shape: { field: "significant", type: "nominal", title: null },
        },
      },
    ],
  } as TopLevelSpec;
}

/** Mean information-plane trajectory of each arm of one experiment. */
export function trajectorySpec(experiment: CachedExperiment, title: string): TopLevelSpec {
  const values = (["A", "B", "C", "D", "E"] as const).flatMap((role) => {
    const trajectory = experiment.trajectories[role];
    if (trajectory === undefined) return [];
    return trajectory.ixt.map((ixt, index) => ({
      arm: ROLE_LABELS[role],
      epoch: index + 1,
      ixt,
      ity: at(trajectory.ity, index, `${role} I(T;Y) trajectory`),
    }));
  });
  const encoding = {
    x: { field: "ixt", type: "quantitative", title: IXT_TITLE, scale: { zero: false } },
    y: { field: "ity", type: "quantitative", title: ITY_TITLE, scale: { zero: false } },
    color: { field: "arm", type: "nominal", title: null },
    order: { field: "epoch", type: "quantitative" },
  } as const;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: { text: title, subtitle: "mean over seeds per epoch (selected runs)" },
    width: 380,
    height: 280,
    data: { values },
    layer: [
      { mark: { type: "line", strokeWidth: 1.25 }, encoding },
      { mark: { type: "point", filled: true, size: 18 }, encoding },
    ],
  } as TopLevelSpec;
}

/** Data sets drawn on the information plane (one of each kind). */
const TRAJECTORY_DATASETS = ["moons", "iris", "sine"];

function familyWallMs(experiments: readonly CachedExperiment[], family: string): number {
  return experiments
    .filter((experiment) => experiment.family === family)
    .reduce((sum, experiment) => sum + experiment.wallMs, 0);
}

const minutes = (ms: number) => `${(ms / 60_000).toFixed(1)} min`;

export interface ReportInput {
  readonly experiments: readonly CachedExperiment[];
  readonly meta: RunMeta | null;
  /** Where feedback.md goes; SVGs go to `<resultsDir>/feedback/`. */
  readonly resultsDir: string;
  /** Families, data sets and models the run asked for (to list what is missing). */
  readonly plannedCount: number;
}

/** Writes feedback.md and the SVGs; returns the markdown. */
export async function writeReport(input: ReportInput): Promise<string> {
  const { experiments, meta } = input;
  const rows = compareAll(experiments);
  const allVerdicts = verdicts(rows);
  const svgDir = join(input.resultsDir, "feedback");
  // the plots of an earlier run's families would otherwise stay next to this run's
  for (const file of readdirSync(svgDir)) {
    if (/^(forest|infoplane)-.*\.svg$/.test(file)) rmSync(join(svgDir, file));
  }
  const lines: string[] = [
    "# Does compression-gnostic feedback help beyond a learning-rate dose?",
    "",
    RULE_TEXT,
    "",
    "## Verdict",
    "",
  ];
  for (const family of FAMILIES) {
    const mine = allVerdicts.filter((verdict) => verdict.family === family.name);
    if (mine.length === 0) continue;
    lines.push(`**${family.name}** (${family.description}):`, "", ...mine.map(verdictLine), "");
    const testRows = rows.filter((row) => row.family === family.name && row.metric === "test");
    const tests = testRows.filter((row) => row.model === mine[0]!.model).length;
    const pairs = Math.max(...testRows.map((row) => row.n));
    const floor = smallestHolmP(tests, pairs);
    if (floor >= ALPHA_LEVEL) {
      lines.push(
        `With ${pairs} seeds and ${tests} tests per model no comparison can reach Holm p < ${ALPHA_LEVEL} (the smallest possible is ${tests} × 2/2^${pairs} = ${floor.toFixed(3)}): this run cannot say "helps"; it checks the pipeline.`,
        "",
      );
    }
  }
  const skipped = experiments.filter((experiment) => experiment.skipped !== undefined);
  lines.push(
    "## Design",
    "",
    `One \`qplane experiment\` per (family, data set, model): grid feedback.mode {off, lr} × training.schedule {constant, cosine} × training.seed ${describeSeeds(meta?.seeds ?? experiments[0]?.seeds ?? [])}; dataset.validationFraction ${VALIDATION_FRACTION}, training.select best-validation, ${EPOCHS} epochs, splitPerSeed (seed s sets dataset.seed = s as well: each seed draws its own train/validation/test split, shared by every arm of that seed, and its own initialisation and minibatch order). Arms:`,
    "",
    ...ROLES.map((role) => `- ${ROLE_LABELS[role]}`),
    "",
    `A is tuned per seed over training.learningRate (SGD ${FAMILIES[0]!.learningRates.join(", ")}; Adam ${FAMILIES.find((f) => f.optimizer === "adam")!.learningRates.join(", ")}); B inherits A's kept rate and is tuned over feedback.alpha ${ALPHAS.join(", ")}; E and F inherit A's kept rate; C and D derive from B's kept run (dose-matched: feedback off at its mean effective rate; placebo: another seed's rate trajectory replayed). Tuning selects on the validation split only; every table reports the test split. F and its controls exist because the grid is a product; F is reported as a side arm and is not part of the rule.`,
    "",
    "Families: " +
      FAMILIES.map((family) => `\`${family.name}\` — ${family.description}`).join("; ") +
      ".",
    "",
    `Experiments with results: ${experiments.length - skipped.length} of ${input.plannedCount} planned.`,
    ...(skipped.length > 0
      ? [
          "",
          "Skipped (no comparison possible):",
          "",
          ...skipped.map((e) => `- ${e.family} ${e.dataset} ${e.model}: ${e.skipped}`),
        ]
      : []),
    "",
  );
  for (const family of FAMILIES) {
    const familyExperiments = experiments.filter(
      (experiment) => experiment.family === family.name && experiment.skipped === undefined,
    );
    if (familyExperiments.length === 0) continue;
    const familyRows = rows.filter((row) => row.family === family.name);
    lines.push(`## Family \`${family.name}\``, "", family.description, "");
    for (const metric of BENCH_METRICS) {
      lines.push(
        `**Paired differences, ${METRIC_TITLES[metric]}** — median [95 % CI] Holm p; ▲ significantly in the first arm's favour, ▼ against it.`,
        "",
        ...comparisonTable(familyRows, metric),
        "",
      );
    }
    for (const model of MODELS) {
      const modelRows = familyRows.filter((row) => row.model === model.name);
      if (modelRows.length === 0) continue;
      const file = `forest-${family.name}-${model.name}.svg`;
      writeFileSync(
        join(svgDir, file),
        await renderSvg(
          forestSpec(modelRows, `${family.name}, ${model.label}: B against A, C, D, E`),
        ),
      );
      lines.push(`![forest ${family.name} ${model.label}](feedback/${file})`, "");
    }
    for (const experiment of familyExperiments) {
      if (family !== FAMILIES[0] || !TRAJECTORY_DATASETS.includes(experiment.dataset)) continue;
      const file = `infoplane-${family.name}-${experiment.dataset}-${experiment.model}.svg`;
      writeFileSync(
        join(svgDir, file),
        await renderSvg(
          trajectorySpec(
            experiment,
            `${experiment.dataset}, ${experiment.model}: information plane per arm`,
          ),
        ),
      );
      lines.push(
        `![information plane ${experiment.dataset} ${experiment.model}](feedback/${file})`,
        "",
      );
    }
    lines.push(
      "**Arms** (selected runs; mean ± std over seeds)",
      "",
      ...armTable(familyExperiments),
      "",
      "**Tuning** (validation split; A over training.learningRate, B over feedback.alpha at A's kept rate)",
      "",
      ...tuningTable(familyExperiments),
      "",
    );
  }
  const warnings = experiments.flatMap((experiment) =>
    experiment.warnings.map(
      (warning) => `- ${experiment.family} ${experiment.dataset} ${experiment.model}: ${warning}`,
    ),
  );
  if (warnings.length > 0) lines.push("## Warnings", "", ...warnings, "");
  lines.push("## Run", "");
  if (meta !== null) {
    lines.push(
      `\`${meta.command}\`, finished ${meta.finishedAt}: wall time ${minutes(meta.wallMs)} (this invocation; cached experiments cost nothing), --parallel ${meta.parallel}, ${meta.cpus}, Node ${meta.node}.`,
      "",
    );
  }
  lines.push(
    "Wall time per family (sum over its experiments when they ran): " +
      FAMILIES.map(
        (family) => `${family.name} ${minutes(familyWallMs(experiments, family.name))}`,
      ).join(", ") +
      ".",
    "",
  );
  const markdown = `${lines.join("\n")}`;
  writeFileSync(join(input.resultsDir, "feedback.md"), markdown);
  return markdown;
}

/** `1–20` for a contiguous range, else the list. */
function describeSeeds(seeds: readonly number[]): string {
  const contiguous = seeds.every((seed, index) => index === 0 || seed === seeds[index - 1]! + 1);
  return contiguous && seeds.length > 2 ? `${seeds[0]}–${seeds.at(-1)}` : seeds.join(", ");
}
