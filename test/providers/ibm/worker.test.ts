/**
 * The job worker on a (fake) IBM backend in batch mode: each job's training run has its own
 * session, closed when the run ends — gracefully when it completed, at once when cancelled.
 * The transpiled program a job sent is kept when the run first submits and served by
 * GET /v1/jobs/:id/circuit.qasm?program=sent — byte for byte the OpenQASM 3 of the Sampler
 * PUBs, in the device's basis (rz, sx, x, ecr) on physical qubits.
 */
import type { FastifyInstance } from "fastify";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../../src/api/app.js";
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
let app: FastifyInstance;

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
  app = await buildApp({
    service,
    log: false,
    backends: [{ name: "ibm-batch", provider: registry.resolve("ibm-batch").provider }],
  });
});

afterAll(async () => {
  await app?.close();
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

/** The OpenQASM text of the first PUB of a fake IBM job's request body. */
function firstPubText(body: unknown): string {
  const pubs = (body as { params: { pubs: [string, unknown, number][] } }).params.pubs;
  const [pub] = pubs;
  if (pub === undefined) throw new Error("the Sampler job has no PUB");
  return pub[0];
}

describe("the program sent on IBM", () => {
  it("is kept when the run first submits and served by circuit.qasm?program=sent", async () => {
    fake.queuedPolls = 1; // the cancel test above left its jobs queued for good
    const jobsBefore = fake.jobs.size;
    const { job } = await service.submit(
      parseJobSpec({
        dataset: { name: "moons", samples: 24 },
        model: { qubits: 2, layers: 1, encoding: "fixed" },
        training: { epochs: 1, batchSize: 24, gradient: "parameter-shift" },
        backend: { name: "ibm-batch", shots: 100 },
      }),
    );
    const done = await jobFinished(service, job.id, 60_000);
    expect(done.status).toBe("completed");
    const [first] = [...fake.jobs.values()].slice(jobsBefore);
    if (first === undefined) throw new Error("no Sampler job was submitted");
    const sentText = firstPubText(first.body);

    const kept = await service.sentProgram(job.id, EVERYONE);
    expect(kept).toEqual({ qasm: sentText });

    const response = await app.inject({ url: `/v1/jobs/${job.id}/circuit.qasm?program=sent` });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(response.body).toBe(sentText);

    // the device's basis on physical qubits, the parameters under qplane's binding names
    const lines = response.body.trimEnd().split("\n");
    expect(lines.slice(0, 2)).toEqual(["OPENQASM 3.0;", 'include "stdgates.inc";']);
    const gateLines = lines.filter((line) => /^[a-z]+(\(.*\))? \$\d+(, \$\d+)*;$/.test(line));
    const gates = new Set(gateLines.map((line) => /^[a-z]+/.exec(line)![0]));
    expect([...gates].every((gate) => ["rz", "sx", "x", "ecr"].includes(gate))).toBe(true);
    expect(gates.has("ecr")).toBe(true);
    expect(gates.has("sx")).toBe(true);
    expect(lines.filter((line) => line.startsWith("input float[64] "))).toEqual([
      "input float[64] d00_x0;",
      "input float[64] d01_x1;",
      // parameter-shift's first submission: one weight column per weight occurrence
      "input float[64] w02_occurrence0;",
      "input float[64] w03_occurrence1;",
      "input float[64] w04_occurrence2;",
      "input float[64] w05_occurrence3;",
    ]);
    expect(lines.filter((line) => line.includes("measure"))).toHaveLength(1);
    expect(lines.at(-1)).toMatch(/^c\[0\] = measure \$\d+;$/);

    // the model's program is still the logical circuit
    const model = await app.inject({ url: `/v1/jobs/${job.id}/circuit.qasm` });
    expect(model.body).toContain("cx q[0], q[1];");
  });
});
