/**
 * The compiled service (`node dist/src/main.js`, QPLANE_ROLE=all; `npm test` builds first) as
 * an operator runs it, against the real Redis:
 * - kill -9 of its worker child: a new child starts, /readyz is 503 while none is alive, and
 *   the job completes with the metrics of an uninterrupted run, within 60 s, with the DEFAULT
 *   lock timings;
 * - SIGKILL of the server: its worker child exits by itself (no orphan);
 * - SIGTERM while Redis is unreachable: the process tree is gone within
 *   QPLANE_SHUTDOWN_TIMEOUT_SECONDS + 5 s;
 * - no Redis at start: one readable line naming the URL (password masked) and the fix.
 * Measured times are printed (`[measured] …`).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EVERYONE } from "../../src/jobs/types.js";
import type { TrainingResult } from "../../src/training/loop.js";
import { closedPort } from "../helpers/closed-port.js";
import { assertBuilt, compiled, INTERRUPTIBLE_SPEC as SPEC } from "../helpers/compiled.js";
import { useRealServer } from "../helpers/real-server.js";
import { RedisProxy } from "../helpers/redis-proxy.js";
import {
  jobCheckpointed,
  jobFinished,
  jobRunning,
  REDIS_URL,
  waitFor,
  withoutTimes,
} from "../jobs/helpers.js";
import { runTraining } from "../local-backend.js";

const MAIN = compiled("main.js");

const fixture = useRealServer("supervision", { experiments: false });
const { prefix } = fixture;
let reference: TrainingResult;
const started: ServiceProcess[] = [];

interface ServiceProcess {
  readonly process: ChildProcess;
  /** The API's base URL, once it listens. */
  readonly url: Promise<string>;
  /** Pids of the worker children it started, in order. */
  readonly workerPids: number[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Log messages (`msg`) and raw stderr lines. */
  readonly lines: string[];
}

/** `node dist/src/main.js` with JSON logs on a pipe, PORT=0 and this file's key prefix. */
function startService(env: Record<string, string> = {}): ServiceProcess {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      PORT: "0",
      REDIS_URL,
      QPLANE_KEY_PREFIX: prefix,
      QPLANE_ROLE: "all",
      LOG_FORMAT: "json",
      LOG_LEVEL: "info",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const workerPids: number[] = [];
  let listening: (url: string) => void = () => {};
  const url = new Promise<string>((resolve) => {
    listening = resolve;
  });
  const onLine = (line: string) => {
    let message = line;
    try {
      message = String((JSON.parse(line) as { msg?: unknown }).msg);
    } catch {
      // stderr lines are plain text
    }
    lines.push(message);
    const address = /Server listening at (http:\/\/\S+)/.exec(message);
    if (address) listening(address[1]!);
    const worker = /^worker process (\d+) started$/.exec(message);
    if (worker) workerPids.push(Number(worker[1]));
  };
  for (const stream of [child.stdout!, child.stderr!]) {
    let pending = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      const parts = (pending + chunk).split("\n");
      pending = parts.pop()!;
      for (const part of parts) if (part.trim() !== "") onLine(part);
    });
  }
  const exited = once(child, "exit").then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  const handle = { process: child, url, workerPids, exited, lines };
  started.push(handle);
  return handle;
}

/** Whether a pid is a running (not zombie) process. */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

async function readyz(service: ServiceProcess) {
  const response = await fetch(`${await service.url}/readyz`);
  return {
    status: response.status,
    retryAfter: response.headers.get("retry-after"),
    body: (await response.json()) as unknown,
  };
}

async function untilReady(service: ServiceProcess): Promise<void> {
  await waitFor(async () => (await readyz(service)).status === 200, "/readyz 200", 30_000, 50);
}

function secondsSince(startMs: number): number {
  return Math.round(performance.now() - startMs) / 1000;
}

/**
 * A service on Redis through a proxy, with a shutdown timeout of `timeoutSeconds`, running a
 * job of SPEC; then `outage` of the proxy ("Redis `what`") and SIGTERM. Returns the service,
 * its exit, and the seconds until it exited and until its worker had exited too.
 */
async function sigtermDuring(
  what: string,
  timeoutSeconds: number,
  outage: (proxy: RedisProxy) => unknown,
) {
  const proxy = new RedisProxy(REDIS_URL);
  await proxy.start();
  try {
    const server = startService({
      REDIS_URL: proxy.url,
      QPLANE_SHUTDOWN_TIMEOUT_SECONDS: String(timeoutSeconds),
    });
    await untilReady(server);
    const { job } = await fixture.jobs.submit(SPEC);
    await jobRunning(fixture.jobs, job.id);
    await outage(proxy);
    const [worker] = server.workerPids;
    const signalledAt = performance.now();
    server.process.kill("SIGTERM");
    const exit = await server.exited;
    const serverS = secondsSince(signalledAt);
    await waitFor(() => !running(worker!), "the worker to exit", 10_000, 20);
    const treeS = secondsSince(signalledAt);
    console.log(
      `[measured] SIGTERM with Redis ${what}: server exited after ${serverS} s (status ${exit.code}), whole tree after ${treeS} s (timeout ${timeoutSeconds} s)`,
    );
    return { server, exit, serverS, treeS };
  } finally {
    await proxy.stop();
  }
}

beforeAll(async () => {
  assertBuilt(MAIN);
  // the uninterrupted run to compare with
  reference = (await runTraining(SPEC)).result;
}, 60_000);

afterAll(async () => {
  for (const { process: child, workerPids } of started) {
    child.kill("SIGKILL");
    for (const pid of workerPids) if (running(pid)) process.kill(pid, "SIGKILL");
  }
});

describe("QPLANE_ROLE=all supervises its worker", () => {
  it("replaces a worker killed with SIGKILL; the job completes as if uninterrupted", async () => {
    const server = startService();
    await untilReady(server);
    const { job } = await fixture.jobs.submit(SPEC);
    await jobCheckpointed(fixture.jobs, job.id, 2);
    const [first] = server.workerPids;
    const killedAt = performance.now();
    process.kill(first!, "SIGKILL");

    // none alive: not ready, with the envelope and Retry-After
    const notReady = await waitFor(
      async () => {
        const answer = await readyz(server);
        return answer.status === 503 ? answer : undefined;
      },
      "/readyz 503",
      5_000,
      10,
    );
    expect(notReady).toEqual({
      status: 503,
      retryAfter: expect.stringMatching(/^\d+$/),
      body: {
        error: {
          code: "QPLANE_ERR_UNAVAILABLE",
          message: "no worker is alive: the worker process is down or restarting",
        },
      },
    });
    await waitFor(() => server.workerPids.length === 2, "a new worker process", 10_000);
    expect(server.lines).toContain(
      `worker process ${first} was killed by SIGKILL; restarting it in 1 s`,
    );
    await untilReady(server);
    const readyAgainS = secondsSince(killedAt);

    const done = await jobFinished(fixture.jobs, job.id, 60_000, 50);
    const completedS = secondsSince(killedAt);
    console.log(
      `[measured] kill -9 of the worker: ready again after ${readyAgainS} s, job completed ${completedS} s after the kill (default lock timings)`,
    );
    expect(done).toMatchObject({ status: "completed", attempts: 2, error: null });
    expect(completedS).toBeLessThan(60);
    expect(withoutTimes(await fixture.jobs.metrics(job.id, EVERYONE))).toEqual(
      withoutTimes(reference.records),
    );

    server.process.kill("SIGTERM");
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(running(server.workerPids[1]!)).toBe(false);
  }, 120_000);

  it("leaves no orphan: the worker child exits when the server is killed with SIGKILL", async () => {
    const server = startService();
    await untilReady(server);
    const [worker] = server.workerPids;
    const killedAt = performance.now();
    server.process.kill("SIGKILL");
    await server.exited;
    await waitFor(() => !running(worker!), "the orphaned worker to exit", 10_000, 20);
    console.log(`[measured] orphaned worker exited ${secondsSince(killedAt)} s after its parent`);
  }, 60_000);
});

describe("shutdown and Redis outages", () => {
  it("SIGTERM while Redis is unreachable: the process tree is gone within the timeout + 5 s", async () => {
    const timeoutSeconds = 3;
    const { exit, treeS } = await sigtermDuring("unreachable", timeoutSeconds, (proxy) =>
      proxy.stop(),
    );
    expect(exit.signal).toBeNull();
    expect(treeS).toBeLessThan(timeoutSeconds + 5);
  }, 90_000);

  it("a shutdown that cannot finish (Redis hangs) exits non-zero at the timeout, with its child", async () => {
    const timeoutSeconds = 3;
    const { server, exit, serverS, treeS } = await sigtermDuring(
      "hanging",
      timeoutSeconds,
      (proxy) => proxy.pause(),
    );
    expect(exit).toEqual({ code: 1, signal: null });
    expect(server.lines).toContain(
      `qplane: shutdown not finished after ${timeoutSeconds} s (QPLANE_SHUTDOWN_TIMEOUT_SECONDS); exiting`,
    );
    expect(serverS).toBeGreaterThanOrEqual(timeoutSeconds - 0.1);
    expect(treeS).toBeLessThan(timeoutSeconds + 5);
  }, 90_000);

  it("without Redis at start says so in one readable line and keeps retrying", async () => {
    const port = await closedPort();
    const server = startService({ REDIS_URL: `redis://:hunter2secret@127.0.0.1:${port}` });
    const answer = await readyz(server);
    expect(answer.status).toBe(503);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const about = server.lines.filter((line) => line.includes("does not answer"));
    expect(about).toEqual([
      `Redis at redis://[redacted]@127.0.0.1:${port} does not answer (connect ECONNREFUSED 127.0.0.1:${port}): start Redis there or set REDIS_URL; retrying every second`,
    ]);
    expect(server.lines.join("\n")).not.toContain("hunter2secret");
    // the worker child waits for Redis instead of crashing
    expect(server.workerPids).toHaveLength(1);
    server.process.kill("SIGTERM");
    expect(await server.exited).toEqual({ code: 0, signal: null });
  }, 30_000);
});
