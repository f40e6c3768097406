/**
 * The shared remote-job lifecycle and polling, against a scripted service: one cancel
 * request however many ways a run is stopped, the first stop reason wins, the deadline,
 * the terminal states, and the poll schedule's back-off.
 */
import { describe, expect, it, vi } from "vitest";
import { abortableSleep, pollUntil } from "../../../providers/remote/poll.js";
import {
  RemoteJob,
  type RemoteRun,
  type RemoteWork,
} from "../../../providers/remote/remote-job.js";
import type { ExecutionResult } from "../../../providers/types.js";
import { QplaneError } from "../../../src/errors/catalogue.js";

const RESULT: ExecutionResult = {
  kind: "probabilities",
  rows: 1,
  outcomeCount: 2,
  values: Float64Array.of(0.25, 0.75),
};

/** A service whose job finishes when `finish` is called, or runs until the run stops. */
function scriptedWork() {
  let finish: (() => void) | undefined;
  const work = {
    cancels: 0,
    run: undefined as RemoteRun | undefined,
    finish: () => finish?.(),
    async execute(run: RemoteRun): Promise<ExecutionResult> {
      work.run = run;
      run.observe("running");
      await new Promise<void>((resolve, reject) => {
        finish = resolve;
        run.stopSignal.addEventListener("abort", () => reject(run.stopSignal.reason));
      });
      return RESULT;
    },
    async cancelRemote(): Promise<void> {
      work.cancels++;
      await new Promise((resolve) => setTimeout(resolve, 5));
    },
  } satisfies RemoteWork & Record<string, unknown>;
  return work;
}

async function rejection(promise: Promise<unknown>): Promise<QplaneError> {
  try {
    await promise;
  } catch (error) {
    return error as QplaneError;
  }
  throw new Error("expected a rejection");
}

describe("RemoteJob", () => {
  it("completes with the work's result and ignores a cancel afterwards", async () => {
    const work = scriptedWork();
    const job = new RemoteJob("j1", work, { timeoutMs: 10_000, label: "test job j1" });
    await new Promise((resolve) => setTimeout(resolve, 1));
    expect(await job.status()).toBe("running");
    work.finish();
    expect(await job.result()).toBe(RESULT);
    expect(await job.status()).toBe("completed");
    await job.cancel();
    expect(work.cancels).toBe(0);
    expect(await job.status()).toBe("completed");
  });

  it("asks the service to cancel once, whether stopped by handle, signal or both", async () => {
    const work = scriptedWork();
    const controller = new AbortController();
    const job = new RemoteJob("j2", work, {
      signal: controller.signal,
      timeoutMs: 10_000,
      label: "test job j2",
    });
    await new Promise((resolve) => setTimeout(resolve, 1));
    controller.abort();
    await Promise.all([job.cancel(), job.cancel()]);
    const error = await rejection(job.result());
    expect(error.code).toBe("QPLANE_ERR_RUN_CANCELLED");
    expect(error.message).toBe("test job j2 was cancelled");
    expect(work.cancels).toBe(1);
    expect(await job.status()).toBe("cancelled");
  });

  it("settles only after the cancel request has answered", async () => {
    const work = scriptedWork();
    let answered = false;
    work.cancelRemote = async () => {
      work.cancels++;
      await new Promise((resolve) => setTimeout(resolve, 30));
      answered = true;
    };
    const job = new RemoteJob("j3", work, { timeoutMs: 10_000, label: "test job j3" });
    await job.cancel();
    expect(answered).toBe(true);
  });

  it("stops a run past its deadline as failed with QPLANE_ERR_PROVIDER_TIMEOUT", async () => {
    const work = scriptedWork();
    const job = new RemoteJob("j4", work, { timeoutMs: 20, label: "test job j4" });
    const error = await rejection(job.result());
    expect(error.code).toBe("QPLANE_ERR_PROVIDER_TIMEOUT");
    expect(error.message).toBe(
      "test job j4 did not finish within 20 ms (last state running); it was cancelled",
    );
    expect(work.cancels).toBe(1);
    expect(await job.status()).toBe("failed");
  });

  it("keeps the first stop reason: a part's failure, not the cancel that follows", async () => {
    const work = scriptedWork();
    const job = new RemoteJob("j5", work, { timeoutMs: 10_000, label: "test job j5" });
    await new Promise((resolve) => setTimeout(resolve, 1));
    work.run!.stop(new QplaneError("QPLANE_ERR_PROVIDER_JOB_FAILED", "task 2 failed"));
    await job.cancel();
    const error = await rejection(job.result());
    expect(error.code).toBe("QPLANE_ERR_PROVIDER_JOB_FAILED");
    expect(work.cancels).toBe(1);
    expect(await job.status()).toBe("failed");
  });

  it("ends as cancelled when the service reports the job cancelled", async () => {
    const job = new RemoteJob(
      "j6",
      {
        execute: async () => {
          throw new QplaneError("QPLANE_ERR_RUN_CANCELLED", 'job j6 ended as "Cancelled"');
        },
        cancelRemote: async () => {},
      },
      { timeoutMs: 10_000, label: "test job j6" },
    );
    expect((await rejection(job.result())).message).toBe('job j6 ended as "Cancelled"');
    expect(await job.status()).toBe("cancelled");
  });
});

describe("pollUntil", () => {
  it("reads, then sleeps with back-off up to the ceiling, until done", async () => {
    vi.useFakeTimers();
    try {
      const reads: number[] = [];
      const polling = pollUntil(
        async () => {
          reads.push(Date.now());
          return reads.length === 2 ? undefined : reads.length; // read 2: not visible yet
        },
        (n) => n >= 5,
        { firstIntervalMs: 10, maxIntervalMs: 25, growth: 2 },
        new AbortController().signal,
      );
      await vi.runAllTimersAsync();
      expect(await polling).toBe(5);
      // the first read at once, then 10, 20, 25 (capped), 25 ms apart
      expect(reads.map((at) => at - reads[0]!)).toEqual([0, 10, 30, 55, 80]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("rejects with the stop reason as soon as the run stops", async () => {
    const stop = new AbortController();
    const reason = new QplaneError("QPLANE_ERR_PROVIDER_TIMEOUT", "too slow");
    setTimeout(() => stop.abort(reason), 15);
    const polling = pollUntil(
      async () => 0,
      () => false,
      { firstIntervalMs: 1000 },
      stop.signal,
    );
    await expect(polling).rejects.toBe(reason);
  });

  it("abortableSleep rejects a plain abort as QPLANE_ERR_RUN_CANCELLED", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(abortableSleep(1000, controller.signal)).rejects.toMatchObject({
      code: "QPLANE_ERR_RUN_CANCELLED",
    });
  });
});
