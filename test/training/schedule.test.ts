/**
 * Learning-rate schedules (training.schedule), the spec rules of their fields, the
 * reachability figure of feedback, and the refusal of an unreachable label-entropy target.
 */
import { describe, expect, it } from "vitest";
import { QplaneError } from "../../src/errors/catalogue.js";
import { checkTargetReachable, feedbackReach } from "../../src/training/feedback.js";
import { labelEntropyBits } from "../../src/training/information.js";
import { prepareData } from "../../src/training/prepare.js";
import {
  MAX_REPLAY_STEPS,
  type ScheduleSettings,
  scheduledLearningRate,
  scheduleFactor,
} from "../../src/training/schedule.js";
import { parseJobSpec } from "../../src/training/spec.js";
import { prepareRun } from "../local-backend.js";

const at = (step: number, epoch = 0, stepsPerEpoch = 5, epochs = 2) => ({
  step,
  epoch,
  stepsPerEpoch,
  epochs,
});

describe("scheduleFactor", () => {
  it("is exactly 1 for constant, so η₀ is unchanged to the bit", () => {
    const constant: ScheduleSettings = { schedule: "constant" };
    for (const step of [0, 1, 7, 1e6]) expect(scheduleFactor(constant, at(step, 3))).toBe(1);
    expect(scheduledLearningRate({ ...constant, learningRate: 0.1 }, at(3))).toBe(0.1);
  });

  it("follows ½(1 + cos(π·t/T)) over T = epochs × steps per epoch for cosine", () => {
    const cosine: ScheduleSettings = { schedule: "cosine" };
    // T = 2 × 5 = 10
    expect(scheduleFactor(cosine, at(0))).toBe(1);
    expect(scheduleFactor(cosine, at(5, 1))).toBe(0.5);
    expect(scheduleFactor(cosine, at(10, 2))).toBe(0);
    expect(scheduleFactor(cosine, at(1))).toBeCloseTo(0.975528258147577, 15); // ½(1 + cos 18°)
    expect(scheduleFactor(cosine, at(9, 1))).toBeCloseTo(0.024471741852423234, 15);
    // the floor m: m + (1 − m)·½(1 + cos)
    const floored: ScheduleSettings = { schedule: "cosine", minLearningRateFactor: 0.25 };
    expect(scheduleFactor(floored, at(0))).toBe(1);
    expect(scheduleFactor(floored, at(5, 1))).toBe(0.625);
    expect(scheduleFactor(floored, at(10, 2))).toBe(0.25);
    expect(scheduledLearningRate({ ...floored, learningRate: 0.08 }, at(5, 1))).toBe(0.05);
  });

  it("drops by γ every k epochs for step (defaults k = 10, γ = 0.1)", () => {
    const byDefault: ScheduleSettings = { schedule: "step" };
    expect(scheduleFactor(byDefault, at(0, 0))).toBe(1);
    expect(scheduleFactor(byDefault, at(99, 9))).toBe(1);
    expect(scheduleFactor(byDefault, at(100, 10))).toBe(0.1);
    expect(scheduleFactor(byDefault, at(250, 25))).toBe(0.1 ** 2);
    const halving: ScheduleSettings = { schedule: "step", stepEvery: 3, stepGamma: 0.5 };
    expect([0, 1, 2, 3, 5, 6, 9].map((epoch) => scheduleFactor(halving, at(0, epoch)))).toEqual([
      1, 1, 1, 0.5, 0.5, 0.25, 0.125,
    ]);
  });

  it("reads the step's entry for replay, and the last entry past its end", () => {
    const replay: ScheduleSettings = { schedule: "replay", replay: [2, 0.5, 3] };
    expect([0, 1, 2, 3, 1000].map((step) => scheduleFactor(replay, at(step)))).toEqual([
      2, 0.5, 3, 3, 3,
    ]);
    expect(scheduledLearningRate({ ...replay, learningRate: 0.25 }, at(1))).toBe(0.125);
  });
});

describe("training.schedule in the spec", () => {
  const withTraining = (training: Record<string, unknown>) => () =>
    parseJobSpec({ dataset: { name: "moons" }, training });
  const refusal = (training: Record<string, unknown>): string => {
    try {
      withTraining(training)();
    } catch (error) {
      expect(error).toBeInstanceOf(QplaneError);
      expect((error as QplaneError).code).toBe("QPLANE_ERR_SPEC_INVALID");
      return (error as QplaneError).message;
    }
    throw new Error("the spec was accepted");
  };

  it("defaults to constant and adds no other field", () => {
    const { training } = parseJobSpec({ dataset: { name: "moons" } });
    expect(training.schedule).toBe("constant");
    for (const field of ["minLearningRateFactor", "stepEvery", "stepGamma", "replay"]) {
      expect(field in training).toBe(false);
    }
  });

  it("refuses replay without its array, and the array without replay, naming the field", () => {
    expect(refusal({ schedule: "replay" })).toMatch(
      /^spec\.training\.replay: is required with training\.schedule "replay"/,
    );
    expect(refusal({ replay: [1, 2] })).toMatch(
      /^spec\.training\.replay: only applies with training\.schedule "replay"/,
    );
    expect(withTraining({ schedule: "replay", replay: [1, 2] })().training.replay).toEqual([1, 2]);
  });

  it("refuses fields of another schedule, naming each", () => {
    expect(refusal({ schedule: "cosine", stepEvery: 5 })).toMatch(
      /^spec\.training\.stepEvery: only applies with training\.schedule "step"/,
    );
    expect(refusal({ stepGamma: 0.5 })).toMatch(/^spec\.training\.stepGamma: only applies/);
    expect(refusal({ schedule: "step", minLearningRateFactor: 0.1 })).toMatch(
      /^spec\.training\.minLearningRateFactor: only applies with training\.schedule "cosine"/,
    );
  });

  it("refuses non-positive, non-finite and too many replay entries", () => {
    expect(refusal({ schedule: "replay", replay: [1, 0] })).toMatch(/^spec\.training\.replay\.1:/);
    expect(refusal({ schedule: "replay", replay: [1, -2] })).toMatch(/^spec\.training\.replay\.1:/);
    expect(refusal({ schedule: "replay", replay: [Number.POSITIVE_INFINITY] })).toMatch(
      /^spec\.training\.replay\.0: .*\(got Infinity\)/,
    );
    expect(refusal({ schedule: "replay", replay: [] })).toMatch(/^spec\.training\.replay:/);
    const tooLong = new Array<number>(MAX_REPLAY_STEPS + 1).fill(1);
    expect(refusal({ schedule: "replay", replay: tooLong })).toMatch(/^spec\.training\.replay:/);
  });
});

describe("feedbackReach", () => {
  /** The first and the running minimum of a measured L_comp sequence, as the loop keeps them. */
  const fold = (penalties: readonly number[]) =>
    feedbackReach(
      penalties.length === 0 ? null : penalties[0]!,
      penalties.length === 0 ? null : Math.min(...penalties),
    );

  it("is min ÷ first, reachable only below one half", () => {
    expect(fold([2, 1.5, 1.2, 1.6])).toEqual({
      feedbackReachability: 0.6,
      feedbackReachable: false,
    });
    expect(fold([2, 1.5, 0.9, 1.9])).toEqual({
      feedbackReachability: 0.45,
      feedbackReachable: true,
    });
    // exactly one half has not fallen below it
    expect(fold([3, 1.5])).toEqual({ feedbackReachability: 0.5, feedbackReachable: false });
    // L_comp growing: the minimum is the first
    expect(fold([0.4, 0.8, 2])).toEqual({ feedbackReachability: 1, feedbackReachable: false });
  });

  it("has no ratio when the first L_comp is 0 (met from the start) or none was measured", () => {
    expect(fold([0, 0.3])).toEqual({ feedbackReachability: null, feedbackReachable: true });
    expect(fold([])).toEqual({ feedbackReachability: null });
  });
});

describe("an unreachable label-entropy target", () => {
  // sine: 8 equal-frequency target bins (H(Y) ≈ 3 bits); 2 qubits read out |R| = 2 bits
  const regression = (feedback: Record<string, unknown>) => ({
    dataset: { name: "sine", samples: 80 },
    model: { kind: "vqc", qubits: 2, layers: 1, encoding: "fixed", scaling: "minmax" },
    training: { epochs: 1 },
    feedback,
  });

  it("is refused at preparation, naming feedback.target, H(Y) and |R| in bits", () => {
    const spec = regression({ mode: "lr", target: "label-entropy" });
    const data = prepareData(parseJobSpec(spec));
    const hy = labelEntropyBits(data.train.infoLabels, data.infoClasses);
    expect(hy).toBeGreaterThan(2.9);
    let message = "";
    try {
      prepareRun(spec);
    } catch (error) {
      expect((error as QplaneError).code).toBe("QPLANE_ERR_SPEC_INVALID");
      message = (error as QplaneError).message;
    }
    expect(message).toBe(
      `spec.feedback.target: "label-entropy" is unreachable: H(Y) of the training labels is ${hy.toFixed(3)} bits, but the representation register carries at most 2.000 bits (I(X;T) ≤ |R|), so L_comp could never fall; choose a number of bits ≤ 2.000, a larger register (infoPlane.register "all", more readout qubits, or fewer infoPlane.bins for a regression target), or set feedback.allowUnreachableTarget to true`,
    );
  });

  it("is accepted when opted into, with feedback off, or with a number of bits", () => {
    expect(prepareRun(regression({ mode: "lr", allowUnreachableTarget: true })).model).toBeTruthy();
    expect(prepareRun(regression({ mode: "off" })).model.representationBits).toBe(2);
    expect(prepareRun(regression({ mode: "lr", target: 1.5 })).model).toBeTruthy();
  });

  it("compares H(Y) with |R| (within rounding) and ignores other targets", () => {
    const lr = parseJobSpec({ dataset: { name: "moons" }, feedback: { mode: "lr" } }).feedback;
    expect(() => checkTargetReachable(lr, 1, 1)).not.toThrow();
    expect(() => checkTargetReachable(lr, 1 + 1e-12, 1)).not.toThrow();
    expect(() => checkTargetReachable(lr, 1.01, 1)).toThrow(
      /H\(Y\) of the training labels is 1\.010 bits/,
    );
    expect(() => checkTargetReachable({ ...lr, target: "relevance" }, 3, 1)).not.toThrow();
    expect(() => checkTargetReachable({ ...lr, mode: "off" }, 3, 1)).not.toThrow();
    // H(Y) not known yet (admission without the data): left to the run
    expect(() => checkTargetReachable(lr, null, 1)).not.toThrow();
  });
});

describe("an unreachable number of bits as target", () => {
  const lr = parseJobSpec({ dataset: { name: "moons" }, feedback: { mode: "lr" } }).feedback;

  it("is refused above |R|, naming feedback.target and both numbers", () => {
    let message = "";
    try {
      checkTargetReachable({ ...lr, target: 2.5 }, null, 2);
    } catch (error) {
      expect((error as QplaneError).code).toBe("QPLANE_ERR_SPEC_INVALID");
      message = (error as QplaneError).message;
    }
    expect(message).toBe(
      `spec.feedback.target: 2.5 bits is unreachable: the representation register carries at most 2.000 bits (I(X;T) ≤ |R|), so L_comp could never fall; choose a number of bits ≤ 2.000, a larger register (infoPlane.register "all", more readout qubits, or fewer infoPlane.bins for a regression target), or set feedback.allowUnreachableTarget to true`,
    );
  });

  it("is accepted at |R|, when opted into, or with feedback off", () => {
    expect(() => checkTargetReachable({ ...lr, target: 2 }, 3, 2)).not.toThrow();
    expect(() =>
      checkTargetReachable({ ...lr, target: 2.5, allowUnreachableTarget: true }, null, 2),
    ).not.toThrow();
    expect(() => checkTargetReachable({ ...lr, target: 2.5, mode: "off" }, null, 2)).not.toThrow();
  });

  it("is refused at preparation (a derived child's resolved baseline target too)", () => {
    const spec = {
      dataset: { name: "moons", samples: 40 },
      model: { kind: "vqc", qubits: 2, layers: 1 },
      training: { epochs: 1 },
      feedback: { mode: "lr", target: 1.5 },
    };
    expect(() => prepareRun(spec)).toThrow(
      "spec.feedback.target: 1.5 bits is unreachable: the representation register carries at most 1.000 bits",
    );
  });
});
