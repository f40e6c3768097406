/**
 * What the API shows of a job: the record minus its owner hash, with non-finite metric values
 * (a diverged loss) as null so that every response is valid JSON matching its schema.
 */
import type { JobRecord } from "../jobs/types.js";
import type { EpochRecord, RunSummary } from "../training/records.js";
import type { EpochRecordView, RunSummaryView } from "./record-schemas.js";
import type { JobView } from "./schemas.js";

/** A copy of `value` with every non-finite number replaced by null (one level deep). */
export function finiteOrNull(value: object): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    copy[key] = typeof field === "number" && !Number.isFinite(field) ? null : field;
  }
  return copy;
}

// Only fractional metrics can be non-finite; the schemas make exactly those nullable.
export const epochView = (record: EpochRecord) => finiteOrNull(record) as EpochRecordView;
const summaryView = (summary: RunSummary) => finiteOrNull(summary) as RunSummaryView;

export function jobView(job: JobRecord): JobView {
  return {
    id: job.id,
    status: job.status,
    name: job.name,
    tags: [...job.tags],
    progress: { epoch: job.progress.epoch, epochs: job.progress.epochs },
    etaSeconds: job.etaSeconds !== null && Number.isFinite(job.etaSeconds) ? job.etaSeconds : null,
    latest: job.latest === null ? null : epochView(job.latest),
    summary: job.summary === null ? null : summaryView(job.summary),
    error: job.error === null ? null : { code: job.error.code, message: job.error.message },
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    cancelRequested: job.cancelRequested,
    attempts: job.attempts,
    specHash: job.specHash ?? null,
    spec: job.spec,
  };
}

/** `/v1/jobs/<id>`, the job's canonical URL (the `Location` of a submission). */
export const jobLocation = (id: string) => `/v1/jobs/${encodeURIComponent(id)}`;
