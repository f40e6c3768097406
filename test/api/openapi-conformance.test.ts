/**
 * The committed OpenAPI document against the real server: every operation with good and bad
 * requests (2xx, 4xx, 404, 401), a tight rate limit (429), an unreachable store and shutdown
 * (503); fails on any disagreement and on an operation never answered with a 2xx and a 4xx.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/api/app.js";
import { createExperimentService } from "../../src/jobs/experiments.js";
import { newJobId } from "../../src/jobs/ids.js";
import { createJobService } from "../../src/jobs/service.js";
import { closedPort } from "../helpers/closed-port.js";
import { silentLogger, testConfig } from "../jobs/helpers.js";
import { listen } from "../security/http.js";
import {
  apiOver,
  Client,
  Conformance,
  DOCUMENT,
  finished as finishedVia,
  HUGE_SPEC,
  KEY_A,
  KEY_B,
  LONG_SPEC,
  MAX_BODY_BYTES,
  OPERATIONS,
  TINY_SPEC,
  useConformanceServer,
} from "./openapi-conformance-check.js";

describe("the server against its OpenAPI document", () => {
  const conformance = new Conformance();
  let client: Client;
  /** Holds the main app's shutdown open until the shutdown requests are made. */
  let releaseShutdown: () => void = () => {};
  const shutdownHeld = new Promise<void>((resolve) => {
    releaseShutdown = resolve;
  });
  const server = useConformanceServer(shutdownHeld);

  beforeAll(() => {
    client = new Client(server.base, conformance);
  });

  afterAll(() => releaseShutdown());

  const unknownId = newJobId();
  const jobPath = (id: string) => `/v1/jobs/${id}`;

  const finished = (path: string, operation: string) => finishedVia(client, path, operation);

  it("answers every operation as documented: 2xx, 4xx, 404 and 401", async () => {
    const c = client;
    // the all-jobs stream, open while jobs move
    const allEvents = c.stream("GET /v1/events", "/v1/events", (text) =>
      text.includes("completed"),
    );

    // ---- jobs of key A
    const submitted = await c.send("POST /v1/jobs", "/v1/jobs", {
      body: TINY_SPEC,
      headers: { "idempotency-key": "conformance-1" },
    });
    expect(submitted.status).toBe(202);
    const jobId = (JSON.parse(submitted.body) as { id: string }).id;
    const replay = await c.send("POST /v1/jobs", "/v1/jobs", {
      body: TINY_SPEC,
      headers: { "idempotency-key": "conformance-1" },
    });
    expect(replay.status).toBe(200);
    const conflict = await c.send("POST /v1/jobs", "/v1/jobs", {
      body: { ...TINY_SPEC, name: "other" },
      headers: { "idempotency-key": "conformance-1" },
    });
    expect(conflict.status).toBe(409);
    expect((await c.send("POST /v1/dry-runs", "/v1/dry-runs", { body: TINY_SPEC })).status).toBe(
      200,
    );
    expect(
      (await c.send("POST /v1/dry-runs", "/v1/dry-runs", { body: { dataset: { name: "nope" } } }))
        .status,
    ).toBe(400);
    expect((await c.send("POST /v1/dry-runs", "/v1/dry-runs", { body: HUGE_SPEC })).status).toBe(
      422,
    );
    expect(
      (await c.send("POST /v1/dry-runs", "/v1/dry-runs", { body: TINY_SPEC, key: null })).status,
    ).toBe(401);
    expect(
      (
        await c.send("POST /v1/dry-runs", "/v1/dry-runs", {
          body: { ...TINY_SPEC, name: "x".repeat(MAX_BODY_BYTES) },
        })
      ).status,
    ).toBe(413);
    expect(
      (
        await c.send("POST /v1/dry-runs", "/v1/dry-runs", {
          body: "dataset: moons",
          contentType: "text/plain",
        })
      ).status,
    ).toBe(415);
    expect(
      (await c.send("POST /v1/jobs", "/v1/jobs", { body: { dataset: { name: "nope" } } })).status,
    ).toBe(400);
    expect(
      (await c.send("POST /v1/jobs", "/v1/jobs?dryRun=maybe", { body: TINY_SPEC })).status,
    ).toBe(400);
    expect((await c.send("POST /v1/jobs", "/v1/jobs", { body: "{not json" })).status).toBe(400);
    expect((await c.send("POST /v1/jobs", "/v1/jobs", { body: HUGE_SPEC })).status).toBe(422);
    expect(
      (
        await c.send("POST /v1/jobs", "/v1/jobs", {
          body: { ...TINY_SPEC, name: "x".repeat(MAX_BODY_BYTES) },
        })
      ).status,
    ).toBe(413);
    expect(
      (
        await c.send("POST /v1/jobs", "/v1/jobs", {
          body: "dataset: moons",
          contentType: "text/plain",
        })
      ).status,
    ).toBe(415);
    expect((await c.send("POST /v1/jobs", "/v1/jobs", { body: TINY_SPEC, key: null })).status).toBe(
      401,
    );
    expect(
      (
        await c.send("POST /v1/jobs", "/v1/jobs", {
          body: TINY_SPEC,
          key: "not-a-configured-key-000",
        })
      ).status,
    ).toBe(401);
    await finished(jobPath(jobId), "GET /v1/jobs/{id}");

    expect((await c.send("GET /v1/jobs", "/v1/jobs")).status).toBe(200);
    expect((await c.send("GET /v1/jobs", "/v1/jobs?status=completed&limit=1")).status).toBe(200);
    expect((await c.send("GET /v1/jobs", "/v1/jobs?limit=0")).status).toBe(400);
    expect((await c.send("GET /v1/jobs", "/v1/jobs?colour=red")).status).toBe(400);
    expect((await c.send("GET /v1/jobs", "/v1/jobs", { key: null })).status).toBe(401);

    for (const [operation, suffix] of [
      ["GET /v1/jobs/{id}", ""],
      ["GET /v1/jobs/{id}/metrics", "/metrics"],
      ["GET /v1/jobs/{id}/infoplane.svg", "/infoplane.svg"],
      ["GET /v1/jobs/{id}/curves.svg", "/curves.svg"],
      ["GET /v1/jobs/{id}/circuit.qasm", "/circuit.qasm"],
    ] as const) {
      expect((await c.send(operation, `${jobPath(jobId)}${suffix}`)).status, operation).toBe(200);
      expect((await c.send(operation, `${jobPath(unknownId)}${suffix}`)).status, operation).toBe(
        404,
      );
      expect((await c.send(operation, `/v1/jobs/not-an-id${suffix}`)).status, operation).toBe(400);
      expect((await c.send(operation, `${jobPath(jobId)}${suffix}`, { key: null })).status).toBe(
        401,
      );
    }
    expect(
      (await c.send("GET /v1/jobs/{id}/metrics", `${jobPath(jobId)}/metrics?format=csv`)).status,
    ).toBe(200);
    expect(
      (await c.send("GET /v1/jobs/{id}/metrics", `${jobPath(jobId)}/metrics?sinceEpoch=1`)).status,
    ).toBe(200);
    expect(
      (await c.send("GET /v1/jobs/{id}/metrics", `${jobPath(jobId)}/metrics?format=xml`)).status,
    ).toBe(400);
    expect(
      (
        await c.send(
          "GET /v1/jobs/{id}/circuit.qasm",
          `${jobPath(jobId)}/circuit.qasm?program=sent`,
        )
      ).status,
    ).toBe(404);

    const stream = await c.stream(
      "GET /v1/jobs/{id}/events",
      `${jobPath(jobId)}/events`,
      () => false,
    );
    expect(stream.status).toBe(200);
    expect(stream.body).toContain('"status":"completed"');
    expect(
      (await c.stream("GET /v1/jobs/{id}/events", `${jobPath(unknownId)}/events`, () => false))
        .status,
    ).toBe(404);
    expect(
      (await c.stream("GET /v1/jobs/{id}/events", "/v1/jobs/nope/events", () => false)).status,
    ).toBe(400);
    expect(
      (
        await c.stream("GET /v1/jobs/{id}/events", `${jobPath(jobId)}/events`, () => false, {
          key: null,
        })
      ).status,
    ).toBe(401);

    expect((await c.send("POST /v1/jobs/{id}/cancel", `${jobPath(jobId)}/cancel`)).status).toBe(
      409,
    );
    expect((await c.send("POST /v1/jobs/{id}/cancel", `${jobPath(unknownId)}/cancel`)).status).toBe(
      404,
    );
    expect((await c.send("POST /v1/jobs/{id}/cancel", "/v1/jobs/nope/cancel")).status).toBe(400);
    const anonymousCancel = await c.send("POST /v1/jobs/{id}/cancel", `${jobPath(jobId)}/cancel`, {
      key: null,
    });
    expect(anonymousCancel.status).toBe(401);

    // ---- experiments of key A
    const experimentBody = { spec: TINY_SPEC, grid: { "training.seed": [1, 2] } };
    const created = await c.send("POST /v1/experiments", "/v1/experiments", {
      body: experimentBody,
      headers: { "idempotency-key": "conformance-experiment" },
    });
    expect(created.status).toBe(202);
    const experimentId = (JSON.parse(created.body) as { id: string }).id;
    const experimentPath = `/v1/experiments/${experimentId}`;
    expect(
      (
        await c.send("POST /v1/experiments", "/v1/experiments", {
          body: experimentBody,
          headers: { "idempotency-key": "conformance-experiment" },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await c.send("POST /v1/experiments", "/v1/experiments", {
          body: { ...experimentBody, name: "other" },
          headers: { "idempotency-key": "conformance-experiment" },
        })
      ).status,
    ).toBe(409);
    expect(
      (
        await c.send("POST /v1/experiments", "/v1/experiments", {
          body: { spec: TINY_SPEC, grid: {} },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await c.send("POST /v1/experiments", "/v1/experiments", {
          body: { spec: HUGE_SPEC, grid: { "training.seed": [1, 2] } },
        })
      ).status,
    ).toBe(422);
    expect(
      (
        await c.send("POST /v1/experiments", "/v1/experiments", {
          body: { ...experimentBody, name: "x".repeat(MAX_BODY_BYTES) },
        })
      ).status,
    ).toBe(413);
    expect(
      (
        await c.send("POST /v1/experiments", "/v1/experiments", {
          body: "grid: {}",
          contentType: "text/yaml",
        })
      ).status,
    ).toBe(415);
    expect(
      (await c.send("POST /v1/experiments", "/v1/experiments", { body: experimentBody, key: null }))
        .status,
    ).toBe(401);
    const dryRunPath = "/v1/experiments/dry-runs";
    const experimentDryRun = "POST /v1/experiments/dry-runs";
    expect((await c.send(experimentDryRun, dryRunPath, { body: experimentBody })).status).toBe(200);
    for (const [body, status] of [
      [{ spec: TINY_SPEC, grid: {} }, 400],
      [{ spec: HUGE_SPEC, grid: { "training.seed": [1, 2] } }, 422],
    ] as const) {
      expect((await c.send(experimentDryRun, dryRunPath, { body })).status).toBe(status);
    }
    expect(
      (await c.send(experimentDryRun, dryRunPath, { body: experimentBody, key: null })).status,
    ).toBe(401);
    await finished(experimentPath, "GET /v1/experiments/{id}");

    expect((await c.send("GET /v1/experiments", "/v1/experiments")).status).toBe(200);
    expect((await c.send("GET /v1/experiments", "/v1/experiments?limit=101")).status).toBe(400);
    expect((await c.send("GET /v1/experiments", "/v1/experiments", { key: null })).status).toBe(
      401,
    );
    for (const [operation, suffix] of [
      ["GET /v1/experiments/{id}", ""],
      ["GET /v1/experiments/{id}/curves", "/curves"],
      ["POST /v1/experiments/{id}/cancel", "/cancel"],
    ] as const) {
      expect((await c.send(operation, `${experimentPath}${suffix}`)).status, operation).toBe(200);
      expect(
        (await c.send(operation, `/v1/experiments/${unknownId}${suffix}`)).status,
        operation,
      ).toBe(404);
      expect((await c.send(operation, `/v1/experiments/nope${suffix}`)).status, operation).toBe(
        400,
      );
      expect((await c.send(operation, `${experimentPath}${suffix}`, { key: null })).status).toBe(
        401,
      );
    }
    expect((await c.send("GET /v1/experiments/{id}", `${experimentPath}?format=csv`)).status).toBe(
      200,
    );
    expect((await c.send("GET /v1/experiments/{id}", `${experimentPath}?format=yaml`)).status).toBe(
      400,
    );

    // ---- key B at its job limit: 429, then cancel and delete
    const running: string[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await c.send("POST /v1/jobs", "/v1/jobs", { body: LONG_SPEC, key: KEY_B });
      expect(response.status).toBe(202);
      running.push((JSON.parse(response.body) as { id: string }).id);
    }
    const tooMany = await c.send("POST /v1/jobs", "/v1/jobs", { body: LONG_SPEC, key: KEY_B });
    expect(tooMany.status).toBe(429);
    expect(JSON.parse(tooMany.body).error.code).toBe("QPLANE_ERR_TOO_MANY_JOBS");
    expect(
      (await c.send("DELETE /v1/jobs/{id}", jobPath(running[0]!), { key: KEY_B })).status,
    ).toBe(409);
    for (const id of running) {
      expect(
        (await c.send("POST /v1/jobs/{id}/cancel", `${jobPath(id)}/cancel`, { key: KEY_B })).status,
      ).toBe(202);
    }
    expect((await c.send("DELETE /v1/jobs/{id}", jobPath(jobId))).status).toBe(204);
    expect((await c.send("DELETE /v1/jobs/{id}", jobPath(jobId))).status).toBe(404);
    expect((await c.send("DELETE /v1/jobs/{id}", "/v1/jobs/nope")).status).toBe(400);
    expect((await c.send("DELETE /v1/jobs/{id}", jobPath(running[0]!), { key: null })).status).toBe(
      401,
    );

    // ---- catalog and operations
    for (const operation of ["GET /v1/backends", "GET /v1/datasets", "GET /metrics"]) {
      const path = operation.split(" ")[1]!;
      // two keys and no admin key: /metrics (every key's activity) is nobody's to read
      const allowed = operation === "GET /metrics" ? 403 : 200;
      expect((await c.send(operation, path)).status, operation).toBe(allowed);
      expect((await c.send(operation, path, { key: null })).status, operation).toBe(401);
    }
    expect((await c.send("GET /healthz", "/healthz", { key: null })).status).toBe(200);
    expect((await c.send("GET /readyz", "/readyz", { key: null })).status).toBe(200);

    expect((await c.stream("GET /v1/events", "/v1/events", () => true, { key: null })).status).toBe(
      401,
    );
    const all = await allEvents;
    expect(all.status).toBe(200);
    expect(conformance.sseEventCount).toBeGreaterThan(0);
  }, 60_000);

  it("answers 429 with Retry-After, as documented, once a key's budget is spent", async () => {
    const limited = await buildApp({
      ...apiOver(server.config, server.jobs, server.experiments),
      limits: { ...server.config.limits, rateLimitPerMinute: 1 },
    });
    try {
      const c = new Client(await listen(limited), conformance);
      const statuses = new Map<string, number[]>();
      // twice over: the first request of each budget goes through
      for (let round = 0; round < 2; round++) {
        for (const operation of OPERATIONS) {
          const path = operation.split(" ")[1]!.replace("{id}", unknownId);
          const body = operation.startsWith("POST") ? { spec: TINY_SPEC, grid: {} } : undefined;
          const exchange = operation.endsWith("events")
            ? await c.stream(operation, path, () => true)
            : await c.send(operation, path, { body });
          statuses.set(operation, [...(statuses.get(operation) ?? []), exchange.status]);
        }
      }
      const limitedOperations = [...statuses].filter(([, seen]) => seen.includes(429));
      // all but the probes, which are never rate limited
      expect(limitedOperations.map(([operation]) => operation).sort()).toEqual(
        OPERATIONS.filter((operation) => !/healthz|readyz/.test(operation)).sort(),
      );
    } finally {
      await limited.close();
    }
  });

  it("answers 403, as documented, to /metrics for a key that is not an admin key", async () => {
    const guarded = await buildApp({
      ...apiOver(server.config, server.jobs, server.experiments),
      adminKeys: [KEY_B],
    });
    try {
      const c = new Client(await listen(guarded), conformance);
      expect((await c.send("GET /metrics", "/metrics", { key: KEY_A })).status).toBe(403);
      expect((await c.send("GET /metrics", "/metrics", { key: KEY_B })).status).toBe(200);
    } finally {
      await guarded.close();
    }
  });

  it("answers 503 with Retry-After, as documented, while the store is unreachable", async () => {
    const downConfig = testConfig(server.prefix, {
      REDIS_URL: `redis://127.0.0.1:${await closedPort()}`,
      // one key (single tenant), so /metrics reaches the store rather than answering 403
      QPLANE_API_KEYS: KEY_A,
      QPLANE_REDIS_TIMEOUT_MS: "200",
    });
    const downJobs = createJobService({ config: downConfig, logger: silentLogger });
    const downExperiments = createExperimentService({
      config: downConfig,
      jobs: downJobs,
      logger: silentLogger,
    });
    const down = await buildApp(apiOver(downConfig, downJobs, downExperiments));
    try {
      const c = new Client(await listen(down), conformance);
      const unavailable: string[] = [];
      for (const operation of OPERATIONS) {
        const path = operation.split(" ")[1]!.replace("{id}", unknownId);
        const body =
          operation === "POST /v1/experiments"
            ? { spec: TINY_SPEC, grid: { "training.seed": [1] } }
            : TINY_SPEC;
        const exchange = operation.endsWith("events")
          ? await c.stream(operation, path, () => true)
          : await c.send(operation, path, {
              body: operation.startsWith("POST") ? body : undefined,
            });
        if (exchange.status === 503) {
          expect(JSON.parse(exchange.body).error.code, operation).toBe("QPLANE_ERR_UNAVAILABLE");
          unavailable.push(operation);
        }
      }
      // everything that reads or writes the store; the catalog, liveness and dry runs (a
      // plan is computed from the spec alone) need no Redis
      expect(unavailable.sort()).toEqual(
        OPERATIONS.filter(
          (operation) => !/healthz|backends|datasets|dry-runs/.test(operation),
        ).sort(),
      );
    } finally {
      await down.close();
      await downExperiments.close();
      await downJobs.close();
    }
  });

  it("answers requests arriving during shutdown with a documented 503", async () => {
    const closed = server.app.close();
    const shutdownStatuses: number[] = [];
    for (const operation of OPERATIONS) {
      const path = operation.split(" ")[1]!.replace("{id}", unknownId);
      const exchange = await client.send(operation, path, {
        body: operation.startsWith("POST") ? TINY_SPEC : undefined,
      });
      shutdownStatuses.push(exchange.status);
    }
    releaseShutdown();
    await closed;
    expect(new Set(shutdownStatuses)).toEqual(new Set([503]));
  });

  it("found no response that disagrees with the document", () => {
    const disagreements = conformance.checked.filter((checked) => checked.problems.length > 0);
    const seen = new Map<string, Set<number>>();
    for (const { operation, status } of conformance.checked) {
      seen.set(operation, (seen.get(operation) ?? new Set()).add(status));
    }
    const documented = OPERATIONS.flatMap((operation) => {
      const [method, path] = operation.split(" ") as [string, string];
      const responses = DOCUMENT.paths[path]![method.toLowerCase()]!.responses;
      return Object.keys(responses).map((status) => `${operation} ${status}`);
    });
    const unseen = documented.filter((entry) => {
      const [method, path, status] = entry.split(" ");
      return !seen.get(`${method} ${path}`)?.has(Number(status));
    });
    console.log(
      `openapi conformance: ${conformance.checked.length} responses checked ` +
        `(${conformance.sseEventCount} SSE events), ${disagreements.length} disagreements, ` +
        `${OPERATIONS.length} operations, ${documented.length - unseen.length} of ` +
        `${documented.length} documented statuses seen (not seen: ${unseen.join(", ")})`,
    );
    expect(disagreements).toEqual([]);
    for (const operation of OPERATIONS) {
      const statuses = [...(seen.get(operation) ?? [])];
      expect(
        statuses.some((status) => status >= 200 && status < 300),
        `${operation} 2xx`,
      ).toBe(true);
      // the probes document no client error
      if (!/healthz|readyz/.test(operation)) {
        expect(
          statuses.some((status) => status >= 400 && status < 500),
          `${operation} 4xx`,
        ).toBe(true);
      }
    }
  });
});
