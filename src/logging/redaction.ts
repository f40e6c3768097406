/**
 * Loggers that keep credentials out of log lines (the API's, the workers', the job
 * services'):
 * 1. pino `redact` censors the known paths (authorization headers, credential fields);
 * 2. every finished line has string values of any field whose name looks like a credential
 *    (`*apiKey*`, `*secret*`, `*token*`, `*password*`, …) censored at any depth, and URL
 *    user-info (`redis://:pass@host`) removed;
 * 3. every known secret value (API keys, provider credentials from the environment) is
 *    erased wherever it appears, e.g. inside an error message or a URL;
 * The API adds a fourth (src/api/logger.ts): the bearer token a request presented is erased
 * from its logged URL.
 *
 * Lines are JSON, or human-readable (pino-pretty) on a terminal (LOG_FORMAT). Scrubbing works
 * on the JSON line in both cases: the pretty printer only ever sees a scrubbed line.
 */
import pino, { type DestinationStream, type Logger, type LoggerOptions } from "pino";
import pretty from "pino-pretty";
import type { LogFormat } from "./format.js";

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
  "QPLANE_ADMIN_KEYS",
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
    if (name === "QPLANE_API_KEYS" || name === "QPLANE_ADMIN_KEYS") value?.split(",").forEach(add);
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

/** A destination that scrubs each line before passing it on. */
function scrubbingStream(target: DestinationStream, scrub: (line: string) => string) {
  return { write: (line: string) => target.write(scrub(line)) };
}

export interface RedactingLoggerOptions {
  /** pino level. @defaultValue "info" */
  readonly level?: string;
  /** pino `name` of every line. */
  readonly name?: string;
  /** Where lines go. @defaultValue standard output */
  readonly stream?: DestinationStream;
  /** Values to erase wherever they appear (provider credentials in `env` are always added). */
  readonly secrets?: readonly string[];
  /** Environment read for provider credential values. @defaultValue process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** More pino serializers (the API's request serializer). */
  readonly serializers?: LoggerOptions["serializers"];
  /**
   * `pretty`: human-readable lines; `json`: one JSON object a line; `auto`: pretty when lines go
   * to standard output and that is a terminal. @defaultValue "auto"
   */
  readonly format?: LogFormat;
}

/** Where scrubbed lines go: the given stream or standard output, through pino-pretty if asked. */
function destination(options: RedactingLoggerOptions): DestinationStream {
  const format = options.format ?? "auto";
  const human =
    format === "pretty" ||
    (format === "auto" && options.stream === undefined && process.stdout.isTTY === true);
  if (!human) return options.stream ?? pino.destination(1);
  return pretty({
    destination: options.stream ?? 1,
    sync: true,
    colorize: options.stream === undefined && process.stdout.isTTY === true,
    translateTime: "SYS:HH:MM:ss.l",
    ignore: "pid,hostname",
  });
}

/** A pino logger with all three protections of the module comment. */
export function createRedactingLogger(options: RedactingLoggerOptions = {}): Logger {
  const secrets = collectSecrets(options.secrets ?? [], options.env ?? process.env);
  const target = destination(options);
  return pino(
    {
      level: options.level ?? "info",
      ...(options.name === undefined ? {} : { name: options.name }),
      redact: { paths: [...REDACT_PATHS], censor: REDACTED },
      ...(options.serializers === undefined ? {} : { serializers: options.serializers }),
    },
    scrubbingStream(target, lineScrubber(secrets)),
  );
}
