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
 * Runs `work`, watching the event loop with a 1 ms interval: its ms, and the longest time the
 * loop was held (between two ticks, or from the start to the first).
 */
async function timed<T>(
  work: () => Promise<T>,
): Promise<{ outcome: T | unknown; ms: number; longestHoldMs: number }> {
  const started = performance.now();
  let lastTick = started;
  let longestHoldMs = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    longestHoldMs = Math.max(longestHoldMs, now - lastTick);
    lastTick = now;
  }, 1);
  let outcome: T | unknown;
  try {
    outcome = await work();
  } catch (error) {
    outcome = error;
  }
  clearInterval(ticker);
  return { outcome, ms: performance.now() - started, longestHoldMs };
}

const abortAfter = (ms: number) => {
  const controller = new AbortController();
  setTimeout(() => controller.abort("cancel"), ms);
  return controller.signal;
};

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
    const cancelled = await timed(() =>
      trainModel(spec, data, createMlpModel(spec, data), { signal: abortAfter(50) }),
    );
    expect((cancelled.outcome as { status: string }).status).toBe("cancelled");
    expect(cancelled.ms).toBeLessThan(1500);
    expect(cancelled.longestHoldMs).toBeLessThan(500);

    const limited = parseJobSpec({ ...spec, training: { ...spec.training, maxSeconds: 0.1 } });
    const timedOut = await timed(() => trainModel(limited, data, createMlpModel(limited, data)));
    expect((timedOut.outcome as { status: string }).status).toBe("timed-out");
    expect(timedOut.ms).toBeLessThan(1500);
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
    const cancelled = await timed(() => model.holevo!(weights, data.train, abortAfter(50)));
    expect(cancelled.outcome).toMatchObject({ code: "QPLANE_ERR_RUN_CANCELLED" });
    expect(cancelled.ms).toBeLessThan(1000);
    expect(cancelled.longestHoldMs).toBeLessThan(500);
  });

  it("pauses inside the 256×256 eigensolves of the largest register it admits", async () => {
    // 16 qubits, readout of 8: per state ρ_R (2^24 multiply-adds) and a 256×256 eigensolve
    // (≈ 0.13 s each), then the mean state's
    const { data, model, weights } = vqc(16, 1, 3, [0, 1, 2, 3, 4, 5, 6, 7]);
    const whole = await timed(() => model.holevo!(weights, data.train));
    expect(typeof whole.outcome).toBe("number");
    expect(whole.longestHoldMs).toBeLessThan(150);
    const cancelled = await timed(() => model.holevo!(weights, data.train, abortAfter(100)));
    expect(cancelled.outcome).toMatchObject({ code: "QPLANE_ERR_RUN_CANCELLED" });
    expect(cancelled.ms).toBeLessThan(300);
  });
});
