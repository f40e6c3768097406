/**
 * From a spec's dataset to model-ready splits: load, split (stratified for classes), fit
 * scalers on the training split only (angles for the VQC, standardisation for the MLP;
 * standardised regression targets), and the Y used for I(T;Y): the class labels, or the
 * regression target in equal-frequency bins (DESIGN.md §1; bins per evaluated split).
 */
import { DATASET_INFO, GENERATED_DATASETS, loadDataset } from "../data/index.js";
import {
  fitAngleScaler,
  fitStandardScaler,
  fitTargetScaler,
  type TargetScaler,
} from "../data/scaling.js";
import { checkSplitSizes, splitDataset, testCount } from "../data/split.js";
import { balancedCounts, checkSyntheticOptions } from "../data/synthetic.js";
import type { Dataset, Task } from "../data/types.js";
import { equalFrequencyBins } from "../infoplane/binning.js";
import type { DataShape } from "./cost.js";
import type { PreparedData, PreparedSplit } from "./model.js";
import type { JobSpec } from "./spec.js";

function prepareSplit(
  split: Dataset,
  features: Float64Array,
  targetScaler: TargetScaler | undefined,
  bins: number,
): PreparedSplit {
  if (split.task === "classification") {
    return { samples: split.samples, features, labels: split.labels!, infoLabels: split.labels! };
  }
  const rawTargets = split.targets!;
  return {
    samples: split.samples,
    features,
    targets: targetScaler!.transform(rawTargets),
    rawTargets,
    infoLabels: equalFrequencyBins(rawTargets, bins),
  };
}

export function prepareData(spec: JobSpec): PreparedData {
  const dataset = loadDataset(spec.dataset);
  const { train, test } = splitDataset(dataset, spec.dataset.testFraction, spec.dataset.seed);
  const scaler =
    spec.model.kind === "mlp"
      ? fitStandardScaler(train)
      : fitAngleScaler(train, spec.model.encodingScale);
  const targetScaler = dataset.task === "regression" ? fitTargetScaler(train) : undefined;
  const bins = spec.infoPlane.bins;
  const classes = dataset.task === "classification" ? dataset.classNames!.length : bins;
  return {
    task: dataset.task,
    featureCount: dataset.featureNames.length,
    classes,
    infoClasses: classes,
    train: prepareSplit(train, scaler.transform(train.features), targetScaler, bins),
    test: prepareSplit(test, scaler.transform(test.features), targetScaler, bins),
    ...(targetScaler ? { targetScale: { mean: targetScaler.mean, std: targetScaler.std } } : {}),
  };
}

/** What sizing a model and a run needs of its data: task, classes and split sizes. */
export interface PreparedDataShape
  extends DataShape,
    Pick<PreparedData, "task" | "classes" | "featureCount"> {}

/**
 * What sizing needs of a dataset: its task, feature count, class count (classification) and
 * rows per stratum (per class; all rows for regression), which fix its split sizes.
 */
export interface DatasetSummary {
  readonly task: Task;
  readonly featureCount: number;
  readonly classes: number;
  readonly groups: readonly number[];
}

/**
 * The summary of the spec's dataset: arithmetic for generated datasets (balanced classes,
 * `balancedCounts`); the real datasets (at most a few hundred rows) and CSV files are read.
 */
export function summarizeDataset(spec: JobSpec): DatasetSummary {
  const { dataset } = spec;
  if (!GENERATED_DATASETS.has(dataset.name)) {
    const loaded = loadDataset(dataset);
    if (loaded.task === "regression") {
      return {
        task: "regression",
        featureCount: loaded.featureNames.length,
        classes: 1,
        groups: [loaded.samples],
      };
    }
    const groups = new Array<number>(loaded.classNames!.length).fill(0);
    for (const label of loaded.labels!) groups[label]!++;
    return {
      task: "classification",
      featureCount: loaded.featureNames.length,
      classes: groups.length,
      groups,
    };
  }
  const info = DATASET_INFO.find((entry) => entry.name === dataset.name)!;
  const task: Task = info.task!;
  const classes = task === "classification" ? (info.classes ?? dataset.classes) : 1;
  checkSyntheticOptions(dataset.name, dataset, classes);
  const groups =
    task === "classification" ? balancedCounts(dataset.samples, classes) : [dataset.samples];
  return { task, featureCount: info.features!, classes, groups };
}

/**
 * The split sizes of a summarised dataset: each stratum split by `testCount`, refused when a
 * split is empty, as `splitIndices` splits it.
 */
export function shapeOfSummary(spec: JobSpec, summary: DatasetSummary): PreparedDataShape {
  const { name, testFraction } = spec.dataset;
  const samples = summary.groups.reduce((total, n) => total + n, 0);
  const testSamples = summary.groups.reduce((total, n) => total + testCount(n, testFraction), 0);
  checkSplitSizes(name, samples - testSamples, testSamples, testFraction);
  return {
    task: summary.task,
    featureCount: summary.featureCount,
    classes: summary.task === "classification" ? summary.classes : spec.infoPlane.bins,
    train: { samples: samples - testSamples },
    test: { samples: testSamples },
  };
}

/** The shape `prepareData` would give, without generating the data (`summarizeDataset`). */
export function prepareDataShape(spec: JobSpec): PreparedDataShape {
  return shapeOfSummary(spec, summarizeDataset(spec));
}
