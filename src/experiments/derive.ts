/**
 * The one derivation engine of an experiment's children, pure (no I/O), shared by
 * `qplane experiment` and the job service.
 *
 * A record (planExperimentRecord) holds the definition: the base spec, the grid, per arm its
 * tuning candidates and whether its children wait for others (`deferred`). Each child has a
 * SLOT, a stable position in its arm: `r<replicateIndex>` or, in a tuned arm,
 * `r<replicateIndex>.c<candidateIndex>` (0-based). What was LAUNCHED is the record itself:
 * arms[i].jobIds with the parallel arms[i].slots (old records without slots: jobIds[i] is
 * slot `r<i>`) and arms[i].unrunnable. OUTCOMES are keyed by child id (job id in the
 * service, child folder id in the CLI); a launched child without an outcome is running.
 *
 * Dependencies, per seed (replicate index r):
 * - plain grid arms and tuned candidates: none (ready at once);
 * - arms inheriting fields from the baseline, or with feedback.target "baseline": the
 *   baseline arm's SELECTED child of seed r (a tuned baseline: all its candidates finished);
 * - controls: the selected child of their feedback arm for seed r (placebo: also the donor
 *   seed's), derived from that child's spec and outcome (controls.ts).
 * A tuned arm's selected child of a seed is the candidate with the best validation metric at
 * its selected epoch (accuracy, or R² for regression; ties: lower validation loss, then the
 * earlier candidate); failed candidates are skipped. Never the test split.
 */
import { QplaneError } from "../errors/catalogue.js";
import type { EpochRecord } from "../training/records.js";
import { describeSpecIssues, type JobSpec, jobSpecSchema } from "../training/spec.js";
import { findBaselineArm } from "./comparisons.js";
import { doseMatchedSpec, placeboDonorIndex, placeboSpec, planControlArms } from "./controls.js";
import {
  combinations,
  describeGridValue,
  GRID_FIELDS,
  gridError,
  planExperiment,
  REPLICATE_FIELD,
  replicateValues,
  sameValue,
  withField,
} from "./grid.js";
import type {
  ArmIdentity,
  ChildOutcome,
  ControlName,
  ExperimentArm,
  ExperimentRecord,
  ExperimentThreshold,
  Grid,
  GridValue,
  InheritEntry,
  TunedSelection,
  TuneEntry,
} from "./types.js";

/** Most candidates one tuned arm may try per seed. */
export const MAX_CANDIDATES = 64;

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

/** What a submission defines (API body or `qplane experiment --spec` file, parsed). */
export interface ExperimentDefinition {
  readonly id: string;
  readonly name: string | null;
  readonly tags: readonly string[];
  readonly createdAt: string;
  readonly owner: string | null;
  readonly spec: JobSpec;
  readonly grid: Grid;
  readonly threshold?: ExperimentThreshold | undefined;
  readonly compare?: { readonly baseline: Readonly<Record<string, GridValue>> } | undefined;
  readonly controls?: readonly ControlName[] | undefined;
  readonly tune?: readonly TuneEntry[] | undefined;
  readonly inherit?: readonly InheritEntry[] | undefined;
  readonly splitPerSeed?: boolean | undefined;
}

/** One planned child: its arm, slot and (tuned arms) candidate. */
export interface PlannedChild {
  readonly armIndex: number;
  readonly slot: string;
  readonly replicate: GridValue | null;
  readonly replicateIndex: number;
  /** Null outside tuned arms. */
  readonly candidateIndex: number | null;
}

export function slotOf(replicateIndex: number, candidateIndex: number | null): string {
  return candidateIndex === null ? `r${replicateIndex}` : `r${replicateIndex}.c${candidateIndex}`;
}

function replicatesOf(record: Pick<ExperimentRecord, "grid" | "replicateField">) {
  return record.grid[record.replicateField] ?? [null];
}

/** Every child of the record, launched or not: arm-major, then seed, then candidate. */
export function plannedChildren(record: ExperimentRecord): PlannedChild[] {
  const replicates = replicatesOf(record);
  return record.arms.flatMap((arm, armIndex) =>
    replicates.flatMap((replicate, replicateIndex) => {
      const candidates = arm.tuning?.candidates.length;
      const indices = candidates === undefined ? [null] : [...Array(candidates).keys()];
      return indices.map((candidateIndex) => ({
        armIndex,
        slot: slotOf(replicateIndex, candidateIndex),
        replicate,
        replicateIndex,
        candidateIndex,
      }));
    }),
  );
}

/** How many children the experiment has in all, deferred ones included (for limits). */
export function plannedChildCount(record: ExperimentRecord): number {
  const replicates = replicatesOf(record).length;
  return record.arms.reduce(
    (total, arm) => total + replicates * (arm.tuning?.candidates.length ?? 1),
    0,
  );
}

// ---------------------------------------------------------------- planning (the 400s)

/** Indices of the arms whose values match every field of `selector`. */
function matchArms(
  arms: readonly ArmIdentity[],
  selector: Readonly<Record<string, GridValue>>,
  at: string,
): number[] {
  const armFields = Object.keys(arms[0]?.values ?? {});
  for (const field of Object.keys(selector)) {
    if (!armFields.includes(field)) {
      throw gridError(
        `${at}.${field}: not a field that defines the arms (they vary ${armFields.length === 0 ? "nothing but the replicate seed" : armFields.join(", ")})`,
      );
    }
  }
  const matches = arms.flatMap((arm, index) =>
    Object.entries(selector).every(([field, value]) => sameValue(arm.values[field], value))
      ? [index]
      : [],
  );
  if (matches.length === 0) {
    throw gridError(`${at}: matches no arm (arms: ${arms.map((arm) => arm.key).join("; ")})`);
  }
  return matches;
}

/**
 * A field a tune or inherit entry may set: a spec field the grid does not vary, outside the
 * dataset section. Every dataset field defines the data or its split: seed, testFraction and
 * validationFraction the split; samples, noise, classes, degree, the generator options and a
 * CSV's path, target, features and task the rows, their values or labels (CSV features also
 * drop rows with missing cells); name the data itself. Chosen on validation, it would pick the
 * easiest data and change the test set, breaking the pairing by seed.
 */
function checkFreeField(field: string, grid: Grid, at: string): void {
  if (!GRID_FIELDS.includes(field)) {
    throw gridError(
      `${at}: unknown spec field "${field}" (fields look like "training.learningRate")`,
    );
  }
  if (field === REPLICATE_FIELD) {
    throw gridError(`${at}: "${field}" is the replicate seed, which is paired, not chosen`);
  }
  if (field.startsWith("dataset.")) {
    throw gridError(
      `${at}: "${field}" defines the data or its split, which tune and inherit may not change: chosen on validation it would pick the easiest data and change the test set, breaking the pairing by seed (vary it in the grid instead)`,
    );
  }
  if (field in grid) {
    throw gridError(`${at}: "${field}" is a grid field (each arm has one value of it)`);
  }
}

function parseChild(candidate: unknown, what: string): JobSpec {
  const parsed = jobSpecSchema.safeParse(candidate);
  if (!parsed.success) {
    throw gridError(`${what}: ${describeSpecIssues(parsed.error, candidate)}`);
  }
  return parsed.data;
}

/** A tuned arm: the tune entry that tunes it and its candidates. */
interface TunedArm {
  readonly entryIndex: number;
  readonly candidates: Record<string, GridValue>[];
}

/** Per arm, how it is tuned (undefined: not tuned); checks everything but the values. */
function tunedArms(
  tune: readonly TuneEntry[],
  arms: readonly ArmIdentity[],
  grid: Grid,
): (TunedArm | undefined)[] {
  const byArm: (TunedArm | undefined)[] = arms.map(() => undefined);
  tune.forEach((entry, j) => {
    const fields = Object.keys(entry.candidates);
    if (fields.length === 0) {
      throw gridError(`tune[${j}].candidates: must name at least one spec field`);
    }
    for (const field of fields) {
      const at = `tune[${j}].candidates.${field}`;
      checkFreeField(field, grid, at);
      const values = entry.candidates[field]!;
      if (values.length === 0) throw gridError(`${at}: must be a non-empty list of values`);
      values.forEach((value, k) => {
        if (values.findIndex((other) => sameValue(other, value)) !== k) {
          throw gridError(`${at}[${k}]: repeats ${describeGridValue(value)}`);
        }
      });
    }
    const count = fields.reduce((product, field) => product * entry.candidates[field]!.length, 1);
    if (count > MAX_CANDIDATES) {
      throw gridError(
        `tune[${j}].candidates: ${fields.map((field) => entry.candidates[field]!.length).join(" × ")} = ${count} candidates, more than the ${MAX_CANDIDATES} an arm may try`,
      );
    }
    const candidates = combinations(entry.candidates, fields);
    for (const armIndex of matchArms(arms, entry.arm, `tune[${j}].arm`)) {
      const earlier = byArm[armIndex];
      if (earlier !== undefined) {
        throw gridError(
          `tune[${j}].arm: arm ${arms[armIndex]!.key} is already tuned by tune[${earlier.entryIndex}]`,
        );
      }
      byArm[armIndex] = { entryIndex: j, candidates };
    }
  });
  return byArm;
}

/**
 * Per arm, the fields it inherits from the baseline's selected run (undefined: none). Planning
 * checks the entries with it; derivation reads the stored record's arms with it again.
 */
function inheritedFields(
  inherit: readonly InheritEntry[],
  arms: readonly ArmIdentity[],
  grid: Grid,
  baselineIndex: number | null,
  candidatesByArm: readonly (readonly Readonly<Record<string, GridValue>>[] | undefined)[],
): (readonly string[] | undefined)[] {
  const byArm: (readonly string[] | undefined)[] = arms.map(() => undefined);
  if (inherit.length === 0) return byArm;
  if (baselineIndex === null) {
    throw gridError(
      "inherit: needs compare.baseline (the arm whose selected run the fields are taken from)",
    );
  }
  const inheritedBy: (number | undefined)[] = arms.map(() => undefined);
  inherit.forEach((entry, j) => {
    if (entry.fields.length === 0) {
      throw gridError(`inherit[${j}].fields: must name at least one spec field`);
    }
    entry.fields.forEach((field, k) => {
      checkFreeField(field, grid, `inherit[${j}].fields[${k}]`);
      if (entry.fields.indexOf(field) !== k) {
        throw gridError(`inherit[${j}].fields[${k}]: repeats "${field}"`);
      }
    });
    for (const armIndex of matchArms(arms, entry.arm, `inherit[${j}].arm`)) {
      const key = arms[armIndex]!.key;
      if (armIndex === baselineIndex) {
        throw gridError(
          `inherit[${j}].arm: matches the baseline arm ${key}, which cannot inherit from itself`,
        );
      }
      const earlier = inheritedBy[armIndex];
      if (earlier !== undefined) {
        throw gridError(`inherit[${j}].arm: arm ${key} already inherits by inherit[${earlier}]`);
      }
      const tuned = entry.fields.find((field) => field in (candidatesByArm[armIndex]?.[0] ?? {}));
      if (tuned !== undefined) {
        throw gridError(
          `inherit[${j}].fields: "${tuned}" is also tuned on arm ${key} (inherit it or tune it)`,
        );
      }
      inheritedBy[armIndex] = j;
      byArm[armIndex] = entry.fields;
    }
  });
  return byArm;
}

/**
 * Whether a feedback section aims at the baseline run's I(X;T). With feedback off the target
 * is never read (a child gets the default, "label-entropy"), so it needs no baseline.
 */
function usesBaselineTarget(feedback: { readonly mode?: unknown; readonly target?: unknown }) {
  return feedback.target === "baseline" && feedback.mode !== "off";
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? "" : "s"}`;

/**
 * The record a submission starts from: arms (grid arms, then controls) with empty
 * jobIds/slots, the base spec, tune and inherit stored. Throws QPLANE_ERR_GRID_INVALID
 * naming the field (grid, compare.baseline, controls, tune[j]…, inherit[j]…,
 * feedback.target) and QPLANE_ERR_LIMIT_EXCEEDED when the children (candidates and controls
 * included) would be more than `maxJobs`; nothing is run before this returns.
 */
export function planExperimentRecord(
  input: ExperimentDefinition,
  options: { readonly maxJobs: number },
): ExperimentRecord {
  const { spec, grid, compare, tune = [], inherit = [], controls = [] } = input;
  const splitPerSeed = input.splitPerSeed ?? false;
  const plan = planExperiment(spec, grid, {
    maxJobs: options.maxJobs,
    threshold: input.threshold,
    splitPerSeed,
  });
  const baselineIndex = compare === undefined ? null : findBaselineArm(plan.arms, compare.baseline);
  const controlPlans = planControlArms(plan, controls, compare !== undefined);
  const tunedByArm = tunedArms(tune, plan.arms, grid);
  const candidatesByArm = tunedByArm.map((tuned) => tuned?.candidates);
  const inheritByArm = inheritedFields(inherit, plan.arms, grid, baselineIndex, candidatesByArm);
  const replicates = (grid[REPLICATE_FIELD] ?? [null]).length;
  // runs per seed beyond one per grid arm (planExperiment already checked the grid alone)
  const extraCandidates = tunedByArm.reduce(
    (sum, tuned) => sum + (tuned === undefined ? 0 : tuned.candidates.length - 1),
    0,
  );
  const total = replicates * (plan.arms.length + extraCandidates + controlPlans.length);
  if (total > options.maxJobs) {
    const causes = [
      ...(extraCandidates > 0 ? ["tune"] : []),
      ...(controlPlans.length > 0 ? ["controls"] : []),
    ];
    const perSeed = [
      plural(plan.arms.length, "grid arm"),
      ...(extraCandidates > 0 ? [`${plural(extraCandidates, "more tuning candidate")}`] : []),
      ...(controlPlans.length > 0 ? [plural(controlPlans.length, "control arm")] : []),
    ].join(" + ");
    throw new QplaneError(
      "QPLANE_ERR_LIMIT_EXCEEDED",
      `grid/${causes.join("/")}: the experiment would have ${total} jobs (${replicates === 1 ? perSeed : `${plural(replicates, "seed")} × (${perSeed})`}), more than the ${options.maxJobs} an experiment may have`,
    );
  }
  const firstChild = plan.arms.map(
    (_, armIndex) => plan.children.find((child) => child.armIndex === armIndex)!.spec,
  );
  // every candidate value alone (naming it), then every combination, on each tuned arm
  plan.arms.forEach((arm, armIndex) => {
    const j = tunedByArm[armIndex]?.entryIndex;
    if (j === undefined) return;
    if (firstChild[armIndex]!.dataset.validationFraction === 0) {
      throw gridError(
        `tune[${j}]: arm ${arm.key} has no validation split to choose its candidates on (set dataset.validationFraction > 0)`,
      );
    }
    for (const [field, values] of Object.entries(tune[j]!.candidates)) {
      values.forEach((value, k) => {
        parseChild(
          withField(firstChild[armIndex], field, value),
          `tune[${j}].candidates.${field}[${k}] = ${describeGridValue(value)}`,
        );
      });
    }
  });
  const armSpecs = plan.arms.map((arm, armIndex) => {
    const candidates = candidatesByArm[armIndex];
    if (candidates === undefined) return [firstChild[armIndex]!];
    return candidates.map((values) =>
      parseChild(
        applyValues(firstChild[armIndex], values),
        `tune: arm ${arm.key}, candidate ${JSON.stringify(values)} is not a valid spec`,
      ),
    );
  });
  const targetsOfArm = (specs: readonly JobSpec[]) =>
    specs.some((child) => usesBaselineTarget(child.feedback));
  if (baselineIndex === null && armSpecs.some(targetsOfArm)) {
    throw gridError(
      `feedback.target: "baseline" (the baseline run's I(X;T)) needs compare.baseline naming the baseline arm`,
    );
  }
  if (baselineIndex !== null && targetsOfArm(armSpecs[baselineIndex]!)) {
    throw gridError(
      `feedback.target: the baseline arm ${plan.arms[baselineIndex]!.key} cannot target "baseline" (its own I(X;T)); give it a number, "label-entropy" or "relevance"`,
    );
  }
  const gridArms: ExperimentArm[] = plan.arms.map((arm, armIndex) => {
    const candidates = candidatesByArm[armIndex];
    const deferred = inheritByArm[armIndex] !== undefined || targetsOfArm(armSpecs[armIndex]!);
    return {
      ...arm,
      jobIds: [],
      slots: [],
      ...(candidates !== undefined ? { tuning: { candidates } } : {}),
      ...(deferred ? { deferred: true } : {}),
    };
  });
  const controlArms: ExperimentArm[] = controlPlans.map((control) => ({
    key: control.key,
    values: control.values,
    metric: control.metric,
    control: control.control,
    jobIds: [],
    slots: [],
    deferred: true,
  }));
  return {
    id: input.id,
    name: input.name,
    tags: input.tags,
    createdAt: input.createdAt,
    owner: input.owner,
    grid,
    replicateField: plan.replicateField,
    threshold: plan.threshold,
    arms: [...gridArms, ...controlArms],
    ...(compare !== undefined && baselineIndex !== null
      ? {
          compare: {
            baseline: compare.baseline,
            baselineArm: plan.arms[baselineIndex]!.key,
            thresholdGiven: input.threshold !== undefined,
          },
        }
      : {}),
    ...(controls.length > 0 ? { controls } : {}),
    spec,
    ...(tune.length > 0 ? { tune } : {}),
    ...(inherit.length > 0 ? { inherit } : {}),
    ...(splitPerSeed ? { splitPerSeed } : {}),
  };
}

/** A spec as plain sections (before validation). */
type SpecSections = Record<string, Record<string, unknown> | undefined>;

/**
 * The spec with the fields set: copies of the top level and of each section set, never a
 * deep clone (nothing below a section is changed; the schema parse builds the child's own).
 */
function applyValues(spec: unknown, values: Readonly<Record<string, unknown>>): SpecSections {
  const candidate: SpecSections = { ...(spec as SpecSections) };
  for (const [path, value] of Object.entries(values)) {
    const [section, field] = path.split(".") as [string, string];
    candidate[section] = { ...candidate[section], [field]: value };
  }
  return candidate;
}

// ---------------------------------------------------------------- selection

/** The epoch record a run's test metrics follow: summary.selectedEpoch's, else the last. */
export function selectedEpochRecord(outcome: ChildOutcome): EpochRecord | undefined {
  const epoch = outcome.summary?.selectedEpoch;
  return (
    (epoch === undefined ? undefined : outcome.records.find((record) => record.epoch === epoch)) ??
    outcome.records.at(-1)
  );
}

type Selection =
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
class Derivations {
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
      const arm = this.record.arms[armIndex]!;
      map = new Map(arm.jobIds.map((id, i) => [arm.slots?.[i] ?? slotOf(i, null), id]));
      this.slotMaps[armIndex] = map;
    }
    return map.get(slot);
  }

  isUnrunnable(armIndex: number, slot: string): boolean {
    let set = this.unrunnableSets[armIndex];
    if (set === undefined) {
      set = new Set(this.record.arms[armIndex]!.unrunnable?.map((entry) => entry.slot) ?? []);
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
    const arm = this.record.arms[armIndex]!;
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
    const arm = this.record.arms[armIndex]!;
    const replicate = this.replicates[replicateIndex] ?? null;
    const candidate = applyValues(this.record.spec, {
      ...arm.values,
      ...replicateValues(replicate, this.record.splitPerSeed ?? false),
      ...(candidateIndex === null ? {} : arm.tuning!.candidates[candidateIndex]),
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
  const arm = record.arms[armIndex]!;
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
    return build(() => doseMatchedSpec(sourceSpec(), source.outcome.summary!));
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
        candidate: candidates[selection.candidateIndex!]!,
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
