import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  DATASET_INFO,
  GENERATED_DATASETS,
  generatedFeatureCount,
  loadDataset,
} from "../../src/data/index.js";
import { DATASET_NAMES, type DatasetSpec, datasetSpecSchema } from "../../src/training/spec.js";

const spec = (input: Record<string, unknown>): DatasetSpec => datasetSpecSchema.parse(input);

describe("loadDataset", () => {
  it("describes every dataset name exactly once", () => {
    expect(DATASET_INFO.map((info) => info.name)).toEqual([...DATASET_NAMES]);
  });

  it("every non-csv dataset loads with defaults and matches its DATASET_INFO entry", () => {
    for (const info of DATASET_INFO) {
      if (info.name === "csv") continue;
      const defaults = spec({ name: info.name });
      const dataset = loadDataset(defaults);
      expect(dataset.task).toBe(info.task);
      // null: the spec decides (`wide`, `friedman1`), through generatedFeatureCount
      const features = info.features ?? generatedFeatureCount(defaults);
      expect(dataset.featureNames).toHaveLength(features);
      if (GENERATED_DATASETS.has(info.name)) expect(generatedFeatureCount(defaults)).toBe(features);
      if (info.classes !== null) expect(dataset.classNames).toHaveLength(info.classes);
      expect(dataset.features.length).toBe(dataset.samples * dataset.featureNames.length);
    }
  });

  it("passes synthetic options through (samples, seed, classes, degree)", () => {
    const blobs = loadDataset(spec({ name: "blobs", samples: 50, classes: 5, seed: 3 }));
    expect(blobs.samples).toBe(50);
    expect(blobs.classNames).toHaveLength(5);
    const a = loadDataset(spec({ name: "polynomial", degree: 1, noise: 0, samples: 10 }));
    for (let i = 0; i < a.samples; i++) expect(a.targets![i]).toBe(1 - a.features[i]! / 2);
    expect(() => loadDataset(spec({ name: "blobs", samples: 4, classes: 5 }))).toThrow(
      "dataset: 4 samples but 5 classes",
    );
  });

  it("takes the feature count of wide and friedman1 from the spec", () => {
    expect(DATASET_INFO.find((info) => info.name === "wide")!.features).toBeNull();
    expect(generatedFeatureCount(spec({ name: "wide" }))).toBe(20);
    expect(generatedFeatureCount(spec({ name: "friedman1" }))).toBe(10);
    expect(generatedFeatureCount(spec({ name: "friedman1", featureCount: 7 }))).toBe(7);
    expect(loadDataset(spec({ name: "wide", featureCount: 30 })).featureNames).toHaveLength(30);
    expect(generatedFeatureCount(spec({ name: "moons" }))).toBe(2);
    expect(() => generatedFeatureCount(spec({ name: "iris" }))).toThrow(RangeError);
  });

  it("loads csv through the spec", () => {
    const path = fileURLToPath(new URL("../fixtures/data/good.csv", import.meta.url));
    const dataset = loadDataset(spec({ name: "csv", path, target: "kind", features: ["width"] }));
    expect(dataset.featureNames).toEqual(["width"]);
    expect(dataset.classNames).toEqual(["item1", "item2", "item10"]);
  });
});
