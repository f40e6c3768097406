/**
 * The plan of an admitted spec on its backend, computed from the data's shape alone (no data
 * is generated, the model never runs): `POST /v1/dry-runs` and each child of
 * `POST /v1/experiments/dry-runs`.
 */
import type { Provider } from "../../providers/types.js";
import { QplaneError } from "../errors/catalogue.js";
import { present } from "../errors/checked.js";
import { checkBudget, planRun } from "../training/plan.js";
import { preparePlan } from "../training/run.js";
import type { JobSpec } from "../training/spec.js";
import { resolveAvailability } from "./admission.js";
import type { Requester } from "./dataset-shape.js";
import type { ResolvedApiOptions } from "./options.js";

export async function planAdmitted(
  options: ResolvedApiOptions,
  spec: JobSpec,
  requester: Requester,
) {
  const backend = present(
    options.backends.find((candidate) => candidate.name === spec.backend.name),
    `backend ${spec.backend.name}`,
  );
  if (backend.provider.estimate === undefined) {
    throw new QplaneError(
      "QPLANE_ERR_SPEC_INVALID",
      `spec.backend.name: backend "${backend.name}" cannot estimate runs`,
    );
  }
  // planning only estimates (and asks IBM's transpiler) from the data's shape
  const provider = backend.provider as Provider;
  const dataShape = await options.datasetShapes.of(spec, requester);
  const prepared = preparePlan(
    spec,
    { provider, ...(await resolveAvailability(backend)) },
    dataShape,
  );
  const plan = await planRun(prepared, provider);
  checkBudget(spec, plan);
  return { plan, backend, dataShape };
}
