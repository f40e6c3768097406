/**
 * The simulator's worker threads (providers/local/threads): every entry point gives the same
 * numbers, bit for bit, on 1, 2 and 3 threads, and the same as the single-threaded sources
 * (test/helpers/simulator-threads.ts: the compiled modules, which start threads).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import type * as ProviderModule from "../../../providers/local/provider.js";
import * as sourceSimulator from "../../../providers/local/simulator.js";
import * as sourceSettings from "../../../providers/local/threads/settings.js";
import type * as RegistryModule from "../../../src/backends/registry.js";
import { isQplaneError } from "../../../src/errors/catalogue.js";
import { createRunPool, threadsPerRun } from "../../../src/experiments/run-pool.js";
import type * as ShiftModule from "../../../src/gradients/parameter-shift.js";
import { createRng } from "../../../src/random/rng.js";
import type { EpochRecord } from "../../../src/training/records.js";
import type * as TrainingModule from "../../../src/training/run.js";
import type { JobSpec } from "../../../src/training/spec.js";
import { circuitWithRow } from "../../helpers/random-circuits.js";
import {
  adjoint,
  dist,
  expectIdentical,
  matrixFor,
  onThreads,
  pacing,
  pool,
  settings,
  simulator,
  THREAD_COUNTS,
  workload,
} from "../../helpers/simulator-threads.js";

const provider = (await import(dist("providers/local/provider.js"))) as typeof ProviderModule;
const shift = (await import(dist("src/gradients/parameter-shift.js"))) as typeof ShiftModule;
const training = (await import(dist("src/training/run.js"))) as typeof TrainingModule;
const registry = (await import(dist("src/backends/registry.js"))) as typeof RegistryModule;

afterEach(() => settings.setThreadCount(undefined));

describe("simulator threads", () => {
  it("compute forward probabilities of a batch identically on 1, 2 and 3 threads", () => {
    const circuit = workload(8);
    const matrix = matrixFor(circuit, 64);
    const reference = sourceSimulator.exactProbabilities(circuit, matrix).values;
    const runs = onThreads(() => simulator.exactProbabilities(circuit, matrix).values);
    for (const { result } of runs) expectIdentical(result, reference);
    expect(runs.map(({ tasks }) => tasks)).toEqual([0, 1, 2]);
  });

  it("apply readout errors to threaded rows as to single-threaded ones", () => {
    const circuit = workload(6);
    const matrix = matrixFor(circuit, 200, 1);
    const options = { readoutError: { p1Given0: 0.03, p0Given1: 0.05 } };
    const reference = sourceSimulator.exactProbabilities(circuit, matrix, options).values;
    const runs = onThreads(() => simulator.exactProbabilities(circuit, matrix, options).values);
    for (const { result } of runs) expectIdentical(result, reference);
    expect(runs[2]!.tasks).toBeGreaterThan(0);
  });

  it("draw the same shots as today's sequential sampler (one seeded stream over rows)", () => {
    const circuit = workload(8);
    const matrix = matrixFor(circuit, 64, 2);
    const sampling = { shots: 500, seed: 1234 };
    const reference = sourceSimulator.sampledCounts(circuit, matrix, sampling).values;
    const runs = onThreads(() => simulator.sampledCounts(circuit, matrix, sampling).values);
    for (const { result } of runs) expectIdentical(result, reference);
    expect(runs[1]!.tasks).toBe(1);
    // and a generator passed in advances as it does single-threaded
    const rngs = THREAD_COUNTS.map((threads) => {
      settings.setThreadCount(threads);
      const rng = createRng(99);
      simulator.sampledCounts(circuit, matrix, { shots: 50, rng });
      return rng.nextFloat();
    });
    expect(new Set(rngs).size).toBe(1);
  });

  it("compute adjoint gradients identically, asking for cotangents in row order", async () => {
    const circuit = workload(8);
    const matrix = matrixFor(circuit, 48, 3);
    const cotangentsAsked: number[][] = [];
    const gradients = THREAD_COUNTS.map((threads) => {
      settings.setThreadCount(threads);
      const order: number[] = [];
      cotangentsAsked.push(order);
      let loss = 0;
      const result = adjoint.adjointProbabilityGradients(circuit, matrix, (row, p, out) => {
        order.push(row);
        const t = (row * 37) % p.length;
        loss += -Math.log(Math.max(p[t]!, 1e-12));
        out[t] = -1 / Math.max(p[t]!, 1e-12);
      });
      return { result, loss };
    });
    const rows = Array.from({ length: 48 }, (_, row) => row);
    for (const order of cotangentsAsked) expect(order).toEqual(rows);
    const [one, ...more] = gradients;
    expect(one!.result.gradients.some((g) => Math.abs(g) > 1e-3)).toBe(true);
    for (const other of more) {
      expectIdentical(other.result.gradients, one!.result.gradients);
      expectIdentical(other.result.probabilities.values, one!.result.probabilities.values);
      expect(Object.is(other.loss, one!.loss)).toBe(true);
    }
    // the paced form on the event loop gives the same numbers
    settings.setThreadCount(2);
    const paced = await pacing.runPaced(
      adjoint.pacedAdjointProbabilityGradients(circuit, matrix, (row, p, out) => {
        const t = (row * 37) % p.length;
        out[t] = -1 / Math.max(p[t]!, 1e-12);
      }),
    );
    expectIdentical(paced.gradients, one!.result.gradients);
  });

  it("compute parameter-shift batches through the local provider identically", async () => {
    const circuit = workload(6, 2);
    const matrix = matrixFor(circuit, 16, 4);
    const local = new provider.LocalProvider();
    const jacobians: Float64Array[] = [];
    for (const threads of THREAD_COUNTS) {
      settings.setThreadCount(threads);
      const before = pool.postedTaskCount();
      const shifted = await shift.parameterShiftJacobian(
        circuit,
        matrix,
        async (expanded, rows) => {
          const result = await (await local.run(expanded, rows, { shots: 0 })).result();
          if (result.kind !== "probabilities") throw new Error("expected probabilities");
          return result.values;
        },
      );
      jacobians.push(shifted.jacobian);
      if (threads > 1) expect(pool.postedTaskCount() - before).toBeGreaterThan(0);
    }
    for (const jacobian of jacobians.slice(1)) expectIdentical(jacobian, jacobians[0]!);
  });

  it("split a large state's gate passes by amplitude blocks with the same state", () => {
    // 14 qubits (the split threshold): gates on the top qubits run on the calling thread
    const circuit = workload(14, 2);
    const matrix = matrixFor(circuit, 2, 5);
    const reference = sourceSimulator.exactProbabilities(circuit, matrix).values;
    const runs = onThreads(() => simulator.exactProbabilities(circuit, matrix).values);
    for (const { result } of runs) expectIdentical(result, reference);
    expect(runs[1]!.tasks).toBeGreaterThan(2); // bound state + one task per parallel segment
    const row = Array.from(matrix.values.subarray(0, matrix.cols));
    const state = sourceSimulator.finalStatevector(circuit, row);
    for (const threads of THREAD_COUNTS) {
      settings.setThreadCount(threads);
      const split = simulator.finalStatevector(circuit, row);
      expectIdentical(split.re, state.re);
      expectIdentical(split.im, state.im);
    }
  });

  it("split random circuits over every gate kind identically", () => {
    fc.assert(
      fc.property(
        circuitWithRow({ minQubits: 14, maxQubits: 15, maxGates: 40, scramble: true }),
        ({ circuit, row }) => {
          const reference = sourceSimulator.finalStatevector(circuit, row);
          for (const threads of [2, 3]) {
            settings.setThreadCount(threads);
            const split = simulator.finalStatevector(circuit, row);
            expectIdentical(split.re, reference.re);
            expectIdentical(split.im, reference.im);
          }
        },
      ),
      { numRuns: 12 },
    );
  });

  it("leave tiny batches on the calling thread", () => {
    const circuit = workload(4, 4);
    const matrix = matrixFor(circuit, 16, 6);
    const runs = onThreads(() => simulator.exactProbabilities(circuit, matrix).values);
    expect(runs.map(({ tasks }) => tasks)).toEqual([0, 0, 0]);
    const gradientRuns = onThreads(() =>
      adjoint.adjointProbabilityGradients(circuit, matrix, (_row, _p, out) => {
        out[0] = 1;
      }),
    );
    expect(gradientRuns.map(({ tasks }) => tasks)).toEqual([0, 0, 0]);
  });

  it("stop a cancelled threaded run and leave the pool ready for the next", async () => {
    settings.setThreadCount(2);
    const circuit = workload(10);
    const matrix = matrixFor(circuit, 400, 7);
    const controller = new AbortController();
    const run = pacing.runPaced(
      simulator.pacedExactProbabilities(circuit, matrix, { chunkAmplitudeOperations: 2 ** 12 }),
      controller.signal,
    );
    controller.abort();
    await expect(run).rejects.toMatchObject({ code: "QPLANE_ERR_RUN_CANCELLED" });
    const before = pool.postedTaskCount();
    const again = simulator.exactProbabilities(circuit, matrix).values;
    expect(pool.postedTaskCount() - before).toBe(1);
    expectIdentical(again, sourceSimulator.exactProbabilities(circuit, matrix).values);
  });

  it("share a held pool: a second run computes on its own thread meanwhile", async () => {
    settings.setThreadCount(2);
    const circuit = workload(9);
    const matrix = matrixFor(circuit, 300, 8);
    const options = { chunkAmplitudeOperations: 2 ** 14 };
    const reference = sourceSimulator.exactProbabilities(circuit, matrix).values;
    const [first, second] = await Promise.all([
      pacing.runPaced(simulator.pacedExactProbabilities(circuit, matrix, options)),
      pacing.runPaced(simulator.pacedExactProbabilities(circuit, matrix, options)),
    ]);
    expectIdentical(first.values, reference);
    expectIdentical(second.values, reference);
  });
});

describe("training on simulator threads", () => {
  it.each([
    ["adjoint", 0],
    ["parameter-shift", 300],
  ] as const)(
    "writes the same run record with %s gradients (shots %d) on 1 and 2 threads",
    async (gradient, shots) => {
      const spec = {
        dataset: { name: "moons", samples: 120 },
        model: { qubits: 8, layers: 2 },
        training: { epochs: 1, batchSize: 64, gradient, seed: 3 },
        backend: { shots },
      };
      const runs = [];
      for (const threads of [1, 2]) {
        settings.setThreadCount(threads);
        const before = pool.postedTaskCount();
        const { result } = await training.runTraining(spec, {
          resolveBackend: registry.localBackendResolver,
        });
        runs.push({ result, tasks: pool.postedTaskCount() - before });
      }
      const [one, two] = runs;
      expect(one!.tasks).toBe(0);
      expect(two!.tasks).toBeGreaterThan(0);
      expectIdentical(two!.result.weights, one!.result.weights);
      const withoutTimes = (records: readonly EpochRecord[]) =>
        records.map(({ elapsedMs: _, ...rest }) => rest);
      expect(withoutTimes(two!.result.records)).toEqual(withoutTimes(one!.result.records));
    },
  );
});

describe("QPLANE_THREADS", () => {
  it("defaults to the cores and accepts 1..256", () => {
    expect(sourceSettings.parseThreadCount(undefined, 6)).toBe(6);
    expect(sourceSettings.parseThreadCount("", 3)).toBe(3);
    expect(sourceSettings.parseThreadCount("1", 8)).toBe(1);
    expect(sourceSettings.parseThreadCount(" 12 ", 2)).toBe(12);
  });

  it("stops a simulation in a process started with a bad value, naming it", () => {
    const script = `const { exactProbabilities } = await import(${JSON.stringify(dist("providers/local/simulator.js"))});
const { CircuitBuilder } = await import(${JSON.stringify(dist("src/circuits/ir.js"))});
const circuit = new CircuitBuilder(1).add("h", [0]).measureAll().build();
exactProbabilities(circuit, [[]]);`;
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      env: { ...process.env, QPLANE_THREADS: "two" },
      encoding: "utf8",
    });
    expect(child.status).not.toBe(0);
    expect(child.stderr).toContain(
      'QPLANE_THREADS must be an integer in 1..256 (threads per simulation), got "two"',
    );
  });

  it.each(["0", "-2", "1.5", "many", "257"])("refuses %j naming the variable", (value) => {
    let error: unknown;
    try {
      sourceSettings.parseThreadCount(value, 2);
    } catch (caught) {
      error = caught;
    }
    expect(isQplaneError(error) && error.code).toBe("QPLANE_ERR_CONFIG");
    expect((error as Error).message).toContain("QPLANE_THREADS");
    expect((error as Error).message).toContain(`"${value}"`);
  });
});

describe("qplane experiment --parallel thread budget", () => {
  it("gives each of the pool's runs an equal share of QPLANE_THREADS (default: the cores)", () => {
    expect(threadsPerRun(4, { QPLANE_THREADS: "16" })).toBe("4");
    expect(threadsPerRun(3, { QPLANE_THREADS: "16" })).toBe("5");
    expect(threadsPerRun(32, { QPLANE_THREADS: "16" })).toBe("1");
    expect(threadsPerRun(1, {})).toBe(String(availableParallelism()));
    expect(threadsPerRun(availableParallelism(), {})).toBe("1");
    // a bad value reaches the runs unchanged, where the simulator refuses it by name
    expect(threadsPerRun(2, { QPLANE_THREADS: "lots" })).toBe("lots");
    expect(threadsPerRun(2, { QPLANE_THREADS: "0" })).toBe("0");
  });

  it("starts each run's thread with its share in QPLANE_THREADS", async () => {
    const dir = mkdtempSync(join(tmpdir(), "qplane-threads-budget-"));
    const workerPath = join(dir, "env-worker.mjs");
    writeFileSync(
      workerPath,
      `import { parentPort } from "node:worker_threads";
parentPort.on("message", () => {
  parentPort.postMessage({ ok: true, records: [], summary: { threads: process.env.QPLANE_THREADS } });
});
`,
    );
    const saved = process.env.QPLANE_THREADS;
    process.env.QPLANE_THREADS = "6";
    const runs = createRunPool({ size: 3, workerUrl: pathToFileURL(workerPath) });
    try {
      const spec = {} as unknown as JobSpec;
      const results = await Promise.all([runs.run(spec), runs.run(spec), runs.run(spec)]);
      expect(
        results.map((result) => (result.summary as unknown as { threads: string }).threads),
      ).toEqual(["2", "2", "2"]);
    } finally {
      await runs.close();
      if (saved === undefined) delete process.env.QPLANE_THREADS;
      else process.env.QPLANE_THREADS = saved;
    }
  });
});
