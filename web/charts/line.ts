/**
 * A line chart over epochs (uPlot), fed by appending: `append(x, ys)` pushes onto the column
 * arrays uPlot already holds and schedules one `setData` per animation frame, so an epoch costs
 * a push and the chart redraws at most once per frame, whatever the arrival rate.
 */
import uPlot from "uplot";
import { FrameBatcher } from "../frame.js";
import { EPOCH_INCREMENTS, tickValues } from "./axes.js";
import { fitWidth, initialWidth } from "./size.js";

export interface LineSeries {
  readonly label: string;
  readonly stroke: string;
  /** Scale key; series on another scale get an axis on the right. @defaultValue "y" */
  readonly scale?: string;
  readonly dash?: readonly number[];
  /** Band edges draw no line and have no legend entry of their own. */
  readonly bandEdge?: boolean;
  readonly width?: number;
}

export interface LineChartOptions {
  readonly title: string;
  readonly series: readonly LineSeries[];
  readonly yLabel: string;
  /** Label of the right-hand axis, when any series uses another scale. */
  readonly y2Label?: string;
  readonly logScale?: boolean;
  readonly height?: number;
  /** Pairs of series indices (1-based, as uPlot counts) to fill between, with the fill. */
  readonly bands?: readonly {
    readonly upper: number;
    readonly lower: number;
    readonly fill: string;
  }[];
  readonly legend?: boolean;
}

export class LineChart {
  readonly element: HTMLElement;
  private readonly plot: uPlot;
  /** x then one column per series; the same arrays are handed to uPlot on every update. */
  private readonly columns: (number | null)[][];
  private readonly frames = new FrameBatcher(() =>
    this.plot.setData(this.columns as uPlot.AlignedData),
  );
  private readonly stopResize: () => void;

  constructor(parent: HTMLElement, options: LineChartOptions) {
    this.element = document.createElement("figure");
    this.element.className = "chart";
    parent.append(this.element);
    this.columns = [[], ...options.series.map(() => [])];
    const height = options.height ?? 220;
    const secondScale = options.series.find((s) => s.scale !== undefined && s.scale !== "y")?.scale;
    const axes: uPlot.Axis[] = [
      {
        label: "epoch",
        stroke: "#444",
        grid: { stroke: "#eee" },
        incrs: EPOCH_INCREMENTS,
        values: tickValues,
      },
      {
        label: options.yLabel,
        stroke: "#444",
        grid: { stroke: "#eee" },
        size: 60,
        values: tickValues,
      },
    ];
    if (secondScale !== undefined) {
      axes.push({
        scale: secondScale,
        side: 1,
        label: options.y2Label ?? "",
        grid: { show: false },
        size: 60,
        values: tickValues,
      });
    }
    const scales: uPlot.Scales = { x: { time: false } };
    if (options.logScale) scales.y = { distr: 3 };
    this.plot = new uPlot(
      {
        title: options.title,
        width: initialWidth(parent),
        height,
        scales,
        axes,
        legend: { show: options.legend ?? true, live: false },
        cursor: { drag: { x: true, y: false } },
        series: [
          { label: "epoch" },
          ...options.series.map(
            (series): uPlot.Series =>
              series.bandEdge
                ? {
                    label: series.label,
                    stroke: "transparent",
                    width: 0,
                    points: { show: false },
                    scale: series.scale ?? "y",
                  }
                : {
                    label: series.label,
                    stroke: series.stroke,
                    width: series.width ?? 1.5,
                    scale: series.scale ?? "y",
                    dash: series.dash ? [...series.dash] : undefined,
                    points: { show: false },
                    spanGaps: false,
                  },
          ),
        ],
        bands: options.bands?.map((band) => ({
          series: [band.upper, band.lower],
          fill: band.fill,
        })),
      },
      this.columns as uPlot.AlignedData,
      this.element,
    );
    this.stopResize = fitWidth(this.plot, parent, height);
  }

  get length(): number {
    return this.columns[0]!.length;
  }

  /** Adds one x value and one value per series (null = gap); drawn on the next frame. */
  append(x: number, values: readonly (number | null)[]): void {
    this.columns[0]!.push(x);
    for (let i = 1; i < this.columns.length; i++) this.columns[i]!.push(values[i - 1] ?? null);
    this.frames.request();
  }

  /** Replaces every column (the experiment page refreshes whole curves). */
  replace(columns: readonly (readonly (number | null)[])[]): void {
    for (const [i, target] of this.columns.entries()) {
      target.length = 0;
      for (const value of columns[i] ?? []) target.push(value);
    }
    this.frames.request();
  }

  /** Draws pending appends now (instead of on the next frame). */
  flush(): void {
    this.frames.flush();
  }

  dispose(): void {
    this.frames.cancel();
    this.stopResize();
    this.plot.destroy();
  }
}
