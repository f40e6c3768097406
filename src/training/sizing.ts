/**
 * A run sized without its data or its circuits being built: the data's shape
 * (`prepareDataShape`), the model's size (`ansatzSize`, the MLP's layers), and from them the
 * cost (`estimateJobCost`). Microseconds for any spec: what the API, the job service and the
 * worker check against the server's cost limits before anything heavy happens.
 */
import { ansatzSize } from "../circuits/ansatz.js";
import type { CostLimits } from "../config.js";
import {
  ansatzCircuitShape,
  checkJobCost,
  estimateJobCost,
  type JobCost,
  type ModelCostShape,
} from "./cost.js";
import { mlpLayoutFor } from "./mlp-model.js";
import { type PreparedDataShape, prepareDataShape } from "./prepare.js";
import type { JobSpec } from "./spec.js";
import { informationShotsOf, vqcReadoutQubits } from "./vqc-model.js";

/**
 * The model's shape for the cost model: the VQC's circuit counts, or the MLP's layers.
 * `simulated`: the backend simulates in this process (`VqcCostShape.simulated`).
 */
export function modelCostShape(
  spec: JobSpec,
  data: PreparedDataShape,
  simulated: boolean,
): ModelCostShape {
  const { model, infoPlane, backend, training } = spec;
  // the linear model is priced as the MLP with no hidden layer
  if (model.kind !== "vqc") return { kind: "mlp", layers: mlpLayoutFor(spec, data) };
  const size = ansatzSize({
    qubits: model.qubits,
    layers: model.layers,
    features: data.featureCount,
    reupload: model.reupload,
    encoding: model.encoding,
    entangler: model.entangler,
    readoutQubits: vqcReadoutQubits(spec, data),
  });
  const circuit = ansatzCircuitShape(size);
  const informationShots = informationShotsOf(spec);
  // T = all qubits measures every qubit; otherwise the model's own evaluation serves when
  // it runs with the same shots (as VqcModel.evaluate)
  const all = infoPlane.register === "all";
  return {
    kind: "vqc",
    circuit,
    representation:
      all || informationShots !== backend.shots
        ? { ...circuit, clbits: all ? size.qubits : size.clbits }
        : null,
    shots: backend.shots,
    informationShots,
    gradient: training.gradient,
    simulated,
    encodingMultiplyAdds: size.encodingAngles * data.featureCount,
  };
}

/** The cost of a spec's run; `data` defaults to its shape, computed without generating it. */
export function jobCostOf(
  spec: JobSpec,
  simulated: boolean,
  data: PreparedDataShape = prepareDataShape(spec),
): JobCost {
  return estimateJobCost({ spec, data, model: modelCostShape(spec, data, simulated) });
}

/**
 * Refuses a spec whose run would exceed the server's cost limits (QPLANE_ERR_JOB_TOO_LARGE)
 * before any data exists. A CSV file is only sized once read: null here; the API
 * (`src/api/admission.ts`) and the worker check it on its shape
 * (`checkJobCost(jobCostOf(spec, simulated, data), …)`).
 */
export function admitJobCost(
  spec: JobSpec,
  limits: CostLimits,
  simulated: boolean,
): JobCost | null {
  if (spec.dataset.name === "csv") return null;
  const cost = jobCostOf(spec, simulated);
  checkJobCost(cost, limits);
  return cost;
}
