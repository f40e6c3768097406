import { type AddressInfo, connect } from "node:net";
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import type { Provider } from "../../providers/types.js";
import { ServiceMetrics } from "../../src/api/metrics.js";
import { DATASET_INFO } from "../../src/data/index.js";
import type { FakeJobService } from "./fake-job-service.js";
import { spec, submit, testApp } from "./helpers.js";

let app: FastifyInstance;
let service: FakeJobService;
afterEach(async () => {
  await app.close();
});

/** The value of one sample line of Prometheus text (`name{labels} value`). */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("health and readiness", () => {
  it("answers /healthz always and /readyz only while the store answers", async () => {
    ({ app, service } = await testApp());
    expect((await app.inject({ url: "/healthz" })).json()).toEqual({ status: "ok" });
    expect((await app.inject({ url: "/readyz" })).json()).toEqual({ status: "ready" });

    service.down = "qplane";
    expect((await app.inject({ url: "/healthz" })).statusCode).toBe(200);
    const notReady = await app.inject({ url: "/readyz" });
    expect(notReady.statusCode).toBe(503);
    expect(notReady.json().error.code).toBe("QPLANE_ERR_UNAVAILABLE");

    service.down = false;
    expect((await app.inject({ url: "/readyz" })).statusCode).toBe(200);
  });

  it("with workerAlive (QPLANE_ROLE=all) is ready only while a worker is alive", async () => {
    let childUp = true;
    ({ app, service } = await testApp({
      workerAlive: async () => childUp && (await service.workers()) > 0,
    }));
    expect((await app.inject({ url: "/readyz" })).json()).toEqual({ status: "ready" });
    for (const [up, live] of [
      [false, 1],
      [true, 0],
    ] as const) {
      childUp = up;
      service.liveWorkers = live;
      const notReady = await app.inject({ url: "/readyz" });
      expect(notReady.statusCode).toBe(503);
      expect(notReady.headers["retry-after"]).toMatch(/^\d+$/);
      expect(notReady.json()).toEqual({
        error: {
          code: "QPLANE_ERR_UNAVAILABLE",
          message: "no worker is alive: the worker process is down or restarting",
        },
      });
    }
    childUp = true;
    service.liveWorkers = 2;
    expect((await app.inject({ url: "/readyz" })).statusCode).toBe(200);
    // the store comes first: Redis down is reported as such
    service.down = "qplane";
    expect((await app.inject({ url: "/readyz" })).json().error.message).toBe(
      "the job store (Redis) does not answer",
    );
  });

  it("answers requests with 503 while Redis is down and recovers when it returns", async () => {
    ({ app, service } = await testApp());
    const id = await submit(app);
    for (const down of ["qplane", "raw"] as const) {
      service.down = down;
      const submitted = await app.inject({ method: "POST", url: "/v1/jobs", payload: spec() });
      expect(submitted.statusCode, down).toBe(503);
      expect(submitted.json().error).toEqual({
        code: "QPLANE_ERR_UNAVAILABLE",
        message: expect.stringContaining("Redis"),
      });
      expect(submitted.headers["retry-after"]).toBe("5");
      expect((await app.inject({ url: `/v1/jobs/${id}` })).statusCode, down).toBe(503);
      expect((await app.inject({ url: "/v1/jobs" })).statusCode, down).toBe(503);
    }
    service.down = false;
    expect((await app.inject({ url: `/v1/jobs/${id}` })).statusCode).toBe(200);
    expect(
      (await app.inject({ method: "POST", url: "/v1/jobs", payload: spec() })).statusCode,
    ).toBe(202);
  });
});

describe("shutdown", () => {
  it("closes sockets a client opened but never used, instead of waiting headersTimeout on them", async () => {
    ({ app, service } = await testApp());
    await app.listen({ port: 0, host: "127.0.0.1" });
    const { port } = app.server.address() as AddressInfo;
    // a browser's preconnect: a connection that has not sent a request (yet)
    const idle = connect(port, "127.0.0.1");
    await new Promise((resolve) => idle.once("connect", resolve));
    const idleClosed = new Promise((resolve) => idle.once("close", resolve));
    // a keep-alive connection that served one request stays usable until the close
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    // without the preClose hook this waits 60 s (Node's headersTimeout): past the test's timeout
    await app.close();
    await idleClosed;
    expect(idle.destroyed).toBe(true);
  }, 15_000);
});

describe("GET /metrics", () => {
  it("exports jobs by status, queue depth, epoch durations and request durations", async () => {
    const metrics = new ServiceMetrics({ defaultMetrics: false });
    ({ app, service } = await testApp({ metrics }));
    const ids = [await submit(app), await submit(app), await submit(app)];
    service.run(ids[0]!, 1);
    service.start(ids[1]!);
    for (const ms of [40, 700, 3000]) metrics.observeEpochDuration(ms);

    const response = await app.inject({ url: "/metrics" });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = response.body;
    expect(sample(text, 'qplane_jobs{status="queued"}')).toBe(1);
    expect(sample(text, 'qplane_jobs{status="running"}')).toBe(1);
    expect(sample(text, 'qplane_jobs{status="completed"}')).toBe(1);
    expect(sample(text, 'qplane_jobs{status="failed"}')).toBe(0);
    expect(sample(text, "qplane_queue_depth")).toBe(1);
    expect(sample(text, "qplane_epoch_duration_seconds_count")).toBe(3);
    expect(sample(text, "qplane_epoch_duration_seconds_sum")).toBeCloseTo(3.74, 10);
    expect(sample(text, 'qplane_epoch_duration_seconds_bucket{le="0.05"}')).toBe(1);
    expect(sample(text, 'qplane_epoch_duration_seconds_bucket{le="1"}')).toBe(2);
    expect(
      sample(
        text,
        'qplane_http_request_duration_seconds_count{method="POST",route="/v1/jobs",status_code="202"}',
      ),
    ).toBe(3);
  });

  it("labels requests by route pattern, not by raw URL", async () => {
    const metrics = new ServiceMetrics({ defaultMetrics: false });
    ({ app, service } = await testApp({ metrics }));
    const id = await submit(app);
    await app.inject({ url: `/v1/jobs/${id}` });
    await app.inject({ url: "/no/such/route" });
    const text = (await app.inject({ url: "/metrics" })).body;
    expect(text).toContain('route="/v1/jobs/:id",status_code="200"');
    expect(text).toContain('route="unmatched",status_code="404"');
    expect(text).not.toContain(id);
  });
});

describe("catalog", () => {
  it("lists the datasets a spec can name", async () => {
    ({ app } = await testApp());
    const body = (await app.inject({ url: "/v1/datasets" })).json();
    expect(body.datasets.map((dataset: { name: string }) => dataset.name)).toEqual(
      DATASET_INFO.map((info) => info.name),
    );
    expect(body.datasets[0]).toEqual({ ...DATASET_INFO[0] });
    // the spec-shaped generated tables: feature count chosen by dataset.featureCount
    const wide = body.datasets.find((dataset: { name: string }) => dataset.name === "wide");
    expect(wide).toMatchObject({ task: "classification", features: null, classes: null });
    expect(wide.description).toContain("`featureCount` features (default 20)");
    const friedman = body.datasets.find(
      (dataset: { name: string }) => dataset.name === "friedman1",
    );
    expect(friedman).toMatchObject({ task: "regression", features: null, classes: null });
  });

  it("lists the local simulator by default, with capabilities and live status", async () => {
    ({ app } = await testApp());
    const body = (await app.inject({ url: "/v1/backends" })).json();
    expect(body.backends).toHaveLength(1);
    expect(body.backends[0]).toMatchObject({
      name: "local",
      provider: "local",
      device: "statevector",
      capabilities: { exactProbabilities: true, couplingMap: null, batchesParameterRows: true },
      status: { operational: true },
    });
    expect(body.backends[0].capabilities.nativeGates).toContain("cx");
  });

  it("reports a backend whose provider cannot be reached as not operational, without its error", async () => {
    const failing: Pick<Provider, "capabilities" | "status"> = {
      capabilities: async () => {
        throw new Error("GET https://user:token@quantum.example/backends failed");
      },
      status: async () => {
        throw new Error("token expired: abc123");
      },
    };
    const local = {
      capabilities: async () => ({
        provider: "local" as const,
        device: "statevector",
        numQubits: 24,
        nativeGates: ["cx" as const],
        couplingMap: [[0, 1] as const],
        exactProbabilities: true,
        minShots: 1,
        maxShots: 100,
        batchesParameterRows: true,
      }),
      status: async () => ({ operational: true, message: "ok", queueLength: 3 }),
    };
    ({ app, service } = await testApp({
      backends: [
        { name: "local", provider: local },
        { name: "ibm-remote", provider: failing },
      ],
    }));
    const response = await app.inject({ url: "/v1/backends" });
    expect(response.statusCode).toBe(200);
    const [first, second] = response.json().backends;
    expect(first).toMatchObject({
      name: "local",
      capabilities: { couplingMap: [[0, 1]] },
      status: { queueLength: 3 },
    });
    expect(second).toEqual({
      name: "ibm-remote",
      provider: null,
      device: null,
      capabilities: null,
      settings: {},
      status: { operational: false, message: "status unavailable", queueLength: 0 },
    });
    expect(response.body).not.toContain("token");
    // A spec may now name the second backend.
    const submitted = await app.inject({
      method: "POST",
      url: "/v1/jobs",
      payload: spec({ backend: { name: "ibm-remote", shots: 100 } }),
    });
    expect(submitted.statusCode).toBe(202);
    expect(service.submitted[0]!.spec.backend).toEqual({ name: "ibm-remote", shots: 100 });
  });
});
