/**
 * One training run from a spec, in-process: validate the spec, load and prepare the data,
 * pick the backend's provider, build the model and train. Shared by `qplane train`, the
 * demo and (later) the service's worker.
 */

import type { Provider, RunScope } from "../../providers/types.js";
import { checkTargetReachable } from "./feedback.js";
import { labelEntropyBits } from "./information.js";
import { type TrainingResult, type TrainOptions, trainModel } from "./loop.js";
import { createMlpModel } from "./mlp-model.js";
import type { PreparedData, TrainableModel } from "./model.js";
import { checkBudget, hasBudget, type PlanInput, planRun, type RunPlan } from "./plan.js";
import { type PreparedDataShape, prepareData, prepareDataShape } from "./prepare.js";
import { reportingFirstSubmission, type SentProgramListener } from "./sent-program.js";
import { isVqcKind, type JobSpec, parseJobSpec } from "./spec.js";
import { buildVqcCircuits, informationShotsOf, type VqcCircuits } from "./vqc-circuits.js";
import { checkVqcBackend, createVqcModel } from "./vqc-model.js";

/**
 * A backend the run can use: its provider (whose optional capabilities say what else it
 * offers: derivatives, statevectors, transpiling) and whether it gives exact probabilities.
 */
export interface ResolvedBackend {
  readonly provider: Provider;
  readonly exactProbabilities: boolean;
}

/**
 * Finds the provider for a backend name. Composition roots build them (src/backends/
 * registry.ts, the CLI): training never chooses a concrete provider.
 */
export type BackendResolver = (name: string) => ResolvedBackend;

export interface RunOptions extends TrainOptions {
  readonly resolveBackend: BackendResolver;
}

export interface PreparedRun {
  readonly spec: JobSpec;
  readonly data: PreparedData;
  readonly model: TrainableModel;
  /** The backend's provider (what the run would submit to). */
  readonly provider: Provider;
  /**
   * The provider's scope for this run (e.g. one IBM session for all its jobs), which the
   * model submits through; `withinRunScope` closes it. Absent when the provider has none.
   */
  readonly scope?: RunScope;
}

/** What a caller of {@link prepareRun} hears of the run's submissions. */
export interface RunHooks {
  /** On a transpiling backend (IBM), the ISA program of the run's first submission. */
  readonly onFirstSentProgram?: SentProgramListener;
}

/** Validates the spec and builds everything a run needs, before any training compute. */
export function prepareRun(
  specInput: unknown,
  resolveBackend: BackendResolver,
  hooks: RunHooks = {},
): PreparedRun {
  const spec = parseJobSpec(specInput);
  const backend = resolveBackend(spec.backend.name);
  const data = prepareData(spec);
  // one scope per prepared run, so a session never spans two training runs; it acquires
  // nothing until the model's first submission
  const classical = !isVqcKind(spec.model.kind);
  const scope = classical ? undefined : backend.provider.openRunScope?.();
  const submitter =
    hooks.onFirstSentProgram === undefined
      ? (scope ?? backend.provider)
      : reportingFirstSubmission(
          scope ?? backend.provider,
          backend.provider,
          hooks.onFirstSentProgram,
        );
  const model = classical
    ? createMlpModel(spec, data)
    : createVqcModel(spec, data, submitter, backend.exactProbabilities);
  // the data are known here: refuse an I* the register cannot carry before any compute
  checkTargetReachable(
    spec.feedback,
    labelEntropyBits(data.train.infoLabels, data.infoClasses),
    model.representationBits,
  );
  return {
    spec,
    data,
    model,
    provider: backend.provider,
    ...(scope ? { scope } : {}),
  };
}

/**
 * Circuits built for planning on IBM and Braket, by everything that shapes them: the
 * largest ansatz (≈ 50 000 gates) takes 30–140 ms to build and validate, and a dry run is
 * usually repeated or followed by the same spec's submission. Only planning uses them (no
 * simulator workspace is ever attached), so a few entries stay small.
 */
const planningCircuits = new Map<string, VqcCircuits>();
const PLANNING_CIRCUITS_KEPT = 8;

function circuitsForPlanning(spec: JobSpec, data: PreparedDataShape): VqcCircuits {
  const { model, infoPlane } = spec;
  const key = JSON.stringify([
    model,
    infoPlane.register,
    data.task,
    data.classes,
    data.featureCount,
  ]);
  let circuits = planningCircuits.get(key);
  if (circuits === undefined) {
    circuits = buildVqcCircuits(spec, data);
    planningCircuits.set(key, circuits);
    if (planningCircuits.size > PLANNING_CIRCUITS_KEPT) {
      planningCircuits.delete(planningCircuits.keys().next().value!);
    }
  }
  return circuits;
}

/**
 * What planning a spec on a backend needs, validated as `prepareRun` validates it but
 * without generating the data (its shape is arithmetic, `prepareDataShape`) or building a
 * model. A provider that prices calls by the circuit's counts (`estimateCounts`: the local
 * simulator) gets no circuit, so the plan is arithmetic; others (IBM, Braket) price the
 * circuits the model would submit, built here (and routed off the event loop). What a dry
 * run does on the API's event loop.
 */
export function preparePlan(
  spec: JobSpec,
  backend: ResolvedBackend,
  data: PreparedDataShape = prepareDataShape(spec),
): PlanInput {
  const plan = { spec, data, model: {}, provider: backend.provider };
  // the classical models (mlp, linear) never use a provider
  if (!isVqcKind(spec.model.kind)) return plan;
  checkVqcBackend(spec, backend.provider, backend.exactProbabilities);
  if (backend.provider.estimateCounts !== undefined) return plan;
  const { circuit, representationCircuit } = circuitsForPlanning(spec, data);
  const runShape = {
    provider: backend.provider,
    circuit,
    representationCircuit,
    shots: spec.backend.shots,
    informationShots: informationShotsOf(spec),
    gradient: spec.training.gradient,
  };
  return { ...plan, model: { runShape } };
}

/**
 * Trains inside the prepared run's provider scope and closes the scope when training ends:
 * gracefully after a completed run, at once after a cancelled or failed one. A failure to
 * close goes to `onCloseError` when given (the run's own outcome stands); otherwise it is
 * thrown after a completed run and dropped after a failed one (the training error wins).
 */
export async function withinRunScope(
  prepared: PreparedRun,
  train: () => Promise<TrainingResult>,
  onCloseError?: (error: unknown) => void,
): Promise<TrainingResult> {
  const { scope } = prepared;
  if (scope === undefined) return train();
  let result: TrainingResult;
  try {
    result = await train();
  } catch (error) {
    await scope.close("failed").catch((closeError: unknown) => onCloseError?.(closeError));
    throw error;
  }
  try {
    await scope.close(result.status === "completed" ? "completed" : "cancelled");
  } catch (error) {
    if (onCloseError === undefined) throw error;
    onCloseError(error);
  }
  return result;
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
  options: RunOptions,
): Promise<PreparedRun & { readonly result: TrainingResult }> {
  const prepared = prepareRun(specInput, options.resolveBackend);
  await enforceBudget(prepared);
  // the run's results stand even if its provider scope (IBM session) cannot be closed
  const result = await withinRunScope(
    prepared,
    () => trainModel(prepared.spec, prepared.data, prepared.model, options),
    (error) =>
      process.emitWarning(
        `could not close the run's provider scope: ${error instanceof Error ? error.message : String(error)}`,
      ),
  );
  return { ...prepared, result };
}
