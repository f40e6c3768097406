import { describe, expect, it } from "vitest";
import { INFOPLANE_DATASET, infoPlaneSpec, infoPlaneSvg } from "../../src/plots/infoplane.js";
import { classificationRecords } from "./fixtures.js";
import { ariaFields, marks, pathVertices, texts, translation } from "./svg.js";

const IXT = "I(X;T) [bits]";
const ITY = "I(T;Y) [bits]";

describe("infoPlaneSvg", () => {
  const records = classificationRecords(12);

  it("draws one point per epoch at (I(X;T), I(T;Y)) with the axis titles", async () => {
    const svg = await infoPlaneSvg(records);
    expect(svg.startsWith("<svg ")).toBe(true);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    expect(texts(svg)).toEqual(expect.arrayContaining([IXT, ITY]));
    expect(svg).toContain(`aria-label="X-axis titled '${IXT}'`);
    expect(svg).toContain(`aria-label="Y-axis titled '${ITY}'`);

    const points = marks(svg, "point");
    expect(points).toHaveLength(records.length);
    points.forEach((point, index) => {
      const fields = ariaFields(point);
      expect(Number(fields.epoch)).toBe(records[index]!.epoch);
      expect(Number(fields[IXT])).toBeCloseTo(records[index]!.ixt, 9);
      expect(Number(fields[ITY])).toBeCloseTo(records[index]!.ity, 9);
    });

    // pixel positions are an increasing affine image of the bit values
    const [x0, y0] = translation(points[0]!);
    const [x1, y1] = translation(points.at(-1)!);
    const sx = (x1 - x0) / (records.at(-1)!.ixt - records[0]!.ixt);
    const sy = (y1 - y0) / (records.at(-1)!.ity - records[0]!.ity);
    expect(sy).toBeLessThan(0); // SVG y grows downwards
    points.forEach((point, index) => {
      const [x, y] = translation(point);
      expect(x).toBeCloseTo(x0 + sx * (records[index]!.ixt - records[0]!.ixt), 6);
      expect(y).toBeCloseTo(y0 + sy * (records[index]!.ity - records[0]!.ity), 6);
    });
  });

  it("joins the points in epoch order, not in I(X;T) order", async () => {
    const svg = await infoPlaneSvg(records);
    const lines = marks(svg, "line mark");
    expect(lines).toHaveLength(1);
    const vertices = pathVertices(lines[0]!.attrs.d!);
    const points = marks(svg, "point").map(translation);
    expect(vertices).toHaveLength(points.length);
    vertices.forEach(([x, y], index) => {
      expect(x).toBeCloseTo(points[index]![0], 2);
      expect(y).toBeCloseTo(points[index]![1], 2);
    });
    // the fixture's I(X;T) rises then falls, so x order differs from epoch order
    const xs = vertices.map(([x]) => x);
    expect(xs).not.toEqual([...xs].sort((a, b) => a - b));
  });

  it("colours points by epoch on a sequential scale with an epoch legend", async () => {
    const svg = await infoPlaneSvg(records);
    const fills = marks(svg, "point").map((point) => point.attrs.fill);
    expect(fills[0]).toBe("rgb(68, 1, 84)"); // viridis start
    expect(fills.at(-1)).toBe("rgb(253, 231, 37)"); // viridis end
    expect(new Set(fills).size).toBe(records.length);
    expect(svg).toContain("aria-label=\"Gradient legend titled 'epoch' for fill color");
  });

  it("marks a given target I* with a labelled vertical rule at its x position", async () => {
    const svg = await infoPlaneSvg(records, { target: 0.5, title: "moons, α = 0.5" });
    const rules = marks(svg, "rule mark");
    expect(rules).toHaveLength(1);
    expect(rules[0]!.attrs["aria-label"]).toBe("I* = 0.5 bits");
    expect(Number(rules[0]!.attrs.x2)).toBe(0); // vertical
    expect(Number(rules[0]!.attrs.y2)).toBeGreaterThan(0);
    const label = marks(svg, "text mark");
    expect(label.map((mark) => mark.text)).toEqual(["I*"]);
    expect(texts(svg)).toContain("moons, α = 0.5");

    // the rule sits where x(0.5) is, interpolating between two points
    const points = marks(svg, "point").map(translation);
    const [a, b] = [records[0]!, records.at(-1)!];
    const slope = (points.at(-1)![0] - points[0]![0]) / (b.ixt - a.ixt);
    expect(translation(rules[0]!)[0]).toBeCloseTo(points[0]![0] + slope * (0.5 - a.ixt), 6);
  });

  it("draws no rule without a target, and takes I* from the records when not given", async () => {
    const off = await infoPlaneSvg(records); // compressionTarget: null in every record
    expect(marks(off, "rule mark")).toHaveLength(0);
    expect(texts(off)).not.toContain("I*");

    const feedback = classificationRecords(12, { compressionTarget: 0.75 });
    const derived = await infoPlaneSvg(feedback);
    expect(marks(derived, "rule mark").map((rule) => rule.attrs["aria-label"])).toEqual([
      "I* = 0.75 bits",
    ]);
    const suppressed = await infoPlaneSvg(feedback, { target: null });
    expect(marks(suppressed, "rule mark")).toHaveLength(0);
  });

  it("names the estimator and shot count in the subtitle", async () => {
    const exact = await infoPlaneSvg(records);
    expect(texts(exact)).toContain("exact probabilities");
    const shots = await infoPlaneSvg(
      classificationRecords(3, { estimator: "miller-madow", shots: 2048 }),
    );
    expect(texts(shots)).toContain("miller-madow estimate, 2048 shots");
  });

  it("renders an empty run without throwing", async () => {
    const svg = await infoPlaneSvg([]);
    expect(svg.startsWith("<svg ")).toBe(true);
    expect(marks(svg, "point")).toHaveLength(0);
  });

  it("anchors both axes at 0 bits, and shows a run with no information on [0, 1]", async () => {
    const svg = await infoPlaneSvg(records);
    expect(svg).toMatch(
      /aria-label="X-axis titled 'I\(X;T\) \[bits\]' for a linear scale with values from 0\.0+ to/,
    );
    expect(svg).toMatch(
      /aria-label="Y-axis titled 'I\(T;Y\) \[bits\]' for a linear scale with values from 0\.0+ to/,
    );
    const flat = await infoPlaneSvg(classificationRecords(4, { ixt: 0, ity: 0 }));
    expect(flat).toContain(`X-axis titled '${IXT}' for a linear scale with values from 0.0 to 1.0`);
    expect(flat).toContain(`Y-axis titled '${ITY}' for a linear scale with values from 0.0 to 1.0`);
  });

  it("uses the requested plot size", async () => {
    const svg = await infoPlaneSvg(records, { width: 300, height: 200 });
    // the frame background path of the plot area is exactly width × height
    expect(svg).toContain('d="M0.5,0.5h300v200h-300Z"');
  });
});

describe("infoPlaneSpec", () => {
  it("holds the points inline in the named dataset and fetches nothing", () => {
    const records = classificationRecords(5);
    const spec = infoPlaneSpec(records, { target: 0.3 }) as unknown as {
      datasets: Record<string, unknown[]>;
      data: { name: string };
    };
    expect(spec.data).toEqual({ name: INFOPLANE_DATASET });
    expect(spec.datasets[INFOPLANE_DATASET]).toEqual(
      records.map(({ epoch, ixt, ity }) => ({ epoch, ixt, ity })),
    );
    expect(JSON.stringify(spec)).not.toMatch(/"url"/);
  });

  it("refuses a non-finite target and a non-positive size", () => {
    expect(() => infoPlaneSpec([], { target: Number.NaN })).toThrow(/target/);
    expect(() => infoPlaneSpec([], { width: 0 })).toThrow(/width/);
  });
});
