import type { FastifyInstance, InjectOptions } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { buildApp } from "../../src/api/app.js";
import { ApiKeyRing, bearerToken, ownerOf } from "../../src/api/auth.js";
import { collectSecrets, lineScrubber, REDACTED } from "../../src/logging/redaction.js";
import { FakeJobService } from "./fake-job-service.js";
import { logCapture, spec, submit, TEST_LIMITS, testApp } from "./helpers.js";

const KEY = "s3cret-key-123";
const OTHER_KEY = "another-key-456789";
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

let app: FastifyInstance;
afterEach(async () => {
  await app?.close();
});

describe("API keys", () => {
  it("require a valid bearer key on every /v1 route and /metrics when keys are configured", async () => {
    let service: FakeJobService;
    ({ app, service } = await testApp({ apiKeys: [KEY, OTHER_KEY] }));
    const routes = [
      ["POST", "/v1/jobs"],
      ["GET", "/v1/jobs"],
      ["GET", "/v1/jobs/01JGFJJZZ8R6KSXNFH4AEYB48F"],
      ["GET", "/v1/jobs/01JGFJJZZ8R6KSXNFH4AEYB48F/metrics"],
      ["GET", "/v1/jobs/01JGFJJZZ8R6KSXNFH4AEYB48F/circuit.qasm"],
      ["GET", "/v1/jobs/01JGFJJZZ8R6KSXNFH4AEYB48F/events"],
      ["POST", "/v1/jobs/01JGFJJZZ8R6KSXNFH4AEYB48F/cancel"],
      ["DELETE", "/v1/jobs/01JGFJJZZ8R6KSXNFH4AEYB48F"],
      ["GET", "/v1/backends"],
      ["GET", "/v1/datasets"],
      ["GET", "/metrics"],
    ] as const;
    for (const [method, url] of routes) {
      for (const headers of [{}, bearer("wrong-key-000"), { authorization: `Basic ${KEY}` }]) {
        const response = await app.inject({
          method,
          url,
          headers,
          payload: method === "POST" ? spec() : undefined,
        });
        expect(response.statusCode, `${method} ${url} ${JSON.stringify(headers)}`).toBe(401);
        expect(response.json().error.code).toBe("QPLANE_ERR_UNAUTHORIZED");
        expect(response.headers["www-authenticate"]).toBe('Bearer realm="qplane"');
      }
    }
    const missing = await app.inject({ url: "/v1/jobs" });
    expect(missing.json().error.message).toContain("missing API key");
    const wrong = await app.inject({ url: "/v1/jobs", headers: bearer("wrong-key-000") });
    expect(wrong.json().error.message).toBe("invalid API key");
    expect(service.submitted).toHaveLength(0);

    // Unauthenticated bodies are not even parsed: a malformed one still gets 401, not 400.
    const unparsed = await app.inject({
      method: "POST",
      url: "/v1/jobs",
      payload: "{not json",
      headers: { "content-type": "application/json" },
    });
    expect(unparsed.statusCode).toBe(401);

    for (const url of ["/healthz", "/readyz", "/docs/json", "/docs"]) {
      expect((await app.inject({ url })).statusCode, url).toBe(200);
    }
    expect((await app.inject({ url: "/v1/jobs", headers: bearer(OTHER_KEY) })).statusCode).toBe(
      200,
    );
  });

  const FORBIDDEN = {
    status: 403,
    body: {
      error: {
        code: "QPLANE_ERR_FORBIDDEN",
        message:
          "/metrics shows every key's activity and this server has several keys: it needs an admin key (QPLANE_ADMIN_KEYS)",
      },
    },
  };
  const metricsAs = async (key: string) => {
    const response = await app.inject({ url: "/metrics", headers: bearer(key) });
    return {
      status: response.statusCode,
      body: response.statusCode === 200 ? "" : response.json(),
    };
  };

  it("let the one key of a single-tenant server read /metrics", async () => {
    ({ app } = await testApp({ apiKeys: [KEY] }));
    expect(await metricsAs(KEY)).toEqual({ status: 200, body: "" });
    expect((await app.inject({ url: "/metrics" })).statusCode).toBe(401);
  });

  it("keep /metrics from every key when several keys and no admin key are configured", async () => {
    ({ app } = await testApp({ apiKeys: [KEY, OTHER_KEY] }));
    // another tenant's counts are not any key's to read: an operator needs an admin key
    expect(await metricsAs(KEY)).toEqual(FORBIDDEN);
    expect(await metricsAs(OTHER_KEY)).toEqual(FORBIDDEN);
  });

  it("keep /metrics (every key's activity) to admin keys when admin keys are configured", async () => {
    const ADMIN_KEY = "admin-key-0123456789";
    // one tenant key besides the admin key is still two keys: not single-tenant
    ({ app } = await testApp({ apiKeys: [KEY], adminKeys: [ADMIN_KEY] }));
    expect(await metricsAs(KEY)).toEqual(FORBIDDEN);
    await app.close();
    ({ app } = await testApp({ apiKeys: [KEY, OTHER_KEY], adminKeys: [ADMIN_KEY] }));
    for (const key of [KEY, OTHER_KEY]) expect(await metricsAs(key)).toEqual(FORBIDDEN);
    const scraped = await app.inject({ url: "/metrics", headers: bearer(ADMIN_KEY) });
    expect(scraped.statusCode).toBe(200);
    expect(scraped.body).toContain("qplane_jobs");
    expect((await app.inject({ url: "/metrics" })).statusCode).toBe(401);
    // the /v1 routes stay open to every valid key
    expect((await app.inject({ url: "/v1/jobs", headers: bearer(KEY) })).statusCode).toBe(200);
  });

  it("records the owner as a hash of the key, never the key", async () => {
    let service: FakeJobService;
    ({ app, service } = await testApp({ apiKeys: [KEY] }));
    await submit(app, spec(), bearer(KEY));
    const owner = service.submitted[0]!.options.owner;
    expect(owner).toBe(ownerOf(KEY));
    expect(owner).toMatch(/^key_[0-9a-f]{32}$/);
    expect(owner).not.toContain(KEY);
    expect(ownerOf(OTHER_KEY)).not.toBe(owner);
  });

  it("passes a null owner and needs no key when none are configured", async () => {
    let service: FakeJobService;
    ({ app, service } = await testApp());
    await submit(app, spec(), bearer("whatever-you-like"));
    expect(service.submitted[0]!.options.owner).toBeNull();
  });

  it("parses bearer headers strictly and matches keys by value", () => {
    expect(bearerToken("Bearer abc")).toBe("abc");
    expect(bearerToken("bearer   abc ")).toBe("abc");
    expect(bearerToken("Bearer")).toBeNull();
    expect(bearerToken("Bearer a b")).toBeNull();
    expect(bearerToken("Basic abc")).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
    const ring = new ApiKeyRing([KEY], [OTHER_KEY]);
    expect(ring.identify(`Bearer ${OTHER_KEY}`)).toEqual({
      owner: ownerOf(OTHER_KEY),
      problem: null,
      admin: true,
    });
    expect(ring.identify(`Bearer ${KEY}`)).toEqual({
      owner: ownerOf(KEY),
      problem: null,
      admin: false,
    });
    expect(ring.identify(`Bearer ${KEY}x`).owner).toBeNull();
    expect(ring.identify(`Bearer ${KEY.slice(0, -1)}`).owner).toBeNull();
    expect(new ApiKeyRing([]).identify(undefined)).toEqual({
      owner: null,
      problem: null,
      admin: false,
    });
  });

  it("maps too many unfinished jobs for one key to 429 QPLANE_ERR_TOO_MANY_JOBS", async () => {
    ({ app } = await testApp({ apiKeys: [KEY, OTHER_KEY] }, { maxConcurrentJobsPerKey: 2 }));
    await submit(app, spec(), bearer(KEY));
    await submit(app, spec(), bearer(KEY));
    const third = await app.inject({
      method: "POST",
      url: "/v1/jobs",
      payload: spec(),
      headers: bearer(KEY),
    });
    expect(third.statusCode).toBe(429);
    expect(third.json().error.code).toBe("QPLANE_ERR_TOO_MANY_JOBS");
    await submit(app, spec(), bearer(OTHER_KEY));
  });
});

describe("rate limiting", () => {
  it("limits requests per key per minute with 429 and Retry-After; each key has its own budget", async () => {
    ({ app } = await testApp({
      apiKeys: [KEY, OTHER_KEY],
      limits: { ...TEST_LIMITS, rateLimitPerMinute: 3 },
    }));
    for (let i = 0; i < 3; i++) {
      expect((await app.inject({ url: "/v1/datasets", headers: bearer(KEY) })).statusCode).toBe(
        200,
      );
    }
    const limited = await app.inject({ url: "/v1/datasets", headers: bearer(KEY) });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error).toMatchObject({ code: "QPLANE_ERR_RATE_LIMITED" });
    expect(limited.json().error.message).toContain("3 requests per minute");
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    expect((await app.inject({ url: "/v1/datasets", headers: bearer(OTHER_KEY) })).statusCode).toBe(
      200,
    );
    // Probes are never limited.
    expect((await app.inject({ url: "/healthz" })).statusCode).toBe(200);
  });

  it("counts requests with wrong keys against the client address, so keys cannot be guessed fast", async () => {
    ({ app } = await testApp({
      apiKeys: [KEY],
      limits: { ...TEST_LIMITS, rateLimitPerMinute: 3 },
    }));
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push(
        (await app.inject({ url: "/v1/jobs", headers: bearer(`guess-number-${i}`) })).statusCode,
      );
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });
});

describe("security headers", () => {
  it("sends helmet's headers with a CSP that lets Swagger UI run from its own assets", async () => {
    ({ app } = await testApp());
    const api = await app.inject({ url: "/v1/datasets" });
    expect(api.headers["x-content-type-options"]).toBe("nosniff");
    expect(api.headers["x-frame-options"]).toBe("SAMEORIGIN");
    expect(api.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    const csp = String(api.headers["content-security-policy"]);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("upgrade-insecure-requests");

    const page = await app.inject({ url: "/docs/" });
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-security-policy"]).toBe(csp);
    const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const asset of assets) {
      expect(asset, "served locally, not from a CDN").not.toMatch(/^(https?:)?\/\//);
      const url = new URL(asset, "http://local/docs/").pathname;
      const response = await app.inject({ url });
      expect(response.statusCode, url).toBe(200);
    }
    expect(page.body).not.toMatch(/<script>(?!\s*<\/script>)/); // no inline scripts for the CSP to block
  });
});

describe("credentials never reach a log line or a response", () => {
  it("keeps API keys and provider credentials out of logs and responses", async () => {
    const env = {
      IBM_CLOUD_API_KEY: "ibm-cloud-key-VALUE-1",
      AWS_SECRET_ACCESS_KEY: "aws-secret-VALUE-2",
      AWS_SESSION_TOKEN: "aws-session-VALUE-3",
    };
    const secrets = [KEY, ...Object.values(env), "hunter2-redis-pass"];
    const { stream, lines } = logCapture();
    const service = new FakeJobService();
    // An internal failure whose message carries credentials, as a driver error might.
    service.stats = async () => {
      throw new Error(
        `provider said ${env.IBM_CLOUD_API_KEY} / ${env.AWS_SECRET_ACCESS_KEY} ${KEY} at redis://:hunter2-redis-pass@redis:6379`,
      );
    };
    app = await buildApp({
      service,
      apiKeys: [KEY],
      log: { level: "trace", stream, env },
      limits: { rateLimitPerMinute: 0 },
    });
    const bodies: string[] = [];
    const send = async (options: InjectOptions) => {
      const response = await app.inject(options);
      bodies.push(response.body, JSON.stringify(response.headers));
      return response;
    };
    for (const key of [KEY, "s3cret-key-124-invalid"]) {
      await send({ url: "/v1/jobs", headers: bearer(key) });
      await send({ url: `/v1/jobs?tag=${key}`, headers: bearer(key) });
      await send({
        method: "POST",
        url: "/v1/jobs",
        headers: bearer(key),
        payload: spec({ apiKey: key }),
      });
      await send({
        method: "POST",
        url: "/v1/jobs",
        headers: bearer(key),
        payload: spec({ training: { epochs: key } }),
      });
      await send({
        method: "POST",
        url: "/v1/jobs",
        headers: bearer(key),
        payload: spec({ name: key }),
      });
      await send({ url: "/metrics", headers: bearer(key) });
    }
    // an unexpected failure is a bare 500, on /metrics (its store read) as on a job read
    const internal = await send({ url: "/metrics", headers: bearer(KEY) });
    expect(internal.statusCode).toBe(500);
    service.get = service.stats as never;
    const failed = await send({ url: "/v1/jobs/01JGFJJZZ8R6KSXNFH4AEYB48F", headers: bearer(KEY) });
    expect(failed.statusCode).toBe(500);
    expect(failed.json()).toEqual({
      error: {
        code: "QPLANE_ERR_INTERNAL",
        message: `internal error (request ${failed.headers["x-request-id"]})`,
      },
    });

    // The test can fail: the requests were logged, and the failure with its (scrubbed) message.
    expect(lines.length).toBeGreaterThan(20);
    const failure = lines.find((line) => line.includes('"request failed"'));
    expect(failure).toContain(`provider said ${REDACTED} / ${REDACTED}`);
    expect(failure).toContain(`redis://${REDACTED}@redis:6379`);
    for (const secret of [...secrets, "s3cret-key-124-invalid"]) {
      for (const line of lines) expect(line).not.toContain(secret);
    }
    for (const secret of secrets) {
      for (const body of bodies) expect(body).not.toContain(secret);
    }
    // The invalid key this client sent is not echoed back to it either.
    for (const body of bodies) expect(body).not.toContain("s3cret-key-124-invalid");
  });

  it("redacts credential-named fields at any depth, URL passwords and known values", () => {
    const scrub = lineScrubber(
      collectSecrets(["my-api-key-value"], { AWS_SESSION_TOKEN: "tok-tok-tok-1" }),
    );
    const line = JSON.stringify({
      msg: "x",
      a: {
        b: { c: { apiKey: "k1", ibmApiKey: "k2", clientSecret: "k3", password: "k4", name: "ok" } },
      },
      url: "redis://user:pw@host:6379/0",
      note: "sent my-api-key-value and tok-tok-tok-1",
    });
    const scrubbed = JSON.parse(scrub(line));
    expect(scrubbed.a.b.c).toEqual({
      apiKey: REDACTED,
      ibmApiKey: REDACTED,
      clientSecret: REDACTED,
      password: REDACTED,
      name: "ok",
    });
    expect(scrubbed.url).toBe(`redis://${REDACTED}@host:6379/0`);
    expect(scrubbed.note).toBe(`sent ${REDACTED} and ${REDACTED}`);
  });
});
