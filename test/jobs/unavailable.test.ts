/**
 * Redis going away: the service answers at once with QPLANE_ERR_UNAVAILABLE (503) instead
 * of hanging, and works again by itself when Redis is back. Redis "goes away" behind a TCP
 * proxy that the test closes and reopens.
 */
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newJobId } from "../../src/jobs/ids.js";
import { createJobService } from "../../src/jobs/service.js";
import { EVERYONE, type JobService } from "../../src/jobs/types.js";
import { closedPort } from "../helpers/closed-port.js";
import { RedisProxy } from "../helpers/redis-proxy.js";
import {
  connect,
  deleteKeysUnder,
  REDIS_URL,
  silentLogger,
  testConfig,
  testPrefix,
  tinyJobSpec,
  waitFor,
} from "./helpers.js";

const TINY = tinyJobSpec(1);

async function timed(
  operation: () => Promise<unknown>,
): Promise<{ ms: number; result: PromiseSettledResult<unknown> }> {
  const started = performance.now();
  const [result] = await Promise.allSettled([operation()]);
  return { ms: performance.now() - started, result: result! };
}

function rejectedWith(outcome: { result: PromiseSettledResult<unknown> }, code: string) {
  expect(outcome.result.status).toBe("rejected");
  expect((outcome.result as PromiseRejectedResult).reason).toMatchObject({ code });
}

describe("the job service without Redis", () => {
  it("answers at once: not ready, and 503 for every call", async () => {
    const port = await closedPort();
    const config = testConfig(testPrefix("down"), {
      REDIS_URL: `redis://127.0.0.1:${port}`,
      QPLANE_REDIS_TIMEOUT_MS: "1000",
    });
    const service = createJobService({ config, logger: silentLogger });
    try {
      const ready = await timed(() => service.ready());
      expect(ready.result).toEqual({ status: "fulfilled", value: false });
      expect(ready.ms).toBeLessThan(2000);
      const id = newJobId();
      for (const call of [
        () => service.submit(TINY),
        () => service.get(id, EVERYONE),
        () => service.list({ limit: 10 }, EVERYONE),
        () => service.metrics(id, EVERYONE),
        () => service.cancel(id, EVERYONE),
        () => service.remove(id, EVERYONE),
        () => service.subscribe(id, () => {}, EVERYONE),
        () => service.stats(),
      ]) {
        const outcome = await timed(call);
        rejectedWith(outcome, "QPLANE_ERR_UNAVAILABLE");
        expect(outcome.ms).toBeLessThan(2000);
      }
      // validation still comes first: a bad request is a 4xx, not a 503
      rejectedWith(await timed(() => service.get("nope", EVERYONE)), "QPLANE_ERR_JOB_NOT_FOUND");
    } finally {
      const closing = await timed(() => service.close());
      expect(closing.ms).toBeLessThan(2000);
    }
  });
});

describe("the job service when Redis goes away and comes back", () => {
  const prefix = testPrefix("flap");
  const proxy = new RedisProxy(REDIS_URL);
  let redis: Redis;
  let service: JobService;

  beforeAll(async () => {
    redis = connect();
    // reserve the port, then start without Redis
    await proxy.start();
    await proxy.stop();
    const config = testConfig(prefix, {
      REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
      QPLANE_REDIS_TIMEOUT_MS: "1000",
    });
    service = createJobService({ config, logger: silentLogger });
  });

  afterAll(async () => {
    await service.close();
    await proxy.stop();
    await deleteKeysUnder(redis, prefix);
    redis.disconnect();
  });

  it("fails fast while Redis is away and recovers by itself", async () => {
    // started while Redis was away
    expect(await service.ready()).toBe(false);
    rejectedWith(await timed(() => service.submit(TINY)), "QPLANE_ERR_UNAVAILABLE");
    await proxy.start();
    await waitFor(() => service.ready(), "the service to connect", 10_000, 100);
    const { job } = await service.submit(TINY);
    expect((await service.get(job.id, EVERYONE)).status).toBe("queued");

    await proxy.stop();
    await waitFor(async () => !(await service.ready()), "the service to notice", 5000);
    for (const call of [
      () => service.submit(TINY),
      () => service.get(job.id, EVERYONE),
      () => service.stats(),
    ]) {
      const outcome = await timed(call);
      rejectedWith(outcome, "QPLANE_ERR_UNAVAILABLE");
      expect(outcome.ms).toBeLessThan(2500);
    }

    await proxy.start();
    await waitFor(() => service.ready(), "the service to reconnect", 10_000, 100);
    expect((await service.get(job.id, EVERYONE)).status).toBe("queued");
    const again = await service.submit(TINY);
    expect(again.created).toBe(true);
    expect((await service.stats()).byStatus.queued).toBe(2);
  });
});
