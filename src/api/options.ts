/**
 * What `buildApp` takes. The server's frozen `Config` is mapped onto this by the caller; the
 * API depends on nothing else of it. Defaults are merged once, in `resolveApiOptions`.
 */
import type { FastifyBaseLogger } from "fastify";
import type { Redis } from "ioredis";
import type { Provider } from "../../providers/types.js";
import { localBackendResolver } from "../backends/registry.js";
import {
  type CostLimits,
  DEFAULT_MAX_STREAMS_PER_KEY,
  type SpecLimits,
  type TrustProxy,
} from "../config.js";
import type { ExperimentService } from "../jobs/experiment-types.js";
import type { JobService } from "../jobs/types.js";
import type { RedactingLoggerOptions } from "../logging/redaction.js";
import type { PredictionNoise } from "../training/prediction.js";
import { DatasetShapes } from "./dataset-shape.js";
import type { ServiceMetrics } from "./metrics.js";

/**
 * `Config.limits` fits as is. The spec limits (`maxQubits`, …), when given, are checked with
 * `checkSpecLimits` before a submission reaches the job service (which checks them again).
 */
export interface ApiLimits extends Partial<SpecLimits>, Partial<CostLimits> {
  /** Largest request body accepted, in bytes (larger → 413). @defaultValue 1_048_576 */
  readonly maxBodyBytes?: number;
  /**
   * Requests per minute per API key (per client address for requests without a valid key).
   * `0` turns rate limiting off. @defaultValue 600
   */
  readonly rateLimitPerMinute?: number;
  /**
   * Event streams one API key (one client address without keys) may hold open at once; more
   * → 429 QPLANE_ERR_TOO_MANY_STREAMS. @defaultValue 20
   */
  readonly maxStreamsPerKey?: number;
}

/** A backend a spec may name in `backend.name`, with the provider that reports on it. */
export interface ApiBackend {
  readonly name: string;
  /**
   * Asked for capabilities and live status on every `GET /v1/backends`, and (when it has
   * `estimate`) for the plan of a dry run (`POST /v1/dry-runs`).
   */
  readonly provider: Pick<Provider, "capabilities" | "status"> &
    Partial<
      Pick<
        Provider,
        | "estimate"
        | "estimateCounts"
        | "derivatives"
        | "statevectors"
        | "noisySimulation"
        | "transpile"
      >
    >;
  /** Whether it gives exact probabilities. @defaultValue from its capabilities */
  readonly exactProbabilities?: boolean;
  /** Its configuration as `GET /v1/backends` shows it (no credentials, no endpoints). */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** A twin or device: the noise a dry run's prediction runs under (`src/training/prediction.ts`). */
  readonly prediction?: PredictionNoise;
}

/** Logging of the API: level, destination and extra secrets to erase. */
export type ApiLogOptions = Pick<
  RedactingLoggerOptions,
  "level" | "stream" | "secrets" | "env" | "format"
>;

export interface ApiOptions {
  readonly service: JobService;
  /** Experiments over the same job system; without it `/v1/experiments` answers 503. */
  readonly experiments?: ExperimentService;
  /** Accepted bearer keys; empty turns authentication off. @defaultValue [] */
  readonly apiKeys?: readonly string[];
  /** Keys that see and act on every key's jobs; also accepted as keys. @defaultValue [] */
  readonly adminKeys?: readonly string[];
  readonly limits?: ApiLimits;
  /** Backends a spec may name. @defaultValue the local simulator alone */
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
  readonly trustProxy?: TrustProxy;
  /**
   * Where rate-limit counters live, so that API replicas share one budget per key. Without it
   * they live in this process's memory. The caller owns (and closes) the connection.
   */
  readonly rateLimitStore?: RateLimitStore;
  /**
   * Whether a worker is alive; when given (QPLANE_ROLE=all), `/readyz` also fails while it
   * answers false. Without it readiness is the job store's alone (QPLANE_ROLE=api).
   */
  readonly workerAlive?: () => Promise<boolean>;
}

/** A Redis connection for rate-limit counters, and the key prefix they are written under. */
export interface RateLimitStore {
  /** A fail-fast connection: while Redis is unreachable requests are not rate limited. */
  readonly redis: Redis;
  /** `Config.keyPrefix`: counters are `<keyPrefix>:rate-limit:…`. */
  readonly keyPrefix: string;
}

export interface ResolvedApiOptions {
  readonly service: JobService;
  readonly experiments: ExperimentService | undefined;
  readonly apiKeys: readonly string[];
  readonly adminKeys: readonly string[];
  readonly limits: {
    readonly maxBodyBytes: number;
    readonly rateLimitPerMinute: number;
    readonly maxStreamsPerKey: number;
  };
  /** Spec limits to check before submitting; undefined leaves them to the service. */
  readonly specLimits: SpecLimits | undefined;
  /**
   * Cost limits checked on a spec's estimated cost before submitting and on dry runs
   * (QPLANE_ERR_JOB_TOO_LARGE); undefined leaves them to the service.
   */
  readonly costLimits: CostLimits | undefined;
  readonly backends: readonly ApiBackend[];
  readonly log: ApiLogOptions | false;
  readonly logger: FastifyBaseLogger | undefined;
  readonly metrics: ServiceMetrics | undefined;
  readonly datasetDir: string | undefined;
  /** The shapes of specs' data (CSV summaries cached per app, read under `specLimits`). */
  readonly datasetShapes: DatasetShapes;
  readonly sseHeartbeatMs: number;
  readonly docs: boolean;
  readonly trustProxy: boolean | string[];
  readonly rateLimitStore: RateLimitStore | undefined;
  readonly workerAlive: (() => Promise<boolean>) | undefined;
}

export const DEFAULT_MAX_BODY_BYTES = 1_048_576;
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 600;
export const DEFAULT_SSE_HEARTBEAT_MS = 15_000;

/** The local simulator, the one backend available without configuration. */
export function defaultBackends(): ApiBackend[] {
  return [{ name: "local", provider: localBackendResolver("local").provider }];
}

function resolveCostLimits(limits: ApiLimits | undefined): CostLimits | undefined {
  if (limits?.maxJobWork === undefined && limits?.maxJobMemoryMb === undefined) return undefined;
  return Object.freeze({
    maxJobWork: limits.maxJobWork ?? Number.POSITIVE_INFINITY,
    maxJobMemoryMb: limits.maxJobMemoryMb ?? Number.POSITIVE_INFINITY,
  });
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
  const specLimits = resolveSpecLimits(options.limits);
  return Object.freeze({
    service: options.service,
    experiments: options.experiments,
    apiKeys: Object.freeze([...(options.apiKeys ?? [])]),
    adminKeys: Object.freeze([...(options.adminKeys ?? [])]),
    limits: Object.freeze({
      maxBodyBytes: options.limits?.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      rateLimitPerMinute: options.limits?.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE,
      maxStreamsPerKey: options.limits?.maxStreamsPerKey ?? DEFAULT_MAX_STREAMS_PER_KEY,
    }),
    specLimits,
    costLimits: resolveCostLimits(options.limits),
    backends: Object.freeze([...backends]),
    log: options.log ?? {},
    logger: options.logger,
    metrics: options.metrics,
    datasetDir: options.datasetDir,
    datasetShapes: new DatasetShapes(specLimits),
    sseHeartbeatMs: options.sseHeartbeatMs ?? DEFAULT_SSE_HEARTBEAT_MS,
    docs: options.docs ?? true,
    trustProxy:
      typeof options.trustProxy === "object"
        ? [...options.trustProxy]
        : (options.trustProxy ?? false),
    rateLimitStore: options.rateLimitStore,
    workerAlive: options.workerAlive,
  });
}
