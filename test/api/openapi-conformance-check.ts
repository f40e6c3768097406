/**
 * The conformance check of the OpenAPI tests: the committed document (openapi/openapi.json),
 * a JSON-schema validator (ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses) over its schemas, the
 * tally of every checked exchange (status documented, content type documented, body and
 * headers valid, required headers present) and a client that checks every answer it gets.
 */
import { readFileSync } from "node:fs";
import type { Ajv2020 as AjvInstance, ValidateFunction } from "ajv/dist/2020.js";
import Ajv2020Module from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import type { Config } from "../../src/config.js";
import type { ExperimentService } from "../../src/jobs/experiment-types.js";
import type { JobService } from "../../src/jobs/types.js";
import { useRealServer } from "../helpers/real-server.js";
import { waitFor } from "../jobs/helpers.js";

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

export const DOCUMENT: Document = JSON.parse(
  readFileSync(new URL("../../openapi/openapi.json", import.meta.url), "utf8"),
);
/** What each SSE frame's `data:` holds. */
const JOB_EVENT_SCHEMA = { $ref: "#/components/schemas/JobEvent" };
const HTTP_METHODS = new Set(["get", "put", "post", "delete", "patch"]);
/** Every operation of the document, as `GET /v1/jobs/{id}`. */
export const OPERATIONS = Object.entries(DOCUMENT.paths).flatMap(([path, item]) =>
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

export interface Exchange {
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
export class Conformance {
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

export const KEY_A = "conformance-key-a-0123456789";
export const KEY_B = "conformance-key-b-0123456789";
export const TINY_SPEC = {
  dataset: { name: "moons", samples: 40 },
  model: { qubits: 2, layers: 1 },
  training: { epochs: 2 },
};
/** A job that runs until cancelled (well within every limit). */
export const LONG_SPEC = {
  dataset: { name: "moons", samples: 200 },
  model: { qubits: 2, layers: 1 },
  training: { epochs: 1000 },
};
/** Inside every separate limit, far over the cost limits (issue 10's maximal spec). */
export const HUGE_SPEC = {
  dataset: { name: "moons", samples: 100_000 },
  model: { qubits: 20, layers: 200, entangler: "full" },
  training: { epochs: 1000, batchSize: 100_000 },
};
export const MAX_BODY_BYTES = 16_384;

interface RequestInit {
  readonly key?: string | null;
  readonly body?: unknown;
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
}

/** Sends requests to one listening app and checks every answer. */
export class Client {
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

export function apiOver(config: Config, service: JobService, experiments: ExperimentService) {
  return {
    service,
    experiments,
    apiKeys: config.apiKeys,
    log: false as const,
    docs: false,
    limits: { ...config.limits, maxBodyBytes: MAX_BODY_BYTES, rateLimitPerMinute: 0 },
  };
}
/** Polls `path` (a job or an experiment) through `client` until it has finished. */
export async function finished(client: Client, path: string, operation: string): Promise<void> {
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

/**
 * The real server the conformance tests drive: two keys, tight per-key and per-experiment
 * limits, a worker, and a shutdown held open until `shutdownHeld` settles.
 */
export function useConformanceServer(shutdownHeld: Promise<void>) {
  return useRealServer("conformance", {
    env: {
      QPLANE_API_KEYS: `${KEY_A},${KEY_B}`,
      QPLANE_MAX_CONCURRENT_JOBS_PER_KEY: "3",
      QPLANE_MAX_EXPERIMENT_JOBS: "4",
    },
    worker: true,
    app: ({ config, jobs, experiments }) => apiOver(config, jobs, experiments),
    beforeListen: (app) => app.addHook("preClose", () => shutdownHeld),
  });
}
