/** Datasets as the training loop sees them: dense feature rows plus labels or targets. */

export type Task = "classification" | "regression";

export interface Dataset {
  readonly name: string;
  readonly task: Task;
  readonly featureNames: readonly string[];
  /** Number of samples (rows). */
  readonly samples: number;
  /** Row-major samples × featureNames.length. */
  readonly features: Float64Array;
  /** Classification: class index 0..classNames.length−1 per sample. */
  readonly labels?: Int32Array;
  readonly classNames?: readonly string[];
  /** Regression: target value per sample. */
  readonly targets?: Float64Array;
  /** Rows dropped while loading (missing or non-numeric values). */
  readonly droppedRows: number;
}

export interface DatasetSplit {
  readonly train: Dataset;
  readonly test: Dataset;
  /** Present when `dataset.validationFraction` > 0: carved out of the training rows. */
  readonly validation?: Dataset;
}
