/**
 * Cost admission and the API's event loop, measured against a real server (Redis job
 * service, default limits):
 *
 * - the local simulator's rate in amplitude-operations per second (the unit of
 *   QPLANE_MAX_JOB_WORK, `src/training/cost.ts`) for 4–20 qubits, and adjoint / forward;
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
import { exactProbabilities } from "../providers/local/simulator.js";
import { buildApp } from "../src/api/app.js";
import { buildAnsatz } from "../src/circuits/ansatz.js";
import { loadConfig } from "../src/config.js";
import { createExperimentService } from "../src/jobs/experiments.js";
import { createJobService } from "../src/jobs/service.js";
import { checkJobCost, circuitShape, forwardOperations } from "../src/training/cost.js";
import { jobCostOf } from "../src/training/sizing.js";
import { type JobSpecInput, parseJobSpec } from "../src/training/spec.js";

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
    const { circuit } = buildAnsatz({
      qubits,
      layers,
      features: 2,
      entangler,
      readoutQubits: [qubits - 1],
    });
    const perRow = forwardOperations(circuitShape(circuit));
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
    "MLP 8 × 1024 hidden, 100 000 samples",
    {
      dataset: { name: "moons", samples: 100_000 },
      model: { kind: "mlp", hidden: Array.from({ length: 8 }, () => 1024) },
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
      const cost = jobCostOf(parseJobSpec(spec), true);
      checkJobCost(cost, config.limits); // the bench's specs must be admitted
      const answer = await timed("/v1/jobs?dryRun=true", spec);
      console.log(
        `  ${label}: ${answer.status}, first ${answer.firstMs.toFixed(1)} ms, median ${answer.medianMs.toFixed(1)} ms, max ${answer.maxMs.toFixed(1)} ms (${cost.amplitudeOperations.toExponential(2)} amplitude-operations, ${(cost.peakMemoryBytes / MIB).toFixed(0)} MiB)`,
      );
    }
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
