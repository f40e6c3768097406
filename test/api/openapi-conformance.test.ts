/**
 * The committed OpenAPI document (openapi/openapi.json) against the real server: a Redis job
 * service, experiments and an in-process worker behind `buildApp`, listening on a port.
 * Every operation of the document is driven over HTTP with good and bad requests (2xx, the
 * main 4xx, 404s, 401s), then through a tight rate limit (429), over a store that cannot be
 * reached (503) and during shutdown (503). Every response is checked against the document
 * by a JSON-schema validator (ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses): its status is
 * documented, its content type is, its body validates against that schema, and every
 * documented header is valid and, when the document says it is required, present. The test fails on any disagreement, and when an
 * operation of the document was not exercised with a 2xx and a 4xx.
 */
import { readFileSync } from "node:fs";
import type { Ajv2020 as AjvInstance, ValidateFunction } from "ajv/dist/2020.js";
import Ajv2020Module from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/api/app.js";
import type { Config } from "../../src/config.js";
import type { ExperimentService } from "../../src/jobs/experiment-types.js";
import { createExperimentService } from "../../src/jobs/experiments.js";
import { newJobId } from "../../src/jobs/ids.js";
import { createJobService } from "../../src/jobs/service.js";
import type { JobService } from "../../src/jobs/types.js";
import { closedPort } from "../helpers/closed-port.js";
import { useRealServer } from "../helpers/real-server.js";
import { silentLogger, testConfig, waitFor } from "../jobs/helpers.js";
import { listen } from "../security/http.js";

// ajv's CommonJS exports seen from ESM
const Ajv2020 = Ajv2020Module as unknown as typeof Ajv2020Module.default;
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

interface MediaType {
  readonly schema?: object;
}
interface DocResponse {
  readonly content?: Record<string, MediaType>;
  readonly headers?: Record<string, { readonly required?: boolean; readonly schema: object }>;
}
interface DocOperation {
  readonly responses: Record<string, DocResponse>;
}
interface Document {
  readonly paths: Record<string, Record<string, DocOperation>>;
  readonly components: { readonly schemas: Record<string, object> };
}

const DOCUMENT: Document = JSON.parse(
  readFileSync(new URL("../../openapi/openapi.json", import.meta.url), "utf8"),
);
/** What each SSE frame's `data:` holds. */
const JOB_EVENT_SCHEMA = { $ref: "#/components/schemas/JobEvent" };
const HTTP_METHODS = new Set(["get", "put", "post", "delete", "patch"]);
/** Every operation of the document, as `GET /v1/jobs/{id}`. */
const OPERATIONS = Object.entries(DOCUMENT.paths).flatMap(([path, item]) =>
  Object.keys(item)
    .filter((method) => HTTP_METHODS.has(method))
    .map((method) => `${method.toUpperCase()} ${path}`),
);

/**
 * Validates bodies and headers against the document's schemas. The document's `$ref`s point
 * into `#/components/schemas`: the components are one schema (`openapi.json`) and references
 * in path-level schemas are re-pointed at it.
 */
class DocumentValidator {
  private readonly ajv: AjvInstance;
  private readonly compiled = new Map<object, ValidateFunction>();

  constructor(document: Document) {
    this.ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
    addFormats(this.ajv);
    // OpenAPI's wrapper around the schemas, not a validation keyword
    this.ajv.addKeyword("components");
    this.ajv.addSchema({ $id: "openapi.json", components: document.components });
  }

  /** Error text of `value` against `schema`, or null when it validates. */
  problem(schema: object, value: unknown): string | null {
    let validate = this.compiled.get(schema);
    if (validate === undefined) {
      validate = this.ajv.compile(repoint(schema) as object);
      this.compiled.set(schema, validate);
    }
    return validate(value) ? null : this.ajv.errorsText(validate.errors);
  }
}

function repoint(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(repoint);
  if (schema === null || typeof schema !== "object") return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [
      key,
      key === "$ref" && typeof value === "string" && value.startsWith("#/")
        ? `openapi.json${value}`
        : repoint(value),
    ]),
  );
}

interface Exchange {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
}

interface Checked {
  readonly operation: string;
  readonly status: number;
  readonly problems: readonly string[];
}

/** Checks exchanges against the document and keeps the tally. */
class Conformance {
  readonly checked: Checked[] = [];
  sseEventCount = 0;
  private readonly validator = new DocumentValidator(DOCUMENT);

  check(operation: string, exchange: Exchange): Checked {
    const problems = this.problems(operation, exchange);
    const result = { operation, status: exchange.status, problems };
    this.checked.push(result);
    return result;
  }

  private problems(operation: string, { status, headers, body }: Exchange): string[] {
    const [method, path] = operation.split(" ") as [string, string];
    const documented = DOCUMENT.paths[path]?.[method.toLowerCase()];
    if (documented === undefined) return ["operation not in the document"];
    const response =
      documented.responses[String(status)] ??
      documented.responses[`${String(status)[0]}XX`] ??
      documented.responses.default;
    if (response === undefined) return [`status ${status} is not documented`];
    const problems: string[] = [];
    for (const [name, header] of Object.entries(response.headers ?? {})) {
      const value = headers.get(name);
      if (value === null) {
        if (header.required === true) problems.push(`header ${name} missing`);
        continue;
      }
      const type = (header.schema as { type?: string }).type;
      const typed = type === "integer" || type === "number" ? Number(value) : value;
      const problem = this.validator.problem(header.schema, typed);
      if (problem !== null) problems.push(`header ${name}: ${value}: ${problem}`);
    }
    if (response.content === undefined) {
      if (body !== "") problems.push(`a body where none is documented: ${body.slice(0, 200)}`);
      return problems;
    }
    const contentType = (headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    const media = response.content[contentType];
    if (media === undefined) {
      problems.push(
        `content type ${contentType || "(none)"} is not one of ${Object.keys(response.content).join(", ")}`,
      );
      return problems;
    }
    let value: unknown = body;
    if (contentType === "application/json") {
      try {
        value = JSON.parse(body);
      } catch {
        return [...problems, `body is not JSON: ${body.slice(0, 200)}`];
      }
    }
    if (media.schema !== undefined) {
      const problem = this.validator.problem(media.schema, value);
      if (problem !== null) problems.push(`body: ${problem}: ${body.slice(0, 300)}`);
    }
    if (contentType === "text/event-stream") problems.push(...this.eventProblems(body));
    return problems;
  }

  /** Each frame's `data:` against the document's `JobEvent`; `event:` must be its type. */
  private eventProblems(body: string): string[] {
    const problems: string[] = [];
    for (const frame of body.split("\n\n")) {
      const event = /^event: (.*)$/m.exec(frame)?.[1];
      const data = /^data: (.*)$/m.exec(frame)?.[1];
      if (data === undefined) continue;
      this.sseEventCount++;
      let value: { type?: unknown };
      try {
        value = JSON.parse(data);
      } catch {
        problems.push(`SSE data is not JSON: ${data.slice(0, 200)}`);
        continue;
      }
      const problem = this.validator.problem(JOB_EVENT_SCHEMA, value);
      if (problem !== null) problems.push(`SSE data: ${problem}: ${data.slice(0, 300)}`);
      if (event !== value.type) problems.push(`SSE event ${event} carries type ${value.type}`);
    }
    return problems;
  }
}

const KEY_A = "conformance-key-a-0123456789";
const KEY_B = "conformance-key-b-0123456789";
const TINY_SPEC = {
  dataset: { name: "moons", samples: 40 },
  model: { qubits: 2, layers: 1 },
  training: { epochs: 2 },
};
/** A job that runs until cancelled (well within every limit). */
const LONG_SPEC = {
  dataset: { name: "moons", samples: 200 },
  model: { qubits: 2, layers: 1 },
  training: { epochs: 1000 },
};
/** Inside every separate limit, far over the cost limits (issue 10's maximal spec). */
const HUGE_SPEC = {
  dataset: { name: "moons", samples: 100_000 },
  model: { qubits: 20, layers: 200, entangler: "full" },
  training: { epochs: 1000, batchSize: 100_000 },
};
const MAX_BODY_BYTES = 16_384;

interface RequestInit {
  readonly key?: string | null;
  readonly body?: unknown;
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
}

/** Sends requests to one listening app and checks every answer. */
class Client {
  constructor(
    private readonly base: string,
    private readonly conformance: Conformance,
  ) {}

  /** The request's headers: key A's unless `key` says otherwise (null: none). */
  private headers(init: RequestInit): Record<string, string> {
    const key = init.key === undefined ? KEY_A : init.key;
    return key === null ? { ...init.headers } : { ...init.headers, authorization: `Bearer ${key}` };
  }

  /** `operation` names the document's operation; `path` is the concrete URL. */
  async send(operation: string, path: string, init: RequestInit = {}): Promise<Exchange> {
    const method = operation.split(" ")[0]!;
    const headers = this.headers(init);
    let body: string | undefined;
    if (init.body !== undefined) {
      body = typeof init.body === "string" ? init.body : JSON.stringify(init.body);
      headers["content-type"] = init.contentType ?? "application/json";
    }
    const response = await fetch(`${this.base}${path}`, { method, headers, body });
    const exchange = {
      status: response.status,
      headers: response.headers,
      body: await response.text(),
    };
    this.conformance.check(operation, exchange);
    return exchange;
  }

  /** An event stream read until `enough(text so far)` or its end, then closed. */
  async stream(
    operation: string,
    path: string,
    enough: (text: string) => boolean,
    init: RequestInit = {},
  ): Promise<Exchange> {
    const abort = new AbortController();
    const response = await fetch(`${this.base}${path}`, {
      headers: this.headers(init),
      signal: abort.signal,
    });
    let body = "";
    if (!response.headers.get("content-type")?.startsWith("text/event-stream")) {
      body = await response.text();
    } else if (response.body !== null) {
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      while (!enough(body)) {
        const { done, value } = await reader.read();
        if (done) break;
        body += value;
      }
      abort.abort();
      await reader.cancel().catch(() => {});
    }
    const exchange = { status: response.status, headers: response.headers, body };
    this.conformance.check(operation, exchange);
    return exchange;
  }
}

function apiOver(config: Config, service: JobService, experiments: ExperimentService) {
  return {
    service,
    experiments,
    apiKeys: config.apiKeys,
    log: false as const,
    docs: false,
    limits: { ...config.limits, maxBodyBytes: MAX_BODY_BYTES, rateLimitPerMinute: 0 },
  };
}

describe("the conformance check", () => {
  it("reports what the document does not allow", () => {
    const check = (
      operation: string,
      status: number,
      headers: Record<string, string>,
      body: string,
    ) =>
      new Conformance().check(operation, { status, headers: new Headers(headers), body }).problems;
    const requestId = { "x-request-id": "req-1" };
    const json = { "content-type": "application/json; charset=utf-8", ...requestId };
    const envelope = JSON.stringify({ error: { code: "QPLANE_ERR_UNAVAILABLE", message: "down" } });
    expect(check("GET /healthz", 200, json, '{"status":"ok"}')).toEqual([]);
    // every response carries its request id; the CSV's Content-Disposition only with CSV
    expect(
      check("GET /healthz", 200, { "content-type": "application/json" }, '{"status":"ok"}'),
    ).toEqual(["header X-Request-Id missing"]);
    const records = JSON.stringify({ metrics: [] });
    expect(check("GET /v1/jobs/{id}/metrics", 200, json, records)).toEqual([]);
    expect(check("GET /v1/jobs", 503, { ...json, "retry-after": "5" }, envelope)).toEqual([]);
    // the findings of issue 10: fastify's own 503 body, a 429 without Retry-After, an
    // undocumented status
    const fastify503 = JSON.stringify({
      error: "Service Unavailable",
      message: "x",
      statusCode: 503,
    });
    expect(check("GET /v1/jobs", 503, { ...json, "retry-after": "5" }, fastify503)).toEqual([
      expect.stringContaining("data/error must be object"),
    ]);
    expect(check("POST /v1/jobs", 429, json, envelope)).toEqual(["header Retry-After missing"]);
    expect(check("GET /v1/jobs", 429, { ...json, "retry-after": "soon" }, envelope)).toEqual([
      expect.stringMatching(/^header Retry-After: soon: data must be integer/),
    ]);
    expect(check("GET /v1/jobs", 418, json, envelope)).toEqual(["status 418 is not documented"]);
    expect(check("GET /v1/jobs/{id}/curves.svg", 200, json, "{}")).toEqual([
      "content type application/json is not one of image/svg+xml",
    ]);
    expect(check("DELETE /v1/jobs/{id}", 204, requestId, "{}")).toEqual([
      "a body where none is documented: {}",
    ]);
    expect(check("GET /v1/unknown", 200, json, "{}")).toEqual(["operation not in the document"]);
    const sse = { "content-type": "text/event-stream; charset=utf-8", ...requestId };
    const frame = (event: string, data: object) =>
      `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    const queued = { type: "status", status: "queued", at: "2026-01-01T00:00:00.000Z" };
    expect(check("GET /v1/events", 200, sse, frame("status", queued))).toEqual([]);
    expect(check("GET /v1/events", 200, sse, frame("progress", queued))).toEqual([
      "SSE event progress carries type status",
    ]);
    expect(
      check("GET /v1/events", 200, sse, frame("status", { ...queued, status: "paused" })),
    ).toEqual([expect.stringContaining("SSE data: data/status must be equal to one of")]);
  });
});

describe("the server against its OpenAPI document", () => {
  const conformance = new Conformance();
  let client: Client;
  /** Holds the main app's shutdown open until the shutdown requests are made. */
  let releaseShutdown: () => void = () => {};
  const shutdownHeld = new Promise<void>((resolve) => {
    releaseShutdown = resolve;
  });
  const server = useRealServer("conformance", {
    env: {
      QPLANE_API_KEYS: `${KEY_A},${KEY_B}`,
      QPLANE_MAX_CONCURRENT_JOBS_PER_KEY: "3",
      QPLANE_MAX_EXPERIMENT_JOBS: "4",
    },
    worker: true,
    app: ({ config, jobs, experiments }) => apiOver(config, jobs, experiments),
    beforeListen: (app) => app.addHook("preClose", () => shutdownHeld),
  });

  beforeAll(() => {
    client = new Client(server.base, conformance);
  });

  afterAll(() => releaseShutdown());

  const unknownId = newJobId();
  const jobPath = (id: string) => `/v1/jobs/${id}`;

  async function finished(path: string, operation: string): Promise<void> {
    await waitFor(
      async () => {
        const body = JSON.parse((await client.send(operation, path)).body) as {
          status?: string;
          counts?: { queued: number; running: number };
        };
        if (body.counts !== undefined) return body.counts.queued + body.counts.running === 0;
        return body.status === "completed";
      },
      `${path} to finish`,
      30_000,
      100,
    );
  }

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
