/**
 * Forest plot of an experiment's comparisons as a plain SVG string: one row per comparison,
 * grouped by metric (each group its own x scale, since accuracy and steps share no unit), a
 * point at the median paired difference, a bar over its 95 % CI and a vertical line at 0.
 *
 * Pure (no DOM, no uPlot): the page parses the string, the bench can write it to a file, and
 * a Node test checks the coordinates.
 */

/** How many seeds a comparison pairs, and how many it left out (`ExperimentComparison`). */
export interface PairCount {
  readonly n: number;
  readonly unpaired: { readonly arm: number; readonly baseline: number };
  readonly excluded?: { readonly split: number; readonly budget: number };
}

/** The fields of an `ExperimentComparison` the plot reads. */
export interface ForestComparison extends PairCount {
  readonly arm: string;
  readonly metric: string;
  readonly medianDiff: number;
  readonly ci95: readonly number[];
  readonly holmP: number;
}

/** Layout in SVG user units (px). */
export const FOREST_LAYOUT = {
  width: 640,
  /** Row labels (arm keys) end here; the plot area starts at labelWidth. */
  labelWidth: 220,
  rightMargin: 20,
  /** Height of a group's title line above its rows. */
  groupTitle: 22,
  rowHeight: 22,
  /** Height under a group's rows: tick labels and the axis label. */
  axisHeight: 36,
  pointRadius: 4,
} as const;

/** Holm-adjusted p below this draws a filled point (otherwise hollow). */
const SIGNIFICANT_P = 0.05;

/** Each side of a group's x domain gets this fraction of its span, so no mark sits on the edge. */
const DOMAIN_PADDING = 0.05;

const METRIC_NAMES: Readonly<Record<string, string>> = {
  testAccuracy: "test accuracy",
  testR2: "test R²",
  stepsToThreshold: "steps to threshold",
};

/** A comparison metric as people read it ("test accuracy"); unknown names pass through. */
export function forestMetricName(metric: string): string {
  return METRIC_NAMES[metric] ?? metric;
}

export function forestAxisLabel(metric: string): string {
  const lowerBetter = metric === "stepsToThreshold" ? "; lower is better" : "";
  return `Δ ${forestMetricName(metric)} (arm − baseline${lowerBetter})`;
}

/**
 * `n = 18`, or `n = 18 (2 unpaired, 1 excluded)`: the seeds left out of n (one side's run
 * not completed; steps on another split or budget), so a shrunken n never passes unseen.
 */
export function pairCountText(count: PairCount): string {
  const unpaired = count.unpaired.arm + count.unpaired.baseline;
  const excluded = count.excluded ? count.excluded.split + count.excluded.budget : 0;
  const notes = [
    ...(unpaired > 0 ? [`${unpaired} unpaired`] : []),
    ...(excluded > 0 ? [`${excluded} excluded`] : []),
  ];
  return `n = ${count.n}${notes.length > 0 ? ` (${notes.join(", ")})` : ""}`;
}

/** Coordinates rounded to 0.01 px: short strings, exact values to test against. */
function px(value: number): number {
  return Math.round(value * 100) / 100;
}

function escapeXml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

/** A tick label: 4 significant digits, trailing zeros dropped. */
function tick(value: number): string {
  return value === 0 ? "0" : String(Number(value.toPrecision(4)));
}

function finite(comparison: ForestComparison): boolean {
  const [lo, hi] = comparison.ci95;
  return (
    Number.isFinite(comparison.medianDiff) &&
    lo !== undefined &&
    hi !== undefined &&
    Number.isFinite(lo) &&
    Number.isFinite(hi)
  );
}

/**
 * The data's x extent in one group: from min(0, every CI low, every median) to the matching
 * max, so the zero line is always inside; ±1 around 0 when every value is 0. The plot pads it
 * by DOMAIN_PADDING of its span on each side.
 */
export function forestDomain(comparisons: readonly ForestComparison[]): [number, number] {
  let low = 0;
  let high = 0;
  for (const comparison of comparisons) {
    if (!finite(comparison)) continue;
    low = Math.min(low, comparison.medianDiff, comparison.ci95[0]!, comparison.ci95[1]!);
    high = Math.max(high, comparison.medianDiff, comparison.ci95[0]!, comparison.ci95[1]!);
  }
  return low === high ? [-1, 1] : [low, high];
}

/** Comparisons grouped by metric, groups in order of first appearance, rows in input order. */
function groupByMetric(comparisons: readonly ForestComparison[]): Map<string, ForestComparison[]> {
  const groups = new Map<string, ForestComparison[]>();
  for (const comparison of comparisons) {
    const group = groups.get(comparison.metric);
    if (group === undefined) groups.set(comparison.metric, [comparison]);
    else group.push(comparison);
  }
  return groups;
}

/**
 * The forest plot. Each row is `<g class="forest-row" data-arm data-metric>` holding the arm
 * label, `<line class="ci">` from CI low to high at the row's centre and `<circle
 * class="median">` (class `significant` when Holm p < 0.05); each group has `<line
 * class="zero">` and an axis label naming the metric.
 */
export function forestPlotSvg(comparisons: readonly ForestComparison[]): string {
  const L = FOREST_LAYOUT;
  const plotLeft = L.labelWidth;
  const plotRight = L.width - L.rightMargin;
  const parts: string[] = [];
  let top = 0;
  for (const [metric, rows] of groupByMetric(comparisons)) {
    const [low, high] = forestDomain(rows);
    const pad = (high - low) * DOMAIN_PADDING;
    const x = (value: number) =>
      px(plotLeft + ((value - low + pad) / (high - low + 2 * pad)) * (plotRight - plotLeft));
    const rowsTop = top + L.groupTitle;
    const rowsBottom = rowsTop + rows.length * L.rowHeight;
    const group: string[] = [
      `<g class="forest-group" data-metric="${escapeXml(metric)}">`,
      `<text class="forest-title" x="0" y="${px(top + 15)}" font-weight="600">${escapeXml(forestMetricName(metric))}</text>`,
      `<line class="zero" x1="${x(0)}" x2="${x(0)}" y1="${px(rowsTop)}" y2="${px(rowsBottom)}" stroke="#667085" stroke-dasharray="3 3"/>`,
      `<line class="axis" x1="${plotLeft}" x2="${plotRight}" y1="${px(rowsBottom)}" y2="${px(rowsBottom)}" stroke="#1d2330"/>`,
    ];
    // ticks at both ends of the data, and at 0 when it lies strictly inside
    for (const value of low < 0 && high > 0 ? [low, 0, high] : [low, high]) {
      group.push(
        `<text class="tick" x="${x(value)}" y="${px(rowsBottom + 14)}" text-anchor="middle" font-size="11">${tick(value)}</text>`,
      );
    }
    group.push(
      `<text class="axis-label" x="${px((plotLeft + plotRight) / 2)}" y="${px(rowsBottom + 30)}" text-anchor="middle" font-size="12">${escapeXml(forestAxisLabel(metric))}</text>`,
    );
    rows.forEach((row, index) => {
      const y = px(rowsTop + (index + 0.5) * L.rowHeight);
      const arm = escapeXml(row.arm);
      const marks = finite(row)
        ? `<line class="ci" x1="${x(row.ci95[0]!)}" x2="${x(row.ci95[1]!)}" y1="${y}" y2="${y}" stroke="#0072b2" stroke-width="2"/>` +
          `<circle class="median${row.holmP < SIGNIFICANT_P ? " significant" : ""}" cx="${x(row.medianDiff)}" cy="${y}" r="${L.pointRadius}" stroke="#0072b2" stroke-width="2" fill="${row.holmP < SIGNIFICANT_P ? "#0072b2" : "#fff"}"/>`
        : "";
      group.push(
        `<g class="forest-row" data-arm="${arm}" data-metric="${escapeXml(metric)}">`,
        `<title>${arm}: ${pairCountText(row)}, median ${tick(row.medianDiff)} [${tick(row.ci95[0] ?? Number.NaN)}, ${tick(row.ci95[1] ?? Number.NaN)}], Holm p ${tick(row.holmP)}</title>`,
        `<text x="${plotLeft - 8}" y="${px(y + 4)}" text-anchor="end" font-size="12">${arm}</text>`,
        marks,
        "</g>",
      );
    });
    group.push("</g>");
    parts.push(group.join(""));
    top = rowsBottom + L.axisHeight;
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="forest" width="${L.width}" height="${top}" ` +
    `viewBox="0 0 ${L.width} ${top}" font-family="system-ui, sans-serif" fill="#1d2330" role="img" ` +
    `aria-label="Forest plot: median paired difference and 95% CI per arm">${parts.join("")}</svg>`
  );
}
