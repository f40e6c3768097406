/**
 * New experiment (`/experiments/new`, `?from=<id>` to clone): the spec editor over
 * `POST /v1/experiments`. The API has no experiment dry run, so the check dry-runs one child
 * per arm (`POST /v1/dry-runs`: the base spec with the arm's grid values) and multiplies by
 * the arm's seeds; a refusal of a field the grid sets is shown at that grid value. The
 * server checks the whole definition (grid shape, compare, limits) again at submission, and
 * its refusals are shown at their fields too.
 */
import { apiJson, postJson } from "../api.js";
import { specText } from "../clone-text.js";
import { type ArmPlan, armPlansView } from "../plan-view.js";
import type { Page } from "../router.js";
import type { SpecIssue } from "../spec-locate.js";
import { EXPERIMENT_TEMPLATES } from "../spec-templates.js";
import { type ExperimentView, type JobView, REPLICATE_FIELD, type RunPlan } from "../types.js";
import { newSubmissionPage, type SubmissionKind } from "./new-submission.js";
import { type CheckOutcome, issuesOfError } from "./spec-editor.js";

/** More arms than this are not dry-run one by one (the submission still checks them all). */
const MAX_CHECKED_ARMS = 24;

/** The API's grid: spec field → values (as `GET /v1/experiments/:id` shows it). */
type Grid = ExperimentView["grid"];
type GridValue = Grid[string][number];

interface Arm {
  readonly key: string;
  /** Grid field → [value, its index in the field's list]. */
  readonly values: ReadonlyMap<string, readonly [GridValue, number]>;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** The arms: every combination of the non-replicate fields, first field slowest. */
function armsOf(grid: Grid): Arm[] {
  let arms: Arm[] = [{ key: "", values: new Map() }];
  for (const [field, values] of Object.entries(grid)) {
    if (field === REPLICATE_FIELD) continue;
    arms = arms.flatMap((arm) =>
      values.map((value, index) => {
        const shown = typeof value === "string" ? value : JSON.stringify(value);
        return {
          key: arm.key === "" ? `${field}=${shown}` : `${arm.key}, ${field}=${shown}`,
          values: new Map([...arm.values, [field, [value, index] as const]]),
        };
      }),
    );
  }
  return arms.map((arm) => (arm.key === "" ? { ...arm, key: "all" } : arm));
}

/** One child of `arm` as a job body: the base spec with the arm's `section.field` values. */
function childBody(base: Record<string, unknown>, arm: Arm, seed: GridValue | undefined): object {
  const body = structuredClone(base) as Record<string, Record<string, unknown> | undefined>;
  const values: [string, GridValue][] = [...arm.values].map(([field, [value]]) => [field, value]);
  if (seed !== undefined) values.push([REPLICATE_FIELD, seed]);
  for (const [field, value] of values) {
    const [section = "", name = ""] = field.split(".");
    body[section] = { ...body[section], [name]: value };
  }
  // only an experiment resolves "baseline" (to the baseline arm's I(X;T)); any target plans
  // the same run, and a single job's dry run refuses this one
  const feedback = body.feedback;
  if (feedback?.target === "baseline") body.feedback = { ...feedback, target: "label-entropy" };
  return body;
}

/** `spec.<field>…` of a child, where the arm's grid set `<field>`, is that grid value. */
function gridPath(arm: Arm): (path: string) => string {
  return (path) => {
    for (const [field, [, index]] of arm.values) {
      const own = `spec.${field}`;
      if (path === own || path.startsWith(`${own}.`) || path.startsWith(`${own}[`)) {
        return `grid.${field}[${index}]`;
      }
    }
    return path;
  };
}

async function checkExperiment(
  body: object,
  text: string,
  signal: AbortSignal,
): Promise<CheckOutcome> {
  const { spec, grid } = body as Record<string, unknown>;
  const shape: SpecIssue[] = [];
  if (!isRecord(spec))
    shape.push({ line: null, path: "spec", message: "spec: must be a mapping (the base spec)" });
  const lists =
    isRecord(grid) && Object.values(grid).every((v) => Array.isArray(v) && v.length > 0);
  if (!lists) {
    shape.push({
      line: null,
      path: "grid",
      message: "grid: must map spec fields to non-empty lists of values",
    });
  }
  if (shape.length > 0 || !isRecord(spec)) return { issues: shape };
  const fields = grid as Grid;
  const arms = armsOf(fields);
  if (arms.length > MAX_CHECKED_ARMS) {
    return {
      issues: [
        {
          line: null,
          path: "grid",
          message: `grid: ${arms.length} arms; the dashboard dry-runs at most ${MAX_CHECKED_ARMS} (submit it with the CLI or the API)`,
        },
      ],
    };
  }
  const seeds = fields[REPLICATE_FIELD];
  const plans: ArmPlan[] = [];
  const issues = new Map<string, SpecIssue>();
  // one at a time: the dry runs share the server's admission with everyone else's requests
  for (const arm of arms) {
    try {
      const { plan } = await postJson<{ plan: RunPlan }>(
        "/v1/dry-runs",
        childBody(spec, arm, seeds?.[0]),
        { signal },
      );
      plans.push({ key: arm.key, runs: seeds?.length ?? 1, plan });
    } catch (error) {
      if (signal.aborted) throw error;
      for (const issue of issuesOfError(error, text, "", gridPath(arm))) {
        issues.set(`${issue.line}|${issue.message}`, issue);
      }
    }
  }
  if (issues.size > 0) return { issues: [...issues.values()] };
  return { plan: armPlansView(plans) };
}

/**
 * An experiment's submission as far as the API shows it: its definition, and as base spec its
 * first child's (the grid overrides what that child's arm and seed set).
 */
async function experimentSubmissionOf(id: string): Promise<Record<string, unknown>> {
  const experiment = await apiJson<ExperimentView>(`/v1/experiments/${encodeURIComponent(id)}`);
  const first = experiment.jobIds[0];
  if (first === undefined)
    throw new Error(`experiment ${id} has no child job to take its spec from`);
  const child = await apiJson<JobView>(`/v1/jobs/${encodeURIComponent(first)}`);
  return {
    ...(experiment.name === null ? {} : { name: experiment.name }),
    ...(experiment.tags.length === 0 ? {} : { tags: experiment.tags }),
    spec: child.spec,
    grid: experiment.grid,
    threshold: experiment.threshold,
    ...(experiment.compare === undefined
      ? {}
      : { compare: { baseline: experiment.compare.baseline } }),
    ...(experiment.controls === undefined ? {} : { controls: experiment.controls }),
  };
}

const EXPERIMENT: SubmissionKind = {
  noun: "experiment",
  collection: "experiments",
  prefix: "",
  templates: EXPERIMENT_TEMPLATES,
  cloneText: async (id) =>
    specText(
      await experimentSubmissionOf(id),
      `Cloned from experiment ${id}. The base spec is its first child's (the grid sets\nits own fields); tune, inherit and splitPerSeed are not in the API's view: add them again.`,
    ),
  check: checkExperiment,
};

export function newExperimentPage(from: string | null): Page {
  return newSubmissionPage(EXPERIMENT, from);
}
