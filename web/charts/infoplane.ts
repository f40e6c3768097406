/**
 * The information plane: I(X;T) across, I(T;Y) up, one point per epoch joined in epoch order,
 * with the compression target I* as a dashed vertical line. uPlot's xy mode (mode 2) draws the
 * axes and scales; the points are drawn in its `draw` hook because they are coloured one by one
 * (by epoch for a single job, by arm when several trajectories are overlaid).
 *
 * Appends push onto the column arrays uPlot holds and redraw at most once per animation frame.
 * The container's `data-points` attribute is the number of points drawn by the last redraw
 * (what the browser test waits on). With `valuesTable`, the figure also holds the drawn values
 * as a table (infoplane-values.ts) for screen readers and tests.
 */
import uPlot from "uplot";
import { FrameBatcher } from "../frame.js";
import { tickValues } from "./axes.js";
import { epochColor } from "./colors.js";
import { InfoPlaneValues, type TrackValues } from "./infoplane-values.js";
import { fitWidth, initialWidth } from "./size.js";

export interface Trajectory {
  readonly label: string;
  /** Fixed colour, or null to colour each point by its epoch (viridis). */
  readonly color: string | null;
  /** Point shape (overlaid runs differ in shape as well as colour). @defaultValue "circle" */
  readonly marker?: "circle" | "square";
}

export interface InfoPlaneOptions {
  readonly title: string;
  readonly trajectories: readonly Trajectory[];
  /** Epochs the run will have, for the colour scale (grows if exceeded). */
  readonly epochs: number;
  readonly height?: number;
  /** Shown under the plot, above the values table (the job page's colour bar). */
  readonly caption?: HTMLElement;
  /** Also show the drawn values as a table (collapsed until opened). @defaultValue false */
  readonly valuesTable?: boolean;
}

interface Track extends TrackValues {
  readonly xs: number[];
  readonly ys: number[];
  readonly epochs: number[];
  readonly color: string | null;
  readonly marker: "circle" | "square";
  label: string;
}

/** Padded [min, max] of a scale's data, widened to include `also` (I* on the x axis). */
function paddedRange(
  min: number | null,
  max: number | null,
  also: number | null,
): uPlot.Range.MinMax {
  let low = min ?? also ?? 0;
  let high = max ?? also ?? 1;
  if (also !== null) {
    low = Math.min(low, also);
    high = Math.max(high, also);
  }
  const span = high - low;
  const pad = span > 1e-9 ? span * 0.08 : Math.max(Math.abs(high) * 0.05, 0.05);
  return [Math.max(0, low - pad), high + pad];
}

export class InfoPlaneChart {
  readonly element: HTMLElement;
  private readonly plot: uPlot;
  private readonly tracks: Track[];
  private readonly data: uPlot.AlignedData;
  private target: number | null = null;
  private epochs: number;
  private readonly frames = new FrameBatcher(() => this.plot.setData(this.data));
  private readonly stopResize: () => void;
  private readonly values: InfoPlaneValues | null;

  constructor(parent: HTMLElement, options: InfoPlaneOptions) {
    this.element = document.createElement("figure");
    this.element.className = "chart infoplane";
    this.element.dataset.points = "0";
    parent.append(this.element);
    this.epochs = Math.max(1, options.epochs);
    this.tracks = options.trajectories.map((trajectory) => ({
      xs: [],
      ys: [],
      epochs: [],
      color: trajectory.color,
      marker: trajectory.marker ?? "circle",
      label: trajectory.label,
    }));
    this.data = [
      null,
      ...this.tracks.map((track) => [track.xs, track.ys]),
    ] as unknown as uPlot.AlignedData;
    const height = options.height ?? 360;
    this.plot = new uPlot(
      {
        mode: 2,
        title: options.title,
        width: initialWidth(parent),
        height,
        legend: { show: false },
        cursor: { show: false },
        scales: {
          x: { time: false, range: (_u, min, max) => paddedRange(min, max, this.target) },
          y: { range: (_u, min, max) => paddedRange(min, max, null) },
        },
        axes: [
          { label: "I(X;T) [bits]", stroke: "#444", grid: { stroke: "#eee" }, values: tickValues },
          {
            label: "I(T;Y) [bits]",
            stroke: "#444",
            grid: { stroke: "#eee" },
            size: 64,
            values: tickValues,
          },
        ],
        series: [
          {},
          ...options.trajectories.map(
            (trajectory): uPlot.Series => ({
              label: trajectory.label,
              // drawn by the hook below (per-point colours)
              paths: () => null,
              points: { show: false },
            }),
          ),
        ],
        hooks: { draw: [(u) => this.draw(u)] },
      },
      this.data,
      this.element,
    );
    this.stopResize = fitWidth(this.plot, parent, height);
    if (options.caption !== undefined) this.element.append(options.caption);
    this.values = options.valuesTable ? new InfoPlaneValues(this.element, this.tracks) : null;
  }

  /** Points currently held (drawn by the next frame). */
  get points(): number {
    let count = 0;
    for (const track of this.tracks) count += track.xs.length;
    return count;
  }

  /** The compression target I* in bits (null: none marked). */
  setTarget(target: number | null): void {
    if (target === this.target) return;
    this.target = target;
    this.frames.request();
  }

  /** Trajectory `index`; an index past the tracks the chart was made with is a caller's bug. */
  private trackAt(index: number) {
    const track = this.tracks[index];
    if (track === undefined) {
      throw new RangeError(
        `infoplane chart: no trajectory ${index} (it has ${this.tracks.length})`,
      );
    }
    return track;
  }

  /** Adds a point to trajectory `index`; epochs without both values are skipped. */
  append(index: number, epoch: number, ixt: number | null, ity: number | null): void {
    if (ixt === null || ity === null || !Number.isFinite(ixt) || !Number.isFinite(ity)) return;
    const track = this.trackAt(index);
    track.xs.push(ixt);
    track.ys.push(ity);
    track.epochs.push(epoch);
    if (epoch > this.epochs) this.epochs = epoch;
    this.frames.request();
  }

  /** Replaces trajectory `index` (the experiment page refreshes whole curves). */
  replace(
    index: number,
    points: readonly { epoch: number; ixt: number | null; ity: number | null }[],
  ): void {
    const track = this.trackAt(index);
    track.xs.length = 0;
    track.ys.length = 0;
    track.epochs.length = 0;
    for (const point of points) this.append(index, point.epoch, point.ixt, point.ity);
    this.frames.request();
  }

  /** Renames trajectory `index` (in the values table; the page's legend is its own). */
  relabel(index: number, label: string): void {
    const track = this.tracks[index];
    if (track === undefined || track.label === label) return;
    track.label = label;
    this.frames.request();
  }

  /** Draws pending appends now (instead of on the next frame). */
  flush(): void {
    this.frames.flush();
  }

  private draw(u: uPlot): void {
    const ctx = u.ctx;
    const { left, top, width, height } = u.bbox;
    const ratio = devicePixelRatio || 1;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();

    if (this.target !== null) {
      const x = u.valToPos(this.target, "x", true);
      ctx.strokeStyle = "#c0392b";
      ctx.lineWidth = 1.5 * ratio;
      ctx.setLineDash([6 * ratio, 4 * ratio]);
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, top + height);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = "#c0392b";
      ctx.font = `${12 * ratio}px system-ui, sans-serif`;
      ctx.fillText(`I* = ${this.target.toFixed(3)}`, x + 4 * ratio, top + 14 * ratio);
    }

    let drawn = 0;
    const radius = 3.5 * ratio;
    for (const track of this.tracks) {
      const n = track.xs.length;
      if (n === 0) continue;
      // the path in epoch order, then the points over it
      ctx.strokeStyle = track.color ?? "rgba(90,90,90,0.45)";
      ctx.lineWidth = (track.color === null ? 1 : 2) * ratio;
      ctx.beginPath();
      for (let i = 0; i < n; i++) {
        const x = u.valToPos(track.xs[i]!, "x", true);
        const y = u.valToPos(track.ys[i]!, "y", true);
        if (i === 0) ctx.moveTo(x, y);
        else ctx.lineTo(x, y);
      }
      ctx.stroke();
      for (let i = 0; i < n; i++) {
        const x = u.valToPos(track.xs[i]!, "x", true);
        const y = u.valToPos(track.ys[i]!, "y", true);
        const r = i === n - 1 ? radius * 1.5 : radius;
        ctx.fillStyle = track.color ?? epochColor(track.epochs[i]!, this.epochs);
        ctx.beginPath();
        if (track.marker === "square") ctx.rect(x - r, y - r, 2 * r, 2 * r);
        else ctx.arc(x, y, r, 0, 2 * Math.PI);
        ctx.fill();
      }
      drawn += n;
    }
    ctx.restore();
    this.element.dataset.points = String(drawn);
    this.values?.render();
  }

  dispose(): void {
    this.frames.cancel();
    this.stopResize();
    this.plot.destroy();
  }
}
