/** What training reports: one record per epoch, and the run summary. */

/** Estimator behind an information-plane value: exact Born probabilities, or shots. */
export type EstimatorName = "exact" | "plugin" | "miller-madow";

export interface EpochRecord {
  /** 1-based epoch number. */
  readonly epoch: number;
  readonly trainLoss: number;
  readonly testLoss: number;
  /** Classification only. */
  readonly trainAccuracy?: number;
  readonly testAccuracy?: number;
  /** Regression only. */
  readonly trainMse?: number;
  readonly testMse?: number;
  readonly testR2?: number;
  /**
   * Validation split (`dataset.validationFraction` > 0) only: its mean loss, and accuracy
   * (classification) or MSE and R² (regression). Absent without a validation split.
   */
  readonly validationLoss?: number;
  readonly validationAccuracy?: number;
  readonly validationMse?: number;
  readonly validationR2?: number;
  /**
   * Optimisation steps taken by the end of this epoch, cumulative over the run (absent in
   * records stored before it existed).
   */
  readonly step?: number;
  /**
   * Effective learning rate of the epoch's last step: η₀ × the schedule's factor
   * (`training.schedule`) × the feedback factor in `lr` mode.
   */
  readonly learningRate: number;
  /**
   * Mean effective learning rate over the epoch's steps (÷ η₀, repeated per step: a
   * `replay` sequence). Under SGD it includes `loss` mode's gradient scale (a scaled SGD
   * gradient is a scaled rate); Adam ignores a loss scale. Absent in records stored before
   * it existed.
   */
  readonly meanLearningRate?: number;
  /** I(X;T) in bits, measured on the split named by infoPlane.split. */
  readonly ixt: number;
  /** I(T;Y) in bits. */
  readonly ity: number;
  /** H(Y) in bits of the same split's labels (binned targets for regression). */
  readonly hy: number;
  /** H(T) in bits. */
  readonly ht: number;
  /**
   * I(X;T) ≥ 0.9·log2 N, N = the samples it was measured on: T (nearly) tells every sample
   * apart, so I(X;T) measures the sample count rather than compression.
   */
  readonly saturated: boolean;
  /** Holevo quantity of the readout register in bits, when asked for (exact simulator). */
  readonly holevo?: number;
  /** L_comp used by the feedback during this epoch's last step (0 when feedback is off). */
  readonly compressionPenalty: number;
  /** The compression target I* in bits (null when feedback is off). */
  readonly compressionTarget: number | null;
  readonly alpha: number;
  readonly estimator: EstimatorName;
  /** Shots per circuit behind ixt/ity (0 = exact). */
  readonly shots: number;
  /** Circuit evaluations spent in this epoch (training, evaluation and probes). */
  readonly circuitEvaluations: number;
  /** Provider submissions in this epoch (jobs / tasks sent to the backend). */
  readonly submissions: number;
  /** Shots spent in this epoch: rows × shots of every provider run (0 when exact). */
  readonly shotsUsed: number;
  /** This epoch's estimated cost in USD from the backend's price table (0 on simulators). */
  readonly estimatedCostUsd: number;
  /** Wall time of this epoch. */
  readonly elapsedMs: number;
}

export interface RunSummary {
  readonly epochs: number;
  readonly task: "classification" | "regression";
  /**
   * The epoch whose test metrics follow (`training.select`: the last, or the best on the
   * validation split); absent before the first epoch and in summaries stored before it existed.
   */
  readonly selectedEpoch?: number;
  /** The selected epoch's test metrics. */
  readonly testAccuracy?: number;
  readonly testMse?: number;
  readonly testR2?: number;
  readonly finalIxt: number;
  readonly finalIty: number;
  readonly circuitEvaluations: number;
  readonly elapsedMs: number;
  /**
   * Mean effective learning rate over every step of the run (NaN before the first), with
   * `loss` mode's gradient scale under SGD as in the records: the dose a dose-matched
   * control trains at. Absent in summaries stored before it existed.
   */
  readonly meanLearningRate?: number;
  /**
   * Feedback on: min measured L_comp ÷ the first measured L_comp (null when feedback is off,
   * the first was 0 or nothing was measured).
   */
  readonly feedbackReachability?: number | null;
  /**
   * Feedback on: false when L_comp never fell below half its first value, so the feedback
   * was a near-constant factor on the rate (absent when feedback is off).
   */
  readonly feedbackReachable?: boolean;
}
