import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadDataset } from "../../src/data/index.js";
import { splitIndices } from "../../src/data/split.js";
import {
  applyBins,
  equalFrequencyBins,
  fitEqualFrequencyEdges,
} from "../../src/infoplane/binning.js";
import { prepareData, prepareDataShape } from "../../src/training/prepare.js";
import { selectRecord } from "../../src/training/selection.js";
import { type JobSpecInput, parseJobSpec } from "../../src/training/spec.js";
import { shapeOfPrepared } from "../helpers/prepared-data.js";
import { fillerRecord } from "../helpers/records.js";
import { runTraining } from "../local-backend.js";

const MODEL = {
  kind: "vqc",
  encoding: "fixed",
  scaling: "minmax",
  classMap: "modulo",
  representation: "output",
} as const;

/** A CSV of `rows` rows: x0, x1 and a class (or a real target) driven by the row index. */
function writeCsv(
  rows: number,
  regression: boolean,
  change?: { row: number; column: string; value: number },
): string {
  const lines = ["x0,x1,y"];
  for (let i = 0; i < rows; i++) {
    const cells: Record<string, number> = {
      x0: Math.sin(i),
      x1: (i % 7) / 7,
      y: regression ? Math.cos(i) * 3 + i / rows : i % 2,
    };
    if (change?.row === i) cells[change.column] = change.value;
    lines.push(`${cells.x0},${cells.x1},${regression ? cells.y : cells.y === 0 ? "a" : "b"}`);
  }
  const path = join(mkdtempSync(join(tmpdir(), "qplane-validation-")), "data.csv");
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

function csvSpec(path: string, validationFraction: number) {
  return parseJobSpec({
    dataset: { name: "csv", path, target: "y", testFraction: 0.2, validationFraction, seed: 4 },
    model: MODEL,
  });
}

describe("prepareData with a validation split", () => {
  it("keeps the test rows of the split without validation; the shape path agrees", () => {
    for (const name of ["iris", "sine"] as const) {
      const without = prepareData(parseJobSpec({ dataset: { name, seed: 9 }, model: MODEL }));
      const spec = parseJobSpec({
        dataset: { name, seed: 9, validationFraction: 0.2 },
        model: MODEL,
      });
      const data = prepareData(spec);
      expect(prepareDataShape(spec)).toEqual(shapeOfPrepared(data));
      expect(data.validation!.samples).toBeGreaterThan(0);
      expect(data.train.samples + data.validation!.samples).toBe(without.train.samples);
      if (name === "iris") {
        expect([...data.test.labels!]).toEqual([...without.test.labels!]);
        // 50 rows per class: 12 test, 10 validation, 28 training each
        expect(data.validation!.samples).toBe(30);
        const perClass = [0, 0, 0];
        for (const label of data.validation!.labels!) perClass[label]!++;
        expect(perClass).toEqual([10, 10, 10]);
      } else {
        expect([...data.test.rawTargets!]).toEqual([...without.test.rawTargets!]);
      }
    }
  });

  it("fits the scaler on the training rows only: an outlier in a validation row changes nothing else", () => {
    const clean = writeCsv(80, false);
    const spec = csvSpec(clean, 0.25);
    const { validation } = splitIndices(loadDataset(spec.dataset), 0.2, 4, 0.25);
    const row = validation[0]!;
    const dirty = writeCsv(80, false, { row, column: "x0", value: 1e6 });
    const before = prepareData(spec);
    const after = prepareData(csvSpec(dirty, 0.25));
    expect([...after.train.features]).toEqual([...before.train.features]);
    expect([...after.test.features]).toEqual([...before.test.features]);
    expect([...after.validation!.features]).not.toEqual([...before.validation!.features]);
    // the same outlier in a training row moves every scaled feature of its column
    const trainRow = splitIndices(loadDataset(spec.dataset), 0.2, 4, 0.25).train[0]!;
    const moved = prepareData(
      csvSpec(writeCsv(80, false, { row: trainRow, column: "x0", value: 1e6 }), 0.25),
    );
    expect([...moved.test.features]).not.toEqual([...before.test.features]);
  });

  it("regression: target scale and I(T;Y) bins from the training targets only", () => {
    const clean = writeCsv(90, true);
    const spec = csvSpec(clean, 0.2);
    const { validation } = splitIndices(loadDataset(spec.dataset), 0.2, 4, 0.2);
    const before = prepareData(spec);
    const after = prepareData(
      csvSpec(writeCsv(90, true, { row: validation[0]!, column: "y", value: 1e6 }), 0.2),
    );
    expect(after.targetScale).toEqual(before.targetScale);
    expect([...after.train.targets!]).toEqual([...before.train.targets!]);
    expect([...after.train.infoLabels]).toEqual([...before.train.infoLabels]);
    expect([...after.test.infoLabels]).toEqual([...before.test.infoLabels]);
    // the outlier lands in the top training bin, not a bin of its own
    const top = Math.max(...before.train.infoLabels);
    expect(after.validation!.infoLabels[0]).toBe(top);

    // train bins bit-identical to equalFrequencyBins of the training targets (as before the
    // change); the other splits binned by the training edges
    const bins = spec.infoPlane.bins;
    const trainRaw = before.train.rawTargets!;
    expect([...before.train.infoLabels]).toEqual([...equalFrequencyBins(trainRaw, bins)]);
    const edges = fitEqualFrequencyEdges(trainRaw, bins);
    expect([...before.test.infoLabels]).toEqual([...applyBins(before.test.rawTargets!, edges)]);
    expect([...before.validation!.infoLabels]).toEqual([
      ...applyBins(before.validation!.rawTargets!, edges),
    ]);
  });

  it("refuses best-validation without a validation split, and test + validation ≥ 1", () => {
    expect(() =>
      parseJobSpec({ dataset: { name: "moons" }, training: { select: "best-validation" } }),
    ).toThrow(
      'spec.training.select: "best-validation" needs a validation split (set dataset.validationFraction > 0)',
    );
    expect(() =>
      parseJobSpec({ dataset: { name: "moons", testFraction: 0.5, validationFraction: 0.5 } }),
    ).toThrow(
      "spec.dataset.validationFraction: with dataset.testFraction 0.5 leaves no training split",
    );
  });
});

/** A record with the fields selection reads; the rest are filler. */
const record = fillerRecord;

describe("selectRecord", () => {
  const records = [
    record(1, { validationLoss: 0.9, validationAccuracy: 0.6, testAccuracy: 0.99 }),
    record(2, { validationLoss: 0.5, validationAccuracy: 0.8, testAccuracy: 0.7 }),
    record(3, { validationLoss: 0.4, validationAccuracy: 0.8, testAccuracy: 0.75 }),
    record(4, { validationLoss: 0.4, validationAccuracy: 0.8, testAccuracy: 0.8 }),
    record(5, { validationLoss: 0.3, validationAccuracy: 0.7, testAccuracy: 0.9 }),
  ];

  it("best-validation: highest validation accuracy, ties to lower loss, then the earlier epoch", () => {
    // epochs 2–4 share accuracy 0.8; 3 and 4 share loss 0.4 → epoch 3 (never the test's best, 1)
    expect(selectRecord(records, "best-validation")?.epoch).toBe(3);
    expect(selectRecord(records, "last")?.epoch).toBe(5);
    expect(selectRecord([], "best-validation")).toBeUndefined();
  });

  it("regression ranks by validation R²; a NaN score never wins", () => {
    const regression = [
      record(1, { validationLoss: 2, validationR2: Number.NaN }),
      record(2, { validationLoss: 1, validationR2: 0.3 }),
      record(3, { validationLoss: 0.9, validationR2: 0.5 }),
      record(4, { validationLoss: 0.1, validationR2: 0.49 }),
    ];
    expect(selectRecord(regression, "best-validation")?.epoch).toBe(3);
  });
});

describe("a run with a validation split", () => {
  const base = {
    dataset: { name: "moons", samples: 120, validationFraction: 0.2, seed: 2 },
    model: { kind: "linear", representation: "output" },
    training: { epochs: 6, batchSize: 16, learningRate: 1 },
  } as const;

  it("records validation metrics and the cumulative step; best-validation reports that epoch's test metric", async () => {
    const { data, result } = await runTraining({
      ...base,
      training: { ...base.training, select: "best-validation" },
    } satisfies JobSpecInput);
    // 120 rows: 30 test, 24 validation, 66 training → 5 steps an epoch
    expect([data.train.samples, data.test.samples, data.validation!.samples]).toEqual([66, 30, 24]);
    expect(result.records.map((r) => r.step)).toEqual([5, 10, 15, 20, 25, 30]);
    for (const r of result.records) {
      expect(r.validationLoss).toBeGreaterThan(0);
      expect(r.validationAccuracy).toBeGreaterThanOrEqual(0);
      expect(r.validationAccuracy! * 24).toBeCloseTo(Math.round(r.validationAccuracy! * 24), 9);
      expect(r.validationMse).toBeUndefined();
    }
    const chosen = selectRecord(result.records, "best-validation")!;
    // measured: validation accuracy peaks first at epoch 5 (test 0.867; the last epoch's 0.833)
    expect(chosen.epoch).toBe(5);
    expect(chosen.testAccuracy).not.toBe(result.records[5]!.testAccuracy);
    expect(result.summary.selectedEpoch).toBe(chosen.epoch);
    expect(result.summary.testAccuracy).toBe(chosen.testAccuracy);

    // the same run with select "last": identical records, the last epoch reported
    const last = await runTraining(base satisfies JobSpecInput);
    expect(last.result.records.map((r) => ({ ...r, elapsedMs: 0 }))).toEqual(
      result.records.map((r) => ({ ...r, elapsedMs: 0 })),
    );
    expect(last.result.summary.selectedEpoch).toBe(6);
    expect(last.result.summary.testAccuracy).toBe(result.records[5]!.testAccuracy);
  });

  it("regression records validation MSE and R²; without validationFraction no validation fields", async () => {
    const { result } = await runTraining({
      dataset: { name: "sine", samples: 80, validationFraction: 0.25 },
      model: { kind: "linear", representation: "output" },
      training: { epochs: 2, batchSize: 100 },
    } satisfies JobSpecInput);
    expect(result.records.map((r) => r.step)).toEqual([1, 2]);
    for (const r of result.records) {
      expect(r.validationMse).toBeGreaterThan(0);
      expect(Number.isFinite(r.validationR2)).toBe(true);
      expect(r.validationAccuracy).toBeUndefined();
    }
    const plain = await runTraining({
      dataset: { name: "moons", samples: 40 },
      model: { kind: "linear", representation: "output" },
      training: { epochs: 2, batchSize: 10 },
    } satisfies JobSpecInput);
    expect(plain.result.records.map((r) => r.step)).toEqual([3, 6]);
    for (const r of plain.result.records) {
      expect(Object.keys(r).filter((key) => key.startsWith("validation"))).toEqual([]);
    }
    expect(plain.result.summary.selectedEpoch).toBe(2);
  });
});
