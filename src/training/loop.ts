/**
 * The training loop: mini-batches, an optimizer, compression-gnostic feedback, per-epoch
 * evaluation on the information plane, events for progress, and a checkpoint after every
 * epoch from which a run resumes exactly (weights, optimizer state, RNG state, feedback
 * state, records). Knows nothing of HTTP, queues or files.
 *
 * A run stops early on its caller's signal (→ "cancelled") or at its time limit
 * (`training.maxSeconds`, or a caller's cap such as the server's; → "timed-out"), at the
 * next pause of a step or evaluation (the local simulator and the MLP pause every few tens
 * of ms) and at the latest after the step or evaluation in progress, and hands back the last
 * epoch checkpoint, so a resumed run is exact. Training time counts across resumes: the
 * caller's `timeUsedMs` (partial epochs included), at least the checkpoint's elapsedMs (the
 * completed epochs' time).
 */
import { QplaneError } from "../errors/catalogue.js";
import { present } from "../errors/checked.js";
import { createRng, type Rng, rngFromState } from "../random/rng.js";
import { shuffleInPlace } from "../random/sampling.js";
import { compressionPenalty, feedbackReach, resolveTarget, stepScaling } from "./feedback.js";
import { isSaturated, labelEntropyBits } from "./information.js";
import type { Evaluation, PreparedData, TrainableModel } from "./model.js";
import { createOptimizer, type OptimizerState, toNumberArray } from "./optimizers.js";
import type { EpochRecord, RunSummary } from "./records.js";
import { scheduledLearningRate } from "./schedule.js";
import { selectRecord } from "./selection.js";
import type { JobSpec } from "./spec.js";

export interface TrainingCheckpoint {
  readonly version: 1;
  /** Completed epochs. */
  readonly epoch: number;
  /** Optimisation steps taken. */
  readonly step: number;
  readonly weights: readonly number[];
  readonly optimizer: OptimizerState;
  /** State of the training RNG (shuffling, shots, SPSA). */
  readonly rng: readonly number[];
  readonly feedback: {
    readonly penalty: number;
    readonly target: number | null;
    /** Σ of the effective learning rate over the `step` steps taken (absent in old checkpoints). */
    readonly learningRateSum?: number;
    /** The first and the smallest L_comp measured so far (null: none yet). */
    readonly firstPenalty?: number | null;
    readonly minPenalty?: number | null;
  };
  readonly records: readonly EpochRecord[];
  readonly elapsedMs: number;
}

export type TrainingEvent =
  | {
      readonly type: "step";
      readonly epoch: number;
      readonly step: number;
      readonly stepsPerEpoch: number;
    }
  | { readonly type: "epoch"; readonly record: EpochRecord }
  | { readonly type: "checkpoint"; readonly checkpoint: TrainingCheckpoint };

/** A limit on a run's training time, and what set it (a spec field or a server variable). */
export interface TimeLimit {
  readonly seconds: number;
  readonly setBy: string;
}

export interface TrainOptions {
  /** Receives progress; awaited, so a slow sink (e.g. a store write) applies back-pressure. */
  readonly onEvent?: (event: TrainingEvent) => void | Promise<void>;
  /** Continue from a checkpoint of the same spec. */
  readonly resumeFrom?: TrainingCheckpoint;
  /** Stops the run at the next pause of a step (see the module comment). */
  readonly signal?: AbortSignal;
  /** A cap on training time besides the spec's training.maxSeconds; the smaller one applies. */
  readonly timeLimit?: TimeLimit;
  /**
   * Training time earlier runs of this job used, partial epochs included (counted against the
   * time limit). @defaultValue the resumed checkpoint's elapsedMs
   */
  readonly timeUsedMs?: number;
}

interface TrainingOutcome {
  readonly records: readonly EpochRecord[];
  readonly summary: RunSummary;
  readonly weights: Float64Array;
  readonly checkpoint: TrainingCheckpoint;
}

/** "timed-out" carries QPLANE_ERR_TIME_LIMIT naming the limit, what set it and the epoch. */
export type TrainingResult = TrainingOutcome &
  (
    | { readonly status: "completed" | "cancelled" }
    | { readonly status: "timed-out"; readonly error: QplaneError }
  );

/** The smaller of the spec's training.maxSeconds and the caller's cap (none: no limit). */
export function effectiveTimeLimit(spec: JobSpec, cap?: TimeLimit): TimeLimit | null {
  const own =
    spec.training.maxSeconds === undefined
      ? null
      : { seconds: spec.training.maxSeconds, setBy: "spec.training.maxSeconds" };
  if (own === null || cap === undefined) return own ?? cap ?? null;
  return own.seconds <= cap.seconds ? own : cap;
}

/** The abort reason of a run stopped by its time limit. */
const TIME_LIMIT_REACHED = Symbol("time limit reached");

/** A fixed probe subset of the training split for the feedback measurement. */
function chooseProbe(samples: number, size: number, rng: Rng): Int32Array {
  const order = Int32Array.from({ length: samples }, (_, i) => i);
  shuffleInPlace(order, rng);
  return order.slice(0, Math.min(size, samples)).sort();
}

/** The summary's learning-rate dose and, with feedback on, its reachability (at an epoch boundary). */
function steeringSummary(
  state: TrainingCheckpoint,
  feedbackOn: boolean,
): Pick<RunSummary, "meanLearningRate" | "feedbackReachability" | "feedbackReachable"> {
  const { learningRateSum = Number.NaN, firstPenalty = null, minPenalty = null } = state.feedback;
  return {
    meanLearningRate: learningRateSum / state.step,
    ...(feedbackOn ? feedbackReach(firstPenalty, minPenalty) : { feedbackReachability: null }),
  };
}

/** A record's validation fields from the validation split's evaluation. */
function validationMetrics(
  evaluation: Evaluation,
  task: PreparedData["task"],
): Pick<EpochRecord, "validationLoss" | "validationAccuracy" | "validationMse" | "validationR2"> {
  return task === "classification"
    ? { validationLoss: evaluation.loss, validationAccuracy: evaluation.accuracy }
    : {
        validationLoss: evaluation.loss,
        validationMse: evaluation.mse,
        validationR2: evaluation.r2,
      };
}

function summarise(
  records: readonly EpochRecord[],
  task: PreparedData["task"],
  evaluations: number,
  elapsedMs: number,
  steering: ReturnType<typeof steeringSummary>,
  select: JobSpec["training"]["select"],
): RunSummary {
  const last = records.at(-1);
  // the test metrics of the selected epoch (chosen on validation, never on test)
  const selected = selectRecord(records, select);
  return {
    epochs: records.length,
    task,
    ...(selected ? { selectedEpoch: selected.epoch } : {}),
    ...(task === "classification"
      ? { testAccuracy: selected?.testAccuracy }
      : { testMse: selected?.testMse, testR2: selected?.testR2 }),
    finalIxt: last?.ixt ?? Number.NaN,
    finalIty: last?.ity ?? Number.NaN,
    circuitEvaluations: evaluations,
    elapsedMs,
    ...steering,
  };
}

export async function trainModel(
  spec: JobSpec,
  data: PreparedData,
  model: TrainableModel,
  options: TrainOptions = {},
): Promise<TrainingResult> {
  const { training, feedback, infoPlane } = spec;
  const emit = async (event: TrainingEvent) => {
    await options.onEvent?.(event);
  };
  // initial weights and the probe come from their own stream, so resuming recomputes them
  const initRng = createRng(training.seed);
  const initialWeights = model.initialWeights(initRng);
  const probe = chooseProbe(data.train.samples, feedback.probeSize, initRng);
  const labelEntropy = labelEntropyBits(data.train.infoLabels, data.infoClasses);

  const resume = options.resumeFrom;
  if (resume && resume.weights.length !== model.weightCount) {
    throw new QplaneError(
      "QPLANE_ERR_SPEC_INVALID",
      `checkpoint has ${resume.weights.length} weights; this spec's model has ${model.weightCount}`,
    );
  }
  const weights = resume ? Float64Array.from(resume.weights) : initialWeights;
  const optimizer = createOptimizer(
    training.optimizer,
    model.weightCount,
    { momentum: training.momentum },
    resume?.optimizer,
  );
  const rng = resume ? rngFromState(resume.rng) : createRng(training.seed + 1);
  const records: EpochRecord[] = resume ? [...resume.records] : [];
  const stepsPerEpoch = Math.ceil(data.train.samples / training.batchSize);
  let step = resume?.step ?? 0;
  let penalty = resume?.feedback.penalty ?? 0;
  let target: number | null = resume?.feedback.target ?? null;
  // old checkpoints lack the steering sums: rebuild them from their records
  let learningRateSum =
    resume?.feedback.learningRateSum ??
    records.reduce(
      (sum, record) => sum + (record.meanLearningRate ?? record.learningRate) * stepsPerEpoch,
      0,
    );
  let firstPenalty: number | null =
    resume?.feedback.firstPenalty !== undefined
      ? resume.feedback.firstPenalty
      : (records[0]?.compressionPenalty ?? null);
  let minPenalty: number | null =
    resume?.feedback.minPenalty !== undefined
      ? resume.feedback.minPenalty
      : records.reduce<number | null>(
          (min, record) =>
            min === null ? record.compressionPenalty : Math.min(min, record.compressionPenalty),
          null,
        );
  let elapsedBefore = resume?.elapsedMs ?? 0;
  let totalEvaluations = records.reduce((total, record) => total + record.circuitEvaluations, 0);

  const gradient = new Float64Array(model.weightCount);
  const order = Int32Array.from({ length: data.train.samples }, (_, i) => i);
  const feedbackOn = feedback.mode !== "off";
  let learningRate = training.learningRate;

  // one signal stops the run: the caller's, or the time limit
  const stop = new AbortController();
  const forwardAbort = () => stop.abort(options.signal?.reason);
  if (options.signal?.aborted) forwardAbort();
  options.signal?.addEventListener("abort", forwardAbort, { once: true });
  const limit = effectiveTimeLimit(spec, options.timeLimit);
  const runStarted = performance.now();
  const usedBeforeMs = Math.max(options.timeUsedMs ?? 0, elapsedBefore);
  const remainingMs =
    limit === null ? Number.POSITIVE_INFINITY : limit.seconds * 1000 - usedBeforeMs;
  // the timer stops a step in progress at its next pause; the checks after each step and
  // evaluation also cover work that does not pause (a remote backend's wait)
  const timer =
    limit === null
      ? undefined
      : setTimeout(() => stop.abort(TIME_LIMIT_REACHED), Math.max(0, remainingMs));
  /** True when the run must stop now (its signal, or the time limit reached). */
  const mustStop = () => {
    if (performance.now() - runStarted >= remainingMs) stop.abort(TIME_LIMIT_REACHED);
    return stop.signal.aborted;
  };

  const checkpoint = (epoch: number): TrainingCheckpoint => ({
    version: 1,
    epoch,
    step,
    weights: toNumberArray(weights),
    optimizer: optimizer.getState(),
    rng: rng.getState(),
    feedback: { penalty, target, learningRateSum, firstPenalty, minPenalty },
    records: [...records],
    elapsedMs: elapsedBefore,
  });

  const measureCompression = async (): Promise<number> => {
    const measured = await model.evaluate(weights, data.train, probe, {
      information: true,
      rng,
      signal: stop.signal,
    });
    const info = present(measured.information, "the evaluation's information estimate");
    target = resolveTarget(feedback.target, labelEntropy, info.ity);
    penalty = compressionPenalty(info.ixt, target, model.representationBits, feedback.normalize);
    firstPenalty ??= penalty;
    minPenalty = minPenalty === null ? penalty : Math.min(minPenalty, penalty);
    return measured.circuitEvaluations;
  };

  // the state a stopped run hands back: always an epoch boundary, so resuming is exact
  let lastCheckpoint = resume ?? checkpoint(0);
  const stopped = (evaluations: number, started: number): TrainingResult => {
    const outcome: TrainingOutcome = {
      records,
      summary: summarise(
        records,
        data.task,
        totalEvaluations + evaluations,
        elapsedBefore + performance.now() - started,
        steeringSummary(lastCheckpoint, feedbackOn),
        training.select,
      ),
      weights: Float64Array.from(lastCheckpoint.weights),
      checkpoint: lastCheckpoint,
    };
    if (stop.signal.reason !== TIME_LIMIT_REACHED || limit === null) {
      return { ...outcome, status: "cancelled" };
    }
    const done = lastCheckpoint.epoch;
    const error = new QplaneError(
      "QPLANE_ERR_TIME_LIMIT",
      `training reached its time limit of ${limit.seconds} s (set by ${limit.setBy}) in epoch ${done + 1} of ${training.epochs}; the ${done} completed epoch(s) are kept`,
    );
    return { ...outcome, status: "timed-out", error };
  };
  let epochStarted = performance.now();

  try {
    for (let epoch = records.length + 1; epoch <= training.epochs; epoch++) {
      const started = performance.now();
      epochStarted = started;
      let evaluations = 0;
      let epochLearningRateSum = 0;
      const usageBefore = { ...(model.usage ?? { submissions: 0, shots: 0, costUsd: 0 }) };
      // each epoch's order depends only on the RNG state, so a resumed run draws the same batches
      for (let i = 0; i < order.length; i++) order[i] = i;
      shuffleInPlace(order, rng);
      for (
        let batchStart = 0, batchIndex = 0;
        batchStart < order.length;
        batchStart += training.batchSize, batchIndex++
      ) {
        if (mustStop()) return stopped(evaluations, started);
        if (feedbackOn) {
          const due = feedback.every === "epoch" ? batchIndex === 0 : step % feedback.every === 0;
          if (due) evaluations += await measureCompression();
        }
        const batch = order.subarray(
          batchStart,
          Math.min(batchStart + training.batchSize, order.length),
        );
        const result = await model.lossAndGradient(
          weights,
          data.train,
          batch,
          gradient,
          rng,
          step,
          stop.signal,
        );
        evaluations += result.circuitEvaluations;
        if (mustStop()) return stopped(evaluations, started);
        const scheduledRate = scheduledLearningRate(training, {
          step,
          epoch: epoch - 1,
          stepsPerEpoch,
          epochs: training.epochs,
        });
        const scaling = stepScaling(feedback.mode, feedback.alpha, penalty, scheduledRate);
        if (scaling.gradientScale !== 1)
          for (let k = 0; k < gradient.length; k++) gradient[k]! *= scaling.gradientScale;
        learningRate = scaling.learningRate;
        optimizer.step(weights, gradient, learningRate);
        // the dose of this step: under SGD a scaled gradient is a scaled rate (loss mode ≡ lr
        // mode), so η × the gradient scale; Adam's step ignores a loss scale, so η alone
        const dose =
          training.optimizer === "sgd" ? learningRate * scaling.gradientScale : learningRate;
        epochLearningRateSum += dose;
        learningRateSum += dose;
        step++;
        await emit({ type: "step", epoch, step: batchIndex + 1, stepsPerEpoch });
      }

      const onTrain = infoPlane.split === "train";
      // one provider submission for the epoch's evaluations (the validation split: metrics
      // only; I(X;T) is measured on infoPlane.split)
      const [trainEvaluation, testEvaluation, validationEvaluation] = await model.evaluateSplits(
        weights,
        [
          { split: data.train, information: onTrain },
          { split: data.test, information: !onTrain },
          ...(data.validation ? [{ split: data.validation, information: false }] : []),
        ],
        { rng, signal: stop.signal },
      );
      if (!trainEvaluation || !testEvaluation) throw new Error("evaluateSplits: missing results");
      evaluations += trainEvaluation.circuitEvaluations + testEvaluation.circuitEvaluations;
      evaluations += validationEvaluation?.circuitEvaluations ?? 0;
      const information = present(
        (onTrain ? trainEvaluation : testEvaluation).information,
        "the evaluation's information estimate",
      );
      const holevo =
        infoPlane.holevo && model.holevo
          ? await model.holevo(weights, onTrain ? data.train : data.test, stop.signal)
          : undefined;
      // a limit reached during the evaluation stops the run before the epoch is recorded
      if (mustStop()) return stopped(evaluations, started);
      const elapsedMs = performance.now() - started;
      const record: EpochRecord = {
        epoch,
        trainLoss: trainEvaluation.loss,
        testLoss: testEvaluation.loss,
        ...(data.task === "classification"
          ? { trainAccuracy: trainEvaluation.accuracy, testAccuracy: testEvaluation.accuracy }
          : {
              trainMse: trainEvaluation.mse,
              testMse: testEvaluation.mse,
              testR2: testEvaluation.r2,
            }),
        ...(validationEvaluation ? validationMetrics(validationEvaluation, data.task) : {}),
        step,
        learningRate,
        meanLearningRate: epochLearningRateSum / stepsPerEpoch,
        ixt: information.ixt,
        ity: information.ity,
        hy: information.hy,
        ht: information.ht,
        saturated: isSaturated(information.ixt, (onTrain ? data.train : data.test).samples),
        ...(holevo === undefined ? {} : { holevo }),
        compressionPenalty: feedbackOn ? penalty : 0,
        compressionTarget: feedbackOn ? target : null,
        alpha: feedback.alpha,
        estimator: information.estimator,
        shots: information.shots,
        circuitEvaluations: evaluations,
        submissions: (model.usage?.submissions ?? 0) - usageBefore.submissions,
        shotsUsed: (model.usage?.shots ?? 0) - usageBefore.shots,
        estimatedCostUsd: (model.usage?.costUsd ?? 0) - usageBefore.costUsd,
        elapsedMs,
      };
      records.push(record);
      totalEvaluations += evaluations;
      elapsedBefore += elapsedMs;
      lastCheckpoint = checkpoint(epoch);
      await emit({ type: "epoch", record });
      await emit({ type: "checkpoint", checkpoint: lastCheckpoint });
    }
  } catch (error) {
    // a run aborted mid-step (a paced simulation, a cancelled hardware job) ends as stopped
    if (stop.signal.aborted) return stopped(0, epochStarted);
    throw error;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", forwardAbort);
  }

  return {
    status: "completed",
    records,
    summary: summarise(
      records,
      data.task,
      totalEvaluations,
      elapsedBefore,
      steeringSummary(lastCheckpoint, feedbackOn),
      training.select,
    ),
    weights,
    checkpoint: lastCheckpoint,
  };
}
