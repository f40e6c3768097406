/**
 * New job (`/jobs/new`, `/jobs/new?from=<id>` to clone): the spec editor over `POST /v1/jobs`,
 * checked by `POST /v1/dry-runs` (the same body, answered with the run's plan).
 */
import { apiJson, postJson } from "../api.js";
import { specText } from "../clone-text.js";
import { runPlanView } from "../plan-view.js";
import type { Page } from "../router.js";
import { JOB_TEMPLATES } from "../spec-templates.js";
import type { JobView, RunPlan } from "../types.js";
import { newSubmissionPage, type SubmissionKind } from "./new-submission.js";

/** A job's submission body as the editor starts a clone from it: name, tags, then its spec. */
export async function jobSubmissionOf(id: string): Promise<Record<string, unknown>> {
  const job = await apiJson<JobView>(`/v1/jobs/${encodeURIComponent(id)}`);
  return {
    ...(job.name === null ? {} : { name: job.name }),
    ...(job.tags.length === 0 ? {} : { tags: job.tags }),
    ...job.spec,
  };
}

const JOB: SubmissionKind = {
  noun: "job",
  collection: "jobs",
  prefix: "spec",
  templates: JOB_TEMPLATES,
  cloneText: async (id) => specText(await jobSubmissionOf(id), `Cloned from job ${id}.`),
  check: async (body, _text, signal) => {
    const { plan } = await postJson<{ plan: RunPlan }>("/v1/dry-runs", body, { signal });
    return { plan: runPlanView(plan) };
  },
};

export function newJobPage(from: string | null): Page {
  return newSubmissionPage(JOB, from);
}
