/**
 * Server configuration: environment variables validated once, at start, by one zod schema,
 * and frozen. A bad value stops the process with one line naming the variable, the problem
 * and the value (API keys are never echoed; a Redis password is masked). Empty variables
 * count as unset, so `PORT=` in a compose file means "the default".
 *
 * Also the server-side limits on job specs (`checkSpecLimits`), applied before any compute
 * is spent.
 */

import { isIP } from "node:net";
import { availableParallelism } from "node:os";
import { z } from "zod";
import { type BackendConfig, loadBackends } from "./backends/config.js";
import { GENERATED_DATASETS } from "./data/index.js";
import { QplaneError } from "./errors/catalogue.js";
import { LOG_FORMATS, type LogFormat } from "./logging/format.js";
import { SIMULATOR_OPERATIONS_PER_SECOND } from "./training/cost.js";
import type { CostLimits } from "./training/cost-limits.js";
import { type JobSpec, MAX_TIME_LIMIT_SECONDS } from "./training/spec.js";

export const ROLES = ["api", "worker", "all"] as const;
/** Which parts run in this process: the HTTP API, a worker, or both (the easy path). */
export type Role = (typeof ROLES)[number];

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Which proxies' `X-Forwarded-For` is believed (fastify's `trustProxy`): none (`false`), any
 * (`true`), or the listed addresses/CIDRs. It decides `request.ip`, which keys the rate limit
 * of requests without an API key.
 */
export type TrustProxy = boolean | readonly string[];

/** Limits a job spec must respect; checked by `checkSpecLimits` before a job is queued. */
export interface SpecLimits {
  /** @defaultValue 20 (`QPLANE_MAX_QUBITS`) */
  readonly maxQubits: number;
  /** Applies to backend.shots and infoPlane.shots. @defaultValue 100000 (`QPLANE_MAX_SHOTS`) */
  readonly maxShots: number;
  /** @defaultValue 1000 (`QPLANE_MAX_EPOCHS`) */
  readonly maxEpochs: number;
  /** Samples of a generated dataset, rows of a loaded one. @defaultValue 100000 (`QPLANE_MAX_DATASET_ROWS`) */
  readonly maxDatasetRows: number;
}

// the type lives with the cost model that checks it (src/training/cost.ts)
export type { CostLimits };

export const DEFAULT_COST_LIMITS: CostLimits = Object.freeze({
  maxJobWork: 3600 * SIMULATOR_OPERATIONS_PER_SECOND,
  maxJobMemoryMb: 4096,
});

export interface Limits extends SpecLimits, CostLimits {
  /** Unfinished (queued or running) jobs one API key may have. @defaultValue 10 (`QPLANE_MAX_CONCURRENT_JOBS_PER_KEY`) */
  readonly maxConcurrentJobsPerKey: number;
  /** Child jobs one experiment may have. @defaultValue 200 (`QPLANE_MAX_EXPERIMENT_JOBS`) */
  readonly maxExperimentJobs: number;
  /**
   * Training time of one job, summed over resumes; a spec's training.maxSeconds may only
   * lower it. Past it the job fails with QPLANE_ERR_TIME_LIMIT, its completed epochs kept.
   * @defaultValue 21600 = 6 h (`QPLANE_MAX_JOB_SECONDS`)
   */
  readonly maxJobSeconds: number;
  /** @defaultValue 1 MiB (`QPLANE_MAX_BODY_BYTES`) */
  readonly maxBodyBytes: number;
  /** Requests per minute per client. @defaultValue 600 (`QPLANE_RATE_LIMIT_PER_MINUTE`) */
  readonly rateLimitPerMinute: number;
  /**
   * Event streams (SSE) one API key (one client address without keys) may hold open at once,
   * per API process. @defaultValue 20 (`QPLANE_MAX_STREAMS_PER_KEY`)
   */
  readonly maxStreamsPerKey: number;
}

/** BullMQ worker settings (see src/jobs/queue.ts for what each one does to a dying worker). */
export interface WorkerSettings {
  /** Jobs one worker process trains at once. @defaultValue 1 (`QPLANE_WORKER_CONCURRENCY`) */
  readonly concurrency: number;
  /** A job's lock lives this long without renewal; a killed worker's job is free after it. @defaultValue 30000 (`QPLANE_LOCK_DURATION_MS`) */
  readonly lockDurationMs: number;
  /** How often workers look for jobs whose lock expired. @defaultValue 15000 (`QPLANE_STALLED_INTERVAL_MS`) */
  readonly stalledIntervalMs: number;
  /** Times a job may be orphaned by a dying worker and still be resumed. @defaultValue 2 (`QPLANE_MAX_STALLED_COUNT`) */
  readonly maxStalledCount: number;
  /** Runs of a job that fails with an unexpected (retryable) error. @defaultValue 3 (`QPLANE_JOB_ATTEMPTS`) */
  readonly attempts: number;
  /**
   * Threads one simulation may use (providers/local/threads, which reads the same variable):
   * give each of a machine's W concurrent jobs about cores / W. @defaultValue the cores (`QPLANE_THREADS`)
   */
  readonly threads: number;
}

export interface Config {
  /** @defaultValue 8080 (`PORT`) */
  readonly port: number;
  /** Address the API binds to: `HOST`, default 0.0.0.0 — but only when API keys are configured. */
  readonly host: string;
  /**
   * True when no API keys are configured and the API was therefore restricted to 127.0.0.1
   * (HOST unset or not a loopback address); the server says so at start.
   */
  readonly hostForced: boolean;
  /** `HOST` as given (null when unset), for that start-up message. */
  readonly requestedHost: string | null;
  /** @defaultValue redis://127.0.0.1:6379 (`REDIS_URL`) */
  readonly redisUrl: string;
  /** @defaultValue "all" (`QPLANE_ROLE`) */
  readonly role: Role;
  /** Accepted bearer tokens (`QPLANE_API_KEYS`, comma-separated); empty = auth off, loopback only. */
  readonly apiKeys: readonly string[];
  /**
   * Keys that see and act on every key's jobs and experiments (`QPLANE_ADMIN_KEYS`,
   * comma-separated); also accepted as API keys. Any key configured turns auth on.
   */
  readonly adminKeys: readonly string[];
  /** Prefix of every Redis key and of the BullMQ queue. @defaultValue "qplane" (`QPLANE_KEY_PREFIX`) */
  readonly keyPrefix: string;
  /** Finished jobs' record, metrics and checkpoint live this long. @defaultValue 7 days (`QPLANE_RETENTION_SECONDS`) */
  readonly retentionSeconds: number;
  /** How long an Idempotency-Key is remembered. @defaultValue 24 h (`QPLANE_IDEMPOTENCY_TTL_SECONDS`) */
  readonly idempotencyTtlSeconds: number;
  /** API-side Redis command timeout; past it a request answers 503. @defaultValue 2000 (`QPLANE_REDIS_TIMEOUT_MS`) */
  readonly redisTimeoutMs: number;
  /**
   * How often the API derives experiment children that wait on finished runs (controls, tuned
   * and inheriting arms). @defaultValue 2000 (`QPLANE_EXPERIMENT_ADVANCE_INTERVAL_MS`)
   */
  readonly experimentAdvanceIntervalMs: number;
  /** @defaultValue "info" (`LOG_LEVEL`) */
  readonly logLevel: LogLevel;
  /** @defaultValue "auto" (`LOG_FORMAT`) */
  readonly logFormat: LogFormat;
  /**
   * Longest graceful shutdown (SIGTERM/SIGINT): past it the process, and its worker child,
   * exit non-zero. @defaultValue 30 (`QPLANE_SHUTDOWN_TIMEOUT_SECONDS`)
   */
  readonly shutdownTimeoutSeconds: number;
  /** @defaultValue false (`QPLANE_TRUST_PROXY`) */
  readonly trustProxy: TrustProxy;
  readonly worker: WorkerSettings;
  readonly limits: Limits;
  /** Named backends: `local`, `local-noisy` and those of the `QPLANE_BACKENDS` file. */
  readonly backends: readonly BackendConfig[];
}

const MIB = 1024 * 1024;
/** `QPLANE_THREADS` ceiling, as the simulator's own reading of it (providers/local/threads/settings.ts). */
const MAX_THREADS = 256;
const HOUR = 60 * 60;
const DAY = 24 * HOUR;

/** A whole number ≥ 1 up to 2^53, as digits or as `<digits>e<digits>` (`4e12`). */
function largeNumber(fallback: number) {
  const problem = "must be a whole number from 1 to 2^53, as digits or like 4e12";
  return z
    .string()
    .regex(/^\d+(?:[eE]\d+)?$/, problem)
    .transform(Number)
    .pipe(z.number().int().min(1, problem).max(Number.MAX_SAFE_INTEGER, problem))
    .default(fallback);
}

/** A whole number within [min, max], from the text of an environment variable. */
function wholeNumber(min: number, max: number, fallback: number) {
  const problem = `must be a whole number from ${min} to ${max}`;
  return z
    .string()
    .regex(/^\d+$/, problem)
    .transform(Number)
    .pipe(z.number().int().min(min, problem).max(max, problem))
    .default(fallback);
}

function choice<const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) {
  return z
    .string()
    .transform((value) => value.toLowerCase())
    .pipe(z.enum(values, { message: `must be one of ${values.join(", ")}` }))
    .default(fallback);
}

const HOST_PATTERN =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]{1,63})*|[0-9a-fA-F:.]+)$/;
/** Bearer token characters (RFC 6750 b64token). */
const API_KEY_PATTERN = /^[A-Za-z0-9\-._~+/]+=*$/;
const MIN_API_KEY_LENGTH = 16;
/** No ':' (BullMQ queue names refuse it) and no braces (cluster hash tags). */
const KEY_PREFIX_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const DEFAULT_MAX_STREAMS_PER_KEY = 20;

/** A comma-separated list of bearer keys (`QPLANE_API_KEYS`, `QPLANE_ADMIN_KEYS`). */
const keyList = () =>
  z
    .string()
    .transform((value, context) => {
      const keys = value
        .split(",")
        .map((key) => key.trim())
        .filter((key) => key !== "");
      keys.forEach((key, index) => {
        const which = `key ${index + 1} of ${keys.length}`;
        if (key.length < MIN_API_KEY_LENGTH) {
          context.addIssue({
            code: "custom",
            message: `${which} has ${key.length} characters; keys need at least ${MIN_API_KEY_LENGTH}`,
          });
        } else if (!API_KEY_PATTERN.test(key)) {
          context.addIssue({
            code: "custom",
            message: `${which} has characters outside A-Z a-z 0-9 - . _ ~ + / =`,
          });
        }
      });
      return [...new Set(keys)];
    })
    .default([]);
/** Variables whose values are keys: never shown in a message. */
const KEY_VARIABLES: ReadonlySet<string> = new Set(["QPLANE_API_KEYS", "QPLANE_ADMIN_KEYS"]);
/** Address ranges fastify's proxy-addr knows by name. */
const PROXY_RANGE_NAMES = new Set(["loopback", "linklocal", "uniquelocal"]);

/** An IP address, a CIDR (`10.0.0.0/8`, `fd00::/8`) or a named range. */
function isProxyAddress(entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const [address = "", bits, ...rest] = entry.split("/");
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  const maxBits = family === 4 ? 32 : 128;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits);
}

/**
 * `QPLANE_TRUST_PROXY`: `true`/`false` or a comma-separated address list. A hop count is
 * refused: it cannot tell a proxy from a client sending its own X-Forwarded-For (fastify 5
 * ignores one for that reason).
 */
const trustProxySchema = z.string().transform((value, context): TrustProxy => {
  const lower = value.toLowerCase();
  if (lower === "true" || lower === "false") return lower === "true";
  if (/^\d+$/.test(value)) {
    context.addIssue({
      code: "custom",
      message:
        "a hop count cannot tell a proxy from a client that sends X-Forwarded-For itself: " +
        "list the proxies' addresses or CIDRs (or true to trust every peer)",
    });
    return z.NEVER;
  }
  const entries = value.split(",").map((entry) => entry.trim());
  const bad = entries.find((entry) => !isProxyAddress(entry));
  if (bad !== undefined) {
    context.addIssue({
      code: "custom",
      message:
        `${JSON.stringify(bad)} is not an IP address, a CIDR or one of loopback, linklocal, ` +
        "uniquelocal (give true, false or a comma-separated list of these)",
    });
    return z.NEVER;
  }
  return Object.freeze(entries);
});

const envSchema = z.object({
  PORT: wholeNumber(0, 65_535, 8080),
  HOST: z.string().regex(HOST_PATTERN, "must be a host name or an IP address").optional(),
  REDIS_URL: z
    .string()
    .refine((value) => {
      try {
        const url = new URL(value);
        return (url.protocol === "redis:" || url.protocol === "rediss:") && url.hostname !== "";
      } catch {
        return false;
      }
    }, "must be a redis:// or rediss:// URL with a host")
    .default("redis://127.0.0.1:6379"),
  QPLANE_ROLE: choice(ROLES, "all"),
  QPLANE_API_KEYS: keyList(),
  QPLANE_ADMIN_KEYS: keyList(),
  QPLANE_KEY_PREFIX: z
    .string()
    .regex(KEY_PREFIX_PATTERN, "must be 1-64 letters, digits, '_', '.', '-' (no ':')")
    .default("qplane"),
  QPLANE_RETENTION_SECONDS: wholeNumber(60, 10 * 365 * DAY, 7 * DAY),
  QPLANE_IDEMPOTENCY_TTL_SECONDS: wholeNumber(60, 30 * DAY, DAY),
  QPLANE_REDIS_TIMEOUT_MS: wholeNumber(100, 60_000, 2000),
  QPLANE_EXPERIMENT_ADVANCE_INTERVAL_MS: wholeNumber(100, 3_600_000, 2000),
  QPLANE_WORKER_CONCURRENCY: wholeNumber(1, 64, 1),
  QPLANE_LOCK_DURATION_MS: wholeNumber(1000, 3_600_000, 30_000),
  QPLANE_STALLED_INTERVAL_MS: wholeNumber(100, 3_600_000, 15_000),
  QPLANE_MAX_STALLED_COUNT: wholeNumber(0, 100, 2),
  QPLANE_JOB_ATTEMPTS: wholeNumber(1, 20, 3),
  QPLANE_THREADS: wholeNumber(1, MAX_THREADS, Math.min(availableParallelism(), MAX_THREADS)),
  QPLANE_MAX_QUBITS: wholeNumber(1, 24, 20),
  QPLANE_MAX_SHOTS: wholeNumber(1, 1_000_000, 100_000),
  QPLANE_MAX_EPOCHS: wholeNumber(1, 100_000, 1000),
  QPLANE_MAX_DATASET_ROWS: wholeNumber(4, 1_000_000, 100_000),
  QPLANE_MAX_CONCURRENT_JOBS_PER_KEY: wholeNumber(1, 100_000, 10),
  QPLANE_MAX_EXPERIMENT_JOBS: wholeNumber(1, 10_000, 200),
  QPLANE_MAX_JOB_SECONDS: wholeNumber(1, MAX_TIME_LIMIT_SECONDS, 6 * HOUR),
  QPLANE_MAX_JOB_WORK: largeNumber(DEFAULT_COST_LIMITS.maxJobWork),
  QPLANE_MAX_JOB_MEMORY_MB: wholeNumber(1, 1_048_576, DEFAULT_COST_LIMITS.maxJobMemoryMb),
  QPLANE_MAX_BODY_BYTES: wholeNumber(1024, 100 * MIB, MIB),
  QPLANE_RATE_LIMIT_PER_MINUTE: wholeNumber(1, 1_000_000, 600),
  QPLANE_MAX_STREAMS_PER_KEY: wholeNumber(1, 100_000, DEFAULT_MAX_STREAMS_PER_KEY),
  LOG_LEVEL: choice(LOG_LEVELS, "info"),
  LOG_FORMAT: choice(LOG_FORMATS, "auto"),
  QPLANE_SHUTDOWN_TIMEOUT_SECONDS: wholeNumber(1, 3600, 30),
  QPLANE_TRUST_PROXY: trustProxySchema.default(false),
  /** Path of a YAML/JSON file of named backends (src/backends/config.ts). */
  QPLANE_BACKENDS: z.string().optional(),
});

type EnvName = keyof typeof envSchema.shape;
const ENV_NAMES = Object.keys(envSchema.shape) as EnvName[];

/** A Redis URL as messages may show it: any user and password replaced by `***`. */
export function maskRedisUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, "//***@");
}

/** What a config message may show of a variable's value. */
function shown(name: string, value: string | undefined): string {
  if (KEY_VARIABLES.has(name)) return "value not shown";
  if (value === undefined) return "nothing";
  // a Redis URL may carry a password
  const masked = name === "REDIS_URL" ? maskRedisUrl(value) : value;
  const text = JSON.stringify(masked.length > 80 ? `${masked.slice(0, 77)}...` : masked);
  return `got ${text}`;
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/**
 * Reads and validates the environment. Throws QPLANE_ERR_CONFIG with one line:
 * `<VAR>: <problem> (got <value>)`, problems of several variables joined by "; ".
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input: Partial<Record<EnvName, string>> = {};
  for (const name of ENV_NAMES) {
    const value = env[name]?.trim();
    if (value !== undefined && value !== "") input[name] = value;
  }
  const parsed = envSchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      return `${name}: ${issue.message} (${shown(name, input[name as EnvName])})`;
    });
    throw new QplaneError("QPLANE_ERR_CONFIG", [...new Set(lines)].join("; "));
  }
  const e = parsed.data;
  const authOn = e.QPLANE_API_KEYS.length > 0 || e.QPLANE_ADMIN_KEYS.length > 0;
  const requestedHost = e.HOST ?? null;
  // without API keys anyone who can reach the port could submit jobs: loopback only
  const hostForced = !authOn && !(requestedHost !== null && isLoopback(requestedHost));
  const host = authOn ? (requestedHost ?? "0.0.0.0") : hostForced ? "127.0.0.1" : requestedHost!;
  return Object.freeze({
    port: e.PORT,
    host,
    hostForced,
    requestedHost,
    redisUrl: e.REDIS_URL,
    role: e.QPLANE_ROLE,
    apiKeys: Object.freeze(e.QPLANE_API_KEYS),
    adminKeys: Object.freeze(e.QPLANE_ADMIN_KEYS),
    keyPrefix: e.QPLANE_KEY_PREFIX,
    retentionSeconds: e.QPLANE_RETENTION_SECONDS,
    idempotencyTtlSeconds: e.QPLANE_IDEMPOTENCY_TTL_SECONDS,
    redisTimeoutMs: e.QPLANE_REDIS_TIMEOUT_MS,
    experimentAdvanceIntervalMs: e.QPLANE_EXPERIMENT_ADVANCE_INTERVAL_MS,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    shutdownTimeoutSeconds: e.QPLANE_SHUTDOWN_TIMEOUT_SECONDS,
    trustProxy: e.QPLANE_TRUST_PROXY,
    backends: loadBackends(e.QPLANE_BACKENDS),
    worker: Object.freeze({
      concurrency: e.QPLANE_WORKER_CONCURRENCY,
      lockDurationMs: e.QPLANE_LOCK_DURATION_MS,
      stalledIntervalMs: e.QPLANE_STALLED_INTERVAL_MS,
      maxStalledCount: e.QPLANE_MAX_STALLED_COUNT,
      attempts: e.QPLANE_JOB_ATTEMPTS,
      threads: e.QPLANE_THREADS,
    }),
    limits: Object.freeze({
      maxQubits: e.QPLANE_MAX_QUBITS,
      maxShots: e.QPLANE_MAX_SHOTS,
      maxEpochs: e.QPLANE_MAX_EPOCHS,
      maxDatasetRows: e.QPLANE_MAX_DATASET_ROWS,
      maxConcurrentJobsPerKey: e.QPLANE_MAX_CONCURRENT_JOBS_PER_KEY,
      maxExperimentJobs: e.QPLANE_MAX_EXPERIMENT_JOBS,
      maxJobSeconds: e.QPLANE_MAX_JOB_SECONDS,
      maxJobWork: e.QPLANE_MAX_JOB_WORK,
      maxJobMemoryMb: e.QPLANE_MAX_JOB_MEMORY_MB,
      maxBodyBytes: e.QPLANE_MAX_BODY_BYTES,
      rateLimitPerMinute: e.QPLANE_RATE_LIMIT_PER_MINUTE,
      maxStreamsPerKey: e.QPLANE_MAX_STREAMS_PER_KEY,
    }),
  });
}

/**
 * Refuses a spec that asks for more than this server allows, naming each field, its value
 * and the limit (QPLANE_ERR_LIMIT_EXCEEDED). Rows of a loaded file (`csv`) are checked by the
 * worker once the file is read (`checkDatasetRows`).
 */
export function checkSpecLimits(spec: JobSpec, limits: SpecLimits): void {
  const checks: [string, number, number][] = [
    ["model.qubits", spec.model.qubits, limits.maxQubits],
    ["backend.shots", spec.backend.shots, limits.maxShots],
    ["infoPlane.shots", spec.infoPlane.shots, limits.maxShots],
    ["training.epochs", spec.training.epochs, limits.maxEpochs],
  ];
  if (GENERATED_DATASETS.has(spec.dataset.name)) {
    checks.push(["dataset.samples", spec.dataset.samples, limits.maxDatasetRows]);
  }
  const problems = checks
    .filter(([, value, limit]) => value > limit)
    .map(
      ([field, value, limit]) => `spec.${field}: ${value} is above this server's limit of ${limit}`,
    );
  if (problems.length > 0) throw new QplaneError("QPLANE_ERR_LIMIT_EXCEEDED", problems.join("; "));
}

/** The worker's check of a loaded dataset's size (files are only measured once read). */
export function checkDatasetRows(rows: number, limits: Pick<SpecLimits, "maxDatasetRows">): void {
  if (rows > limits.maxDatasetRows) {
    throw new QplaneError(
      "QPLANE_ERR_LIMIT_EXCEEDED",
      `spec.dataset: ${rows} rows is above this server's limit of ${limits.maxDatasetRows}`,
    );
  }
}
