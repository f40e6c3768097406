import { describe, expect, it } from "vitest";
import {
  aggregateRow,
  judgeMetricTarget,
  METRIC_TARGETS,
  type ModelRow,
  mergeFragments,
  outcomeOfRun,
  pairedDifferences,
  parseOverride,
  type RunOutcome,
  rowsMarkdown,
  targetLines,
} from "../../bench/models-table.js";
import type { EpochRecord } from "../../src/training/records.js";

function ok(seed: number, metric: number, extra: Partial<RunOutcome> = {}): RunOutcome {
  return {
    seed,
    ok: true,
    metric,
    msPerEpoch: 10,
    ixt: 1,
    ity: 0.5,
    saturated: false,
    ...extra,
  } as RunOutcome;
}

const failed = (seed: number, error: string): RunOutcome => ({ seed, ok: false, error });

const wide2 = METRIC_TARGETS.find((target) => target.dataset === "wide-2")!;

/** A row with the given mean metric and paired Δ (std and spreads irrelevant to targets). */
function row(dataset: string, model: string, mean: number | null, delta: number | null): ModelRow {
  const stat = (value: number | null) => ({ mean: value, std: null, n: value === null ? 0 : 1 });
  return {
    dataset,
    model,
    metric: dataset === "cars" || dataset === "friedman1" ? "testR2" : "testAccuracy",
    runs: 1,
    final: stat(mean),
    deltaVsLinear: stat(delta),
    msPerEpoch: stat(1),
    finalIxt: stat(1),
    finalIty: stat(1),
    saturatedFraction: 0,
    errors: [],
  };
}

describe("spec fragments", () => {
  it("merges objects field by field, replaces scalars and arrays, and copies", () => {
    const base = { model: { kind: "mlp", hidden: [8] }, training: { epochs: 30 } };
    const merged = mergeFragments(base, {
      model: { hidden: [16, 4] },
      training: { seed: 3 },
      dataset: { name: "iris" },
    });
    expect(merged).toEqual({
      model: { kind: "mlp", hidden: [16, 4] },
      training: { epochs: 30, seed: 3 },
      dataset: { name: "iris" },
    });
    expect(base).toEqual({ model: { kind: "mlp", hidden: [8] }, training: { epochs: 30 } });
  });

  it("parses --set values as JSON when they parse, else as text, optionally for one model", () => {
    expect(parseOverride("model.layers=4")).toEqual({
      model: null,
      fragment: { model: { layers: 4 } },
      text: "model.layers=4",
    });
    expect(parseOverride("vqc-best:model.encoding=linear")).toMatchObject({
      model: "vqc-best",
      fragment: { model: { encoding: "linear" } },
    });
    expect(parseOverride("model.hidden=[16,8]").fragment).toEqual({ model: { hidden: [16, 8] } });
    expect(parseOverride("model.reupload=false").fragment).toEqual({
      model: { reupload: false },
    });
    expect(() => parseOverride("layers=4")).toThrow(/section\.field=value/);
    expect(() => parseOverride("model.layers")).toThrow(/--set model\.layers/);
  });
});

describe("run outcomes and rows", () => {
  it("reads the last record's metric, the time per epoch, and saturation (missing = false)", () => {
    const record = { epoch: 30, testAccuracy: 0.875, ixt: 1.25, ity: 0.75 };
    const withoutSaturated = [
      { ...record, epoch: 29, testAccuracy: 0.5 },
      record,
    ] as unknown as EpochRecord[];
    expect(
      outcomeOfRun(2, "testAccuracy", withoutSaturated, { elapsedMs: 600, epochs: 30 }),
    ).toEqual({
      seed: 2,
      ok: true,
      metric: 0.875,
      msPerEpoch: 20,
      ixt: 1.25,
      ity: 0.75,
      saturated: false,
    });
    const saturated = [{ ...record, saturated: true }] as unknown as EpochRecord[];
    expect(
      outcomeOfRun(2, "testAccuracy", saturated, { elapsedMs: 600, epochs: 30 }),
    ).toMatchObject({ saturated: true });
    expect(outcomeOfRun(2, "testR2", saturated, { elapsedMs: 600, epochs: 30 })).toEqual({
      seed: 2,
      ok: false,
      error: "no finite testR2 in the last epoch record",
    });
  });

  it("pairs the differences against the reference by seed, skipping failed pairs", () => {
    const runs = [ok(3, 0.95), ok(1, 0.9), ok(2, 0.8), failed(4, "boom")];
    const linear = [ok(1, 0.85), ok(2, 0.9), failed(3, "boom"), ok(4, 0.7)];
    const differences = pairedDifferences(runs, linear);
    expect(differences).toHaveLength(2);
    expect(differences[0]).toBeCloseTo(0.05, 12);
    expect(differences[1]).toBeCloseTo(-0.1, 12);
  });

  it("aggregates a cell: mean ± sample std, paired Δ, time, saturation, errors", () => {
    const runs = [
      ok(1, 0.9, { msPerEpoch: 10, saturated: true }),
      ok(2, 0.8, { msPerEpoch: 14 }),
      ok(3, 0.95, { msPerEpoch: 12 }),
      failed(4, "spec.dataset.name: unknown"),
      failed(5, "spec.dataset.name: unknown"),
    ];
    const linear = [ok(1, 0.85), ok(2, 0.9), failed(3, "boom")];
    const aggregated = aggregateRow("iris", "vqc", "testAccuracy", runs, linear);
    expect(aggregated.runs).toBe(5);
    expect(aggregated.final.n).toBe(3);
    expect(aggregated.final.mean).toBeCloseTo(0.883333333, 8);
    // deviations 1/60, −5/60, 4/60: sum of squares 42/3600, over n − 1 = 2
    expect(aggregated.final.std).toBeCloseTo(Math.sqrt(42 / 7200), 12);
    // Δ = +0.05, −0.10: mean −0.025, std |0.05 + 0.10| / √2
    expect(aggregated.deltaVsLinear.n).toBe(2);
    expect(aggregated.deltaVsLinear.mean).toBeCloseTo(-0.025, 12);
    expect(aggregated.deltaVsLinear.std).toBeCloseTo(0.15 / Math.SQRT2, 12);
    expect(aggregated.msPerEpoch.mean).toBeCloseTo(12, 12);
    expect(aggregated.msPerEpoch.std).toBeCloseTo(2, 12);
    expect(aggregated.saturatedFraction).toBeCloseTo(1 / 3, 12);
    expect(aggregated.errors).toEqual(["spec.dataset.name: unknown"]);

    const [, , line] = rowsMarkdown([aggregated]);
    expect(line).toBe(
      "| iris | vqc | accuracy 0.883 ± 0.076 | 3/5 | -0.025 ± 0.106 | 12.0 ± 2.0 | 1.000 ± 0.000 | 0.500 ± 0.000 | 0.33 | 2 failed: spec.dataset.name: unknown |",
    );
  });

  it("shows a cell whose every run failed as an error cell with no Δ", () => {
    const aggregated = aggregateRow("wide-4", "mlp", "testAccuracy", [failed(1, "a|b")], null);
    expect(aggregated.final).toEqual({ mean: null, std: null, n: 0 });
    expect(aggregated.deltaVsLinear).toEqual({ mean: null, std: null, n: 0 });
    expect(aggregated.saturatedFraction).toBeNull();
    expect(rowsMarkdown([aggregated])[2]).toBe(
      "| wide-4 | mlp | accuracy — | 0/1 | — | — | — | — | — | 1 failed: a\\|b |",
    );
  });
});

describe("targets", () => {
  it("wide-2 needs accuracy ≥ 0.90 and a paired Δ vs linear ≥ −0.03", () => {
    expect(judgeMetricTarget(wide2, [row("wide-2", "vqc", 0.92, -0.02)], "vqc")).toEqual({
      verdict: "met",
      detail: "0.920, Δ vs linear −0.020",
    });
    expect(judgeMetricTarget(wide2, [row("wide-2", "vqc", 0.92, -0.04)], "vqc").verdict).toBe(
      "not met",
    );
    expect(judgeMetricTarget(wide2, [row("wide-2", "vqc", 0.89, 0.01)], "vqc").verdict).toBe(
      "not met",
    );
    expect(judgeMetricTarget(wide2, [row("wide-2", "vqc", 0.95, null)], "vqc").verdict).toBe(
      "not measured",
    );
    expect(judgeMetricTarget(wide2, [], "vqc")).toEqual({
      verdict: "not measured",
      detail: "not in this run",
    });
  });

  it("writes one verdict line per target and VQC model, and the default-VQC-vs-linear line", () => {
    const rows = [
      row("moons", "vqc", 0.94, 0.01),
      row("moons", "vqc-best", 0.92, -0.01),
      row("iris", "vqc", 0.9, -0.06),
      row("cars", "vqc", 0.81, -0.05),
    ];
    const lines = targetLines(rows, ["vqc", "vqc-best"]);
    expect(lines).toContain(
      "- moons: accuracy ≥ 0.93 — vqc: **met** (0.940); vqc-best: **not met** (0.920)",
    );
    expect(lines).toContain(
      "- cars: R² ≥ 0.80 — vqc: **met** (0.810); vqc-best: **not measured** (not in this run)",
    );
    // cars is regression, so only moons and iris count; iris is 0.06 below linear
    expect(lines.at(-1)).toBe(
      "- default VQC (vqc) within 0.05 of linear on every classification set (mean paired Δ ≥ −0.05) — **not met** (moons +0.010, iris −0.060)",
    );
    // exactly on the margin counts, float rounding included (0.88 − 0.93 = −0.05000000000000004)
    const close = targetLines([row("moons", "vqc", 0.94, 0.88 - 0.93)], ["vqc"]).at(-1);
    expect(close).toMatch(/— \*\*met\*\* \(moons −0\.050\)$/);
  });
});
