import type { FastifyInstance } from "fastify";
import { describe, expect, it } from "vitest";
import { METRICS_CSV_COLUMNS } from "../../src/runs/run-folder.js";
import { type FakeJobService, sampleEpoch } from "./fake-job-service.js";
import { spec, submit, useTestApp } from "./helpers.js";

let app: FastifyInstance;
let service: FakeJobService;

useTestApp((built) => ({ app, service } = built));

describe("POST /v1/jobs", () => {
  it("queues the spec with every default applied: 202, {id, status}, Location", async () => {
    const response = await app.inject({
      method: "POST",
      url: "/v1/jobs",
      payload: spec({ name: "moons baseline", tags: ["baseline", "moons"] }),
    });
    expect(response.statusCode).toBe(202);
    const body = response.json();
    expect(body).toEqual({ id: expect.stringMatching(/^[0-7][0-9A-Z]{25}$/), status: "queued" });
    expect(response.headers.location).toBe(`/v1/jobs/${body.id}`);
    const { spec: stored, options } = service.submitted[0]!;
    expect(stored.training).toMatchObject({ epochs: 3, batchSize: 16, optimizer: "adam" });
    expect(stored.backend).toEqual({ name: "local", shots: 0 });
    expect(stored).not.toHaveProperty("name");
    expect(options).toMatchObject({
      name: "moons baseline",
      tags: ["baseline", "moons"],
      owner: null,
    });
  });

  it("replays an Idempotency-Key with the same body (200, same job) and refuses a different body (409)", async () => {
    const headers = { "idempotency-key": "run-2025-01-01-a" };
    const first = await app.inject({ method: "POST", url: "/v1/jobs", payload: spec(), headers });
    expect(first.statusCode).toBe(202);
    const { id } = first.json();
    service.start(id);

    const again = await app.inject({ method: "POST", url: "/v1/jobs", payload: spec(), headers });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ id, status: "running" });
    expect(again.headers.location).toBe(`/v1/jobs/${id}`);
    expect(again.headers["idempotent-replayed"]).toBe("true");

    const different = await app.inject({
      method: "POST",
      url: "/v1/jobs",
      payload: spec({ training: { epochs: 4 } }),
      headers,
    });
    expect(different.statusCode).toBe(409);
    expect(different.json().error.code).toBe("QPLANE_ERR_IDEMPOTENCY_CONFLICT");
    expect(service.submitted).toHaveLength(1);

    const otherKey = await app.inject({
      method: "POST",
      url: "/v1/jobs",
      payload: spec(),
      headers: { "idempotency-key": "run-2025-01-01-b" },
    });
    expect(otherKey.statusCode).toBe(202);
    expect(otherKey.json().id).not.toBe(id);
  });
});

describe("GET /v1/jobs/:id", () => {
  it("shows status, progress, ETA, the latest record, summary and spec", async () => {
    const id = await submit(app, spec({ name: "probe", tags: ["a"] }));
    const queued = (await app.inject({ url: `/v1/jobs/${id}` })).json();
    expect(queued).toMatchObject({
      id,
      status: "queued",
      name: "probe",
      tags: ["a"],
      progress: { epoch: 0, epochs: 3 },
      etaSeconds: null,
      latest: null,
      summary: null,
      error: null,
      startedAt: null,
      finishedAt: null,
      cancelRequested: false,
      attempts: 0,
    });
    expect(queued.spec.dataset).toEqual({
      name: "moons",
      samples: 64,
      noise: 0.1,
      testFraction: 0.25,
      validationFraction: 0,
      seed: 1,
      classes: 3,
      degree: 3,
    });
    expect(queued).not.toHaveProperty("owner");

    service.start(id);
    service.epoch(id, sampleEpoch(1, { elapsedMs: 500 }));
    const running = (await app.inject({ url: `/v1/jobs/${id}` })).json();
    expect(running.status).toBe("running");
    expect(running.progress).toEqual({ epoch: 1, epochs: 3 });
    expect(running.etaSeconds).toBeCloseTo(1.0, 10); // 2 epochs left at 0.5 s each
    expect(running.latest).toEqual(sampleEpoch(1, { elapsedMs: 500 }));
    expect(running.startedAt).toMatch(/^2025-01-01T/);

    service.epoch(id);
    service.epoch(id);
    service.complete(id);
    const done = (await app.inject({ url: `/v1/jobs/${id}` })).json();
    expect(done.status).toBe("completed");
    expect(done.summary).toMatchObject({ epochs: 3, task: "classification" });
    expect(done.finishedAt).not.toBeNull();
  });

  it("reports a failed job's error and shows non-finite metrics as null", async () => {
    const id = await submit(app);
    service.start(id);
    service.epoch(
      id,
      sampleEpoch(1, { trainLoss: Number.NaN, testLoss: Number.POSITIVE_INFINITY }),
    );
    service.fail(id, "QPLANE_ERR_DATASET", "dataset.samples: too few rows");
    const response = await app.inject({ url: `/v1/jobs/${id}` });
    expect(response.statusCode).toBe(200);
    const job = response.json();
    expect(job.error).toEqual({
      code: "QPLANE_ERR_DATASET",
      message: "dataset.samples: too few rows",
    });
    expect(job.latest.trainLoss).toBeNull();
    expect(job.latest.testLoss).toBeNull();
    expect(job.latest.ixt).toBe(0.5);
  });

  it("answers an unknown job with 404 QPLANE_ERR_JOB_NOT_FOUND", async () => {
    const response = await app.inject({ url: "/v1/jobs/01JGFJJZZ8R6KSXNFH4AEYB48F" });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe("QPLANE_ERR_JOB_NOT_FOUND");
    for (const suffix of ["/metrics", "/infoplane.svg", "/curves.svg", "/events"]) {
      const sub = await app.inject({ url: `/v1/jobs/01JGFJJZZ8R6KSXNFH4AEYB48F${suffix}` });
      expect(sub.statusCode, suffix).toBe(404);
    }
    const cancel = await app.inject({
      method: "POST",
      url: "/v1/jobs/01JGFJJZZ8R6KSXNFH4AEYB48F/cancel",
    });
    expect(cancel.statusCode).toBe(404);
    const remove = await app.inject({
      method: "DELETE",
      url: "/v1/jobs/01JGFJJZZ8R6KSXNFH4AEYB48F",
    });
    expect(remove.statusCode).toBe(404);
  });
});

describe("GET /v1/jobs", () => {
  it("lists newest first, filters by status, tag and backend, and pages with a cursor", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(await submit(app, spec({ tags: i % 2 === 0 ? ["even"] : ["odd"] })));
    }
    service.run(ids[1]!, 1);
    service.run(ids[3]!, 1);

    const all = (await app.inject({ url: "/v1/jobs" })).json();
    expect(all.jobs.map((job: { id: string }) => job.id)).toEqual([...ids].reverse());
    expect(all.nextCursor).toBeNull();

    const completed = (await app.inject({ url: "/v1/jobs?status=completed" })).json();
    expect(completed.jobs.map((job: { id: string }) => job.id)).toEqual([ids[3], ids[1]]);

    const even = (await app.inject({ url: "/v1/jobs?tag=even" })).json();
    expect(even.jobs.map((job: { id: string }) => job.id)).toEqual([ids[4], ids[2], ids[0]]);

    expect((await app.inject({ url: "/v1/jobs?backend=local" })).json().jobs).toHaveLength(5);
    expect((await app.inject({ url: "/v1/jobs?backend=ibm-brisbane" })).json().jobs).toEqual([]);

    const seen: string[] = [];
    let url = "/v1/jobs?limit=2";
    for (let page = 0; page < 5; page++) {
      const body = (await app.inject({ url })).json();
      seen.push(...body.jobs.map((job: { id: string }) => job.id));
      if (body.nextCursor === null) break;
      expect(body.jobs).toHaveLength(2);
      url = `/v1/jobs?limit=2&cursor=${encodeURIComponent(body.nextCursor)}`;
    }
    expect(seen).toEqual([...ids].reverse());
  });
});

describe("GET /v1/jobs/:id/metrics", () => {
  it("returns the per-epoch records as JSON, as CSV, and only those after sinceEpoch", async () => {
    const id = await submit(app);
    service.start(id);
    for (let epoch = 1; epoch <= 3; epoch++) service.epoch(id);

    const json = await app.inject({ url: `/v1/jobs/${id}/metrics` });
    expect(json.statusCode).toBe(200);
    expect(json.headers["content-type"]).toMatch(/^application\/json/);
    expect(json.json()).toEqual({ metrics: [sampleEpoch(1), sampleEpoch(2), sampleEpoch(3)] });

    const since = await app.inject({ url: `/v1/jobs/${id}/metrics?sinceEpoch=2` });
    expect(since.json().metrics.map((record: { epoch: number }) => record.epoch)).toEqual([3]);
    const none = await app.inject({ url: `/v1/jobs/${id}/metrics?sinceEpoch=3` });
    expect(none.json()).toEqual({ metrics: [] });

    const csv = await app.inject({ url: `/v1/jobs/${id}/metrics?format=csv` });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers["content-type"]).toBe("text/csv; charset=utf-8");
    const lines = csv.body.trimEnd().split("\n");
    expect(lines).toHaveLength(4);
    const header = lines[0]!.split(",");
    expect(header.slice(0, 3)).toEqual(METRICS_CSV_COLUMNS.slice(0, 3));
    const row = Object.fromEntries(header.map((column, i) => [column, lines[2]!.split(",")[i]]));
    expect(Number(row.epoch)).toBe(2);
    expect(Number(row.ixt)).toBeCloseTo(sampleEpoch(2).ixt, 12);

    const csvSince = await app.inject({ url: `/v1/jobs/${id}/metrics?format=csv&sinceEpoch=1` });
    expect(csvSince.body.trimEnd().split("\n")).toHaveLength(3);
  });
});

describe("plots", () => {
  it("serves the information plane and the training curves as SVG", async () => {
    const id = await submit(app, spec({ name: "moons <b>bold</b>" }));
    service.run(id, 3);
    for (const [path, text] of [
      ["infoplane.svg", "I(X;T) [bits]"],
      ["curves.svg", "Training curves"],
    ] as const) {
      const response = await app.inject({ url: `/v1/jobs/${id}/${path}` });
      expect(response.statusCode, path).toBe(200);
      expect(response.headers["content-type"]).toBe("image/svg+xml; charset=utf-8");
      expect(response.body.startsWith("<svg")).toBe(true);
      expect(response.body).toContain(text);
      // The job's name is a title, escaped, never markup.
      expect(response.body).toContain("moons &lt;b&gt;bold&lt;/b&gt;");
      expect(response.body).not.toContain("<b>");
    }
  });

  it("draws an empty plot for a job without epochs yet", async () => {
    const id = await submit(app);
    const response = await app.inject({ url: `/v1/jobs/${id}/infoplane.svg` });
    expect(response.statusCode).toBe(200);
    expect(response.body.startsWith("<svg")).toBe(true);
  });
});

describe("cancel and delete", () => {
  it("cancels a queued job at once (202 with the record) and refuses to cancel it again (409)", async () => {
    const id = await submit(app);
    const response = await app.inject({ method: "POST", url: `/v1/jobs/${id}/cancel` });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toMatchObject({ id, status: "cancelled", cancelRequested: true });
    const again = await app.inject({ method: "POST", url: `/v1/jobs/${id}/cancel` });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe("QPLANE_ERR_JOB_STATE");
  });

  it("asks a running job to stop: 202 with cancelRequested, cancelled once the worker stops", async () => {
    const id = await submit(app);
    service.start(id);
    const response = await app.inject({
      method: "POST",
      url: `/v1/jobs/${id}/cancel`,
      headers: { "content-type": "application/json" },
      payload: "",
    });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toMatchObject({ status: "running", cancelRequested: true });
    service.finishCancel(id);
    expect((await app.inject({ url: `/v1/jobs/${id}` })).json().status).toBe("cancelled");
  });

  it("deletes only finished jobs: 409 while queued or running, 204 after, then 404", async () => {
    const id = await submit(app);
    const queued = await app.inject({ method: "DELETE", url: `/v1/jobs/${id}` });
    expect(queued.statusCode).toBe(409);
    expect(queued.json().error).toMatchObject({ code: "QPLANE_ERR_JOB_STATE" });
    service.start(id);
    expect((await app.inject({ method: "DELETE", url: `/v1/jobs/${id}` })).statusCode).toBe(409);
    service.complete(id);
    const removed = await app.inject({ method: "DELETE", url: `/v1/jobs/${id}` });
    expect(removed.statusCode).toBe(204);
    expect(removed.body).toBe("");
    expect((await app.inject({ url: `/v1/jobs/${id}` })).statusCode).toBe(404);
    expect((await app.inject({ url: `/v1/jobs/${id}/metrics` })).statusCode).toBe(404);
  });
});
