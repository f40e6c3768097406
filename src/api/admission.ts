/**
 * What only the server knows about a spec, checked before the job service is asked: the
 * configured limits, that the named backend exists, that a CSV path stays in its directory,
 * that a feedback target (bits or `label-entropy`) is reachable (`admitFeedbackTarget`), and
 * that the run's estimated cost fits the per-job limits (arithmetic on the spec: no data
 * is generated, no circuit built, so any body is judged in microseconds; a CSV file is read
 * once per version, off the event loop, and its rows checked like the worker checks them).
 */
import type { FastifyReply } from "fastify";
import { checkDatasetRows, checkSpecLimits } from "../config.js";
import { QplaneError } from "../errors/catalogue.js";
import { checkJobCost } from "../training/cost.js";
import { shapeOfSummary } from "../training/prepare.js";
import type { ResolvedBackend } from "../training/run.js";
import { admitFeedbackTarget, jobCostOf } from "../training/sizing.js";
import type { JobSpec } from "../training/spec.js";
import { vqcReadoutQubits } from "../training/vqc-circuits.js";
import { confineDatasetPath } from "./dataset-path.js";
import type { Requester } from "./dataset-shape.js";
import type { ApiBackend, ResolvedApiOptions } from "./options.js";

/** The backend's availability, asking its provider's capabilities when not configured. */
export async function resolveAvailability(
  backend: ApiBackend,
): Promise<Pick<ResolvedBackend, "exactProbabilities">> {
  const exactProbabilities =
    backend.exactProbabilities ?? (await backend.provider.capabilities()).exactProbabilities;
  return { exactProbabilities };
}

/** A spec admitted for a request (its key's owner, its client's presence). */
export type SpecAdmission = (spec: JobSpec, requester: Requester) => Promise<JobSpec>;

/** Whom a request's work is for: its key's owner, and a signal aborted if its client leaves. */
export function requesterOf(owner: string | null, reply: FastifyReply): Requester {
  const controller = new AbortController();
  // the connection closed before the response was sent: the client has gone
  reply.raw.once("close", () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return { owner, signal: controller.signal };
}

export function specAdmission(options: ResolvedApiOptions): SpecAdmission {
  const backendNames = new Set(options.backends.map((backend) => backend.name));
  return async (spec, requester) => {
    if (options.specLimits !== undefined) checkSpecLimits(spec, options.specLimits);
    if (!backendNames.has(spec.backend.name)) {
      throw new QplaneError(
        "QPLANE_ERR_SPEC_INVALID",
        `spec.backend.name: unknown backend ${JSON.stringify(spec.backend.name)} (configured: ${[...backendNames].join(", ")})`,
      );
    }
    const admitted = await confineDatasetPath(spec, options.datasetDir);
    const { specLimits, costLimits } = options;
    // the data's shape is needed with or without limits: its rules (readout qubits for the
    // classes, PCA components, split sizes) must refuse a spec before it is queued
    const summary = await options.datasetShapes.summaryOf(admitted, requester);
    const data = shapeOfSummary(admitted, summary);
    if (admitted.model.kind === "vqc") vqcReadoutQubits(admitted, data);
    // H(Y) is arithmetic on the summary: an unreachable I* is refused here, not by the worker
    admitFeedbackTarget(admitted, summary, data);
    if (specLimits !== undefined && admitted.dataset.name === "csv") {
      checkDatasetRows(
        data.train.samples + data.test.samples + (data.validation?.samples ?? 0),
        specLimits,
      );
    }
    if (costLimits !== undefined) {
      const backend = options.backends.find((candidate) => candidate.name === spec.backend.name)!;
      // its provider's capabilities say whether it simulates in this process
      checkJobCost(jobCostOf(admitted, backend.provider, data), costLimits);
    }
    return admitted;
  };
}
