/**
 * What `buildApp` takes. The server's frozen `Config` is mapped onto this by the caller; the
 * API depends on nothing else of it. Defaults are merged once, in `resolveApiOptions`.
 */
import type { FastifyBaseLogger } from "fastify";
import { LocalProvider } from "../../providers/local/provider.js";
import type { Provider } from "../../providers/types.js";
import type { SpecLimits } from "../config.js";
import type { ExperimentService } from "../jobs/experiments.js";
import type { JobService } from "../jobs/types.js";
import type { RedactingLoggerOptions } from "../logging/redaction.js";
import type { ServiceMetrics } from "./metrics.js";

/**
 * `Config.limits` fits as is. The spec limits (`maxQubits`, …), when given, are checked with
 * `checkSpecLimits` before a submission reaches the job service (which checks them again).
 */
export interface ApiLimits extends Partial<SpecLimits> {
  /** Largest request body accepted, in bytes (larger → 413). @defaultValue 1_048_576 */
  readonly maxBodyBytes?: number;
  /**
   * Requests per minute per API key (per client address for requests without a valid key).
   * `0` turns rate limiting off. @defaultValue 600
   */
  readonly rateLimitPerMinute?: number;
}

/** A backend a spec may name in `backend.name`, with the provider that reports on it. */
export interface ApiBackend {
  readonly name: string;
  /**
   * Asked for capabilities and live status on every `GET /v1/backends`, and (when it has
   * `estimate`) for the plan of a dry run (`POST /v1/jobs?dryRun=true`).
   */
  readonly provider: Pick<Provider, "capabilities" | "status"> &
    Partial<Pick<Provider, "estimate">>;
  /** Whether it gives exact probabilities. @defaultValue from its capabilities */
  readonly exactProbabilities?: boolean;
  /** Whether it simulates in-process (adjoint gradients). @defaultValue exactProbabilities */
  readonly simulatesInProcess?: boolean;
  /** Its configuration as `GET /v1/backends` shows it (no credentials, no endpoints). */
  readonly settings?: Readonly<Record<string, unknown>>;
}

/** Logging of the API: level, destination and extra secrets to erase. */
export type ApiLogOptions = Pick<RedactingLoggerOptions, "level" | "stream" | "secrets" | "env">;

export interface ApiOptions {
  readonly service: JobService;
  /** Experiments over the same job system; without it `/v1/experiments` answers 503. */
  readonly experiments?: ExperimentService;
  /** Accepted bearer keys; empty turns authentication off. @defaultValue [] */
  readonly apiKeys?: readonly string[];
  readonly limits?: ApiLimits;
  /** Backends a spec may name. @defaultValue `[{ name: "local", provider: new LocalProvider() }]` */
  readonly backends?: readonly ApiBackend[];
  /** Logging; `false` silences it. Ignored when `logger` is given. @defaultValue `{ level: "info" }` */
  readonly log?: ApiLogOptions | false;
  /** An existing logger (build it with `createApiLogger` to keep the redaction). */
  readonly logger?: FastifyBaseLogger;
  /** Prometheus metrics; pass the instance the worker reports epoch durations to. */
  readonly metrics?: ServiceMetrics;
  /** Directory `dataset.name: "csv"` files may be read from; without it CSV specs are refused. */
  readonly datasetDir?: string;
  /** Interval of SSE heartbeat comments, in ms. @defaultValue 15_000 */
  readonly sseHeartbeatMs?: number;
  /** Serve Swagger UI at `/docs`. @defaultValue true */
  readonly docs?: boolean;
  /** fastify `trustProxy` (client addresses for rate limiting behind a proxy). @defaultValue false */
  readonly trustProxy?: boolean | string | string[];
}

export interface ResolvedApiOptions {
  readonly service: JobService;
  readonly experiments: ExperimentService | undefined;
  readonly apiKeys: readonly string[];
  readonly limits: { readonly maxBodyBytes: number; readonly rateLimitPerMinute: number };
  /** Spec limits to check before submitting; undefined leaves them to the service. */
  readonly specLimits: SpecLimits | undefined;
  readonly backends: readonly ApiBackend[];
  readonly log: ApiLogOptions | false;
  readonly logger: FastifyBaseLogger | undefined;
  readonly metrics: ServiceMetrics | undefined;
  readonly datasetDir: string | undefined;
  readonly sseHeartbeatMs: number;
  readonly docs: boolean;
  readonly trustProxy: boolean | string | string[];
}

export const DEFAULT_MAX_BODY_BYTES = 1_048_576;
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 600;
export const DEFAULT_SSE_HEARTBEAT_MS = 15_000;

/** The local simulator, the one backend available without configuration. */
export function defaultBackends(): ApiBackend[] {
  return [{ name: "local", provider: new LocalProvider() }];
}

function resolveSpecLimits(limits: ApiLimits | undefined): SpecLimits | undefined {
  const given = [limits?.maxQubits, limits?.maxShots, limits?.maxEpochs, limits?.maxDatasetRows];
  if (given.every((value) => value === undefined)) return undefined;
  const or = (value: number | undefined) => value ?? Number.MAX_SAFE_INTEGER;
  return Object.freeze({
    maxQubits: or(limits?.maxQubits),
    maxShots: or(limits?.maxShots),
    maxEpochs: or(limits?.maxEpochs),
    maxDatasetRows: or(limits?.maxDatasetRows),
  });
}

export function resolveApiOptions(options: ApiOptions): ResolvedApiOptions {
  const backends = options.backends ?? defaultBackends();
  const names = new Set<string>();
  for (const backend of backends) {
    if (names.has(backend.name)) throw new Error(`backend "${backend.name}" is listed twice`);
    names.add(backend.name);
  }
  return Object.freeze({
    service: options.service,
    experiments: options.experiments,
    apiKeys: Object.freeze([...(options.apiKeys ?? [])]),
    limits: Object.freeze({
      maxBodyBytes: options.limits?.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      rateLimitPerMinute: options.limits?.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE,
    }),
    specLimits: resolveSpecLimits(options.limits),
    backends: Object.freeze([...backends]),
    log: options.log ?? {},
    logger: options.logger,
    metrics: options.metrics,
    datasetDir: options.datasetDir,
    sseHeartbeatMs: options.sseHeartbeatMs ?? DEFAULT_SSE_HEARTBEAT_MS,
    docs: options.docs ?? true,
    trustProxy:
      typeof options.trustProxy === "object"
        ? [...options.trustProxy]
        : (options.trustProxy ?? false),
  });
}
