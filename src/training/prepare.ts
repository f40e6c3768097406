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
import { splitDataset, splitIndices, testCount } from "../data/split.js";
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
 * The shape `prepareData` would give, without generating the data: generated datasets have
 * balanced classes (`balancedCounts`) split per class by `testCount`, so their sizes are
 * arithmetic; the real datasets (at most a few hundred rows) and CSV files are loaded.
 */
export function prepareDataShape(spec: JobSpec): PreparedDataShape {
  const { dataset } = spec;
  if (!GENERATED_DATASETS.has(dataset.name)) {
    const loaded = loadDataset(dataset);
    const { train, test } = splitIndices(loaded, dataset.testFraction, dataset.seed);
    return {
      task: loaded.task,
      featureCount: loaded.featureNames.length,
      classes: loaded.task === "classification" ? loaded.classNames!.length : spec.infoPlane.bins,
      train: { samples: train.length },
      test: { samples: test.length },
    };
  }
  const info = DATASET_INFO.find((entry) => entry.name === dataset.name)!;
  const task: Task = info.task!;
  const classes = task === "classification" ? (info.classes ?? dataset.classes) : 1;
  checkSyntheticOptions(dataset.name, dataset, classes);
  const groups =
    task === "classification" ? balancedCounts(dataset.samples, classes) : [dataset.samples];
  const testSamples = groups.reduce((total, n) => total + testCount(n, dataset.testFraction), 0);
  return {
    task,
    featureCount: info.features!,
    classes: task === "classification" ? classes : spec.infoPlane.bins,
    train: { samples: dataset.samples - testSamples },
    test: { samples: testSamples },
  };
}
