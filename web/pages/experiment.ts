/**
 * One experiment: its arms side by side. Overlaid information-plane trajectories (the mean
 * I(X;T), I(T;Y) per epoch across an arm's seeds), learning curves with a mean ± std band, the
 * aggregate table, the paired comparisons with the baseline (forest plot and table) and
 * cancel. While it runs, the view and curves are refetched every 3 s.
 */
import { apiJson, download, post } from "../api.js";
import { seriesColor, withAlpha } from "../charts/colors.js";
import { InfoPlaneChart } from "../charts/infoplane.js";
import { LineChart, type LineSeries } from "../charts/line.js";
import { errorBox, h, mount } from "../dom.js";
import { meanStd, percent, when } from "../format.js";
import type { Page } from "../router.js";
import {
  type ArmCurves,
  type ExperimentView,
  JOB_STATUSES,
  type MeanStd,
  TERMINAL_STATUSES,
} from "../types.js";
import { actionLink, loadFailure, setStatusBadge, statusBadge } from "../widgets.js";
import { ComparisonsPanel } from "./experiment-comparisons.js";

/** The counts shown beside the status: the children's statuses, then the slots not launched. */
const COUNTED = [...JOB_STATUSES, "waiting", "unrunnable"] as const;

const REFRESH_MS = 3_000;

/** Mean, mean − std, mean + std per epoch 1..epochs (null where an arm has no value). */
function bandColumns(
  arms: readonly ArmCurves[],
  pick: (epoch: ArmCurves["epochs"][number]) => MeanStd,
): (number | null)[][] {
  let epochs = 0;
  for (const arm of arms) for (const point of arm.epochs) epochs = Math.max(epochs, point.epoch);
  const x = Array.from({ length: epochs }, (_, i) => i + 1);
  const columns: (number | null)[][] = [x];
  for (const arm of arms) {
    const mean: (number | null)[] = new Array(epochs).fill(null);
    const low: (number | null)[] = new Array(epochs).fill(null);
    const high: (number | null)[] = new Array(epochs).fill(null);
    for (const point of arm.epochs) {
      const { mean: m, std } = pick(point);
      if (m === null) continue;
      const i = point.epoch - 1;
      mean[i] = m;
      low[i] = m - (std ?? 0);
      high[i] = m + (std ?? 0);
    }
    columns.push(mean, low, high);
  }
  return columns;
}

/** Series for each arm: the mean line, then its band's lower and upper edges. */
function bandSeries(arms: readonly { key: string }[]): {
  series: LineSeries[];
  bands: { upper: number; lower: number; fill: string }[];
} {
  const series: LineSeries[] = [];
  const bands: { upper: number; lower: number; fill: string }[] = [];
  arms.forEach((arm, index) => {
    const color = seriesColor(index);
    const base = series.length + 1;
    series.push(
      { label: arm.key, stroke: color, width: 2 },
      { label: `${arm.key} −σ`, stroke: color, bandEdge: true },
      { label: `${arm.key} +σ`, stroke: color, bandEdge: true },
    );
    bands.push({ upper: base + 2, lower: base + 1, fill: withAlpha(color, 0.18) });
  });
  return { series, bands };
}

/**
 * The I* to mark on the overlaid plane: the arms' latest mean I* when every arm with
 * feedback has the same one (to the plotted precision); none when they differ or feedback
 * is off everywhere.
 */
function sharedTarget(arms: readonly ArmCurves[]): number | null {
  const targets = new Set<string>();
  let value: number | null = null;
  for (const arm of arms) {
    const mean = arm.epochs.at(-1)?.compressionTarget.mean ?? null;
    if (mean === null) continue;
    targets.add(mean.toFixed(3));
    value = mean;
  }
  return targets.size === 1 ? value : null;
}
/**
 * "mean ± std (censored / counted, split)" of an arm's steps to the threshold, measured on
 * the validation (else training) split; censored runs count at their budget.
 */
function stepsText(steps: ExperimentView["arms"][number]["stepsToThreshold"]): string {
  return `${meanStd(steps.mean, steps.std, 1)} (${steps.censored} / ${steps.n}${steps.split ? `, ${steps.split}` : ""})`;
}

/** "k / n (share)" of an arm's feedback runs whose L_comp never halved; "–" without feedback. */
function unreachableText(arm: ExperimentView["arms"][number]): string {
  const tally = arm.feedbackUnreachable;
  if (tally === undefined || tally.of === 0) return "–";
  return `${tally.count} / ${tally.of} (${percent(tally.count / tally.of)})`;
}

export function experimentPage(id: string): Page {
  const controller = new AbortController();
  const path = `/v1/experiments/${encodeURIComponent(id)}`;
  const main = mount(h("p", { class: "muted" }, `Loading experiment ${id}…`));
  const charts: { dispose(): void }[] = [];
  let timer = 0;

  const open = (experiment: ExperimentView, curves: readonly ArmCurves[]) => {
    const badge = statusBadge(experiment.status);
    const counts = h("span", { class: "small" });
    const cancel = h(
      "button",
      { type: "button", class: "danger", "data-action": "cancel" },
      "Cancel",
    );
    const csv = h("button", { type: "button", "data-action": "csv" }, "Download CSV");
    const notice = h("div");
    const legend = h("ul", { class: "legend" });
    const planeCell = h("div", { class: "plane-cell" });
    const curvesCell = h("div", { class: "curves-cell" });
    const tableBody = h("tbody");
    const comparisons = new ComparisonsPanel();
    const metricTitle = experiment.metric === "testAccuracy" ? "test accuracy" : experiment.metric;
    main.replaceChildren(
      h(
        "div",
        { class: "page-head" },
        h(
          "div",
          {},
          h("h1", {}, experiment.name ?? "Experiment"),
          h("div", { class: "mono muted small" }, experiment.id),
        ),
        h("div", { class: "head-status" }, badge, counts),
        h(
          "div",
          { class: "actions" },
          actionLink(
            `/experiments/new?from=${encodeURIComponent(experiment.id)}`,
            "Clone",
            "clone",
          ),
          csv,
          cancel,
        ),
      ),
      h(
        "p",
        { class: "small" },
        `grid: ${Object.entries(experiment.grid)
          .map(([field, values]) => `${field} ∈ {${values.join(", ")}}`)
          .join(
            " × ",
          )} · seeds aggregated over ${experiment.replicateField} · threshold ${experiment.threshold.metric} ≥ ${experiment.threshold.value} · created ${when(experiment.createdAt)}`,
      ),
      notice,
      legend,
      h("div", { class: "chart-grid" }, planeCell, curvesCell),
      h(
        "section",
        { class: "panel" },
        h("h2", {}, "Arms"),
        h(
          "table",
          { class: "metrics", "data-table": "arms" },
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              ...[
                "arm",
                "jobs done",
                `final ${metricTitle}`,
                "steps to threshold (censored / counted, split)",
                "final I(X;T)",
                "final I(T;Y)",
                "feedback target unreachable",
              ].map((t) => h("th", {}, t)),
            ),
          ),
          tableBody,
        ),
      ),
      comparisons.element,
    );
    const arms = experiment.arms;
    legend.replaceChildren(
      ...arms.map((arm, index) => {
        const swatch = h("span", { class: "swatch" });
        swatch.style.backgroundColor = seriesColor(index);
        return h("li", {}, swatch, arm.key);
      }),
    );
    const epochs = Math.max(1, ...curves.map((arm) => arm.epochs.length));
    const plane = new InfoPlaneChart(planeCell, {
      title: "Information plane (mean over seeds)",
      trajectories: arms.map((arm, index) => ({ label: arm.key, color: seriesColor(index) })),
      epochs,
    });
    const { series, bands } = bandSeries(arms);
    const loss = new LineChart(curvesCell, {
      title: "Train loss (mean ± std)",
      yLabel: "loss",
      series,
      bands,
      legend: false,
      height: 190,
    });
    const metric = new LineChart(curvesCell, {
      title: `${metricTitle} (mean ± std)`,
      yLabel: metricTitle,
      series,
      bands,
      legend: false,
      height: 190,
    });
    charts.push(plane, loss, metric);

    let cancelling = false;
    let lastCurves = curves;
    const show = (current: ExperimentView, armCurves: readonly ArmCurves[]) => {
      lastCurves = armCurves;
      setStatusBadge(badge, current.status);
      counts.textContent = COUNTED.filter((s) => (current.counts[s] ?? 0) > 0)
        .map((s) => `${current.counts[s]} ${s}`)
        .join(" · ");
      const terminal = TERMINAL_STATUSES.has(current.status);
      cancel.disabled = terminal || cancelling;
      cancel.textContent = cancelling && !terminal ? "Cancelling…" : "Cancel";
      // curves come back in arm order; match by key in case they do not
      const ordered = current.arms.map(
        (arm) =>
          armCurves.find((c) => c.key === arm.key) ?? {
            key: arm.key,
            values: arm.values,
            metric: arm.metric,
            epochs: [],
          },
      );
      ordered.forEach((arm, index) => {
        const points = arm.epochs.map((point) => ({
          epoch: point.epoch,
          ixt: point.ixt.mean,
          ity: point.ity.mean,
        }));
        plane.replace(index, points);
      });
      plane.setTarget(sharedTarget(ordered));
      comparisons.show(current);
      loss.replace(bandColumns(ordered, (point) => point.trainLoss));
      metric.replace(bandColumns(ordered, (point) => point.testMetric));
      tableBody.replaceChildren(
        ...current.arms.map((arm) =>
          h(
            "tr",
            { "data-arm": arm.key },
            h("td", {}, arm.key),
            h("td", { class: "num" }, `${arm.completed} / ${arm.jobs}`),
            h(
              "td",
              { class: "num" },
              `${meanStd(arm.finalMetric.mean, arm.finalMetric.std)} (n=${arm.finalMetric.n})`,
            ),
            h("td", { class: "num" }, stepsText(arm.stepsToThreshold)),
            h("td", { class: "num" }, meanStd(arm.finalIxt.mean, arm.finalIxt.std)),
            h("td", { class: "num" }, meanStd(arm.finalIty.mean, arm.finalIty.std)),
            h("td", { class: "num" }, unreachableText(arm)),
          ),
        ),
      );
    };
    show(experiment, curves);

    cancel.addEventListener("click", () => {
      cancelling = true;
      cancel.disabled = true;
      post<ExperimentView>(`${path}/cancel`)
        .then((updated) => show(updated, lastCurves))
        .catch((error: unknown) => {
          notice.replaceChildren(errorBox(error));
          cancelling = false;
          cancel.disabled = false;
        });
    });
    csv.addEventListener("click", () => {
      download(`${path}?format=csv`, `${id}-arms.csv`).catch((error: unknown) =>
        notice.replaceChildren(errorBox(error)),
      );
    });
    if (!TERMINAL_STATUSES.has(experiment.status)) {
      timer = window.setInterval(() => {
        load()
          .then(([current, armCurves]) => {
            show(current, armCurves);
            if (TERMINAL_STATUSES.has(current.status)) window.clearInterval(timer);
          })
          .catch((error: unknown) => {
            if (!controller.signal.aborted) notice.replaceChildren(errorBox(error));
          });
      }, REFRESH_MS);
    }
  };

  const load = () =>
    Promise.all([
      apiJson<ExperimentView>(path, { signal: controller.signal }),
      apiJson<{ arms: ArmCurves[] }>(`${path}/curves`, { signal: controller.signal }).then(
        (body) => body.arms,
      ),
    ]);

  load()
    .then(([experiment, curves]) => open(experiment, curves))
    .catch((error: unknown) => {
      if (controller.signal.aborted) return;
      main.replaceChildren(
        ...loadFailure(error, `No experiment ${id}.`, {
          href: "/experiments",
          label: "All experiments",
        }),
      );
    });

  return {
    dispose() {
      controller.abort();
      window.clearInterval(timer);
      for (const chart of charts) chart.dispose();
    },
  };
}
