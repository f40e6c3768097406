/**
 * The two JobService implementations the contract suite runs against, each with a "worker"
 * that moves a job on (start, complete) the way the real processor does: the in-memory fake
 * the API tests use, and the Redis service over a unique key prefix, driven through its
 * store (no BullMQ worker, so nothing runs the jobs on its own).
 */
import type { Redis } from "ioredis";
import { createJobService } from "../../../src/jobs/service.js";
import { JobStore } from "../../../src/jobs/store.js";
import type { JobService, JobStatus } from "../../../src/jobs/types.js";
import { FakeJobService } from "../../api/fake-job-service.js";
import { connect, deleteKeysUnder, silentLogger, testConfig, testPrefix } from "../helpers.js";

/** Unfinished jobs an API key may have in the contract's configuration. */
export const CONTRACT_JOBS_PER_KEY = 3;

export interface ContractHarness {
  readonly service: JobService;
  /** The job's worker starts it (queued → running, one attempt). */
  start(id: string): Promise<void>;
  /** The job's worker finishes it (running → completed). */
  complete(id: string): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessFactory {
  readonly name: string;
  create(): Promise<ContractHarness>;
}

const config = (prefix: string) =>
  testConfig(prefix, { QPLANE_MAX_CONCURRENT_JOBS_PER_KEY: String(CONTRACT_JOBS_PER_KEY) });

const fake: HarnessFactory = {
  name: "in-memory fake (test/api/fake-job-service.ts)",
  async create() {
    const service = new FakeJobService({
      limits: config("unused").limits,
      maxConcurrentJobsPerKey: CONTRACT_JOBS_PER_KEY,
    });
    return {
      service,
      start: async (id) => service.start(id),
      complete: async (id) => service.complete(id),
      close: () => service.close(),
    };
  },
};

const redis: HarnessFactory = {
  name: "Redis service (src/jobs/service.ts)",
  async create() {
    const prefix = testPrefix("h4-contract");
    const settings = config(prefix);
    const connection: Redis = connect();
    const store = new JobStore(connection, {
      prefix,
      retentionSeconds: settings.retentionSeconds,
    });
    const service = createJobService({ config: settings, logger: silentLogger });
    // what the processor writes and publishes at each step (src/jobs/processor.ts)
    const move = async (
      id: string,
      from: JobStatus,
      to: JobStatus,
      patch: Record<string, unknown>,
    ) => {
      const job = await store.get(id);
      if (job === null) throw new Error(`job ${id} is not stored`);
      const moved = await store.transition(job, [from], to, patch, {
        countAttempt: to === "running",
      });
      if (!moved.ok) throw new Error(`job ${id} could not move from ${from} to ${to}`);
      await store.publish(id, { type: "status", status: to, at: new Date().toISOString() });
    };
    return {
      service,
      start: (id) => move(id, "queued", "running", { startedAt: new Date().toISOString() }),
      complete: (id) =>
        move(id, "running", "completed", {
          finishedAt: new Date().toISOString(),
          etaSeconds: null,
        }),
      async close() {
        await service.close();
        await deleteKeysUnder(connection, prefix);
        connection.disconnect();
      },
    };
  },
};

export const HARNESSES: readonly HarnessFactory[] = [fake, redis];
