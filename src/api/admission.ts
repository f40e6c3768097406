/**
 * What only the server knows about a spec, checked before the job service is asked: the
 * configured limits, that the named backend exists, that a CSV path stays in its directory,
 * and that the run's estimated cost fits the per-job limits (arithmetic on the spec: no data
 * is generated, no circuit built, so any body is judged in microseconds).
 */
import { checkSpecLimits } from "../config.js";
import { QplaneError } from "../errors/catalogue.js";
import { admitJobCost } from "../training/sizing.js";
import type { JobSpec } from "../training/spec.js";
import { confineDatasetPath } from "./dataset-path.js";
import type { ApiBackend, ResolvedApiOptions } from "./options.js";

/** Whether the backend simulates in this service's processes (its compute is the worker's). */
export async function simulatesInProcess(backend: ApiBackend): Promise<boolean> {
  return (
    backend.simulatesInProcess ??
    backend.exactProbabilities ??
    (await backend.provider.capabilities()).exactProbabilities
  );
}

export function specAdmission(options: ResolvedApiOptions): (spec: JobSpec) => Promise<JobSpec> {
  const backendNames = new Set(options.backends.map((backend) => backend.name));
  return async (spec) => {
    if (options.specLimits !== undefined) checkSpecLimits(spec, options.specLimits);
    if (!backendNames.has(spec.backend.name)) {
      throw new QplaneError(
        "QPLANE_ERR_SPEC_INVALID",
        `spec.backend.name: unknown backend ${JSON.stringify(spec.backend.name)} (configured: ${[...backendNames].join(", ")})`,
      );
    }
    const admitted = await confineDatasetPath(spec, options.datasetDir);
    if (options.costLimits !== undefined) {
      const backend = options.backends.find((candidate) => candidate.name === spec.backend.name)!;
      admitJobCost(admitted, options.costLimits, await simulatesInProcess(backend));
    }
    return admitted;
  };
}
