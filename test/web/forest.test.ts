import { describe, expect, it } from "vitest";
import {
  type ForestComparison,
  forestAxisLabel,
  forestDomain,
  forestPlotSvg,
  pairCountText,
} from "../../web/charts/forest.js";

/** The attributes of every `<tag class="cls…">` in document order. */
function elements(svg: string, tag: string, cls: string): Record<string, string>[] {
  const found: Record<string, string>[] = [];
  for (const match of svg.matchAll(new RegExp(`<${tag} ([^>]*)>`, "g"))) {
    const attributes: Record<string, string> = {};
    for (const [, name, value] of match[1]!.matchAll(/([\w-]+)="([^"]*)"/g)) {
      attributes[name!] = value!;
    }
    if (attributes.class?.split(" ").includes(cls)) found.push(attributes);
  }
  return found;
}

const numbers = (attributes: Record<string, string>, ...names: string[]) =>
  names.map((name) => Number(attributes[name]));

// Plot area x ∈ [220, 620] (400 px); rows 22 px under a 22 px group title; 36 px of axis.
const paired = { n: 5, unpaired: { arm: 0, baseline: 0 } };
const COMPARISONS: ForestComparison[] = [
  {
    arm: "lr",
    metric: "testAccuracy",
    medianDiff: 0.05,
    ci95: [-0.05, 0.15],
    holmP: 0.2,
    n: 4,
    unpaired: { arm: 0, baseline: 1 },
  },
  {
    arm: "lr",
    metric: "stepsToThreshold",
    medianDiff: -20,
    ci95: [-40, -10],
    holmP: 0.03,
    n: 3,
    unpaired: { arm: 0, baseline: 1 },
    excluded: { split: 0, budget: 1 },
  },
  {
    arm: "lr / dose-matched",
    metric: "testAccuracy",
    medianDiff: -0.1,
    ci95: [-0.15, 0],
    holmP: 0.01,
    ...paired,
  },
];

describe("forestPlotSvg", () => {
  const svg = forestPlotSvg(COMPARISONS);

  it("groups rows by metric in order of first appearance, each row at its own height", () => {
    const rows = elements(svg, "g", "forest-row").map((row) => [
      row["data-metric"],
      row["data-arm"],
    ]);
    expect(rows).toEqual([
      ["testAccuracy", "lr"],
      ["testAccuracy", "lr / dose-matched"],
      ["stepsToThreshold", "lr"],
    ]);
    // group 1: title 0–22, rows 22–66, axis 66–102; group 2: title 102–124, row 124–146, axis to 182
    expect(svg).toMatch(/^<svg [^>]*width="640" height="182" viewBox="0 0 640 182"/);
  });

  it("puts the CI bar, the median point and the zero line at the scaled positions", () => {
    // accuracy group: data [−0.15, 0.15], padded by 5 % of 0.3 → [−0.165, 0.165]:
    //   x = 220 + (v + 0.165) / 0.33 · 400
    // steps group: data [−40, 0] (0 always included), padded by 2 → [−42, 2]:
    //   x = 220 + (v + 42) / 44 · 400
    expect(elements(svg, "line", "ci").map((l) => numbers(l, "x1", "x2", "y1", "y2"))).toEqual([
      [359.39, 601.82, 33, 33],
      [238.18, 420, 55, 55],
      [238.18, 510.91, 135, 135],
    ]);
    expect(elements(svg, "circle", "median").map((c) => numbers(c, "cx", "cy"))).toEqual([
      [480.61, 33],
      [298.79, 55],
      [420, 135],
    ]);
    expect(elements(svg, "line", "zero").map((l) => numbers(l, "x1", "x2", "y1", "y2"))).toEqual([
      [420, 420, 22, 66],
      [601.82, 601.82, 124, 146],
    ]);
    expect(elements(svg, "text", "tick").map((t) => Number(t.x))).toEqual([
      238.18, 420, 601.82, 238.18, 601.82,
    ]);
  });

  it("fills the point only when Holm p < 0.05, and labels each axis with its metric", () => {
    expect(elements(svg, "circle", "median").map((c) => c.class)).toEqual([
      "median",
      "median significant",
      "median significant",
    ]);
    expect([...svg.matchAll(/class="axis-label"[^>]*>([^<]*)</g)].map((m) => m[1])).toEqual([
      forestAxisLabel("testAccuracy"),
      forestAxisLabel("stepsToThreshold"),
    ]);
    expect(forestAxisLabel("testAccuracy")).toBe("Δ test accuracy (arm − baseline)");
    expect(forestAxisLabel("stepsToThreshold")).toBe(
      "Δ steps to threshold (arm − baseline; lower is better)",
    );
    expect([...svg.matchAll(/class="forest-title"[^>]*>([^<]*)</g)].map((m) => m[1])).toEqual([
      "test accuracy",
      "steps to threshold",
    ]);
    // ticks: accuracy −0.15, 0, 0.15; steps −40 and 0 (0 is the upper end, labelled once)
    expect([...svg.matchAll(/class="tick"[^>]*>([^<]*)</g)].map((m) => m[1])).toEqual([
      "-0.15",
      "0",
      "0.15",
      "-40",
      "0",
    ]);
  });

  it("escapes arm names and leaves non-finite rows without marks", () => {
    const odd = forestPlotSvg([
      { arm: 'a<b & "c"', metric: "testR2", medianDiff: 0, ci95: [0, 0], holmP: 1, ...paired },
      {
        arm: "broken",
        metric: "testR2",
        medianDiff: Number.NaN,
        ci95: [0, 1],
        holmP: 1,
        ...paired,
      },
    ]);
    expect(odd).toContain('data-arm="a&lt;b &amp; &quot;c&quot;"');
    expect(odd).not.toContain('a<b & "c"');
    // every finite value 0 → domain ±1, so 0 sits mid-plot at x = 420
    expect(elements(odd, "circle", "median").map((c) => numbers(c, "cx", "cy"))).toEqual([
      [420, 33],
    ]);
    expect(elements(odd, "line", "ci")).toHaveLength(1);
    expect(elements(odd, "g", "forest-row")).toHaveLength(2);
  });

  it("says how many seeds each row pairs and how many it left out", () => {
    expect([...svg.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1])).toEqual([
      "lr: n = 4 (1 unpaired), median 0.05 [-0.05, 0.15], Holm p 0.2",
      "lr / dose-matched: n = 5, median -0.1 [-0.15, 0], Holm p 0.01",
      "lr: n = 3 (1 unpaired, 1 excluded), median -20 [-40, -10], Holm p 0.03",
    ]);
    expect(
      pairCountText({
        n: 18,
        unpaired: { arm: 2, baseline: 0 },
        excluded: { split: 0, budget: 0 },
      }),
    ).toBe("n = 18 (2 unpaired)");
    expect(pairCountText({ n: 7, unpaired: { arm: 1, baseline: 2 } })).toBe("n = 7 (3 unpaired)");
  });

  it("has an empty SVG for no comparisons and a domain containing 0 and every CI", () => {
    expect(forestPlotSvg([])).toMatch(/height="0"/);
    expect(forestDomain(COMPARISONS.slice(0, 1))).toEqual([-0.05, 0.15]);
    expect(forestDomain([COMPARISONS[1]!])).toEqual([-40, 0]);
    expect(forestDomain([])).toEqual([-1, 1]);
  });
});
