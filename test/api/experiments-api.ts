/**
 * What the `/v1/experiments` tests share: the real job system (Redis, BullMQ, in-process
 * workers started by the tests) behind `buildApp`, under a prefix of the file's own.
 */
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";
import type { Redis } from "ioredis";
import { afterAll, beforeAll } from "vitest";
import { buildApp } from "../../src/api/app.js";
import type { ExperimentService } from "../../src/jobs/experiment-types.js";
import { createExperimentService } from "../../src/jobs/experiments.js";
import { createJobService } from "../../src/jobs/service.js";
import type { JobService } from "../../src/jobs/types.js";
import type { WorkerHandle } from "../../src/jobs/worker.js";
import {
  connect,
  deleteKeysUnder,
  silentLogger,
  testConfig,
  testPrefix,
  waitFor,
} from "../jobs/helpers.js";

const KEY = "experiments-test-key-0123456789";
export const AUTH = { authorization: `Bearer ${KEY}` };
export const TINY_SPEC = {
  dataset: { name: "moons", samples: 40 },
  model: { qubits: 2, layers: 1 },
  training: { epochs: 2 },
};

export interface StatJson {
  mean: number | null;
  std: number | null;
  n: number;
}

/** The app over the job system for one test file; `name` makes its Redis prefix. */
export function useExperimentsApi(name: string) {
  const prefix = testPrefix(name);
  const config = testConfig(prefix, {
    QPLANE_MAX_EXPERIMENT_JOBS: "40",
    QPLANE_MAX_CONCURRENT_JOBS_PER_KEY: "35",
  });
  const state = {} as {
    redis: Redis;
    jobs: JobService;
    experiments: ExperimentService;
    app: FastifyInstance;
  };
  const workers: WorkerHandle[] = [];

  beforeAll(async () => {
    state.redis = connect();
    state.jobs = createJobService({ config, logger: silentLogger });
    state.experiments = createExperimentService({ config, jobs: state.jobs, logger: silentLogger });
    state.app = await buildApp({
      service: state.jobs,
      experiments: state.experiments,
      apiKeys: [KEY],
      datasetDir: fileURLToPath(new URL("../fixtures/data/", import.meta.url)),
      log: false,
      limits: { ...config.limits, rateLimitPerMinute: 0 },
    });
  });

  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.close()));
    await state.app.close();
    await state.experiments.close();
    await state.jobs.close();
    await deleteKeysUnder(state.redis, prefix);
    state.redis.disconnect();
  });

  const post = (url: string, payload?: object) =>
    payload === undefined
      ? state.app.inject({ method: "POST", url, headers: AUTH })
      : state.app.inject({ method: "POST", url, headers: AUTH, payload });
  const get = (url: string) => state.app.inject({ method: "GET", url, headers: AUTH });
  /** The experiment's view once it has completed, read every 200 ms. */
  const completedExperiment = (id: string, what: string, timeoutMs: number) =>
    waitFor(
      async () => {
        const view = (await get(`/v1/experiments/${id}`)).json();
        return view.status === "completed" ? view : undefined;
      },
      what,
      timeoutMs,
      200,
    );
  return { prefix, config, state, workers, post, get, completedExperiment };
}
