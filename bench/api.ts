/**
 * API benchmark against a real Redis: requests/s and p50/p99 latency of GET /v1/jobs/:id
 * and POST /v1/jobs while a worker (separate process) trains, the queue overhead (submit →
 * worker start), end-to-end jobs/minute for tiny jobs with 1 and 2 workers, and an experiment
 * of 30 tiny jobs on 2 workers (time, and its aggregate table checked against the children).
 *
 *   npm run bench:api            (needs Redis at REDIS_URL, default redis://127.0.0.1:6379)
 */
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import autocannon from "autocannon";
import { Redis } from "ioredis";
import { buildApp } from "../src/api/app.js";
import { loadConfig } from "../src/config.js";
import { present } from "../src/errors/checked.js";
import { meanStd } from "../src/experiments/aggregate.js";
import { createExperimentService } from "../src/jobs/experiments.js";
import { createJobService } from "../src/jobs/service.js";
import { EVERYONE } from "../src/jobs/types.js";
import { type ForkedWorker, forkWorker } from "../src/jobs/worker.js";
import { parseJobSpec } from "../src/training/spec.js";

const prefix = `bench${randomBytes(4).toString("hex")}`;
const env = { ...process.env, QPLANE_KEY_PREFIX: prefix, LOG_LEVEL: "warn" };
const config = loadConfig(env);

const TINY = {
  dataset: { name: "moons", samples: 40 },
  model: { qubits: 2, layers: 1 },
  training: { epochs: 2 },
};
const LONG = {
  dataset: { name: "iris" },
  model: { qubits: 8, layers: 6 },
  training: { epochs: 1000 },
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function waitFor(predicate: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const start = Date.now();
  while (!(await predicate())) {
    if (Date.now() - start > timeoutMs) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function main(): Promise<void> {
  const service = createJobService({ config });
  const app = await buildApp({
    service,
    limits: { ...config.limits, rateLimitPerMinute: 0 },
    log: false,
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const workers: ForkedWorker[] = [];
  const startWorkers = (count: number) => {
    for (let k = 0; k < count; k++) workers.push(forkWorker({ env, stdio: "pipe" }));
  };
  const stopWorkers = async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.close()));
  };

  const redis = new Redis(config.redisUrl);
  /** Deletes every key of this benchmark's prefix. */
  const flush = async () => {
    for (let cursor = "0"; ; ) {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
      if (cursor === "0") break;
    }
  };

  try {
    // 1. a worker trains a long job while the API is loaded
    startWorkers(1);
    const long = await service.submit(LONG as never);
    await waitFor(
      async () => (await service.get(long.job.id, EVERYONE)).status === "running",
      30_000,
    );
    const get50 = await autocannon({
      url: `${base}/v1/jobs/${long.job.id}`,
      connections: 50,
      duration: 10,
    });
    const get = await autocannon({
      url: `${base}/v1/jobs/${long.job.id}`,
      connections: 16,
      duration: 10,
    });
    const post = await autocannon({
      url: `${base}/v1/jobs`,
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...TINY, training: { epochs: 1 } }),
      connections: 10,
      duration: 5,
    });
    const stillRunning = (await service.get(long.job.id, EVERYONE)).status === "running";
    await service.cancel(long.job.id, EVERYONE);
    console.log("While a worker trains an 8-qubit, 6-layer iris job (worker in its own process):");
    for (const [result, connections] of [
      [get, 16],
      [get50, 50],
    ] as const) {
      console.log(
        `  GET  /v1/jobs/:id  ${result.requests.average.toFixed(0)} req/s  p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms  (${result.non2xx} non-2xx, ${connections} connections)`,
      );
    }
    console.log(
      `  POST /v1/jobs      ${post.requests.average.toFixed(0)} req/s  p50 ${post.latency.p50} ms  p99 ${post.latency.p99} ms  (${post.non2xx} non-2xx, 10 connections)`,
    );
    console.log(
      `  the training job was ${stillRunning ? "still running" : "NOT running"} at the end of the load`,
    );
    await stopWorkers();

    // drop the queued POST jobs before the throughput runs
    await flush();

    // 2. queue overhead: one tiny job at a time to an idle worker
    startWorkers(1);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const overheads: number[] = [];
    for (let k = 0; k < 20; k++) {
      const { job } = await service.submit({
        ...TINY,
        training: { ...TINY.training, seed: 100 + k },
      } as never);
      await waitFor(
        async () => (await service.get(job.id, EVERYONE)).status === "completed",
        30_000,
      );
      const record = await service.get(job.id, EVERYONE);
      const startedAt = present(record.startedAt, `job ${record.id} startedAt`);
      overheads.push(Date.parse(startedAt) - Date.parse(record.createdAt));
    }
    console.log(
      `queue overhead (submit → worker start, idle worker, 20 jobs one at a time): median ${median(overheads)} ms, max ${Math.max(...overheads)} ms`,
    );
    await stopWorkers();
    await flush();

    // 3. end-to-end jobs/minute for a burst of tiny jobs
    for (const count of [1, 2]) {
      startWorkers(count);
      await new Promise((resolve) => setTimeout(resolve, 1500)); // workers connected
      const jobs = 30;
      const started = Date.now();
      const ids: string[] = [];
      for (let k = 0; k < jobs; k++)
        ids.push(
          (await service.submit({ ...TINY, training: { ...TINY.training, seed: k + 1 } } as never))
            .job.id,
        );
      await waitFor(async () => {
        const records = await Promise.all(ids.map((id) => service.get(id, EVERYONE)));
        return records.every((record) => record.status === "completed");
      }, 120_000);
      const elapsedMinutes = (Date.now() - started) / 60_000;
      console.log(
        `${count} worker(s): a burst of ${jobs} tiny jobs (moons, 2 qubits, 2 epochs) done in ${(elapsedMinutes * 60).toFixed(1)} s = ${(jobs / elapsedMinutes).toFixed(0)} jobs/minute`,
      );
      await stopWorkers();
      await flush();
    }

    // 4. an experiment of 30 tiny jobs (3 feedback modes × 10 seeds) on 2 workers; its
    // aggregate table against the children's own metrics
    startWorkers(2);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const experiments = createExperimentService({ config, jobs: service });
    const started = Date.now();
    const { experiment: submitted } = await experiments.submit({
      spec: parseJobSpec(TINY),
      grid: {
        "feedback.mode": ["off", "loss", "lr"],
        "training.seed": Array.from({ length: 10 }, (_, k) => k + 1),
      },
    });
    await waitFor(
      async () => (await experiments.get(submitted.id, EVERYONE)).status === "completed",
      120_000,
    );
    const elapsedSeconds = (Date.now() - started) / 1000;
    const view = await experiments.get(submitted.id, EVERYONE);
    let exact = true;
    for (const arm of view.arms) {
      const finals = await Promise.all(
        arm.jobIds.map(async (id) =>
          present((await service.metrics(id, EVERYONE)).at(-1), `job ${id}'s last epoch`),
        ),
      );
      const expected = {
        finalMetric: meanStd(
          finals.map((record) =>
            present(record.testAccuracy, `epoch ${record.epoch} testAccuracy`),
          ),
        ),
        finalIxt: meanStd(finals.map((record) => record.ixt)),
        finalIty: meanStd(finals.map((record) => record.ity)),
      };
      exact &&=
        JSON.stringify(expected) ===
        JSON.stringify({
          finalMetric: arm.finalMetric,
          finalIxt: arm.finalIxt,
          finalIty: arm.finalIty,
        });
    }
    console.log(
      `experiment of 30 tiny jobs (3 modes × 10 seeds) on 2 workers: completed in ${elapsedSeconds.toFixed(1)} s; aggregate table equals the children's metrics exactly: ${exact ? "yes" : "NO"}`,
    );
    await experiments.close();
    await stopWorkers();
    await flush();
  } finally {
    await stopWorkers();
    await app.close();
    await service.close();
    await flush();
    await redis.quit();
  }
}

await main();
