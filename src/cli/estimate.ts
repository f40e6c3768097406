/**
 * `qplane estimate`: a run's plan without running it, and on a twin or hardware backend the
 * first epoch predicted under the device's noise beside the noiseless simulator's
 * (`src/training/prediction.ts`, budget ESTIMATE_PREDICTION_SECONDS of one core).
 */
import { localBackendResolver } from "../backends/registry.js";
import { DEFAULT_COST_LIMITS } from "../config.js";
import { QplaneError } from "../errors/catalogue.js";
import { SIMULATOR_OPERATIONS_PER_SECOND } from "../training/cost.js";
import { checkJobCost } from "../training/cost-limits.js";
import { checkBudget, planRun, type RunPlan } from "../training/plan.js";
import {
  CALIBRATION_WAIT_MS,
  type EpochOutcome,
  ESTIMATE_PREDICTION_SECONDS,
  type Prediction,
  type PredictionNoise,
  predictFirstEpoch,
  predictionWork,
} from "../training/prediction.js";
import { prepareData, prepareDataShape } from "../training/prepare.js";
import { type BackendResolver, preparePlan } from "../training/run.js";
import { type JobSpec, parseJobSpec } from "../training/spec.js";
import { cliBackendRegistry, specFromFlags, type TrainFlags } from "./train.js";

export interface EstimateCommandOptions {
  readonly specPath?: string;
  readonly flags: TrainFlags;
  /** Resolves `backend.name`. @defaultValue the backends of QPLANE_BACKENDS (local always) */
  readonly resolveBackend?: BackendResolver;
  /**
   * The noise predictions on a backend run under. @defaultValue the QPLANE_BACKENDS registry's
   * (none when `resolveBackend` is given without it)
   */
  readonly predictionOf?: (name: string) => PredictionNoise | undefined;
  /** One JSON line instead of the readable summary. @defaultValue false */
  readonly json?: boolean;
}

const count = (value: number) => value.toLocaleString("en-US");

/** The plan in a few lines a person reads before paying for hardware time. */
export function describePlan(spec: JobSpec, plan: RunPlan): string {
  const lines = [
    `plan for ${spec.dataset.name} on backend "${spec.backend.name}" (${spec.training.gradient} gradients, ${spec.backend.shots === 0 ? "exact probabilities" : `${count(spec.backend.shots)} shots per circuit`}):`,
    `  per epoch:  ${count(plan.submissionsPerEpoch)} submissions (${plan.stepsPerEpoch} optimisation steps), ${count(plan.circuitsPerEpoch)} circuits, ${count(plan.shotsPerEpoch)} shots, $${plan.costPerEpochUsd.toFixed(2)}`,
    `  total:      ${count(plan.totalSubmissions)} submissions over ${plan.epochs} epochs, ${count(plan.totalCircuits)} circuits, ${count(plan.totalShots)} shots`,
    `  est. cost:  $${plan.estimatedCostUsd.toFixed(2)} (backend price table)`,
    `  compute:    ${plan.amplitudeOperations.toExponential(2)} amplitude-operations (about ${describeSeconds(plan.amplitudeOperations / SIMULATOR_OPERATIONS_PER_SECOND)} on one core of the local simulator), peak memory ${describeBytes(plan.peakMemoryBytes)}`,
  ];
  const service = serviceVerdict(plan);
  if (service !== null) lines.push(`  service:    ${service}`);
  if (plan.transpiled !== undefined) {
    const { depth, twoQubitGates, swaps, layout } = plan.transpiled;
    lines.push(
      `  transpiled: depth ${depth}, ${twoQubitGates} two-qubit gates, ${swaps ?? 0} SWAPs${swaps ? " (forced by the coupling map)" : ""}, layout [${layout.join(", ")}]`,
    );
  }
  const budget = [
    spec.backend.maxCost === undefined ? null : `maxCost $${spec.backend.maxCost}`,
    spec.backend.maxShots === undefined ? null : `maxShots ${count(spec.backend.maxShots)}`,
  ].filter((part) => part !== null);
  if (budget.length > 0) lines.push(`  budget:     within ${budget.join(", ")}`);
  return `${lines.join("\n")}\n`;
}

function describeSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds.toPrecision(2)} s`;
  if (seconds < 3600) return `${(seconds / 60).toPrecision(2)} min`;
  if (seconds < 86_400 * 365) return `${(seconds / 3600).toPrecision(2)} h`;
  return `${(seconds / (86_400 * 365)).toExponential(1)} years`;
}

function describeBytes(bytes: number): string {
  const kib = bytes / 1024;
  if (kib < 1024) return `${kib.toFixed(1)} KiB`;
  return kib < 1024 ** 2 ? `${(kib / 1024).toFixed(1)} MiB` : `${(kib / 1024 ** 2).toFixed(1)} GiB`;
}

/**
 * Whether the service would admit the run at its default per-job limits. `qplane train`
 * never refuses a run on its cost (the machine is the user's own); this says what a server
 * with default limits would answer.
 */
function serviceVerdict(plan: RunPlan): string | null {
  try {
    checkJobCost(
      {
        amplitudeOperations: plan.amplitudeOperations,
        peakMemoryBytes: plan.peakMemoryBytes,
        drivers: plan.costDrivers,
      },
      DEFAULT_COST_LIMITS,
    );
    return null;
  } catch (error) {
    if (!(error instanceof QplaneError)) throw error;
    return `a server with default limits refuses it (422 ${error.code}): ${error.message}`;
  }
}

/**
 * `qplane estimate`: the run's plan (submissions per epoch, shots, estimated cost,
 * amplitude-operations and peak memory; on IBM the transpiled depth, two-qubit gates and
 * forced SWAPs), readable or as one JSON line, without running it or generating its data.
 * A spec over its budget is refused as the run itself would be.
 */
export async function estimateCommand(
  options: EstimateCommandOptions,
  write: (text: string) => void,
): Promise<void> {
  const specInput = specFromFlags(options.specPath, options.flags);
  const registry = options.resolveBackend === undefined ? cliBackendRegistry() : undefined;
  const resolveBackend = options.resolveBackend ?? registry!.resolve;
  const predictionOf = options.predictionOf ?? registry?.predictionOf;
  const spec = parseJobSpec(specInput);
  const backend = resolveBackend(spec.backend.name);
  const dataShape = prepareDataShape(spec);
  const plan = await planRun(preparePlan(spec, backend, dataShape), backend.provider);
  checkBudget(spec, plan);
  const noise = predictionOf?.(spec.backend.name);
  const prediction =
    noise === undefined
      ? undefined
      : await predictFirstEpoch({
          spec,
          noise,
          noiseless: localBackendResolver("local"),
          dataShape,
          prepareData,
          maxWork: predictionWork(ESTIMATE_PREDICTION_SECONDS),
          calibrationWaitMs: CALIBRATION_WAIT_MS,
        });
  if (options.json) {
    write(`${JSON.stringify(prediction === undefined ? plan : { ...plan, prediction })}\n`);
    return;
  }
  write(
    describePlan(spec, plan) + (prediction === undefined ? "" : describePrediction(prediction)),
  );
}

function describeOutcome(outcome: EpochOutcome): string {
  const metric =
    outcome.testMetric.name === "testAccuracy"
      ? `test accuracy ${outcome.testMetric.value.toFixed(3)}`
      : `test MSE ${outcome.testMetric.value.toFixed(4)}`;
  return `I(X;T) ${outcome.ixt.toFixed(3)} bits, I(T;Y) ${outcome.ity.toFixed(3)} bits, ${metric}`;
}

/** The predicted first epoch, noisy above noiseless, or why it was skipped. */
export function describePrediction(prediction: Prediction): string {
  const { source, backend } = prediction.noise;
  const from =
    source === "twin" ? `twin "${backend}"` : `a twin of "${backend}"'s current calibration`;
  if (prediction.noisy === undefined || prediction.noiseless === undefined) {
    return `  prediction: skipped (${from}): ${prediction.skipped ?? "not run"}\n`;
  }
  return `${[
    `  prediction: first epoch, same spec and seed (${from}):`,
    `    noisy:     ${describeOutcome(prediction.noisy)}`,
    `    noiseless: ${describeOutcome(prediction.noiseless)}`,
  ].join("\n")}\n`;
}
