/**
 * New experiment (`/experiments/new`, `?from=<id>` to clone): the spec editor over
 * `POST /v1/experiments`, checked by `POST /v1/experiments/dry-runs` (the same body and the
 * same admission, answered with each arm's plan and the total). Its refusals name their fields
 * (`grid.feedback.mode[1]`), which the editor marks at their lines. A clone starts from the
 * experiment's `definition`: exactly what it was submitted with.
 */
import { apiJson, postJson } from "../api.js";
import { specText } from "../clone-text.js";
import { armPlansView } from "../plan-view.js";
import type { Page } from "../router.js";
import { EXPERIMENT_TEMPLATES } from "../spec-templates.js";
import type { ExperimentDryRun, ExperimentView } from "../types.js";
import { newSubmissionPage, type SubmissionKind } from "./new-submission.js";

/** An experiment's submission body: name, tags, then its definition. */
async function experimentSubmissionOf(id: string): Promise<Record<string, unknown>> {
  const experiment = await apiJson<ExperimentView>(`/v1/experiments/${encodeURIComponent(id)}`);
  if (experiment.definition === null) {
    throw new Error(
      `experiment ${id} was stored before experiments kept their definition: it cannot be cloned`,
    );
  }
  return {
    ...(experiment.name === null ? {} : { name: experiment.name }),
    ...(experiment.tags.length === 0 ? {} : { tags: experiment.tags }),
    ...experiment.definition,
  };
}

const EXPERIMENT: SubmissionKind = {
  noun: "experiment",
  collection: "experiments",
  prefix: "",
  templates: EXPERIMENT_TEMPLATES,
  cloneText: async (id) =>
    specText(await experimentSubmissionOf(id), `Cloned from experiment ${id}.`),
  check: async (body, _text, signal) => {
    const dryRun = await postJson<ExperimentDryRun>("/v1/experiments/dry-runs", body, {
      signal,
    });
    return { plan: armPlansView(dryRun) };
  },
};

export function newExperimentPage(from: string | null): Page {
  return newSubmissionPage(EXPERIMENT, from);
}
