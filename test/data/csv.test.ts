import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadCsv } from "../../src/data/csv.js";
import { compareNatural, sortClassNames } from "../../src/data/natural-order.js";
import { errorOf } from "../helpers/errors.js";

const fixture = (name: string) =>
  fileURLToPath(new URL(`../fixtures/data/${name}`, import.meta.url));

describe("csv datasets", () => {
  it("loads a classification file: non-numeric target, default features, natural class order", () => {
    const data = loadCsv({ path: fixture("good.csv"), target: "kind" });
    expect(data.task).toBe("classification");
    expect(data.featureNames).toEqual(["length", "width", "score"]);
    expect(data.samples).toBe(5);
    expect(data.classNames).toEqual(["item1", "item2", "item10"]);
    expect([...data.labels!]).toEqual([2, 1, 2, 0, 1]);
    expect([...data.features]).toEqual([
      1.5, 0.2, 3.25, 2, 0.4, 4.5, 3.5, 1, -0.1, 4, 1.5, 7, -2.5, 0.5, 0,
    ]);
    expect(data.droppedRows).toBe(0);
  });

  it("infers regression for a numeric target and honours a features list", () => {
    const data = loadCsv({
      path: fixture("good.csv"),
      target: "score",
      features: ["width", "length"],
    });
    expect(data.task).toBe("regression");
    expect(data.featureNames).toEqual(["width", "length"]);
    expect([...data.targets!]).toEqual([3.25, 4.5, -0.1, 7, 0]);
    expect([...data.features.subarray(0, 4)]).toEqual([0.2, 1.5, 0.4, 2]);
  });

  it("task classification on a numeric target sorts classes by value", () => {
    const data = loadCsv({
      path: fixture("numeric-classes.csv"),
      target: "grade",
      task: "classification",
    });
    expect(data.classNames).toEqual(["1", "2", "10"]);
    expect([...data.labels!]).toEqual([2, 1, 0, 1, 2]);
    const inferred = loadCsv({ path: fixture("numeric-classes.csv"), target: "grade" });
    expect(inferred.task).toBe("regression");
  });

  it("drops and counts rows with missing values in used columns only", () => {
    const data = loadCsv({ path: fixture("missing.csv"), target: "label", features: ["a", "b"] });
    expect(data.samples).toBe(3);
    expect(data.droppedRows).toBe(4);
    expect([...data.features]).toEqual([1, 2, 7, 8, 11, 12]);
    expect(data.classNames).toEqual(["x", "y"]);
    expect([...data.labels!]).toEqual([0, 1, 0]);
  });

  it("a non-numeric feature column is an error naming column, row, line and value", () => {
    const error = errorOf(() => loadCsv({ path: fixture("nonnumeric.csv"), target: "mpg" }));
    expect(error.code).toBe("QPLANE_ERR_DATASET");
    expect(error.message).toBe(
      'dataset.features: column "name" is not numeric (row 1, line 2: "chevrolet"); list the numeric columns in dataset.features',
    );
    const explicit = errorOf(() =>
      loadCsv({ path: fixture("missing.csv"), target: "label", features: ["a", "note"] }),
    );
    expect(explicit.message).toBe(
      'dataset.features: column "note" is not numeric (row 1, line 2: "kept")',
    );
    const ok = loadCsv({ path: fixture("nonnumeric.csv"), target: "mpg", features: ["weight"] });
    expect([...ok.targets!]).toEqual([18, 15, 16]);
  });

  it("unknown target and feature columns are errors listing the columns", () => {
    expect(errorOf(() => loadCsv({ path: fixture("nonnumeric.csv"), target: "MPG" })).message).toBe(
      'dataset.target "MPG": no such column (columns: "mpg", "weight", "name")',
    );
    expect(
      errorOf(() =>
        loadCsv({ path: fixture("nonnumeric.csv"), target: "mpg", features: ["weight", "hp"] }),
      ).message,
    ).toBe('dataset.features: no such column "hp" (columns: "mpg", "weight", "name")');
    expect(
      errorOf(() => loadCsv({ path: fixture("nonnumeric.csv"), target: "mpg", features: ["mpg"] }))
        .message,
    ).toBe('dataset.features: "mpg" is the target column');
  });

  it("file-level problems: nonexistent, empty, header only, no usable rows, single class", () => {
    const missingPath = fixture("does-not-exist.csv");
    expect(errorOf(() => loadCsv({ path: missingPath, target: "y" })).message).toBe(
      'dataset.path "does-not-exist.csv": cannot read file (ENOENT)',
    );
    expect(errorOf(() => loadCsv({ path: fixture("empty.csv"), target: "y" })).message).toBe(
      'dataset.path "empty.csv": file is empty',
    );
    expect(errorOf(() => loadCsv({ path: fixture("header-only.csv"), target: "a" })).message).toBe(
      'dataset.path "header-only.csv": no data rows below the header',
    );
    expect(errorOf(() => loadCsv({ path: fixture("all-missing.csv"), target: "y" })).message).toBe(
      'dataset.path "all-missing.csv": no usable rows (all 2 data rows have missing values in the used columns)',
    );
    const dir = mkdtempSync(join(tmpdir(), "qplane-csv-"));
    const single = join(dir, "single.csv");
    writeFileSync(single, "x,y\n1,a\n2,a\n");
    expect(errorOf(() => loadCsv({ path: single, target: "y" })).message).toBe(
      'dataset.target "y": only 1 class ("a"); classification needs at least 2',
    );
    const ragged = join(dir, "ragged.csv");
    writeFileSync(ragged, "x,y\n1,2,3\n");
    expect(errorOf(() => loadCsv({ path: ragged, target: "y" })).message).toBe(
      'dataset.path "ragged.csv": malformed CSV (Invalid Record Length: expect 2, got 3 on line 2)',
    );
    // a row shorter than the header, in the target's column: refused, never read past its end
    const short = join(dir, "short.csv");
    writeFileSync(short, "a,b,y\n1,2,x\n3,z\n5,6,w\n");
    expect(errorOf(() => loadCsv({ path: short, target: "y" }))).toEqual({
      code: "QPLANE_ERR_DATASET",
      message:
        'dataset.path "short.csv": malformed CSV (Invalid Record Length: expect 3, got 2 on line 3)',
    });
    expect(errorOf(() => loadCsv({ path: dir, target: "y" })).message).toMatch(
      /cannot read file \(EISDIR\)/,
    );
  });

  it("regression on a non-numeric target is refused with the offending cell", () => {
    expect(
      errorOf(() =>
        loadCsv({
          path: fixture("good.csv"),
          target: "kind",
          features: ["length"],
          task: "regression",
        }),
      ).message,
    ).toBe(
      'dataset.target "kind": task "regression" needs a numeric column (row 1, line 2: "item10")',
    );
  });
});

describe("natural class order", () => {
  it("orders digit runs by value and is total", () => {
    expect(["b10", "b2", "a", "b1", "B"].sort(compareNatural)).toEqual([
      "B",
      "a",
      "b1",
      "b2",
      "b10",
    ]);
    expect(compareNatural("x01", "x1")).not.toBe(0);
    expect(sortClassNames(["10", "-1", "2.5", "2.5"])).toEqual(["-1", "2.5", "10"]);
  });
});
