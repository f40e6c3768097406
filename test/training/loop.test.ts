import { describe, expect, it } from "vitest";
import { type TrainingCheckpoint, trainModel } from "../../src/training/loop.js";
import { evaluateEachSplit, type TrainableModel } from "../../src/training/model.js";
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
    evaluateSplits(weights, requests, options) {
      return evaluateEachSplit(this, weights, requests, options);
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

describe("learning-rate schedules in the training loop", () => {
  const scheduled = (
    optimizer: "sgd" | "adam",
    mode: "off" | "lr",
    training: Record<string, unknown>,
  ) =>
    parseJobSpec({
      dataset: { name: "moons" },
      training: { epochs: 20, batchSize: 4, optimizer, learningRate: 0.05, ...training },
      feedback: { mode, alpha: 2, target: 0.25 },
    });

  it("replays all-ones multipliers bit-identically to a constant run, and all-c ones as η₀·c", async () => {
    for (const mode of ["off", "lr"] as const) {
      const constant = await trainModel(scheduled("adam", mode, {}), data, quadraticModel());
      const ones = await trainModel(
        scheduled("adam", mode, { schedule: "replay", replay: [1, 1, 1] }),
        data,
        quadraticModel(),
      );
      expect(Array.from(ones.weights)).toEqual(Array.from(constant.weights));
      expect(withoutTimes(ones.records)).toEqual(withoutTimes(constant.records));
      const c = 0.3;
      const atScaledRate = await trainModel(
        scheduled("adam", mode, { learningRate: 0.05 * c }),
        data,
        quadraticModel(),
      );
      const byReplay = await trainModel(
        scheduled("adam", mode, { schedule: "replay", replay: new Array(40).fill(c) }),
        data,
        quadraticModel(),
      );
      expect(Array.from(byReplay.weights)).toEqual(Array.from(atScaledRate.weights));
      // and the replay really changed the run
      expect(byReplay.weights[0]).not.toBe(constant.weights[0]);
    }
  });

  it("records the scheduled rate × the feedback factor, and the mean rate per epoch and run", async () => {
    const result = await trainModel(
      scheduled("sgd", "lr", { schedule: "step", stepEvery: 1, stepGamma: 0.5, epochs: 6 }),
      data,
      quadraticModel(),
    );
    for (const record of result.records) {
      // measured once per epoch, so both steps of an epoch run at the same rate
      const expected = 0.05 * 0.5 ** (record.epoch - 1) * (1 + 2 * record.compressionPenalty);
      expect(record.learningRate).toBe(expected);
      expect(record.meanLearningRate).toBe(expected);
      expect(record.compressionPenalty).toBeGreaterThan(0);
    }
    const perEpoch = result.records.map((record) => record.meanLearningRate!);
    expect(result.summary.meanLearningRate).toBeCloseTo(
      perEpoch.reduce((sum, rate) => sum + rate, 0) / perEpoch.length,
      15,
    );
    // cosine without feedback: the first epoch's last step is t = 1 of T = 20 × 2
    const cosine = await trainModel(
      scheduled("sgd", "off", { schedule: "cosine" }),
      data,
      quadraticModel(),
    );
    const first = cosine.records[0]!;
    expect(first.learningRate).toBe(0.05 * (0.5 * (1 + Math.cos(Math.PI / 40))));
    expect(first.meanLearningRate).toBe((0.05 + 0.05 * (0.5 * (1 + Math.cos(Math.PI / 40)))) / 2);
    expect(cosine.records.at(-1)!.learningRate).toBe(
      0.05 * (0.5 * (1 + Math.cos((39 * Math.PI) / 40))),
    );
    // Σ_{t<T} ½(1 + cos(πt/T)) = T/2 + ½ (the cosines cancel in pairs but for t = 0)
    expect(cosine.summary.meanLearningRate).toBeCloseTo(0.05 * (0.5 + 1 / 80), 15);
    expect(cosine.summary.feedbackReachability).toBeNull();
    expect(cosine.summary.feedbackReachable).toBeUndefined();
  });

  it("summarises feedback reachability as min L_comp ÷ first L_comp", async () => {
    const result = await trainModel(scheduled("sgd", "lr", {}), data, quadraticModel());
    const penalties = result.records.map((record) => record.compressionPenalty);
    const reachability = Math.min(...penalties) / penalties[0]!;
    expect(result.summary.feedbackReachability).toBe(reachability);
    expect(result.summary.feedbackReachable).toBe(reachability < 0.5);
  });

  it("rebuilds the dose and reachability from the records of a checkpoint that lacks them", async () => {
    const full = await trainModel(scheduled("sgd", "lr", { epochs: 6 }), data, quadraticModel());
    // a completed run hands back its last epoch checkpoint
    const { checkpoint } = await trainModel(
      scheduled("sgd", "lr", { epochs: 3 }),
      data,
      quadraticModel(),
    );
    const { penalty, target } = checkpoint.feedback;
    const old = { ...checkpoint, feedback: { penalty, target } }; // as stored before
    const resumed = await trainModel(
      scheduled("sgd", "lr", { epochs: 6 }),
      data,
      quadraticModel(),
      { resumeFrom: old },
    );
    expect(Array.from(resumed.weights)).toEqual(Array.from(full.weights));
    expect(resumed.summary.meanLearningRate).toBeCloseTo(full.summary.meanLearningRate!, 15);
    expect(resumed.summary.feedbackReachability).toBe(full.summary.feedbackReachability);
  });

  it("resumes a cosine run from an epoch checkpoint with exactly the uninterrupted result", async () => {
    const cosineSpec = scheduled("adam", "lr", {
      schedule: "cosine",
      minLearningRateFactor: 0.1,
      epochs: 6,
    });
    const full = await trainModel(cosineSpec, data, quadraticModel());
    // interrupt the same 6-epoch run after its third epoch (T is the planned step count)
    const controller = new AbortController();
    let third: TrainingCheckpoint | undefined;
    const stopped = await trainModel(cosineSpec, data, quadraticModel(), {
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === "checkpoint" && event.checkpoint.epoch === 3) {
          third = event.checkpoint;
          controller.abort();
        }
      },
    });
    expect(stopped.status).toBe("cancelled");
    expect(stopped.records).toHaveLength(3);
    const resumed = await trainModel(cosineSpec, data, quadraticModel(), {
      resumeFrom: JSON.parse(JSON.stringify(third)),
    });
    expect(Array.from(resumed.weights)).toEqual(Array.from(full.weights));
    expect(withoutTimes(resumed.records)).toEqual(withoutTimes(full.records));
    const { elapsedMs: _a, ...resumedSummary } = resumed.summary;
    const { elapsedMs: _b, ...fullSummary } = full.summary;
    expect(resumedSummary).toEqual(fullSummary);
    expect(fullSummary.meanLearningRate).toBeGreaterThan(0);
    // the rates fell along the cosine: the last epoch's below the first's
    expect(
      full.records.at(-1)!.meanLearningRate! / full.records[0]!.meanLearningRate!,
    ).toBeLessThan(1);
  });
});

describe("the learning-rate dose of loss mode", () => {
  it("under SGD equals lr mode's (a scaled gradient is a scaled rate); under Adam it is η", async () => {
    const { runTraining } = await import("../local-backend.js");
    const base = {
      dataset: { name: "moons", samples: 60 },
      model: { qubits: 2, layers: 1 },
      training: { epochs: 3, optimizer: "sgd", learningRate: 0.1 },
      feedback: { alpha: 3 },
    } as const;
    const loss = await runTraining({ ...base, feedback: { ...base.feedback, mode: "loss" } });
    const lr = await runTraining({ ...base, feedback: { ...base.feedback, mode: "lr" } });
    // same weights under SGD, so the same dose, above η₀ (the factor 1 + α·L_comp > 1)
    expect(loss.result.summary.meanLearningRate).toBeCloseTo(
      lr.result.summary.meanLearningRate!,
      12,
    );
    expect(loss.result.summary.meanLearningRate!).toBeGreaterThan(0.1);
    const adam = await runTraining({
      ...base,
      training: { ...base.training, optimizer: "adam" },
      feedback: { ...base.feedback, mode: "loss" },
    });
    expect(adam.result.summary.meanLearningRate).toBeCloseTo(0.1, 15);
  });
});
