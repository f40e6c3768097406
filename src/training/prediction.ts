/**
 * What a device's noise will do to a run, before paying for it: the first epoch (training,
 * evaluation, information plane) really run in this process on the device's twin and on the
 * noiseless statevector simulator, same spec and seed, side by side. `qplane estimate` and
 * dry runs on a twin or hardware backend report it beside the cost.
 *
 * Bounded: both first epochs are priced first with the cost model (`cost.ts`, the twin by its
 * density matrix or trajectories) and skipped, with the reason, over `maxWork`
 * amplitude-operations. The work bound also bounds memory: a row on n qubits costs at least
 * 4·4ⁿ amplitude-operations per gate for 16·4ⁿ bytes of ρ. The twin's calibration is awaited
 * at most `calibrationWaitMs` (a fetch still under way completes in the background, for the
 * next call), and each run stops at a time cap of a few times the budget's seconds (a loaded
 * host), reported as skipped too. Which backend's noise, and the noiseless simulator, are
 * the composition root's to give (src/backends/registry.ts).
 */
import { QplaneError } from "../errors/catalogue.js";
import { SIMULATOR_OPERATIONS_PER_SECOND } from "./cost.js";
import { trainModel } from "./loop.js";
import type { PreparedData } from "./model.js";
import type { PreparedDataShape } from "./prepare.js";
import type { ResolvedBackend } from "./run.js";
import { jobCostOf } from "./sizing.js";
import { isVqcKind, type JobSpec } from "./spec.js";
import { createVqcModel } from "./vqc-model.js";

/** Where a prediction's noise comes from. */
export interface PredictionNoise {
  /** `twin`: a twin backend (the one named, or one configured for the device); `calibration`: a twin built from the device's own calibration. */
  readonly source: "twin" | "calibration";
  /** The twin's backend name, or (calibration) the hardware backend's. */
  readonly backend: string;
  readonly twin: ResolvedBackend;
}

/** The first epoch's information plane and test metric. */
export interface EpochOutcome {
  readonly ixt: number;
  readonly ity: number;
  /** testAccuracy (classification) or testMse (regression). */
  readonly testMetric: { readonly name: "testAccuracy" | "testMse"; readonly value: number };
}

export interface Prediction {
  readonly noise: { readonly source: PredictionNoise["source"]; readonly backend: string };
  /** The budget, in amplitude-operations (about seconds × SIMULATOR_OPERATIONS_PER_SECOND). */
  readonly maxAmplitudeOperations: number;
  /** Both first epochs as priced; absent when skipped before pricing. */
  readonly amplitudeOperations?: number;
  /** Under the device's noise (absent when skipped). */
  readonly noisy?: EpochOutcome;
  /** On the noiseless statevector simulator (absent when skipped). */
  readonly noiseless?: EpochOutcome;
  /** Why nothing was run. */
  readonly skipped?: string;
}

export interface PredictionInput {
  readonly spec: JobSpec;
  readonly noise: PredictionNoise;
  /** The noiseless statevector simulator. */
  readonly noiseless: ResolvedBackend;
  /** The data's shape, for pricing (the data are only made when the prediction runs). */
  readonly dataShape: PreparedDataShape;
  /** Makes the data; undefined when the caller does not read them (`unavailableData` says why). */
  readonly prepareData: ((spec: JobSpec) => PreparedData) | undefined;
  readonly unavailableData?: string;
  readonly maxWork: number;
  readonly calibrationWaitMs: number;
  /** Shared by a server's requests: how many predictions may run at once. */
  readonly slots?: PredictionSlots;
}

/** A count of predictions running at once in one process (each holds up to its budget). */
export interface PredictionSlots {
  readonly limit: number;
  /** True when a slot was free and is now held. */
  tryAcquire(): boolean;
  release(): void;
}

export function createPredictionSlots(limit: number): PredictionSlots {
  let held = 0;
  return {
    limit,
    tryAcquire: () => {
      if (held >= limit) return false;
      held++;
      return true;
    },
    release: () => {
      held--;
    },
  };
}

/** Budgets of a dry run (synchronous, on the API's event loop) and of `qplane estimate`. */
export const DRY_RUN_PREDICTION_SECONDS = 2;
/**
 * Dry-run predictions one API process runs at once: each is paced but holds up to its budget
 * of one core, so concurrent dry runs beyond this are answered with the plan and a skip.
 */
export const DRY_RUN_CONCURRENT_PREDICTIONS = 1;
export const ESTIMATE_PREDICTION_SECONDS = 20;
/** How long a prediction waits for the twin's calibration (a first fetch, usually). */
export const CALIBRATION_WAIT_MS = 10_000;
/** A run over this many times its budget's seconds (a loaded host) is stopped and skipped. */
const TIME_CAP_FACTOR = 5;

/** The budget in amplitude-operations of `seconds` of one core of the local simulator. */
export function predictionWork(seconds: number): number {
  return seconds * SIMULATOR_OPERATIONS_PER_SECOND;
}

function outcomeOf(
  record: { ixt: number; ity: number; testAccuracy?: number; testMse?: number },
  task: PreparedDataShape["task"],
): EpochOutcome {
  const name = task === "classification" ? "testAccuracy" : "testMse";
  return { ixt: record.ixt, ity: record.ity, testMetric: { name, value: record[name] ?? NaN } };
}

/** Resolves to "timeout" when `promise` takes longer than `ms` (it goes on in the background). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | "timeout"> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The first epoch under the device's noise and without it, or why it was skipped. */
export async function predictFirstEpoch(input: PredictionInput): Promise<Prediction> {
  const { spec, noise, noiseless, dataShape, maxWork } = input;
  const base = {
    noise: { source: noise.source, backend: noise.backend },
    maxAmplitudeOperations: maxWork,
  };
  if (!isVqcKind(spec.model.kind)) {
    return {
      ...base,
      skipped: `model.kind "${spec.model.kind}" runs no circuit, so a device's noise does not change it`,
    };
  }
  const first: JobSpec = { ...spec, training: { ...spec.training, epochs: 1 } };
  const work =
    jobCostOf(first, noise.twin.provider, dataShape).amplitudeOperations +
    jobCostOf(first, noiseless.provider, dataShape).amplitudeOperations;
  const priced = { ...base, amplitudeOperations: work };
  const seconds = maxWork / SIMULATOR_OPERATIONS_PER_SECOND;
  if (work > maxWork) {
    return {
      ...priced,
      skipped: `the first epoch on the twin and on the noiseless simulator is priced at ${work.toExponential(2)} amplitude-operations, over the prediction budget of ${maxWork.toExponential(2)} (about ${Number(seconds.toPrecision(2))} s of one core)`,
    };
  }
  const status = await within(noise.twin.provider.status(), input.calibrationWaitMs);
  if (status === "timeout") {
    return {
      ...priced,
      skipped: `the twin's calibration was not available within ${input.calibrationWaitMs / 1000} s (a later request uses it once fetched)`,
    };
  }
  if (!status.operational)
    return { ...priced, skipped: `the twin is not available: ${status.message}` };
  if (input.prepareData === undefined) {
    return { ...priced, skipped: input.unavailableData ?? "the data are not available here" };
  }
  if (input.slots !== undefined && !input.slots.tryAcquire()) {
    return {
      ...priced,
      skipped: `${input.slots.limit} prediction${input.slots.limit === 1 ? " is" : "s are"} already running on this server; try again in a few seconds`,
    };
  }
  try {
    return await runBoth(first, input.prepareData(first), input, priced, seconds);
  } finally {
    input.slots?.release();
  }
}

/** Both first epochs, twin first; skipped when either runs over the time cap. */
async function runBoth(
  first: JobSpec,
  data: PreparedData,
  input: PredictionInput,
  priced: Prediction,
  seconds: number,
): Promise<Prediction> {
  const { noise, noiseless } = input;
  const timeLimit = { seconds: TIME_CAP_FACTOR * seconds, setBy: "the prediction's time cap" };
  /** The first epoch on one backend; null when it ran over the time cap. */
  const firstEpoch = async (backend: ResolvedBackend): Promise<EpochOutcome | null> => {
    const model = createVqcModel(first, data, backend.provider, backend.exactProbabilities);
    const result = await trainModel(first, data, model, { timeLimit });
    const record = result.records[0];
    return result.status === "completed" && record !== undefined
      ? outcomeOf(record, data.task)
      : null;
  };
  let noisy: EpochOutcome | null;
  try {
    noisy = await firstEpoch(noise.twin);
  } catch (error) {
    // what the twin cannot run (a circuit larger than the device) is the plan's to show, not
    // a failed request
    if (!(error instanceof QplaneError)) throw error;
    return { ...priced, skipped: `the twin cannot run it: ${error.message}` };
  }
  const clean = noisy === null ? null : await firstEpoch(noiseless);
  if (noisy === null || clean === null) {
    return {
      ...priced,
      skipped: `the first epoch did not finish within ${timeLimit.seconds} s (${TIME_CAP_FACTOR}× the budget's seconds: a loaded host)`,
    };
  }
  return { ...priced, noisy, noiseless: clean };
}
