/**
 * What only the server knows about a spec, checked before the job service is asked: the
 * configured limits, that the named backend exists, that a CSV path stays in its directory.
 */
import { checkSpecLimits } from "../config.js";
import { QplaneError } from "../errors/catalogue.js";
import type { JobSpec } from "../training/spec.js";
import { confineDatasetPath } from "./dataset-path.js";
import type { ResolvedApiOptions } from "./options.js";

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
    return confineDatasetPath(spec, options.datasetDir);
  };
}
