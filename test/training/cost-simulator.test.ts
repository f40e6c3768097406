import { afterEach, describe, expect, it, vi } from "vitest";
import {
  forwardOperations,
  MLP_OPERATIONS_PER_MULTIPLY_ADD,
  SAMPLE_OVERHEAD_OPERATIONS,
  STEP_OVERHEAD_OPERATIONS,
} from "../../src/training/cost.js";
import { jobCostOf } from "../../src/training/sizing.js";
import { parseJobSpec } from "../../src/training/spec.js";
import { LOCAL_PROVIDER, runTraining } from "../local-backend.js";
import { metered, meteredVqcRun, SMALL } from "./cost-fixtures.js";

describe("the cost model against what the simulator does", () => {
  afterEach(() => vi.restoreAllMocks());

  /**
   * The meter counts one state pass per fused operation (no per-gate overhead), so one row
   * costs the meter less than `forwardOperations`; but the number of forward-pass
   * equivalents (work ÷ one row's work) of a whole run must be the model's.
   */
  it.each([
    // fixed encoding; adjoint: per epoch 6 training rows × 4 passes + 8 evaluated rows
    ["adjoint, 8 qubits × 2", { qubits: 8, layers: 2, encoding: "fixed" }, { epochs: 1 }, 32],
    [
      "adjoint, 10 qubits × 3, 2 epochs",
      { qubits: 10, layers: 3, encoding: "fixed" },
      { epochs: 2 },
      64,
    ],
    [
      "full entangler",
      { qubits: 8, layers: 2, entangler: "full", encoding: "fixed" },
      { epochs: 1 },
      32,
    ],
    // 32 weights × 2 shifts + 1 rows per training sample
    [
      "parameter-shift",
      { qubits: 8, layers: 2, encoding: "fixed" },
      { gradient: "parameter-shift", epochs: 1 },
      6 * 65 + 8,
    ],
    // per epoch 2 rows per training sample + 8 evaluated
    [
      "SPSA",
      { qubits: 8, layers: 2, encoding: "fixed" },
      { gradient: "spsa", epochs: 2 },
      2 * (12 + 8),
    ],
    // linear encoding: one ry(φ) per qubit and layer, and the φ are weights (16 more)
    ["adjoint, linear encoding", { qubits: 8, layers: 2, encoding: "linear" }, { epochs: 1 }, 32],
    [
      "parameter-shift, linear encoding",
      { qubits: 8, layers: 2, encoding: "linear" },
      { gradient: "parameter-shift", epochs: 1 },
      6 * 97 + 8,
    ],
    [
      "SPSA, linear encoding, no re-uploading",
      { qubits: 8, layers: 2, encoding: "linear", reupload: false },
      { gradient: "spsa", epochs: 2 },
      2 * (12 + 8),
    ],
  ] as const)(
    "counts the forward passes a real run makes (%s)",
    async (_, model, training, passes) => {
      const input = { dataset: SMALL, model, training: { ...training, batchSize: 4 } };
      const { spec, data, shape, oneRow, run } = await meteredVqcRun(input);
      expect(shape.encodingMultiplyAdds).toBe(
        spec.model.encoding === "linear" ? (spec.model.reupload ? 16 : 8) * data.featureCount : 0,
      );
      // 2 steps and 6 + 6 + 2 samples an epoch; linear encoding: the classical φ = W·x + b of
      // 20 rows an epoch (6 stepped twice: φ and the chain rule, or SPSA's two points; 8
      // evaluated), which the simulator's meter does not see
      const encoding = 20 * shape.encodingMultiplyAdds * MLP_OPERATIONS_PER_MULTIPLY_ADD;
      const overhead =
        spec.training.epochs *
        (2 * STEP_OVERHEAD_OPERATIONS + 14 * SAMPLE_OVERHEAD_OPERATIONS + encoding);
      const modelled =
        (jobCostOf(spec, LOCAL_PROVIDER).amplitudeOperations - overhead) /
        forwardOperations(shape.circuit);
      expect(modelled).toBe(passes);
      expect(run / oneRow).toBe(passes);
    },
  );

  it("counts the validation split's evaluation as a real run makes it", async () => {
    // moons 8: per class 4 rows → 1 test, 1 validation, 2 training; batches of 4: 1 step an
    // epoch; per epoch 4 training rows × 4 passes + 4 + 2 + 2 evaluated rows = 24 passes
    const input = {
      dataset: { ...SMALL, validationFraction: 0.25 },
      model: { qubits: 8, layers: 2, encoding: "fixed" },
      training: { epochs: 2, batchSize: 4 },
    } as const;
    const { spec, data, shape, oneRow, run } = await meteredVqcRun(input);
    expect([data.train.samples, data.test.samples, data.validation?.samples]).toEqual([4, 2, 2]);
    const overhead = 2 * (STEP_OVERHEAD_OPERATIONS + 12 * SAMPLE_OVERHEAD_OPERATIONS);
    const modelled =
      (jobCostOf(spec, LOCAL_PROVIDER).amplitudeOperations - overhead) /
      forwardOperations(shape.circuit);
    expect(modelled).toBe(2 * 24);
    expect(run / oneRow).toBe(2 * 24);
  });

  it.each([
    ["1 readout qubit, 1000 shots", [0], 1000],
    ["3 readout qubits, 300 shots", [0, 1, 2], 300],
  ] as const)("charges shots as the sampler charges them (%s)", async (_, readout, shots) => {
    const exact = {
      dataset: SMALL,
      model: { qubits: 4, readout },
      training: { gradient: "spsa", epochs: 1, batchSize: 4 },
    } as const;
    const sampled = { ...exact, backend: { shots } };
    const modelled =
      jobCostOf(parseJobSpec(sampled), LOCAL_PROVIDER).amplitudeOperations -
      jobCostOf(parseJobSpec(exact), LOCAL_PROVIDER).amplitudeOperations;
    const charged =
      (await metered(() => runTraining(sampled))) - (await metered(() => runTraining(exact)));
    // the sampler also charges each row's cumulative sums (one per outcome)
    expect(Math.abs(charged - modelled) / modelled).toBeLessThan(0.01);
  });
});
