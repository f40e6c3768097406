/**
 * The admission pipeline (src/jobs/admission.ts): its checks run in one order, a check whose
 * input the caller lacks is skipped, and a rewritten spec (a confined dataset path) is what
 * the later checks and the caller see.
 */
import { describe, expect, it } from "vitest";
import { localBackendResolver } from "../../src/backends/registry.js";
import { DEFAULT_COST_LIMITS, type SpecLimits } from "../../src/config.js";
import { ADMISSION_CHECKS, type AdmissionContext, admitSpec } from "../../src/jobs/admission.js";
import { summarizeDataset } from "../../src/training/prepare.js";
import { type JobSpec, parseJobSpec } from "../../src/training/spec.js";

const LIMITS: SpecLimits = { maxQubits: 8, maxShots: 10_000, maxEpochs: 50, maxDatasetRows: 5_000 };
const SMALL = parseJobSpec({ dataset: { name: "moons", samples: 40 }, training: { epochs: 2 } });
/** The local simulator: it declares statevectors, so its circuits are counted in the cost. */
const simulated = () => localBackendResolver("local").provider;

describe("admitSpec", () => {
  it("runs its checks in the documented order", () => {
    expect(ADMISSION_CHECKS.map((step) => step.name)).toEqual([
      "spec limits",
      "known backend",
      "dataset path",
      "data rules",
      "dataset rows",
      "job cost",
    ]);
  });

  it("admits a small spec unchanged with any context", async () => {
    expect(await admitSpec(SMALL, { providerOf: simulated })).toBe(SMALL);
    const everything: AdmissionContext = {
      specLimits: LIMITS,
      costLimits: DEFAULT_COST_LIMITS,
      backendNames: new Set(["local"]),
      confineDatasetPath: async (spec) => spec,
      summaryOf: async (spec) => summarizeDataset(spec),
      providerOf: simulated,
    };
    expect(await admitSpec(SMALL, everything)).toBe(SMALL);
  });

  it("reports the first failing check: limits before the backend", async () => {
    const both = parseJobSpec({ ...SMALL, model: { qubits: 9 }, backend: { name: "nowhere" } });
    const context: AdmissionContext = {
      specLimits: LIMITS,
      backendNames: new Set(["local", "local-noisy"]),
      providerOf: simulated,
    };
    await expect(admitSpec(both, context)).rejects.toMatchObject({
      code: "QPLANE_ERR_LIMIT_EXCEEDED",
      message: "spec.model.qubits: 9 is above this server's limit of 8",
    });
    const unknown = parseJobSpec({ ...SMALL, backend: { name: "nowhere" } });
    await expect(admitSpec(unknown, context)).rejects.toMatchObject({
      code: "QPLANE_ERR_SPEC_INVALID",
      message: 'spec.backend.name: unknown backend "nowhere" (configured: local, local-noisy)',
    });
    // without configured names the backend is the worker's to refuse
    expect(await admitSpec(unknown, { providerOf: simulated })).toBe(unknown);
  });

  it("passes the confined spec to the data checks and returns it", async () => {
    const seen: JobSpec[] = [];
    const moved = parseJobSpec({ ...SMALL, dataset: { name: "moons", samples: 41 } });
    const admitted = await admitSpec(SMALL, {
      confineDatasetPath: async () => moved,
      summaryOf: async (spec) => {
        seen.push(spec);
        return summarizeDataset(spec);
      },
      providerOf: simulated,
    });
    expect(admitted).toBe(moved);
    expect(seen).toEqual([moved]);
  });

  it("sizes the cost from the spec alone, or from the data when it is known", async () => {
    const tiny = { ...DEFAULT_COST_LIMITS, maxJobWork: 1 };
    const asked: string[] = [];
    const context: AdmissionContext = {
      costLimits: tiny,
      providerOf: (spec) => {
        asked.push(spec.backend.name);
        return simulated();
      },
    };
    await expect(admitSpec(SMALL, context)).rejects.toMatchObject({
      code: "QPLANE_ERR_JOB_TOO_LARGE",
    });
    await expect(
      admitSpec(SMALL, { ...context, summaryOf: async (spec) => summarizeDataset(spec) }),
    ).rejects.toMatchObject({ code: "QPLANE_ERR_JOB_TOO_LARGE" });
    expect(asked).toEqual(["local", "local"]);
    // the backend is only asked about when the cost is checked
    await admitSpec(SMALL, { providerOf: context.providerOf });
    expect(asked).toHaveLength(2);
  });
});
