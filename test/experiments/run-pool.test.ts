import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { createRunPool, type RunPool } from "../../src/experiments/run-pool.js";
import type { JobSpec } from "../../src/training/spec.js";

// a stand-in worker speaking the pool's protocol, so the pool is tested without a build:
// `training.seed` is the reply, `training.epochs` the milliseconds it takes; seed -1 replies
// with an error, seed -2 ends the thread, seed -3 throws in it
const work = mkdtempSync(join(tmpdir(), "qplane-run-pool-"));
const workerPath = join(work, "fake-worker.mjs");
writeFileSync(
  workerPath,
  `import { parentPort, threadId } from "node:worker_threads";
parentPort.on("message", ({ spec, folder }) => {
  const { seed, epochs } = spec.training;
  if (seed === -2) process.exit(3);
  if (seed === -3) setTimeout(() => { throw new Error("boom in the worker"); }, epochs);
  if (seed === -3) return;
  setTimeout(() => {
    parentPort.postMessage(
      seed === -1
        ? { ok: false, message: "spec.training.seed: -1 is refused" }
        : { ok: true, records: [], summary: { seed, threadId, folder } },
    );
  }, epochs);
});
`,
);
const workerUrl = pathToFileURL(workerPath);
const spec = (seed: number, delayMs = 5) =>
  ({ training: { seed, epochs: delayMs } }) as unknown as JobSpec;
const reply = (result: { summary: unknown }) =>
  result.summary as { seed: number; threadId: number; folder?: unknown };

let pool: RunPool | undefined;
afterEach(async () => {
  await pool?.close();
});

describe("createRunPool", () => {
  it("answers every run with its own result, on at most `size` threads", async () => {
    pool = createRunPool({ size: 2, workerUrl });
    // later runs finish first: each promise still gets its own run's result
    const seeds = [1, 2, 3, 4, 5, 6];
    const results = await Promise.all(
      seeds.map((seed) => pool!.run(spec(seed, 60 - 10 * seed), { dir: "/x", id: `c${seed}` })),
    );
    expect(results.map((result) => reply(result).seed)).toEqual(seeds);
    expect(results.map((result) => reply(result).folder)).toEqual(
      seeds.map((seed) => ({ dir: "/x", id: `c${seed}` })),
    );
    expect(new Set(results.map((result) => reply(result).threadId)).size).toBe(2);
  });

  it("rejects a run that fails or kills its thread, and keeps running the others", async () => {
    pool = createRunPool({ size: 2, workerUrl });
    const outcomes = await Promise.allSettled(
      [1, -1, 2, -2, 3, -3, 4].map((seed) => pool!.run(spec(seed))),
    );
    expect(
      outcomes.map((outcome) =>
        outcome.status === "fulfilled" ? reply(outcome.value).seed : String(outcome.reason),
      ),
    ).toEqual([
      1,
      "Error: spec.training.seed: -1 is refused",
      2,
      "Error: run-pool worker exited with code 3",
      3,
      "Error: boom in the worker",
      4,
    ]);
  });

  it("rejects queued runs when closed, and runs after that", async () => {
    pool = createRunPool({ size: 1, workerUrl });
    const runs = Promise.allSettled([pool.run(spec(1, 200)), pool.run(spec(2))]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await pool.close();
    expect(
      (await runs).map((outcome) => outcome.status === "rejected" && String(outcome.reason)),
    ).toEqual(["Error: run pool is closed", "Error: run pool is closed"]);
    await expect(pool.run(spec(3))).rejects.toThrow("run pool is closed");
  });

  it("refuses a size outside 1 … 256", () => {
    for (const size of [0, -1, 1.5, 257]) {
      expect(() => createRunPool({ size, workerUrl })).toThrow(
        `createRunPool: size must be an integer 1 … 256, got ${size}`,
      );
    }
  });
});
