/**
 * Training curves of one run as small multiples sharing the epoch axis:
 *   1. train/test loss;
 *   2. train/test accuracy (classification) and/or train/test MSE (regression) — a panel is
 *      drawn for each metric some record carries;
 *   3. the effective learning rate (what the "lr" feedback mode did);
 *   4. the compression penalty L_comp (what the feedback saw).
 *
 * Like `infoPlaneSpec`, `curvesSpec` reads the named dataset `metrics` (one row per epoch,
 * the EpochRecord field names), so a live view can append rows without a new spec.
 */
import type { EpochRecord } from "../training/records.js";
import { renderSvg, type TopLevelSpec } from "./render.js";

export const CURVES_DATASET = "metrics";

export interface CurvesOptions {
  /** Chart title (default "Training curves"). */
  readonly title?: string;
  /** Width of every panel's plot area in pixels (default 420). */
  readonly width?: number;
  /** Height of every panel's plot area in pixels (default 110). */
  readonly panelHeight?: number;
}

/** The record fields the curves read. */
const CURVE_FIELDS = [
  "epoch",
  "trainLoss",
  "testLoss",
  "trainAccuracy",
  "testAccuracy",
  "trainMse",
  "testMse",
  "learningRate",
  "compressionPenalty",
] as const satisfies readonly (keyof EpochRecord)[];

type CurveField = (typeof CURVE_FIELDS)[number];

/** One panel: its y-axis title and the record fields drawn in it. */
export interface CurvePanel {
  readonly id: "loss" | "accuracy" | "mse" | "learningRate" | "compressionPenalty";
  readonly title: string | readonly string[];
  /** Two fields → train/test series; one field → a single line. */
  readonly fields: readonly [CurveField] | readonly [CurveField, CurveField];
  /** A fixed y domain (accuracy: [0, 1]). */
  readonly domain?: readonly [number, number];
  /** Anchor the y axis at 0 (non-negative quantities); the learning rate floats. */
  readonly zero: boolean;
}

const has = (records: readonly EpochRecord[], field: keyof EpochRecord) =>
  records.some((record) => typeof record[field] === "number");

/** The panels drawn for these records, top to bottom. */
export function curvePanels(records: readonly EpochRecord[]): CurvePanel[] {
  const panels: CurvePanel[] = [
    { id: "loss", title: "loss", fields: ["trainLoss", "testLoss"], zero: true },
  ];
  if (has(records, "trainAccuracy") || has(records, "testAccuracy")) {
    panels.push({
      id: "accuracy",
      title: "accuracy",
      fields: ["trainAccuracy", "testAccuracy"],
      domain: [0, 1],
      zero: true,
    });
  }
  if (has(records, "trainMse") || has(records, "testMse")) {
    panels.push({ id: "mse", title: "MSE", fields: ["trainMse", "testMse"], zero: true });
  }
  panels.push(
    { id: "learningRate", title: "learning rate", fields: ["learningRate"], zero: false },
    {
      id: "compressionPenalty",
      title: ["compression", "penalty L_comp"],
      fields: ["compressionPenalty"],
      zero: true,
    },
  );
  return panels;
}

function positiveSize(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`curvesSpec: ${name} must be a positive number, got ${value}`);
  }
  return value;
}

const SERIES_COLORS = { train: "#1f77b4", test: "#ff7f0e" } as const;
const SINGLE_COLOR = "#2ca02c";
/** Point marks on the lines only while they stay readable. */
const MAX_EPOCHS_WITH_POINTS = 60;

type ConcatPanel = Extract<TopLevelSpec, { vconcat: unknown }>["vconcat"][number];

/**
 * The y scale of a panel. A constant series (a fixed learning rate, a penalty of 0 with the
 * feedback off) would give a zero-width domain and one meaningless tick: it is shown against
 * 0 instead, and an all-zero series against [0, 1].
 */
function yScale(panel: CurvePanel, records: readonly EpochRecord[]) {
  if (panel.domain !== undefined) return { domain: [...panel.domain] };
  const values = records.flatMap((record) =>
    panel.fields.map((field) => record[field]).filter((v): v is number => Number.isFinite(v)),
  );
  if (values.length > 0 && values.every((value) => value === values[0])) {
    return values[0] === 0 ? { domain: [0, 1] } : { zero: true };
  }
  return { zero: panel.zero };
}

function panelSpec(
  panel: CurvePanel,
  records: readonly EpochRecord[],
  width: number,
  height: number,
  showPoints: boolean,
  isLast: boolean,
): ConcatPanel {
  const x = {
    field: "epoch",
    type: "quantitative",
    title: isLast ? "epoch" : null,
    axis: { format: "d", tickMinStep: 1 },
  } as const;
  const y = {
    field: "value",
    type: "quantitative",
    title: typeof panel.title === "string" ? panel.title : [...panel.title],
    scale: yScale(panel, records),
  } as const;
  const point = (color?: string) =>
    showPoints ? { filled: true, size: 18, ...(color === undefined ? {} : { color }) } : false;
  const mark = { type: "line", strokeWidth: 1.5 } as const;
  const valid = "isValid(datum.value) && isFinite(datum.value)";

  if (panel.fields.length === 2) {
    const [trainField, testField] = panel.fields;
    return {
      width,
      height,
      data: { name: CURVES_DATASET },
      transform: [
        { fold: [trainField, testField], as: ["key", "value"] },
        { filter: valid },
        { calculate: `datum.key === '${trainField}' ? 'train' : 'test'`, as: "series" },
      ],
      mark: { ...mark, point: point() },
      encoding: {
        x,
        y,
        color: {
          field: "series",
          type: "nominal",
          scale: { domain: ["train", "test"], range: [SERIES_COLORS.train, SERIES_COLORS.test] },
          legend: { title: null, orient: "top-right" },
        },
      },
    };
  }
  const [field] = panel.fields;
  return {
    width,
    height,
    data: { name: CURVES_DATASET },
    transform: [{ calculate: `datum.${field}`, as: "value" }, { filter: valid }],
    mark: { ...mark, color: SINGLE_COLOR, point: point(SINGLE_COLOR) },
    encoding: { x, y },
  };
}

/** The Vega-Lite spec of the training curves (data inline, no URLs). */
export function curvesSpec(
  records: readonly EpochRecord[],
  options: CurvesOptions = {},
): TopLevelSpec {
  const width = positiveSize("width", options.width, 420);
  const height = positiveSize("panelHeight", options.panelHeight, 110);
  const rows = records.map((record) => {
    const row: Partial<Record<CurveField, number>> = {};
    for (const field of CURVE_FIELDS) {
      const value = record[field];
      if (typeof value === "number") row[field] = value;
    }
    return row;
  });
  const showPoints = records.length <= MAX_EPOCHS_WITH_POINTS;
  const panels = curvePanels(records);
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: options.title ?? "Training curves",
    datasets: { [CURVES_DATASET]: rows },
    vconcat: panels.map((panel, index) =>
      panelSpec(panel, records, width, height, showPoints, index === panels.length - 1),
    ),
    spacing: 12,
    resolve: { scale: { x: "shared", y: "independent", color: "shared" } },
  };
}

/** The training curves as standalone SVG text. */
export function curvesSvg(
  records: readonly EpochRecord[],
  options: CurvesOptions = {},
): Promise<string> {
  return renderSvg(curvesSpec(records, options));
}
