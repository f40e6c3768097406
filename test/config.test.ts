import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { checkDatasetRows, checkSpecLimits, loadConfig } from "../src/config.js";
import { QplaneError } from "../src/errors/catalogue.js";
import { parseJobSpec } from "../src/training/spec.js";

const KEY_A = "k3y-aaaaaaaaaaaaaaaaaaaa";
const KEY_B = "k3y-bbbbbbbbbbbbbbbbbbbb";

function configError(env: Record<string, string>): QplaneError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(QplaneError);
    expect((error as QplaneError).code).toBe("QPLANE_ERR_CONFIG");
    return error as QplaneError;
  }
  throw new Error(`config ${JSON.stringify(env)} was accepted`);
}

describe("loadConfig", () => {
  it("applies every default and freezes the result", () => {
    const config = loadConfig({});
    expect(config).toEqual({
      port: 8080,
      host: "127.0.0.1",
      hostForced: true,
      requestedHost: null,
      redisUrl: "redis://127.0.0.1:6379",
      role: "all",
      apiKeys: [],
      adminKeys: [],
      keyPrefix: "qplane",
      retentionSeconds: 7 * 24 * 3600,
      idempotencyTtlSeconds: 24 * 3600,
      redisTimeoutMs: 2000,
      experimentAdvanceIntervalMs: 2000,
      logLevel: "info",
      logFormat: "auto",
      shutdownTimeoutSeconds: 30,
      trustProxy: false,
      backends: [
        { name: "local", provider: "local" },
        {
          name: "local-noisy",
          provider: "local",
          readoutError: { p1Given0: 0.015, p0Given1: 0.03 },
        },
      ],
      worker: {
        concurrency: 1,
        lockDurationMs: 30_000,
        stalledIntervalMs: 15_000,
        maxStalledCount: 2,
        attempts: 3,
        threads: Math.min(availableParallelism(), 256),
      },
      limits: {
        maxQubits: 20,
        maxShots: 100_000,
        maxEpochs: 1000,
        maxDatasetRows: 100_000,
        maxConcurrentJobsPerKey: 10,
        maxExperimentJobs: 200,
        maxJobSeconds: 6 * 3600,
        // an hour of one core at the simulator's measured 1.2e9 amplitude-operations/s
        maxJobWork: 4.32e12,
        maxJobMemoryMb: 4096,
        maxBodyBytes: 1024 * 1024,
        rateLimitPerMinute: 600,
        maxStreamsPerKey: 20,
      },
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.limits)).toBe(true);
    expect(Object.isFrozen(config.worker)).toBe(true);
    expect(Object.isFrozen(config.apiKeys)).toBe(true);
  });

  it("reads every variable", () => {
    const config = loadConfig({
      PORT: "9000",
      HOST: "10.0.0.5",
      REDIS_URL: "rediss://:pw@redis.internal:6380/2",
      QPLANE_ROLE: "Worker",
      QPLANE_API_KEYS: ` ${KEY_A} ,${KEY_B},,${KEY_A}`,
      QPLANE_KEY_PREFIX: "qp-prod",
      QPLANE_RETENTION_SECONDS: "3600",
      QPLANE_IDEMPOTENCY_TTL_SECONDS: "600",
      QPLANE_REDIS_TIMEOUT_MS: "500",
      QPLANE_WORKER_CONCURRENCY: "4",
      QPLANE_LOCK_DURATION_MS: "5000",
      QPLANE_STALLED_INTERVAL_MS: "2500",
      QPLANE_MAX_STALLED_COUNT: "5",
      QPLANE_JOB_ATTEMPTS: "1",
      QPLANE_THREADS: "3",
      QPLANE_MAX_QUBITS: "12",
      QPLANE_MAX_SHOTS: "5000",
      QPLANE_MAX_EPOCHS: "50",
      QPLANE_MAX_DATASET_ROWS: "1000",
      QPLANE_MAX_CONCURRENT_JOBS_PER_KEY: "3",
      QPLANE_MAX_EXPERIMENT_JOBS: "12",
      QPLANE_MAX_JOB_SECONDS: "90",
      QPLANE_MAX_JOB_WORK: "5e9",
      QPLANE_MAX_JOB_MEMORY_MB: "512",
      QPLANE_MAX_BODY_BYTES: "65536",
      QPLANE_RATE_LIMIT_PER_MINUTE: "60",
      QPLANE_MAX_STREAMS_PER_KEY: "3",
      LOG_LEVEL: "DEBUG",
      LOG_FORMAT: "Pretty",
      QPLANE_SHUTDOWN_TIMEOUT_SECONDS: "5",
      QPLANE_EXPERIMENT_ADVANCE_INTERVAL_MS: "250",
    });
    expect(config).toMatchObject({
      port: 9000,
      host: "10.0.0.5",
      hostForced: false,
      requestedHost: "10.0.0.5",
      redisUrl: "rediss://:pw@redis.internal:6380/2",
      role: "worker",
      apiKeys: [KEY_A, KEY_B],
      keyPrefix: "qp-prod",
      retentionSeconds: 3600,
      idempotencyTtlSeconds: 600,
      redisTimeoutMs: 500,
      experimentAdvanceIntervalMs: 250,
      logLevel: "debug",
      logFormat: "pretty",
      shutdownTimeoutSeconds: 5,
      worker: {
        concurrency: 4,
        lockDurationMs: 5000,
        stalledIntervalMs: 2500,
        maxStalledCount: 5,
        attempts: 1,
        threads: 3,
      },
      limits: {
        maxQubits: 12,
        maxShots: 5000,
        maxEpochs: 50,
        maxDatasetRows: 1000,
        maxConcurrentJobsPerKey: 3,
        maxExperimentJobs: 12,
        maxJobSeconds: 90,
        maxJobWork: 5e9,
        maxJobMemoryMb: 512,
        maxBodyBytes: 65_536,
        rateLimitPerMinute: 60,
        maxStreamsPerKey: 3,
      },
    });
  });

  it("reads the job work limit as digits or <digits>e<digits>, and refuses anything else", () => {
    expect(loadConfig({ QPLANE_MAX_JOB_WORK: "123456789" }).limits.maxJobWork).toBe(123_456_789);
    expect(loadConfig({ QPLANE_MAX_JOB_WORK: "1E15" }).limits.maxJobWork).toBe(1e15);
    for (const value of ["0", "1e16", "4.5e12", "-1", "lots"]) {
      expect(() => loadConfig({ QPLANE_MAX_JOB_WORK: value })).toThrow(
        `QPLANE_MAX_JOB_WORK: must be a whole number from 1 to 2^53, as digits or like 4e12 (got "${value}")`,
      );
    }
    expect(() => loadConfig({ QPLANE_MAX_JOB_MEMORY_MB: "0" })).toThrow(
      'QPLANE_MAX_JOB_MEMORY_MB: must be a whole number from 1 to 1048576 (got "0")',
    );
  });

  it("refuses a job time limit that is not a whole number of seconds within 1..2000000", () => {
    for (const value of ["0", "2000001", "1.5", "6h"]) {
      expect(() => loadConfig({ QPLANE_MAX_JOB_SECONDS: value })).toThrow(
        `QPLANE_MAX_JOB_SECONDS: must be a whole number from 1 to 2000000 (got "${value}")`,
      );
    }
  });

  it("binds to every interface only when API keys are configured", () => {
    expect(loadConfig({ QPLANE_API_KEYS: KEY_A })).toMatchObject({
      host: "0.0.0.0",
      hostForced: false,
      requestedHost: null,
    });
    // no keys: whatever HOST asks, loopback only, and the server is told it was forced
    expect(loadConfig({ HOST: "0.0.0.0" })).toMatchObject({
      host: "127.0.0.1",
      hostForced: true,
      requestedHost: "0.0.0.0",
    });
    expect(loadConfig({ HOST: "::" })).toMatchObject({ host: "127.0.0.1", hostForced: true });
    // a loopback HOST is honoured as is
    expect(loadConfig({ HOST: "::1" })).toMatchObject({ host: "::1", hostForced: false });
    expect(loadConfig({ HOST: "localhost" })).toMatchObject({
      host: "localhost",
      hostForced: false,
    });
  });

  it("treats empty variables as unset", () => {
    expect(loadConfig({ PORT: "", HOST: " ", QPLANE_API_KEYS: "", LOG_LEVEL: "" })).toMatchObject({
      port: 8080,
      host: "127.0.0.1",
      apiKeys: [],
      logLevel: "info",
    });
  });

  const invalid: [string, string, string][] = [
    ["PORT", "http", "must be a whole number from 0 to 65535"],
    ["PORT", "70000", "must be a whole number from 0 to 65535"],
    ["PORT", "-1", "must be a whole number from 0 to 65535"],
    ["HOST", "my host", "must be a host name or an IP address"],
    ["REDIS_URL", "localhost:6379", "must be a redis:// or rediss:// URL with a host"],
    ["QPLANE_ROLE", "scheduler", "must be one of api, worker, all"],
    ["QPLANE_KEY_PREFIX", "qplane:prod", "no ':'"],
    ["QPLANE_RETENTION_SECONDS", "10", "from 60 to"],
    ["QPLANE_IDEMPOTENCY_TTL_SECONDS", "1e3", "must be a whole number"],
    ["QPLANE_REDIS_TIMEOUT_MS", "0", "from 100 to 60000"],
    ["QPLANE_WORKER_CONCURRENCY", "0", "from 1 to 64"],
    ["QPLANE_LOCK_DURATION_MS", "10", "from 1000 to"],
    ["QPLANE_STALLED_INTERVAL_MS", "1.5", "must be a whole number"],
    ["QPLANE_MAX_STALLED_COUNT", "x", "must be a whole number from 0 to 100"],
    ["QPLANE_JOB_ATTEMPTS", "0", "from 1 to 20"],
    ["QPLANE_THREADS", "0", "from 1 to 256"],
    ["QPLANE_THREADS", "auto", "must be a whole number from 1 to 256"],
    ["QPLANE_MAX_QUBITS", "30", "from 1 to 24"],
    ["QPLANE_MAX_SHOTS", "0", "from 1 to 1000000"],
    ["QPLANE_MAX_EPOCHS", "many", "must be a whole number"],
    ["QPLANE_MAX_DATASET_ROWS", "2", "from 4 to"],
    ["QPLANE_MAX_CONCURRENT_JOBS_PER_KEY", "0", "from 1 to"],
    ["QPLANE_MAX_BODY_BYTES", "10", "from 1024 to"],
    ["QPLANE_RATE_LIMIT_PER_MINUTE", "fast", "must be a whole number"],
    ["LOG_LEVEL", "verbose", "must be one of fatal, error, warn, info, debug, trace, silent"],
    ["LOG_FORMAT", "text", "must be one of auto, json, pretty"],
    ["QPLANE_SHUTDOWN_TIMEOUT_SECONDS", "0", "from 1 to 3600"],
    ["QPLANE_EXPERIMENT_ADVANCE_INTERVAL_MS", "50", "from 100 to 3600000"],
    ["QPLANE_TRUST_PROXY", "2", "a hop count cannot tell a proxy from a client"],
    ["QPLANE_TRUST_PROXY", "yes", '"yes" is not an IP address, a CIDR or one of loopback'],
    ["QPLANE_TRUST_PROXY", "10.0.0.0/33", '"10.0.0.0/33" is not an IP address, a CIDR'],
    ["QPLANE_TRUST_PROXY", "10.0.0.1,,10.0.0.2", '"" is not an IP address'],
    ["QPLANE_TRUST_PROXY", "fd00::/129", '"fd00::/129" is not'],
  ];

  it("reads QPLANE_TRUST_PROXY as off, on, or the proxies' addresses and CIDRs", () => {
    const trust = (value: string) => loadConfig({ QPLANE_TRUST_PROXY: value }).trustProxy;
    expect(trust("true")).toBe(true);
    expect(trust("FALSE")).toBe(false);
    expect(trust("10.0.0.1")).toEqual(["10.0.0.1"]);
    expect(trust(" 10.0.0.0/8 , fd00::/8,loopback")).toEqual([
      "10.0.0.0/8",
      "fd00::/8",
      "loopback",
    ]);
  });
  it.each(invalid)(
    "refuses %s=%s with one line naming the variable and the value",
    (name, value, problem) => {
      const { message } = configError({ [name]: value });
      expect(message).toBe(`${name}: ${message.slice(name.length + 2)}`);
      expect(message).toContain(problem);
      expect(message).toContain(`(got ${JSON.stringify(value)})`);
      expect(message).not.toContain("\n");
    },
  );

  it("reads QPLANE_ADMIN_KEYS like QPLANE_API_KEYS: auth on, never shown", () => {
    const config = loadConfig({ QPLANE_API_KEYS: KEY_A, QPLANE_ADMIN_KEYS: ` ${KEY_B},,${KEY_B}` });
    expect(config).toMatchObject({ apiKeys: [KEY_A], adminKeys: [KEY_B], host: "0.0.0.0" });
    expect(Object.isFrozen(config.adminKeys)).toBe(true);
    // admin keys alone turn auth on (and the API may serve other hosts)
    expect(loadConfig({ QPLANE_ADMIN_KEYS: KEY_B })).toMatchObject({
      apiKeys: [],
      adminKeys: [KEY_B],
      host: "0.0.0.0",
      hostForced: false,
    });
    const short = configError({ QPLANE_ADMIN_KEYS: `${KEY_B},short-secret` });
    expect(short.message).toBe(
      "QPLANE_ADMIN_KEYS: key 2 of 2 has 12 characters; keys need at least 16 (value not shown)",
    );
    const odd = configError({ QPLANE_ADMIN_KEYS: "has spaces inside the key" });
    expect(odd.message).toMatch(/^QPLANE_ADMIN_KEYS: key 1 of 1 has characters outside/);
    expect(odd.message).not.toContain("spaces inside");
  });

  it("refuses QPLANE_MAX_STREAMS_PER_KEY outside 1..100000", () => {
    for (const value of ["0", "100001", "many"]) {
      expect(() => loadConfig({ QPLANE_MAX_STREAMS_PER_KEY: value })).toThrow(
        `QPLANE_MAX_STREAMS_PER_KEY: must be a whole number from 1 to 100000 (got "${value}")`,
      );
    }
  });

  it("never shows API keys, even the valid ones, and masks a Redis password", () => {
    const short = configError({ QPLANE_API_KEYS: `${KEY_A},short-secret` });
    expect(short.message).toBe(
      "QPLANE_API_KEYS: key 2 of 2 has 12 characters; keys need at least 16 (value not shown)",
    );
    const odd = configError({ QPLANE_API_KEYS: "has spaces inside the key" });
    expect(odd.message).toMatch(/^QPLANE_API_KEYS: key 1 of 1 has characters outside/);
    expect(odd.message).not.toContain("spaces inside");
    const url = configError({ REDIS_URL: "http://admin:hunter2@redis:6379" });
    expect(url.message).toBe(
      'REDIS_URL: must be a redis:// or rediss:// URL with a host (got "http://***@redis:6379")',
    );
  });

  it("reports several problems on one line", () => {
    const { message } = configError({ PORT: "x", LOG_LEVEL: "loud" });
    expect(message.split("; ")).toHaveLength(2);
    expect(message).toMatch(/^PORT: .*; LOG_LEVEL: /);
    expect(message).not.toContain("\n");
  });
});

describe("checkSpecLimits", () => {
  const limits = { maxQubits: 8, maxShots: 1000, maxEpochs: 40, maxDatasetRows: 500 };
  const spec = (input: object) => parseJobSpec({ dataset: { name: "moons" }, ...input });

  it("accepts a spec within the limits", () => {
    expect(() =>
      checkSpecLimits(
        spec({
          dataset: { name: "moons", samples: 500 },
          model: { qubits: 8 },
          training: { epochs: 40 },
          backend: { shots: 1000 },
          infoPlane: { shots: 1000 },
        }),
        limits,
      ),
    ).not.toThrow();
  });

  const cases: [string, object, string][] = [
    [
      "model.qubits",
      { model: { qubits: 9 } },
      "spec.model.qubits: 9 is above this server's limit of 8",
    ],
    [
      "backend.shots",
      { backend: { shots: 1001 } },
      "spec.backend.shots: 1001 is above this server's limit of 1000",
    ],
    [
      "infoPlane.shots",
      { infoPlane: { shots: 5000 } },
      "spec.infoPlane.shots: 5000 is above this server's limit of 1000",
    ],
    [
      "training.epochs",
      { training: { epochs: 41 } },
      "spec.training.epochs: 41 is above this server's limit of 40",
    ],
    [
      "dataset.samples",
      { dataset: { name: "xor", samples: 501 } },
      "spec.dataset.samples: 501 is above this server's limit of 500",
    ],
  ];
  it.each(cases)("names %s, its value and the limit", (_field, input, message) => {
    expect(() => checkSpecLimits(spec(input), limits)).toThrow(
      expect.objectContaining({ code: "QPLANE_ERR_LIMIT_EXCEEDED", message }),
    );
  });

  it("lists every exceeded field, and leaves fixed-size datasets' samples alone", () => {
    expect(() =>
      checkSpecLimits(spec({ model: { qubits: 10 }, training: { epochs: 99 } }), limits),
    ).toThrow(
      "spec.model.qubits: 10 is above this server's limit of 8; spec.training.epochs: 99 is above this server's limit of 40",
    );
    // iris ignores `samples`: nothing to refuse
    expect(() =>
      checkSpecLimits(spec({ dataset: { name: "iris", samples: 10_000 } }), limits),
    ).not.toThrow();
  });

  it("checks a loaded dataset's rows", () => {
    expect(() => checkDatasetRows(500, limits)).not.toThrow();
    expect(() => checkDatasetRows(501, limits)).toThrow(
      expect.objectContaining({
        code: "QPLANE_ERR_LIMIT_EXCEEDED",
        message: "spec.dataset: 501 rows is above this server's limit of 500",
      }),
    );
  });
});
