/**
 * The plan of a training run, without running anything: the provider calls one epoch makes
 * (optimisation steps, evaluation of each split, feedback probes), each priced by the
 * provider's own `estimate` (so Braket's program-set splitting and IBM's one job per call
 * are what they will be), totals over the run, and on IBM the transpiled circuit's depth,
 * two-qubit gate count, layout and (only when the coupling map forces them) SWAPs. Adjoint
 * gradients are computed in-process and submit nothing. Each call is priced from its
 * matrix's shape (rows × columns), never by allocating it, so planning is O(size of the
 * spec) whatever the rows; a provider whose price needs only the circuit's counts
 * (`estimateCounts`, the local simulator) is planned without any circuit. The plan also
 * carries the run's compute cost (`cost.ts`). Also the budget check (`backend.maxCost`,
 * `backend.maxShots`) made before any submission.
 */
import { type ExecutionEstimate, type Provider, supportsTranspile } from "../../providers/types.js";
import type { Circuit } from "../circuits/ir.js";
import { QplaneError } from "../errors/catalogue.js";
import { expandWeightOccurrences } from "../gradients/parameter-shift.js";
import {
  type CostDrivers,
  epochBatches,
  estimateJobCost,
  feedbackProbes,
  type VqcCostShape,
} from "./cost.js";
import type { ProviderRunShape, TrainableModel } from "./model.js";
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
  /** The backend's provider: its capabilities shape the compute cost (`sizing.ts`). */
  readonly provider: Pick<Provider, "statevectors" | "noisySimulation">;
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
  const costShape = modelCostShape(spec, data, prepared.provider);
  const cost = estimateJobCost({ spec, data, model: costShape });
  const compute = {
    amplitudeOperations: cost.amplitudeOperations,
    peakMemoryBytes: cost.peakMemoryBytes,
    costDrivers: cost.drivers,
  };
  const calls =
    provider === undefined
      ? undefined
      : shape !== undefined
        ? builtCalls(shape, provider)
        : costShape.kind === "vqc"
          ? countedCalls(costShape, provider)
          : undefined;
  if (calls === undefined) {
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

  const cache = new Map<string, Promise<CallCost>>();
  /** One provider call of `rows` rows of the target circuit, priced by the provider. */
  const call = (target: CallTarget, rows: number, shots: number): Promise<CallCost> => {
    if (rows === 0) return Promise.resolve(ZERO);
    const key = `${target} ${rows}x${shots}`;
    let cost = cache.get(key);
    if (cost === undefined) {
      cost = calls.price(target, rows, shots).then((estimate) => ({
        submissions: estimate.submissions,
        circuits: estimate.circuits,
        shots: estimate.totalShots,
        costUsd: estimate.estimatedCostUsd,
      }));
      cache.set(key, cost);
    }
    return cost;
  };

  /** `evaluate` on `rows` samples: the model circuit, plus the representation when it differs. */
  const evaluation = async (rows: number, information: boolean): Promise<CallCost> => {
    let cost = await call("model", rows, calls.shots);
    if (information && !calls.sameRun) {
      cost = add(cost, await call("representation", rows, calls.informationShots));
    }
    return cost;
  };

  /** One optimisation step on a batch of `rows` samples. */
  const step = async (rows: number): Promise<CallCost> => {
    switch (calls.gradient) {
      case "adjoint":
        return ZERO; // computed in-process by the local simulator, never submitted
      case "parameter-shift":
        return call("shifted", rows * (calls.shifts() + 1), calls.shots);
      case "spsa":
        return call("model", 2 * rows, calls.shots);
    }
  };

  const { full: fullBatches, last: lastBatch } = epochBatches(trainSamples, training.batchSize);
  let epoch = add(ZERO, await step(training.batchSize), fullBatches);
  if (lastBatch > 0) epoch = add(epoch, await step(lastBatch));
  const onTrain = infoPlane.split === "train";
  // the epoch's evaluations: one model run over every split's rows (`evaluateSplits`), plus
  // infoPlane.split's representation run when it differs
  const evaluatedRows = trainSamples + testSamples + (data.validation?.samples ?? 0);
  epoch = add(epoch, await call("model", evaluatedRows, calls.shots));
  if (!calls.sameRun) {
    const informed = onTrain ? trainSamples : testSamples;
    epoch = add(epoch, await call("representation", informed, calls.informationShots));
  }

  const { firstEpoch: firstEpochProbes, total: totalProbes } = feedbackProbes(spec, stepsPerEpoch);
  const probe =
    firstEpochProbes + totalProbes > 0
      ? await evaluation(Math.min(feedback.probeSize, trainSamples), true)
      : ZERO;
  const first = add(epoch, probe, firstEpochProbes);
  const total = add(add(ZERO, epoch, epochs), probe, totalProbes);

  let transpiled: TranspiledReport | undefined;
  if (shape !== undefined && provider !== undefined && supportsTranspile(provider)) {
    const result = await provider.transpile(shape.circuit);
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

/** The model circuit, the representation's, and parameter-shift's expanded circuit. */
type CallTarget = "model" | "representation" | "shifted";

/** How a plan prices the run's provider calls. */
interface PlanCalls {
  readonly shots: number;
  readonly informationShots: number;
  readonly gradient: JobSpec["training"]["gradient"];
  /** `evaluate`'s model run also gives the representation. */
  readonly sameRun: boolean;
  /** Parameter-shift: shifted evaluations per row. */
  shifts(): number;
  price(target: CallTarget, rows: number, shots: number): Promise<ExecutionEstimate>;
}

/** Calls priced by the provider on the built circuits (what transpiling backends need). */
function builtCalls(shape: ProviderRunShape, provider: Provider): PlanCalls {
  let expanded: ReturnType<typeof expandWeightOccurrences> | undefined;
  const expand = () => {
    expanded ??= expandWeightOccurrences(shape.circuit);
    return expanded;
  };
  const circuitOf = (target: CallTarget): Circuit =>
    target === "model"
      ? shape.circuit
      : target === "representation"
        ? shape.representationCircuit
        : expand().circuit;
  return {
    shots: shape.shots,
    informationShots: shape.informationShots,
    gradient: shape.gradient,
    sameRun:
      shape.representationCircuit === shape.circuit && shape.informationShots === shape.shots,
    shifts: () => expand().occurrences.reduce((total, o) => total + o.shifts.length, 0),
    price: (target, rows, shots) => {
      const circuit = circuitOf(target);
      return provider.estimate(circuit, { rows, cols: circuit.parameters.length }, { shots });
    },
  };
}

/**
 * Calls priced from the circuits' counts (`estimateCounts`): nothing is built, so planning
 * the largest ansatz on the local simulator is arithmetic. Undefined when the provider needs
 * the circuits.
 */
function countedCalls(shape: VqcCostShape, provider: Provider): PlanCalls | undefined {
  const { estimateCounts } = provider;
  if (estimateCounts === undefined) return undefined;
  const { circuit, representation } = shape;
  const countsOf = (target: CallTarget) => {
    const of = target === "representation" ? (representation ?? circuit) : circuit;
    return {
      numQubits: of.qubits,
      numClbits: of.clbits,
      columns: target === "shifted" ? of.expandedColumns : of.columns,
    };
  };
  return {
    shots: shape.shots,
    informationShots: shape.informationShots,
    gradient: shape.gradient,
    sameRun: representation === null,
    shifts: () => circuit.shifts,
    price: (target, rows, shots) => {
      const counts = countsOf(target);
      return estimateCounts.call(provider, counts, { rows, cols: counts.columns }, { shots });
    },
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
