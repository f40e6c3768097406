/**
 * The plan of a training run, without running anything: the provider calls one epoch makes
 * (optimisation steps, evaluation of each split, feedback probes), each priced by the
 * provider's own `estimate` (so Braket's program-set splitting and IBM's one job per call
 * are what they will be), totals over the run, and on IBM the transpiled circuit's depth,
 * two-qubit gate count, layout and (only when the coupling map forces them) SWAPs. Adjoint
 * gradients are computed in-process and submit nothing. Each call is priced from its
 * matrix's shape (rows × columns), never by allocating it, so planning is O(size of the
 * spec) whatever the rows. The plan also carries the run's compute cost (`cost.ts`). Also
 * the budget check (`backend.maxCost`, `backend.maxShots`) made before any submission.
 */
import type { Provider } from "../../providers/types.js";
import type { Circuit } from "../circuits/ir.js";
import type { TranspileResult } from "../circuits/transpile/index.js";
import { QplaneError } from "../errors/catalogue.js";
import { expandWeightOccurrences } from "../gradients/parameter-shift.js";
import { type CostDrivers, epochBatches, estimateJobCost, feedbackProbes } from "./cost.js";
import type { TrainableModel } from "./model.js";
import type { PreparedDataShape } from "./prepare.js";
import { modelCostShape } from "./sizing.js";
import type { JobSpec } from "./spec.js";

export interface TranspiledReport {
  readonly depth: number;
  readonly twoQubitGates: number;
  /** Present only when the coupling map forced SWAPs. */
  readonly swaps?: number;
  /** Physical qubit of each virtual qubit. */
  readonly layout: number[];
}

export interface RunPlan {
  readonly epochs: number;
  readonly stepsPerEpoch: number;
  /** Per-epoch values are the first epoch's (probes every N steps may vary by one later). */
  readonly submissionsPerEpoch: number;
  readonly circuitsPerEpoch: number;
  readonly shotsPerEpoch: number;
  readonly costPerEpochUsd: number;
  readonly totalSubmissions: number;
  readonly totalCircuits: number;
  readonly totalShots: number;
  readonly estimatedCostUsd: number;
  /** Compute of the whole run in amplitude-operations (`cost.ts`; the MLP: multiply-adds). */
  readonly amplitudeOperations: number;
  /** Memory of the largest step or evaluation, dataset included, in bytes. */
  readonly peakMemoryBytes: number;
  /** The spec fields that drive the compute cost. */
  readonly costDrivers: CostDrivers;
  /** IBM: the ISA circuit the model circuit becomes. */
  readonly transpiled?: TranspiledReport;
}

/** What planning reads of a run: the spec, its data's shape and the model's provider use. */
export interface PlanInput {
  readonly spec: JobSpec;
  readonly data: PreparedDataShape;
  readonly model: Pick<TrainableModel, "runShape">;
  /** The backend simulates in this process (its compute is this process's). */
  readonly simulatesInProcess: boolean;
}

interface CallCost {
  readonly submissions: number;
  readonly circuits: number;
  readonly shots: number;
  readonly costUsd: number;
}

const ZERO: CallCost = { submissions: 0, circuits: 0, shots: 0, costUsd: 0 };

function add(a: CallCost, b: CallCost, times = 1): CallCost {
  return {
    submissions: a.submissions + times * b.submissions,
    circuits: a.circuits + times * b.circuits,
    shots: a.shots + times * b.shots,
    costUsd: a.costUsd + times * b.costUsd,
  };
}

interface TranspileReporter {
  transpileFor(circuit: Circuit): Promise<TranspileResult>;
}

function canTranspile(provider: Provider): provider is Provider & TranspileReporter {
  return typeof (provider as Partial<TranspileReporter>).transpileFor === "function";
}

/** What the run described by a prepared spec would submit and cost. */
export async function planRun(
  prepared: PlanInput,
  provider: Provider | undefined = prepared.model.runShape?.provider,
): Promise<RunPlan> {
  const { spec, data, model } = prepared;
  const { training, feedback, infoPlane } = spec;
  const trainSamples = data.train.samples;
  const testSamples = data.test.samples;
  const stepsPerEpoch = Math.ceil(trainSamples / training.batchSize);
  const epochs = training.epochs;
  const shape = model.runShape;
  // sized arithmetically from the spec, as admission sizes it (the same numbers, faster
  // than walking a built circuit's gates)
  const cost = estimateJobCost({
    spec,
    data,
    model: modelCostShape(spec, data, prepared.simulatesInProcess),
  });
  const compute = {
    amplitudeOperations: cost.amplitudeOperations,
    peakMemoryBytes: cost.peakMemoryBytes,
    costDrivers: cost.drivers,
  };
  if (shape === undefined || provider === undefined) {
    return {
      epochs,
      stepsPerEpoch,
      submissionsPerEpoch: 0,
      circuitsPerEpoch: 0,
      shotsPerEpoch: 0,
      costPerEpochUsd: 0,
      totalSubmissions: 0,
      totalCircuits: 0,
      totalShots: 0,
      estimatedCostUsd: 0,
      ...compute,
    };
  }

  const cache = new Map<Circuit, Map<string, Promise<CallCost>>>();
  /** One provider call of `rows` rows of `circuit`, priced by the provider. */
  const call = (circuit: Circuit, rows: number, shots: number): Promise<CallCost> => {
    if (rows === 0) return Promise.resolve(ZERO);
    let byShape = cache.get(circuit);
    if (byShape === undefined) {
      byShape = new Map();
      cache.set(circuit, byShape);
    }
    const key = `${rows}x${shots}`;
    let cost = byShape.get(key);
    if (cost === undefined) {
      const matrixShape = { rows, cols: circuit.parameters.length };
      cost = provider.estimate(circuit, matrixShape, { shots }).then((estimate) => ({
        submissions: estimate.submissions,
        circuits: estimate.circuits,
        shots: estimate.totalShots,
        costUsd: estimate.estimatedCostUsd,
      }));
      byShape.set(key, cost);
    }
    return cost;
  };

  /** `evaluate` on `rows` samples: the model circuit, plus the representation when it differs. */
  const sameRun =
    shape.representationCircuit === shape.circuit && shape.informationShots === shape.shots;
  const evaluation = async (rows: number, information: boolean): Promise<CallCost> => {
    let cost = await call(shape.circuit, rows, shape.shots);
    if (information && !sameRun) {
      cost = add(cost, await call(shape.representationCircuit, rows, shape.informationShots));
    }
    return cost;
  };

  /** One optimisation step on a batch of `rows` samples. */
  const step = async (rows: number): Promise<CallCost> => {
    switch (shape.gradient) {
      case "adjoint":
        return ZERO; // computed in-process by the local simulator, never submitted
      case "parameter-shift": {
        const { circuit, occurrences } = expandWeightOccurrences(shape.circuit);
        const shifts = occurrences.reduce((total, o) => total + o.shifts.length, 0);
        return call(circuit, rows * (shifts + 1), shape.shots);
      }
      case "spsa":
        return call(shape.circuit, 2 * rows, shape.shots);
    }
  };

  const { full: fullBatches, last: lastBatch } = epochBatches(trainSamples, training.batchSize);
  let epoch = add(ZERO, await step(training.batchSize), fullBatches);
  if (lastBatch > 0) epoch = add(epoch, await step(lastBatch));
  const onTrain = infoPlane.split === "train";
  epoch = add(epoch, await evaluation(trainSamples, onTrain));
  epoch = add(epoch, await evaluation(testSamples, !onTrain));

  const { firstEpoch: firstEpochProbes, total: totalProbes } = feedbackProbes(spec, stepsPerEpoch);
  const probe =
    firstEpochProbes + totalProbes > 0
      ? await evaluation(Math.min(feedback.probeSize, trainSamples), true)
      : ZERO;
  const first = add(epoch, probe, firstEpochProbes);
  const total = add(add(ZERO, epoch, epochs), probe, totalProbes);

  let transpiled: TranspiledReport | undefined;
  if (canTranspile(provider)) {
    const result = await provider.transpileFor(shape.circuit);
    transpiled = {
      depth: result.depth,
      twoQubitGates: result.twoQubitGates,
      ...(result.swaps > 0 ? { swaps: result.swaps } : {}),
      layout: [...result.layout],
    };
  }

  return {
    epochs,
    stepsPerEpoch,
    submissionsPerEpoch: first.submissions,
    circuitsPerEpoch: first.circuits,
    shotsPerEpoch: first.shots,
    costPerEpochUsd: roundUsd(first.costUsd),
    totalSubmissions: total.submissions,
    totalCircuits: total.circuits,
    totalShots: total.shots,
    estimatedCostUsd: roundUsd(total.costUsd),
    ...compute,
    ...(transpiled ? { transpiled } : {}),
  };
}

/** Sums of price-table products, without binary-fraction noise (to 1e-9 USD). */
function roundUsd(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}

/** Whether the spec sets a budget (then the run is planned before anything is submitted). */
export function hasBudget(spec: JobSpec): boolean {
  return spec.backend.maxCost !== undefined || spec.backend.maxShots !== undefined;
}

/** Refuses a plan over the spec's budget, naming the field, the planned value and the limit. */
export function checkBudget(spec: JobSpec, plan: RunPlan): void {
  const { maxCost, maxShots } = spec.backend;
  if (maxShots !== undefined && plan.totalShots > maxShots) {
    throw new QplaneError(
      "QPLANE_ERR_BUDGET_EXCEEDED",
      `spec.backend.maxShots: the run plans ${plan.totalShots} shots, over the limit of ${maxShots}`,
    );
  }
  // a cent's rounding in the price table's products never refuses a run at the limit
  if (maxCost !== undefined && plan.estimatedCostUsd > maxCost + 1e-9) {
    throw new QplaneError(
      "QPLANE_ERR_BUDGET_EXCEEDED",
      `spec.backend.maxCost: the run's estimated cost is ${formatUsd(plan.estimatedCostUsd)} USD, over the limit of ${formatUsd(maxCost)} USD`,
    );
  }
}

function formatUsd(value: number): string {
  return String(Math.round(value * 1e6) / 1e6);
}
