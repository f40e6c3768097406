import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { infoPlaneFromCountsFile } from "../../src/cli/infoplane-command.js";
import { isQplaneError } from "../../src/errors/catalogue.js";

const fixture = (name: string) =>
  fileURLToPath(new URL(`../fixtures/infoplane/${name}`, import.meta.url));

const dir = mkdtempSync(join(tmpdir(), "qplane-infoplane-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LOG2_3 = Math.log2(3);
const LOG2_5 = Math.log2(5);

interface Line {
  ixt: number;
  ity: number;
  ht: number;
  hy: number;
  estimator: string;
  samples: number;
  shots: number;
}

describe("infoPlaneFromCountsFile", () => {
  // the fixture: 4 samples × 4 shots over outcomes 0..3
  //   x1 = [¾,0,0,¼], x2 = [½,½,0,0] (y=0); x3 = [¼,0,0,¾], x4 = [0,0,1,0] (y=1)
  //   p(t) = [⅜,⅛,¼,¼] → H(T) = 2.5 − ⅜log2 3; mean H(T|x) = 1.25 − ⅜log2 3 → I(X;T) = 1.25
  //   p(t|y=0) = [⅝,¼,0,⅛], p(t|y=1) = [⅛,0,½,⅜]
  //   → I(T;Y) = ⅛ + (5/16)log2 5 − (3/16)log2 3 = 0.553422…
  // Miller–Madow: pooled [6,2,4,4] over 16 → c_T = 3/(32 ln 2); rows 1–3: 1/(8 ln 2), row 4: 0
  //   → mean 3/(32 ln 2); classes [5,2,0,1], [1,0,4,3] over 8 → 1/(8 ln 2) each
  //   → ixt unchanged, ity − 1/(32 ln 2), ht + 3/(32 ln 2)
  const ht = 2.5 - 0.375 * LOG2_3;
  const ity = 0.125 + (5 / 16) * LOG2_5 - (3 / 16) * LOG2_3;

  it("prints the plug-in information plane as one JSON line", () => {
    const text = infoPlaneFromCountsFile(fixture("counts-integer-keys.json"), "plugin");
    expect(text).not.toContain("\n");
    const line = JSON.parse(text) as Line;
    expect(Object.keys(line)).toEqual(["ixt", "ity", "ht", "hy", "estimator", "samples", "shots"]);
    expect(line.ixt).toBeCloseTo(1.25, 14);
    expect(line.ity).toBeCloseTo(ity, 14);
    expect(line.ity).toBeCloseTo(0.553422, 6);
    expect(line.ht).toBeCloseTo(ht, 14);
    expect(line.hy).toBe(1);
    expect(line.estimator).toBe("plugin");
    expect(line.samples).toBe(4);
    expect(line.shots).toBe(16);
  });

  it("applies Miller–Madow per entropy term", () => {
    const line = JSON.parse(
      infoPlaneFromCountsFile(fixture("counts-integer-keys.json"), "miller-madow"),
    ) as Line;
    expect(line.estimator).toBe("miller-madow");
    expect(line.ixt).toBeCloseTo(1.25, 14);
    expect(line.ity).toBeCloseTo(ity - 1 / (32 * Math.LN2), 14);
    expect(line.ht).toBeCloseTo(ht + 3 / (32 * Math.LN2), 14);
    expect(line.hy).toBe(1);
  });

  it("reads bitstring keys (c[0] rightmost) and string labels to the same result", () => {
    for (const estimator of ["plugin", "miller-madow"] as const) {
      const integers = infoPlaneFromCountsFile(fixture("counts-integer-keys.json"), estimator);
      expect(infoPlaneFromCountsFile(fixture("counts-bitstring-keys.json"), estimator)).toBe(
        integers,
      );
      expect(infoPlaneFromCountsFile(fixture("counts-string-labels.json"), estimator)).toBe(
        integers,
      );
    }
  });

  describe("errors name the file, sample and field", () => {
    let serial = 0;
    const file = (text: string) => {
      const path = join(dir, `case-${serial++}.json`);
      writeFileSync(path, text);
      return path;
    };
    const sample = (label: unknown, counts: unknown) => ({ label, counts });
    const samples = (...list: unknown[]) => file(JSON.stringify({ samples: list }));

    function failure(path: string, estimator: "plugin" | "miller-madow" = "plugin") {
      try {
        infoPlaneFromCountsFile(path, estimator);
      } catch (error) {
        if (isQplaneError(error)) return { code: error.code, message: error.message };
        throw error;
      }
      throw new Error("expected a QplaneError");
    }

    it("unreadable file", () => {
      const path = join(dir, "missing.json");
      expect(failure(path)).toEqual({
        code: "QPLANE_ERR_IO",
        message: `${path}: cannot read file (ENOENT)`,
      });
    });

    it("invalid JSON", () => {
      const path = file('{"samples": [');
      const { code, message } = failure(path);
      expect(code).toBe("QPLANE_ERR_IO");
      expect(message).toMatch(new RegExp(`^${path}: not valid JSON \\(`));
    });

    it("missing or empty samples", () => {
      const missing = file('{"sample": []}');
      expect(failure(missing)).toEqual({
        code: "QPLANE_ERR_CLI_USAGE",
        message: `${missing}: samples: missing, or not an array`,
      });
      const empty = file('{"samples": []}');
      expect(failure(empty).message).toBe(`${empty}: samples: must list at least one sample`);
      const notObject = file("[1, 2]");
      expect(failure(notObject).message).toMatch(/: top level: must be an object/);
      const badSample = samples(sample(0, { "0": 1 }), 7);
      expect(failure(badSample).message).toBe(
        `${badSample}: samples[1]: must be an object {"label": …, "counts": {…}}`,
      );
    });

    it("negative and fractional counts", () => {
      const negative = samples(sample(0, { "0": 1 }), sample(1, { "0": 2, "3": -1 }));
      expect(failure(negative)).toEqual({
        code: "QPLANE_ERR_CLI_USAGE",
        message: `${negative}: samples[1].counts["3"]: count must be a non-negative integer, got -1`,
      });
      const fractional = samples(sample(0, { "0": 1.5 }));
      expect(failure(fractional).message).toBe(
        `${fractional}: samples[0].counts["0"]: count must be a non-negative integer, got 1.5`,
      );
      const text = samples(sample(0, { "0": "12" }));
      expect(failure(text).message).toMatch(
        /samples\[0\]\.counts\["0"\]: count must be .* got "12"/,
      );
      const missing = samples(sample(0, { "0": 1 }), { label: 1 });
      expect(failure(missing).message).toMatch(/samples\[1\]\.counts: missing/);
    });

    it("zero-shot sample", () => {
      const zero = samples(sample(0, { "0": 5 }), sample(0, { "1": 0, "2": 0 }));
      expect(failure(zero)).toEqual({
        code: "QPLANE_ERR_CLI_USAGE",
        message: `${zero}: samples[1].counts: sample has zero shots`,
      });
      const empty = samples(sample(0, {}));
      expect(failure(empty).message).toBe(`${empty}: samples[0].counts: sample has zero shots`);
    });

    it("bad labels", () => {
      for (const label of [-1, 1.5, true, null, [0]]) {
        const path = samples(sample(0, { "0": 1 }), sample(label, { "0": 1 }));
        expect(failure(path)).toEqual({
          code: "QPLANE_ERR_CLI_USAGE",
          message: `${path}: samples[1].label: must be an integer ≥ 0 or a string, got ${JSON.stringify(label)}`,
        });
      }
      const missing = samples({ counts: { "0": 1 } });
      expect(failure(missing).message).toBe(`${missing}: samples[0].label: missing`);
      const mixed = samples(sample(0, { "0": 1 }), sample("a", { "0": 1 }));
      expect(failure(mixed).message).toBe(
        `${mixed}: samples[1].label: labels must be all integers or all strings, not both`,
      );
    });

    it("bad outcome keys, and keys mixing bitstrings with integers", () => {
      const bad = samples(sample(0, { "0": 1 }), sample(1, { x: 2 }));
      expect(failure(bad)).toEqual({
        code: "QPLANE_ERR_CLI_USAGE",
        message: `${bad}: samples[1].counts["x"]: outcome key must be a decimal integer without leading zeros, or (in every sample) a bitstring of one common length ≥ 2`,
      });
      const mixed = samples(sample(0, { "01": 1 }), sample(1, { "5": 2 }));
      expect(failure(mixed).message).toMatch(/samples\[0\]\.counts\["01"\]: outcome key must/);
      const widths = samples(sample(0, { "01": 1 }), sample(1, { "011": 2 }));
      expect(failure(widths).message).toMatch(/samples\[0\]\.counts\["01"\]: outcome key must/);
      const negative = samples(sample(0, { "-1": 1 }));
      expect(failure(negative).message).toMatch(/samples\[0\]\.counts\["-1"\]/);
    });

    it("unknown estimator", () => {
      const path = samples(sample(0, { "0": 1 }));
      expect(() => infoPlaneFromCountsFile(path, "bayes" as "plugin")).toThrow(
        /estimator must be "plugin" or "miller-madow", got "bayes"/,
      );
    });
  });

  it("single-character 0/1 keys are decimal integers; keys are compared, not converted", () => {
    const a = join(dir, "a.json");
    const b = join(dir, "b.json");
    writeFileSync(
      a,
      JSON.stringify({
        samples: [
          { label: 0, counts: { "0": 3, "1": 1 } },
          { label: 1, counts: { "1": 4 } },
        ],
      }),
    );
    // outcome indices far beyond any register, same pattern of equal keys
    writeFileSync(
      b,
      JSON.stringify({
        samples: [
          { label: 0, counts: { "123456789012345678901234567890": 3, "7": 1 } },
          { label: 1, counts: { "7": 4 } },
        ],
      }),
    );
    expect(infoPlaneFromCountsFile(b, "plugin")).toBe(infoPlaneFromCountsFile(a, "plugin"));
    const line = JSON.parse(infoPlaneFromCountsFile(a, "plugin")) as Line;
    // p(t) = [⅜, ⅝]; rows [¾,¼] and [0,1]: I(X;T) = H(⅜) − ½H2(¼)
    const h = (p: number) => -p * Math.log2(p) - (1 - p) * Math.log2(1 - p);
    expect(line.ixt).toBeCloseTo(h(3 / 8) - h(1 / 4) / 2, 14);
  });
});
