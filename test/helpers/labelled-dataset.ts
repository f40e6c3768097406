import type { Dataset } from "../../src/data/types.js";

/** A classification dataset whose single feature is the row index (so rows are traceable). */
export function labelled(labels: number[], classes: number): Dataset {
  return {
    name: "toy",
    task: "classification",
    featureNames: ["row"],
    samples: labels.length,
    features: Float64Array.from(labels, (_, i) => i),
    labels: Int32Array.from(labels),
    classNames: Array.from({ length: classes }, (_, c) => `c${c}`),
    droppedRows: 0,
  };
}

/** Rows per class of a classification dataset. */
export function classCounts(dataset: Dataset, classes: number): number[] {
  const out = new Array<number>(classes).fill(0);
  for (const label of dataset.labels!) out[label]! += 1;
  return out;
}
