/**
 * Grid expansion: which spec fields a grid may vary, the arms (combinations of the
 * non-replicate fields, first field slowest) and one validated child spec per grid point.
 * Everything is checked before anything is queued or run, so a bad grid changes nothing,
 * and the number of children is checked as the product of the list lengths before any
 * combination is built: a 2.6 KB body naming 10⁸ points is refused in microseconds.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { DATASET_INFO } from "../data/index.js";
import { QplaneError } from "../errors/catalogue.js";
import { at, present } from "../errors/checked.js";
import { describeSpecIssues, type JobSpec, jobSpecSchema } from "../training/spec.js";
import type {
  ArmIdentity,
  ExperimentThreshold,
  FinalMetric,
  Grid,
  GridValue,
  ThresholdMetric,
} from "./types.js";

/** Seeds of one arm are replicates: aggregated, not compared. */
export const REPLICATE_FIELD = "training.seed";

/** The field `splitPerSeed` ties to the replicate seed. */
export const SPLIT_SEED_FIELD = "dataset.seed";

/**
 * The fields one replicate sets: its seed, and with `splitPerSeed` the data set's seed too,
 * so each seed draws its own split (arms still share it: pairs are by seed).
 */
export function replicateValues(
  replicate: GridValue | null,
  splitPerSeed: boolean,
): Record<string, GridValue> {
  if (replicate === null) return {};
  return splitPerSeed
    ? { [REPLICATE_FIELD]: replicate, [SPLIT_SEED_FIELD]: replicate }
    : { [REPLICATE_FIELD]: replicate };
}

/** The fields of a zod object schema, seen through defaults, optionals and refinements. */
function objectShape(schema: z.ZodType): Record<string, z.ZodType> {
  let current: z.ZodType = schema;
  while (current instanceof z.ZodDefault || current instanceof z.ZodOptional) {
    current = current.unwrap() as z.ZodType;
  }
  return current instanceof z.ZodObject ? (current.shape as Record<string, z.ZodType>) : {};
}

/** Every field a grid may vary: `section.field` for each field of each spec section. */
export const GRID_FIELDS: readonly string[] = Object.freeze(
  Object.entries(jobSpecSchema.shape).flatMap(([section, schema]) =>
    Object.keys(objectShape(schema)).map((field) => `${section}.${field}`),
  ),
);
const GRID_FIELD_SET = new Set(GRID_FIELDS);

export interface ChildPlan {
  readonly armIndex: number;
  /** The replicate field's value (null when the grid has no replicate axis). */
  readonly replicate: GridValue | null;
  readonly spec: JobSpec;
}

export interface ExperimentPlan {
  readonly arms: readonly ArmIdentity[];
  /** Arm-major: every replicate of arm 0, then of arm 1, … */
  readonly children: readonly ChildPlan[];
  readonly replicateField: string;
  readonly threshold: ExperimentThreshold;
}

export interface PlanOptions {
  /** Most child jobs one experiment may have. */
  readonly maxJobs: number;
  readonly threshold?: ExperimentThreshold | undefined;
  /** Each replicate seed also sets dataset.seed (see replicateValues). @defaultValue false */
  readonly splitPerSeed?: boolean | undefined;
}

/** A refused experiment definition (grid, compare, controls, tune, inherit): a 400. */
export function gridError(message: string): QplaneError {
  return new QplaneError("QPLANE_ERR_GRID_INVALID", message);
}

/** Whether two grid values are equal (as JSON: arrays and objects by content). */
export function sameValue(a: GridValue | undefined, b: GridValue): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A grid value for messages (JSON, cut at 60 characters). */
export function describeGridValue(value: GridValue): string {
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The spec with `section.field` set to `value` (a copy; the input is not touched). */
export function withField(spec: unknown, path: string, value: GridValue): Record<string, unknown> {
  const [section, field] = path.split(".") as [string, string];
  const copy = structuredClone(spec) as Record<string, Record<string, unknown> | undefined>;
  copy[section] = { ...(copy[section] ?? {}), [field]: value };
  return copy;
}

/** Classification arms report accuracy, regression arms R². */
export function finalMetricOf(spec: JobSpec): FinalMetric {
  const task =
    spec.dataset.name === "csv"
      ? (spec.dataset.task ?? null)
      : (DATASET_INFO.find((info) => info.name === spec.dataset.name)?.task ?? null);
  // a CSV without an explicit task is classified by its target column only when loaded;
  // accuracy is the common case and the one a wrong guess costs least to read
  return task === "regression" ? "testR2" : "testAccuracy";
}

function defaultThreshold(metric: FinalMetric): ExperimentThreshold {
  return { metric: metric satisfies ThresholdMetric, value: 0.9 };
}

function checkGridShape(grid: Grid): void {
  const fields = Object.keys(grid);
  if (fields.length === 0) {
    throw gridError(`grid: must vary at least one field (e.g. {"feedback.mode": ["off", "lr"]})`);
  }
  for (const field of fields) {
    if (!GRID_FIELD_SET.has(field)) {
      const section = field.split(".")[0] ?? "";
      const known = GRID_FIELDS.filter((name) => name.startsWith(`${section}.`));
      throw gridError(
        `grid.${field}: unknown spec field${known.length > 0 ? ` (${section} has ${known.join(", ")})` : ` (fields look like "feedback.alpha")`}`,
      );
    }
    const values = grid[field];
    if (!Array.isArray(values) || values.length === 0) {
      throw gridError(`grid.${field}: must be a non-empty list of values`);
    }
    const seen = new Set<string>();
    values.forEach((value, index) => {
      const text = JSON.stringify(value);
      if (seen.has(text))
        throw gridError(`grid.${field}[${index}]: repeats ${describeGridValue(value)}`);
      seen.add(text);
    });
  }
}

/** Checks each value alone against the base spec, so the error names the grid entry. */
function checkGridValues(base: JobSpec, grid: Grid): void {
  for (const [field, values] of Object.entries(grid)) {
    values.forEach((value, index) => {
      const candidate = withField(base, field, value);
      const parsed = jobSpecSchema.safeParse(candidate);
      if (!parsed.success) {
        throw gridError(
          `grid.${field}[${index}] = ${describeGridValue(value)}: ${describeSpecIssues(parsed.error, candidate)}`,
        );
      }
    });
  }
}

/** Every combination of the given fields' values, first field slowest. */
export function combinations(grid: Grid, fields: readonly string[]): Record<string, GridValue>[] {
  let result: Record<string, GridValue>[] = [{}];
  for (const field of fields) {
    const next: Record<string, GridValue>[] = [];
    for (const partial of result) {
      for (const value of present(grid[field], `grid.${field}`)) {
        next.push({ ...partial, [field]: value });
      }
    }
    result = next;
  }
  return result;
}

/**
 * A string value as an arm key shows it: as written, or — a program text (`model.qasm`),
 * anything with a line break or over 80 characters — `sha256:` and the first 12 hex digits
 * of its SHA-256, short enough for views, tables and CSV, and unique in practice.
 */
export function armKeyText(value: string): string {
  if (value.length <= 80 && !value.includes("\n")) return value;
  return `sha256:${createHash("sha256").update(value).digest("hex").slice(0, 12)}`;
}

function armKey(values: Readonly<Record<string, GridValue>>): string {
  const parts = Object.entries(values).map(
    ([field, value]) =>
      `${field}=${typeof value === "string" ? armKeyText(value) : JSON.stringify(value)}`,
  );
  return parts.length === 0 ? "all" : parts.join(", ");
}

/**
 * The arms and child specs of an experiment. Throws QPLANE_ERR_GRID_INVALID for an empty
 * grid, an unknown field, a repeated or invalid value, or a combination that is not a valid
 * spec; QPLANE_ERR_LIMIT_EXCEEDED when there would be more than `maxJobs` children.
 */
export function planExperiment(base: JobSpec, grid: Grid, options: PlanOptions): ExperimentPlan {
  checkGridShape(grid);
  const fields = Object.keys(grid);
  const armFields = fields.filter((field) => field !== REPLICATE_FIELD);
  const replicates = grid[REPLICATE_FIELD] ?? null;
  // the product of the lengths, before anything is built (the replicate axis included)
  const sizes = Object.values(grid).map((values) => values.length);
  const childCount = sizes.reduce((product, size) => product * size, 1);
  if (childCount > options.maxJobs) {
    throw new QplaneError(
      "QPLANE_ERR_LIMIT_EXCEEDED",
      `grid: ${sizes.join(" × ")} = ${childCount} jobs, more than the ${options.maxJobs} an experiment may have`,
    );
  }
  checkGridValues(base, grid);
  const splitPerSeed = options.splitPerSeed ?? false;
  if (splitPerSeed && grid[SPLIT_SEED_FIELD] !== undefined) {
    throw gridError(
      `splitPerSeed: each seed sets ${SPLIT_SEED_FIELD} itself, so the grid may not vary ${SPLIT_SEED_FIELD} too`,
    );
  }
  const armValues = combinations(grid, armFields);

  const arms: ArmIdentity[] = [];
  const children: ChildPlan[] = [];
  armValues.forEach((values, armIndex) => {
    const key = armKey(values);
    let metric: FinalMetric | null = null;
    for (const replicate of replicates ?? [null]) {
      let candidate: unknown = base;
      for (const [field, value] of Object.entries(values)) {
        candidate = withField(candidate, field, value);
      }
      for (const [field, value] of Object.entries(replicateValues(replicate, splitPerSeed))) {
        candidate = withField(candidate, field, value);
      }
      const parsed = jobSpecSchema.safeParse(candidate);
      if (!parsed.success) {
        throw gridError(
          `grid: the combination ${key} is not a valid spec: ${describeSpecIssues(parsed.error, candidate)}`,
        );
      }
      metric ??= finalMetricOf(parsed.data);
      children.push({ armIndex, replicate, spec: parsed.data });
    }
    arms.push({ key, values, metric: present(metric, `metric of arm ${key}`) });
  });
  return {
    arms,
    children,
    replicateField: REPLICATE_FIELD,
    threshold: options.threshold ?? defaultThreshold(at(arms, 0, "experiment arm").metric),
  };
}
