import { at, present } from "../errors/checked.js";
/**
 * Learning-rate schedules (`training.schedule`): the multiplier of η₀ at each optimisation
 * step, a pure function of the step's position in the run, so a resumed run recomputes the
 * same rates from its step count. Feedback in `lr` mode multiplies the scheduled rate.
 *   constant: 1
 *   cosine:   m + (1 − m)·½(1 + cos(π·t/T)), t = step from 0, T = epochs × steps per epoch
 *   step:     γ^⌊e/k⌋, e = epoch from 0
 *   replay:   r[min(t, len − 1)], a recorded per-step multiplier sequence
 */

export const SCHEDULE_NAMES = ["constant", "cosine", "step", "replay"] as const;
export type ScheduleName = (typeof SCHEDULE_NAMES)[number];

/** The most entries a `replay` sequence may have. */
export const MAX_REPLAY_STEPS = 1_000_000;
/** `cosine`: the floor m as a fraction of η₀ when `minLearningRateFactor` is not set. */
export const DEFAULT_MIN_LEARNING_RATE_FACTOR = 0;
/** `step`: epochs between drops when `stepEvery` is not set. */
export const DEFAULT_STEP_EVERY = 10;
/** `step`: the factor of each drop when `stepGamma` is not set. */
export const DEFAULT_STEP_GAMMA = 0.1;

/** The schedule fields of `spec.training`. */
export interface ScheduleSettings {
  readonly schedule: ScheduleName;
  readonly minLearningRateFactor?: number | undefined;
  readonly stepEvery?: number | undefined;
  readonly stepGamma?: number | undefined;
  readonly replay?: readonly number[] | undefined;
}

/** Where a step sits in the run. */
export interface StepPosition {
  /** Optimisation steps taken before this one (0 for the run's first step). */
  readonly step: number;
  /** 0-based epoch of the step. */
  readonly epoch: number;
  readonly stepsPerEpoch: number;
  /** Planned epochs of the run. */
  readonly epochs: number;
}

/** The fields that belong to one schedule only. */
const FIELDS_OF: Record<string, ScheduleName> = {
  minLearningRateFactor: "cosine",
  stepEvery: "step",
  stepGamma: "step",
  replay: "replay",
};

/** What is wrong with a spec's schedule fields, one problem per field (none: valid). */
export function scheduleFieldProblems(
  settings: ScheduleSettings,
): { readonly field: string; readonly message: string }[] {
  const problems: { field: string; message: string }[] = [];
  for (const [field, owner] of Object.entries(FIELDS_OF)) {
    if (settings[field as keyof ScheduleSettings] !== undefined && settings.schedule !== owner) {
      problems.push({ field, message: `only applies with training.schedule "${owner}"` });
    }
  }
  if (settings.schedule === "replay" && settings.replay === undefined) {
    problems.push({
      field: "replay",
      message: `is required with training.schedule "replay" (the per-step multipliers of η₀)`,
    });
  }
  return problems;
}

/** The multiplier of η₀ for one step (1 for `constant`, so η₀·1 = η₀ to the bit). */
export function scheduleFactor(settings: ScheduleSettings, position: StepPosition): number {
  switch (settings.schedule) {
    case "constant":
      return 1;
    case "cosine": {
      const floor = settings.minLearningRateFactor ?? DEFAULT_MIN_LEARNING_RATE_FACTOR;
      const plannedSteps = position.epochs * position.stepsPerEpoch;
      const cosine = 0.5 * (1 + Math.cos((Math.PI * position.step) / plannedSteps));
      return floor + (1 - floor) * cosine;
    }
    case "step": {
      const every = settings.stepEvery ?? DEFAULT_STEP_EVERY;
      const gamma = settings.stepGamma ?? DEFAULT_STEP_GAMMA;
      return gamma ** Math.floor(position.epoch / every);
    }
    case "replay": {
      const replay = present(settings.replay, "the replayed learning-rate factors");
      return at(
        replay,
        Math.min(position.step, replay.length - 1),
        "replayed learning-rate factor",
      );
    }
  }
}

/** η_t = η₀ × the schedule's factor for the step. */
export function scheduledLearningRate(
  settings: ScheduleSettings & { readonly learningRate: number },
  position: StepPosition,
): number {
  return settings.learningRate * scheduleFactor(settings, position);
}
