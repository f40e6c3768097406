/**
 * The HTTP edge: rate limits (in memory, or in Redis shared by replicas; /metrics on a budget
 * of its own), X-Forwarded-For only from trusted proxies, `Retry-After` on every 429 and 503,
 * and the error envelope for requests that arrive while the server shuts down.
 */
import { once } from "node:events";
import { Agent, request as httpRequest } from "node:http";
import { type AddressInfo, createServer } from "node:net";
import type { FastifyInstance } from "fastify";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/api/app.js";
import { addressKey } from "../../src/api/context.js";
import { closeRedis, createRedis } from "../../src/jobs/redis.js";
import { connect, deleteKeysUnder, REDIS_URL, testPrefix } from "../jobs/helpers.js";
import { FakeJobService } from "./fake-job-service.js";
import { spec, submit, TEST_LIMITS, testApp } from "./helpers.js";

const KEY = "edge-test-key-0123456789";
const bearer = { authorization: `Bearer ${KEY}` };

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function limitedApp(
  options: Parameters<typeof testApp>[0] = {},
  perMinute = 2,
): Promise<FastifyInstance> {
  const { app } = await testApp({
    ...options,
    limits: { ...TEST_LIMITS, rateLimitPerMinute: perMinute },
  });
  apps.push(app);
  return app;
}

describe("Retry-After", () => {
  it("is on the rate limiter's 429, the job limit's 429 and the store's 503", async () => {
    const limited = await limitedApp({ apiKeys: [KEY] }, 1);
    expect((await limited.inject({ url: "/v1/datasets", headers: bearer })).statusCode).toBe(200);
    const rateLimited = await limited.inject({ url: "/v1/datasets", headers: bearer });
    expect(rateLimited.statusCode).toBe(429);
    expect(rateLimited.json().error.code).toBe("QPLANE_ERR_RATE_LIMITED");
    // the limiter's own value: the seconds left in its one-minute window
    expect(Number(rateLimited.headers["retry-after"])).toBeGreaterThan(50);
    expect(Number(rateLimited.headers["retry-after"])).toBeLessThanOrEqual(60);

    const { app, service } = await testApp({ apiKeys: [KEY] }, { maxConcurrentJobsPerKey: 1 });
    apps.push(app);
    await submit(app, spec(), bearer);
    const tooMany = await app.inject({
      method: "POST",
      url: "/v1/jobs",
      payload: spec(),
      headers: bearer,
    });
    expect(tooMany.statusCode).toBe(429);
    expect(tooMany.json().error.code).toBe("QPLANE_ERR_TOO_MANY_JOBS");
    expect(tooMany.headers["retry-after"]).toBe("30");

    service.down = "raw";
    const down = await app.inject({ url: "/v1/jobs", headers: bearer });
    expect(down.statusCode).toBe(503);
    expect(down.json().error.code).toBe("QPLANE_ERR_UNAVAILABLE");
    expect(down.headers["retry-after"]).toBe("5");
    const notReady = await app.inject({ url: "/readyz" });
    expect(notReady.statusCode).toBe(503);
    expect(notReady.headers["retry-after"]).toBe("5");
  });
});

describe("GET /metrics", () => {
  it("has a rate-limit budget of its own: a busy key's scrape is not refused", async () => {
    const app = await limitedApp({ apiKeys: [KEY] }, 2);
    for (let i = 0; i < 2; i++) {
      expect((await app.inject({ url: "/v1/jobs", headers: bearer })).statusCode).toBe(200);
    }
    expect((await app.inject({ url: "/v1/jobs", headers: bearer })).statusCode).toBe(429);
    expect((await app.inject({ url: "/metrics", headers: bearer })).statusCode).toBe(200);
    expect((await app.inject({ url: "/metrics", headers: bearer })).statusCode).toBe(200);
    // ...which is itself limited, so keys cannot be guessed through it without limit
    const guessed = await app.inject({ url: "/metrics", headers: bearer });
    expect(guessed.statusCode).toBe(429);
    expect(guessed.json().error.code).toBe("QPLANE_ERR_RATE_LIMITED");
  });

  it("answers 503 in the error envelope while the store is down", async () => {
    const { app, service } = await testApp();
    apps.push(app);
    service.down = "qplane";
    const down = await app.inject({ url: "/metrics" });
    expect(down.statusCode).toBe(503);
    expect(down.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(down.json()).toEqual({
      error: { code: "QPLANE_ERR_UNAVAILABLE", message: "the job store (Redis) is unavailable" },
    });
    expect(down.headers["retry-after"]).toBe("5");
    service.down = false;
    expect((await app.inject({ url: "/metrics" })).statusCode).toBe(200);
  });
});

describe("trusted proxies", () => {
  const from = (address: string) => ({ "x-forwarded-for": address });

  it("key the rate limit by X-Forwarded-For only when the peer is a trusted proxy", async () => {
    // inject() connects from 127.0.0.1
    const trusting = await limitedApp({ trustProxy: ["127.0.0.1"] }, 1);
    expect(
      (await trusting.inject({ url: "/v1/datasets", headers: from("203.0.113.1") })).statusCode,
    ).toBe(200);
    expect(
      (await trusting.inject({ url: "/v1/datasets", headers: from("203.0.113.2") })).statusCode,
    ).toBe(200);
    expect(
      (await trusting.inject({ url: "/v1/datasets", headers: from("203.0.113.1") })).statusCode,
    ).toBe(429);

    for (const trustProxy of [false, ["10.0.0.0/8"]]) {
      const app = await limitedApp({ trustProxy }, 1);
      expect(
        (await app.inject({ url: "/v1/datasets", headers: from("203.0.113.1") })).statusCode,
      ).toBe(200);
      // a client naming another address in the header is still the same client
      const spoofed = await app.inject({ url: "/v1/datasets", headers: from("203.0.113.2") });
      expect(spoofed.statusCode, JSON.stringify(trustProxy)).toBe(429);
    }
  });

  it("key an IPv6 client by its /64: another address in it shares the budget", async () => {
    const app = await limitedApp({ trustProxy: ["127.0.0.1"] }, 1);
    const status = async (address: string) =>
      (await app.inject({ url: "/v1/datasets", headers: from(address) })).statusCode;
    expect(await status("2001:db8:0:1::1")).toBe(200);
    expect(await status("2001:db8:0:1:ffff:ffff:ffff:fffe")).toBe(429);
    expect(await status("2001:db8:0:2::1")).toBe(200);
    expect(await status("::ffff:203.0.113.9")).toBe(200);
    expect(await status("203.0.113.9")).toBe(429);
  });

  it("write the address part of a client key as IPv4 or an IPv6 /64", () => {
    const table: [address: string, key: string][] = [
      ["203.0.113.9", "203.0.113.9"],
      // IPv4-mapped (::ffff:0:0/96) in every spelling, and IPv4-translated (::ffff:0:0:0/96)
      ["::ffff:203.0.113.9", "203.0.113.9"],
      ["::FFFF:203.0.113.9", "203.0.113.9"],
      ["0:0:0:0:0:ffff:1.2.3.4", "1.2.3.4"],
      ["::ffff:102:304", "1.2.3.4"],
      ["0000:0000:0000:0000:0000:ffff:0102:0304", "1.2.3.4"],
      ["::ffff:0:1.2.3.4", "1.2.3.4"],
      ["::ffff:0:102:304", "1.2.3.4"],
      // not mapped: ffff in another group
      ["::ffff:1:1.2.3.4", "0:0:0:0::/64"],
      ["::1", "0:0:0:0::/64"],
      ["::", "0:0:0:0::/64"],
      ["2001:db8::1", "2001:db8:0:0::/64"],
      ["2001:DB8:0000:0001:ffff:1:2:3", "2001:db8:0:1::/64"],
      ["2001:db8:1:2::1.2.3.4", "2001:db8:1:2::/64"],
      ["2001:db8:1:2:3::", "2001:db8:1:2::/64"],
      ["::2001:db8:1:2:3", "0:0:0:2001::/64"],
      ["fe80::1%eth0", "fe80:0:0:0::/64"],
      ["1::", "1:0:0:0::/64"],
      // not an IP address (fastify gives one, but nothing is lost by keying it as is)
      ["unknown", "unknown"],
    ];
    expect(table.map(([address]) => [address, addressKey(address)])).toEqual(table);
  });
});

describe("rate limits in Redis", () => {
  const prefix = testPrefix("edge-rate");
  const redis = connect();
  const limiterRedis = createRedis(REDIS_URL, "fail-fast", { timeoutMs: 1000 });

  beforeAll(async () => {
    await limiterRedis.ping();
  });
  afterAll(async () => {
    await deleteKeysUnder(redis, prefix);
    await closeRedis(limiterRedis);
    redis.disconnect();
  });

  it("are one budget per key across API replicas, under the key prefix", async () => {
    const store = { redis: limiterRedis, keyPrefix: prefix };
    const [first, second] = [
      await limitedApp({ apiKeys: [KEY], rateLimitStore: store }, 3),
      await limitedApp({ apiKeys: [KEY], rateLimitStore: store }, 3),
    ];
    const statuses: number[] = [];
    for (const app of [first, second, first, second]) {
      statuses.push((await app.inject({ url: "/v1/datasets", headers: bearer })).statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    const keys = await redis.keys(`${prefix}:rate-limit:*`);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(new RegExp(`^${prefix}:rate-limit:key:key_[0-9a-f]{32}$`));
  });

  it("let requests through while Redis is unreachable", async () => {
    const closed = createServer().listen(0, "127.0.0.1");
    await once(closed, "listening");
    const { port } = closed.address() as AddressInfo;
    closed.close();
    const unreachable = createRedis(`redis://127.0.0.1:${port}`, "fail-fast", { timeoutMs: 200 });
    try {
      const app = await limitedApp(
        { apiKeys: [KEY], rateLimitStore: { redis: unreachable, keyPrefix: prefix } },
        1,
      );
      for (let i = 0; i < 3; i++) {
        expect((await app.inject({ url: "/v1/datasets", headers: bearer })).statusCode).toBe(200);
      }
    } finally {
      unreachable.disconnect();
    }
  });
});

describe("shutdown", () => {
  it("answers a request on a kept-alive connection with the error envelope and Retry-After", async () => {
    const app = await buildApp({ service: new FakeJobService(), log: false });
    // holds the shutdown between its start and the server's close, as slow preClose work
    // (ending event streams, other hooks) does
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let closing: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      closing = resolve;
    });
    app.addHook("preClose", async () => {
      closing();
      await held;
    });
    await app.listen({ port: 0, host: "127.0.0.1" });
    const { port } = app.server.address() as AddressInfo;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const get = (path: string) =>
      new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
        (resolve, reject) => {
          const req = httpRequest({ port, host: "127.0.0.1", path, agent }, (res) => {
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (chunk: string) => {
              body += chunk;
            });
            res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
          });
          req.on("error", reject);
          req.end();
        },
      );
    try {
      expect((await get("/healthz")).status).toBe(200);
      const closed = app.close();
      await started;
      const late = await get("/healthz");
      release();
      expect(late.status).toBe(503);
      expect(late.headers["retry-after"]).toBe("5");
      expect(late.headers.connection).toBe("close");
      expect(JSON.parse(late.body)).toEqual({
        error: { code: "QPLANE_ERR_UNAVAILABLE", message: "the server is shutting down" },
      });
      await closed;
    } finally {
      release();
      agent.destroy();
      await app.close();
    }
  });
});
