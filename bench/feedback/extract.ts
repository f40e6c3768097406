/**
 * From a finished experiment's folder (`qplane experiment` output: experiment.json and one
 * run folder per child) to the compact cached result of the benchmark: per selected child
 * (the run each arm keeps per seed) its seed, arm role, kept candidate and the metrics the
 * analysis compares; per tuning candidate its validation and test metric; per arm the mean
 * information-plane trajectory of its selected children.
 *
 * Metrics (one definition each):
 *   test        summary test accuracy / R² (the best-validation epoch's)
 *   validation  validation accuracy / R² at that epoch (what tuning selects on)
 *   steps       optimisation steps to the threshold on the validation split
 *               (stepsToThreshold); a censored run counts as its budget + 1, as in the engine
 *   auc         mean validation loss over all epochs (area under the validation-loss curve
 *               per epoch; every run has the same epoch count, so this ranks as the area)
 *   meanRate    summary.meanLearningRate (the effective rate, feedback factor included)
 *   ixt, ity    summary finalIxt / finalIty (last epoch)
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { stepsToThreshold } from "../../src/experiments/aggregate.js";
import type { EpochRecord, RunSummary } from "../../src/training/records.js";
import { type BenchDataset, GRID_ROLES, type Role } from "./design.js";

export interface CachedChild {
  readonly seed: number;
  readonly role: Role;
  /** A: the learning rate kept; B: the α kept; other arms: null. */
  readonly candidate: number | null;
  readonly test: number | null;
  readonly validation: number | null;
  readonly steps: number | null;
  readonly censored: boolean;
  readonly auc: number | null;
  readonly meanRate: number | null;
  readonly ixt: number | null;
  readonly ity: number | null;
  /** Feedback arms: whether L_comp fell below half its first value. */
  readonly reachable?: boolean;
}

/** One run of a tuned arm (A or B) for one seed and candidate value. */
export interface CachedCandidate {
  readonly seed: number;
  readonly role: Role;
  readonly candidate: number;
  readonly kept: boolean;
  readonly validation: number | null;
  readonly test: number | null;
}

/** Mean I(X;T), I(T;Y) per epoch over an arm's selected children. */
export interface Trajectory {
  readonly ixt: readonly number[];
  readonly ity: readonly number[];
}

/** Bumped whenever the cached shape changes (older cache files are rerun). */
export const CACHE_VERSION = 2;

export interface CachedExperiment {
  readonly version: typeof CACHE_VERSION;
  readonly family: string;
  readonly dataset: string;
  readonly model: string;
  readonly metric: BenchDataset["metric"];
  readonly threshold: number;
  readonly seeds: readonly number[];
  /** SHA-256 of the submission that produced it (the cache's validity key). */
  readonly submissionSha256: string;
  readonly wallMs: number;
  /** Why the experiment has no results (e.g. an unreachable label-entropy target). */
  readonly skipped?: string;
  /** Consistency problems noticed while extracting (reported, never hidden). */
  readonly warnings: readonly string[];
  /** The selected run of every arm and seed. */
  readonly children: readonly CachedChild[];
  readonly candidates: readonly CachedCandidate[];
  readonly trajectories: Partial<Record<Role, Trajectory>>;
}

interface ViewArm {
  readonly key: string;
  readonly values: Readonly<Record<string, unknown>>;
  readonly jobIds: readonly string[];
  readonly control?: { readonly kind: "dose-matched" | "placebo"; readonly of: string };
}

interface RawChild {
  readonly id: string;
  readonly seed: number;
  readonly role: Role;
  /** Listed under its arm in the view: the engine's selected child (tuned arms list only those). */
  readonly selected: boolean;
  readonly spec: ChildSpec;
  readonly records: readonly EpochRecord[];
  readonly summary: RunSummary;
}

const round = (value: number | null | undefined, digits = 5): number | null =>
  value === null || value === undefined || !Number.isFinite(value)
    ? null
    : Number(value.toPrecision(digits));

function gridRole(values: Readonly<Record<string, unknown>>): Role | null {
  const match = GRID_ROLES.find(
    (entry) =>
      values["feedback.mode"] === entry.mode && values["training.schedule"] === entry.schedule,
  );
  return match?.role ?? null;
}

/** Role of every arm of the view: grid arms by their values, controls by their source. */
function armRoles(arms: readonly ViewArm[]): Map<string, Role> {
  const byKey = new Map<string, Role>();
  for (const arm of arms) {
    const role = gridRole(arm.values);
    if (role !== null && arm.control === undefined) byKey.set(arm.key, role);
  }
  for (const arm of arms) {
    if (arm.control === undefined) continue;
    const source = byKey.get(arm.control.of);
    const prefix = arm.control.kind === "dose-matched" ? "C" : "D";
    if (source === "B") byKey.set(arm.key, prefix);
    if (source === "F") byKey.set(arm.key, `${prefix}F` as Role);
  }
  return byKey;
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

interface ChildSpec {
  readonly training: {
    readonly seed: number;
    readonly schedule: string;
    readonly learningRate: number;
  };
  readonly feedback: { readonly mode: string; readonly alpha: number };
}

/**
 * Every child folder with a summary. Children listed under an arm of the view take its role
 * and are that arm's selected runs (a tuned arm lists its kept candidate per seed); the other
 * folders are tuning candidates that were not kept, their role read from their spec.
 */
function readChildren(dir: string, arms: readonly ViewArm[], warnings: string[]): RawChild[] {
  const roles = armRoles(arms);
  const roleOfId = new Map<string, Role>();
  for (const arm of arms) {
    const role = roles.get(arm.key);
    if (role !== undefined) for (const id of arm.jobIds) roleOfId.set(id, role);
  }
  const children: RawChild[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const folder = join(dir, entry.name);
    if (!entry.isDirectory() || !existsSync(join(folder, "summary.json"))) continue;
    const spec = readJson<ChildSpec>(join(folder, "spec.json"));
    const listed = roleOfId.get(entry.name);
    const role =
      listed ??
      gridRole({
        "feedback.mode": spec.feedback.mode,
        "training.schedule": spec.training.schedule,
      });
    if (role === null) {
      warnings.push(`child ${entry.name}: no arm role (left out)`);
      continue;
    }
    children.push({
      id: entry.name,
      seed: spec.training.seed,
      role,
      selected: listed !== undefined,
      spec,
      records: readJson<{ metrics: EpochRecord[] }>(join(folder, "metrics.json")).metrics,
      summary: readJson<RunSummary>(join(folder, "summary.json")),
    });
  }
  const kept = children.filter((child) => child.selected).map((c) => `${c.role}/${c.seed}`);
  if (new Set(kept).size !== kept.length) {
    warnings.push("an arm lists more than one run for a seed (comparisons use the last)");
  }
  return children.sort((a, b) => a.id.localeCompare(b.id));
}

const selectedRecord = (child: RawChild): EpochRecord | undefined =>
  child.records[(child.summary.selectedEpoch ?? child.records.length) - 1];

function validationOf(child: RawChild, metric: BenchDataset["metric"]): number | null {
  const record = selectedRecord(child);
  const value = metric === "testAccuracy" ? record?.validationAccuracy : record?.validationR2;
  return value !== undefined && Number.isFinite(value) ? value : null;
}

/** The tuned value a candidate ran with: A's rate, B's α. */
function candidateOf(child: RawChild): number | null {
  if (child.role === "A") return child.spec.training.learningRate;
  if (child.role === "B") return child.spec.feedback.alpha;
  return null;
}

function meanTrajectory(children: readonly RawChild[]): Trajectory {
  const epochs = Math.min(...children.map((child) => child.records.length));
  const ixt: number[] = [];
  const ity: number[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    let sumIxt = 0;
    let sumIty = 0;
    for (const child of children) {
      sumIxt += child.records[epoch]!.ixt;
      sumIty += child.records[epoch]!.ity;
    }
    ixt.push(round(sumIxt / children.length, 4) ?? Number.NaN);
    ity.push(round(sumIty / children.length, 4) ?? Number.NaN);
  }
  return { ixt, ity };
}

export interface ExtractInput {
  readonly dir: string;
  readonly family: string;
  readonly dataset: BenchDataset;
  readonly model: string;
  readonly seeds: readonly number[];
  readonly submissionSha256: string;
  readonly wallMs: number;
}

export function extractExperiment(input: ExtractInput): CachedExperiment {
  const warnings: string[] = [];
  const view = readJson<{ arms: ViewArm[] }>(join(input.dir, "experiment.json"));
  const raw = readChildren(input.dir, view.arms, warnings);
  const { metric, threshold } = input.dataset;
  const stepMetric = metric === "testAccuracy" ? "accuracy" : "r2";
  const testOf = (child: RawChild) =>
    round(metric === "testAccuracy" ? child.summary.testAccuracy : child.summary.testR2);
  const candidates: CachedCandidate[] = raw.flatMap((child) => {
    const candidate = round(candidateOf(child));
    if (candidate === null) return [];
    const { seed, role, selected: kept } = child;
    return [
      {
        seed,
        role,
        candidate,
        kept,
        validation: round(validationOf(child, metric)),
        test: testOf(child),
      },
    ];
  });
  const children: CachedChild[] = raw
    .filter((child) => child.selected)
    .map((child) => {
      const reached = stepsToThreshold(child.records, stepMetric, threshold);
      const budget = child.records.at(-1)?.step ?? null;
      const losses = child.records.map((record) => record.validationLoss ?? Number.NaN);
      const reachable = child.summary.feedbackReachable;
      return {
        seed: child.seed,
        role: child.role,
        candidate: round(candidateOf(child)),
        test: testOf(child),
        validation: round(validationOf(child, metric)),
        steps:
          reached === null || budget === null
            ? null
            : reached.censored
              ? budget + 1
              : reached.steps,
        censored: reached?.censored ?? false,
        auc: round(losses.reduce((sum, loss) => sum + loss, 0) / losses.length),
        meanRate: round(child.summary.meanLearningRate),
        ixt: round(child.summary.finalIxt),
        ity: round(child.summary.finalIty),
        ...(reachable === undefined ? {} : { reachable }),
      };
    });
  // inheritance check: E runs at A's kept rate per seed, else the selections disagree
  for (const child of raw.filter((entry) => entry.role === "E")) {
    const kept = children.find((c) => c.role === "A" && c.seed === child.seed);
    const eta0 = round(child.spec.training.learningRate);
    if (kept !== undefined && eta0 !== kept.candidate) {
      warnings.push(
        `seed ${child.seed}: E ran at η₀ = ${eta0}, A's kept rate is ${kept.candidate}`,
      );
    }
  }
  const failures = readdirSync(input.dir).filter((name) => name.endsWith(".error.txt"));
  const firstFailure =
    failures.length === 0
      ? null
      : readFileSync(join(input.dir, failures.sort()[0]!), "utf8").trim();
  if (failures.length > 0) warnings.push(`${failures.length} runs failed; first: ${firstFailure}`);
  const trajectories: Partial<Record<Role, Trajectory>> = {};
  for (const role of new Set(raw.map((child) => child.role))) {
    const kept = raw.filter((child) => child.role === role && child.selected);
    if (kept.length > 0) trajectories[role] = meanTrajectory(kept);
  }
  return {
    version: CACHE_VERSION,
    family: input.family,
    dataset: input.dataset.name,
    model: input.model,
    metric,
    threshold,
    seeds: input.seeds,
    submissionSha256: input.submissionSha256,
    wallMs: Math.round(input.wallMs),
    // without a completed feedback run there is nothing to compare (e.g. I* unreachable)
    ...(children.some((child) => child.role === "B")
      ? {}
      : { skipped: firstFailure ?? "no feedback run completed" }),
    warnings,
    children,
    candidates,
    trajectories,
  };
}
