/**
 * The editor's mapping from the API's messages to lines of the spec text (web/spec-locate.ts),
 * without a browser: YAML and JSON, dotted grid keys, list entries, missing fields, a line
 * inside a block-scalar program, and the parser's own syntax errors.
 */
import { describe, expect, it } from "vitest";
import { issuesOf, lineOfPath, parseSpecText, pathParts } from "../../web/spec-locate.js";

const YAML_SPEC = [
  "name: demo", // 1
  "dataset:", // 2
  "  name: iris", // 3
  "training:", // 4
  "  epochs: 0", // 5
  "  learningRate: 0.1", // 6
  "model:", // 7
  "  kind: circuit", // 8
  "  qasm: |", // 9
  "    OPENQASM 3.0;", // 10
  "    qubit[2] q;", // 11
  "tags: [a, b]", // 12
  "",
].join("\n");

const EXPERIMENT = [
  "spec:", // 1
  "  dataset: { name: moons }", // 2
  "grid:", // 3
  "  feedback.mode:", // 4
  "    - off", // 5
  "    - sideways", // 6
  "  training.seed: [1, 2]", // 7
  "",
].join("\n");

describe("spec text → lines", () => {
  it("splits a field path into keys and list indices", () => {
    expect(pathParts("grid.feedback.mode[1]")).toEqual(["grid", "feedback", "mode", 1]);
    expect(pathParts("tags[0]")).toEqual(["tags", 0]);
    expect(pathParts("a[2][3].b")).toEqual(["a", 2, 3, "b"]);
  });

  it("finds a field's key line in YAML and in JSON", () => {
    expect(lineOfPath(YAML_SPEC, "training.epochs")).toBe(5);
    expect(lineOfPath(YAML_SPEC, "tags[1]")).toBe(12);
    const json = '{\n  "dataset": {"name": "iris"},\n  "training": {\n    "epochs": 0\n  }\n}\n';
    expect(lineOfPath(json, "training.epochs")).toBe(4);
    expect(lineOfPath(json, "dataset.name")).toBe(2);
  });

  it("stops at the deepest field present, and says null when none is", () => {
    // a required field that is missing: its section's line
    expect(lineOfPath(YAML_SPEC, "training.gradient")).toBe(4);
    expect(lineOfPath(YAML_SPEC, "backend.name")).toBeNull();
  });

  it("reads dotted keys of a grid and places a program's line inside its block", () => {
    expect(lineOfPath(EXPERIMENT, "grid.feedback.mode[1]")).toBe(6);
    expect(lineOfPath(EXPERIMENT, "grid.training.seed")).toBe(7);
    expect(lineOfPath(YAML_SPEC, "model.qasm", 2)).toBe(11);
  });

  it("splits a joined message at each field and keeps each part's text", () => {
    const message =
      "spec.training.epochs: Too small: expected number to be >=1 (got 0); spec.tags[1]: unknown field; spec.model.qasm: line 2, column 1: unknown gate 'foo'";
    expect(issuesOf(YAML_SPEC, message, "spec")).toEqual([
      {
        line: 5,
        path: "training.epochs",
        message: "spec.training.epochs: Too small: expected number to be >=1 (got 0)",
      },
      { line: 12, path: "tags[1]", message: "spec.tags[1]: unknown field" },
      {
        line: 11,
        path: "model.qasm",
        message: "spec.model.qasm: line 2, column 1: unknown gate 'foo'",
      },
    ]);
  });

  it("reads an experiment's grid messages, an arm's renamed fields and messages naming no field", () => {
    const grid = 'grid.feedback.mode[1] = "sideways": spec.feedback.mode: Invalid option';
    expect(issuesOf(EXPERIMENT, grid, "")).toEqual([
      { line: 6, path: "grid.feedback.mode[1]", message: grid },
    ]);
    const renamed = issuesOf(
      EXPERIMENT,
      "spec.feedback.mode: bad (got 1)",
      "",
      () => "grid.feedback.mode[0]",
    );
    expect(renamed).toEqual([
      { line: 5, path: "grid.feedback.mode[0]", message: "spec.feedback.mode: bad (got 1)" },
    ]);
    expect(issuesOf(EXPERIMENT, "too many concurrent jobs; retry later", "")).toEqual([
      { line: null, path: "", message: "too many concurrent jobs; retry later" },
    ]);
    // a job body is the spec: a path outside it (`query.x`) names no line of the text
    expect(issuesOf(YAML_SPEC, "query.dryRun: Invalid option", "spec")).toEqual([
      { line: null, path: "", message: "query.dryRun: Invalid option" },
    ]);
  });

  it("parses YAML or JSON, and reports syntax errors at their line", () => {
    expect(parseSpecText('{"dataset": {"name": "iris"}}')).toEqual({
      ok: true,
      value: { dataset: { name: "iris" } },
    });
    expect(parseSpecText("dataset:\n  name: iris\n")).toEqual({
      ok: true,
      value: { dataset: { name: "iris" } },
    });
    const broken = parseSpecText("dataset:\n  name: iris\n  name: moons\n");
    expect(broken).toEqual({
      ok: false,
      issues: [{ line: 3, path: "", message: "Map keys must be unique at line 3, column 3" }],
    });
    expect(parseSpecText("- 1\n- 2\n")).toEqual({
      ok: false,
      issues: [{ line: 1, path: "", message: "the spec must be a mapping of sections" }],
    });
    expect(parseSpecText("  \n")).toEqual({
      ok: false,
      issues: [{ line: null, path: "", message: "the spec is empty" }],
    });
  });
});
