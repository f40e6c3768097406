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
      keyPrefix: "qplane",
      retentionSeconds: 7 * 24 * 3600,
      idempotencyTtlSeconds: 24 * 3600,
      redisTimeoutMs: 2000,
      logLevel: "info",
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
      },
      limits: {
        maxQubits: 20,
        maxShots: 100_000,
        maxEpochs: 1000,
        maxDatasetRows: 100_000,
        maxConcurrentJobsPerKey: 10,
        maxExperimentJobs: 200,
        maxBodyBytes: 1024 * 1024,
        rateLimitPerMinute: 600,
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
      QPLANE_MAX_QUBITS: "12",
      QPLANE_MAX_SHOTS: "5000",
      QPLANE_MAX_EPOCHS: "50",
      QPLANE_MAX_DATASET_ROWS: "1000",
      QPLANE_MAX_CONCURRENT_JOBS_PER_KEY: "3",
      QPLANE_MAX_EXPERIMENT_JOBS: "12",
      QPLANE_MAX_BODY_BYTES: "65536",
      QPLANE_RATE_LIMIT_PER_MINUTE: "60",
      LOG_LEVEL: "DEBUG",
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
      logLevel: "debug",
      worker: {
        concurrency: 4,
        lockDurationMs: 5000,
        stalledIntervalMs: 2500,
        maxStalledCount: 5,
        attempts: 1,
      },
      limits: {
        maxQubits: 12,
        maxShots: 5000,
        maxEpochs: 50,
        maxDatasetRows: 1000,
        maxConcurrentJobsPerKey: 3,
        maxExperimentJobs: 12,
        maxBodyBytes: 65_536,
        rateLimitPerMinute: 60,
      },
    });
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
    ["QPLANE_MAX_QUBITS", "30", "from 1 to 24"],
    ["QPLANE_MAX_SHOTS", "0", "from 1 to 1000000"],
    ["QPLANE_MAX_EPOCHS", "many", "must be a whole number"],
    ["QPLANE_MAX_DATASET_ROWS", "2", "from 4 to"],
    ["QPLANE_MAX_CONCURRENT_JOBS_PER_KEY", "0", "from 1 to"],
    ["QPLANE_MAX_BODY_BYTES", "10", "from 1024 to"],
    ["QPLANE_RATE_LIMIT_PER_MINUTE", "fast", "must be a whole number"],
    ["LOG_LEVEL", "verbose", "must be one of fatal, error, warn, info, debug, trace, silent"],
  ];
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
