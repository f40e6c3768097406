/**
 * Event streams against a real server and Redis: at most QPLANE_MAX_STREAMS_PER_KEY open per
 * key (per address without keys), 429 with Retry-After beyond and a place back when a stream
 * closes or is refused; and a 503 in the error envelope, never a silent 200, while the store
 * does not answer (hung: connections open, no replies) or is gone.
 */
import type { FastifyInstance } from "fastify";
import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/api/app.js";
import { newJobId } from "../../src/jobs/ids.js";
import { createJobService } from "../../src/jobs/service.js";
import type { JobService } from "../../src/jobs/types.js";
import { RedisProxy } from "../helpers/redis-proxy.js";
import {
  connect,
  deleteKeysUnder,
  REDIS_URL,
  silentLogger,
  testConfig,
  testPrefix,
  waitFor,
} from "../jobs/helpers.js";
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
  const prefix = testPrefix("streams");
  const config = testConfig(prefix, { QPLANE_API_KEYS: `${KEY},${OTHER}` });
  let redis: Redis;
  let service: JobService;
  const apps: FastifyInstance[] = [];
  const streams: OpenStream[] = [];

  async function server(options: { keys: boolean; maxStreamsPerKey: number }): Promise<string> {
    const app = await buildApp({
      service,
      apiKeys: options.keys ? config.apiKeys : [],
      limits: { ...config.limits, maxStreamsPerKey: options.maxStreamsPerKey },
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

  beforeAll(() => {
    redis = connect();
    service = createJobService({ config, logger: silentLogger });
  });

  afterEach(async () => {
    for (const stream of streams.splice(0)) stream.close();
    for (const app of apps.splice(0)) await app.close();
  });

  afterAll(async () => {
    await service.close();
    await deleteKeysUnder(redis, prefix);
    redis.disconnect();
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
  const prefix = testPrefix("streams-down");
  const proxy = new RedisProxy(REDIS_URL);
  let redis: Redis;
  let service: JobService;
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    redis = connect();
    await proxy.start();
    const config = testConfig(prefix, {
      REDIS_URL: proxy.url,
      QPLANE_REDIS_TIMEOUT_MS: "300",
    });
    service = createJobService({ config, logger: silentLogger });
    app = await buildApp({ service, log: false });
    base = await listen(app);
  });

  afterAll(async () => {
    await app.close();
    await service.close();
    await proxy.stop();
    await deleteKeysUnder(redis, prefix);
    redis.disconnect();
  });

  /** GET `path` as a stream, expecting the 503 envelope with Retry-After; returns its ms. */
  async function unavailable(path: string): Promise<number> {
    const started = performance.now();
    const answer = await openStream(base, path, null);
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
    const job = (await request(base, "POST", "/v1/jobs", null, BODY)).body as { id: string };
    // a stream open before the outage: the pattern subscription already exists, so nothing
    // else would touch Redis on the next one
    const before = await openStream(base, "/v1/events", null);
    expect(before.status).toBe(200);

    proxy.pause();
    const hungMs = [
      await unavailable("/v1/events"),
      await unavailable(`/v1/jobs/${job.id}/events`),
    ];
    proxy.resume();
    const streamsAgain = async () => {
      const stream = await openStream(base, "/v1/events", null);
      stream.close();
      return stream.status === 200;
    };
    await waitFor(streamsAgain, "streams after the pause", 5000, 100);

    await proxy.stop();
    await waitFor(async () => !(await service.ready()), "the service to notice", 5000);
    const goneMs = [
      await unavailable("/v1/events"),
      await unavailable(`/v1/jobs/${job.id}/events`),
    ];
    await proxy.start();
    await waitFor(() => service.ready(), "the service to reconnect", 10_000, 100);
    await waitFor(streamsAgain, "streams after Redis is back", 5000, 100);
    before.close();
    // within about twice the Redis timeout (300 ms), with a generous margin for a busy machine
    for (const ms of [...hungMs, ...goneMs]) expect(ms).toBeLessThan(3000);
    console.info(
      `events 503: hung Redis ${hungMs.map((ms) => ms.toFixed(0)).join("/")} ms, gone ${goneMs.map((ms) => ms.toFixed(0)).join("/")} ms (all-jobs/per-job)`,
    );
  });
});
