/**
 * From a spec's dataset to model-ready splits: load, split (stratified for classes), fit
 * scalers on the training split only (angles for the VQC, standardisation for the MLP;
 * standardised regression targets), and the Y used for I(T;Y): the class labels, or the
 * regression target in equal-frequency bins (DESIGN.md §1; bins per evaluated split).
 */
import { loadDataset } from "../data/index.js";
import {
  fitAngleScaler,
  fitStandardScaler,
  fitTargetScaler,
  type TargetScaler,
} from "../data/scaling.js";
import { splitDataset } from "../data/split.js";
import type { Dataset } from "../data/types.js";
import { equalFrequencyBins } from "../infoplane/binning.js";
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
