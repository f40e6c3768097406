/**
 * The JobService contract: the same behaviours checked against the in-memory fake the API
 * tests run on and the Redis service, so the fake cannot drift from what it stands in for.
 * Each test uses its own owners, so the tests share one harness per implementation.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobIdTime } from "../../../src/jobs/ids.js";
import { specHashOf } from "../../../src/jobs/spec-hash.js";
import {
  EVERYONE,
  type JobEvent,
  type JobRecord,
  type JobService,
  type Viewer,
} from "../../../src/jobs/types.js";
import { type JobSpec, parseJobSpec } from "../../../src/training/spec.js";
import { tinyJobSpec, waitFor } from "../helpers.js";
import { CONTRACT_JOBS_PER_KEY, type ContractHarness, HARNESSES } from "./harnesses.js";

const SPEC = tinyJobSpec(3);
const OTHER_BACKEND_SPEC = parseJobSpec({ ...SPEC, backend: { name: "local-noisy" } });

/** An owner (API key hash) no other test uses. */
const freshOwner = (what: string) => `owner-${what}-${randomBytes(4).toString("hex")}`;
const ownerViewer = (owner: string): Viewer => ({ kind: "owner", owner });

describe.each(HARNESSES)("JobService contract: $name", (factory) => {
  let harness: ContractHarness;
  let service: JobService;

  beforeAll(async () => {
    harness = await factory.create();
    service = harness.service;
  });

  afterAll(async () => {
    await harness.close();
  });

  it("submits a queued job whose record has the documented shape", async () => {
    const owner = freshOwner("shape");
    const { created, job } = await service.submit(SPEC, {
      name: "contract · shape",
      tags: ["b", "a:1"],
      owner,
    });
    expect(created).toBe(true);
    expect(job).toStrictEqual({
      id: job.id,
      status: "queued",
      name: "contract · shape",
      tags: ["b", "a:1"],
      spec: SPEC,
      progress: { epoch: 0, epochs: 3 },
      etaSeconds: null,
      latest: null,
      summary: null,
      error: null,
      createdAt: new Date(jobIdTime(job.id)).toISOString(),
      startedAt: null,
      finishedAt: null,
      cancelRequested: false,
      attempts: 0,
      owner,
      specHash: specHashOf(SPEC),
    } satisfies JobRecord);
    expect(await service.get(job.id, ownerViewer(owner))).toStrictEqual(job);
    expect(await service.metrics(job.id, ownerViewer(owner))).toEqual([]);
    const anonymous = await service.submit(SPEC);
    expect([anonymous.job.name, anonymous.job.tags, anonymous.job.owner]).toEqual([null, [], null]);
  });

  it("fills in a spec's defaults and refuses an invalid spec", async () => {
    const { job } = await service.submit({ dataset: { name: "moons" } } as unknown as JobSpec, {
      owner: freshOwner("defaults"),
    });
    expect(job.spec).toStrictEqual(parseJobSpec({ dataset: { name: "moons" } }));
    await expect(service.submit({ ...SPEC, extra: 1 } as unknown as JobSpec)).rejects.toMatchObject(
      { code: "QPLANE_ERR_SPEC_INVALID", message: "spec.extra: unknown field" },
    );
  });

  it("replays an idempotent submission and refuses the key with another body", async () => {
    const owner = freshOwner("idem");
    const key = `contract-${randomBytes(4).toString("hex")}`;
    const first = await service.submit(SPEC, { idempotencyKey: key, tags: ["idem"], owner });
    const again = await service.submit(SPEC, { idempotencyKey: key, tags: ["idem"], owner });
    expect(again).toStrictEqual({ created: false, job: first.job });
    for (const [spec, tags] of [
      [{ ...SPEC, training: { ...SPEC.training, epochs: 4 } }, ["idem"]],
      [SPEC, ["other"]],
    ] as [JobSpec, string[]][]) {
      await expect(
        service.submit(spec, { idempotencyKey: key, tags, owner }),
      ).rejects.toMatchObject({
        code: "QPLANE_ERR_IDEMPOTENCY_CONFLICT",
        message: `Idempotency-Key: already used for job ${first.job.id} with a different request body`,
      });
    }
    // a key belongs to the API key that used it
    const theirs = await service.submit(SPEC, {
      idempotencyKey: key,
      tags: ["idem"],
      owner: freshOwner("idem-b"),
    });
    expect(theirs.created).toBe(true);
    expect(theirs.job.id).not.toBe(first.job.id);
    // once the job is removed the key is free again
    await service.cancel(first.job.id, EVERYONE);
    await service.remove(first.job.id, EVERYONE);
    const fresh = await service.submit(SPEC, { idempotencyKey: key, tags: ["idem"], owner });
    expect(fresh.created).toBe(true);
    expect(fresh.job.id).not.toBe(first.job.id);
  });

  it("lists newest first, a page at a time, filtered by status, tag and backend", async () => {
    const owner = freshOwner("list");
    const viewer = ownerViewer(owner);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const tags = i % 2 === 0 ? ["even", "list"] : ["list"];
      ids.push((await service.submit(i === 1 ? OTHER_BACKEND_SPEC : SPEC, { tags, owner })).job.id);
      if (i === 0) await harness.start(ids[0]!);
    }
    // the limit per key counts unfinished jobs: finish one so the next submissions fit
    await harness.complete(ids[0]!);
    for (let i = 3; i < 5; i++) {
      const tags = i % 2 === 0 ? ["even", "list"] : ["list"];
      ids.push((await service.submit(SPEC, { tags, owner })).job.id);
      await harness.start(ids[i]!);
      await harness.complete(ids[i]!);
    }
    const newestFirst = [...ids].reverse();
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await service.list({ limit: 2, ...(cursor ? { cursor } : {}) }, viewer);
      pages.push(page.jobs.map((job) => job.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    expect(pages).toEqual([newestFirst.slice(0, 2), newestFirst.slice(2, 4), newestFirst.slice(4)]);
    const idsOf = async (query: Parameters<JobService["list"]>[0]) =>
      (await service.list(query, viewer)).jobs.map((job) => job.id);
    expect(await idsOf({ limit: 10, tag: "even" })).toEqual([ids[4], ids[2], ids[0]]);
    expect(await idsOf({ limit: 10, status: "completed" })).toEqual([ids[4], ids[3], ids[0]]);
    expect(await idsOf({ limit: 10, status: "queued", tag: "list" })).toEqual([ids[2], ids[1]]);
    expect(await idsOf({ limit: 10, backend: "local-noisy" })).toEqual([ids[1]]);
    expect(await idsOf({ limit: 10, tag: "no-such-tag" })).toEqual([]);
    const everyone = (await service.list({ limit: 1000, tag: "list" }, EVERYONE)).jobs;
    expect(everyone.map((job) => job.id)).toEqual(expect.arrayContaining(ids));
    await expect(
      service.list({ limit: 2, cursor: "bm90LWEtY3Vyc29y" }, viewer),
    ).rejects.toMatchObject({
      code: "QPLANE_ERR_REQUEST_INVALID",
      message: "cursor: not a cursor from a previous page of this listing",
    });
    await expect(
      service.list({ limit: 2, status: "paused" as never }, viewer),
    ).rejects.toMatchObject({
      code: "QPLANE_ERR_REQUEST_INVALID",
      message: "status: must be one of queued, running, completed, failed, cancelled",
    });
  });

  it("moves a job through its statuses and publishes each one", async () => {
    const owner = freshOwner("status");
    const viewer = ownerViewer(owner);
    const seen: [string, JobEvent][] = [];
    const stopWatching = await service.watchAll((id, event) => seen.push([id, event]), viewer);
    const { job } = await service.submit(SPEC, { owner });
    const statuses = () =>
      seen
        .filter(([id]) => id === job.id)
        .map(([, event]) => (event.type === "status" ? event.status : event.type));
    await waitFor(() => statuses().length === 1, "the queued event");
    const streamed: JobEvent[] = [];
    const stop = await service.subscribe(job.id, (event) => streamed.push(event), viewer);
    await harness.start(job.id);
    const running = await service.get(job.id, viewer);
    expect([running.status, running.attempts, running.finishedAt]).toEqual(["running", 1, null]);
    expect(Date.parse(running.startedAt!)).not.toBeNaN();
    await expect(service.remove(job.id, viewer)).rejects.toMatchObject({
      code: "QPLANE_ERR_JOB_STATE",
      message: `job ${job.id} is running; only finished jobs can be removed (cancel it first)`,
    });
    await harness.complete(job.id);
    const done = await service.get(job.id, viewer);
    expect([done.status, done.etaSeconds]).toEqual(["completed", null]);
    expect(Date.parse(done.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(done.startedAt!));
    await waitFor(() => statuses().length === 3, "the running and completed events");
    expect(statuses()).toEqual(["queued", "running", "completed"]);
    await waitFor(() => streamed.length === 2, "the job's own stream");
    expect(streamed.map((event) => event.type === "status" && event.status)).toEqual([
      "running",
      "completed",
    ]);
    await stop();
    await stopWatching();
    const stats = await service.stats();
    expect(stats.byStatus.completed).toBeGreaterThanOrEqual(1);
    await service.remove(job.id, viewer);
    await expect(service.get(job.id, viewer)).rejects.toMatchObject({
      code: "QPLANE_ERR_JOB_NOT_FOUND",
      message: `job ${job.id}: no such job`,
    });
  });

  it("cancels a queued job at once, a running one on request, and refuses a finished one", async () => {
    const owner = freshOwner("cancel");
    const viewer = ownerViewer(owner);
    const queued = (await service.submit(SPEC, { owner })).job;
    const streamed: JobEvent[] = [];
    const stop = await service.subscribe(queued.id, (event) => streamed.push(event), viewer);
    const cancelled = await service.cancel(queued.id, viewer);
    expect([cancelled.status, cancelled.cancelRequested]).toEqual(["cancelled", true]);
    expect(Date.parse(cancelled.finishedAt!)).not.toBeNaN();
    await waitFor(() => streamed.length === 1, "the cancelled event");
    expect(streamed[0]).toMatchObject({ type: "status", status: "cancelled" });
    await stop();
    await expect(service.cancel(queued.id, viewer)).rejects.toMatchObject({
      code: "QPLANE_ERR_JOB_STATE",
      message: `job ${queued.id} is cancelled; only queued or running jobs can be cancelled`,
    });

    const running = (await service.submit(SPEC, { owner })).job;
    await harness.start(running.id);
    const asked = await service.cancel(running.id, viewer);
    // the worker stops it; until then it runs with the cancel noted
    expect([asked.status, asked.cancelRequested, asked.finishedAt]).toEqual([
      "running",
      true,
      null,
    ]);
    await harness.complete(running.id);
    await expect(service.cancel(running.id, viewer)).rejects.toMatchObject({
      code: "QPLANE_ERR_JOB_STATE",
      message: `job ${running.id} is completed; only queued or running jobs can be cancelled`,
    });
  });

  it("lists the runs of one spec on any backend by its spec hash, the owner's only", async () => {
    const owner = freshOwner("spec-hash");
    const viewer = ownerViewer(owner);
    const device = (await service.submit(OTHER_BACKEND_SPEC, { owner })).job;
    const twin = (await service.submit(SPEC, { owner })).job;
    const otherSeed = parseJobSpec({ ...SPEC, training: { ...SPEC.training, seed: 99 } });
    const other = (await service.submit(otherSeed, { owner })).job;
    const theirs = (await service.submit(SPEC, { owner: freshOwner("spec-hash-b") })).job;
    expect(device.specHash).toBe(twin.specHash);
    expect(other.specHash).not.toBe(twin.specHash);
    const idsOf = async (query: Parameters<JobService["list"]>[0], as: Viewer = viewer) =>
      (await service.list(query, as)).jobs.map((job) => job.id);
    expect(await idsOf({ limit: 10, specHash: twin.specHash! })).toEqual([twin.id, device.id]);
    expect(await idsOf({ limit: 1, specHash: twin.specHash! })).toEqual([twin.id]);
    expect(await idsOf({ limit: 10, specHash: other.specHash! })).toEqual([other.id]);
    expect(await idsOf({ limit: 10, specHash: twin.specHash!, backend: "local-noisy" })).toEqual([
      device.id,
    ]);
    // another owner's run of the same spec is listed to that owner (and admins) only
    const all = await idsOf({ limit: 1000, specHash: twin.specHash! }, EVERYONE);
    expect(all).toEqual(expect.arrayContaining([theirs.id, twin.id, device.id]));
    expect(all).not.toContain(other.id);
    await expect(service.list({ limit: 10, specHash: "ABC" }, viewer)).rejects.toMatchObject({
      code: "QPLANE_ERR_REQUEST_INVALID",
      message: 'specHash: "ABC" is not a spec hash (64 lowercase hex digits, a job\'s `specHash`)',
    });
  });

  it("keeps each owner's jobs from every other owner", async () => {
    const a = freshOwner("tenant-a");
    const b = freshOwner("tenant-b");
    const { job } = await service.submit(SPEC, { owner: a, tags: ["tenancy"] });
    const intruder = ownerViewer(b);
    const notFound = { code: "QPLANE_ERR_JOB_NOT_FOUND", message: `job ${job.id}: no such job` };
    await expect(service.get(job.id, intruder)).rejects.toMatchObject(notFound);
    await expect(service.metrics(job.id, intruder)).rejects.toMatchObject({
      code: "QPLANE_ERR_JOB_NOT_FOUND",
    });
    await expect(service.cancel(job.id, intruder)).rejects.toMatchObject(notFound);
    await expect(service.remove(job.id, intruder)).rejects.toMatchObject(notFound);
    await expect(service.subscribe(job.id, () => {}, intruder)).rejects.toMatchObject(notFound);
    expect((await service.list({ limit: 10, tag: "tenancy" }, intruder)).jobs).toEqual([]);
    expect((await service.list({ limit: 10 }, ownerViewer(a))).jobs.map((j) => j.id)).toEqual([
      job.id,
    ]);
    expect((await service.get(job.id, EVERYONE)).owner).toBe(a);
    // the cancel the intruder asked for did not happen
    expect((await service.get(job.id, ownerViewer(a))).cancelRequested).toBe(false);
  });

  it("limits an API key's unfinished jobs", async () => {
    const owner = freshOwner("limit");
    const ids: string[] = [];
    for (let i = 0; i < CONTRACT_JOBS_PER_KEY; i++) {
      ids.push((await service.submit(SPEC, { owner })).job.id);
    }
    await expect(service.submit(SPEC, { owner })).rejects.toMatchObject({
      code: "QPLANE_ERR_TOO_MANY_JOBS",
      message: `this API key has ${CONTRACT_JOBS_PER_KEY} unfinished jobs, the most allowed (${CONTRACT_JOBS_PER_KEY}); wait for one to finish or cancel one`,
    });
    await service.cancel(ids[0]!, ownerViewer(owner));
    expect((await service.submit(SPEC, { owner })).created).toBe(true);
    // jobs without an owner (auth off) are not limited
    for (let i = 0; i <= CONTRACT_JOBS_PER_KEY; i++) await service.submit(SPEC);
  });

  it("holds names and tags to the one rule, naming the field and the value", async () => {
    const refused = async (options: { name?: string; tags?: string[] }, message: string) =>
      expect(service.submit(SPEC, { ...options, owner: freshOwner("rule") })).rejects.toMatchObject(
        {
          code: "QPLANE_ERR_REQUEST_INVALID",
          message,
        },
      );
    const tagRule =
      "must be 1-64 letters, digits, '.', '_', ':' or '-', starting with a letter or digit";
    await refused({ tags: ["ok", "not ok"] }, `tags[1]: ${tagRule} (got "not ok")`);
    await refused({ tags: ["-lead"] }, `tags[0]: ${tagRule} (got "-lead")`);
    await refused({ tags: ["x".repeat(65)] }, `tags[0]: ${tagRule} (got "${"x".repeat(56)}...)`);
    await refused({ tags: ["a", "b", "a"] }, `tags[2]: must not repeat a tag (got "a")`);
    await refused(
      { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) },
      expect.stringMatching(/^tags: must be a list of at most 20 tags/) as unknown as string,
    );
    await refused(
      { name: "line\nbreak" },
      `name: must be 1-200 characters without control characters (got "line\\nbreak")`,
    );
    await refused(
      { name: "" },
      `name: must be 1-200 characters without control characters (got "")`,
    );
    const { job } = await service.submit(SPEC, {
      name: "ünïcode · ok",
      tags: ["A.b_c:d-e", "9"],
      owner: freshOwner("rule-ok"),
    });
    expect([job.name, job.tags]).toEqual(["ünïcode · ok", ["A.b_c:d-e", "9"]]);
  });
});
