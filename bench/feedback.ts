/**
 * Controlled compression-gnostic feedback benchmark: does feedback (mode "lr") improve test
 * accuracy / convergence beyond what a learning-rate dose explains? One `qplane experiment`
 * per (family, data set, model) with arms A tuned off, B tuned feedback, C dose-matched,
 * D placebo, E cosine (bench/feedback/design.ts), compared by paired Wilcoxon tests with Holm
 * (bench/feedback/analysis.ts).
 *
 * Decision rule (fixed before any number; applied mechanically by analysis.ts): per family and
 * model, "feedback helps" only if B beats A, C AND D on the test metric (Holm p < 0.05) on at
 * least half of the data sets and is never significantly worse than any of them.
 *
 * Each finished experiment is cached in bench/results/feedback-runs/ (a rerun skips it;
 * `--fresh` reruns); the report (bench/results/feedback.md, SVGs in bench/results/feedback/)
 * is rebuilt from the cache alone with `--report-only`.
 *
 *   npm run bench:feedback -- --quick            moons, iris, sine; 5 seeds; primary family
 *   npm run bench:feedback -- [--seeds N] [--parallel N] [--families a,b] [--datasets a,b]
 *                             [--fresh] [--report-only]
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DATASETS, FAMILIES, plannedExperiments, QUICK_DATASETS } from "./feedback/design.js";
import type { CachedExperiment } from "./feedback/extract.js";
import { type RunMeta, writeReport } from "./feedback/report.js";
import { cachePath, readCached, runExperiments } from "./feedback/run.js";

interface Args {
  readonly seeds: number;
  readonly parallel: number;
  readonly families: readonly string[];
  readonly datasets: readonly string[];
  readonly fresh: boolean;
  readonly reportOnly: boolean;
}

const PRIMARY_SEEDS = 20;
const QUICK_SEEDS = 5;

function fail(message: string): never {
  console.error(`bench:feedback: ${message}`);
  process.exit(2);
}

function parseArgs(argv: readonly string[]): Args {
  const value = (flag: string): string | undefined => {
    const index = argv.indexOf(flag);
    if (index < 0) return undefined;
    const next = argv[index + 1];
    if (next === undefined || next.startsWith("--")) fail(`${flag} needs a value`);
    return next;
  };
  const known = new Set(["--quick", "--fresh", "--report-only"]);
  const valued = new Set(["--seeds", "--parallel", "--families", "--datasets"]);
  argv.forEach((arg, index) => {
    if (arg.startsWith("--") && !known.has(arg) && !valued.has(arg)) fail(`unknown flag ${arg}`);
    if (!arg.startsWith("--") && !valued.has(argv[index - 1] ?? "")) fail(`unexpected ${arg}`);
  });
  const quick = argv.includes("--quick");
  const count = (flag: string, fallback: number) => {
    const text = value(flag);
    if (text === undefined) return fallback;
    const number = Number(text);
    if (!Number.isInteger(number) || number < 1) fail(`${flag} ${text}: not a positive integer`);
    return number;
  };
  const list = (flag: string, names: readonly string[], fallback: readonly string[]) => {
    const text = value(flag);
    if (text === undefined) return fallback;
    const items = text.split(",");
    for (const item of items) {
      if (!names.includes(item)) fail(`${flag} ${item}: not one of ${names.join(", ")}`);
    }
    return items;
  };
  const familyNames = FAMILIES.map((family) => family.name);
  return {
    seeds: count("--seeds", quick ? QUICK_SEEDS : PRIMARY_SEEDS),
    parallel: count("--parallel", availableParallelism()),
    families: list("--families", familyNames, quick ? [familyNames[0]!] : familyNames),
    datasets: list(
      "--datasets",
      DATASETS.map((dataset) => dataset.name),
      quick ? QUICK_DATASETS : DATASETS.map((dataset) => dataset.name),
    ),
    fresh: argv.includes("--fresh"),
    reportOnly: argv.includes("--report-only"),
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const args = parseArgs(argv);
  const here = dirname(fileURLToPath(import.meta.url));
  const resultsDir = resolve(
    here,
    here.includes(join("dist", "bench")) ? "../../bench/results" : "results",
  );
  const cacheDir = join(resultsDir, "feedback-runs");
  const metaPath = join(cacheDir, "meta.json");
  mkdirSync(join(resultsDir, "feedback"), { recursive: true });
  const keys = plannedExperiments(
    FAMILIES.filter((family) => args.families.includes(family.name)),
    DATASETS.filter((dataset) => args.datasets.includes(dataset.name)),
  );
  const seeds = Array.from({ length: args.seeds }, (_, index) => index + 1);
  let experiments: CachedExperiment[];
  let meta: RunMeta | null;
  if (args.reportOnly) {
    experiments = keys
      .map((key) => readCached(cachePath(cacheDir, key)))
      .filter((experiment): experiment is CachedExperiment => experiment !== null);
    meta = readMeta(metaPath);
  } else {
    const started = performance.now();
    experiments = await runExperiments(keys, {
      cacheDir,
      seeds,
      parallel: args.parallel,
      fresh: args.fresh,
      log: (line) => console.error(line),
    });
    const cpuList = cpus();
    meta = {
      finishedAt: new Date().toISOString(),
      wallMs: Math.round(performance.now() - started),
      parallel: args.parallel,
      cpus: `${cpuList.length} × ${cpuList[0]?.model ?? "unknown CPU"}`,
      node: process.version,
      seeds,
      command: `bench:feedback ${argv.join(" ")}`.trim(),
    };
    writeFileSync(metaPath, `${JSON.stringify(meta, null, 2)}\n`);
  }
  const markdown = await writeReport({
    experiments,
    meta,
    resultsDir,
    plannedCount: keys.length,
  });
  console.log(markdown);
}

function readMeta(path: string): RunMeta | null {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as RunMeta;
  } catch {
    return null;
  }
}

await main();
