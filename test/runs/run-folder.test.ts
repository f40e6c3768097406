import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterEach, describe, expect, it } from "vitest";
import {
  METRICS_CSV_COLUMNS,
  metricsCsv,
  metricsCsvColumns,
  newRunId,
  writeRunFolder,
} from "../../src/runs/run-folder.js";
import type { EpochRecord, RunSummary } from "../../src/training/records.js";
import { classificationRecords, regressionRecords } from "../plots/fixtures.js";
import { marks } from "../plots/svg.js";

/** A classification record with awkward numbers: 0.1, 1/3, 0.1 + 0.2, 1e-7. */
const known: EpochRecord = {
  epoch: 1,
  trainLoss: 0.1,
  testLoss: 1 / 3,
  trainAccuracy: 0.75,
  testAccuracy: 2 / 3,
  learningRate: 0.01,
  ixt: 0.1 + 0.2,
  ity: 1e-7,
  hy: 1,
  ht: 1.5,
  saturated: false,
  compressionPenalty: 0,
  compressionTarget: null,
  alpha: 0,
  estimator: "exact",
  shots: 0,
  circuitEvaluations: 1200,
  submissions: 2,
  shotsUsed: 0,
  estimatedCostUsd: 0,
  elapsedMs: 35.25,
};

const NUMERIC_OPTIONAL = new Set([
  "trainAccuracy",
  "testAccuracy",
  "trainMse",
  "testMse",
  "testR2",
  "holevo",
]);

/** Rebuild EpochRecords from parsed CSV rows: the inverse of metricsCsv. */
function recordsFromCsv(text: string): EpochRecord[] {
  const rows = parse(text, { columns: true }) as Record<string, string>[];
  return rows.map((row) => {
    const record: Record<string, unknown> = {};
    for (const [key, cell] of Object.entries(row)) {
      if (key === "estimator") record[key] = cell;
      else if (key === "saturated") record[key] = cell === "true";
      else if (key === "compressionTarget") record[key] = cell === "" ? null : Number(cell);
      else if (cell === "" && NUMERIC_OPTIONAL.has(key)) continue;
      else record[key] = Number(cell);
    }
    return record as unknown as EpochRecord;
  });
}

describe("metricsCsv", () => {
  it("writes the documented header and full-precision numbers", () => {
    const lines = metricsCsv([known]).split("\n");
    expect(lines[0]).toBe(
      "epoch,trainLoss,testLoss,trainAccuracy,testAccuracy,learningRate,ixt,ity,hy,ht,saturated," +
        "compressionPenalty,compressionTarget,alpha,estimator,shots,circuitEvaluations,submissions,shotsUsed,estimatedCostUsd,elapsedMs",
    );
    expect(lines[1]).toBe(
      "1,0.1,0.3333333333333333,0.75,0.6666666666666666,0.01,0.30000000000000004,1e-7,1,1.5,false," +
        "0,,0,exact,0,1200,2,0,0,35.25",
    );
    expect(lines).toHaveLength(3); // header, one row, trailing newline
    expect(lines[2]).toBe("");
  });

  it("takes the union of optional columns and leaves absent cells empty", () => {
    const withHolevo: EpochRecord = { ...known, epoch: 2, holevo: 0.5, compressionTarget: 0.25 };
    const regression: EpochRecord = {
      ...known,
      epoch: 3,
      trainAccuracy: undefined,
      testAccuracy: undefined,
      trainMse: 0.02,
    };
    const columns = metricsCsvColumns([known, withHolevo, regression]);
    expect(columns).toEqual(
      METRICS_CSV_COLUMNS.filter(
        (column) =>
          ![
            "testMse",
            "testR2",
            "meanLearningRate",
            "step",
            "validationLoss",
            "validationAccuracy",
            "validationMse",
            "validationR2",
          ].includes(column),
      ),
    );
    const lines = metricsCsv([known, withHolevo, regression]).split("\n");
    expect(lines[0]).toBe(columns.join(","));
    // epoch 1: no trainMse, no holevo; epoch 2: holevo and I*; epoch 3: no accuracies
    expect(lines[1]).toBe(
      "1,0.1,0.3333333333333333,0.75,0.6666666666666666,,0.01,0.30000000000000004,1e-7,1,1.5,false," +
        ",0,,0,exact,0,1200,2,0,0,35.25",
    );
    expect(lines[2]).toBe(
      "2,0.1,0.3333333333333333,0.75,0.6666666666666666,,0.01,0.30000000000000004,1e-7,1,1.5,false," +
        "0.5,0,0.25,0,exact,0,1200,2,0,0,35.25",
    );
    expect(lines[3]).toBe(
      "3,0.1,0.3333333333333333,,,0.02,0.01,0.30000000000000004,1e-7,1,1.5,false," +
        ",0,,0,exact,0,1200,2,0,0,35.25",
    );
  });

  it("round-trips through csv-parse to the same records", () => {
    const classification = classificationRecords(7, { compressionTarget: 0.8, alpha: 0.3 });
    const regression = regressionRecords(5, { holevo: Math.PI / 7, estimator: "miller-madow" });
    const odd: EpochRecord = { ...known, ixt: Number.NaN, ity: Number.POSITIVE_INFINITY };
    for (const records of [[known], classification, regression, [known, odd]]) {
      expect(recordsFromCsv(metricsCsv(records))).toStrictEqual(records);
    }
  });

  it("writes only the required columns' header for no records", () => {
    expect(metricsCsv([])).toBe(
      "epoch,trainLoss,testLoss,learningRate,ixt,ity,hy,ht,saturated,compressionPenalty," +
        "compressionTarget,alpha,estimator,shots,circuitEvaluations,submissions,shotsUsed,estimatedCostUsd,elapsedMs\n",
    );
  });
});

describe("newRunId", () => {
  const FORMAT = /^\d{8}-\d{6}-[0-9a-f]{6}$/;

  it("is the UTC time to the second and six hex digits", () => {
    const date = new Date(Date.UTC(2026, 10, 28, 3, 15, 2, 999));
    expect(newRunId(date, () => Uint8Array.of(0xab, 0x12, 0xcd))).toBe("20261128-031502-ab12cd");
    expect(newRunId(date, () => Uint8Array.of(0, 1, 2))).toBe("20261128-031502-000102");
    expect(newRunId()).toMatch(FORMAT);
  });

  it("sorts as strings in time order", () => {
    const times = [
      Date.UTC(2025, 11, 31, 23, 59, 59),
      Date.UTC(2026, 0, 1, 0, 0, 0),
      Date.UTC(2026, 0, 1, 9, 0, 0),
      Date.UTC(2026, 0, 1, 10, 0, 0),
      Date.UTC(2026, 8, 30, 10, 0, 0),
      Date.UTC(2026, 9, 1, 10, 0, 0),
      Date.UTC(2026, 9, 1, 10, 0, 1),
    ];
    // random suffixes must not affect the order of different seconds
    const suffixes = [0xff, 0x00, 0x80, 0x01, 0xfe, 0x7f, 0x02];
    const ids = times.map((time, index) => {
      const byte = suffixes[index]!;
      return newRunId(new Date(time), () => Uint8Array.of(byte, byte, byte));
    });
    for (const id of ids) expect(id).toMatch(FORMAT);
    expect([...ids].reverse().sort()).toEqual(ids);
  });

  it("draws a fresh random suffix by default", () => {
    const date = new Date(Date.UTC(2026, 0, 1));
    const suffixes = new Set(Array.from({ length: 20 }, () => newRunId(date).slice(-6)));
    expect(suffixes.size).toBeGreaterThan(1);
  });

  it("refuses an invalid date", () => {
    expect(() => newRunId(new Date(Number.NaN))).toThrow(/invalid date/);
  });
});

describe("writeRunFolder", () => {
  const made: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), "qplane-runs-"));
    made.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  const summary: RunSummary = {
    epochs: 6,
    task: "classification",
    testAccuracy: 0.9,
    finalIxt: 0.61,
    finalIty: 0.42,
    circuitEvaluations: 2400,
    elapsedMs: 1234,
  };
  const spec = {
    dataset: { name: "moons", samples: 200 },
    model: { qubits: 2, layers: 3 },
    feedback: { mode: "loss", alpha: 0.5, target: "label-entropy" },
  };

  it("writes the six files and returns the folder", async () => {
    const base = tempDir();
    const records = classificationRecords(6, { compressionTarget: 0.9, alpha: 0.5 });
    const id = newRunId(new Date(Date.UTC(2026, 10, 28, 3, 15, 2)), () => Uint8Array.of(1, 2, 3));
    const folder = await writeRunFolder(base, { id, spec, records, summary });

    expect(folder).toBe(join(base, "20261128-031502-010203"));
    expect(readdirSync(folder).sort()).toEqual([
      "curves.svg",
      "infoplane.svg",
      "metrics.csv",
      "metrics.json",
      "spec.json",
      "summary.json",
    ]);
    const read = (name: string) => readFileSync(join(folder, name), "utf8");
    expect(JSON.parse(read("spec.json"))).toEqual(spec);
    expect(read("spec.json")).toContain('\n  "dataset": {\n    "name": "moons"');
    expect(JSON.parse(read("metrics.json"))).toEqual({ metrics: records });
    expect(read("metrics.csv")).toBe(metricsCsv(records));
    expect(recordsFromCsv(read("metrics.csv"))).toStrictEqual(records);
    expect(JSON.parse(read("summary.json"))).toEqual(summary);

    const infoplane = read("infoplane.svg");
    expect(infoplane.startsWith("<svg ")).toBe(true);
    expect(marks(infoplane, "point")).toHaveLength(6);
    // feedback was on: the run's I* is marked
    expect(marks(infoplane, "rule mark").map((rule) => rule.attrs["aria-label"])).toEqual([
      "I* = 0.9 bits",
    ]);
    const curves = read("curves.svg");
    expect(curves.startsWith("<svg ")).toBe(true);
    expect(curves).toContain("Y-axis titled 'accuracy'");
  });

  it("overwrites the files of an existing folder", async () => {
    const base = tempDir();
    const id = "run-1";
    await writeRunFolder(base, { id, spec, records: classificationRecords(3), summary });
    const folder = await writeRunFolder(base, {
      id,
      spec: { other: true },
      records: regressionRecords(2),
      summary: { ...summary, task: "regression", testAccuracy: undefined, testMse: 0.1 },
    });
    expect(JSON.parse(readFileSync(join(folder, "spec.json"), "utf8"))).toEqual({ other: true });
    const metrics = JSON.parse(readFileSync(join(folder, "metrics.json"), "utf8"));
    expect(metrics.metrics).toHaveLength(2);
    expect(readFileSync(join(folder, "curves.svg"), "utf8")).toContain("Y-axis titled 'MSE'");
  });

  it("refuses ids that are not a single safe path segment", async () => {
    const base = tempDir();
    for (const id of ["", "..", "../escape", "a/b", ".hidden", "a\\b"]) {
      await expect(writeRunFolder(base, { id, spec, records: [], summary })).rejects.toThrow(
        /not a safe name/,
      );
    }
    expect(readdirSync(base)).toEqual([]);
  });
});
