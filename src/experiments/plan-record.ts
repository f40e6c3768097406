/**
 * Planning an experiment's record (planExperimentRecord), pure: it holds the definition: the
 * base spec, the grid, per arm its tuning candidates and whether its children wait for others
 * (`deferred`), with empty jobIds/slots. Every check of a submission's grid, compare,
 * controls, tune and inherit is here; nothing is run before it returns. derive.ts derives the
 * children from the record.
 */
import { QplaneError } from "../errors/catalogue.js";
import { at, present } from "../errors/checked.js";
import { describeSpecIssues, type JobSpec, jobSpecSchema } from "../training/spec.js";
import { findBaselineArm } from "./comparisons.js";
import { planControlArms } from "./controls.js";
import {
  combinations,
  describeGridValue,
  GRID_FIELDS,
  gridError,
  planExperiment,
  REPLICATE_FIELD,
  sameValue,
  withField,
} from "./grid.js";
import type {
  ArmIdentity,
  ControlName,
  ExperimentArm,
  ExperimentRecord,
  ExperimentThreshold,
  Grid,
  GridValue,
  InheritEntry,
  TuneEntry,
} from "./types.js";

/** Most candidates one tuned arm may try per seed. */
export const MAX_CANDIDATES = 64;

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
    for (const [field, values] of Object.entries(entry.candidates)) {
      const at = `tune[${j}].candidates.${field}`;
      checkFreeField(field, grid, at);
      if (values.length === 0) throw gridError(`${at}: must be a non-empty list of values`);
      values.forEach((value, k) => {
        if (values.findIndex((other) => sameValue(other, value)) !== k) {
          throw gridError(`${at}[${k}]: repeats ${describeGridValue(value)}`);
        }
      });
    }
    const sizes = Object.values(entry.candidates).map((values) => values.length);
    const count = sizes.reduce((product, size) => product * size, 1);
    if (count > MAX_CANDIDATES) {
      throw gridError(
        `tune[${j}].candidates: ${sizes.join(" × ")} = ${count} candidates, more than the ${MAX_CANDIDATES} an arm may try`,
      );
    }
    const candidates = combinations(entry.candidates, fields);
    for (const armIndex of matchArms(arms, entry.arm, `tune[${j}].arm`)) {
      const earlier = byArm[armIndex];
      if (earlier !== undefined) {
        throw gridError(
          `tune[${j}].arm: arm ${at(arms, armIndex, "experiment arm").key} is already tuned by tune[${earlier.entryIndex}]`,
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
export function inheritedFields(
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
      const key = at(arms, armIndex, "experiment arm").key;
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
export function usesBaselineTarget(feedback: {
  readonly mode?: unknown;
  readonly target?: unknown;
}) {
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
    (arm, armIndex) =>
      present(
        plan.children.find((child) => child.armIndex === armIndex),
        `first child of arm ${arm.key}`,
      ).spec,
  );
  // every candidate value alone (naming it), then every combination, on each tuned arm
  plan.arms.forEach((arm, armIndex) => {
    const j = tunedByArm[armIndex]?.entryIndex;
    if (j === undefined) return;
    if (at(firstChild, armIndex, "first child spec").dataset.validationFraction === 0) {
      throw gridError(
        `tune[${j}]: arm ${arm.key} has no validation split to choose its candidates on (set dataset.validationFraction > 0)`,
      );
    }
    for (const [field, values] of Object.entries(at(tune, j, "tune entry").candidates)) {
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
    if (candidates === undefined) return [at(firstChild, armIndex, "first child spec")];
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
  if (baselineIndex !== null && targetsOfArm(at(armSpecs, baselineIndex, "arm specs"))) {
    throw gridError(
      `feedback.target: the baseline arm ${at(plan.arms, baselineIndex, "experiment arm").key} cannot target "baseline" (its own I(X;T)); give it a number, "label-entropy" or "relevance"`,
    );
  }
  const gridArms: ExperimentArm[] = plan.arms.map((arm, armIndex) => {
    const candidates = candidatesByArm[armIndex];
    const deferred =
      inheritByArm[armIndex] !== undefined || targetsOfArm(at(armSpecs, armIndex, "arm specs"));
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
            baselineArm: at(plan.arms, baselineIndex, "experiment arm").key,
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
export type SpecSections = Record<string, Record<string, unknown> | undefined>;

/**
 * The spec with the fields set: copies of the top level and of each section set, never a
 * deep clone (nothing below a section is changed; the schema parse builds the child's own).
 */
export function applyValues(
  spec: unknown,
  values: Readonly<Record<string, unknown>>,
): SpecSections {
  const candidate: SpecSections = { ...(spec as SpecSections) };
  for (const [path, value] of Object.entries(values)) {
    const [section, field] = path.split(".") as [string, string];
    candidate[section] = { ...candidate[section], [field]: value };
  }
  return candidate;
}
