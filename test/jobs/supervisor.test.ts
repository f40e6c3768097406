/**
 * The worker supervisor's timing (RestartPolicy, on a fake clock) and its handling of real
 * child processes that crash at once (a bogus entry), with a fast policy.
 */
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RestartPolicy, superviseWorker } from "../../src/jobs/supervisor.js";
import { forkWorker } from "../../src/jobs/worker.js";

describe("RestartPolicy", () => {
  it("doubles the delay from 1 s to 30 s and gives up at the 5th crash within 5 min", () => {
    const policy = new RestartPolicy({ maxCrashes: 100 });
    const delays: unknown[] = [];
    for (let crash = 0; crash < 8; crash++) {
      delays.push(policy.onCrash(crash * 1000, 10));
    }
    expect(delays.map((d) => (d as { delayMs: number }).delayMs)).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000,
    ]);

    const strict = new RestartPolicy();
    const decisions = [0, 10_000, 20_000, 30_000, 40_000].map((at) => strict.onCrash(at, 5));
    expect(decisions.slice(0, 4).map((d) => d.action)).toEqual([
      "restart",
      "restart",
      "restart",
      "restart",
    ]);
    expect(decisions[4]).toEqual({ action: "give-up", crashes: 5, windowMs: 300_000 });
  });

  it("forgets crashes older than the window, and resets the delay after a stable run", () => {
    const policy = new RestartPolicy();
    for (const at of [0, 1000, 2000, 3000]) policy.onCrash(at, 5);
    // the 4 early crashes left the window: this is the only one within 5 min
    expect(policy.onCrash(303_001, 5)).toEqual({ action: "restart", delayMs: 16_000 });
    // a child that ran for a minute starts the back-off again
    expect(policy.onCrash(400_000, 60_000)).toEqual({ action: "restart", delayMs: 1000 });
    expect(policy.onCrash(401_000, 10)).toEqual({ action: "restart", delayMs: 2000 });
  });
});

describe("superviseWorker", () => {
  it("restarts a child that crashes and gives up after repeated crashes", async () => {
    const entry = join(tmpdir(), `qplane-crashing-worker-${process.pid}.mjs`);
    writeFileSync(entry, "process.exit(3);\n");
    const spawned: number[] = [];
    const logged: string[] = [];
    const gaveUp = await new Promise<string>((resolve) => {
      superviseWorker({
        spawn: () => {
          const child = forkWorker({ entry, stdio: "pipe" });
          spawned.push(child.pid);
          return child;
        },
        policy: { initialDelayMs: 20, maxCrashes: 3, crashWindowMs: 60_000 },
        onGiveUp: resolve,
        log: { warn: (line) => logged.push(line), error: (line) => logged.push(line) },
      });
    });
    expect(spawned).toHaveLength(3);
    expect(new Set(spawned).size).toBe(3);
    expect(logged).toEqual([
      `worker process ${spawned[0]} exited with status 3; restarting it in 0.02 s`,
      `worker process ${spawned[1]} exited with status 3; restarting it in 0.04 s`,
    ]);
    expect(gaveUp).toBe(
      "worker process exited with status 3; 3 worker crashes within 60 s: giving up",
    );
  });

  it("hands back the jobs of a child that dies after creating its worker but before ready", async () => {
    const entry = join(tmpdir(), `qplane-startup-worker-${process.pid}.mjs`);
    // a child killed in the startup window: its BullMQ Worker exists (and may hold a job),
    // so it has sent its id, but it never reported ready
    writeFileSync(
      entry,
      "process.send({ type: 'worker', workerId: 'w-startup' }, () => process.kill(process.pid, 'SIGKILL'));\n",
    );
    const crashed: string[] = [];
    let supervisor: ReturnType<typeof superviseWorker> | undefined;
    await new Promise<void>((resolve) => {
      supervisor = superviseWorker({
        spawn: () => forkWorker({ entry, stdio: "pipe" }),
        policy: { initialDelayMs: 60_000 },
        onCrash: async (workerId) => {
          crashed.push(workerId);
          resolve();
        },
        onGiveUp: () => {},
        log: { warn: () => {}, error: () => {} },
      });
    });
    expect(supervisor?.alive).toBe(false);
    await supervisor?.close();
    expect(crashed).toEqual(["w-startup"]);
  });

  it("neither restarts nor counts a child it closed itself", async () => {
    const entry = join(tmpdir(), `qplane-idle-worker-${process.pid}.mjs`);
    // an idle child that leaves on SIGTERM, like a worker without jobs
    writeFileSync(
      entry,
      "process.on('SIGTERM', () => process.exit(0)); setInterval(() => {}, 1000);\n",
    );
    let spawns = 0;
    const supervisor = superviseWorker({
      spawn: () => {
        spawns += 1;
        return forkWorker({ entry, stdio: "pipe" });
      },
      onGiveUp: () => {
        throw new Error("gave up");
      },
      log: { warn: () => {}, error: () => {} },
    });
    expect(supervisor.pid).not.toBeNull();
    // no ready message from this child: running, but not a live worker
    expect(supervisor.alive).toBe(false);
    await supervisor.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(spawns).toBe(1);
    expect(supervisor.pid).toBeNull();
  });
});
