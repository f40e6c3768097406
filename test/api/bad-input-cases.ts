/**
 * The bad-input cases: each request with the exact status, code and the field path its
 * message must name, against an app with one running job (`jobId`) set up per test file.
 */
import type { FastifyInstance, InjectOptions } from "fastify";
import { afterAll, beforeAll } from "vitest";
import type { FakeJobService } from "./fake-job-service.js";
import { spec, submit, TEST_LIMITS, testApp } from "./helpers.js";

const MAX_BODY_BYTES = 8192;
const UNKNOWN_ID = "01JGFJJZZ8R6KSXNFH4AEYB48F";

// live bindings: a test file sees the app its own useBadInputApp made
export let app: FastifyInstance;
let service: FakeJobService;
let jobId: string;

/** The app (with one running job) of one test file. */
export function useBadInputApp(): void {
  beforeAll(async () => {
    ({ app, service } = await testApp({
      limits: { ...TEST_LIMITS, maxBodyBytes: MAX_BODY_BYTES, rateLimitPerMinute: 0 },
    }));
    jobId = await submit(app);
    service.start(jobId);
  });
  afterAll(async () => {
    await app.close();
  });
}

export interface Case {
  readonly name: string;
  readonly request: () => InjectOptions;
  readonly status: number;
  readonly code: string;
  /** Text the message must contain: the field path, and sometimes why. */
  readonly mentions: readonly string[];
}

export const post = (payload: unknown, headers: Record<string, string> = {}): InjectOptions => ({
  method: "POST",
  url: "/v1/jobs",
  payload: typeof payload === "string" ? payload : JSON.stringify(payload),
  headers: { "content-type": "application/json", ...headers },
});
const invalidSpec = (
  overrides: Record<string, unknown>,
  ...mentions: string[]
): Omit<Case, "name"> => ({
  request: () => post(spec(overrides)),
  status: 400,
  code: "QPLANE_ERR_SPEC_INVALID",
  mentions,
});
const overLimit = (
  overrides: Record<string, unknown>,
  field: string,
  limit: number,
): Omit<Case, "name"> => ({
  request: () => post(spec(overrides)),
  status: 400,
  code: "QPLANE_ERR_LIMIT_EXCEEDED",
  mentions: [field, `limit of ${limit}`],
});
const badQuery = (url: string, ...mentions: string[]): Omit<Case, "name"> => ({
  request: () => ({ method: "GET", url: url.replace("{id}", jobId) }),
  status: 400,
  code: "QPLANE_ERR_REQUEST_INVALID",
  mentions,
});

export const CASES: Case[] = [
  {
    name: 'wrong type: training.epochs "ten"',
    ...invalidSpec(
      { training: { epochs: "ten" } },
      "spec.training.epochs",
      "expected number",
      '"ten"',
    ),
  },
  {
    name: "unknown top-level field",
    ...invalidSpec({ colour: "blue" }, "spec.colour: unknown field"),
  },
  {
    name: "unknown nested field",
    ...invalidSpec({ model: { depth: 3 } }, "spec.model.depth: unknown field"),
  },
  {
    name: "training.schedule replay without its multipliers",
    ...invalidSpec(
      { training: { schedule: "replay" } },
      "spec.training.replay",
      'is required with training.schedule "replay"',
    ),
  },
  {
    name: "training.stepGamma with a cosine schedule",
    ...invalidSpec(
      { training: { schedule: "cosine", stepGamma: 0.5 } },
      "spec.training.stepGamma",
      'only applies with training.schedule "step"',
      "(got 0.5)",
    ),
  },
  {
    name: "linear model with representation hidden",
    ...invalidSpec(
      { model: { kind: "linear", representation: "hidden" } },
      "spec.model.representation",
      "no hidden layer",
      '(got "hidden")',
    ),
  },
  {
    name: "model.l2 on a VQC (ignored otherwise)",
    ...invalidSpec({ model: { l2: 0.1 } }, "spec.model.l2", 'only applies to model.kind "mlp"'),
  },
  {
    name: "readout register too small for the classes",
    ...invalidSpec(
      { dataset: { name: "wide", classes: 4 }, model: { readout: [3] } },
      "spec.model.readout",
      "2 outcomes, fewer than the 4 classes",
    ),
  },
  {
    name: "more PCA components than features",
    ...invalidSpec(
      { dataset: { name: "iris" }, model: { reduce: "pca", components: 5 } },
      "spec.model.components: 5 components, but the dataset has 4 features",
    ),
  },
  {
    name: "model.l2 negative",
    ...invalidSpec({ model: { kind: "mlp", l2: -1 } }, "spec.model.l2", "(got -1)"),
  },
  {
    name: "batchSize 0",
    ...invalidSpec({ training: { batchSize: 0 } }, "spec.training.batchSize", "(got 0)"),
  },
  {
    name: "learningRate NaN (null in JSON)",
    ...invalidSpec({ training: { learningRate: null } }, "spec.training.learningRate"),
  },
  {
    name: 'learningRate "NaN"',
    ...invalidSpec({ training: { learningRate: "NaN" } }, "spec.training.learningRate"),
  },
  {
    name: "learningRate negative",
    ...invalidSpec(
      { training: { learningRate: -0.1 } },
      "spec.training.learningRate",
      "(got -0.1)",
    ),
  },
  {
    name: "best-validation without a validation split",
    ...invalidSpec(
      { training: { epochs: 3, select: "best-validation" } },
      "spec.training.select",
      "needs a validation split",
    ),
  },
  {
    name: "test + validation fractions ≥ 1",
    ...invalidSpec(
      { dataset: { name: "moons", samples: 64, testFraction: 0.4, validationFraction: 0.6 } },
      "spec.dataset.validationFraction",
      "leaves no training split",
    ),
  },
  {
    name: "validation fraction that leaves the validation split empty",
    ...invalidSpec(
      { dataset: { name: "moons", samples: 4, validationFraction: 0.1 } },
      "spec.dataset.validationFraction",
      "validation split",
      "empty",
    ),
  },
  {
    name: "alpha -1",
    ...invalidSpec({ feedback: { mode: "loss", alpha: -1 } }, "spec.feedback.alpha", "(got -1)"),
  },
  {
    name: "qubits above the configured max",
    ...overLimit({ model: { qubits: 9 } }, "spec.model.qubits", TEST_LIMITS.maxQubits),
  },
  {
    name: "backend shots above max",
    ...overLimit({ backend: { shots: 20_000 } }, "spec.backend.shots", TEST_LIMITS.maxShots),
  },
  {
    name: "info-plane shots above max",
    ...overLimit({ infoPlane: { shots: 20_000 } }, "spec.infoPlane.shots", TEST_LIMITS.maxShots),
  },
  {
    name: "epochs above max",
    ...overLimit({ training: { epochs: 51 } }, "spec.training.epochs", TEST_LIMITS.maxEpochs),
  },
  {
    name: "samples above max rows",
    ...overLimit(
      { dataset: { name: "moons", samples: 5001 } },
      "spec.dataset.samples",
      TEST_LIMITS.maxDatasetRows,
    ),
  },
  {
    name: "unknown dataset",
    ...invalidSpec({ dataset: { name: "mnist" } }, "spec.dataset.name", '"mnist"'),
  },
  {
    name: "missing dataset.name",
    ...invalidSpec({ dataset: { samples: 100 } }, "spec.dataset.name", "(got nothing)"),
  },
  {
    name: "missing dataset",
    request: () => post({ training: { epochs: 2 } }),
    status: 400,
    code: "QPLANE_ERR_SPEC_INVALID",
    mentions: ["spec.dataset"],
  },
  {
    name: "unknown backend name",
    ...invalidSpec(
      { backend: { name: "ibm-nowhere" } },
      "spec.backend.name",
      'unknown backend "ibm-nowhere"',
      "configured: local",
    ),
  },
  {
    name: "a URL where a backend name belongs",
    ...invalidSpec({ backend: { name: "http://evil.example" } }, "spec.backend.name", "not a URL"),
  },
  {
    name: "csv dataset without a dataset directory",
    ...invalidSpec(
      { dataset: { name: "csv", path: "../../etc/passwd", target: "y" } },
      "spec.dataset.name",
      "not available over HTTP",
    ),
  },
  {
    name: "name with control characters",
    ...invalidSpec({ name: "line\nbreak" }, "spec.name", "control characters"),
  },
  {
    name: "tags not an array",
    ...invalidSpec({ tags: "baseline" }, "spec.tags", "expected array"),
  },
  { name: "tag with a space", ...invalidSpec({ tags: ["ok", "not ok"] }, "spec.tags.1") },
  {
    name: "body is an array",
    request: () => post([1, 2]),
    status: 400,
    code: "QPLANE_ERR_SPEC_INVALID",
    mentions: ["spec: ", "expected object"],
  },
  {
    name: "empty JSON body",
    request: () => post(""),
    status: 400,
    code: "QPLANE_ERR_SPEC_INVALID",
    mentions: ["spec: ", "expected object"],
  },
  {
    name: "__proto__ member",
    request: () => post('{"dataset":{"name":"moons"},"__proto__":{"admin":true}}'),
    status: 400,
    code: "QPLANE_ERR_REQUEST_INVALID",
    mentions: ["body: ", "__proto__"],
  },
  {
    name: "malformed JSON: raw NaN",
    request: () => post('{"dataset":{"name":"moons"},"training":{"learningRate":NaN}}'),
    status: 400,
    code: "QPLANE_ERR_REQUEST_INVALID",
    mentions: ["body: not valid JSON (unexpected token 'N')"],
  },
  {
    name: "malformed JSON: trailing comma",
    request: () => post('{\n  "dataset": {"name": "moons"},\n}'),
    status: 400,
    code: "QPLANE_ERR_REQUEST_INVALID",
    mentions: ["body: not valid JSON", "line 3, column 1"],
  },
  {
    name: "oversize body",
    request: () => post(spec({ name: "x".repeat(MAX_BODY_BYTES) })),
    status: 413,
    code: "QPLANE_ERR_BODY_TOO_LARGE",
    mentions: ["body: larger than the limit of 8192 bytes"],
  },
  {
    name: "body not JSON",
    request: () => ({
      method: "POST",
      url: "/v1/jobs",
      payload: "dataset=moons",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    }),
    status: 415,
    code: "QPLANE_ERR_MEDIA_TYPE",
    mentions: ["header.content-type"],
  },
  {
    name: "Idempotency-Key too long",
    request: () => post(spec(), { "idempotency-key": "k".repeat(300) }),
    status: 400,
    code: "QPLANE_ERR_REQUEST_INVALID",
    mentions: ["header.idempotency-key"],
  },
  {
    name: "bad job id format",
    ...badQuery("/v1/jobs/not-a-job", "path.id", "must be a job id", '"not-a-job"'),
  },
  {
    name: "job id with path traversal",
    ...badQuery("/v1/jobs/..%2F..%2Fetc%2Fpasswd/metrics", "path.id"),
  },
  {
    name: "bad job id on cancel",
    request: () => ({ method: "POST", url: "/v1/jobs/1234/cancel" }),
    status: 400,
    code: "QPLANE_ERR_REQUEST_INVALID",
    mentions: ["path.id"],
  },
  {
    name: "bad job id on delete",
    request: () => ({ method: "DELETE", url: "/v1/jobs/abc%20def" }),
    status: 400,
    code: "QPLANE_ERR_REQUEST_INVALID",
    mentions: ["path.id"],
  },
  { name: "broken percent-encoding", ...badQuery("/v1/jobs/%E0%A4%A", "path") },
  { name: "limit not a number", ...badQuery("/v1/jobs?limit=abc", "query.limit", "whole number") },
  { name: "limit 0", ...badQuery("/v1/jobs?limit=0", "query.limit", '(got "0")') },
  { name: "limit above 100", ...badQuery("/v1/jobs?limit=1000", "query.limit") },
  { name: "cursor with bad characters", ...badQuery("/v1/jobs?cursor=%24%24%24", "query.cursor") },
  {
    name: "cursor from nowhere",
    ...badQuery("/v1/jobs?cursor=bm90LWFuLWlk", "cursor: not a cursor"),
  },
  { name: "unknown status", ...badQuery("/v1/jobs?status=done", "query.status", '"done"') },
  {
    name: "status given twice",
    ...badQuery("/v1/jobs?status=queued&status=running", "query.status"),
  },
  {
    name: "unknown query parameter",
    ...badQuery("/v1/jobs?colour=blue", "query.colour: unknown field"),
  },
  {
    name: "sinceEpoch negative",
    ...badQuery("/v1/jobs/{id}/metrics?sinceEpoch=-1", "query.sinceEpoch"),
  },
  {
    name: "sinceEpoch not a number",
    ...badQuery("/v1/jobs/{id}/metrics?sinceEpoch=two", "query.sinceEpoch", "whole number"),
  },
  { name: "format=xml", ...badQuery("/v1/jobs/{id}/metrics?format=xml", "query.format", '"xml"') },
  {
    name: "unknown route",
    request: () => ({ method: "GET", url: "/v1/job" }),
    status: 404,
    code: "QPLANE_ERR_ROUTE_NOT_FOUND",
    mentions: ["/v1/job"],
  },
  {
    name: "unknown job",
    request: () => ({ method: "GET", url: `/v1/jobs/${UNKNOWN_ID}` }),
    status: 404,
    code: "QPLANE_ERR_JOB_NOT_FOUND",
    mentions: [UNKNOWN_ID],
  },
  {
    name: "delete a running job",
    request: () => ({ method: "DELETE", url: `/v1/jobs/${jobId}` }),
    status: 409,
    code: "QPLANE_ERR_JOB_STATE",
    mentions: ["running"],
  },
];
