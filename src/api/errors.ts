/**
 * How the API reports failures: one envelope `{ error: { code, message } }` with a catalogue
 * code, one mapping from every kind of failure to a status, and no stack traces or internal
 * details in any response. Anything unexpected is logged and answered with a generic 500.
 */
import type {
  FastifyError,
  FastifyReply,
  FastifyRequest,
  FastifySchemaCompiler,
  onSendHookHandler,
} from "fastify";
import { z } from "zod";
import { ERROR_CATALOGUE, type ErrorCode, isQplaneError } from "../errors/catalogue.js";
import { describeSpecIssues } from "../training/spec.js";

/** The code of an unexpected failure (not a catalogue entry: it is never a client's fault). */
export const INTERNAL_ERROR_CODE = "QPLANE_ERR_INTERNAL";

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}

export const errorBody = (code: string, message: string): ErrorBody => ({
  error: { code, message },
});

type HttpPart = "body" | "querystring" | "params" | "headers";

/**
 * How each request part is named in messages: `spec.training.epochs` (a job's body is its
 * spec, named as the CLI and the job system name it), `query.limit`, `path.id`, … An
 * experiment's body has named members (`spec`, `grid`), so its fields go unprefixed.
 */
const PART_PREFIX: Record<HttpPart, string> = {
  body: "spec",
  querystring: "query",
  params: "path",
  headers: "header",
};

/** A request part failed its zod schema; the message names every bad field. */
export class RequestValidationError extends Error {
  readonly statusCode = 400;
  readonly code = "FST_ERR_VALIDATION";
  readonly part: HttpPart;

  constructor(part: HttpPart, error: z.ZodError, input: unknown, prefix = PART_PREFIX[part]) {
    super(describeSpecIssues(error, input, prefix));
    this.name = "RequestValidationError";
    this.part = part;
  }
}

/**
 * Validates request parts with zod and keeps the ZodError, so that the message can name each
 * field and the value it got (fastify-type-provider-zod's compiler keeps only a summary).
 */
export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> = ({
  schema,
  httpPart,
  url,
}) => {
  const part = (httpPart ?? "body") as HttpPart;
  const prefix = part === "body" && url.includes("/experiments") ? "" : PART_PREFIX[part];
  return (data) => {
    const result = z.safeParse(schema, data);
    return result.success
      ? { value: result.data }
      : { error: new RequestValidationError(part, result.error, data, prefix) };
  };
};

/** `Expected ',' … in JSON at position 7` → `expected ',' … at line 1, column 8`. */
export function describeJsonSyntaxError(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : String(error);
  // V8 quotes part of the input (`, "{…" is not valid JSON`, `, ..."…"`): never echo the body.
  const reason = message.replace(/, (?:\.\.\.)?".*$/s, "").replace(/^\w/, (c) => c.toLowerCase());
  const position = /in JSON at position (\d+)/.exec(reason);
  if (position === null) return `body: not valid JSON (${reason})`;
  const offset = Number(position[1]);
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - before.lastIndexOf("\n");
  return `body: not valid JSON (${reason.replace(/ in JSON at position \d+/, "")} at line ${line}, column ${column})`;
}

export class JsonSyntaxError extends Error {
  readonly statusCode = 400;
  constructor(message: string) {
    super(message);
    this.name = "JsonSyntaxError";
  }
}

/** Parses a JSON body; prototype-polluting member names are refused, not silently dropped. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text, (key, value) => {
      if (key === "__proto__")
        throw new JsonSyntaxError(`body: "__proto__" is not allowed as a field name`);
      return value;
    });
  } catch (error) {
    if (error instanceof JsonSyntaxError) throw error;
    throw new JsonSyntaxError(describeJsonSyntaxError(error, text));
  }
}

/** Errors of a lost Redis connection (ioredis and socket errors) mean "try again later". */
const DEPENDENCY_ERROR_NAMES = new Set(["MaxRetriesPerRequestError", "ConnectionClosedError"]);
const DEPENDENCY_ERROR_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "NR_CLOSED",
]);
const DEPENDENCY_MESSAGES = /Connection is closed|Stream isn't writeable|enableOfflineQueue/;

export function isDependencyFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return (
    DEPENDENCY_ERROR_NAMES.has(error.name) ||
    (typeof code === "string" && DEPENDENCY_ERROR_CODES.has(code)) ||
    DEPENDENCY_MESSAGES.test(error.message)
  );
}

export interface HttpFailure {
  readonly statusCode: number;
  readonly code: string;
  readonly message: string;
  /** Whether this is the server's fault (logged with its stack, details withheld). */
  readonly internal: boolean;
}

const failure = (code: ErrorCode, message: string): HttpFailure => ({
  statusCode: ERROR_CATALOGUE[code].httpStatus,
  code,
  message,
  internal: false,
});

/** Maps anything thrown while answering a request onto a status, a code and a safe message. */
export function classifyError(error: unknown, bodyLimit: number): HttpFailure {
  if (error instanceof RequestValidationError) {
    return failure(
      error.part === "body" ? "QPLANE_ERR_SPEC_INVALID" : "QPLANE_ERR_REQUEST_INVALID",
      error.message,
    );
  }
  if (isQplaneError(error)) {
    // a broken invariant (errors/checked.ts) is a fault: its detail goes to the log only
    const known = failure(error.code, error.message);
    return error.code === INTERNAL_ERROR_CODE ? { ...known, internal: true } : known;
  }
  if (error instanceof JsonSyntaxError) return failure("QPLANE_ERR_REQUEST_INVALID", error.message);
  if (isDependencyFailure(error)) {
    return failure("QPLANE_ERR_UNAVAILABLE", "the job store (Redis) is unavailable; retry later");
  }
  const fastifyError = error as Partial<FastifyError>;
  switch (fastifyError.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return failure(
        "QPLANE_ERR_BODY_TOO_LARGE",
        `body: larger than the limit of ${bodyLimit} bytes`,
      );
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return failure(
        "QPLANE_ERR_MEDIA_TYPE",
        "header.content-type: send the body as application/json",
      );
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return failure(
        "QPLANE_ERR_REQUEST_INVALID",
        "header.content-length: does not match the body",
      );
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return failure("QPLANE_ERR_REQUEST_INVALID", "body: not valid JSON");
    case "FST_ERR_BAD_URL":
      return failure("QPLANE_ERR_REQUEST_INVALID", "path: not a valid URL component");
    case "FST_ERR_MAX_PARAM_LENGTH":
      return failure("QPLANE_ERR_REQUEST_INVALID", "path: a path parameter is too long");
  }
  const status = fastifyError.statusCode;
  if (typeof status === "number" && status >= 400 && status < 500) {
    // A framework or plugin refusal whose message is a fixed text, never user input.
    if (status === 404) return failure("QPLANE_ERR_ROUTE_NOT_FOUND", "no such route");
    if (status === 429)
      return failure("QPLANE_ERR_RATE_LIMITED", "rate limit exceeded; retry later");
    return {
      statusCode: 400,
      code: "QPLANE_ERR_REQUEST_INVALID",
      message: "bad request",
      internal: false,
    };
  }
  return {
    statusCode: 500,
    code: INTERNAL_ERROR_CODE,
    message: "internal error",
    internal: true,
  };
}

/** The app's error handler (see `classifyError`). */
export function errorHandler(bodyLimit: number) {
  return (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const result = classifyError(error, bodyLimit);
    if (result.internal) {
      request.log.error({ err: error }, "request failed");
    } else {
      // Client errors are logged by code only: their messages quote what the client sent.
      request.log.info({ code: result.code, statusCode: result.statusCode }, "request refused");
    }
    if (result.code === "QPLANE_ERR_UNAUTHORIZED") {
      reply.header("www-authenticate", 'Bearer realm="qplane"');
    }
    const message = result.internal ? `internal error (request ${request.id})` : result.message;
    return reply
      .code(result.statusCode)
      .type("application/json; charset=utf-8")
      .send(errorBody(result.code, message));
  };
}

/**
 * `Retry-After` in seconds for the statuses that ask a client to come back, used unless the
 * response set its own (the rate limiter sends the time left in its window): a store outage
 * or a shutdown is usually over in seconds; a key's job or stream limit frees up only as its
 * jobs finish or its streams close.
 */
export const RETRY_AFTER_SECONDS: Readonly<Record<number, number>> = { 429: 30, 503: 5 };

/** An onSend hook: every 429 and 503, whatever produced it, carries `Retry-After`. */
export const retryAfterHook: onSendHookHandler = async (_request, reply, payload) => {
  const seconds = RETRY_AFTER_SECONDS[reply.statusCode];
  if (seconds !== undefined && !reply.hasHeader("retry-after")) {
    reply.header("retry-after", String(seconds));
  }
  return payload;
};

/** Unknown routes: 404 in the same envelope. */
export function notFoundHandler(request: FastifyRequest, reply: FastifyReply) {
  const path = request.url.split("?")[0]!.slice(0, 200);
  return reply
    .code(404)
    .send(errorBody("QPLANE_ERR_ROUTE_NOT_FOUND", `no route ${request.method} ${path}`));
}

/** Errors fastify raises before routing (bad URL encoding, over-long parameters). */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const result = classifyError(error, 0);
  request.log.info({ code: result.code, statusCode: result.statusCode }, "request refused");
  reply.code(result.statusCode).send(errorBody(result.code, result.message));
}
