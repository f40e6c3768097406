/**
 * Cost admission and the API's event loop, measured against a real server (Redis job
 * service, default limits):
 *
 * - the local simulator's rate in amplitude-operations per second (the unit of
 *   QPLANE_MAX_JOB_WORK, `src/training/cost.ts`) for 4–20 qubits, and adjoint / forward;
 * - shot sampling (ns per shot by outcome count), the MLP (ns per multiply-add) and the Holevo
 *   quantity's eigensolve (× d³), against the weights the cost model gives them;
 * - estimate / real time of whole training runs (adjoint, parameter-shift, shots-heavy SPSA,
 *   Holevo χ of an 8-qubit readout, MLP): the cost model's amplitude-operations ÷
 *   SIMULATOR_OPERATIONS_PER_SECOND against the measured wall time of `runTraining`;
 * - the 10⁸-point grid (4 fields × 100 values, ~2.6 KB): answer time and API heap growth;
 * - the maximal spec: refusal time;
 * - dry runs of the largest specs the default limits accept: answer time.
 *
 *   npm run build && node --expose-gc dist/bench/admission.js   (Redis at REDIS_URL)
 */
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import { adjointProbabilityGradients } from "../providers/local/adjoint.js";
import { sampleCounts } from "../providers/local/sampling.js";
import { exactProbabilities } from "../providers/local/simulator.js";
import { buildApp } from "../src/api/app.js";
import { localBackendResolver } from "../src/backends/registry.js";
import { ansatzSize, buildAnsatz } from "../src/circuits/ansatz.js";
import { loadConfig } from "../src/config.js";
import { EIGENSOLVE_OPERATIONS_PER_CUBE, hermitianEigenvalues } from "../src/infoplane/holevo.js";
import { createExperimentService } from "../src/jobs/experiments.js";
import { createJobService } from "../src/jobs/service.js";
import { createRng } from "../src/random/rng.js";
import {
  ansatzCircuitShape,
  forwardOperations,
  MLP_OPERATIONS_PER_MULTIPLY_ADD,
  SIMULATOR_OPERATIONS_PER_SECOND,
  shotOperations,
} from "../src/training/cost.js";
import { checkJobCost } from "../src/training/cost-limits.js";
import { createMlpModel } from "../src/training/mlp-model.js";
import { prepareData } from "../src/training/prepare.js";
import { runTraining } from "../src/training/run.js";
import { jobCostOf } from "../src/training/sizing.js";
import { type JobSpecInput, parseJobSpec } from "../src/training/spec.js";

/** The local simulator: what the cost model is calibrated against. */
const LOCAL = localBackendResolver("local");

const prefix = `bench-admission-${randomBytes(4).toString("hex")}`;
const config = loadConfig({ ...process.env, QPLANE_KEY_PREFIX: prefix, LOG_LEVEL: "warn" });
const MIB = 1024 * 1024;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Forward rate and adjoint cost of the ansatz at a few sizes, ~0.3 s of work each. */
function simulatorRate(): { qubits: number; operationsPerSecond: number; adjointRatio: number }[] {
  const sizes: [number, number, "linear" | "full"][] = [
    [4, 3, "linear"],
    [8, 10, "linear"],
    [12, 10, "full"],
    [16, 10, "linear"],
    [20, 4, "linear"],
  ];
  return sizes.map(([qubits, layers, entangler]) => {
    const options = { qubits, layers, features: 2, entangler, readoutQubits: [qubits - 1] };
    const { circuit } = buildAnsatz(options);
    const perRow = forwardOperations(ansatzCircuitShape(ansatzSize(options)));
    const rows = Math.max(2, Math.round(3e8 / perRow));
    const cols = circuit.parameters.length;
    const values = Float64Array.from({ length: rows * cols }, (_, k) => Math.sin(k));
    const matrix = { rows, cols, values };
    exactProbabilities(circuit, { rows: 1, cols, values: values.subarray(0, cols) }); // warm-up
    let started = performance.now();
    exactProbabilities(circuit, matrix);
    const forwardSeconds = (performance.now() - started) / 1000;
    started = performance.now();
    adjointProbabilityGradients(circuit, matrix, (_row, _p, cotangent) => {
      cotangent[0] = 1;
    });
    const adjointSeconds = (performance.now() - started) / 1000;
    return {
      qubits,
      operationsPerSecond: (perRow * rows) / forwardSeconds,
      adjointRatio: adjointSeconds / forwardSeconds,
    };
  });
}

/** Nanoseconds per sampled shot by outcome count (2 M shots each). */
function samplingRate(): { outcomes: number; nsPerShot: number }[] {
  const shots = 2_000_000;
  return [2, 16, 256, 4096, 65_536].map((outcomes) => {
    const rng = createRng(1);
    const probabilities = Float64Array.from({ length: outcomes }, (_, i) => 1 + Math.sin(i) ** 2);
    const cdf = new Float64Array(outcomes);
    const counts = new Uint32Array(outcomes);
    sampleCounts(probabilities, 0, outcomes, shots / 10, rng, cdf, counts, 0); // warm-up
    const started = performance.now();
    sampleCounts(probabilities, 0, outcomes, shots, rng, cdf, counts, 0);
    return { outcomes, nsPerShot: ((performance.now() - started) * 1e6) / shots };
  });
}

/** Nanoseconds per multiply-add of the MLP's training step (3 per weight and sample). */
/** ms of one d×d complex Hermitian eigensolve, against EIGENSOLVE_OPERATIONS_PER_CUBE. */
function eigensolveRate(): { dim: number; ms: number; perCube: number }[] {
  const rng = createRng(11);
  return [64, 128, 256].map((dim) => {
    const re = Float64Array.from({ length: dim * dim }, () => rng.nextFloat());
    const im = Float64Array.from({ length: dim * dim }, () => rng.nextFloat());
    const reps = Math.max(2, Math.round(2 ** 23 / dim ** 3));
    hermitianEigenvalues({ dim, re, im });
    const started = performance.now();
    for (let r = 0; r < reps; r++) hermitianEigenvalues({ dim, re, im });
    const ms = (performance.now() - started) / reps;
    return { dim, ms, perCube: ((ms / 1000) * SIMULATOR_OPERATIONS_PER_SECOND) / dim ** 3 };
  });
}

async function mlpRate(hidden: number[]): Promise<number> {
  const spec = parseJobSpec({
    dataset: { name: "moons", samples: 2000 },
    model: { kind: "mlp", hidden },
  });
  const data = prepareData(spec);
  const model = createMlpModel(spec, data);
  const rng = createRng(1);
  const weights = model.initialWeights(rng);
  const gradient = new Float64Array(model.weightCount);
  const batch = Int32Array.from({ length: data.train.samples }, (_, i) => i);
  await model.lossAndGradient(weights, data.train, batch.subarray(0, 64), gradient, rng, 0);
  const started = performance.now();
  await model.lossAndGradient(weights, data.train, batch, gradient, rng, 0);
  return ((performance.now() - started) * 1e6) / (3 * batch.length * model.weightCount);
}

/** Representative runs: estimated seconds (amplitude-operations ÷ rate) against real ones. */
const END_TO_END: [string, JobSpecInput][] = [
  [
    "default 4q × 3, 20 000 samples, 1 epoch",
    { dataset: { name: "moons", samples: 20_000 }, training: { epochs: 1 } },
  ],
  [
    "16q × 4 adjoint, 40 samples",
    {
      dataset: { name: "moons", samples: 40 },
      model: { qubits: 16, layers: 4 },
      training: { epochs: 1 },
    },
  ],
  [
    "parameter-shift 6q × 4, 300 samples",
    {
      dataset: { name: "moons", samples: 300 },
      model: { qubits: 6, layers: 4 },
      training: { gradient: "parameter-shift", epochs: 1 },
    },
  ],
  [
    "SPSA 4q, 400 samples, 5 000 shots (shots-heavy)",
    {
      dataset: { name: "moons", samples: 400 },
      model: { qubits: 4, layers: 2 },
      training: { gradient: "spsa", epochs: 2, batchSize: 400 },
      backend: { shots: 5000 },
    },
  ],
  [
    "SPSA 8q, T = all qubits at 2 000 shots (256 outcomes)",
    {
      dataset: { name: "moons", samples: 400 },
      model: { qubits: 8, layers: 2 },
      training: { gradient: "spsa", epochs: 1, batchSize: 400 },
      infoPlane: { register: "all", shots: 2000 },
    },
  ],
  [
    "Holevo χ, 16q × 2, readout = 8 qubits (qubits / 2), 40 samples",
    {
      dataset: { name: "moons", samples: 40 },
      model: { qubits: 16, layers: 2, readout: [0, 1, 2, 3, 4, 5, 6, 7] },
      training: { epochs: 1 },
      infoPlane: { holevo: true },
    },
  ],
  [
    "MLP 3 × 1024, 400 samples",
    {
      dataset: { name: "moons", samples: 400 },
      model: { kind: "mlp", hidden: [1024, 1024, 1024] },
      training: { epochs: 1 },
    },
  ],
  [
    "MLP 2 × 32, 20 000 samples",
    {
      dataset: { name: "moons", samples: 20_000 },
      model: { kind: "mlp", hidden: [32, 32] },
      training: { epochs: 1 },
    },
  ],
];

async function endToEnd(): Promise<void> {
  console.log(
    "\nwhole runs (runTraining, local simulator): estimate = amplitude-operations ÷ rate",
  );
  for (const [label, input] of END_TO_END) {
    const estimated =
      jobCostOf(parseJobSpec(input), LOCAL.provider).amplitudeOperations /
      SIMULATOR_OPERATIONS_PER_SECOND;
    const started = performance.now();
    await runTraining(input, { resolveBackend: localBackendResolver });
    const real = (performance.now() - started) / 1000;
    console.log(
      `  ${label}: estimated ${estimated.toFixed(2)} s, real ${real.toFixed(2)} s, estimate / real = ${(estimated / real).toFixed(2)}`,
    );
  }
}

const gc = (globalThis as { gc?: () => void }).gc;
function heapUsed(): number {
  gc?.();
  return process.memoryUsage().heapUsed;
}

const GRID_VALUES = Array.from({ length: 100 }, (_, i) => i + 2);
const BIG_GRID = {
  spec: { dataset: { name: "moons" } },
  grid: {
    "training.seed": GRID_VALUES,
    "training.epochs": GRID_VALUES,
    "feedback.probeSize": GRID_VALUES,
    "dataset.seed": GRID_VALUES,
  },
};
const MAXIMAL: JobSpecInput = {
  dataset: { name: "moons", samples: 100_000 },
  model: { qubits: 20, layers: 200, entangler: "full" },
  training: { batchSize: 100_000, epochs: 1000 },
};
/** The largest specs of each kind that the default limits still admit. */
const LARGEST_ACCEPTED: [string, JobSpecInput][] = [
  ["100 000 samples, default model", { dataset: { name: "moons", samples: 100_000 } }],
  [
    "20 qubits × 200 layers, full entangler (46 400 gates), 8 samples",
    {
      dataset: { name: "moons", samples: 8 },
      model: { qubits: 20, layers: 200, entangler: "full" },
      training: { epochs: 1 },
    },
  ],
  [
    "parameter-shift, 8 qubits × 20 layers, batch 300 (192 300 shifted rows)",
    {
      dataset: { name: "moons", samples: 400 },
      model: { qubits: 8, layers: 20 },
      training: { gradient: "parameter-shift", batchSize: 300, epochs: 2 },
    },
  ],
  [
    "MLP 5 × 1024 hidden, 100 000 samples",
    {
      dataset: { name: "moons", samples: 100_000 },
      model: { kind: "mlp", hidden: Array.from({ length: 5 }, () => 1024) },
      training: { epochs: 1 },
    },
  ],
];

async function main(): Promise<void> {
  console.log("simulator (one core; amplitude-operations as src/training/cost.ts counts them):");
  for (const { qubits, operationsPerSecond, adjointRatio } of simulatorRate()) {
    console.log(
      `  ${String(qubits).padStart(2)} qubits: ${(operationsPerSecond / 1e9).toFixed(2)}e9 amplitude-operations/s, adjoint gradient = ${adjointRatio.toFixed(1)} × forward`,
    );
  }

  const nsPerOperation = 1e9 / SIMULATOR_OPERATIONS_PER_SECOND;
  console.log("shot sampling (cost model: shotOperations(clbits) amplitude-operations per shot):");
  for (const { outcomes, nsPerShot } of samplingRate()) {
    const modelled = shotOperations(Math.log2(outcomes)) * nsPerOperation;
    console.log(
      `  ${String(outcomes).padStart(5)} outcomes: ${nsPerShot.toFixed(1)} ns per shot (model ${modelled.toFixed(1)} ns)`,
    );
  }
  console.log("MLP training step (cost model: MLP_OPERATIONS_PER_MULTIPLY_ADD per multiply-add):");
  for (const hidden of [
    [256, 256, 256],
    [1024, 1024, 1024],
  ]) {
    const nsPerMultiplyAdd = await mlpRate(hidden);
    console.log(
      `  ${hidden.length} × ${hidden[0]}: ${nsPerMultiplyAdd.toFixed(2)} ns per multiply-add (model ${(MLP_OPERATIONS_PER_MULTIPLY_ADD * nsPerOperation).toFixed(2)} ns)`,
    );
  }
  console.log(
    `Hermitian eigensolve (Holevo χ; cost model: ${EIGENSOLVE_OPERATIONS_PER_CUBE} × d³ amplitude-operations):`,
  );
  for (const { dim, ms, perCube } of eigensolveRate()) {
    console.log(
      `  d = ${String(dim).padStart(3)}: ${ms.toFixed(1)} ms (${perCube.toFixed(1)} × d³; model ${((EIGENSOLVE_OPERATIONS_PER_CUBE * dim ** 3 * nsPerOperation) / 1e6).toFixed(1)} ms)`,
    );
  }
  await endToEnd();

  const service = createJobService({ config });
  const experiments = createExperimentService({ config, jobs: service });
  const app = await buildApp({
    service,
    experiments,
    limits: { ...config.limits, rateLimitPerMinute: 0 },
    log: false,
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const post = async (path: string, body: unknown) => {
    const started = performance.now();
    const response = await fetch(`${base}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, ms: performance.now() - started, text };
  };
  const timed = async (path: string, body: unknown, times = 7) => {
    const answers = [];
    for (let i = 0; i < times; i++) answers.push(await post(path, body));
    return {
      status: answers[0]!.status,
      firstMs: answers[0]!.ms,
      medianMs: median(answers.map((answer) => answer.ms)),
      maxMs: Math.max(...answers.map((answer) => answer.ms)),
      text: answers[0]!.text,
    };
  };

  try {
    console.log(
      `\nlimits: QPLANE_MAX_JOB_WORK ${config.limits.maxJobWork.toExponential(2)}, QPLANE_MAX_JOB_MEMORY_MB ${config.limits.maxJobMemoryMb}`,
    );
    const heapBefore = heapUsed();
    let peakGrowth = 0;
    const gridTimes: number[] = [];
    let gridStatus = 0;
    for (let i = 0; i < 7; i++) {
      const answer = await post("/v1/experiments", BIG_GRID);
      gridStatus = answer.status;
      gridTimes.push(answer.ms);
      peakGrowth = Math.max(peakGrowth, process.memoryUsage().heapUsed - heapBefore);
    }
    console.log(
      `10^8-point grid (${JSON.stringify(BIG_GRID).length} bytes): ${gridStatus}, first ${gridTimes[0]!.toFixed(1)} ms, median ${median(gridTimes).toFixed(1)} ms, max ${Math.max(...gridTimes).toFixed(1)} ms; API heap growth ≤ ${(peakGrowth / MIB).toFixed(1)} MiB${gc ? "" : " (run with --expose-gc for a settled baseline)"}`,
    );

    const maximal = await timed("/v1/jobs", MAXIMAL);
    console.log(
      `maximal spec (20 qubits, 200 layers, full, 100 000 samples, batch 100 000, 1000 epochs): ${maximal.status}, first ${maximal.firstMs.toFixed(1)} ms, median ${maximal.medianMs.toFixed(1)} ms\n  ${JSON.parse(maximal.text).error.message}`,
    );

    console.log("dry runs of the largest accepted specs:");
    for (const [label, spec] of LARGEST_ACCEPTED) {
      const cost = jobCostOf(parseJobSpec(spec), LOCAL.provider);
      checkJobCost(cost, config.limits); // the bench's specs must be admitted
      const answer = await timed("/v1/jobs?dryRun=true", spec);
      console.log(
        `  ${label}: ${answer.status}, first ${answer.firstMs.toFixed(1)} ms, median ${answer.medianMs.toFixed(1)} ms, max ${answer.maxMs.toFixed(1)} ms (${cost.amplitudeOperations.toExponential(2)} amplitude-operations, ${(cost.peakMemoryBytes / MIB).toFixed(0)} MiB)`,
      );
    }

    // every answer a different spec: nothing a dry run could cache serves the next one
    const firstTimes: number[] = [];
    for (let layers = 200; layers > 180; layers--) {
      const answer = await post("/v1/jobs?dryRun=true", {
        dataset: { name: "moons", samples: 8 },
        model: { qubits: 20, layers, entangler: "full" },
        training: { epochs: 1 },
      });
      if (answer.status !== 200) throw new Error(`dry run answered ${answer.status}`);
      firstTimes.push(answer.ms);
    }
    console.log(
      `  20 qubits × 181–200 layers, full entangler, each spec once: median ${median(firstTimes).toFixed(1)} ms, max ${Math.max(...firstTimes).toFixed(1)} ms`,
    );
  } finally {
    await app.close();
    await experiments.close();
    await service.close();
    const redis = new Redis(config.redisUrl);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
