/**
 * The compiled worker process (dist/src/jobs/worker-main.js; `npm test` builds first), forked
 * with an IPC channel as a QPLANE_ROLE=all server does: it reports its worker id before it
 * reports ready (before it can take a job, so a supervisor can hand back the jobs of a child
 * that dies while starting), and a SIGTERM closes it cleanly.
 */
import { type ChildProcess, fork } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, WORKER_MAIN } from "../helpers/compiled.js";
import { connect, deleteKeysUnder, REDIS_URL, testPrefix } from "./helpers.js";

const prefix = testPrefix("worker-main");
const redis = connect();
let child: ChildProcess | undefined;

beforeAll(() => assertBuilt(WORKER_MAIN));
afterAll(async () => {
  if (child?.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await deleteKeysUnder(redis, prefix);
  redis.disconnect();
});

describe("worker-main", () => {
  it("sends its worker id before ready, and exits 0 on SIGTERM", async () => {
    const forked = fork(WORKER_MAIN, [], {
      env: { ...process.env, REDIS_URL, QPLANE_KEY_PREFIX: prefix, LOG_LEVEL: "warn" },
      stdio: ["ignore", "ignore", "ignore", "ipc"],
    });
    child = forked;
    const messages: unknown[] = [];
    const ready = new Promise<void>((resolve, reject) => {
      forked.on("message", (message: { type?: string }) => {
        messages.push(message);
        if (message.type === "ready") resolve();
      });
      forked.once("exit", (code) => reject(new Error(`worker exited with ${code} before ready`)));
    });
    await ready;
    expect(messages).toEqual([
      // BullMQ's worker id: a UUID (its lock tokens start with it)
      {
        type: "worker",
        workerId: expect.stringMatching(/^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/),
      },
      { type: "ready" },
    ]);
    const exited = new Promise<number | null>((resolve) => forked.once("exit", resolve));
    forked.kill("SIGTERM");
    expect(await exited).toBe(0);
  }, 20_000);
});
