/**
 * From a spec's dataset to model-ready splits: load, split (stratified for classes), then
 * fitted on the training split only: optional PCA (`model.reduce`), the feature scaler
 * (angles for the VQC, min–max or robust; standardisation for the MLP and linear model) and
 * standardised regression targets, and the Y used for I(T;Y): the class labels, or the
 * regression target in equal-frequency bins (docs/science.md §Regression targets) whose edges
 * are fitted on the training split and applied to every split. With
 * `dataset.validationFraction` a validation split is carved out of the training rows; nothing
 * is fitted on it.
 */
import {
  DATASET_INFO,
  GENERATED_DATASETS,
  generatedFeatureCount,
  loadDataset,
  wideOptionsOf,
} from "../data/index.js";
import { checkPcaSize, fitPca, reduceDataset } from "../data/reduction.js";
import {
  type FeatureScaler,
  fitAngleScaler,
  fitRobustAngleScaler,
  fitStandardScaler,
  fitTargetScaler,
  type TargetScaler,
} from "../data/scaling.js";
import {
  checkSplitSizes,
  checkValidationSize,
  splitDataset,
  testCount,
  validationCount,
} from "../data/split.js";
import { balancedCounts, checkSyntheticOptions } from "../data/synthetic.js";
import type { Dataset, DatasetSplit, Task } from "../data/types.js";
import { wideClassCounts } from "../data/wide.js";
import { QplaneError } from "../errors/catalogue.js";
import { present } from "../errors/checked.js";
import { applyBins, fitEqualFrequencyEdges } from "../infoplane/binning.js";
import type { DataShape } from "./cost.js";
import type { PreparedData, PreparedSplit } from "./model.js";
import { isVqcKind, type JobSpec } from "./spec.js";

function prepareSplit(
  split: Dataset,
  features: Float64Array,
  targetScaler: TargetScaler | undefined,
  binEdges: Float64Array | undefined,
): PreparedSplit {
  if (split.task === "classification") {
    const labels = present(split.labels, "a classification split's labels");
    return { samples: split.samples, features, labels, infoLabels: labels };
  }
  const rawTargets = present(split.targets, "a regression split's targets");
  return {
    samples: split.samples,
    features,
    targets: present(targetScaler, "the target scaler").transform(rawTargets),
    rawTargets,
    infoLabels: applyBins(rawTargets, present(binEdges, "the target bin edges")),
  };
}

/**
 * The feature count the model sees: the dataset's, or with `model.reduce: "pca"` the
 * explicit `model.components` (refused when larger than the dataset's feature count) or by
 * default min(`model.qubits`, the dataset's feature count), so a grid over datasets of
 * different widths can keep one `reduce` setting.
 */
export function reducedFeatureCount(
  spec: JobSpec,
  datasetFeatures: number,
  trainSamples: number,
): number {
  const { reduce, components, qubits } = spec.model;
  if (reduce === "none") return datasetFeatures;
  checkPcaSize(trainSamples, datasetFeatures);
  if (components === undefined) return Math.min(qubits, datasetFeatures);
  if (components > datasetFeatures) {
    throw new QplaneError(
      "QPLANE_ERR_SPEC_INVALID",
      `spec.model.components: ${components} components, but the dataset has ${datasetFeatures} features`,
    );
  }
  return components;
}

/** PCA fitted on the training split and applied to every split, when `model.reduce` asks for it. */
function reduceSplit(spec: JobSpec, split: DatasetSplit): DatasetSplit {
  if (spec.model.reduce === "none") return split;
  const features = reducedFeatureCount(spec, split.train.featureNames.length, split.train.samples);
  const pca = fitPca(split.train, features);
  return {
    train: reduceDataset(split.train, pca),
    test: reduceDataset(split.test, pca),
    ...(split.validation ? { validation: reduceDataset(split.validation, pca) } : {}),
  };
}

/** VQC: angles by `model.scaling`; MLP and linear model: standardisation. */
function fitFeatureScaler(spec: JobSpec, train: Dataset): FeatureScaler {
  const { kind, scaling, encodingScale } = spec.model;
  if (!isVqcKind(kind)) return fitStandardScaler(train);
  return scaling === "robust"
    ? fitRobustAngleScaler(train, encodingScale)
    : fitAngleScaler(train, encodingScale);
}

export function prepareData(spec: JobSpec): PreparedData {
  const dataset = loadDataset(spec.dataset);
  const { testFraction, validationFraction, seed } = spec.dataset;
  const { train, test, validation } = reduceSplit(
    spec,
    splitDataset(dataset, testFraction, seed, validationFraction),
  );
  const scaler = fitFeatureScaler(spec, train);
  const regression = dataset.task === "regression";
  const targetScaler = regression ? fitTargetScaler(train) : undefined;
  const bins = spec.infoPlane.bins;
  // bin edges from the training targets only (train binned by them = equalFrequencyBins(train))
  const binEdges = regression
    ? fitEqualFrequencyEdges(present(train.targets, "the training targets"), bins)
    : undefined;
  const prepare = (split: Dataset) =>
    prepareSplit(split, scaler.transform(split.features), targetScaler, binEdges);
  const classes =
    dataset.task === "classification"
      ? present(dataset.classNames, "the dataset's class names").length
      : bins;
  return {
    task: dataset.task,
    featureCount: train.featureNames.length,
    classes,
    infoClasses: classes,
    train: prepare(train),
    test: prepare(test),
    ...(validation ? { validation: prepare(validation) } : {}),
    ...(targetScaler ? { targetScale: { mean: targetScaler.mean, std: targetScaler.std } } : {}),
  };
}

/**
 * What sizing a model and a run needs of its data: task, classes, split sizes, and the
 * feature count the model sees (after `model.reduce`).
 */
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
    const groups = new Array<number>(
      present(loaded.classNames, "the dataset's class names").length,
    ).fill(0);
    for (const label of present(loaded.labels, "the dataset's labels")) groups[label]!++;
    return {
      task: "classification",
      featureCount: loaded.featureNames.length,
      classes: groups.length,
      groups,
    };
  }
  const info = present(
    DATASET_INFO.find((entry) => entry.name === dataset.name),
    `dataset ${dataset.name}`,
  );
  const task: Task = present(info.task, `the task of dataset ${dataset.name}`);
  const classes = task === "classification" ? (info.classes ?? dataset.classes) : 1;
  checkSyntheticOptions(dataset.name, dataset, classes);
  // `wide` redraws a few labels (labelNoise), so its strata are counted from its label stream
  const groups =
    dataset.name === "wide"
      ? wideClassCounts(wideOptionsOf(dataset))
      : task === "classification"
        ? balancedCounts(dataset.samples, classes)
        : [dataset.samples];
  return { task, featureCount: generatedFeatureCount(dataset), classes, groups };
}

/**
 * The split sizes of a summarised dataset: each stratum split by `testCount` and
 * `validationCount`, refused when a split is empty, as `splitIndices` splits it.
 */
export function shapeOfSummary(spec: JobSpec, summary: DatasetSummary): PreparedDataShape {
  const { name, testFraction, validationFraction } = spec.dataset;
  const sum = (count: (n: number) => number) =>
    summary.groups.reduce((total, n) => total + count(n), 0);
  const samples = sum((n) => n);
  const testSamples = sum((n) => testCount(n, testFraction));
  checkSplitSizes(name, samples - testSamples, testSamples, testFraction);
  const validationSamples = sum((n) => validationCount(n, testFraction, validationFraction));
  checkValidationSize(name, validationSamples, testFraction, validationFraction);
  return {
    task: summary.task,
    featureCount: reducedFeatureCount(
      spec,
      summary.featureCount,
      samples - testSamples - validationSamples,
    ),
    classes: summary.task === "classification" ? summary.classes : spec.infoPlane.bins,
    train: { samples: samples - testSamples - validationSamples },
    test: { samples: testSamples },
    ...(validationSamples > 0 ? { validation: { samples: validationSamples } } : {}),
  };
}

/** The shape `prepareData` would give, without generating the data (`summarizeDataset`). */
export function prepareDataShape(spec: JobSpec): PreparedDataShape {
  return shapeOfSummary(spec, summarizeDataset(spec));
}
