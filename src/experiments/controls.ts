/**
 * Controls of an experiment (`controls: ["dose-matched", "placebo"]`), derived per seed from
 * every feedback arm (feedback.mode ≠ "off") once that seed's feedback run has finished:
 *
 * - dose-matched: the feedback run's spec with feedback off and a CONSTANT learning rate equal
 *   to that run's mean effective rate (summary.meanLearningRate): the same dose, no steering.
 * - placebo: feedback off, training.schedule "replay" with ANOTHER seed's learning-rate
 *   trajectory of the same arm (seed i of the arm's replicate list takes seed i+1's,
 *   cyclically): the same kind of rate wiggles, uncoupled from this run's information plane.
 *
 * The replay sequence is built from the donor's per-epoch records: each epoch's
 * meanLearningRate ÷ the DONOR's η₀, repeated for that epoch's steps (the difference of
 * cumulative `step`): the donor's trajectory shape, applied to the recipient's own η₀ (tuned
 * or inheriting arms may select a different η₀ per seed). When the donor took fewer steps than
 * the recipient takes (another selected epochs or batch size), steps past the end replay the
 * last multiplier; extra donor steps are never reached. The loop does not record per-step rates; with feedback measured once per epoch
 * (feedback.every "epoch", the default) and a constant schedule the rate is the same on every
 * step of an epoch, so this IS the donor's per-step trajectory (to rounding); with
 * feedback.every = k steps or a non-constant schedule it is its per-epoch average.
 */
import { QplaneError } from "../errors/catalogue.js";
import type { EpochRecord, RunSummary } from "../training/records.js";
import { describeSpecIssues, type JobSpec, jobSpecSchema } from "../training/spec.js";
import { type ExperimentPlan, gridError } from "./grid.js";
import type { ArmIdentity, ControlName } from "./types.js";

/** A control arm to derive: which control, from which arm of the plan. */
export interface ControlArmPlan extends ArmIdentity {
  readonly control: { readonly kind: ControlName; readonly of: string };
  /** Index of the feedback arm in the plan. */
  readonly sourceArmIndex: number;
}

/** `<arm> / dose-matched`. */
export function controlArmKey(armKey: string, kind: ControlName): string {
  return `${armKey} / ${kind}`;
}

/**
 * The control arms of a plan: per feedback arm, one per requested control (in the order
 * given). Throws QPLANE_ERR_GRID_INVALID naming `controls` when there is no `compare` to
 * compare them in (`compareGiven`), a control repeats, no arm has feedback on, or a placebo
 * has fewer than two seeds to swap trajectories between.
 */
export function planControlArms(
  plan: ExperimentPlan,
  controls: readonly ControlName[],
  compareGiven: boolean,
): ControlArmPlan[] {
  if (controls.length === 0) return [];
  // a control only means something paired with the arm it controls for (see comparisons.ts)
  if (!compareGiven) {
    throw gridError(
      `controls: ${JSON.stringify(controls)} are compared with the baseline arm: give compare.baseline`,
    );
  }
  controls.forEach((kind, index) => {
    if (controls.indexOf(kind) !== index) {
      throw gridError(`controls[${index}]: repeats "${kind}"`);
    }
  });
  const feedbackArms = plan.arms.flatMap((arm, armIndex) => {
    const first = plan.children.find((child) => child.armIndex === armIndex);
    return first !== undefined && first.spec.feedback.mode !== "off" ? [{ arm, armIndex }] : [];
  });
  const firstFeedbackArm = feedbackArms[0];
  if (firstFeedbackArm === undefined) {
    throw gridError(
      `controls: ${JSON.stringify(controls)} are derived from feedback arms, but every arm has feedback.mode "off" (vary feedback.mode in the grid or set it in the spec)`,
    );
  }
  const seeds = plan.children.filter((child) => child.armIndex === firstFeedbackArm.armIndex);
  if (controls.includes("placebo") && seeds.length < 2) {
    throw gridError(
      `controls: "placebo" replays ANOTHER seed's learning-rate trajectory, so the grid needs at least 2 values of ${plan.replicateField} (got ${seeds.length})`,
    );
  }
  return feedbackArms.flatMap(({ arm, armIndex }) =>
    controls.map((kind) => ({
      key: controlArmKey(arm.key, kind),
      values: arm.values,
      metric: arm.metric,
      control: { kind, of: arm.key },
      sourceArmIndex: armIndex,
    })),
  );
}

/** The replicate whose trajectory replicate `index` of `count` replays: the next, cyclically. */
export function placeboDonorIndex(index: number, count: number): number {
  return (index + 1) % count;
}

function controlSpec(spec: JobSpec, training: Record<string, unknown>, what: string): JobSpec {
  const { minLearningRateFactor, stepEvery, stepGamma, replay, ...rest } = spec.training;
  const candidate = {
    ...spec,
    training: { ...rest, ...training },
    feedback: { ...spec.feedback, mode: "off" },
  };
  const parsed = jobSpecSchema.safeParse(candidate);
  if (!parsed.success) {
    throw new QplaneError(
      "QPLANE_ERR_SPEC_INVALID",
      `controls: ${what}: ${describeSpecIssues(parsed.error, candidate)}`,
    );
  }
  return parsed.data;
}

/**
 * The dose-matched control of a finished feedback run: feedback off, constant schedule at the
 * run's mean effective learning rate. Throws when the summary has no finite mean rate.
 */
export function doseMatchedSpec(spec: JobSpec, summary: RunSummary): JobSpec {
  const rate = summary.meanLearningRate;
  if (rate === undefined || !Number.isFinite(rate) || rate <= 0) {
    throw new QplaneError(
      "QPLANE_ERR_SPEC_INVALID",
      `controls: dose-matched (seed ${spec.training.seed}): the feedback run reported no mean learning rate (got ${rate})`,
    );
  }
  return controlSpec(
    spec,
    { schedule: "constant", learningRate: rate },
    `dose-matched (seed ${spec.training.seed})`,
  );
}

/**
 * A finished run's learning-rate trajectory as per-step multipliers of its own η₀
 * (`learningRate`): per epoch its meanLearningRate ÷ η₀, repeated for the epoch's steps (see
 * the module header).
 */
export function replayMultipliers(records: readonly EpochRecord[], learningRate: number): number[] {
  const multipliers: number[] = [];
  let previousStep = 0;
  for (const record of records) {
    if (record.step === undefined || record.meanLearningRate === undefined) {
      throw new QplaneError(
        "QPLANE_ERR_SPEC_INVALID",
        `controls: placebo: the donor run's epoch ${record.epoch} record has no step or meanLearningRate (stored before they existed)`,
      );
    }
    const factor = record.meanLearningRate / learningRate;
    for (let step = previousStep; step < record.step; step++) multipliers.push(factor);
    previousStep = record.step;
  }
  if (multipliers.length === 0) {
    throw new QplaneError(
      "QPLANE_ERR_SPEC_INVALID",
      "controls: placebo: the donor run took no optimisation step",
    );
  }
  return multipliers;
}

/**
 * The placebo control of a feedback run (`spec`): feedback off, `replay` of the donor run's
 * (another seed of the same arm, `donorSpec`) learning-rate trajectory as multipliers of the
 * donor's η₀, applied to this run's η₀.
 */
export function placeboSpec(
  spec: JobSpec,
  donorSpec: JobSpec,
  donorRecords: readonly EpochRecord[],
): JobSpec {
  return controlSpec(
    spec,
    {
      schedule: "replay",
      replay: replayMultipliers(donorRecords, donorSpec.training.learningRate),
    },
    `placebo (seed ${spec.training.seed}, replaying seed ${donorSpec.training.seed})`,
  );
}
