/**
 * Simulator benchmark: the standard workload of bench/reference/refsim.c (L = 4 layers of
 * [ry(x) encoding on every qubit, ry(θ) rz(θ) on every qubit, CNOT chain]) for 4–20 qubits,
 * run by qplane's batch API and by that in-repo native C reference, compiled with gcc -O3
 * -march=native in the same run; then forward vs forward + adjoint gradient on the
 * 8-qubit model. Those run on one thread (the native reference is single-threaded). Then the
 * same simulator on 1 vs N threads (providers/local/threads; N = QPLANE_THREADS, default the
 * cores, or --threads N): batches of rows, an adjoint gradient batch and one large circuit,
 * each checked for results identical to the 1-thread run. Last, the noisy simulators' cost
 * (density matrix and trajectories, bench/noise.ts) against the noiseless statevector at 4,
 * 6, 8 and 10 qubits. Prints tables; with --json, also one JSON line at the end.
 *
 *   npm run bench:sim            npm run bench:sim -- --json       npm run bench:sim -- --threads 4
 *   npm run bench:sim -- --threads-only      (the native reference and the threads section)
 */

import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { adjointProbabilityGradients } from "../providers/local/adjoint.js";
import { exactProbabilities } from "../providers/local/simulator.js";
import { setThreadCount, threadCount } from "../providers/local/threads/settings.js";
import { buildAnsatz } from "../src/circuits/ansatz.js";
import type { Circuit } from "../src/circuits/ir.js";
import type { ParameterMatrix } from "../src/circuits/parameters.js";
import { formatNoiseCostTable, measureNoiseCostRatios } from "./noise.js";

const QUBIT_COUNTS = [4, 8, 12, 16, 20];
/** Qubit counts of the noisy-simulation section (the density matrix up to its limit). */
const NOISE_QUBIT_COUNTS = [4, 6, 8, 10];
const LAYERS = 4;
const TRIALS = 5;
const TRIAL_SECONDS = 0.2;

const here = dirname(fileURLToPath(import.meta.url));
const projectRoot = resolve(here, here.includes(`${join("dist", "bench")}`) ? "../.." : "..");
const referenceSource = resolve(projectRoot, "bench/reference/refsim.c");

/** The refsim workload: the re-uploading ansatz with a linear CNOT chain, all qubits measured. */
export function workloadCircuit(qubits: number, layers = LAYERS): Circuit {
  const readoutQubits = Array.from({ length: qubits }, (_, q) => q);
  return buildAnsatz({ qubits, layers, readoutQubits }).circuit;
}

/** Rows as refsim draws them: x_q = 0.1·q + r·1e-6, ry weight 0.3 + q, rz weight 0.7 − q. */
function workloadRows(circuit: Circuit, rows: number, firstRep: number): ParameterMatrix {
  const cols = circuit.parameters.length;
  const values = new Float64Array(rows * cols);
  const valueForRep = circuit.parameters.map(({ kind, name }) => {
    if (kind === "input") {
      const q = Number(name.slice(1));
      return (rep: number) => 0.1 * q + rep * 1e-6;
    }
    const [, , q, axis] = name.split("_"); // theta_{layer}_{qubit}_{ry|rz}
    const value = axis === "ry" ? 0.3 + Number(q) : 0.7 - Number(q);
    return () => value;
  });
  for (let r = 0; r < rows; r++) {
    valueForRep.forEach((value, column) => {
      values[r * cols + column] = value(firstRep + r);
    });
  }
  return { rows, cols, values };
}

function gateCount(qubits: number): number {
  return LAYERS * (3 * qubits + qubits - 1);
}

/**
 * Seconds per row of `run` (which evaluates `batchRows` rows): the best of TRIALS trials of
 * at least TRIAL_SECONDS each. The minimum is the least disturbed by other load on the host.
 */
function bestTimePerRow(batchRows: number, run: () => void): number {
  run(); // warm-up: compiles the program and lets V8 optimise the kernels
  let best = Number.POSITIVE_INFINITY;
  for (let trial = 0; trial < TRIALS; trial++) {
    let rows = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0;
    while (elapsed < TRIAL_SECONDS) {
      run();
      rows += batchRows;
      elapsed = Number(process.hrtime.bigint() - start) / 1e9;
    }
    best = Math.min(best, elapsed / rows);
  }
  return best;
}

interface NativeRow {
  readonly usPerCircuit: number;
  readonly nsPerGateAmp: number;
}

function runNative(): Map<number, NativeRow> | string {
  if (!existsSync(referenceSource)) return `reference source not found at ${referenceSource}`;
  const outputDir = join(projectRoot, "bench", ".native");
  mkdirSync(outputDir, { recursive: true });
  const binary = join(outputDir, "refsim");
  try {
    execFileSync("gcc", ["-O3", "-march=native", "-o", binary, referenceSource, "-lm"], {
      stdio: "pipe",
    });
  } catch (error) {
    return `gcc failed: ${(error as Error).message.split("\n")[0]}`;
  }
  const output = execFileSync(binary, { encoding: "utf8" });
  const rows = new Map<number, NativeRow>();
  for (const line of output.split("\n")) {
    const match = /n=\s*(\d+).*?([\d.]+) us\/circuit\s+([\d.]+) ns/.exec(line);
    if (match)
      rows.set(Number(match[1]), {
        usPerCircuit: Number(match[2]),
        nsPerGateAmp: Number(match[3]),
      });
  }
  return rows;
}

/** µs per circuit through the public batch API (parameter binding + probabilities included). */
function benchmarkQubits(
  qubits: number,
  fuseGates: boolean,
): { usPerCircuit: number; nsPerGateAmp: number } {
  const circuit = workloadCircuit(qubits);
  const batch = qubits <= 8 ? 2000 : qubits <= 12 ? 100 : qubits <= 16 ? 8 : 1;
  // distinct rows per batch as in refsim (x shifts by 1e-6 per repetition), built up front
  const batches = Array.from({ length: 4 }, (_, k) => workloadRows(circuit, batch, k * batch));
  let k = 0;
  const seconds = bestTimePerRow(batch, () => {
    exactProbabilities(circuit, batches[k++ % batches.length]!, { fuseGates });
  });
  return {
    usPerCircuit: seconds * 1e6,
    nsPerGateAmp: (seconds * 1e9) / (gateCount(qubits) * 2 ** qubits),
  };
}

function benchmarkAdjoint(qubits: number, layers: number) {
  const circuit = workloadCircuit(qubits, layers);
  const batch = 500;
  const rows = workloadRows(circuit, batch, 0);
  const forward = bestTimePerRow(batch, () => exactProbabilities(circuit, rows));
  const withGradient = bestTimePerRow(batch, () =>
    adjointProbabilityGradients(circuit, rows, (_row, probabilities, cotangent) => {
      // cross-entropy-like cotangent: −1/p on the outcome "0…0"
      cotangent[0] = -1 / Math.max(probabilities[0]!, 1e-12);
    }),
  );
  return {
    qubits,
    layers,
    weights: circuit.parameters.filter((p) => p.kind === "weight").length,
    forwardSamplesPerSecond: 1 / forward,
    gradientSamplesPerSecond: 1 / withGradient,
    ratio: withGradient / forward,
  };
}

/** One workload of the threads section: what runs, on how many rows, compared how. */
interface ThreadWorkload {
  readonly workload: "batch" | "single" | "adjoint";
  readonly qubits: number;
  readonly rows: number;
  /** Evaluates the rows; returns the numbers that must not depend on the thread count. */
  readonly run: () => Float64Array;
}

function threadWorkloads(): ThreadWorkload[] {
  const forward = (qubits: number, rows: number, workload: "batch" | "single"): ThreadWorkload => {
    const circuit = workloadCircuit(qubits);
    const matrix = workloadRows(circuit, rows, 0);
    return { workload, qubits, rows, run: () => exactProbabilities(circuit, matrix).values };
  };
  const adjoint = (qubits: number, rows: number): ThreadWorkload => {
    const circuit = workloadCircuit(qubits);
    const matrix = workloadRows(circuit, rows, 0);
    return {
      workload: "adjoint",
      qubits,
      rows,
      run: () =>
        adjointProbabilityGradients(circuit, matrix, (row, probabilities, cotangent) => {
          const t = row % probabilities.length;
          cotangent[t] = -1 / Math.max(probabilities[t]!, 1e-12);
        }).gradients,
    };
  };
  return [
    forward(4, 16, "batch"), // tiny: must stay on one thread
    forward(8, 64, "batch"),
    forward(8, 2000, "batch"),
    forward(12, 64, "batch"),
    adjoint(8, 64),
    adjoint(8, 500),
    adjoint(14, 8), // each thread with its own states (the memory budget)
    forward(16, 1, "single"),
    forward(20, 1, "single"),
  ];
}

function sameNumbers(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && a.every((value, i) => Object.is(value, b[i]));
}

/**
 * Seconds per row on 1 and on `threads` threads: the best of TRIALS alternating trials of
 * each (alternating, so that other load on the host weighs on both alike); and the process's
 * CPU time per row over all trials, whose ratio is the threads' overhead whatever the load
 * (on a busy machine the wall-clock speedup is bounded by the process's share of the cores).
 */
function compareThreads(workload: ThreadWorkload, threads: number) {
  const timePerRow = { 1: Number.POSITIVE_INFINITY, [threads]: Number.POSITIVE_INFINITY };
  const cpu = { 1: { seconds: 0, rows: 0 }, [threads]: { seconds: 0, rows: 0 } };
  const results: Record<number, Float64Array> = {};
  for (const count of [1, threads]) {
    setThreadCount(count);
    results[count] = workload.run(); // warm-up, and the numbers to compare
  }
  for (let trial = 0; trial < TRIALS; trial++) {
    for (const count of [1, threads]) {
      setThreadCount(count);
      let rows = 0;
      const start = process.hrtime.bigint();
      const cpuStart = process.cpuUsage();
      let elapsed = 0;
      while (elapsed < TRIAL_SECONDS) {
        workload.run();
        rows += workload.rows;
        elapsed = Number(process.hrtime.bigint() - start) / 1e9;
      }
      const used = process.cpuUsage(cpuStart);
      cpu[count]!.seconds += (used.user + used.system) / 1e6;
      cpu[count]!.rows += rows;
      timePerRow[count] = Math.min(timePerRow[count]!, elapsed / rows);
    }
  }
  setThreadCount(1);
  return {
    usPerRow1: timePerRow[1]! * 1e6,
    usPerRowN: timePerRow[threads]! * 1e6,
    cpuOverhead: cpu[threads]!.seconds / cpu[threads]!.rows / (cpu[1]!.seconds / cpu[1]!.rows),
    identical: sameNumbers(results[1]!, results[threads]!),
  };
}

function benchmarkThreads(threads: number, native: Map<number, NativeRow> | string) {
  return threadWorkloads().map((workload) => {
    const { usPerRow1, usPerRowN, cpuOverhead, identical } = compareThreads(workload, threads);
    const reference = typeof native === "string" ? undefined : native.get(workload.qubits);
    return {
      workload: workload.workload,
      qubits: workload.qubits,
      rows: workload.rows,
      threads,
      usPerRow1,
      usPerRowN,
      speedupVs1: usPerRow1 / usPerRowN,
      /** CPU time per row on N threads ÷ on 1 (process-wide: spinning and duplicated work). */
      cpuOverhead,
      identical,
      // the N-thread figure over single-threaded native C (forward passes only)
      ratioToNative:
        reference && workload.workload !== "adjoint" ? usPerRowN / reference.usPerCircuit : null,
    };
  });
}

/** --threads N, else QPLANE_THREADS (default: the cores); at least 2 to compare anything. */
function threadsToCompare(): number {
  const at = process.argv.indexOf("--threads");
  const threads = at >= 0 ? Number(process.argv[at + 1]) : threadCount();
  if (!Number.isInteger(threads) || threads < 1) {
    throw new Error(`--threads must be a whole number ≥ 1, got ${process.argv[at + 1]}`);
  }
  return Math.max(2, threads);
}

/** The single-threaded tables, comparable with the (single-threaded) native reference. */
function singleThreaded(native: Map<number, NativeRow> | string) {
  setThreadCount(1);
  const rows = QUBIT_COUNTS.map((qubits) => {
    const ours = benchmarkQubits(qubits, true);
    const unfused = benchmarkQubits(qubits, false);
    const reference = typeof native === "string" ? undefined : native.get(qubits);
    return {
      qubits,
      gates: gateCount(qubits),
      usPerCircuit: ours.usPerCircuit,
      nsPerGateAmp: ours.nsPerGateAmp,
      unfusedUsPerCircuit: unfused.usPerCircuit,
      unfusedRatioToNative: reference ? unfused.usPerCircuit / reference.usPerCircuit : null,
      nativeUsPerCircuit: reference?.usPerCircuit ?? null,
      nativeNsPerGateAmp: reference?.nsPerGateAmp ?? null,
      ratioToNative: reference ? ours.usPerCircuit / reference.usPerCircuit : null,
    };
  });
  console.log(
    "qubits gates  qplane µs/circuit  ns/(gate·amp) | native µs/circuit  ns/(gate·amp) | ratio | unfused µs  ratio",
  );
  for (const row of rows) {
    console.log(
      `${String(row.qubits).padStart(6)} ${String(row.gates).padStart(5)}  ${row.usPerCircuit.toFixed(2).padStart(17)}  ${row.nsPerGateAmp.toFixed(3).padStart(13)} | ${(row.nativeUsPerCircuit?.toFixed(2) ?? "n/a").padStart(17)}  ${(row.nativeNsPerGateAmp?.toFixed(3) ?? "n/a").padStart(13)} | ${(row.ratioToNative?.toFixed(2) ?? "n/a").padStart(5)} | ${row.unfusedUsPerCircuit.toFixed(2).padStart(10)}  ${row.unfusedRatioToNative?.toFixed(2) ?? "n/a"}`,
    );
  }
  console.log("(ns/(gate·amp) counts the workload's gates before fusion, as refsim does)");
  const adjoint = [1, 2, 4, 8].map((layers) => benchmarkAdjoint(8, layers));
  console.log(
    "\nadjoint gradient, 8 qubits: forward vs forward + gradient of all weights (batch API)",
  );
  console.log("layers weights  forward samples/s  +gradient samples/s  cost ratio");
  for (const a of adjoint) {
    console.log(
      `${String(a.layers).padStart(6)} ${String(a.weights).padStart(7)}  ${a.forwardSamplesPerSecond.toFixed(0).padStart(17)}  ${a.gradientSamplesPerSecond.toFixed(0).padStart(19)}  ${a.ratio.toFixed(2).padStart(10)}`,
    );
  }
  return { rows, adjoint };
}

function main(): void {
  const json = process.argv.includes("--json");
  const threads = threadsToCompare();
  const native = runNative();
  if (typeof native === "string") console.log(`native reference unavailable: ${native}`);
  // --threads-only: the threads section alone (a short quiet window on a shared machine)
  const single = process.argv.includes("--threads-only") ? null : singleThreaded(native);
  const threadRows = benchmarkThreads(threads, native);
  console.log(
    `\nthreads: 1 vs ${threads} (µs per row; ratio = ${threads}-thread µs ÷ native C µs)`,
  );
  console.log(
    "workload qubits  rows   1 thread  N threads  speedup  identical  ratio to native  cpu overhead",
  );
  for (const t of threadRows) {
    console.log(
      `${t.workload.padEnd(8)} ${String(t.qubits).padStart(6)} ${String(t.rows).padStart(5)} ${t.usPerRow1.toFixed(2).padStart(10)} ${t.usPerRowN.toFixed(2).padStart(10)} ${t.speedupVs1.toFixed(2).padStart(8)}  ${String(t.identical).padStart(9)}  ${(t.ratioToNative?.toFixed(2) ?? "n/a").padStart(15)}  ${t.cpuOverhead.toFixed(2).padStart(12)}`,
    );
  }
  // the noisy simulators' cost against the noiseless one, same run (bench/noise.ts)
  const noise = single === null ? null : measureNoiseCostRatios(NOISE_QUBIT_COUNTS);
  if (noise !== null) {
    console.log("\nnoisy simulation (Qiskit-style depolarizing + thermal relaxation + readout):");
    console.log(formatNoiseCostTable(noise));
  }
  if (json) {
    const model = single?.adjoint.find((a) => a.layers === LAYERS);
    const adjoint = single && { ...model, byLayers: single.adjoint };
    console.log(
      JSON.stringify({ rows: single?.rows ?? null, adjoint, threads: threadRows, noise }),
    );
  }
}

main();
