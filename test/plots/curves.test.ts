import { describe, expect, it } from "vitest";
import { CURVES_DATASET, curvePanels, curvesSpec, curvesSvg } from "../../src/plots/curves.js";
import { classificationRecords, regressionRecords } from "./fixtures.js";
import { ariaFields, elements, marks, pathVertices, texts } from "./svg.js";

/** Titles of the y axes, top to bottom, from vega's axis aria-labels. */
function yAxisTitles(svg: string): string[] {
  return elements(svg)
    .map((element) => /^Y-axis titled '([^']*)'/.exec(element.attrs["aria-label"] ?? "")?.[1])
    .filter((title): title is string => title !== undefined);
}

describe("curvesSvg", () => {
  it("stacks loss, accuracy, learning rate and penalty panels for classification", async () => {
    const records = classificationRecords(8);
    const svg = await curvesSvg(records);
    expect(svg.startsWith("<svg ")).toBe(true);
    expect(yAxisTitles(svg)).toEqual([
      "loss",
      "accuracy",
      "learning rate",
      "compression penalty L_comp",
    ]);
    expect(texts(svg)).toEqual(expect.arrayContaining(["epoch", "train", "test"]));
    expect(texts(svg)).not.toContain("MSE");
    // train + test lines in loss and accuracy, one line each in the other two panels
    const lines = marks(svg, "line mark");
    expect(lines).toHaveLength(6);
    for (const line of lines) expect(pathVertices(line.attrs.d!)).toHaveLength(records.length);
  });

  it("draws the MSE panel (and no accuracy panel) for regression", async () => {
    const records = regressionRecords(8);
    const svg = await curvesSvg(records);
    expect(yAxisTitles(svg)).toEqual([
      "loss",
      "MSE",
      "learning rate",
      "compression penalty L_comp",
    ]);
    expect(texts(svg)).not.toContain("accuracy");
  });

  it("plots the record values: the points of the test-accuracy series", async () => {
    const records = classificationRecords(5);
    const svg = await curvesSvg(records);
    const accuracyPoints = marks(svg, "point")
      .map(ariaFields)
      .filter((fields) => fields.series === "test" && fields.accuracy !== undefined);
    expect(accuracyPoints.map((fields) => Number(fields.epoch))).toEqual([1, 2, 3, 4, 5]);
    accuracyPoints.forEach((fields, index) => {
      expect(Number(fields.accuracy)).toBeCloseTo(records[index]!.testAccuracy!, 9);
    });
  });

  it("skips absent values instead of drawing them as zero", async () => {
    // epoch 2 has no test accuracy (e.g. evaluation skipped)
    const records = classificationRecords(4).map((record) =>
      record.epoch === 2 ? { ...record, testAccuracy: undefined } : record,
    );
    const svg = await curvesSvg(records);
    const testAccuracy = marks(svg, "point")
      .map(ariaFields)
      .filter((fields) => fields.series === "test" && fields.accuracy !== undefined)
      .map((fields) => Number(fields.epoch));
    expect(testAccuracy).toEqual([1, 3, 4]);
  });
});

describe("curvesSvg y scales", () => {
  function yAxisRanges(svg: string): Record<string, string> {
    const ranges: Record<string, string> = {};
    for (const element of elements(svg)) {
      const match = /^Y-axis titled '([^']*)' for a linear scale with values from (.*)$/.exec(
        element.attrs["aria-label"] ?? "",
      );
      if (match) ranges[match[1]!] = match[2]!;
    }
    return ranges;
  }

  it("shows a constant learning rate against 0 and an all-zero penalty on [0, 1]", async () => {
    // fixture: feedback off, learning rate fixed at 0.05, penalty 0 in every epoch
    const ranges = yAxisRanges(await curvesSvg(classificationRecords(5)));
    expect(ranges["learning rate"]).toBe("0.00 to 0.05");
    expect(ranges["compression penalty L_comp"]).toBe("0.0 to 1.0");
    expect(ranges.accuracy).toBe("0.0 to 1.0");
  });

  it("lets a varying learning rate float (no zero anchor)", async () => {
    const records = classificationRecords(5).map((record) => ({
      ...record,
      learningRate: 0.1 + 0.01 * record.epoch,
      compressionPenalty: 0.2 / record.epoch,
    }));
    const ranges = yAxisRanges(await curvesSvg(records));
    expect(ranges["learning rate"]).toBe("0.11 to 0.15");
    expect(ranges["compression penalty L_comp"]).toBe("0.00 to 0.20");
  });
});

describe("curvePanels / curvesSpec", () => {
  it("chooses panels from the fields present", () => {
    expect(curvePanels(classificationRecords(2)).map((panel) => panel.id)).toEqual([
      "loss",
      "accuracy",
      "learningRate",
      "compressionPenalty",
    ]);
    expect(curvePanels(regressionRecords(2)).map((panel) => panel.id)).toEqual([
      "loss",
      "mse",
      "learningRate",
      "compressionPenalty",
    ]);
  });

  it("keeps the rows inline in the named dataset", () => {
    const records = regressionRecords(3);
    const spec = curvesSpec(records) as unknown as { datasets: Record<string, object[]> };
    expect(spec.datasets[CURVES_DATASET]).toHaveLength(3);
    expect(spec.datasets[CURVES_DATASET]![0]).toEqual({
      epoch: 1,
      trainLoss: 0.5,
      testLoss: 0.6,
      trainMse: 0.5,
      testMse: 0.6,
      learningRate: records[0]!.learningRate,
      compressionPenalty: 0,
    });
    expect(JSON.stringify(spec)).not.toMatch(/"url"/);
  });
});
