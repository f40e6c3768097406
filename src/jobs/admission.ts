/**
 * The one admission pipeline: the ordered checks a spec passes before a job is queued for
 * it, run by the job service on every submission and by the API on every job and experiment
 * submission (and every experiment child it derives). Each caller supplies what it knows:
 * the job service its configured limits and backends; the API also the dataset directory and
 * the data's shape, which unlock the data-dependent checks. A check whose input its caller
 * lacks is skipped, so the service and the API run the same rules in the same order and
 * differ only in how much they can see.
 *
 * Everything here is arithmetic on the spec (and on a dataset summary, never the data), so
 * any body is judged in microseconds; a CSV summary is the caller's to read (`summaryOf`).
 */

import type { Provider } from "../../providers/types.js";
import { type CostLimits, checkDatasetRows, checkSpecLimits, type SpecLimits } from "../config.js";
import { QplaneError } from "../errors/catalogue.js";
import { checkJobCost } from "../training/cost-limits.js";
import {
  type DatasetSummary,
  type PreparedDataShape,
  shapeOfSummary,
} from "../training/prepare.js";
import { admitFeedbackTarget, admitJobCost, jobCostOf } from "../training/sizing.js";
import { isVqcKind, type JobSpec } from "../training/spec.js";
import { buildVqcCircuits, vqcReadoutQubits } from "../training/vqc-circuits.js";

/** What a caller of the pipeline knows; every field but `providerOf` is optional. */
export interface AdmissionContext {
  /** The server's QPLANE_MAX_* spec limits; without them none is checked. */
  readonly specLimits?: SpecLimits | undefined;
  /** The per-job cost limits; without them the cost is not checked. */
  readonly costLimits?: CostLimits | undefined;
  /** Configured backend names; without them any name passes (the worker refuses it). */
  readonly backendNames?: ReadonlySet<string>;
  /** Confines `spec.dataset.path` to the dataset directory (the API's). */
  readonly confineDatasetPath?: (spec: JobSpec) => Promise<JobSpec>;
  /** The summary of the spec's data (task, features, rows per class). */
  readonly summaryOf?: (spec: JobSpec) => Promise<DatasetSummary>;
  /**
   * The provider of the spec's backend: its capabilities say whether the workers simulate its
   * circuits (counted in the cost) or a remote device runs them.
   */
  readonly providerOf: (spec: JobSpec) => Pick<Provider, "statevectors" | "noisySimulation">;
}

/** A spec on its way through the pipeline, with its data's shape once known. */
interface Candidate {
  readonly spec: JobSpec;
  readonly data?: PreparedDataShape;
}

type Check = (
  candidate: Candidate,
  context: AdmissionContext,
) => Candidate | undefined | Promise<Candidate | undefined>;

/** The checks, in order; each returns the candidate when it rewrites or learns something. */
export const ADMISSION_CHECKS: readonly { readonly name: string; readonly check: Check }[] = [
  {
    name: "spec limits",
    check: ({ spec }, { specLimits }) => {
      if (specLimits !== undefined) checkSpecLimits(spec, specLimits);
      return undefined;
    },
  },
  {
    name: "known backend",
    check: ({ spec }, { backendNames }) => {
      if (backendNames === undefined || backendNames.has(spec.backend.name)) return undefined;
      throw new QplaneError(
        "QPLANE_ERR_SPEC_INVALID",
        `spec.backend.name: unknown backend ${JSON.stringify(spec.backend.name)} (configured: ${[...backendNames].join(", ")})`,
      );
    },
  },
  {
    name: "dataset path",
    check: async ({ spec }, { confineDatasetPath }) =>
      confineDatasetPath === undefined ? undefined : { spec: await confineDatasetPath(spec) },
  },
  {
    // the data's shape is needed with or without limits: its rules (readout qubits for the
    // classes, PCA components, split sizes) must refuse a spec before it is queued
    name: "data rules",
    check: async ({ spec }, { summaryOf }) => {
      if (summaryOf === undefined) return undefined;
      const summary = await summaryOf(spec);
      const data = shapeOfSummary(spec, summary);
      // a program's rules (feature inputs, readout bits, initial weights) are its circuits';
      // the built-in ansatz is only built by the cost check (50 000 gates take ~100 ms)
      if (spec.model.kind === "circuit") buildVqcCircuits(spec, data);
      else if (isVqcKind(spec.model.kind)) vqcReadoutQubits(spec, data);
      // H(Y) is arithmetic on the summary: an unreachable I* is refused here, not by the worker
      admitFeedbackTarget(spec, summary, data);
      return { spec, data };
    },
  },
  {
    name: "dataset rows",
    check: ({ spec, data }, { specLimits }) => {
      if (specLimits !== undefined && data !== undefined && spec.dataset.name === "csv") {
        checkDatasetRows(
          data.train.samples + data.test.samples + (data.validation?.samples ?? 0),
          specLimits,
        );
      }
      return undefined;
    },
  },
  {
    // with the data's shape the cost is exact; without it a CSV spec's cost is the worker's
    // to check (admitJobCost), once the file is read
    name: "job cost",
    check: ({ spec, data }, context) => {
      if (context.costLimits === undefined) return undefined;
      const provider = context.providerOf(spec);
      if (data === undefined) admitJobCost(spec, context.costLimits, provider);
      else checkJobCost(jobCostOf(spec, provider, data), context.costLimits);
      return undefined;
    },
  },
];

/** Runs every check in order; the admitted spec (its dataset path confined), or a refusal. */
export async function admitSpec(spec: JobSpec, context: AdmissionContext): Promise<JobSpec> {
  let candidate: Candidate = { spec };
  for (const { check } of ADMISSION_CHECKS)
    candidate = (await check(candidate, context)) ?? candidate;
  return candidate.spec;
}
