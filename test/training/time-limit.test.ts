/**
 * Bounded training time: training.maxSeconds and a caller's cap (the server's
 * QPLANE_MAX_JOB_SECONDS), the smaller one applying; a run past it stops — also inside a
 * step — at its last epoch checkpoint with QPLANE_ERR_TIME_LIMIT; time counts across
 * resumes; `qplane train` keeps the completed epochs in its run folder and fails.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { trainCommand } from "../../src/cli/train.js";
import { isQplaneError } from "../../src/errors/catalogue.js";
import { effectiveTimeLimit, trainModel } from "../../src/training/loop.js";
import { evaluateEachSplit, type TrainableModel } from "../../src/training/model.js";
import { parseJobSpec } from "../../src/training/spec.js";
import { ALTERNATING_DATA } from "../helpers/prepared-data.js";

const SERVER_CAP = { seconds: 60, setBy: "QPLANE_MAX_JOB_SECONDS" };

/** L = ½‖w‖²; with `hangAfterSteps`, every later step waits until the run's signal aborts. */
function model(hangAfterSteps = Number.POSITIVE_INFINITY): TrainableModel {
  let steps = 0;
  return {
    kind: "mlp",
    weightCount: 2,
    representationBits: 1,
    initialWeights: () => Float64Array.from([1, -1]),
    async lossAndGradient(weights, _split, _batch, gradient, _rng, _step, signal) {
      if (++steps > hangAfterSteps) {
        await new Promise((_, reject) =>
          signal?.addEventListener("abort", () => reject(new Error("aborted"))),
        );
      }
      gradient.set(weights);
      return { loss: 0.5 * (weights[0]! ** 2 + weights[1]! ** 2), circuitEvaluations: 0 };
    },
    async evaluate(weights, _split, _indices, options) {
      const information = options.information
        ? { ixt: 0, ity: 0, ht: 0, hy: 1, estimator: "plugin" as const, shots: 0 }
        : undefined;
      return { loss: weights[0]! ** 2, accuracy: 0.5, information, circuitEvaluations: 0 };
    },
    evaluateSplits(weights, requests, options) {
      return evaluateEachSplit(this, weights, requests, options);
    },
  };
}

const data = ALTERNATING_DATA;

const spec = (training: Record<string, unknown>) =>
  parseJobSpec({ dataset: { name: "moons" }, training: { batchSize: 4, ...training } });

describe("the training time limit", () => {
  it("is the smaller of training.maxSeconds and the caller's cap, naming what set it", () => {
    expect(effectiveTimeLimit(spec({ maxSeconds: 30 }), SERVER_CAP)).toEqual({
      seconds: 30,
      setBy: "spec.training.maxSeconds",
    });
    expect(effectiveTimeLimit(spec({ maxSeconds: 90 }), SERVER_CAP)).toEqual(SERVER_CAP);
    expect(effectiveTimeLimit(spec({}), SERVER_CAP)).toEqual(SERVER_CAP);
    expect(effectiveTimeLimit(spec({ maxSeconds: 0.5 }))).toEqual({
      seconds: 0.5,
      setBy: "spec.training.maxSeconds",
    });
    expect(effectiveTimeLimit(spec({}))).toBeNull();
  });

  it("refuses a training.maxSeconds that is not a positive number of seconds", () => {
    for (const [value, problem] of [
      [0, "Too small: expected number to be >0 (got 0)"],
      [-3, "Too small: expected number to be >0 (got -3)"],
      [3_000_000, "Too big: expected number to be <=2000000 (got 3000000)"],
      ["1h", 'Invalid input: expected number, received string (got "1h")'],
    ] as const) {
      expect(() => spec({ maxSeconds: value })).toThrow(`spec.training.maxSeconds: ${problem}`);
    }
  });

  it("stops a step in progress at the limit, handing back the last epoch checkpoint", async () => {
    const started = performance.now();
    // 2 steps per epoch: epoch 1 completes, then the first step of epoch 2 never ends
    const result = await trainModel(spec({ epochs: 5, maxSeconds: 0.2 }), data, model(2));
    const elapsedMs = performance.now() - started;
    expect(result.status).toBe("timed-out");
    if (result.status !== "timed-out") return;
    expect(result.error.code).toBe("QPLANE_ERR_TIME_LIMIT");
    expect(result.error.message).toBe(
      "training reached its time limit of 0.2 s (set by spec.training.maxSeconds) in epoch 2 of 5; the 1 completed epoch(s) are kept",
    );
    expect(result.records.map((record) => record.epoch)).toEqual([1]);
    expect(result.checkpoint.epoch).toBe(1);
    expect(Array.from(result.weights)).toEqual(result.checkpoint.weights);
    expect(result.summary.epochs).toBe(1);
    expect(elapsedMs).toBeGreaterThanOrEqual(200);
    expect(elapsedMs).toBeLessThan(2000);
  });

  it("counts the training time of earlier runs of the same job (the checkpoint's elapsedMs)", async () => {
    // a completed run hands back its last epoch checkpoint
    const { checkpoint } = await trainModel(spec({ epochs: 2 }), data, model());
    const resumeFrom = { ...checkpoint, elapsedMs: 60_000 };
    let steps = 0;
    const result = await trainModel(spec({ epochs: 6 }), data, model(), {
      resumeFrom,
      timeLimit: SERVER_CAP,
      onEvent: (event) => {
        if (event.type === "step") steps++;
      },
    });
    expect(steps).toBe(0);
    expect(result.status).toBe("timed-out");
    expect(result.status === "timed-out" && result.error.message).toBe(
      "training reached its time limit of 60 s (set by QPLANE_MAX_JOB_SECONDS) in epoch 3 of 6; the 2 completed epoch(s) are kept",
    );
    expect(result.checkpoint).toBe(resumeFrom);
    // below the limit, the same checkpoint trains on to the end
    const finished = await trainModel(spec({ epochs: 6 }), data, model(), {
      resumeFrom: { ...resumeFrom, elapsedMs: 1000 },
      timeLimit: SERVER_CAP,
    });
    expect(finished.status).toBe("completed");
    expect(finished.records).toHaveLength(6);
  });

  it("counts the time earlier runs spent in partial epochs (timeUsedMs), not only the checkpoint's", async () => {
    const { checkpoint } = await trainModel(spec({ epochs: 2 }), data, model());
    // the completed epochs took 1 s, but requeued runs spent 59.9 s in an epoch never finished;
    // this run's first step does not end by itself
    const resumeFrom = { ...checkpoint, elapsedMs: 1000 };
    const started = performance.now();
    const result = await trainModel(spec({ epochs: 6 }), data, model(0), {
      resumeFrom,
      timeLimit: SERVER_CAP,
      timeUsedMs: 59_900,
    });
    expect(result.status === "timed-out" && result.error.message).toBe(
      "training reached its time limit of 60 s (set by QPLANE_MAX_JOB_SECONDS) in epoch 3 of 6; the 2 completed epoch(s) are kept",
    );
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
    expect(performance.now() - started).toBeLessThan(2000);
    // a timeUsedMs below the checkpoint's elapsedMs does not lower it
    const below = await trainModel(spec({ epochs: 6 }), data, model(), {
      resumeFrom: { ...checkpoint, elapsedMs: 60_000 },
      timeLimit: SERVER_CAP,
      timeUsedMs: 10,
    });
    expect(below.status).toBe("timed-out");
  });

  it("makes `qplane train` write the completed epochs to its run folder and fail", async () => {
    const runsDir = mkdtempSync(join(tmpdir(), "qplane-time-limit-"));
    const error = await trainCommand(
      {
        flags: { dataset: "moons", qubits: "3", layers: "1", epochs: "100000", maxSeconds: "0.3" },
        runsDir,
        json: false,
        quiet: true,
      },
      () => {},
    ).catch((caught: unknown) => caught);
    expect(isQplaneError(error) && error.code).toBe("QPLANE_ERR_TIME_LIMIT");
    const match =
      /^training reached its time limit of 0\.3 s \(set by spec\.training\.maxSeconds\) in epoch (\d+) of 100000; the (\d+) completed epoch\(s\) are kept; run folder: (.+)$/.exec(
        (error as Error).message,
      );
    expect(match).not.toBeNull();
    const [, inProgress, completed, runDir] = match!;
    expect(Number(inProgress)).toBe(Number(completed) + 1);
    const metrics = JSON.parse(readFileSync(join(runDir!, "metrics.json"), "utf8")).metrics;
    expect(metrics).toHaveLength(Number(completed));
  });
});
