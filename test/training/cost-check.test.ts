import { describe, expect, it } from "vitest";
import { DEFAULT_COST_LIMITS } from "../../src/config.js";
import { checkJobCost } from "../../src/training/cost-limits.js";
import { costOf, TINY } from "./cost-fixtures.js";

describe("checkJobCost", () => {
  it("refuses work over the limit naming the estimate, the limit and the driving fields", () => {
    const cost = costOf(TINY);
    expect(() => checkJobCost(cost, { maxJobWork: 540_000, maxJobMemoryMb: 1 })).toThrow(
      expect.objectContaining({
        code: "QPLANE_ERR_JOB_TOO_LARGE",
        httpStatus: 422,
        message:
          "spec: the job is too large: estimated work 546816 amplitude-operations is over this " +
          "server's limit of 540000 (QPLANE_MAX_JOB_WORK); driven by model.qubits=2, " +
          "model.layers=1, model.entangler=linear, dataset.samples=8, training.batchSize=4, " +
          "training.epochs=2, training.gradient=adjoint",
      }),
    );
    expect(() => checkJobCost(cost, { maxJobWork: 546_816, maxJobMemoryMb: 1 })).not.toThrow();
  });

  it("refuses the issue's maximal spec on both counts at the default limits", () => {
    // the default linear encoding: 20 ry(φ) + 20 × (ry, rz) + 190 cx = 250 gates a layer,
    // 50 000 in all; (50 000 + 1)·(2²⁰ + 64) per row × (4 · 75 000 + 100 000) rows an epoch
    // × 1000 epochs = 2.097e19 (the W·x + b and overheads are below the third digit)
    const cost = costOf({
      dataset: { name: "moons", samples: 100_000 },
      model: { qubits: 20, layers: 200, entangler: "full" },
      training: { batchSize: 100_000, epochs: 1000 },
    });
    expect(() => checkJobCost(cost, DEFAULT_COST_LIMITS)).toThrow(
      /^spec: the job is too large: estimated work 2\.10e\+19 amplitude-operations is over this server's limit of 4\.32e\+12 \(QPLANE_MAX_JOB_WORK\); estimated peak memory \d+ MiB is over this server's limit of 4096 MiB \(QPLANE_MAX_JOB_MEMORY_MB\); driven by model\.qubits=20, model\.layers=200, model\.entangler=full, dataset\.samples=100000, training\.batchSize=100000, training\.epochs=1000, training\.gradient=adjoint$/,
    );
  });

  it("admits the default spec on 100 000 samples at the default limits", () => {
    const cost = costOf({ dataset: { name: "moons", samples: 100_000 } });
    expect(() => checkJobCost(cost, DEFAULT_COST_LIMITS)).not.toThrow();
  });
});
