/**
 * The experiment page's paired comparisons (with `compare`): the forest plot (median paired
 * difference and its 95 % CI per arm, grouped by metric) and the table of every comparison
 * with its Wilcoxon and Holm p-values. Hidden while there is none.
 */
import { forestMetricName, forestPlotSvg, pairCountText } from "../charts/forest.js";
import { h } from "../dom.js";
import { fixed, significant } from "../format.js";
import type { ExperimentView } from "../types.js";

type Comparison = NonNullable<ExperimentView["comparisons"]>[number];

/** Differences in steps are whole (or half) numbers; metric differences need 4 decimals. */
function difference(comparison: Comparison, value: number | undefined): string {
  return fixed(value, comparison.metric === "stepsToThreshold" ? 1 : 4);
}

function row(comparison: Comparison): HTMLElement {
  const [lo, hi] = comparison.ci95;
  const censored = comparison.censored
    ? `${comparison.censored.arm} / ${comparison.censored.baseline}`
    : "–";
  return h(
    "tr",
    { "data-comparison": `${comparison.arm}|${comparison.metric}` },
    h("td", {}, comparison.arm),
    h("td", {}, comparison.baseline),
    h(
      "td",
      {},
      forestMetricName(comparison.metric) + (comparison.split ? ` (${comparison.split})` : ""),
    ),
    h(
      "td",
      {
        class: "num",
        title: `unpaired: arm ${comparison.unpaired.arm}, baseline ${comparison.unpaired.baseline}${comparison.excluded ? `; excluded: split ${comparison.excluded.split}, budget ${comparison.excluded.budget}` : ""}`,
      },
      pairCountText(comparison),
    ),
    h(
      "td",
      { class: "num" },
      `${difference(comparison, comparison.medianDiff)} [${difference(comparison, lo)}, ${difference(comparison, hi)}]`,
    ),
    h("td", { class: "num" }, significant(comparison.wilcoxonP)),
    h("td", { class: "num" }, significant(comparison.holmP)),
    h("td", { class: "num" }, censored),
  );
}

/** The SVG string as an element (it is built by forestPlotSvg, every text escaped). */
function svgElement(svg: string): Element {
  const parsed = new DOMParser().parseFromString(svg, "image/svg+xml");
  return document.importNode(parsed.documentElement, true);
}

export class ComparisonsPanel {
  readonly element: HTMLElement;
  private readonly heading: HTMLElement;
  private readonly plot: HTMLElement;
  private readonly body: HTMLElement;
  private shown = "";

  constructor() {
    this.heading = h("p", { class: "small" });
    this.plot = h("div", { class: "forest-cell" });
    this.body = h("tbody");
    this.element = h(
      "section",
      { class: "panel", "data-panel": "comparisons", hidden: true },
      h("h2", {}, "Comparisons with the baseline"),
      this.heading,
      this.plot,
      h(
        "table",
        { class: "metrics", "data-table": "comparisons" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ...[
              "arm",
              "baseline",
              "metric",
              "n",
              "median diff [95% CI]",
              "Wilcoxon p",
              "Holm p",
              "censored (arm / baseline)",
            ].map((title) => h("th", {}, title)),
          ),
        ),
        this.body,
      ),
    );
  }

  show(experiment: ExperimentView): void {
    const comparisons = experiment.comparisons ?? [];
    this.element.hidden = comparisons.length === 0;
    // the view is refetched every few seconds: rebuild only when a comparison changed
    const key = JSON.stringify(comparisons);
    if (key === this.shown) return;
    this.shown = key;
    this.heading.textContent =
      `Paired by ${experiment.replicateField}: median of arm − baseline over the seeds ` +
      "with both runs completed (unpaired: a seed completed on one side only), 95 % " +
      "bootstrap CI; filled points: Holm p < 0.05." +
      (experiment.compare ? ` Baseline: ${experiment.compare.baselineArm}.` : "");
    this.plot.replaceChildren(
      ...(comparisons.length > 0 ? [svgElement(forestPlotSvg(comparisons))] : []),
    );
    this.body.replaceChildren(...comparisons.map(row));
  }
}
