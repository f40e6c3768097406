/**
 * Response objects of the routes as the OpenAPI document shows them: each with a description,
 * a named body schema per media type, and the headers the server sends with it.
 * `Retry-After` (429, 503), `X-Request-Id` (every response) and the rate limiter's counters are
 * added to every route by openapi-contract.ts, from the same rules the app sends them by.
 */
import type { z } from "zod";

/** A response header as the routes declare it; openapi.ts turns it into an OpenAPI header. */
export interface HeaderDoc {
  readonly description: string;
  /** Sent with every response of its status (`false`: only in the case the description names). */
  readonly required: boolean;
  readonly schema: Readonly<Record<string, unknown>>;
}

export type HeaderDocs = Readonly<Record<string, HeaderDoc>>;

export const LOCATION_HEADER: HeaderDocs = {
  Location: {
    description: "The URL of the resource (`/v1/jobs/{id}`, `/v1/experiments/{id}`).",
    required: true,
    schema: { type: "string", format: "uri-reference" },
  },
};

export const REPLAYED_HEADERS: HeaderDocs = {
  ...LOCATION_HEADER,
  "Idempotent-Replayed": {
    description: "`true`: the `Idempotency-Key` matched an earlier identical submission.",
    required: true,
    schema: { type: "string", enum: ["true"] },
  },
};

export const RETRY_AFTER_HEADER: HeaderDocs = {
  "Retry-After": {
    description: "Seconds to wait before retrying.",
    required: true,
    schema: { type: "integer", minimum: 0 },
  },
};

/** @fastify/rate-limit's counters, on every response of a rate-limited route. */
export const RATE_LIMIT_HEADERS: HeaderDocs = {
  "X-RateLimit-Limit": {
    description: "Requests allowed per minute (when the server rate-limits).",
    required: false,
    schema: { type: "integer", minimum: 0 },
  },
  "X-RateLimit-Remaining": {
    description: "Requests left in the current minute (when the server rate-limits).",
    required: false,
    schema: { type: "integer", minimum: 0 },
  },
  "X-RateLimit-Reset": {
    description: "Seconds until the budget is renewed (when the server rate-limits).",
    required: false,
    schema: { type: "integer", minimum: 0 },
  },
};

export const REQUEST_ID_HEADER: HeaderDocs = {
  "X-Request-Id": {
    description: "This request's id, as the server's log lines name it.",
    required: true,
    schema: { type: "string" },
  },
};

export const CSV_DISPOSITION_HEADER: HeaderDocs = {
  "Content-Disposition": {
    description: "With `format=csv` only: `inline` with a file name for the table.",
    required: false,
    schema: { type: "string" },
  },
};

/** A response with a JSON body (and the headers it carries). */
export function jsonResponse(description: string, schema: z.ZodType, headers?: HeaderDocs) {
  return {
    description,
    ...(headers !== undefined && { headers }),
    content: { "application/json": { schema } },
  };
}

/** A response with one body in two media types (the same data as JSON or as a table). */
export function jsonOrCsvResponse(
  description: string,
  json: z.ZodType,
  csv: z.ZodType,
  headers: HeaderDocs = CSV_DISPOSITION_HEADER,
) {
  return {
    description,
    headers,
    content: { "application/json": { schema: json }, "text/csv": { schema: csv } },
  };
}
