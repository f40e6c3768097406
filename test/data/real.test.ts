import { describe, expect, it } from "vitest";
import {
  CARS_FEATURES,
  loadCars,
  loadIris,
  loadPenguins,
  PENGUINS_FEATURES,
} from "../../src/data/real.js";
import type { Dataset } from "../../src/data/types.js";

function counts(dataset: Dataset): number[] {
  const out = new Array<number>(dataset.classNames!.length).fill(0);
  for (const label of dataset.labels!) out[label]! += 1;
  return out;
}

function row(dataset: Dataset, index: number): number[] {
  const width = dataset.featureNames.length;
  return [...dataset.features.subarray(index * width, (index + 1) * width)];
}

describe("real datasets (bundled, offline)", () => {
  it("iris: 150 × 4, 50 per species", () => {
    const iris = loadIris();
    expect(iris.samples).toBe(150);
    expect(iris.features.length).toBe(600);
    expect(iris.featureNames).toHaveLength(4);
    expect(iris.classNames).toEqual(["setosa", "versicolor", "virginica"]);
    expect(counts(iris)).toEqual([50, 50, 50]);
    expect(row(iris, 0)).toEqual([5.1, 3.5, 1.4, 0.2]);
    expect(iris.labels![0]).toBe(0);
    expect(iris.labels![149]).toBe(2);
    expect(iris.droppedRows).toBe(0);
  });

  it("penguins: 344 records, 2 without measurements dropped → 342 rows", () => {
    const penguins = loadPenguins();
    expect(penguins.task).toBe("classification");
    expect(penguins.featureNames).toEqual([...PENGUINS_FEATURES]);
    expect(penguins.samples).toBe(342);
    expect(penguins.droppedRows).toBe(2);
    expect(penguins.features.length).toBe(342 * 4);
    expect(penguins.classNames).toEqual(["Adelie", "Chinstrap", "Gentoo"]);
    expect(counts(penguins)).toEqual([151, 68, 123]);
    expect(row(penguins, 0)).toEqual([39.1, 18.7, 181, 3750]);
    expect(penguins.features.every(Number.isFinite)).toBe(true);
  });

  it("cars: 406 records, 14 missing mpg or horsepower dropped → 392 rows", () => {
    const cars = loadCars();
    expect(cars.task).toBe("regression");
    expect(cars.featureNames).toEqual([...CARS_FEATURES]);
    expect(cars.samples).toBe(392);
    expect(cars.droppedRows).toBe(14);
    expect(cars.targets!.length).toBe(392);
    expect(cars.targets![0]).toBe(18);
    expect(row(cars, 0)).toEqual([8, 307, 130, 3504, 12, 1970]);
    const years = new Set<number>();
    for (let i = 0; i < cars.samples; i++) years.add(cars.features[i * 6 + 5]!);
    expect(Math.min(...years)).toBe(1970);
    expect(Math.max(...years)).toBe(1982);
    expect(cars.features.every(Number.isFinite)).toBe(true);
  });
});
