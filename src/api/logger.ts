/**
 * The API's pino logger: the redacting logger of src/logging/redaction.ts, plus a request
 * serializer that erases the bearer token a request presented (valid or not) from its logged
 * URL. Bodies are never logged, and client errors are logged by code only (errors.ts).
 */
import type { Logger } from "pino";
import { createRedactingLogger, REDACTED } from "../logging/redaction.js";
import { bearerToken } from "./auth.js";
import type { ApiLogOptions } from "./options.js";

interface LoggedRequest {
  readonly method?: string;
  readonly url?: string;
  readonly host?: string;
  readonly ip?: string;
  readonly headers?: Record<string, string | string[] | undefined>;
  readonly socket?: { readonly remotePort?: number };
}

/**
 * fastify's request serializer, except that the bearer token the request presented (valid or
 * not, so unknown to the line scrubber) is erased from the logged URL.
 */
export function serializeRequest(request: LoggedRequest) {
  const authorization = request.headers?.authorization;
  const token = bearerToken(typeof authorization === "string" ? authorization : undefined);
  const url = request.url ?? "";
  return {
    method: request.method,
    url:
      token === null
        ? url
        : url.replaceAll(token, REDACTED).replaceAll(encodeURIComponent(token), REDACTED),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/**
 * The logger `buildApp` uses when it is not given one. Pass the same options the app gets
 * (plus its API keys as `secrets`) to share it with the worker.
 */
export function createApiLogger(options: ApiLogOptions = {}): Logger {
  return createRedactingLogger({ ...options, serializers: { req: serializeRequest } });
}
