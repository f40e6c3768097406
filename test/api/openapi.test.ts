import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { withSpecLimits } from "../../src/api/openapi-contract.js";
import { openApiText } from "../../src/api/openapi-document.js";
import { jobSpecSchema } from "../../src/training/spec.js";

const committedPath = new URL("../../openapi/openapi.json", import.meta.url);

interface Schema {
  readonly $ref?: string;
  readonly maximum?: number;
  readonly properties?: Record<string, Schema>;
}
interface Response {
  readonly description: string;
  readonly headers?: Record<string, { readonly required?: boolean; readonly schema: Schema }>;
  readonly content?: Record<string, { readonly schema: Schema; readonly example?: unknown }>;
}
interface Operation {
  readonly parameters?: readonly { readonly name: string; readonly schema: object }[];
  readonly responses: Record<string, Response>;
}
interface Document {
  readonly paths: Record<string, Record<string, Operation>>;
  readonly components: { readonly schemas: Record<string, Schema> };
}

/** Every operation of the document as [`METHOD /path`, operation]. */
function operations(document: Document): [string, Operation][] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]): [string, Operation] => [
      `${method.toUpperCase()} ${path}`,
      operation,
    ]),
  );
}

/** Paths (`ModelSpecInput.properties.qubits`) of every property with a `default` under `value`. */
function defaultsUnder(value: unknown, at: string): string[] {
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, child]) => [
    ...(key === "properties" && child !== null && typeof child === "object"
      ? Object.entries(child as Record<string, object>)
          .filter(([, property]) => "default" in property)
          .map(([name]) => `${at}.${name}`)
      : []),
    ...defaultsUnder(child, `${at}.${key}`),
  ]);
}

describe("the OpenAPI document", () => {
  it("is committed as generated (run `npm run openapi` after changing routes or schemas)", async () => {
    // Compared value for value and key order for key order; the layout is biome's.
    const generated = JSON.stringify(JSON.parse(await openApiText()));
    const committed = JSON.stringify(JSON.parse(readFileSync(committedPath, "utf8")));
    expect(
      committed === generated,
      "openapi/openapi.json differs from the routes' schemas: run `npm run openapi` and commit the result",
    ).toBe(true);
  });

  it("documents every route, the spec with its defaults and ranges, and the errors", async () => {
    const document = JSON.parse(await openApiText());
    expect(document.openapi).toBe("3.1.0");
    expect(Object.keys(document.paths).sort()).toEqual([
      "/healthz",
      "/metrics",
      "/readyz",
      "/v1/backends",
      "/v1/datasets",
      "/v1/dry-runs",
      "/v1/events",
      "/v1/experiments",
      "/v1/experiments/dry-runs",
      "/v1/experiments/{id}",
      "/v1/experiments/{id}/cancel",
      "/v1/experiments/{id}/curves",
      "/v1/jobs",
      "/v1/jobs/{id}",
      "/v1/jobs/{id}/cancel",
      "/v1/jobs/{id}/circuit.qasm",
      "/v1/jobs/{id}/curves.svg",
      "/v1/jobs/{id}/events",
      "/v1/jobs/{id}/infoplane.svg",
      "/v1/jobs/{id}/metrics",
    ]);
    const experiment = document.paths["/v1/experiments"].post;
    expect(experiment.requestBody.content["application/json"].schema).toEqual({
      $ref: "#/components/schemas/ExperimentSubmissionInput",
    });
    expect(
      Object.keys(document.paths["/v1/experiments/{id}"].get.responses["200"].content),
    ).toEqual(["application/json", "text/csv"]);
    const submit = document.paths["/v1/jobs"].post;
    expect(Object.keys(submit.responses).sort()).toEqual(
      ["200", "202", "400", "401", "409", "413", "415", "422", "429", "503"].sort(),
    );
    expect(submit.requestBody.content["application/json"].schema).toEqual({
      $ref: "#/components/schemas/JobSubmissionInput",
    });
    expect(submit.parameters).toContainEqual(
      expect.objectContaining({ in: "header", name: "idempotency-key" }),
    );
    const schemas = document.components.schemas;
    const body = schemas.JobSubmissionInput;
    expect(Object.keys(body.properties).sort()).toEqual(
      [...Object.keys(jobSpecSchema.shape), "name", "tags"].sort(),
    );
    expect(body.required).toEqual(["dataset"]);
    expect(body.additionalProperties).toBe(false);
    // Defaults come from the spec schema (in the description on the request side, see the
    // contract test below); ranges of piped numbers are documented on input too.
    expect(schemas.TrainingSpecInput.properties.learningRate).toEqual({
      description: "Default: `0.05`.",
      exclusiveMinimum: 0,
      maximum: 100,
      type: "number",
    });
    expect(schemas.TrainingSpecInput.properties.epochs).toMatchObject({
      description: "Default: `30`.",
      minimum: 1,
    });
    expect(Object.keys(schemas.Job.properties)).toEqual(
      expect.arrayContaining([
        "id",
        "status",
        "progress",
        "etaSeconds",
        "latest",
        "summary",
        "error",
        "createdAt",
        "startedAt",
        "finishedAt",
        "spec",
        "name",
        "tags",
      ]),
    );
    expect(schemas.Error.properties.error.required).toEqual(["code", "message"]);
    expect(document.paths["/v1/jobs/{id}"].get.security).toEqual([{ bearerAuth: [] }]);
    expect(document.paths["/healthz"].get.security).toBeUndefined();
    expect(document.components.securitySchemes.bearerAuth).toMatchObject({
      type: "http",
      scheme: "bearer",
    });
    expect(
      Object.keys(document.paths["/v1/jobs/{id}/metrics"].get.responses["200"].content).sort(),
    ).toEqual(["application/json", "text/csv"]);
  });

  it("serves the same document at /docs/json, bounded by the server's spec limits", async () => {
    const { testApp, TEST_LIMITS } = await import("./helpers.js");
    const { app } = await testApp();
    const served = (await app.inject({ url: "/docs/json" })).json();
    await app.close();
    const committed = JSON.parse(await openApiText());
    const inputs = (document: Document) => document.components.schemas;
    // the committed document shows the default configuration's limits (QPLANE_MAX_QUBITS=20
    // below the spec's own 24), the served one this server's
    expect(inputs(committed).ModelSpecInput!.properties!.qubits!.maximum).toBe(20);
    expect(inputs(served).ModelSpecInput!.properties!.qubits!.maximum).toBe(TEST_LIMITS.maxQubits);
    expect(inputs(served).TrainingSpecInput!.properties!.epochs!.maximum).toBe(
      TEST_LIMITS.maxEpochs,
    );
    expect(inputs(served).BackendSpecInput!.properties!.shots!.maximum).toBe(TEST_LIMITS.maxShots);
    expect(inputs(served).InfoPlaneSpecInput!.properties!.shots!.maximum).toBe(
      TEST_LIMITS.maxShots,
    );
    expect(inputs(served).DatasetSpecInput!.properties!.samples!.maximum).toBe(
      TEST_LIMITS.maxDatasetRows,
    );
    withSpecLimits(committed, {
      maxQubits: TEST_LIMITS.maxQubits,
      maxShots: TEST_LIMITS.maxShots,
      maxEpochs: TEST_LIMITS.maxEpochs,
      maxDatasetRows: TEST_LIMITS.maxDatasetRows,
    });
    expect(served).toEqual(committed);
    expect(served.paths["/v1/jobs"].post.operationId).toBe("submitJob");
  });

  it("gives a generated client one named body per media type, every header and real descriptions", async () => {
    const document: Document = JSON.parse(await openApiText());
    const anonymous: string[] = [];
    const undescribed: string[] = [];
    const withoutRequestId: string[] = [];
    for (const [name, operation] of operations(document)) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (response.description === "Default Response") undescribed.push(`${name} ${status}`);
        for (const [mediaType, media] of Object.entries(response.content ?? {})) {
          if (media.schema.$ref === undefined) anonymous.push(`${name} ${status} ${mediaType}`);
        }
        if (response.headers?.["X-Request-Id"]?.required !== true) {
          withoutRequestId.push(`${name} ${status}`);
        }
        if (status === "429" || status === "503") {
          expect(response.headers?.["Retry-After"], `${name} ${status}`).toEqual({
            description: "Seconds to wait before retrying.",
            required: true,
            schema: { minimum: 0, type: "integer" },
          });
        }
      }
    }
    expect(anonymous).toEqual([]);
    expect(undescribed).toEqual([]);
    expect(withoutRequestId).toEqual([]);
    // the rate limiter's counters: on what it counts, never on the probes
    const listHeaders = document.paths["/v1/jobs"]!.get!.responses["200"]!.headers!;
    expect(listHeaders["X-RateLimit-Remaining"]).toEqual({
      description: "Requests left in the current minute (when the server rate-limits).",
      required: false,
      schema: { minimum: 0, type: "integer" },
    });
    expect(Object.keys(document.paths["/healthz"]!.get!.responses["200"]!.headers!)).toEqual([
      "X-Request-Id",
    ]);

    // submitting: one body per status, Location and Idempotent-Replayed documented; the dry
    // run is its own operation and the old `?dryRun=` is not offered
    const submit = document.paths["/v1/jobs"]!.post!;
    expect(submit.responses["202"]!.content!["application/json"]!.schema).toEqual({
      $ref: "#/components/schemas/QueuedJob",
    });
    expect(submit.responses["200"]!.content!["application/json"]!.schema).toEqual({
      $ref: "#/components/schemas/ReplayedJob",
    });
    const rateLimit = ["X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"];
    expect(Object.keys(submit.responses["202"]!.headers!).sort()).toEqual([
      "Location",
      ...rateLimit,
      "X-Request-Id",
    ]);
    expect(Object.keys(submit.responses["200"]!.headers!).sort()).toEqual([
      "Idempotent-Replayed",
      "Location",
      ...rateLimit,
      "X-Request-Id",
    ]);
    expect(submit.parameters?.map((parameter) => parameter.name)).toEqual(["idempotency-key"]);
    const dryRun = document.paths["/v1/dry-runs"]!.post!;
    expect(dryRun.responses["200"]!.content!["application/json"]!.schema).toEqual({
      $ref: "#/components/schemas/DryRun",
    });

    // JSON and CSV: two media types of one response
    const metrics = document.paths["/v1/jobs/{id}/metrics"]!.get!;
    expect(metrics.responses["200"]!.content).toEqual({
      "application/json": { schema: { $ref: "#/components/schemas/EpochRecords" } },
      "text/csv": { schema: { $ref: "#/components/schemas/EpochRecordsCsv" } },
    });
    // query integers are integers, with their ranges
    const parameter = (operation: Operation, name: string) =>
      operation.parameters?.find((candidate) => candidate.name === name)?.schema;
    expect(parameter(metrics, "sinceEpoch")).toEqual({
      maximum: 1_000_000_000,
      minimum: 0,
      type: "integer",
    });
    expect(parameter(document.paths["/v1/jobs"]!.get!, "limit")).toEqual({
      default: 20,
      maximum: 100,
      minimum: 1,
      type: "integer",
    });

    // SSE: the stream and each event type are components, with an example stream
    for (const path of ["/v1/events", "/v1/jobs/{id}/events"]) {
      const media = document.paths[path]!.get!.responses["200"]!.content!["text/event-stream"]!;
      expect(media.schema).toEqual({ $ref: "#/components/schemas/JobEventStream" });
      expect(media.example).toMatch(/^event: status\ndata: \{"type":"status",/);
    }
    expect(document.components.schemas.JobEvent).toMatchObject({
      oneOf: [
        { $ref: "#/components/schemas/JobStatusEvent" },
        { $ref: "#/components/schemas/JobProgressEvent" },
        { $ref: "#/components/schemas/JobMetricEvent" },
      ],
    });

    // request schemas: defaults are described, never `default` (which generators read as
    // "always present", making the field required to send)
    const inputs = Object.entries(document.components.schemas).filter(([name]) =>
      name.endsWith("Input"),
    );
    // only what requests use: the submissions, the spec and its sections, a status filter
    expect(inputs.map(([name]) => name).sort()).toEqual([
      "BackendSpecInput",
      "DatasetSpecInput",
      "ExperimentSubmissionInput",
      "FeedbackSpecInput",
      "InfoPlaneSpecInput",
      "JobSpecInput",
      "JobStatusInput",
      "JobSubmissionInput",
      "ModelSpecInput",
      "TrainingSpecInput",
    ]);
    expect(inputs.flatMap(([name, schema]) => defaultsUnder(schema, name))).toEqual([]);
  });
});
