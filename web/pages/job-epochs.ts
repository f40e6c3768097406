/**
 * Everything on the job page that grows by one epoch at a time: the information plane, the
 * learning curves, the provider-usage sums and the metrics table. `append` adds one record to
 * each (a push onto the charts' columns, one table row, three additions); the charts redraw at
 * most once per animation frame. `rebuild` is the render-from-scratch path (used when the page
 * opens on a finished job, and as the bench's baseline).
 */

import { COMPARISON_COLOR, VIRIDIS_GRADIENT } from "../charts/colors.js";
import { InfoPlaneChart } from "../charts/infoplane.js";
import { LineChart } from "../charts/line.js";
import { h } from "../dom.js";
import { fixed, integer, significant, usd } from "../format.js";
import { FrameBatcher } from "../frame.js";
import type { EpochRecord } from "../types.js";
import { type TableColumn, VirtualTable } from "../virtual-table.js";

type Task = "classification" | "regression";

const taskOf = (record: EpochRecord): Task =>
  record.testAccuracy !== undefined || record.trainAccuracy !== undefined
    ? "classification"
    : "regression";

type Column = TableColumn<EpochRecord>;

/** Another run overlaid on the information plane (job-overlay.ts), and its epochs so far. */
export interface Comparison {
  /** The trajectories' names in the chart's values table. */
  readonly mainLabel: string;
  readonly label: string;
  readonly records: readonly EpochRecord[];
}

const MAIN_LABEL = "this run";

const count = (value: number | undefined) => (value === undefined ? "–" : integer(value));

/** The validation split's columns (records of a run with `dataset.validationFraction`). */
function validationColumns(task: Task): Column[] {
  const metric: Column[] =
    task === "classification"
      ? [
          {
            field: "validationAccuracy",
            title: "val acc",
            text: (r) => fixed(r.validationAccuracy),
          },
        ]
      : [
          { field: "validationMse", title: "val MSE", text: (r) => fixed(r.validationMse) },
          { field: "validationR2", title: "val R²", text: (r) => fixed(r.validationR2) },
        ];
  return [
    { field: "validationLoss", title: "val loss", text: (r) => fixed(r.validationLoss) },
    ...metric,
  ];
}

function tableColumns(task: Task, validation: boolean): Column[] {
  const metric: Column[] =
    task === "classification"
      ? [
          { field: "trainAccuracy", title: "train acc", text: (r) => fixed(r.trainAccuracy) },
          { field: "testAccuracy", title: "test acc", text: (r) => fixed(r.testAccuracy) },
        ]
      : [
          { field: "trainMse", title: "train MSE", text: (r) => fixed(r.trainMse) },
          { field: "testMse", title: "test MSE", text: (r) => fixed(r.testMse) },
          { field: "testR2", title: "test R²", text: (r) => fixed(r.testR2) },
        ];
  return [
    { field: "epoch", title: "epoch", text: (r) => String(r.epoch) },
    { field: "trainLoss", title: "train loss", text: (r) => fixed(r.trainLoss) },
    { field: "testLoss", title: "test loss", text: (r) => fixed(r.testLoss) },
    ...metric,
    ...(validation ? validationColumns(task) : []),
    { field: "ixt", title: "I(X;T)", text: (r) => fixed(r.ixt) },
    { field: "ity", title: "I(T;Y)", text: (r) => fixed(r.ity) },
    { field: "ht", title: "H(T)", text: (r) => fixed(r.ht) },
    {
      field: "saturated",
      title: "saturated",
      text: (r) => (r.saturated === undefined ? "–" : r.saturated ? "yes" : "no"),
    },
    { field: "learningRate", title: "η", text: (r) => significant(r.learningRate) },
    {
      field: "compressionPenalty",
      title: "L_comp",
      text: (r) => significant(r.compressionPenalty),
    },
    { field: "submissions", title: "submissions", text: (r) => count(r.submissions) },
    { field: "shotsUsed", title: "shots", text: (r) => count(r.shotsUsed) },
    {
      field: "elapsedMs",
      title: "time (s)",
      text: (r) => (r.elapsedMs == null ? "–" : (r.elapsedMs / 1000).toFixed(2)),
    },
  ];
}

/** Running totals of what the provider was asked for. */
class Usage {
  readonly element: HTMLElement;
  private submissions = 0;
  private shots = 0;
  private cost = 0;
  private evaluations = 0;
  private readonly cells: Record<"submissions" | "shots" | "cost" | "evaluations", HTMLElement>;

  constructor() {
    const cell = (name: string) => h("dd", { "data-usage": name }, "0");
    this.cells = {
      submissions: cell("submissions"),
      shots: cell("shots"),
      cost: cell("cost"),
      evaluations: cell("evaluations"),
    };
    this.element = h(
      "section",
      { class: "panel usage" },
      h("h2", {}, "Provider usage"),
      h(
        "dl",
        {},
        h("dt", {}, "Submissions"),
        this.cells.submissions,
        h("dt", {}, "Shots"),
        this.cells.shots,
        h("dt", {}, "Estimated cost"),
        this.cells.cost,
        h("dt", {}, "Circuit evaluations"),
        this.cells.evaluations,
      ),
    );
    this.render();
  }

  add(record: EpochRecord): void {
    this.submissions += record.submissions ?? 0;
    this.shots += record.shotsUsed ?? 0;
    this.cost += record.estimatedCostUsd ?? 0;
    this.evaluations += record.circuitEvaluations ?? 0;
  }

  render(): void {
    this.cells.submissions.textContent = integer(this.submissions);
    this.cells.shots.textContent = integer(this.shots);
    this.cells.cost.textContent = usd(this.cost);
    this.cells.evaluations.textContent = integer(this.evaluations);
  }
}

/** The charts and table of one task type; created at the first record (which tells the task). */
class EpochPanels {
  readonly infoPlane: InfoPlaneChart;
  private readonly loss: LineChart;
  private readonly metric: LineChart;
  private readonly steering: LineChart;
  private readonly table: VirtualTable<EpochRecord>;
  readonly usage = new Usage();
  /** Everything above that batches its redraws (flushed and disposed together). */
  private readonly views: readonly { flush(): void; dispose(): void }[];

  constructor(
    private readonly root: HTMLElement,
    readonly task: Task,
    epochs: number,
    /** The run has a validation split: its metrics get table columns. */
    validation = false,
  ) {
    const plane = h("div", { class: "plane-cell" });
    const curves = h("div", { class: "curves-cell" });
    const legend = h(
      "div",
      { class: "colorbar" },
      h("span", {}, "epoch 1"),
      h("span", { class: "gradient" }),
      h("span", {}, `epoch ${epochs}`),
    );
    (legend.children[1] as HTMLElement).style.backgroundImage = VIRIDIS_GRADIENT;
    const steeringCell = h("div", { class: "steering-cell" });
    root.append(
      h("div", { class: "chart-grid" }, plane, curves),
      h("div", { class: "chart-grid" }, steeringCell, this.usage.element),
    );
    this.infoPlane = new InfoPlaneChart(plane, {
      title: "Information plane",
      trajectories: [
        { label: MAIN_LABEL, color: null },
        // empty until a run is chosen to compare with
        { label: "comparison", color: COMPARISON_COLOR, marker: "square" },
      ],
      epochs,
      caption: legend,
      valuesTable: true,
    });
    this.loss = new LineChart(curves, {
      title: "Loss",
      yLabel: "loss",
      series: [
        { label: "train", stroke: "#0072b2" },
        { label: "test", stroke: "#d55e00" },
      ],
      height: 170,
    });
    this.metric = new LineChart(curves, {
      title: task === "classification" ? "Accuracy" : "MSE",
      yLabel: task === "classification" ? "accuracy" : "MSE",
      series: [
        { label: "train", stroke: "#0072b2" },
        { label: "test", stroke: "#d55e00" },
      ],
      height: 170,
    });
    this.steering = new LineChart(steeringCell, {
      title: "Effective learning rate and compression penalty",
      yLabel: "η",
      y2Label: "L_comp",
      series: [
        { label: "η", stroke: "#009e73" },
        { label: "L_comp", stroke: "#cc79a7", scale: "penalty" },
      ],
      height: 200,
    });
    this.table = new VirtualTable(
      tableColumns(task, validation),
      { "data-table": "metrics", class: "metrics" },
      (record) => String(record.epoch),
    );
    root.append(h("section", { class: "panel" }, h("h2", {}, "Metrics"), this.table.element));
    this.views = [this.infoPlane, this.loss, this.metric, this.steering, this.table];
  }

  append(record: EpochRecord): void {
    this.infoPlane.setTarget(record.compressionTarget);
    this.infoPlane.append(0, record.epoch, record.ixt, record.ity);
    this.loss.append(record.epoch, [record.trainLoss, record.testLoss]);
    this.metric.append(
      record.epoch,
      this.task === "classification"
        ? [record.trainAccuracy ?? null, record.testAccuracy ?? null]
        : [record.trainMse ?? null, record.testMse ?? null],
    );
    this.steering.append(record.epoch, [record.learningRate, record.compressionPenalty]);
    this.table.push(record);
    this.usage.add(record);
  }

  /** Shows `comparison` as the second trajectory (null: none). */
  showComparison(comparison: Comparison | null): void {
    this.infoPlane.relabel(0, comparison?.mainLabel ?? MAIN_LABEL);
    if (comparison !== null) this.infoPlane.relabel(1, comparison.label);
    this.infoPlane.replace(1, comparison?.records ?? []);
  }

  appendComparison(record: EpochRecord): void {
    this.infoPlane.append(1, record.epoch, record.ixt, record.ity);
  }

  flush(): void {
    for (const view of this.views) view.flush();
    this.usage.render();
  }

  dispose(): void {
    for (const view of this.views) view.dispose();
    this.root.replaceChildren();
  }
}

export class EpochViews {
  private panels: EpochPanels | null = null;
  /** The usage sums are re-rendered once per animation frame, like the charts. */
  private readonly usageFrame = new FrameBatcher(() => this.panels?.usage.render());
  /** Records shown, oldest first (kept for a rebuild). */
  readonly records: EpochRecord[] = [];
  /** The run overlaid on the information plane, kept across rebuilds. */
  private comparison: (Comparison & { readonly records: EpochRecord[] }) | null = null;
  private readonly appendListeners = new Set<(record: EpochRecord) => void>();

  constructor(
    private readonly root: HTMLElement,
    private epochs: number,
  ) {
    root.append(h("p", { class: "muted" }, "No epoch has finished yet."));
  }

  get lastEpoch(): number {
    return this.records.at(-1)?.epoch ?? 0;
  }

  /** The overlaid run's epochs so far (empty without one). */
  get comparisonRecords(): readonly EpochRecord[] {
    return this.comparison?.records ?? [];
  }

  /** Overlays another run's trajectory on the information plane; null removes it. */
  compareWith(comparison: Comparison | null): void {
    this.comparison =
      comparison === null ? null : { ...comparison, records: [...comparison.records] };
    this.panels?.showComparison(this.comparison);
  }

  /** Adds the overlaid run's next epoch. */
  appendComparison(record: EpochRecord): void {
    if (this.comparison === null) return;
    this.comparison.records.push(record);
    this.panels?.appendComparison(record);
  }

  /** Calls `listener` with every record appended from now on; returns its removal. */
  onAppend(listener: (record: EpochRecord) => void): () => void {
    this.appendListeners.add(listener);
    return () => this.appendListeners.delete(listener);
  }

  append(record: EpochRecord): void {
    if (this.panels === null) {
      this.root.replaceChildren();
      this.panels = new EpochPanels(
        this.root,
        taskOf(record),
        Math.max(this.epochs, record.epoch),
        record.validationLoss !== undefined,
      );
      if (this.comparison !== null) this.panels.showComparison(this.comparison);
    }
    this.records.push(record);
    this.panels.append(record);
    this.usageFrame.request();
    for (const listener of this.appendListeners) listener(record);
  }

  /** Draws what is pending now rather than at the next frame. */
  flush(): void {
    this.panels?.flush();
  }

  /** Throws everything away and renders `records` from scratch. */
  rebuild(records: readonly EpochRecord[]): void {
    this.panels?.dispose();
    this.panels = null;
    this.records.length = 0;
    for (const record of records) this.append(record);
    this.flush();
  }

  dispose(): void {
    this.usageFrame.cancel();
    this.panels?.dispose();
  }
}
