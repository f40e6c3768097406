/** The conformance check of the OpenAPI tests reports what the document does not allow. */
import { describe, expect, it } from "vitest";
import { Conformance } from "./openapi-conformance-check.js";

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
