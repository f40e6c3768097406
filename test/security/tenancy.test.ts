/**
 * Tenancy against a real server (buildApp over the Redis job and experiment services,
 * listening on a loopback port, plain HTTP): every job and experiment route × {the owner's
 * key, another key, an admin key, no key}, with exact statuses. Another key meets 404 exactly
 * as for an id that does not exist — a finished or running job of another key included (404,
 * never 409) — sees none of the owner's jobs in lists or on `/v1/events`, and changes nothing.
 * A "worker" is played through the job store (as the real one writes), so that the owner's
 * job has epochs, plots and events.
 */
import type { FastifyInstance } from "fastify";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/api/app.js";
import { ownerOf } from "../../src/api/auth.js";
import { createExperimentService, type ExperimentService } from "../../src/jobs/experiments.js";
import { newJobId } from "../../src/jobs/ids.js";
import { createJobService } from "../../src/jobs/service.js";
import { JobStore } from "../../src/jobs/store.js";
import { EVERYONE, type JobService } from "../../src/jobs/types.js";
import type { TrainingCheckpoint } from "../../src/training/loop.js";
import { parseJobSpec } from "../../src/training/spec.js";
import { sampleEpoch, sampleSummary } from "../api/fake-job-service.js";
import { connect, deleteKeysUnder, silentLogger, testConfig, testPrefix } from "../jobs/helpers.js";
import { type Answer, listen, type OpenStream, openStream, request, until } from "./http.js";

const OWNER = "tenant-owner-key-0123456789";
const OTHER = "tenant-other-key-0123456789";
const ADMIN = "tenant-admin-key-0123456789";
const IDENTITIES = { owner: OWNER, other: OTHER, admin: ADMIN, none: null } as const;
type Who = keyof typeof IDENTITIES;

const BODY = {
  dataset: { name: "moons", samples: 40 },
  model: { qubits: 2, layers: 1 },
  training: { epochs: 1 },
};
const EXPERIMENT = { spec: BODY, grid: { "training.seed": [1, 2] } };

const jobNotFound = (id: string) => ({
  error: { code: "QPLANE_ERR_JOB_NOT_FOUND", message: `job ${id}: no such job` },
});
const experimentNotFound = (id: string) => ({
  error: {
    code: "QPLANE_ERR_EXPERIMENT_NOT_FOUND",
    message: `experiment ${id}: no such experiment`,
  },
});
const UNAUTHORIZED = {
  error: {
    code: "QPLANE_ERR_UNAUTHORIZED",
    message: "missing API key: send `Authorization: Bearer <key>`",
  },
};

describe("tenancy over HTTP, Redis and the real services", () => {
  const prefix = testPrefix("tenancy");
  const config = testConfig(prefix, {
    QPLANE_API_KEYS: `${OWNER},${OTHER}`,
    QPLANE_ADMIN_KEYS: ADMIN,
    QPLANE_MAX_CONCURRENT_JOBS_PER_KEY: "100",
  });
  let redis: Redis;
  let store: JobStore;
  let service: JobService;
  let experiments: ExperimentService;
  let app: FastifyInstance;
  let base: string;

  /**
   * Requests of "other" that succeeded on something of the owner's, plus the owner's ids in
   * other's lists (must stay 0).
   */
  let crossTenant = 0;
  /** Cells of the route × identity matrix checked. */
  let cells = 0;
  const routes = new Set<string>();

  /** One cell of the matrix: the exact status, and the body when one is given. */
  async function cell(
    route: string,
    who: Who,
    method: string,
    path: string,
    status: number,
    body?: unknown,
    payload?: unknown,
  ): Promise<Answer> {
    const answer = await request(base, method, path, IDENTITIES[who], payload);
    routes.add(route);
    cells++;
    // every route but submit and list names something of the owner's
    const named = !route.startsWith("submit") && !route.startsWith("list");
    if (who === "other" && named && answer.status < 300) crossTenant++;
    expect({ route, who, status: answer.status }).toEqual({ route, who, status });
    if (body !== undefined) expect(answer.body).toEqual(body);
    if (status === 401) expect(answer.body).toEqual(UNAUTHORIZED);
    return answer;
  }

  /** A job of `key`, queued through the API. */
  async function submitJob(key: string): Promise<string> {
    const answer = await request(base, "POST", "/v1/jobs", key, BODY);
    expect(answer.status).toBe(202);
    return (answer.body as { id: string }).id;
  }

  /** What a worker writes: running, one epoch (with its events), then `end`. */
  async function work(id: string, end: "completed" | "running"): Promise<void> {
    const job = (await store.get(id))!;
    const started = await store.transition(
      job,
      ["queued"],
      "running",
      {
        startedAt: new Date().toISOString(),
      },
      { countAttempt: true },
    );
    if (!started.ok) throw new Error(`job ${id} did not start`);
    await store.publish(id, { type: "status", status: "running", at: new Date().toISOString() });
    const record = sampleEpoch(1);
    const checkpoint = {
      version: 1,
      epoch: 1,
      step: 4,
      records: [record],
    } as unknown as TrainingCheckpoint;
    await store.recordEpoch(id, started.attempts, record, checkpoint, {
      progress: { epoch: 1, epochs: 1 },
      latest: record,
    });
    await store.publish(id, { type: "metric", record });
    if (end === "running") return;
    await store.transition(job, ["running"], "completed", {
      finishedAt: new Date().toISOString(),
      summary: sampleSummary([record]),
    });
    await store.publish(id, { type: "status", status: "completed", at: new Date().toISOString() });
  }

  async function status(id: string): Promise<string> {
    return (await store.get(id))!.status;
  }

  beforeAll(async () => {
    redis = connect();
    store = new JobStore(redis, { prefix, retentionSeconds: config.retentionSeconds });
    service = createJobService({ config, logger: silentLogger });
    experiments = createExperimentService({ config, jobs: service, logger: silentLogger });
    app = await buildApp({
      service,
      experiments,
      apiKeys: config.apiKeys,
      adminKeys: config.adminKeys,
      limits: config.limits,
      log: false,
    });
    base = await listen(app);
  });

  afterAll(async () => {
    await app?.close();
    await experiments?.close();
    await service?.close();
    await deleteKeysUnder(redis, prefix);
    redis.disconnect();
  });

  it("the all-jobs stream of a key carries only its own jobs' events; an admin's carries all", async () => {
    // jobs this API process has never seen (as if submitted through another replica), so
    // their owners are looked up on the first event
    const replica = createJobService({ config, logger: silentLogger });
    const streams: Record<Who, OpenStream> = {} as Record<Who, OpenStream>;
    try {
      for (const who of ["owner", "other", "admin"] as const) {
        streams[who] = await openStream(base, "/v1/events", IDENTITIES[who]);
        expect(streams[who].status).toBe(200);
      }
      const refused = await openStream(base, "/v1/events", null);
      expect({ status: refused.status, body: refused.body }).toEqual({
        status: 401,
        body: UNAUTHORIZED,
      });
      const ownerJob = (await replica.submit(parseJobSpec(BODY), { owner: ownerOf(OWNER) })).job.id;
      const otherJob = (await replica.submit(parseJobSpec(BODY), { owner: ownerOf(OTHER) })).job.id;
      await work(ownerJob, "completed");
      await work(otherJob, "completed");
      // and jobs submitted through this server (owners known from the submission)
      const ownerLater = await submitJob(OWNER);
      const otherLater = await submitJob(OTHER);

      const jobsOf = (stream: OpenStream) => stream.frames.map((frame) => frame.data.jobId);
      const sequence = (stream: OpenStream, id: string) =>
        stream.frames
          .filter((frame) => frame.data.jobId === id)
          .map((frame) => (frame.event === "status" ? frame.data.status : frame.event));
      await until(
        () =>
          jobsOf(streams.owner).includes(ownerLater) &&
          jobsOf(streams.other).includes(otherLater) &&
          jobsOf(streams.admin).includes(ownerLater) &&
          jobsOf(streams.admin).includes(otherLater),
        "every stream to see the last job",
      );
      const complete = ["queued", "running", "metric", "completed"];
      expect(sequence(streams.owner, ownerJob)).toEqual(complete);
      expect(sequence(streams.other, otherJob)).toEqual(complete);
      expect(sequence(streams.admin, ownerJob)).toEqual(complete);
      expect(sequence(streams.admin, otherJob)).toEqual(complete);
      expect(new Set(jobsOf(streams.owner))).toEqual(new Set([ownerJob, ownerLater]));
      expect(new Set(jobsOf(streams.other))).toEqual(new Set([otherJob, otherLater]));
      expect(new Set(jobsOf(streams.admin))).toEqual(
        new Set([ownerJob, otherJob, ownerLater, otherLater]),
      );
    } finally {
      for (const stream of Object.values(streams)) stream.close();
      await replica.close();
    }
  });

  it("walks every route × {owner, other key, admin key, no key}: 0 cross-tenant reads or writes", async () => {
    // the owner's jobs: one finished with an epoch (reads), one running, and one per
    // identity for each write
    const done = await submitJob(OWNER);
    await work(done, "completed");
    const running = await submitJob(OWNER);
    await work(running, "running");
    const toCancel = { owner: await submitJob(OWNER), admin: await submitJob(OWNER) };
    const queued = await submitJob(OWNER);
    const toDelete = { owner: await submitJob(OWNER), admin: await submitJob(OWNER) };
    for (const id of Object.values(toDelete)) await work(id, "completed");
    const otherJob = await submitJob(OTHER);
    const missing = newJobId();

    // --- jobs ------------------------------------------------------------------------------
    await cell("submit job", "owner", "POST", "/v1/jobs", 202, undefined, BODY);
    await cell("submit job", "other", "POST", "/v1/jobs", 202, undefined, BODY);
    await cell("submit job", "admin", "POST", "/v1/jobs", 202, undefined, BODY);
    await cell("submit job", "none", "POST", "/v1/jobs", 401, undefined, BODY);

    const listed = async (who: Who) => {
      const answer = await cell(
        "list jobs",
        who,
        "GET",
        "/v1/jobs?limit=100",
        who === "none" ? 401 : 200,
      );
      return who === "none"
        ? []
        : (answer.body as { jobs: { id: string }[] }).jobs.map((job) => job.id);
    };
    const ownerList = await listed("owner");
    const otherList = await listed("other");
    const adminList = await listed("admin");
    await listed("none");
    const ownerJobs = [
      done,
      running,
      toCancel.owner,
      toCancel.admin,
      queued,
      toDelete.owner,
      toDelete.admin,
    ];
    expect(ownerList).toEqual(expect.arrayContaining(ownerJobs));
    expect(ownerList).not.toContain(otherJob);
    expect(otherList).toContain(otherJob);
    const leaked = otherList.filter((id) => ownerList.includes(id));
    crossTenant += leaked.length;
    expect(leaked).toEqual([]);
    expect(adminList).toEqual(expect.arrayContaining([...ownerJobs, otherJob]));
    expect(adminList.length).toBe(new Set([...ownerList, ...otherList]).size + 1); // + admin's own

    const reads: [string, string][] = [
      ["get job", `/v1/jobs/${done}`],
      ["job metrics", `/v1/jobs/${done}/metrics`],
      ["job metrics csv", `/v1/jobs/${done}/metrics?format=csv`],
      ["infoplane.svg", `/v1/jobs/${done}/infoplane.svg`],
      ["curves.svg", `/v1/jobs/${done}/curves.svg`],
      ["job events", `/v1/jobs/${done}/events`],
    ];
    for (const [route, path] of reads) {
      const first = await cell(route, "owner", "GET", path, 200);
      const admin = await cell(route, "admin", "GET", path, 200);
      // (an SVG numbers its gradients per rendering)
      if (!path.endsWith(".svg")) expect(admin.body).toEqual(first.body);
      await cell(route, "other", "GET", path, 404, jobNotFound(done));
      await cell(route, "none", "GET", path, 401);
      // exactly what an id that does not exist answers
      const absent = await request(base, "GET", path.replace(done, missing), OTHER);
      expect({ status: absent.status, body: absent.body }).toEqual({
        status: 404,
        body: jobNotFound(missing),
      });
    }
    expect((await request(base, "GET", `/v1/jobs/${done}/metrics`, OWNER)).body).toMatchObject({
      metrics: [{ epoch: 1 }],
    });

    // writes: the other key meets 404 whatever the status (queued, running, finished), and
    // nothing changes
    for (const id of [queued, running]) {
      await cell("cancel job", "other", "POST", `/v1/jobs/${id}/cancel`, 404, jobNotFound(id));
    }
    for (const id of [done, running, queued]) {
      await cell("delete job", "other", "DELETE", `/v1/jobs/${id}`, 404, jobNotFound(id));
    }
    expect([await status(queued), await status(running), await status(done)]).toEqual([
      "queued",
      "running",
      "completed",
    ]);
    expect((await store.get(running))!.cancelRequested).toBe(false);
    await cell("cancel job", "none", "POST", `/v1/jobs/${queued}/cancel`, 401);
    await cell("delete job", "none", "DELETE", `/v1/jobs/${done}`, 401);
    expect([await status(queued), await status(done)]).toEqual(["queued", "completed"]);
    await cell("cancel job", "owner", "POST", `/v1/jobs/${toCancel.owner}/cancel`, 202);
    await cell("cancel job", "admin", "POST", `/v1/jobs/${toCancel.admin}/cancel`, 202);
    expect([await status(toCancel.owner), await status(toCancel.admin)]).toEqual([
      "cancelled",
      "cancelled",
    ]);
    // the owner's own finished job: an unfinished one is still a 409 for its owner
    await cell("delete job", "owner", "DELETE", `/v1/jobs/${queued}`, 409);
    await cell("delete job", "owner", "DELETE", `/v1/jobs/${toDelete.owner}`, 204);
    await cell("delete job", "admin", "DELETE", `/v1/jobs/${toDelete.admin}`, 204);
    expect([await store.get(toDelete.owner), await store.get(toDelete.admin)]).toEqual([
      null,
      null,
    ]);

    // --- the all-jobs stream: 200 for every key (its contents are the test above) -----------
    for (const who of ["owner", "other", "admin", "none"] as const) {
      const stream = await openStream(base, "/v1/events", IDENTITIES[who]);
      stream.close();
      routes.add("all-jobs events");
      cells++;
      expect({ who, status: stream.status }).toEqual({ who, status: who === "none" ? 401 : 200 });
    }

    // --- experiments -------------------------------------------------------------------------
    const submitted: Partial<Record<Who, string>> = {};
    for (const who of ["owner", "other", "admin", "none"] as const) {
      const answer = await cell(
        "submit experiment",
        who,
        "POST",
        "/v1/experiments",
        who === "none" ? 401 : 202,
        undefined,
        EXPERIMENT,
      );
      if (who !== "none") submitted[who] = (answer.body as { id: string }).id;
    }
    const experiment = submitted.owner!;
    const forAdmin = (await request(base, "POST", "/v1/experiments", OWNER, EXPERIMENT)).body as {
      id: string;
      jobIds: string[];
    };
    const childIds = (
      (await request(base, "GET", `/v1/experiments/${experiment}`, OWNER)).body as {
        jobIds: string[];
      }
    ).jobIds;
    expect(childIds).toHaveLength(2);

    const experimentIds = async (who: Who) => {
      const answer = await cell(
        "list experiments",
        who,
        "GET",
        "/v1/experiments?limit=100",
        who === "none" ? 401 : 200,
      );
      return who === "none"
        ? []
        : (answer.body as { experiments: { id: string }[] }).experiments.map((view) => view.id);
    };
    expect(new Set(await experimentIds("owner"))).toEqual(new Set([experiment, forAdmin.id]));
    const otherExperiments = await experimentIds("other");
    crossTenant += otherExperiments.filter((id) => id === experiment || id === forAdmin.id).length;
    expect(otherExperiments).toEqual([submitted.other]);
    expect(new Set(await experimentIds("admin"))).toEqual(
      new Set([experiment, forAdmin.id, submitted.other, submitted.admin]),
    );
    await experimentIds("none");
    // the children are the owner's jobs: invisible to the other key too
    for (const id of childIds) {
      await cell("get job", "other", "GET", `/v1/jobs/${id}`, 404, jobNotFound(id));
    }

    const experimentReads: [string, string][] = [
      ["get experiment", `/v1/experiments/${experiment}`],
      ["experiment csv", `/v1/experiments/${experiment}?format=csv`],
      ["experiment curves", `/v1/experiments/${experiment}/curves`],
    ];
    for (const [route, path] of experimentReads) {
      const first = await cell(route, "owner", "GET", path, 200);
      const admin = await cell(route, "admin", "GET", path, 200);
      expect(admin.body).toEqual(first.body);
      await cell(route, "other", "GET", path, 404, experimentNotFound(experiment));
      await cell(route, "none", "GET", path, 401);
    }
    const cancelPath = (id: string) => `/v1/experiments/${id}/cancel`;
    await cell(
      "cancel experiment",
      "other",
      "POST",
      cancelPath(experiment),
      404,
      experimentNotFound(experiment),
    );
    await cell("cancel experiment", "none", "POST", cancelPath(experiment), 401);
    expect([await status(childIds[0]!), await status(childIds[1]!)]).toEqual(["queued", "queued"]);
    const cancelled = await cell("cancel experiment", "owner", "POST", cancelPath(experiment), 200);
    expect(cancelled.body).toMatchObject({ counts: { cancelled: 2 } });
    const byAdmin = await cell("cancel experiment", "admin", "POST", cancelPath(forAdmin.id), 200);
    expect(byAdmin.body).toMatchObject({ counts: { cancelled: 2 } });

    // an experiment whose children are all gone is gone, from its owner's index too
    for (const id of forAdmin.jobIds) {
      expect((await request(base, "DELETE", `/v1/jobs/${id}`, OWNER)).status).toBe(204);
    }
    const gone = await request(base, "GET", `/v1/experiments/${forAdmin.id}`, OWNER);
    expect(gone.body).toEqual(experimentNotFound(forAdmin.id));
    expect(await redis.zrange(store.keys.ownerExperiments(ownerOf(OWNER)), 0, "-1")).toEqual([
      experiment,
    ]);

    expect(crossTenant).toBe(0);
    // 17 routes × 4 identities, each checked at least once
    expect(routes.size).toBe(17);
    console.info(
      `tenancy matrix: ${routes.size} routes × 4 identities, ${cells} requests checked, ${crossTenant} cross-tenant reads or writes`,
    );
  });

  it("pages an owner's list through its own index: every own job once, no other key's", async () => {
    const mine = [await submitJob(OTHER), await submitJob(OTHER), await submitJob(OTHER)];
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor === null ? "" : `&cursor=${cursor}`;
      const answer = await request(base, "GET", `/v1/jobs?limit=2${query}`, OTHER);
      expect(answer.status).toBe(200);
      const page = answer.body as { jobs: { id: string }[]; nextCursor: string | null };
      expect(page.jobs.length).toBeLessThanOrEqual(2);
      seen.push(...page.jobs.map((job) => job.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== null);
    const everyOther = (await service.list({ limit: 1000 }, EVERYONE)).jobs
      .filter((job) => job.owner === ownerOf(OTHER))
      .map((job) => job.id);
    expect(everyOther).toEqual(expect.arrayContaining(mine));
    expect(seen).toEqual(everyOther);
    expect(pages).toBe(Math.ceil(everyOther.length / 2));
    // a status filter walks the smaller of the two indexes, with the same answer
    const queuedOnly = await request(base, "GET", "/v1/jobs?status=queued&limit=100", OTHER);
    expect((queuedOnly.body as { jobs: { id: string }[] }).jobs.map((job) => job.id)).toEqual(
      (await service.list({ status: "queued", limit: 1000 }, EVERYONE)).jobs
        .filter((job) => job.owner === ownerOf(OTHER))
        .map((job) => job.id),
    );
  });

  it("shows everything, as before, on a server without keys", async () => {
    const open = await buildApp({ service, experiments, limits: config.limits, log: false });
    try {
      const openBase = await listen(open);
      const ownerJob = await submitJob(OWNER);
      const otherJob = await submitJob(OTHER);
      for (const id of [ownerJob, otherJob]) {
        expect((await request(openBase, "GET", `/v1/jobs/${id}`, null)).status).toBe(200);
      }
      const list = await request(openBase, "GET", "/v1/jobs?limit=100", null);
      const ids = (list.body as { jobs: { id: string }[] }).jobs.map((job) => job.id);
      expect(ids).toEqual(expect.arrayContaining([ownerJob, otherJob]));
      const cancel = await request(openBase, "POST", `/v1/jobs/${ownerJob}/cancel`, null);
      expect(cancel.status).toBe(202);
    } finally {
      await open.close();
    }
  });
});
