/**
 * The MLP and the Holevo quantity are paced like the simulator (providers/local/pacing.ts):
 * a pass in chunks computes exactly the numbers of an unchunked one, the event loop runs
 * during a long step or evaluation, and a cancel or time limit stops it within a bound.
 * Timings asserted only with generous bounds; the measured latencies are in the report.
 */
import { describe, expect, it } from "vitest";
import { LocalProvider } from "../../providers/local/provider.js";
import { finalStatevector } from "../../providers/local/simulator.js";
import { holevoQuantity } from "../../src/infoplane/holevo.js";
import { eigensolveOperations } from "../../src/infoplane/spectrum.js";
import { CHUNK_AMPLITUDE_OPERATIONS } from "../../src/pacing/pacing.js";
import { createRng, type Rng } from "../../src/random/rng.js";
import { trainModel } from "../../src/training/loop.js";
import { createMlpModel } from "../../src/training/mlp-model.js";
import type { PreparedData, PreparedSplit } from "../../src/training/model.js";
import { parseJobSpec } from "../../src/training/spec.js";
import { buildVqcCircuits } from "../../src/training/vqc-circuits.js";
import { createVqcModel } from "../../src/training/vqc-model.js";

function randomData(rng: Rng, samples: number, features: number, classes: number): PreparedData {
  const labels = Int32Array.from({ length: samples }, () => Math.floor(rng.nextFloat() * classes));
  const split: PreparedSplit = {
    samples,
    features: Float64Array.from({ length: samples * features }, () => 2 * rng.nextFloat() - 1),
    labels,
    infoLabels: labels,
  };
  return {
    task: "classification",
    featureCount: features,
    classes,
    infoClasses: classes,
    train: split,
    test: split,
  };
}

/**
 * Runs `work` while counting turns of the event loop: a callback that re-queues itself with
 * setImmediate runs once per loop iteration, and a paced computation gives the loop one
 * iteration per pause, so `turns` counts the pauses whatever the machine's load (wall-clock
 * bounds did not hold: on a loaded 2-core host a 25 ms chunk takes a second). With
 * `abortAtTurn`, the signal given to `work` aborts at that turn, and `turnsAfterAbort`
 * counts the pauses the work still made before it stopped.
 */
async function paced<T>(
  work: (signal: AbortSignal) => Promise<T>,
  abortAtTurn?: number,
): Promise<{ outcome: T | unknown; turns: number; turnsAfterAbort: number; ms: number }> {
  const controller = new AbortController();
  let running = true;
  let turns = 0;
  let turnsAfterAbort = 0;
  const turn = () => {
    if (!running) return;
    if (controller.signal.aborted) turnsAfterAbort++;
    turns++;
    if (turns === abortAtTurn) controller.abort("cancel");
    setImmediate(turn);
  };
  setImmediate(turn);
  const started = performance.now();
  let outcome: T | unknown;
  try {
    outcome = await work(controller.signal);
  } catch (error) {
    outcome = error;
  } finally {
    running = false;
  }
  return { outcome, turns, turnsAfterAbort, ms: performance.now() - started };
}

describe("the paced MLP", () => {
  const mlpSpec = (hidden: number[], training: Record<string, unknown> = {}) =>
    parseJobSpec({ dataset: { name: "moons" }, model: { kind: "mlp", hidden }, training });

  it("gives the same loss, gradient and evaluation in passes of one sample as in passes of 256", async () => {
    const data = randomData(createRng(3), 600, 5, 3);
    const spec = mlpSpec([16, 12]);
    const whole = createMlpModel(spec, data);
    // a pause after every sample: one sample per pass
    const oneByOne = createMlpModel(spec, data, { chunkOperations: 1 });
    const weights = whole.initialWeights(createRng(9));
    const batch = Int32Array.from({ length: 600 }, (_, i) => (i * 7) % 600);
    const rng = createRng(1);
    const [gradientA, gradientB] = [
      new Float64Array(whole.weightCount),
      new Float64Array(whole.weightCount),
    ];
    const a = await whole.lossAndGradient(weights, data.train, batch, gradientA, rng, 0);
    const b = await oneByOne.lossAndGradient(weights, data.train, batch, gradientB, rng, 0);
    expect(b.loss).toBe(a.loss);
    expect(Array.from(gradientB)).toEqual(Array.from(gradientA));
    const options = { information: true, rng };
    expect(await oneByOne.evaluate(weights, data.test, null, options)).toEqual(
      await whole.evaluate(weights, data.test, null, options),
    );
  });

  it("lets the event loop run in a one-step epoch and stops it at a cancel or the time limit", async () => {
    // 3 × 1024 hidden units, one batch of 2000 samples: a step of tens of seconds unpaced
    const data = randomData(createRng(4), 2000, 2, 2);
    const spec = mlpSpec([1024, 1024, 1024], { epochs: 1, batchSize: 2000 });
    const cancelled = await paced(
      (signal) => trainModel(spec, data, createMlpModel(spec, data), { signal }),
      3,
    );
    expect((cancelled.outcome as { status: string }).status).toBe("cancelled");
    // the loop turned during the step, and the step stopped at the first pause after the abort
    expect(cancelled.turnsAfterAbort).toBeLessThanOrEqual(1);

    const limited = parseJobSpec({ ...spec, training: { ...spec.training, maxSeconds: 0.1 } });
    const timedOut = await paced(() => trainModel(limited, data, createMlpModel(limited, data)));
    expect((timedOut.outcome as { status: string }).status).toBe("timed-out");
    // stopped inside the step: the whole step (tens of seconds in 25 ms chunks) pauses over
    // a thousand times
    expect(timedOut.turns).toBeLessThan(100);
  });
});

describe("the paced Holevo quantity", () => {
  const vqc = (qubits: number, layers: number, samples: number, readout?: number[]) => {
    const spec = parseJobSpec({
      dataset: { name: "moons" },
      // the fixed encoding: the rows below are built by hand as [x₀, x₁, ...weights]
      model: { qubits, layers, encoding: "fixed", ...(readout === undefined ? {} : { readout }) },
      infoPlane: { holevo: true },
    });
    const data = randomData(createRng(5), samples, 2, 2);
    const model = createVqcModel(spec, data, new LocalProvider(), true);
    return { spec, data, model, weights: model.initialWeights(createRng(6)) };
  };

  it("equals χ of the states simulated one by one", async () => {
    const { spec, data, model, weights } = vqc(5, 2, 40);
    const { circuit, readoutQubits } = buildVqcCircuits(spec, data);
    const states = Array.from({ length: data.train.samples }, (_, sample) =>
      finalStatevector(circuit, [
        data.train.features[2 * sample]!,
        data.train.features[2 * sample + 1]!,
        ...weights,
      ]),
    );
    expect(await model.holevo!(weights, data.train)).toBe(holevoQuantity(states, readoutQubits));
  });

  it("lets the event loop run and stops at a cancel", async () => {
    // 14 qubits, 600 rows: over a second of simulation
    const { data, model, weights } = vqc(14, 4, 600);
    const cancelled = await paced((signal) => model.holevo!(weights, data.train, signal), 3);
    expect(cancelled.outcome).toMatchObject({ code: "QPLANE_ERR_RUN_CANCELLED" });
    expect(cancelled.turnsAfterAbort).toBeLessThanOrEqual(1);
  });

  it("pauses inside the 256×256 eigensolves of the largest register it admits", async () => {
    // 16 qubits, readout of 8: per state ρ_R (2^24 multiply-adds) and a 256×256 eigensolve
    // (≈ 0.13 s each), then the mean state's
    const { data, model, weights } = vqc(16, 1, 3, [0, 1, 2, 3, 4, 5, 6, 7]);
    const whole = await paced(() => model.holevo!(weights, data.train));
    expect(typeof whole.outcome).toBe("number");
    console.log(`paced Holevo, 16 qubits: ${whole.turns} pauses in ${whole.ms.toFixed(0)} ms`);
    // 4 eigensolves (3 states and the mean), each several chunks of work: at least that
    // many pauses, which only pauses inside the eigensolves give
    const chunksPerEigensolve = Math.floor(eigensolveOperations(256) / CHUNK_AMPLITUDE_OPERATIONS);
    expect(chunksPerEigensolve).toBeGreaterThanOrEqual(2);
    expect(whole.turns).toBeGreaterThanOrEqual(4 * chunksPerEigensolve);
    const cancelled = await paced((signal) => model.holevo!(weights, data.train, signal), 2);
    expect(cancelled.outcome).toMatchObject({ code: "QPLANE_ERR_RUN_CANCELLED" });
    expect(cancelled.turnsAfterAbort).toBeLessThanOrEqual(1);
  });
});
