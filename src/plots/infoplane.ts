/**
 * The information plane of one run: I(X;T) on x, I(T;Y) on y, one point per epoch joined in
 * epoch order and coloured by epoch, plus the compression target I* as a vertical rule.
 *
 * `infoPlaneSpec` is the reusable part (CLI run folder, HTTP API, dashboard): a plain
 * Vega-Lite spec whose points live in the named dataset `metrics` (see `INFOPLANE_DATASET`),
 * so a live view can append epochs with `view.insert(...)` instead of rebuilding the spec.
 */
import type { EpochRecord } from "../training/records.js";
import { renderSvg, type TopLevelSpec } from "./render.js";

/** Name of the inline dataset holding one row per epoch. */
export const INFOPLANE_DATASET = "metrics";

export const IXT_TITLE = "I(X;T) [bits]";
export const ITY_TITLE = "I(T;Y) [bits]";

export interface InfoPlaneOptions {
  /** Chart title (default "Information plane"). */
  readonly title?: string;
  /**
   * Compression target I* in bits, drawn as a labelled vertical rule. `null` draws no rule;
   * omitted, it is taken from the records (the last non-null `compressionTarget`).
   */
  readonly target?: number | null;
  /** Plot area size in pixels (default 420 × 320; legend and axes come on top). */
  readonly width?: number;
  readonly height?: number;
}

/** The row shape of the `metrics` dataset. */
export interface InfoPlanePoint {
  readonly epoch: number;
  readonly ixt: number;
  readonly ity: number;
}

/** The last non-null compression target of a run, or null when feedback was off. */
export function compressionTargetOf(records: readonly EpochRecord[]): number | null {
  for (let i = records.length - 1; i >= 0; i--) {
    const target = records[i]!.compressionTarget;
    if (target !== null && target !== undefined) return target;
  }
  return null;
}

function resolveTarget(records: readonly EpochRecord[], target: number | null | undefined) {
  if (target === undefined) {
    const derived = compressionTargetOf(records);
    return derived !== null && Number.isFinite(derived) ? derived : null;
  }
  if (target !== null && !Number.isFinite(target)) {
    throw new RangeError(`infoPlaneSpec: target must be a finite number of bits, got ${target}`);
  }
  return target;
}

function positiveSize(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`infoPlaneSpec: ${name} must be a positive number, got ${value}`);
  }
  return value;
}

/** "exact probabilities" or "plugin estimate, 1024 shots", from the last record. */
function estimatorSubtitle(records: readonly EpochRecord[]): string | undefined {
  const last = records.at(-1);
  if (last === undefined) return undefined;
  if (last.estimator === "exact") return "exact probabilities";
  return `${last.estimator} estimate, ${last.shots} shots`;
}

function formatBits(value: number): string {
  return String(Number(value.toPrecision(3)));
}

/** The Vega-Lite spec of the information plane (data inline, no URLs). */
export function infoPlaneSpec(
  records: readonly EpochRecord[],
  options: InfoPlaneOptions = {},
): TopLevelSpec {
  const width = positiveSize("width", options.width, 420);
  const height = positiveSize("height", options.height, 320);
  const target = resolveTarget(records, options.target);
  const points: InfoPlanePoint[] = records.map(({ epoch, ixt, ity }) => ({ epoch, ixt, ity }));
  const subtitle = estimatorSubtitle(records);

  // bits are a ratio scale: anchor both axes at 0; with nothing above 0 to show (an empty
  // run, or a representation that carries no information yet) use [0, 1] bit
  const scale = (values: number[]) =>
    values.some((value) => Number.isFinite(value) && value !== 0)
      ? { zero: true }
      : { domain: [0, 1] };
  const xScale = scale([...points.map((point) => point.ixt), ...(target === null ? [] : [target])]);
  const yScale = scale(points.map((point) => point.ity));
  const x = { field: "ixt", type: "quantitative", title: IXT_TITLE, scale: xScale } as const;
  const y = { field: "ity", type: "quantitative", title: ITY_TITLE, scale: yScale } as const;

  const layers: NonNullable<Extract<TopLevelSpec, { layer: unknown }>["layer"]> = [
    {
      // the trajectory: points joined in epoch order, not in x order
      mark: { type: "line", color: "#a0a0a0", strokeWidth: 1.25 },
      encoding: { x, y, order: { field: "epoch", type: "quantitative" } },
    },
    {
      mark: { type: "point", filled: true, size: 45, opacity: 0.95, tooltip: true },
      encoding: {
        x,
        y,
        color: {
          field: "epoch",
          type: "quantitative",
          scale: { scheme: "viridis" },
          legend: points.length === 0 ? null : { title: "epoch", format: "d", tickMinStep: 1 },
        },
      },
    },
  ];

  if (target !== null) {
    const label = `I* = ${formatBits(target)} bits`;
    // label on the rule's right, unless the rule sits in the right quarter of the x range
    const xMax = Math.max(target, ...points.map((point) => point.ixt).filter(Number.isFinite));
    const labelLeft = xMax > 0 && target > 0.75 * xMax;
    const ruleData = { values: [{ target }] };
    layers.push(
      {
        data: ruleData,
        mark: { type: "rule", color: "#d62728", strokeDash: [6, 4], strokeWidth: 1.5 },
        encoding: {
          x: { field: "target", type: "quantitative", title: IXT_TITLE },
          description: { value: label },
        },
      },
      {
        data: ruleData,
        mark: {
          type: "text",
          text: "I*",
          color: "#d62728",
          align: labelLeft ? "right" : "left",
          baseline: "top",
          dx: labelLeft ? -4 : 4,
          dy: 4,
          fontWeight: "bold",
        },
        encoding: {
          x: { field: "target", type: "quantitative", title: IXT_TITLE },
          y: { value: 0 },
          description: { value: label },
        },
      },
    );
  }

  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: options.title ?? "Information plane",
      ...(subtitle === undefined ? {} : { subtitle }),
    },
    width,
    height,
    datasets: { [INFOPLANE_DATASET]: points },
    data: { name: INFOPLANE_DATASET },
    layer: layers,
    config: { axis: { titleFontSize: 12 } },
  };
}

/** The information plane as standalone SVG text. */
export function infoPlaneSvg(
  records: readonly EpochRecord[],
  options: InfoPlaneOptions = {},
): Promise<string> {
  return renderSvg(infoPlaneSpec(records, options));
}
