/**
 * What only the server knows about a spec, checked before the job service is asked, by the
 * one admission pipeline (src/jobs/admission.ts) given what the API knows: the configured
 * limits, that the named backend exists, that a CSV path stays in its directory, the data's
 * rules (readout qubits, a reachable feedback target: `admitFeedbackTarget`), and that the
 * run's estimated cost fits the per-job limits (arithmetic on the spec: no data is
 * generated, no circuit built, so any body is judged in microseconds; a CSV file is read
 * once per version, off the event loop, and its rows checked like the worker checks them).
 */
import type { FastifyReply } from "fastify";
import { present } from "../errors/checked.js";
import { admitSpec } from "../jobs/admission.js";
import type { ResolvedBackend } from "../training/run.js";
import type { JobSpec } from "../training/spec.js";
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

/**
 * The job admission pipeline (src/jobs/admission.ts) with everything the API knows: its
 * limits, its backends, the dataset directory and the data's shape, read for `requester`.
 */
export function specAdmission(options: ResolvedApiOptions): SpecAdmission {
  const backendNames = new Set(options.backends.map((backend) => backend.name));
  return (spec, requester) =>
    admitSpec(spec, {
      specLimits: options.specLimits,
      costLimits: options.costLimits,
      backendNames,
      confineDatasetPath: (candidate) => confineDatasetPath(candidate, options.datasetDir),
      summaryOf: (candidate) => options.datasetShapes.summaryOf(candidate, requester),
      // the "known backend" check runs first, so the name is configured
      providerOf: (candidate) =>
        present(
          options.backends.find((entry) => entry.name === candidate.backend.name),
          `backend ${candidate.backend.name}`,
        ).provider,
    });
}
