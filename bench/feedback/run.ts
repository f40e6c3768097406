/**
 * Runs the benchmark's experiments through `qplane experiment` (src/cli/experiment.ts) one
 * after another, each on `parallel` worker threads, in a temporary runs folder; extracts each
 * finished experiment's compact result into the cache (bench/results/feedback-runs/
 * <family>-<dataset>-<model>.json) and deletes its run folders. Experiments already cached
 * are skipped unless `fresh`. An experiment the engine refuses (e.g. an unreachable
 * label-entropy target) is cached as skipped, with the refusal as its reason.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ExperimentCommandOptions, experimentCommand } from "../../src/cli/experiment.js";
import { type ExperimentKey, experimentName, experimentSubmission } from "./design.js";
import { CACHE_VERSION, type CachedExperiment, extractExperiment } from "./extract.js";

export interface RunOptions {
  readonly cacheDir: string;
  readonly seeds: readonly number[];
  readonly parallel: number;
  readonly fresh: boolean;
  /** One line per experiment (started, cached, skipped). */
  readonly log: (line: string) => void;
}

export const cachePath = (cacheDir: string, key: ExperimentKey): string =>
  join(cacheDir, `${experimentName(key)}.json`);

/** A cached experiment, or null when absent or of an older cache shape. */
export function readCached(path: string): CachedExperiment | null {
  if (!existsSync(path)) return null;
  const cached = JSON.parse(readFileSync(path, "utf8")) as CachedExperiment;
  return cached.version === CACHE_VERSION ? cached : null;
}

/** Runs (or reuses) every experiment; returns them in the given order. */
export async function runExperiments(
  keys: readonly ExperimentKey[],
  options: RunOptions,
): Promise<CachedExperiment[]> {
  mkdirSync(options.cacheDir, { recursive: true });
  const results: CachedExperiment[] = [];
  for (const [index, key] of keys.entries()) {
    const path = cachePath(options.cacheDir, key);
    const cached = options.fresh ? null : readCached(path);
    const submission = JSON.stringify(experimentSubmission(key, options.seeds));
    // a cached result counts only for exactly the submission this run would make
    if (cached?.submissionSha256 === sha256(submission)) {
      options.log(`[${index + 1}/${keys.length}] ${experimentName(key)}: cached`);
      results.push(cached);
      continue;
    }
    const result = await runOne(key, submission, options);
    writeFileSync(path, `${JSON.stringify(result)}\n`);
    const outcome =
      result.skipped ??
      `${result.children.length} selected runs, ${result.candidates.length} tuning runs`;
    options.log(
      `[${index + 1}/${keys.length}] ${experimentName(key)}: ${outcome}, ${(result.wallMs / 1000).toFixed(1)} s`,
    );
    results.push(result);
  }
  return results;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

async function runOne(
  key: ExperimentKey,
  submission: string,
  options: RunOptions,
): Promise<CachedExperiment> {
  const runsDir = mkdtempSync(join(tmpdir(), "qplane-bench-feedback-"));
  const specPath = join(runsDir, "experiment.json");
  writeFileSync(specPath, submission);
  const started = performance.now();
  const base = {
    family: key.family.name,
    dataset: key.dataset,
    model: key.model.name,
    seeds: options.seeds,
    submissionSha256: sha256(submission),
  };
  try {
    let line = "";
    // childArtifacts: child folders keep metrics and summary only (no SVG / CSV per child)
    const commandOptions: ExperimentCommandOptions & { childArtifacts: "metrics" } = {
      specPath,
      runsDir,
      json: true,
      quiet: true,
      parallel: options.parallel,
      childArtifacts: "metrics",
    };
    await experimentCommand(commandOptions, (text) => {
      line += text;
    });
    const { dir } = JSON.parse(line) as { dir: string };
    return extractExperiment({ ...base, dir, wallMs: performance.now() - started });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      version: CACHE_VERSION,
      ...base,
      dataset: key.dataset.name,
      metric: key.dataset.metric,
      threshold: key.dataset.threshold,
      wallMs: Math.round(performance.now() - started),
      skipped: reason,
      warnings: [],
      children: [],
      candidates: [],
      trajectories: {},
    };
  } finally {
    rmSync(runsDir, { recursive: true, force: true });
  }
}
