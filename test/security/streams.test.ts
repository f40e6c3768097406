/**
 * Event streams against a real server and Redis: at most QPLANE_MAX_STREAMS_PER_KEY open per
 * key (per address without keys), 429 with Retry-After beyond and a place back when a stream
 * closes or is refused; and a 503 in the error envelope, never a silent 200, while the store
 * does not answer (hung: connections open, no replies) or is gone; a client that does not
 * read is disconnected rather than buffered for without bound.
 */
import { connect } from "node:net";
import type { FastifyInstance } from "fastify";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/api/app.js";
import { SSE_MAX_BUFFERED_BYTES } from "../../src/api/routes/events.js";
import { newJobId } from "../../src/jobs/ids.js";
import { useRealServer } from "../helpers/real-server.js";
import { RedisProxy } from "../helpers/redis-proxy.js";
import { REDIS_URL, waitFor } from "../jobs/helpers.js";
import { listen, type OpenStream, openStream, request } from "./http.js";

const KEY = "streams-key-a-0123456789";
const OTHER = "streams-key-b-0123456789";
const BODY = {
  dataset: { name: "moons", samples: 40 },
  model: { qubits: 2 },
  training: { epochs: 1 },
};

const tooMany = (who: string, open: number) => ({
  error: {
    code: "QPLANE_ERR_TOO_MANY_STREAMS",
    message: `${who} has ${open} event streams open, the most allowed (${open}); close one and retry`,
  },
});

describe("the per-key cap on event streams", () => {
  const fixture = useRealServer("streams", {
    env: { QPLANE_API_KEYS: `${KEY},${OTHER}` },
    experiments: false,
  });
  const apps: FastifyInstance[] = [];
  const streams: OpenStream[] = [];

  async function server(options: { keys: boolean; maxStreamsPerKey: number }): Promise<string> {
    const app = await buildApp({
      service: fixture.jobs,
      apiKeys: options.keys ? fixture.config.apiKeys : [],
      limits: { ...fixture.config.limits, maxStreamsPerKey: options.maxStreamsPerKey },
      log: false,
    });
    apps.push(app);
    return listen(app);
  }

  async function open(base: string, path: string, key: string | null): Promise<OpenStream> {
    const stream = await openStream(base, path, key);
    streams.push(stream);
    return stream;
  }

  afterEach(async () => {
    for (const stream of streams.splice(0)) stream.close();
    for (const app of apps.splice(0)) await app.close();
  });

  it("refuses a key's stream beyond the cap with 429 and Retry-After, per key, until one closes", async () => {
    const base = await server({ keys: true, maxStreamsPerKey: 2 });
    const job = (await request(base, "POST", "/v1/jobs", KEY, BODY)).body as { id: string };
    const first = await open(base, "/v1/events", KEY);
    const second = await open(base, `/v1/jobs/${job.id}/events`, KEY);
    expect([first.status, second.status]).toEqual([200, 200]);

    for (const path of ["/v1/events", `/v1/jobs/${job.id}/events`]) {
      const refused = await open(base, path, KEY);
      expect({ status: refused.status, body: refused.body }).toEqual({
        status: 429,
        body: tooMany("this API key", 2),
      });
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    // another key has its own places
    expect((await open(base, "/v1/events", OTHER)).status).toBe(200);

    // the server learns of the close asynchronously: retry briefly
    first.close();
    await waitFor(
      async () => (await open(base, "/v1/events", KEY)).status === 200,
      "the closed stream's place",
      2000,
    );
    expect((await open(base, "/v1/events", KEY)).status).toBe(429);
  });

  it("gives the place of a refused stream (404) back at once", async () => {
    const base = await server({ keys: true, maxStreamsPerKey: 2 });
    expect((await open(base, "/v1/events", KEY)).status).toBe(200);
    for (let i = 0; i < 3; i++) {
      const missing = await open(base, `/v1/jobs/${newJobId()}/events`, KEY);
      expect(missing.status).toBe(404);
    }
    expect((await open(base, "/v1/events", KEY)).status).toBe(200);
    expect((await open(base, "/v1/events", KEY)).status).toBe(429);
  });

  it("counts per client address when no keys are configured", async () => {
    const base = await server({ keys: false, maxStreamsPerKey: 1 });
    expect((await open(base, "/v1/events", null)).status).toBe(200);
    const refused = await open(base, "/v1/events", null);
    expect({ status: refused.status, body: refused.body }).toEqual({
      status: 429,
      body: tooMany("this address", 1),
    });
  });
});

describe("event streams while the store does not answer", () => {
  const proxy = new RedisProxy(REDIS_URL);
  beforeAll(() => proxy.start());
  afterAll(() => proxy.stop());
  const server = useRealServer("streams-down", {
    env: () => ({ REDIS_URL: proxy.url, QPLANE_REDIS_TIMEOUT_MS: "300" }),
    experiments: false,
    app: ({ jobs }) => ({ service: jobs, log: false }),
  });

  /** GET `path` as a stream, expecting the 503 envelope with Retry-After; returns its ms. */
  async function unavailable(path: string): Promise<number> {
    const started = performance.now();
    const answer = await openStream(server.base, path, null);
    const ms = performance.now() - started;
    answer.close();
    expect({ status: answer.status, body: answer.body }).toEqual({
      status: 503,
      body: {
        error: {
          code: "QPLANE_ERR_UNAVAILABLE",
          message: "the job store (Redis) is unavailable; try again shortly",
        },
      },
    });
    expect(Number(answer.headers.get("retry-after"))).toBeGreaterThan(0);
    return ms;
  }

  it("answers 503 with Retry-After while Redis hangs or is gone, and streams again after", async () => {
    const job = (await request(server.base, "POST", "/v1/jobs", null, BODY)).body as { id: string };
    // a stream open before the outage: the pattern subscription already exists, so nothing
    // else would touch Redis on the next one
    const before = await openStream(server.base, "/v1/events", null);
    expect(before.status).toBe(200);

    proxy.pause();
    const hungMs = [
      await unavailable("/v1/events"),
      await unavailable(`/v1/jobs/${job.id}/events`),
    ];
    proxy.resume();
    const streamsAgain = async () => {
      const stream = await openStream(server.base, "/v1/events", null);
      stream.close();
      return stream.status === 200;
    };
    await waitFor(streamsAgain, "streams after the pause", 5000, 100);

    await proxy.stop();
    await waitFor(async () => !(await server.jobs.ready()), "the service to notice", 5000);
    const goneMs = [
      await unavailable("/v1/events"),
      await unavailable(`/v1/jobs/${job.id}/events`),
    ];
    await proxy.start();
    await waitFor(() => server.jobs.ready(), "the service to reconnect", 10_000, 100);
    await waitFor(streamsAgain, "streams after Redis is back", 5000, 100);
    before.close();
    // within about twice the Redis timeout (300 ms), with a generous margin for a busy machine
    for (const ms of [...hungMs, ...goneMs]) expect(ms).toBeLessThan(3000);
    console.info(
      `events 503: hung Redis ${hungMs.map((ms) => ms.toFixed(0)).join("/")} ms, gone ${goneMs.map((ms) => ms.toFixed(0)).join("/")} ms (all-jobs/per-job)`,
    );
  });
});

describe("an event stream whose client does not read", () => {
  const fixture = useRealServer("streams-slow", {
    experiments: false,
    app: (server) => ({
      service: server.jobs,
      apiKeys: [],
      limits: { ...server.config.limits, maxStreamsPerKey: 1 },
      log: false,
    }),
  });

  it("is disconnected once more than SSE_MAX_BUFFERED_BYTES wait for it, and its place is given back", async () => {
    const { port } = new URL(fixture.base);
    const socket = connect(Number(port), "127.0.0.1");
    socket.write("GET /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    // read up to the stream's first comment, then never again
    await new Promise<void>((resolve) => {
      let seen = "";
      const onData = (chunk: Buffer) => {
        seen += chunk.toString("utf8");
        if (!seen.includes(": connected")) return;
        socket.off("data", onData);
        socket.pause();
        resolve();
      };
      socket.on("data", onData);
    });
    socket.on("error", () => {});

    // 2000 events of 16 KiB (32 MiB): far more than the kernel's socket buffers plus the bound
    const padding = "x".repeat(16 * 1024);
    const channel = `${fixture.prefix}:events:${newJobId()}`;
    const pipeline = fixture.redis.pipeline();
    for (let i = 0; i < 2000; i++) {
      pipeline.publish(channel, JSON.stringify({ type: "progress", epoch: 1, step: i, padding }));
    }
    await pipeline.exec();

    // the server dropped the stream: its place is free again (the cap is 1)
    await waitFor(
      async () => {
        const again = await openStream(fixture.base, "/v1/events", null);
        again.close();
        return again.status === 200;
      },
      "the dropped stream's place",
      10_000,
      100,
    );
    // what reached the client is what the kernel held plus at most the bound, not all 32 MiB
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    socket.resume();
    await closed;
    expect(socket.bytesRead).toBeGreaterThan(SSE_MAX_BUFFERED_BYTES);
    expect(socket.bytesRead).toBeLessThan(24 * 1024 * 1024);
  });
});
