import { describe, expect, it } from "vitest";
import { renderSvg } from "../../src/plots/render.js";
import { marks } from "./svg.js";

describe("renderSvg", () => {
  it("renders an inline-data Vega-Lite spec to SVG text headlessly", async () => {
    const svg = await renderSvg({
      data: { values: [{ a: 1 }, { a: 2 }, { a: 4 }] },
      mark: "point",
      encoding: { x: { field: "a", type: "quantitative" } },
    });
    expect(svg.startsWith("<svg ")).toBe(true);
    expect(marks(svg, "point")).toHaveLength(3);
  });

  it("refuses to fetch data: plots are rendered offline", async () => {
    await expect(
      renderSvg({
        data: { url: "https://example.invalid/data.json" },
        mark: "point",
        encoding: { x: { field: "a", type: "quantitative" } },
      }),
    ).rejects.toThrow(/offline/);
  });
});
