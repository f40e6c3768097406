/**
 * The API's pino logger. Credentials are kept out of log lines three ways:
 * 1. pino `redact` censors the known paths (authorization headers, credential fields);
 * 2. every finished line has string values of any field whose name looks like a credential
 *    (`*apiKey*`, `*secret*`, `*token*`, `*password*`, …) censored at any depth, and URL
 *    user-info (`redis://:pass@host`) removed;
 * 3. every known secret value (API keys, provider credentials from the environment) is
 *    erased wherever it appears, e.g. inside an error message or a URL;
 * 4. the bearer token a request presented (valid or not) is erased from its logged URL.
 * Bodies are never logged, and client errors are logged by code only (errors.ts).
 */
import pino, { type DestinationStream, type Logger } from "pino";
import { bearerToken } from "./auth.js";
import type { ApiLogOptions } from "./options.js";

export const REDACTED = "[redacted]";

/** Environment variables whose values are provider credentials. */
export const CREDENTIAL_ENV_VARS = Object.freeze([
  "IBM_CLOUD_API_KEY",
  "IBM_QUANTUM_TOKEN",
  "QISKIT_IBM_TOKEN",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "QPLANE_API_KEYS",
]);

const CREDENTIAL_FIELDS = [
  "apiKey",
  "api_key",
  "apikey",
  "apiKeys",
  "secret",
  "token",
  "accessToken",
  "password",
  "authorization",
  "credentials",
  ...CREDENTIAL_ENV_VARS,
];

/** pino `redact` paths: request headers and credential fields up to two levels deep. */
export const REDACT_PATHS: readonly string[] = Object.freeze([
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-api-key"]',
  "headers.authorization",
  ...CREDENTIAL_FIELDS,
  ...CREDENTIAL_FIELDS.map((field) => `*.${field}`),
  ...CREDENTIAL_FIELDS.map((field) => `*.*.${field}`),
]);

/** A JSON member whose name looks like a credential, with a string value. */
const CREDENTIAL_MEMBER =
  /"([^"\\]*(?:api[-_]?key|secret|token|passw(?:or)?d|authorization|credential)[^"\\]*)":"(?:[^"\\]|\\.)*"/gi;
/** `scheme://user:password@` in URLs (Redis, proxies). */
const URL_USERINFO = /([a-z][a-z0-9+.-]*:\/\/)[^/@\s"]*@/gi;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Secret values worth erasing: configured ones plus provider credentials from `env`. */
export function collectSecrets(
  secrets: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  const values = new Set<string>();
  const add = (value: string | undefined) => {
    const trimmed = value?.trim();
    // Very short values would erase ordinary text; a credential is never that short.
    if (trimmed !== undefined && trimmed.length >= 6) values.add(trimmed);
  };
  secrets.forEach(add);
  for (const name of CREDENTIAL_ENV_VARS) {
    const value = env[name];
    add(value);
    if (name === "QPLANE_API_KEYS") value?.split(",").forEach(add);
  }
  // Also erase the JSON-escaped form of each value, as it appears inside a log line.
  for (const value of [...values]) add(JSON.stringify(value).slice(1, -1));
  return [...values].sort((a, b) => b.length - a.length);
}

/** Replaces every occurrence of any of `secrets` in a text (identity when there are none). */
export function secretEraser(secrets: readonly string[]): (text: string) => string {
  const usable = secrets.filter((secret) => secret.length > 0);
  if (usable.length === 0) return (text) => text;
  const pattern = new RegExp(usable.map(escapeRegExp).join("|"), "g");
  return (text) =>
    usable.some((secret) => text.includes(secret)) ? text.replace(pattern, REDACTED) : text;
}

/** Scrubs one log line (see the module comment). */
export function lineScrubber(secrets: readonly string[]): (line: string) => string {
  const erase = secretEraser(secrets);
  return (line) =>
    erase(
      line
        .replace(CREDENTIAL_MEMBER, (_member, name: string) => `"${name}":"${REDACTED}"`)
        .replace(URL_USERINFO, `$1${REDACTED}@`),
    );
}

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

/** A destination that scrubs each line before passing it on. */
function scrubbingStream(target: DestinationStream, scrub: (line: string) => string) {
  return { write: (line: string) => target.write(scrub(line)) };
}

/**
 * The logger `buildApp` uses when it is not given one. Pass the same options the app gets
 * (plus its API keys as `secrets`) to share it with the worker.
 */
export function createApiLogger(options: ApiLogOptions = {}): Logger {
  const secrets = collectSecrets(options.secrets ?? [], options.env ?? process.env);
  const target = options.stream ?? pino.destination(1);
  return pino(
    {
      level: options.level ?? "info",
      redact: { paths: [...REDACT_PATHS], censor: REDACTED },
      serializers: { req: serializeRequest },
    },
    scrubbingStream(target, lineScrubber(secrets)),
  );
}
