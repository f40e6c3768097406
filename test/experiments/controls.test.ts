import { describe, expect, it } from "vitest";
import { QplaneError } from "../../src/errors/catalogue.js";
import {
  doseMatchedSpec,
  placeboDonorIndex,
  placeboSpec,
  planControlArms,
  replayMultipliers,
} from "../../src/experiments/controls.js";
import { planExperiment } from "../../src/experiments/grid.js";
import type { EpochRecord } from "../../src/training/records.js";
import { type JobSpec, jobSpecSchema } from "../../src/training/spec.js";
import { runTraining } from "../local-backend.js";

const base: JobSpec = jobSpecSchema.parse({
  dataset: { name: "moons", samples: 40 },
  model: {
    qubits: 2,
    layers: 1,
    encoding: "fixed",
    scaling: "minmax",
    classMap: "modulo",
  },
  training: { epochs: 2, schedule: "constant" },
  feedback: { mode: "lr", alpha: 1 },
});

describe("planControlArms", () => {
  const plan = (grid: Record<string, (string | number)[]>, spec: JobSpec = base) =>
    planExperiment(spec, grid, { maxJobs: 100 });

  it("derives one arm per control from every feedback arm", () => {
    const controls = planControlArms(
      plan({ "feedback.mode": ["off", "lr", "loss"], "training.seed": [1, 2, 3] }),
      ["dose-matched", "placebo"],
      true,
    );
    expect(controls.map((control) => [control.key, control.sourceArmIndex])).toEqual([
      ["feedback.mode=lr / dose-matched", 1],
      ["feedback.mode=lr / placebo", 1],
      ["feedback.mode=loss / dose-matched", 2],
      ["feedback.mode=loss / placebo", 2],
    ]);
    expect(controls[0]!.control).toEqual({ kind: "dose-matched", of: "feedback.mode=lr" });
    expect(controls[0]!.values).toEqual({ "feedback.mode": "lr" });
  });

  it("refuses controls without a feedback arm, a placebo with one seed, a repeated control", () => {
    const offOnly = { ...base, feedback: { ...base.feedback, mode: "off" as const } };
    expect(() =>
      planControlArms(plan({ "training.seed": [1, 2] }, offOnly), ["dose-matched"], true),
    ).toThrow(
      /^controls: \["dose-matched"\] are derived from feedback arms, but every arm has feedback\.mode "off"/,
    );
    expect(() => planControlArms(plan({ "feedback.alpha": [1, 2] }), ["placebo"], true)).toThrow(
      `controls: "placebo" replays ANOTHER seed's learning-rate trajectory, so the grid needs at least 2 values of training.seed (got 1)`,
    );
    expect(() =>
      planControlArms(plan({ "training.seed": [1, 2] }), ["placebo", "placebo"], true),
    ).toThrow(`controls[1]: repeats "placebo"`);
    expect(planControlArms(plan({ "training.seed": [1, 2] }), [], true)).toEqual([]);
  });

  it("refuses controls without compare: nothing would compare them", () => {
    const grid = plan({ "feedback.mode": ["off", "lr"], "training.seed": [1, 2] });
    let thrown: unknown;
    try {
      planControlArms(grid, ["placebo"], false);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(QplaneError);
    expect(thrown).toMatchObject({
      code: "QPLANE_ERR_GRID_INVALID",
      message: 'controls: ["placebo"] are compared with the baseline arm: give compare.baseline',
    });
    // no controls asked: no compare needed
    expect(planControlArms(grid, [], false)).toEqual([]);
  });
});

describe("control specs", () => {
  it("placebo seed i replays seed i+1, cyclically", () => {
    expect([0, 1, 2].map((index) => placeboDonorIndex(index, 3))).toEqual([1, 2, 0]);
  });

  it("replays per-epoch mean rates ÷ η₀, repeated for each epoch's steps", () => {
    const records = [
      { epoch: 1, step: 3, meanLearningRate: 0.125 },
      { epoch: 2, step: 5, meanLearningRate: 0.1875 },
    ] as EpochRecord[];
    expect(replayMultipliers(records, 0.0625)).toEqual([2, 2, 2, 3, 3]);
    expect(() => replayMultipliers([{ epoch: 1 } as EpochRecord], 0.05)).toThrow(
      /epoch 1 record has no step or meanLearningRate/,
    );
  });

  it("dose-matched trains at the feedback run's mean rate; placebo replays the donor's rates", async () => {
    const feedbackSeed1 = { ...base, training: { ...base.training, seed: 1 } };
    const feedbackSeed2 = { ...base, training: { ...base.training, seed: 2 } };
    const { result: run1 } = await runTraining(feedbackSeed1);
    const { result: run2 } = await runTraining(feedbackSeed2);
    // feedback steered the rate away from η₀ = 0.05
    expect(run1.summary.meanLearningRate).not.toBe(0.05);

    const dose = doseMatchedSpec(feedbackSeed1, run1.summary);
    expect(dose.training.learningRate).toBe(run1.summary.meanLearningRate);
    expect(dose.training.schedule).toBe("constant");
    expect(dose.feedback.mode).toBe("off");
    expect(dose.training.seed).toBe(1);
    const { result: doseRun } = await runTraining(dose);
    expect(doseRun.summary.meanLearningRate).toBeCloseTo(run1.summary.meanLearningRate!, 15);

    // seed 1's placebo takes seed 2's trajectory: per step, its rate is seed 2's
    const placebo = placeboSpec(feedbackSeed1, feedbackSeed2, run2.records);
    expect(placebo.training.schedule).toBe("replay");
    expect(placebo.training.seed).toBe(1);
    expect(placebo.feedback.mode).toBe("off");
    const stepsPerEpoch = run2.records[0]!.step!;
    expect(placebo.training.replay).toHaveLength(run2.records.at(-1)!.step!);
    expect(placebo.training.replay![0]).toBe(run2.records[0]!.meanLearningRate! / 0.05);
    expect(placebo.training.replay![stepsPerEpoch]).toBe(run2.records[1]!.meanLearningRate! / 0.05);
    const { result: placeboRun } = await runTraining(placebo);
    placeboRun.records.forEach((placeboRecord, index) => {
      expect(placeboRecord.meanLearningRate).toBeCloseTo(
        run2.records[index]!.meanLearningRate!,
        15,
      );
      expect(placeboRecord.compressionTarget).toBeNull();
    });
  });

  it("placebo replays the donor's trajectory relative to the DONOR's η₀, on the recipient's η₀", () => {
    // the donor (seed 2) selected η₀ = 0.1 and ran at 0.2 then 0.05; the recipient selected 0.05
    const donor = jobSpecSchema.parse({
      ...base,
      training: { ...base.training, seed: 2, learningRate: 0.1 },
    });
    const recipient = jobSpecSchema.parse({
      ...base,
      training: { ...base.training, seed: 1, learningRate: 0.05 },
    });
    const records = [
      { epoch: 1, step: 2, meanLearningRate: 0.2 },
      { epoch: 2, step: 3, meanLearningRate: 0.05 },
    ] as EpochRecord[];
    const placebo = placeboSpec(recipient, donor, records);
    expect(placebo.training.replay).toEqual([2, 2, 0.5]);
    expect(placebo.training.learningRate).toBe(0.05);
    expect(() => placeboSpec(recipient, donor, [{ epoch: 1 } as EpochRecord])).toThrow(
      "controls: placebo: the donor run's epoch 1 record has no step or meanLearningRate (stored before they existed)",
    );
  });

  it("drops the feedback run's own schedule fields", () => {
    const cosine = jobSpecSchema.parse({
      ...base,
      training: { ...base.training, schedule: "cosine", minLearningRateFactor: 0.1 },
    });
    const dose = doseMatchedSpec(cosine, {
      epochs: 2,
      task: "classification",
      finalIxt: 0,
      finalIty: 0,
      circuitEvaluations: 0,
      elapsedMs: 0,
      meanLearningRate: 0.0375,
    });
    expect(dose.training.minLearningRateFactor).toBeUndefined();
    expect(dose.training).toMatchObject({ schedule: "constant", learningRate: 0.0375 });
    expect(() =>
      doseMatchedSpec(cosine, {
        epochs: 0,
        task: "classification",
        finalIxt: 0,
        finalIty: 0,
        circuitEvaluations: 0,
        elapsedMs: 0,
        meanLearningRate: Number.NaN,
      }),
    ).toThrow(
      "controls: dose-matched (seed 1): the feedback run reported no mean learning rate (got NaN)",
    );
  });
});
