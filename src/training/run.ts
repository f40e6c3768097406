/**
 * One training run from a spec, in-process: validate the spec, load and prepare the data,
 * pick the backend's provider, build the model and train. Shared by `qplane train`, the
 * demo and (later) the service's worker.
 */

import { LocalProvider } from "../../providers/local/provider.js";
import type { Provider } from "../../providers/types.js";
import { QplaneError } from "../errors/catalogue.js";
import { type TrainingResult, type TrainOptions, trainModel } from "./loop.js";
import { createMlpModel } from "./mlp-model.js";
import type { PreparedData, TrainableModel } from "./model.js";
import { checkBudget, hasBudget, planRun, type RunPlan } from "./plan.js";
import { prepareData } from "./prepare.js";
import { type JobSpec, parseJobSpec } from "./spec.js";
import { createVqcModel } from "./vqc-model.js";

/** A backend the run can use: its provider and whether it gives exact probabilities. */
export interface ResolvedBackend {
  readonly provider: Provider;
  readonly exactProbabilities: boolean;
}

/** Finds the provider for a backend name; the default knows only the local simulator. */
export type BackendResolver = (name: string) => ResolvedBackend;

export const localBackendResolver: BackendResolver = (name) => {
  if (name === "local") return { provider: new LocalProvider(), exactProbabilities: true };
  throw new QplaneError(
    "QPLANE_ERR_SPEC_INVALID",
    `spec.backend.name: unknown backend "${name}" (configured: local)`,
  );
};

export interface RunOptions extends TrainOptions {
  readonly resolveBackend?: BackendResolver;
}

export interface PreparedRun {
  readonly spec: JobSpec;
  readonly data: PreparedData;
  readonly model: TrainableModel;
  /** The backend's provider (what the run would submit to). */
  readonly provider: Provider;
}

/** Validates the spec and builds everything a run needs, before any training compute. */
export function prepareRun(
  specInput: unknown,
  resolveBackend: BackendResolver = localBackendResolver,
): PreparedRun {
  const spec = parseJobSpec(specInput);
  const backend = resolveBackend(spec.backend.name);
  const data = prepareData(spec);
  const model =
    spec.model.kind === "mlp"
      ? createMlpModel(spec, data)
      : createVqcModel(spec, data, backend.provider, backend.exactProbabilities);
  return { spec, data, model, provider: backend.provider };
}

/**
 * When the spec sets a budget (`backend.maxCost`, `backend.maxShots`), plans the run and
 * refuses it with QPLANE_ERR_BUDGET_EXCEEDED before anything is submitted.
 */
export async function enforceBudget(prepared: PreparedRun): Promise<RunPlan | null> {
  if (!hasBudget(prepared.spec)) return null;
  const plan = await planRun(prepared, prepared.provider);
  checkBudget(prepared.spec, plan);
  return plan;
}

export async function runTraining(
  specInput: unknown,
  options: RunOptions = {},
): Promise<PreparedRun & { readonly result: TrainingResult }> {
  const prepared = prepareRun(specInput, options.resolveBackend);
  await enforceBudget(prepared);
  const result = await trainModel(prepared.spec, prepared.data, prepared.model, options);
  return { ...prepared, result };
}
