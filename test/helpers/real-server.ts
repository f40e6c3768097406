/**
 * The real service for tests, on the test Redis under a key prefix no other test shares: the
 * job service, the experiment service, and on request `buildApp` over them listening on a
 * loopback port and an in-process worker. `useRealServer` registers the beforeAll that starts
 * it and the afterAll that stops it and deletes every key under the prefix; the fields it
 * returns (but `prefix`) are set once that beforeAll has run.
 */
import type { FastifyInstance } from "fastify";
import type { Redis } from "ioredis";
import { afterAll, beforeAll } from "vitest";
import { type ApiOptions, buildApp } from "../../src/api/app.js";
import type { Config } from "../../src/config.js";
import type { ExperimentService } from "../../src/jobs/experiment-types.js";
import { createExperimentService } from "../../src/jobs/experiments.js";
import { createJobService } from "../../src/jobs/service.js";
import type { JobService } from "../../src/jobs/types.js";
import { startWorker, type WorkerHandle } from "../../src/jobs/worker.js";
import { connect, deleteKeysUnder, silentLogger, testConfig, testPrefix } from "../jobs/helpers.js";
import { listen } from "../security/http.js";

export interface RealServer {
  readonly prefix: string;
  /** `testConfig(prefix, env)`. */
  readonly config: Config;
  /** A connection of the test's own to the test Redis. */
  readonly redis: Redis;
  readonly jobs: JobService;
  /** Only unless `experiments: false`. */
  readonly experiments: ExperimentService;
  /** Only with the `app` option. */
  readonly app: FastifyInstance;
  /** The app's base URL (`http://127.0.0.1:<port>`), with the `app` option. */
  readonly base: string;
  /** The in-process worker once started (the `worker` option, or `startWorker`). */
  readonly worker: WorkerHandle | null;
  /** Starts the in-process worker over `config`, unless it runs already. */
  startWorker(): Promise<WorkerHandle>;
}

export interface RealServerOptions {
  /** Environment for `testConfig`, read in beforeAll (so it may name a proxy started before). */
  readonly env?: Record<string, string> | (() => Record<string, string>);
  /** Whether to create the experiment service. @defaultValue true */
  readonly experiments?: boolean;
  /** Start the in-process worker in beforeAll. @defaultValue false */
  readonly worker?: boolean;
  /** `buildApp`'s options over the services; without it no app is built. */
  readonly app?: (server: RealServer) => ApiOptions;
  /** Called with the app before it listens (to add hooks). */
  readonly beforeListen?: (app: FastifyInstance) => void;
  /** Timeout of the beforeAll and afterAll hooks, in ms. */
  readonly hookTimeoutMs?: number;
}

/** Registers the hooks that start and stop a `RealServer` named `name` (see the module comment). */
export function useRealServer(name: string, options: RealServerOptions = {}): RealServer {
  const state: {
    -readonly [K in keyof RealServer]?: RealServer[K];
  } & Pick<RealServer, "prefix" | "startWorker"> = {
    prefix: testPrefix(name),
    worker: null,
    async startWorker() {
      state.worker ??= await startWorker(state.config!, { logger: silentLogger });
      return state.worker;
    },
  };
  const server = state as RealServer;

  beforeAll(async () => {
    const env = typeof options.env === "function" ? options.env() : options.env;
    const config = testConfig(server.prefix, env);
    state.config = config;
    state.redis = connect();
    state.jobs = createJobService({ config, logger: silentLogger });
    if (options.experiments !== false) {
      state.experiments = createExperimentService({
        config,
        jobs: state.jobs,
        logger: silentLogger,
      });
    }
    if (options.worker) await server.startWorker();
    if (options.app) {
      const app = await buildApp(options.app(server));
      state.app = app;
      options.beforeListen?.(app);
      state.base = await listen(app);
    }
  }, options.hookTimeoutMs);

  afterAll(async () => {
    await state.app?.close();
    await state.worker?.close();
    await state.experiments?.close();
    await state.jobs?.close();
    if (state.redis) {
      await deleteKeysUnder(state.redis, server.prefix);
      state.redis.disconnect();
    }
  }, options.hookTimeoutMs);

  return server;
}
