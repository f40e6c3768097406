import { describe, expect, it } from "vitest";
import { type TrainingCheckpoint, trainModel } from "../../src/training/loop.js";
import type { TrainableModel } from "../../src/training/model.js";
import type { EpochRecord } from "../../src/training/records.js";
import { parseJobSpec } from "../../src/training/spec.js";
import { ALTERNATING_DATA } from "../helpers/prepared-data.js";

const CENTRE = [0.7, -0.4];

/**
 * A transparent model: L = ½‖w − c‖² on every batch (gradient w − c), and a representation
 * whose I(X;T) is |w₀| bits, so the compression penalty moves as training moves w₀.
 */
function quadraticModel(): TrainableModel {
  return {
    kind: "mlp",
    weightCount: 2,
    representationBits: 2,
    initialWeights: (rng) => Float64Array.from([rng.nextFloat() * 4 - 2, rng.nextFloat() * 4 - 2]),
    async lossAndGradient(weights, _split, _batch, gradient) {
      let loss = 0;
      for (let k = 0; k < 2; k++) {
        gradient[k] = weights[k]! - CENTRE[k]!;
        loss += 0.5 * gradient[k]! ** 2;
      }
      return { loss, circuitEvaluations: 0 };
    },
    async evaluate(weights, _split, indices, options) {
      const loss = 0.5 * ((weights[0]! - CENTRE[0]!) ** 2 + (weights[1]! - CENTRE[1]!) ** 2);
      const information = options.information
        ? {
            ixt: Math.abs(weights[0]!),
            ity: 0.1,
            ht: Math.abs(weights[0]!),
            hy: 1,
            estimator: "exact" as const,
            shots: 0,
          }
        : undefined;
      return { loss, accuracy: 0.5, information, circuitEvaluations: indices?.length ?? 8 };
    },
  };
}

const data = ALTERNATING_DATA;

function spec(
  optimizer: "sgd" | "adam",
  mode: "off" | "loss" | "lr",
  extra: Record<string, unknown> = {},
) {
  return parseJobSpec({
    dataset: { name: "moons" },
    training: { epochs: 20, batchSize: 4, optimizer, learningRate: 0.05, ...extra },
    feedback: { mode, alpha: 2, target: 0.25 },
  });
}

const withoutTimes = (records: readonly EpochRecord[]) =>
  records.map(({ elapsedMs: _, ...rest }) => rest);

describe("compression-gnostic feedback in the training loop", () => {
  it("gives the same weights in loss and lr modes for plain gradient descent (to 1e-12)", async () => {
    const byLoss = await trainModel(spec("sgd", "loss"), data, quadraticModel());
    const byRate = await trainModel(spec("sgd", "lr"), data, quadraticModel());
    const baseline = await trainModel(spec("sgd", "off"), data, quadraticModel());
    for (let k = 0; k < 2; k++)
      expect(Math.abs(byLoss.weights[k]! - byRate.weights[k]!)).toBeLessThan(1e-12);
    // and the feedback really acted: the trajectory differs from the baseline
    expect(Math.abs(byLoss.weights[0]! - baseline.weights[0]!)).toBeGreaterThan(1e-3);
    // lr mode reports the scaled rate η₀(1 + α·L_comp), loss mode the base rate
    const last = byRate.records.at(-1)!;
    expect(last.learningRate).toBeCloseTo(0.05 * (1 + 2 * last.compressionPenalty), 15);
    expect(byLoss.records.at(-1)!.learningRate).toBe(0.05);
  });

  it("gives different weights under Adam, which is invariant to a constant loss scale", async () => {
    const byLoss = await trainModel(spec("adam", "loss"), data, quadraticModel());
    const byRate = await trainModel(spec("adam", "lr"), data, quadraticModel());
    expect(Math.abs(byLoss.weights[0]! - byRate.weights[0]!)).toBeGreaterThan(1e-4);
  });

  it("measures L_comp = |I(X;T) − I*| against the stated target and records α and I*", async () => {
    const result = await trainModel(spec("sgd", "loss"), data, quadraticModel());
    const first = result.records[0]!;
    expect(first.compressionTarget).toBe(0.25);
    expect(first.alpha).toBe(2);
    // penalty of the last step of an epoch is measured at that epoch's start: w₀ before the epoch
    const checkpoints = result.records.map((r) => r.compressionPenalty);
    expect(checkpoints.every((p) => p >= 0)).toBe(true);
    const baseline = await trainModel(spec("sgd", "off"), data, quadraticModel());
    expect(
      baseline.records.every((r) => r.compressionPenalty === 0 && r.compressionTarget === null),
    ).toBe(true);
  });

  it("aims at the current I(T;Y) with target relevance, and measures every k steps when asked", async () => {
    const model = quadraticModel();
    let probes = 0;
    const counting: TrainableModel = {
      ...model,
      evaluate: (weights, split, indices, options) => {
        if (indices !== null) probes++;
        return model.evaluate(weights, split, indices, options);
      },
    };
    const relevance = parseJobSpec({
      dataset: { name: "moons" },
      training: { epochs: 3, batchSize: 4 },
      feedback: { mode: "loss", target: "relevance", every: 1 },
    });
    const result = await trainModel(relevance, data, counting);
    expect(result.records.every((r) => r.compressionTarget === 0.1)).toBe(true);
    expect(probes).toBe(3 * 2); // 2 steps per epoch, measured before each
    probes = 0;
    await trainModel(spec("sgd", "loss", { epochs: 3 }), data, counting);
    expect(probes).toBe(3); // default: once per epoch
  });

  it("resumes from an epoch checkpoint with exactly the uninterrupted result", async () => {
    const full = await trainModel(spec("adam", "lr", { epochs: 6 }), data, quadraticModel());
    const checkpoints: TrainingCheckpoint[] = [];
    await trainModel(spec("adam", "lr", { epochs: 3 }), data, quadraticModel(), {
      onEvent: (event) => {
        if (event.type === "checkpoint") checkpoints.push(event.checkpoint);
      },
    });
    expect(checkpoints.map((c) => c.epoch)).toEqual([1, 2, 3]);
    const resumed = await trainModel(spec("adam", "lr", { epochs: 6 }), data, quadraticModel(), {
      resumeFrom: JSON.parse(JSON.stringify(checkpoints[2])),
    });
    expect(Array.from(resumed.weights)).toEqual(Array.from(full.weights));
    expect(withoutTimes(resumed.records)).toEqual(withoutTimes(full.records));
  });

  it("stops within one step when cancelled, handing back the last epoch checkpoint", async () => {
    const controller = new AbortController();
    let steps = 0;
    const result = await trainModel(spec("sgd", "off"), data, quadraticModel(), {
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === "step" && ++steps === 3) controller.abort();
      },
    });
    expect(result.status).toBe("cancelled");
    expect(result.records).toHaveLength(1);
    expect(result.checkpoint.epoch).toBe(1);
    expect(steps).toBe(3);
  });
});
