/**
 * Aggregates child runs per arm: mean ± sample standard deviation of the final test metric,
 * of the optimisation steps to the experiment's threshold (on the validation split, else the
 * training split: never the test split) and of the final I(X;T), I(T;Y); and per-epoch learning and
 * information-plane curves with their spread across replicates. Pure functions over what the
 * children reported, so the API, the CLI and the benchmark agree to the last digit.
 */
import type { EpochRecord } from "../training/records.js";
import type {
  ArmAggregate,
  ArmCurves,
  ChildOutcome,
  EpochStat,
  ExperimentArm,
  ExperimentThreshold,
  FinalMetric,
  Stat,
  StepsStat,
  ThresholdMetric,
} from "./types.js";

/** Mean and sample standard deviation (n − 1); mean null for none, std null for fewer than two. */
export function meanStd(values: readonly number[]): Stat {
  const n = values.length;
  if (n === 0) return { mean: null, std: null, n };
  let sum = 0;
  for (const value of values) sum += value;
  const mean = sum / n;
  if (n === 1) return { mean, std: null, n };
  let squares = 0;
  for (const value of values) squares += (value - mean) ** 2;
  return { mean, std: Math.sqrt(squares / (n - 1)), n };
}

/** What `stepsToThreshold` measures; lower is better for `loss` and `mse`. */
export type StepThresholdMetric = "accuracy" | "r2" | "mse" | "loss";

/**
 * Optimisation steps to a threshold: the cumulative `step` of the first epoch whose metric
 * reaches it (≥, or ≤ for loss and MSE); a run that never reaches it is censored at its last
 * epoch's step (`censored: true`), never dropped. Measured on the VALIDATION split when the
 * records carry it, else on the TRAINING split (then it measures optimisation speed, not
 * generalisation), never on the test split. Null for no records, or records from before
 * `step` existed.
 * @throws RangeError for `r2` without a validation split (records carry no training R²).
 */
export function stepsToThreshold(
  records: readonly EpochRecord[],
  metric: StepThresholdMetric,
  threshold: number,
): {
  readonly steps: number;
  readonly censored: boolean;
  readonly split: "validation" | "train";
} | null {
  const last = records.at(-1);
  if (last === undefined || last.step === undefined) return null;
  const split = last.validationLoss !== undefined ? "validation" : "train";
  const field = (
    {
      validation: {
        accuracy: "validationAccuracy",
        r2: "validationR2",
        mse: "validationMse",
        loss: "validationLoss",
      },
      train: { accuracy: "trainAccuracy", r2: undefined, mse: "trainMse", loss: "trainLoss" },
    } as const
  )[split][metric];
  if (field === undefined) {
    throw new RangeError(
      "stepsToThreshold: r2 needs a validation split (records carry no training R²)",
    );
  }
  const lower = metric === "loss" || metric === "mse";
  for (const record of records) {
    const value = record[field];
    if (value === undefined || !Number.isFinite(value) || record.step === undefined) continue;
    if (lower ? value <= threshold : value >= threshold) {
      return { steps: record.step, censored: false, split };
    }
  }
  return { steps: last.step, censored: true, split };
}

/** What stepsToThreshold measures for an experiment threshold (split-free metric names). */
export const STEP_METRIC: Record<ThresholdMetric, StepThresholdMetric> = {
  testAccuracy: "accuracy",
  trainAccuracy: "accuracy",
  testR2: "r2",
  testMse: "mse",
  trainMse: "mse",
  testLoss: "loss",
  trainLoss: "loss",
};

/**
 * stepsToThreshold of an experiment's threshold: its metric read split-free (testAccuracy
 * counts validation, else training, accuracy). Null also for R² without a validation split
 * (the runs carry nothing to count steps on).
 */
export function stepsToExperimentThreshold(
  records: readonly EpochRecord[],
  threshold: ExperimentThreshold,
): ReturnType<typeof stepsToThreshold> {
  try {
    return stepsToThreshold(records, STEP_METRIC[threshold.metric], threshold.value);
  } catch (error) {
    if (error instanceof RangeError) return null;
    throw error;
  }
}

/**
 * Steps to the threshold over an arm's completed children, censored runs counted at their
 * budget (so the mean is a lower bound while `censored` > 0). An arm's runs share a spec but
 * the seed, hence a split; a run measured on another (records from an older run) is left out.
 */
function armStepsToThreshold(
  completed: readonly ChildOutcome[],
  threshold: ExperimentThreshold,
): StepsStat {
  const measured = completed.flatMap((child) => {
    const reached = stepsToExperimentThreshold(child.records, threshold);
    return reached === null ? [] : [reached];
  });
  const split = measured.some((reached) => reached.split === "validation")
    ? "validation"
    : measured.length > 0
      ? "train"
      : undefined;
  const counted = measured.filter((reached) => reached.split === split);
  return {
    ...meanStd(counted.map((reached) => reached.steps)),
    censored: counted.filter((reached) => reached.censored).length,
    ...(split ? { split } : {}),
  };
}

/** Present, finite values only (a metric a task does not have is left out, not zero). */
function finite(values: readonly (number | null | undefined)[]): number[] {
  return values.filter((value): value is number => value != null && Number.isFinite(value));
}

/** The final test metric of a completed child: its summary's, else its last epoch's. */
export function finalMetricValue(child: ChildOutcome, metric: FinalMetric): number | undefined {
  return child.summary?.[metric] ?? child.records.at(-1)?.[metric];
}

/** One row per arm; `childrenById` must hold every child named by the arms (missing → skipped). */
export function aggregateArms(
  arms: readonly ExperimentArm[],
  childrenById: ReadonlyMap<string, ChildOutcome>,
  threshold: ExperimentThreshold,
): ArmAggregate[] {
  return arms.map((arm) => {
    const completed = arm.jobIds
      .map((id) => childrenById.get(id))
      .filter((child): child is ChildOutcome => child?.status === "completed");
    return {
      key: arm.key,
      values: arm.values,
      metric: arm.metric,
      jobIds: arm.jobIds,
      ...(arm.control ? { control: arm.control } : {}),
      jobs: arm.jobIds.length,
      completed: completed.length,
      finalMetric: meanStd(finite(completed.map((child) => finalMetricValue(child, arm.metric)))),
      stepsToThreshold: armStepsToThreshold(completed, threshold),
      finalIxt: meanStd(
        finite(completed.map((child) => child.summary?.finalIxt ?? child.records.at(-1)?.ixt)),
      ),
      finalIty: meanStd(
        finite(completed.map((child) => child.summary?.finalIty ?? child.records.at(-1)?.ity)),
      ),
      ...unreachableCount(completed),
    };
  });
}

/** Feedback arms' reachability tally; nothing for arms whose runs had feedback off. */
function unreachableCount(
  completed: readonly ChildOutcome[],
): Pick<ArmAggregate, "feedbackUnreachable"> {
  const flags = completed
    .map((child) => child.summary?.feedbackReachable)
    .filter((flag): flag is boolean => flag !== undefined);
  if (flags.length === 0) return {};
  return {
    feedbackUnreachable: { count: flags.filter((flag) => !flag).length, of: flags.length },
  };
}

/**
 * Per arm, per epoch: mean ± std across the children that have reached that epoch (running
 * children included, so a live view fills in as they train).
 */
export function armCurves(
  arms: readonly ExperimentArm[],
  childrenById: ReadonlyMap<string, ChildOutcome>,
): ArmCurves[] {
  return arms.map((arm) => {
    const series = arm.jobIds
      .map((id) => childrenById.get(id)?.records ?? [])
      .filter((records) => records.length > 0);
    const lastEpoch = Math.max(0, ...series.map((records) => records.at(-1)!.epoch));
    const epochs: EpochStat[] = [];
    for (let epoch = 1; epoch <= lastEpoch; epoch++) {
      // records are stored densely from epoch 1, so index epoch − 1 holds epoch `epoch`
      const at = series
        .map((records) => records[epoch - 1])
        .filter((record): record is EpochRecord => record?.epoch === epoch);
      if (at.length === 0) continue;
      const stat = (pick: (record: EpochRecord) => number | undefined) =>
        meanStd(finite(at.map(pick)));
      epochs.push({
        epoch,
        n: at.length,
        trainLoss: stat((record) => record.trainLoss),
        testLoss: stat((record) => record.testLoss),
        testMetric: stat((record) => record[arm.metric]),
        ixt: stat((record) => record.ixt),
        ity: stat((record) => record.ity),
        learningRate: stat((record) => record.learningRate),
        compressionTarget: stat((record) => record.compressionTarget ?? undefined),
      });
    }
    return { key: arm.key, values: arm.values, metric: arm.metric, epochs };
  });
}

export type ExperimentStatus = "queued" | "running" | "completed" | "failed" | "cancelled";

export interface StatusCounts {
  readonly queued: number;
  readonly running: number;
  readonly completed: number;
  readonly failed: number;
  readonly cancelled: number;
  /** Children whose records expired or were removed. */
  readonly missing: number;
  /** Children not queued yet: they derive from runs still unfinished (controls, tuned or inheriting arms). */
  readonly waiting: number;
  /** Children that will never run: a run they derive from failed, admission refused them, or the experiment was cancelled. */
  readonly unrunnable: number;
}

/** Counts of the launched children's statuses, with the slots not launched (waiting, unrunnable). */
export function countStatuses(
  statuses: Iterable<ChildOutcome["status"]>,
  notLaunched: { readonly waiting: number; readonly unrunnable: number } = {
    waiting: 0,
    unrunnable: 0,
  },
): StatusCounts {
  const counts = {
    queued: 0,
    running: 0,
    completed: 0,
    failed: 0,
    cancelled: 0,
    missing: 0,
    waiting: notLaunched.waiting,
    unrunnable: notLaunched.unrunnable,
  };
  for (const status of statuses) counts[status]++;
  return counts;
}

/**
 * An experiment is running while any child is unfinished (queued if none has started) or
 * still waits to be derived; once all are finished: cancelled if the experiment was
 * cancelled, else failed if any child failed or is unrunnable, else cancelled if any child
 * was, else completed.
 */
export function experimentStatus(counts: StatusCounts, cancelled = false): ExperimentStatus {
  if (counts.running > 0) return "running";
  if (counts.queued > 0) {
    return counts.completed + counts.failed + counts.cancelled > 0 ? "running" : "queued";
  }
  if (counts.waiting > 0) return "running";
  if (cancelled) return "cancelled";
  if (counts.failed > 0 || counts.unrunnable > 0) return "failed";
  // missing children finished long enough ago to expire; they do not change the outcome
  if (counts.cancelled > 0) return "cancelled";
  return "completed";
}
