/**
 * The training clock (src/jobs/training-clock.ts): a run's training time reaches the store in
 * whole-ms increments every interval while it trains (what survives a kill -9) and in full at
 * its stop; a failed write is reported and its time carried to the next one.
 */
import { describe, expect, it } from "vitest";
import { startTrainingClock } from "../../src/jobs/training-clock.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the training clock", () => {
  it("adds the run's time every interval and the rest at its stop", async () => {
    const added: number[] = [];
    const store = { addTrainingTime: async (_id: string, ms: number) => void added.push(ms) };
    const started = performance.now();
    const clock = startTrainingClock(store, "job-1", () => {}, 20);
    await sleep(110);
    // written while running: a worker killed now would lose at most one interval
    expect(added.length).toBeGreaterThanOrEqual(3);
    expect(added.every((ms) => Number.isInteger(ms) && ms > 0)).toBe(true);
    await clock.stop();
    const elapsedMs = performance.now() - started;
    const total = added.reduce((sum, ms) => sum + ms, 0);
    expect(total).toBeLessThanOrEqual(elapsedMs);
    expect(total).toBeGreaterThan(elapsedMs - 5);
    const count = added.length;
    await sleep(50);
    expect(added).toHaveLength(count);
  });

  it("reports a failed write and adds its time with the next one", async () => {
    const added: number[] = [];
    const errors: unknown[] = [];
    let fail = true;
    const store = {
      addTrainingTime: async (_id: string, ms: number) => {
        if (fail) throw new Error("Redis is down");
        added.push(ms);
      },
    };
    const clock = startTrainingClock(store, "job-2", (error) => errors.push(error), 20);
    await sleep(50);
    fail = false;
    await clock.stop();
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(added).toHaveLength(1);
    expect(added[0]).toBeGreaterThanOrEqual(45);
  });
});
