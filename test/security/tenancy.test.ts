/**
 * Tenancy against a real server (buildApp over the Redis job and experiment services,
 * listening on a loopback port, plain HTTP): every job and experiment route × {the owner's
 * key, another key, an admin key, no key}, with exact statuses. Another key meets 404 exactly
 * as for an id that does not exist — a finished or running job of another key included (404,
 * never 409) — sees none of the owner's jobs in lists or on `/v1/events`, and changes nothing.
 * A real worker (`startWorker`, in this process, concurrency 1) runs the jobs: tiny ones to
 * completion, then a long one that keeps it busy, so that the jobs submitted after it stay
 * queued for the rest of the file (closing the worker hands it back).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/api/app.js";
import { ownerOf } from "../../src/api/auth.js";
import { newJobId } from "../../src/jobs/ids.js";
import { createJobService } from "../../src/jobs/service.js";
import { JobStore } from "../../src/jobs/store.js";
import { EVERYONE, type JobStatus, TERMINAL_JOB_STATUSES } from "../../src/jobs/types.js";
import { parseJobSpec } from "../../src/training/spec.js";
import { useRealServer } from "../helpers/real-server.js";
import { silentLogger, waitFor } from "../jobs/helpers.js";
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
/** ~45 ms epochs (~45 s in all, the file takes ~1 s): the worker stays busy with it. */
const LONG_BODY = {
  dataset: { name: "moons", samples: 400 },
  model: { qubits: 8, layers: 3 },
  training: { epochs: 1000 },
};

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
const FORBIDDEN = {
  error: {
    code: "QPLANE_ERR_FORBIDDEN",
    message:
      "/metrics shows every key's activity and this server has several keys: it needs an admin key (QPLANE_ADMIN_KEYS)",
  },
};

describe("tenancy over HTTP, Redis and the real services", () => {
  const server = useRealServer("tenancy", {
    env: {
      QPLANE_API_KEYS: `${OWNER},${OTHER}`,
      QPLANE_ADMIN_KEYS: ADMIN,
      QPLANE_MAX_CONCURRENT_JOBS_PER_KEY: "100",
      QPLANE_WORKER_CONCURRENCY: "1",
    },
    worker: true,
    app: ({ jobs, experiments, config }) => ({
      service: jobs,
      experiments,
      apiKeys: config.apiKeys,
      adminKeys: config.adminKeys,
      limits: config.limits,
      log: false,
    }),
  });
  let store: JobStore;

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
    const answer = await request(server.base, method, path, IDENTITIES[who], payload);
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

  /** The ids a list route shows `who` (200; without a key 401 and none). */
  async function listedIds(
    route: string,
    who: Who,
    path: string,
    field: "jobs" | "experiments",
  ): Promise<string[]> {
    const answer = await cell(route, who, "GET", path, who === "none" ? 401 : 200);
    if (who === "none") return [];
    return (answer.body as Record<typeof field, { id: string }[]>)[field].map((item) => item.id);
  }

  /**
   * A read route of something of the owner's, for every identity: the owner and an admin
   * 200 (their answers are returned), another key 404 with `notFound`, no key 401.
   */
  async function readCells(route: string, path: string, notFound: unknown) {
    const owner = await cell(route, "owner", "GET", path, 200);
    const admin = await cell(route, "admin", "GET", path, 200);
    await cell(route, "other", "GET", path, 404, notFound);
    await cell(route, "none", "GET", path, 401);
    return { owner, admin };
  }

  /** A job of `key`, queued through the API. */
  async function submitJob(key: string, body: unknown = BODY): Promise<string> {
    const answer = await request(server.base, "POST", "/v1/jobs", key, body);
    expect(answer.status).toBe(202);
    return (answer.body as { id: string }).id;
  }

  /** Waits for the worker to bring job `id` to `wanted`; fails at once if it ends otherwise. */
  async function reaches(id: string, wanted: "running" | "completed"): Promise<void> {
    await waitFor(async () => {
      const job = (await store.get(id))!;
      if (job.status === wanted) return true;
      if (TERMINAL_JOB_STATUSES.has(job.status)) {
        throw new Error(`job ${id} ended ${job.status}: ${JSON.stringify(job.error)}`);
      }
      return false;
    }, `job ${id} to be ${wanted}`);
  }

  async function status(id: string): Promise<JobStatus> {
    return (await store.get(id))!.status;
  }

  beforeAll(() => {
    store = new JobStore(server.redis, {
      prefix: server.prefix,
      retentionSeconds: server.config.retentionSeconds,
    });
  });

  it("the all-jobs stream of a key carries only its own jobs' events; an admin's carries all", async () => {
    // jobs this API process has never seen (as if submitted through another replica), so
    // their owners are looked up on the first event
    const replica = createJobService({ config: server.config, logger: silentLogger });
    const streams: Record<Who, OpenStream> = {} as Record<Who, OpenStream>;
    try {
      for (const who of ["owner", "other", "admin"] as const) {
        streams[who] = await openStream(server.base, "/v1/events", IDENTITIES[who]);
        expect(streams[who].status).toBe(200);
      }
      const refused = await openStream(server.base, "/v1/events", null);
      expect({ status: refused.status, body: refused.body }).toEqual({
        status: 401,
        body: UNAUTHORIZED,
      });
      const ownerJob = (await replica.submit(parseJobSpec(BODY), { owner: ownerOf(OWNER) })).job.id;
      const otherJob = (await replica.submit(parseJobSpec(BODY), { owner: ownerOf(OTHER) })).job.id;
      // and jobs submitted through this server (owners known from the submission)
      const ownerLater = await submitJob(OWNER);
      const otherLater = await submitJob(OTHER);

      const jobsOf = (stream: OpenStream) => stream.frames.map((frame) => frame.data.jobId);
      // status and metric events (progress ticks depend on timing)
      const sequence = (stream: OpenStream, id: string) =>
        stream.frames
          .filter((frame) => frame.data.jobId === id && frame.event !== "progress")
          .map((frame) => (frame.event === "status" ? frame.data.status : frame.event));
      const completed = (stream: OpenStream, id: string) =>
        sequence(stream, id).includes("completed");
      await until(
        () =>
          [ownerJob, ownerLater].every((id) => completed(streams.owner, id)) &&
          [otherJob, otherLater].every((id) => completed(streams.other, id)) &&
          [ownerJob, otherJob, ownerLater, otherLater].every((id) => completed(streams.admin, id)),
        "every stream to see its jobs complete",
      );
      const complete = ["queued", "running", "metric", "completed"];
      expect(sequence(streams.owner, ownerJob)).toEqual(complete);
      expect(sequence(streams.other, otherJob)).toEqual(complete);
      expect(sequence(streams.admin, ownerJob)).toEqual(complete);
      expect(sequence(streams.admin, otherJob)).toEqual(complete);
      expect(sequence(streams.admin, ownerLater)).toEqual(complete);
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
    // identity for each write; the finished ones first, then the long one that keeps the
    // worker busy, so the jobs after it stay queued
    const done = await submitJob(OWNER);
    const toDelete = { owner: await submitJob(OWNER), admin: await submitJob(OWNER) };
    for (const id of [done, ...Object.values(toDelete)]) await reaches(id, "completed");
    const running = await submitJob(OWNER, LONG_BODY);
    await reaches(running, "running");
    const toCancel = { owner: await submitJob(OWNER), admin: await submitJob(OWNER) };
    const queued = await submitJob(OWNER);
    const otherJob = await submitJob(OTHER);
    const missing = newJobId();

    // --- jobs ------------------------------------------------------------------------------
    await cell("submit job", "owner", "POST", "/v1/jobs", 202, undefined, BODY);
    await cell("submit job", "other", "POST", "/v1/jobs", 202, undefined, BODY);
    await cell("submit job", "admin", "POST", "/v1/jobs", 202, undefined, BODY);
    await cell("submit job", "none", "POST", "/v1/jobs", 401, undefined, BODY);

    const listed = (who: Who) => listedIds("list jobs", who, "/v1/jobs?limit=100", "jobs");
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
      const { owner, admin } = await readCells(route, path, jobNotFound(done));
      // (an SVG numbers its gradients per rendering)
      if (!path.endsWith(".svg")) expect(admin.body).toEqual(owner.body);
      // exactly what an id that does not exist answers
      const absent = await request(server.base, "GET", path.replace(done, missing), OTHER);
      expect({ status: absent.status, body: absent.body }).toEqual({
        status: 404,
        body: jobNotFound(missing),
      });
    }
    expect(
      (await request(server.base, "GET", `/v1/jobs/${done}/metrics`, OWNER)).body,
    ).toMatchObject({
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

    // --- /metrics: every key's activity, so an admin key's alone (QPLANE_ADMIN_KEYS set) ------
    await cell("metrics", "owner", "GET", "/metrics", 403, FORBIDDEN);
    await cell("metrics", "other", "GET", "/metrics", 403, FORBIDDEN);
    const scrape = await cell("metrics", "admin", "GET", "/metrics", 200);
    expect(scrape.body).toMatch(/^qplane_jobs\{status="running"\} 1$/m);
    await cell("metrics", "none", "GET", "/metrics", 401);

    // --- the all-jobs stream: 200 for every key (its contents are the test above) -----------
    for (const who of ["owner", "other", "admin", "none"] as const) {
      const stream = await openStream(server.base, "/v1/events", IDENTITIES[who]);
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
    const forAdmin = (await request(server.base, "POST", "/v1/experiments", OWNER, EXPERIMENT))
      .body as {
      id: string;
      jobIds: string[];
    };
    const childIds = (
      (await request(server.base, "GET", `/v1/experiments/${experiment}`, OWNER)).body as {
        jobIds: string[];
      }
    ).jobIds;
    expect(childIds).toHaveLength(2);

    const experimentIds = (who: Who) =>
      listedIds("list experiments", who, "/v1/experiments?limit=100", "experiments");
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
      const { owner, admin } = await readCells(route, path, experimentNotFound(experiment));
      expect(admin.body).toEqual(owner.body);
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
      expect((await request(server.base, "DELETE", `/v1/jobs/${id}`, OWNER)).status).toBe(204);
    }
    const gone = await request(server.base, "GET", `/v1/experiments/${forAdmin.id}`, OWNER);
    expect(gone.body).toEqual(experimentNotFound(forAdmin.id));
    expect(await server.redis.zrange(store.keys.ownerExperiments(ownerOf(OWNER)), 0, "-1")).toEqual(
      [experiment],
    );

    expect(crossTenant).toBe(0);
    // 18 routes × 4 identities, each checked at least once
    expect(routes.size).toBe(18);
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
      const answer = await request(server.base, "GET", `/v1/jobs?limit=2${query}`, OTHER);
      expect(answer.status).toBe(200);
      const page = answer.body as { jobs: { id: string }[]; nextCursor: string | null };
      expect(page.jobs.length).toBeLessThanOrEqual(2);
      seen.push(...page.jobs.map((job) => job.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== null);
    const everyOther = (await server.jobs.list({ limit: 1000 }, EVERYONE)).jobs
      .filter((job) => job.owner === ownerOf(OTHER))
      .map((job) => job.id);
    expect(everyOther).toEqual(expect.arrayContaining(mine));
    expect(seen).toEqual(everyOther);
    expect(pages).toBe(Math.ceil(everyOther.length / 2));
    // a status filter walks the smaller of the two indexes, with the same answer
    const queuedOnly = await request(server.base, "GET", "/v1/jobs?status=queued&limit=100", OTHER);
    expect((queuedOnly.body as { jobs: { id: string }[] }).jobs.map((job) => job.id)).toEqual(
      (await server.jobs.list({ status: "queued", limit: 1000 }, EVERYONE)).jobs
        .filter((job) => job.owner === ownerOf(OTHER))
        .map((job) => job.id),
    );
  });

  it("shows everything, as before, on a server without keys", async () => {
    const open = await buildApp({
      service: server.jobs,
      experiments: server.experiments,
      limits: server.config.limits,
      log: false,
    });
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
