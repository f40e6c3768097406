import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  armKeyText,
  GRID_FIELDS,
  planExperiment,
  REPLICATE_FIELD,
} from "../../src/experiments/grid.js";
import { parseJobSpec } from "../../src/training/spec.js";
import { errorOf } from "../helpers/errors.js";

const BASE = parseJobSpec({ dataset: { name: "moons", samples: 40 }, training: { epochs: 2 } });

describe("grid fields", () => {
  it("are the spec's section.field leaves, optional ones included", () => {
    expect(GRID_FIELDS).toContain("feedback.mode");
    expect(GRID_FIELDS).toContain("feedback.alpha");
    expect(GRID_FIELDS).toContain("training.seed");
    expect(GRID_FIELDS).toContain("backend.name");
    expect(GRID_FIELDS).toContain("backend.maxCost"); // optional, no default
    expect(GRID_FIELDS).toContain("dataset.path"); // on a refined object
    expect(GRID_FIELDS).toContain("model.l2"); // a name with a digit
    expect(GRID_FIELDS).not.toContain("feedback");
    expect(GRID_FIELDS.every((field) => /^[a-zA-Z]+\.[a-zA-Z][a-zA-Z0-9]*$/.test(field))).toBe(
      true,
    );
  });
});

describe("planExperiment", () => {
  it("makes one arm per combination of non-seed fields (first field slowest) and one child per seed", () => {
    const plan = planExperiment(
      BASE,
      {
        "feedback.mode": ["off", "lr"],
        "training.seed": [1, 2, 3],
        "feedback.alpha": [0.5, 2],
      },
      { maxJobs: 100 },
    );
    expect(plan.arms.map((arm) => arm.key)).toEqual([
      "feedback.mode=off, feedback.alpha=0.5",
      "feedback.mode=off, feedback.alpha=2",
      "feedback.mode=lr, feedback.alpha=0.5",
      "feedback.mode=lr, feedback.alpha=2",
    ]);
    expect(plan.arms.every((arm) => arm.metric === "testAccuracy")).toBe(true);
    expect(plan.children).toHaveLength(12);
    expect(plan.replicateField).toBe(REPLICATE_FIELD);
    expect(plan.threshold).toEqual({ metric: "testAccuracy", value: 0.9 });
    const third = plan.children[3]!; // arm 1, seed 1
    expect(third.armIndex).toBe(1);
    expect(third.replicate).toBe(1);
    expect(third.spec.feedback).toMatchObject({ mode: "off", alpha: 2 });
    expect(third.spec.training).toMatchObject({ seed: 1, epochs: 2 });
    // the base spec is not modified
    expect(BASE.feedback.mode).toBe("off");
    expect(BASE.feedback.alpha).toBe(1);
  });

  it("without a seed axis has one child per arm; regression arms report R²", () => {
    const plan = planExperiment(BASE, { "dataset.name": ["moons", "sine"] }, { maxJobs: 10 });
    expect(plan.children.map((child) => child.replicate)).toEqual([null, null]);
    expect(plan.arms.map((arm) => arm.metric)).toEqual(["testAccuracy", "testR2"]);
    expect(plan.arms.map((arm) => arm.key)).toEqual(["dataset.name=moons", "dataset.name=sine"]);
  });

  it("a seed-only grid has one arm called all", () => {
    const plan = planExperiment(BASE, { "training.seed": [4, 5] }, { maxJobs: 10 });
    expect(plan.arms).toEqual([{ key: "all", values: {}, metric: "testAccuracy" }]);
    expect(plan.children.map((child) => child.spec.training.seed)).toEqual([4, 5]);
  });

  it("counts children as the product of the grid's list lengths", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        (modes, seeds, alphas) => {
          const plan = planExperiment(
            BASE,
            {
              "feedback.mode": ["off", "loss", "lr"].slice(0, modes),
              "training.seed": Array.from({ length: seeds }, (_, i) => i + 1),
              "feedback.alpha": [0.5, 1, 2].slice(0, alphas),
            },
            { maxJobs: 1000 },
          );
          expect(plan.arms).toHaveLength(modes * alphas);
          expect(plan.children).toHaveLength(modes * alphas * seeds);
          // every (arm, seed) pair exactly once
          const pairs = new Set(
            plan.children.map((child) => `${child.armIndex}/${child.replicate}`),
          );
          expect(pairs.size).toBe(plan.children.length);
        },
      ),
    );
  });

  it("refuses an empty grid, an empty list, an unknown field and a repeated value", () => {
    expect(errorOf(() => planExperiment(BASE, {}, { maxJobs: 10 }))).toEqual({
      code: "QPLANE_ERR_GRID_INVALID",
      message: 'grid: must vary at least one field (e.g. {"feedback.mode": ["off", "lr"]})',
    });
    expect(
      errorOf(() => planExperiment(BASE, { "feedback.mode": [] }, { maxJobs: 10 })).message,
    ).toBe("grid.feedback.mode: must be a non-empty list of values");
    const unknown = errorOf(() =>
      planExperiment(BASE, { "feedback.strength": [1, 2] }, { maxJobs: 10 }),
    );
    expect(unknown.code).toBe("QPLANE_ERR_GRID_INVALID");
    expect(unknown.message).toMatch(
      /^grid\.feedback\.strength: unknown spec field \(feedback has feedback\.mode, feedback\.alpha/,
    );
    expect(errorOf(() => planExperiment(BASE, { nonsense: [1] }, { maxJobs: 10 })).message).toBe(
      'grid.nonsense: unknown spec field (fields look like "feedback.alpha")',
    );
    expect(
      errorOf(() => planExperiment(BASE, { "training.seed": [1, 2, 1] }, { maxJobs: 10 })).message,
    ).toBe("grid.training.seed[2]: repeats 1");
  });

  it("names the grid entry whose value the spec refuses", () => {
    const bad = errorOf(() => planExperiment(BASE, { "feedback.alpha": [1, -2] }, { maxJobs: 10 }));
    expect(bad.code).toBe("QPLANE_ERR_GRID_INVALID");
    expect(bad.message).toBe(
      "grid.feedback.alpha[1] = -2: spec.feedback.alpha: Too small: expected number to be >=0 (got -2)",
    );
    expect(
      errorOf(() => planExperiment(BASE, { "feedback.mode": ["off", "fast"] }, { maxJobs: 10 }))
        .message,
    ).toMatch(/^grid\.feedback\.mode\[1\] = "fast": spec\.feedback\.mode: /);
  });

  it("names the arm when a combination is not a valid spec", () => {
    const bad = errorOf(() =>
      planExperiment(
        BASE,
        { "dataset.name": ["moons", "csv"], "dataset.target": ["y"] },
        { maxJobs: 10 },
      ),
    );
    expect(bad.code).toBe("QPLANE_ERR_GRID_INVALID");
    expect(bad.message).toMatch(
      /^grid\.dataset\.name\[1\] = "csv": spec\.dataset\.path: is required when dataset\.name is "csv"/,
    );
  });

  it("refuses more children than the limit before validating any of them", () => {
    const tooMany = errorOf(() =>
      planExperiment(
        BASE,
        {
          "feedback.mode": ["off", "loss", "lr"],
          "training.seed": [1, 2, 3, 4],
          "feedback.alpha": [-1],
        },
        { maxJobs: 11 },
      ),
    );
    expect(tooMany).toEqual({
      code: "QPLANE_ERR_LIMIT_EXCEEDED",
      message: "grid: 3 × 4 × 1 = 12 jobs, more than the 11 an experiment may have",
    });
  });

  it("refuses a 10^8-point grid from the list lengths, before building any combination", () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    const grid = {
      "training.seed": values,
      "training.epochs": values,
      "feedback.probeSize": values.map((v) => v + 1),
      "dataset.seed": values,
    };
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    const refused = errorOf(() => planExperiment(BASE, grid, { maxJobs: 200 }));
    const elapsedMs = performance.now() - started;
    expect(refused).toEqual({
      code: "QPLANE_ERR_LIMIT_EXCEEDED",
      message:
        "grid: 100 × 100 × 100 × 100 = 100000000 jobs, more than the 200 an experiment may have",
    });
    // building the combinations took 5 GB and 84 s; the product takes microseconds
    expect(elapsedMs).toBeLessThan(100);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(50 * 1024 * 1024);
  });

  it("keeps a given threshold", () => {
    const plan = planExperiment(
      BASE,
      { "training.seed": [1] },
      { maxJobs: 1, threshold: { metric: "testLoss", value: 0.3 } },
    );
    expect(plan.threshold).toEqual({ metric: "testLoss", value: 0.3 });
  });
});

describe("splitPerSeed", () => {
  const grid = { "feedback.mode": ["off", "lr"], "training.seed": [3, 7] };

  it("sets dataset.seed to each replicate's seed in every arm, and leaves it alone by default", () => {
    const split = planExperiment(BASE, grid, { maxJobs: 100, splitPerSeed: true });
    expect(
      split.children.map((child) => [child.spec.training.seed, child.spec.dataset.seed]),
    ).toEqual([
      [3, 3],
      [7, 7],
      [3, 3],
      [7, 7],
    ]);
    const fixed = planExperiment(BASE, grid, { maxJobs: 100 });
    expect(fixed.children.map((child) => child.spec.dataset.seed)).toEqual([1, 1, 1, 1]);
  });

  it("refuses a grid that varies dataset.seed as well", () => {
    const error = errorOf(() =>
      planExperiment(
        BASE,
        { ...grid, "dataset.seed": [1, 2] },
        { maxJobs: 100, splitPerSeed: true },
      ),
    );
    expect(error).toMatchObject({
      code: "QPLANE_ERR_GRID_INVALID",
      message:
        "splitPerSeed: each seed sets dataset.seed itself, so the grid may not vary dataset.seed too",
    });
  });
});

describe("planExperiment over a circuit model (model.kind: circuit)", () => {
  const FIXTURE = readFileSync(
    new URL("../fixtures/circuits/qiskit-vqc.qasm", import.meta.url),
    "utf8",
  );
  // the same program with the last entangler as cz: another model of the same shape
  const CZ = FIXTURE.replace(/cx q\[2\], q\[3\];(?![\s\S]*cx q\[2\], q\[3\];)/, "cz q[2], q[3];");
  const CIRCUIT = parseJobSpec({
    dataset: { name: "iris", samples: 150 },
    model: { kind: "circuit", qasm: FIXTURE, initialWeights: { theta_0: 0.1 } },
    training: { epochs: 2 },
  });
  const sha = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 12);

  it("varies training.gradient and seeds; every child keeps the program and its settings", () => {
    const plan = planExperiment(
      CIRCUIT,
      { "training.gradient": ["adjoint", "parameter-shift"], "training.seed": [1, 2] },
      { maxJobs: 10 },
    );
    expect(plan.arms.map((arm) => arm.key)).toEqual([
      "training.gradient=adjoint",
      "training.gradient=parameter-shift",
    ]);
    expect(
      plan.children.map((child) => [child.spec.training.gradient, child.spec.training.seed]),
    ).toEqual([
      ["adjoint", 1],
      ["adjoint", 2],
      ["parameter-shift", 1],
      ["parameter-shift", 2],
    ]);
    for (const { spec } of plan.children) {
      expect(spec.model).toEqual(CIRCUIT.model);
    }
  });

  it("varies model.qasm: one arm per program, keyed by the program's hash", () => {
    expect(CZ).not.toBe(FIXTURE);
    const plan = planExperiment(CIRCUIT, { "model.qasm": [FIXTURE, CZ] }, { maxJobs: 10 });
    expect(plan.arms.map((arm) => arm.key)).toEqual([
      `model.qasm=sha256:${sha(FIXTURE)}`,
      `model.qasm=sha256:${sha(CZ)}`,
    ]);
    expect(plan.children.map((child) => child.spec.model.qasm)).toEqual([FIXTURE, CZ]);
    expect(armKeyText("cx")).toBe("cx");
  });

  it("refuses a program alternative that does not fit the base spec, naming the grid entry", () => {
    const wide = FIXTURE.replace("qubit[4] q;", "qubit[5] q;");
    const error = errorOf(() =>
      planExperiment(CIRCUIT, { "model.qasm": [FIXTURE, wide] }, { maxJobs: 10 }),
    );
    expect(error).toEqual({
      code: "QPLANE_ERR_GRID_INVALID",
      // the value as messages quote grid values: JSON cut at 60 characters
      message: `grid.model.qasm[1] = ${JSON.stringify(wide).slice(0, 57)}...: spec.model.qubits: the program declares 5 qubit(s) but model.qubits is 4 (4 when not given); a circuit model's qubits are its program's: set model.qubits to 5 (got 4)`,
    });
  });
});
