/**
 * Experiment records come back from Redis: one whose arms and children no longer line up (a
 * partial write, a hand edit) fails with QPLANE_ERR_INTERNAL naming what is missing, not
 * with a TypeError from reading a property of undefined.
 */
import { describe, expect, it } from "vitest";
import { at } from "../../src/errors/checked.js";
import { deriveReady } from "../../src/experiments/derive.js";
import { planExperimentRecord } from "../../src/experiments/plan-record.js";
import type { ExperimentRecord } from "../../src/experiments/types.js";
import { experimentSummary, experimentView } from "../../src/experiments/view.js";
import { childJobOptions } from "../../src/jobs/experiment-advance.js";
import { jobSpecSchema } from "../../src/training/spec.js";
import { errorOf } from "../helpers/errors.js";

const RECORD = planExperimentRecord(
  {
    id: "E9",
    name: null,
    tags: [],
    createdAt: "2026-12-04T00:00:00.000Z",
    owner: null,
    spec: jobSpecSchema.parse({
      dataset: { name: "moons", samples: 40 },
      model: { qubits: 2, layers: 1 },
      training: { epochs: 1 },
    }),
    grid: { "training.learningRate": [0.1, 0.2], "training.seed": [1] },
  },
  { maxJobs: 10 },
);

describe("damaged experiment records", () => {
  it("a record without arms has no metric to summarise", () => {
    expect(errorOf(() => experimentSummary({ ...RECORD, arms: [] }, new Map()))).toEqual({
      code: "QPLANE_ERR_INTERNAL",
      message: "internal: experiment arm at index 0 (of 0) is missing",
    });
  });

  it("a child of an arm the record no longer has cannot be named", () => {
    const child = at(deriveReady(RECORD, new Map()).ready, 0, "ready child");
    expect(child.armIndex).toBe(0);
    const stray = { ...child, armIndex: 5 };
    expect(errorOf(() => childJobOptions(RECORD, stray))).toEqual({
      code: "QPLANE_ERR_INTERNAL",
      message: "internal: experiment arm at index 5 (of 2) is missing",
    });
  });

  it("an arm with more children than slots has a child without a slot", () => {
    const [first, ...rest] = RECORD.arms;
    const damaged: ExperimentRecord = {
      ...RECORD,
      arms: [{ ...at(RECORD.arms, 0, "arm"), jobIds: ["j1", "j2"], slots: ["r0"] }, ...rest],
    };
    expect(first?.key).toBe("training.learningRate=0.1");
    expect(errorOf(() => experimentView(damaged, new Map()))).toEqual({
      code: "QPLANE_ERR_INTERNAL",
      message: "internal: child slot at index 1 (of 1) is missing",
    });
  });
});
