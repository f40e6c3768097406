/**
 * A run sized without its data or its circuits being built: the data's shape
 * (`prepareDataShape`), the model's size (`ansatzSize`, the MLP's layers), and from them the
 * cost (`estimateJobCost`). Microseconds for any spec: what the API, the job service and the
 * worker check against the server's cost limits before anything heavy happens. Likewise H(Y)
 * of the training labels and |R|, so the API refuses an unreachable feedback target
 * (`admitFeedbackTarget`) before anything is queued.
 */
import { type Provider, simulationKindOf } from "../../providers/types.js";
import { ansatzSize } from "../circuits/ansatz.js";
import { type Circuit, isParameterAngle } from "../circuits/ir.js";
import { GENERATED_DATASETS } from "../data/index.js";
import { testCount, validationCount } from "../data/split.js";
import { present } from "../errors/checked.js";
import { shiftsPerOccurrence } from "../gradients/parameter-shift.js";
import { pluginEntropyBits } from "../infoplane/entropy.js";
import {
  ansatzCircuitShape,
  type CircuitShape,
  estimateJobCost,
  type JobCost,
  type ModelCostShape,
} from "./cost.js";
import { type CostLimits, checkJobCost } from "./cost-limits.js";
import { checkTargetReachable } from "./feedback.js";
import { hiddenWidthsOf, mlpLayoutFor, mlpRepresentationBits } from "./mlp-layout.js";
import { type DatasetSummary, type PreparedDataShape, prepareDataShape } from "./prepare.js";
import { isVqcKind, type JobSpec } from "./spec.js";
import {
  buildVqcCircuits,
  informationShotsOf,
  representationQubits,
  sameQubits,
  vqcReadoutQubits,
} from "./vqc-circuits.js";

/**
 * The shape of any circuit (a circuit model's program): each weight occurrence is a shifted
 * column of the parameter-shift expansion, with its gate's number of shifts.
 */
export function circuitShapeOf(circuit: Circuit): CircuitShape {
  let weightGates = 0;
  let occurrences = 0;
  let shifts = 0;
  for (const gate of circuit.gates) {
    const weightArgs = gate.args.filter((arg) => isParameterAngle(arg) && arg.kind === "weight");
    if (weightArgs.length === 0) continue;
    weightGates++;
    occurrences += weightArgs.length;
    shifts += weightArgs.length * shiftsPerOccurrence(gate.name);
  }
  const weights = circuit.parameters.filter((parameter) => parameter.kind === "weight").length;
  const inputs = circuit.parameters.length - weights;
  return {
    qubits: circuit.numQubits,
    clbits: circuit.numClbits,
    gates: circuit.gates.length,
    columns: circuit.parameters.length,
    weights,
    weightGates,
    shifts,
    expandedColumns: inputs + occurrences,
  };
}

/**
 * The model's shape for the cost model: the VQC's circuit counts, or the MLP's layers. A
 * provider that offers statevectors simulates them in this process (`VqcCostShape.simulated`).
 */
export function modelCostShape(
  spec: JobSpec,
  data: PreparedDataShape,
  provider: Pick<Provider, "statevectors" | "noisySimulation">,
): ModelCostShape {
  const { model, backend, training } = spec;
  // the linear model is priced as the MLP with no hidden layer
  if (!isVqcKind(model.kind)) return { kind: "mlp", layers: mlpLayoutFor(spec, data) };
  if (model.kind === "circuit") {
    // a program is sized from its own gates and parameters: it has no layers or encoding map
    const circuits = buildVqcCircuits(spec, data);
    const circuit = circuitShapeOf(circuits.circuit);
    return {
      kind: "vqc",
      circuit,
      representation:
        circuits.representationCircuit !== circuits.circuit ||
        informationShotsOf(spec) !== backend.shots
          ? circuitShapeOf(circuits.representationCircuit)
          : null,
      shots: backend.shots,
      informationShots: informationShotsOf(spec),
      gradient: training.gradient,
      simulation: simulationKindOf(provider),
      encodingMultiplyAdds: 0,
    };
  }
  const readoutQubits = vqcReadoutQubits(spec, data);
  const size = ansatzSize({
    qubits: model.qubits,
    layers: model.layers,
    features: data.featureCount,
    reupload: model.reupload,
    encoding: model.encoding,
    entangler: model.entangler,
    readoutQubits,
  });
  const circuit = ansatzCircuitShape(size);
  const informationShots = informationShotsOf(spec);
  // T on other qubits than the readout register has its own circuit; otherwise the model's
  // own evaluation serves when it runs with the same shots (as VqcModel.evaluate)
  const tQubits = representationQubits(spec, readoutQubits);
  const sameCircuit = sameQubits(tQubits, readoutQubits);
  return {
    kind: "vqc",
    circuit,
    representation:
      !sameCircuit || informationShots !== backend.shots
        ? { ...circuit, clbits: tQubits.length }
        : null,
    shots: backend.shots,
    informationShots,
    gradient: training.gradient,
    simulation: simulationKindOf(provider),
    encodingMultiplyAdds: size.encodingAngles * data.featureCount,
  };
}

/** The cost of a spec's run; `data` defaults to its shape, computed without generating it. */
export function jobCostOf(
  spec: JobSpec,
  provider: Pick<Provider, "statevectors" | "noisySimulation">,
  data: PreparedDataShape = prepareDataShape(spec),
): JobCost {
  return estimateJobCost({ spec, data, model: modelCostShape(spec, data, provider) });
}

/**
 * Refuses a spec whose run would exceed the server's cost limits (QPLANE_ERR_JOB_TOO_LARGE)
 * before any data exists. A CSV file is only sized once read: null here; the API
 * (`src/api/admission.ts`) and the worker check it on its shape
 * (`checkJobCost(jobCostOf(spec, provider, data), …)`).
 */
export function admitJobCost(
  spec: JobSpec,
  limits: CostLimits,
  provider: Pick<Provider, "statevectors" | "noisySimulation">,
): JobCost | null {
  if (spec.dataset.name === "csv") return null;
  const cost = jobCostOf(spec, provider);
  checkJobCost(cost, limits);
  return cost;
}

/** |R| in bits, the cap on I(X;T): T's qubits for the VQC, the classical model's cap else. */
export function representationBitsOf(
  spec: JobSpec,
  data: Pick<PreparedDataShape, "task" | "classes" | "featureCount">,
): number {
  const { model } = spec;
  if (!isVqcKind(model.kind)) {
    return mlpRepresentationBits({ ...model, hidden: hiddenWidthsOf(model) }, data);
  }
  return representationQubits(spec, vqcReadoutQubits(spec, data)).length;
}

/**
 * Training rows per equal-frequency bin of n distinct values in B bins (`equalFrequencyBins`):
 * rank r goes to bin ⌊B·(2r + 1)/(2n)⌋, so bin k starts at the first r with
 * B·(2r + 1) ≥ 2n·k; n ≤ B values get a bin each.
 */
function equalFrequencyBinCounts(n: number, bins: number): number[] {
  if (n <= bins) return new Array<number>(n).fill(1);
  const start = (k: number) => Math.max(0, Math.ceil((2 * n * k - bins) / (2 * bins)));
  return Array.from({ length: bins }, (_, k) => start(k + 1) - start(k));
}

/**
 * H(Y) in bits of the training labels `prepareData` gives, from the dataset's summary, without
 * the data: for classes, each class's rows less its test and validation rows (the split is
 * stratified, `splitIndices`); for a generated regression target, its training rows in
 * `infoPlane.bins` equal-frequency bins (continuous draws: no ties). Null when only the data
 * can tell: ties in a real or CSV regression target merge bins.
 */
export function trainLabelEntropyOf(spec: JobSpec, summary: DatasetSummary): number | null {
  const { testFraction, validationFraction } = spec.dataset;
  const trainRows = (n: number) =>
    n - testCount(n, testFraction) - validationCount(n, testFraction, validationFraction);
  if (summary.task === "classification") return pluginEntropyBits(summary.groups.map(trainRows));
  if (!GENERATED_DATASETS.has(spec.dataset.name)) return null;
  return pluginEntropyBits(
    equalFrequencyBinCounts(
      trainRows(present(summary.groups[0], "the dataset's row count")),
      spec.infoPlane.bins,
    ),
  );
}

/**
 * Refuses, before anything is queued, a feedback target the representation cannot reach: the
 * worker's verdict (`checkTargetReachable`), H(Y) from the summary. When only the data can
 * tell H(Y) (`trainLabelEntropyOf` null) a numeric target is still checked here and a
 * "label-entropy" one is left to the worker.
 */
export function admitFeedbackTarget(
  spec: JobSpec,
  summary: DatasetSummary,
  data: Pick<PreparedDataShape, "task" | "classes" | "featureCount">,
): void {
  checkTargetReachable(
    spec.feedback,
    trainLabelEntropyOf(spec, summary),
    representationBitsOf(spec, data),
  );
}
