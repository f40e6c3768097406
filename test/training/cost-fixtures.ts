/**
 * What the cost-model tests share: the hand-priced tiny spec and the work the simulator's
 * pacing meters are charged.
 */
import { vi } from "vitest";
import { WorkMeter } from "../../providers/local/pacing.js";
import { exactProbabilities } from "../../providers/local/simulator.js";
import { SAMPLE_OVERHEAD_OPERATIONS, STEP_OVERHEAD_OPERATIONS } from "../../src/training/cost.js";
import { jobCostOf, modelCostShape } from "../../src/training/sizing.js";
import { type JobSpecInput, parseJobSpec } from "../../src/training/spec.js";
import { LOCAL_PROVIDER, prepareRun, runTraining } from "../local-backend.js";

/**
 * moons, 8 samples: 6 train and 2 test (one of each class). 2 qubits, 1 layer: 2 encoding
 * rotations, 2 × (ry, rz), 1 CX = 7 gates; 1 readout qubit; columns 2 inputs + 4 weights
 * (the fixed encoding, priced by hand below; the linear encoding has its own test).
 * One row's forward pass: (7 + 1) · (2² + 64) = 544 amplitude-operations.
 */
export const TINY: JobSpecInput = {
  dataset: { name: "moons", samples: 8 },
  model: { qubits: 2, layers: 1, encoding: "fixed" },
  training: { epochs: 2, batchSize: 4 },
};
export const FORWARD = 544;
/** Per epoch: 2 steps (batches of 4 and 2), 6 stepped and 6 + 2 evaluated samples. */
export const OVERHEAD = 2 * STEP_OVERHEAD_OPERATIONS + 14 * SAMPLE_OVERHEAD_OPERATIONS;
/** One shot from 2 outcomes (1 clbit): 12 + 9 · 1; from 4 outcomes: 12 + 9 · 2. */
export const SHOT_1_BIT = 21;
export const SHOT_2_BITS = 30;

export function costOf(input: JobSpecInput) {
  return jobCostOf(parseJobSpec(input), LOCAL_PROVIDER);
}

/**
 * A VQC run's metered amplitude-operations, beside those of one forward pass of its circuit
 * (`oneRow`), with its spec, data and cost shape.
 */
export async function meteredVqcRun(input: JobSpecInput) {
  const prepared = prepareRun(input);
  const { spec, data } = prepared;
  const circuit = prepared.model.runShape!.circuit;
  const oneRow = await metered(() =>
    exactProbabilities(circuit, [new Array(circuit.parameters.length).fill(0.3)]),
  );
  const run = await metered(() => runTraining(input));
  const shape = modelCostShape(spec, data, LOCAL_PROVIDER);
  if (shape.kind !== "vqc") throw new Error("a VQC spec");
  return { spec, data, shape, oneRow, run };
}

/** Amplitude-operations the simulator's pacing meters are charged while `work` runs. */
export async function metered(work: () => unknown): Promise<number> {
  let charged = 0;
  const spend = WorkMeter.prototype.spend;
  vi.spyOn(WorkMeter.prototype, "spend").mockImplementation(function (this: WorkMeter, n) {
    charged += n;
    return spend.call(this, n);
  });
  try {
    await work();
  } finally {
    vi.restoreAllMocks();
  }
  return charged;
}

/** moons, 8 samples (6 train, 2 test), batches of 4 (2 steps an epoch), no feedback. */
export const SMALL = { name: "moons", samples: 8 } as const;
