/**
 * The job worker on a (fake) IBM backend in batch mode: each job's training run has its own
 * session, closed when the run ends — gracefully when it completed, at once when cancelled.
 */
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJobService } from "../../../src/jobs/service.js";
import { EVERYONE, type JobService } from "../../../src/jobs/types.js";
import { startWorker, type WorkerHandle } from "../../../src/jobs/worker.js";
import { parseJobSpec } from "../../../src/training/spec.js";
import {
  connect,
  deleteKeysUnder,
  jobFinished,
  silentLogger,
  testConfig,
  testPrefix,
  waitFor,
} from "../../jobs/helpers.js";
import { type FakeIbmServer, startFakeIbm } from "./fake-server.js";
import { fakeIbmBackend, registryWithFakeIbmKey } from "./helpers.js";

const prefix = testPrefix("ibm-worker");
const config = testConfig(prefix);
let fake: FakeIbmServer;
let redis: Redis;
let service: JobService;
let worker: WorkerHandle;

const spec = parseJobSpec({
  dataset: { name: "moons", samples: 40 },
  model: { qubits: 2, layers: 1 },
  training: { epochs: 2, gradient: "parameter-shift", learningRate: 0.1 },
  backend: { name: "ibm-batch", shots: 100 },
});

beforeAll(async () => {
  fake = await startFakeIbm({ queuedPolls: 1, runningPolls: 1 });
  const registry = registryWithFakeIbmKey(fake, [
    fakeIbmBackend(fake, "ibm-batch", { executionMode: "batch" }),
    fakeIbmBackend(fake, "ibm-dedicated", { executionMode: "session" }),
  ]);
  redis = connect();
  service = createJobService({ config, logger: silentLogger });
  worker = await startWorker(config, { logger: silentLogger, resolveBackend: registry.resolve });
});

afterAll(async () => {
  await worker?.close();
  await service?.close();
  await deleteKeysUnder(redis, prefix);
  redis.disconnect();
  await fake?.close();
});

const sessionCalls = () =>
  fake.requests.filter((r) => r.path.startsWith("/api/v1/sessions")).map((r) => r.method);

describe("worker runs on an IBM backend in batch mode", () => {
  it("a completed job used exactly one session, which is closed gracefully", async () => {
    const { job } = await service.submit(spec);
    const done = await jobFinished(service, job.id, 30_000);
    expect(done.status).toBe("completed");
    const [session] = [...fake.sessions.values()];
    expect(fake.sessions.size).toBe(1);
    const jobs = [...fake.jobs.values()];
    const metrics = await service.metrics(job.id, EVERYONE);
    expect(jobs).toHaveLength(metrics.reduce((n, record) => n + record.submissions, 0));
    expect(jobs.every((j) => j.sessionId === session!.id)).toBe(true);
    expect(sessionCalls()).toEqual(["POST", "PATCH"]);
    expect(session).toMatchObject({ acceptingJobs: false, closed: false });
  });

  it("a job cancelled mid-run closes its own session at once", async () => {
    const before = fake.jobs.size;
    const { job } = await service.submit(spec);
    await waitFor(() => fake.jobs.size >= before + 2, "two Sampler jobs of the second run");
    fake.queuedPolls = 1_000_000; // the job in flight now stays queued
    await service.cancel(job.id, EVERYONE);
    const done = await jobFinished(service, job.id, 30_000);
    expect(done.status).toBe("cancelled");
    const sessions = [...fake.sessions.values()];
    expect(sessions).toHaveLength(2);
    expect(sessions[1]!.closed).toBe(true);
    const runJobs = [...fake.jobs.values()].slice(before);
    expect(runJobs.every((j) => j.sessionId === sessions[1]!.id)).toBe(true);
    expect(sessionCalls()).toEqual(["POST", "PATCH", "POST", "DELETE"]);
  });

  it("fails a dedicated-session job on the Open plan with IBM's 1352 explained, submitting nothing", async () => {
    fake.plan = "open";
    const jobsBefore = fake.jobs.size;
    const { job } = await service.submit({
      ...spec,
      backend: { ...spec.backend, name: "ibm-dedicated" },
    });
    const done = await jobFinished(service, job.id, 30_000);
    expect(done.status).toBe("failed");
    expect(done.error).toEqual({
      code: "QPLANE_ERR_PROVIDER_REJECTED",
      message: expect.stringMatching(
        /^IBM refused a dedicated session on fake_lagos \(HTTP 403, IBM error 1352: .*\): the instance's plan \(Open\) cannot run dedicated sessions; set executionMode: "batch" \(or "job"\) for this backend$/,
      ),
    });
    expect(fake.jobs.size).toBe(jobsBefore);
  });
});
