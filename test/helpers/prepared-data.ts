import type { PreparedData, PreparedSplit } from "../../src/training/model.js";

/** `samples` rows of one zero feature, labelled 0, 1, 0, 1, … */
function alternatingSplit(samples: number): PreparedSplit {
  return {
    samples,
    features: new Float64Array(samples),
    labels: Int32Array.from({ length: samples }, (_, i) => i % 2),
    infoLabels: Int32Array.from({ length: samples }, (_, i) => i % 2),
  };
}

/** Two-class data for stand-in models that ignore their inputs: 8 training rows, 4 test rows. */
export const ALTERNATING_DATA: PreparedData = {
  task: "classification",
  featureCount: 1,
  classes: 2,
  infoClasses: 2,
  train: alternatingSplit(8),
  test: alternatingSplit(4),
};

/** The shape `prepareDataShape` must give for data `prepareData` prepared. */
export function shapeOfPrepared(data: PreparedData): {
  task: PreparedData["task"];
  featureCount: number;
  classes: number;
  train: { samples: number };
  test: { samples: number };
  validation?: { samples: number };
} {
  return {
    task: data.task,
    featureCount: data.featureCount,
    classes: data.classes,
    train: { samples: data.train.samples },
    test: { samples: data.test.samples },
    ...(data.validation ? { validation: { samples: data.validation.samples } } : {}),
  };
}
