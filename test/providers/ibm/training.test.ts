import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BackendRegistry, createBackendRegistry } from "../../../src/backends/registry.js";
import { planRun } from "../../../src/training/plan.js";
import { prepareRun, runTraining } from "../../../src/training/run.js";
import { expectWithinShotNoise, trainBesideLocal } from "../../helpers/beside-local.js";
import { type FakeIbmServer, startFakeIbm } from "./fake-server.js";
import { fakeIbmBackend, registryWithFakeIbmKey, samplerJobPosts, withFakeIbm } from "./helpers.js";

let fake: FakeIbmServer;
let registry: BackendRegistry;

beforeAll(async () => {
  fake = await startFakeIbm({ queuedPolls: 1, runningPolls: 1 });
  registry = registryWithFakeIbmKey(fake, [
    { name: "local", provider: "local" },
    fakeIbmBackend(fake, "ibm-fake", { pricing: { perTaskUsd: 1.5, perShotUsd: 0.0002 } }),
  ]);
});

afterAll(async () => {
  await fake.close();
});

const spec = {
  dataset: { name: "moons", samples: 48 },
  model: { qubits: 2, layers: 1 },
  training: { epochs: 2, gradient: "parameter-shift", learningRate: 0.1 },
  backend: { name: "ibm-fake", shots: 400 },
};

describe("training on a (fake) IBM Quantum device named in configuration", () => {
  it("transpiles to ISA, submits one Sampler job per step, and agrees with the local simulator within shot noise", async () => {
    // fixed encoding: 4 θ occurrences, 9 rows per training sample (the linear encoding has its
    // own test below)
    const fixed = { ...spec, model: { ...spec.model, encoding: "fixed" } };
    const posts = () =>
      fake.requests.filter((r) => r.method === "POST" && r.path.endsWith("/jobs")).length;
    const plan = await planRun(prepareRun(fixed, registry.resolve));
    const jobsBefore = samplerJobPosts(fake).length;
    expect(plan.totalSubmissions).toBeGreaterThan(0);
    const {
      remote: ibm,
      submitted,
      local,
    } = await trainBesideLocal(fixed, registry.resolve, posts);

    expect(ibm.result.status).toBe("completed");
    const stepsPerEpoch = Math.ceil(ibm.data.train.samples / 16);
    // one job per step, and ONE per epoch for the training- and test-set evaluations together
    // (they share circuit and weights): 3 gradient batches + 1 evaluation = 4 jobs per epoch
    // (it was 5, one per evaluated split)
    expect(stepsPerEpoch).toBe(3);
    expect(submitted).toBe(2 * (stepsPerEpoch + 1));
    const jobs = samplerJobPosts(fake).slice(jobsBefore, jobsBefore + submitted);
    const pubRows = jobs.map((job) => {
      const pubs = (job.body as { params: { pubs: [string, number[][], number][] } }).params.pubs;
      return pubs.reduce((n, pub) => n + pub[1].length, 0);
    });
    // each epoch's last job carries every training then every test sample, one row each
    const evaluated = ibm.data.train.samples + ibm.data.test.samples;
    expect([pubRows[stepsPerEpoch], pubRows[2 * stepsPerEpoch + 1]]).toEqual([
      evaluated,
      evaluated,
    ]);
    // the plan, made before anything ran, and the records agree with what was submitted
    expect(plan.totalSubmissions).toBe(submitted);
    expect(plan.submissionsPerEpoch * 2).toBe(submitted);
    expect(plan.stepsPerEpoch + 1).toBe(plan.submissionsPerEpoch);
    const { train, test } = ibm.data;
    // per step: 16 or fewer samples × (4 weight occurrences × 2 shifts + 1); then both splits
    const circuits = train.samples * 9 + train.samples + test.samples;
    expect(plan.circuitsPerEpoch).toBe(circuits);
    expect(plan.totalShots).toBe(2 * 400 * circuits);
    expect(plan.estimatedCostUsd).toBeCloseTo(submitted * 1.5 + 2 * 400 * circuits * 0.0002, 9);
    for (const record of ibm.result.records) {
      expect(record.submissions).toBe(4);
      expect(record.submissions).toBe(plan.submissionsPerEpoch);
      expect(record.shotsUsed).toBe(plan.shotsPerEpoch);
      expect(record.estimatedCostUsd).toBeCloseTo(plan.costPerEpochUsd, 9);
    }
    // the transpiled ISA circuit: 2 qubits, one entangler per layer, a coupled pair (no SWAP)
    expect(plan.transpiled).toMatchObject({ twoQubitGates: 1 });
    expect(plan.transpiled!.depth).toBeGreaterThan(1);
    expect(plan.transpiled!.layout).toHaveLength(2);
    expect(plan.transpiled!.swaps).toBeUndefined();
    expectWithinShotNoise(ibm, local, 400);
  });

  it.each(["parameter-shift", "spsa"] as const)(
    "submits one Sampler job per step with the linear encoding too (%s)",
    async (gradient) => {
      const posts = () =>
        fake.requests.filter((r) => r.method === "POST" && r.path.endsWith("/jobs")).length;
      const linear = {
        ...spec,
        model: { qubits: 2, layers: 1, encoding: "linear", classMap: "balanced" },
        training: { ...spec.training, epochs: 1, gradient },
      };
      const plan = await planRun(prepareRun(linear, registry.resolve));
      const before = posts();
      const { result, data } = await runTraining(linear, { resolveBackend: registry.resolve });
      const submitted = posts() - before;
      expect(result.status).toBe("completed");
      // one job per step, one for both splits' evaluations
      expect(submitted).toBe(Math.ceil(data.train.samples / 16) + 1);
      expect(plan.totalSubmissions).toBe(submitted);
      // parameter-shift: (4 θ + 2 φ) × 2 shifts + 1 rows per training sample; SPSA: 2
      const rowsPerSample = gradient === "spsa" ? 2 : 13;
      expect(plan.circuitsPerEpoch).toBe(
        data.train.samples * rowsPerSample + data.train.samples + data.test.samples,
      );
    },
  );

  it("cancels the in-flight hardware job when the training run is cancelled mid-step", async () => {
    await withFakeIbm({ queuedPolls: 1_000_000, runningPolls: 1 }, async (slow) => {
      const slowRegistry = registryWithFakeIbmKey(slow, [fakeIbmBackend(slow, "ibm-slow")]);
      const controller = new AbortController();
      const running = runTraining(
        { ...spec, backend: { name: "ibm-slow", shots: 100 } },
        { resolveBackend: slowRegistry.resolve, signal: controller.signal },
      );
      // wait for the first Sampler job, then cancel the qplane run
      while (slow.jobs.size === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      controller.abort();
      const { result } = await running;
      expect(result.status).toBe("cancelled");
      expect(result.records).toHaveLength(0);
      expect([...slow.jobs.values()].map((job) => job.status)).toEqual(["Cancelled"]);
    });
  });

  it("batch mode: a 2-epoch run opens exactly one session, all its jobs join it, and it is closed at the end", async () => {
    await withFakeIbm({ queuedPolls: 1, runningPolls: 1, seed: 11 }, async (batchFake) => {
      const batchRegistry = registryWithFakeIbmKey(batchFake, [
        fakeIbmBackend(batchFake, "ibm-batch", { executionMode: "batch" }),
      ]);
      const batchSpec = { ...spec, backend: { name: "ibm-batch", shots: 200 } };
      // planning (as the API's dry run does) opens no session
      await planRun(prepareRun(batchSpec, batchRegistry.resolve));
      expect(batchFake.sessions.size).toBe(0);
      const { result } = await runTraining(batchSpec, { resolveBackend: batchRegistry.resolve });
      expect(result.status).toBe("completed");
      expect(result.records).toHaveLength(2);
      const [session] = [...batchFake.sessions.values()];
      expect(batchFake.sessions.size).toBe(1);
      const posts = samplerJobPosts(batchFake);
      const submissions = result.records.reduce((n, record) => n + record.submissions, 0);
      expect(posts).toHaveLength(submissions);
      expect(new Set(posts.map((r) => (r.body as { session_id?: string }).session_id))).toEqual(
        new Set([session!.id]),
      );
      const sessionCalls = batchFake.requests
        .filter((r) => r.path.startsWith("/api/v1/sessions"))
        .map((r) => [r.method, r.path, r.body]);
      expect(sessionCalls).toEqual([
        ["POST", "/api/v1/sessions", { mode: "batch", backend: "fake_lagos", max_ttl: 28_800 }],
        ["PATCH", `/api/v1/sessions/${session!.id}`, { accepting_jobs: false }],
      ]);
      // a second run gets its own session
      await runTraining(
        { ...batchSpec, training: { ...spec.training, epochs: 1 } },
        { resolveBackend: batchRegistry.resolve },
      );
      expect(batchFake.sessions.size).toBe(2);
    });
  });

  it("batch mode: a run cancelled mid-way closes its session at once", async () => {
    await withFakeIbm({ queuedPolls: 1, runningPolls: 1 }, async (slow) => {
      const slowRegistry = registryWithFakeIbmKey(slow, [
        fakeIbmBackend(slow, "ibm-slow", { executionMode: "batch" }),
      ]);
      const controller = new AbortController();
      const running = runTraining(
        { ...spec, backend: { name: "ibm-slow", shots: 100 } },
        { resolveBackend: slowRegistry.resolve, signal: controller.signal },
      );
      // let a few jobs run, then make the one in flight hang (Queued) and cancel the run
      while (slow.jobs.size < 3) await new Promise((resolve) => setTimeout(resolve, 2));
      slow.queuedPolls = 1_000_000;
      await new Promise((resolve) => setTimeout(resolve, 20));
      controller.abort();
      const { result } = await running;
      expect(result.status).toBe("cancelled");
      const [session] = [...slow.sessions.values()];
      expect(slow.sessions.size).toBe(1);
      expect(session!.closed).toBe(true);
      const jobs = [...slow.jobs.values()];
      expect(jobs.every((job) => job.sessionId === session!.id)).toBe(true);
      expect(jobs.at(-1)!.status).toBe("Cancelled");
      expect(
        slow.requests.filter((r) => r.path.startsWith("/api/v1/sessions")).map((r) => r.method),
      ).toEqual(["POST", "DELETE"]);
    });
  });

  it("fails fast with a clear message when the API key is missing", async () => {
    const keyless = createBackendRegistry([fakeIbmBackend(fake, "ibm-fake")], {});
    await expect(runTraining(spec, { resolveBackend: keyless.resolve })).rejects.toThrow(
      /IBM_CLOUD_API_KEY/,
    );
  });
});
