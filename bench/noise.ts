/**
 * Noisy-simulator benchmark: time per circuit (one parameter row) of the exact density-matrix
 * simulator and per shot of the quantum-trajectory sampler against the statevector
 * simulator, on the standard ansatz (bench:sim's workload: 4 layers of [ry(x) encoding,
 * ry(θ) rz(θ) on every qubit, CNOT chain], all qubits measured) at 4, 6, 8, 10 qubits
 * (density matrix and trajectories) and 14, 16 (trajectories only: beyond the density-matrix
 * limit). The density matrix runs once without noise and once under a typical
 * superconducting model (depolarizing, thermal relaxation, readout); trajectories under the
 * same model, one per shot, timed over 1024 shots of one row (64 at 14, 16 qubits): simulated from |0⟩,
 * and started from the row's shared no-event path (the default; trajectories.ts). All are
 * measured in the same run, so the ratios hold on a busy machine where the absolute times do
 * not. `break-even shots` = noisy density matrix ÷ trajectory per shot (shared path): below
 * it, sampling trajectories is cheaper than the exact density matrix (which also gives every
 * shot count for free once computed).
 *
 *   npm run bench:noise            npm run bench:noise -- --json
 *
 * {@link measureNoiseCostRatios} is the same measurement for another benchmark (bench:sim).
 */
import { pathToFileURL } from "node:url";
import { DENSITY_MAX_QUBITS, noisyProbabilities } from "../providers/local/density-simulator.js";
import { NOISELESS, parseNoiseModel } from "../providers/local/noise-model.js";
import { exactProbabilities } from "../providers/local/simulator.js";
import { trajectoryCounts } from "../providers/local/trajectories.js";
import { buildAnsatz } from "../src/circuits/ansatz.js";

const QUBIT_COUNTS = [4, 6, 8, 10, 14, 16];
/**
 * Shots of one timed trajectory run (its time is reported per shot): enough for ≥ 0.1 s
 * at every size on an idle machine.
 */
const trajectoryShots = (qubits: number) => (qubits <= 10 ? 1024 : 64);
const LAYERS = 4;
const TRIALS = 3;
const TRIAL_SECONDS = 0.2;

/** Depolarizing and durations in the range of IBM Eagle/Heron calibrations. */
function typicalNoise(qubits: number) {
  return parseNoiseModel({
    depolarizing: { default: 0.0003, cx: 0.008 },
    thermalRelaxation: {
      t1Ns: Array.from({ length: qubits }, (_, q) => 200_000 + 10_000 * q),
      t2Ns: Array.from({ length: qubits }, (_, q) => 150_000 + 5_000 * q),
      gateDurationsNs: { default: 60, rz: 0, cx: 400 },
    },
    readout: Array.from({ length: qubits }, () => [0.01, 0.02]),
  });
}

/** Seconds per shot of one run of `shots` shots, after a warm-up run of a few shots. */
function secondsPerShot(run: (shots: number) => void, shots: number): number {
  run(16);
  const start = process.hrtime.bigint();
  run(shots);
  return Number(process.hrtime.bigint() - start) / 1e9 / shots;
}

/** Seconds per call of `run`: the best of TRIALS trials of at least TRIAL_SECONDS each. */
function bestSecondsPerCall(run: () => void): number {
  run(); // warm-up: lets V8 optimise the kernels
  let best = Number.POSITIVE_INFINITY;
  for (let trial = 0; trial < TRIALS; trial++) {
    let calls = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0;
    while (elapsed < TRIAL_SECONDS) {
      run();
      calls++;
      elapsed = Number(process.hrtime.bigint() - start) / 1e9;
    }
    best = Math.min(best, elapsed / calls);
  }
  return best;
}

/** Density-matrix columns of a row: null beyond DENSITY_MAX_QUBITS (not simulated). */
interface DensityCost {
  readonly densityNoiselessMs: number;
  readonly densityNoisyMs: number;
  /** Noisy density matrix ÷ statevector, same run. */
  readonly noisyOverStatevector: number;
  /** Noisy ÷ noiseless density matrix: the channels' share. */
  readonly noisyOverNoiseless: number;
  /** Noisy density matrix ÷ trajectory per shot. */
  readonly breakEvenShots: number;
}

export interface NoiseBenchRow {
  readonly qubits: number;
  readonly gates: number;
  readonly statevectorMs: number;
  readonly density: DensityCost | null;
  /** One noisy trajectory (one shot) under the same model, simulated from |0⟩. */
  readonly trajectoryFromZeroMsPerShot: number;
  /** The same shots started from the row's no-event path (the default). */
  readonly trajectoryMsPerShot: number;
  /** Trajectory per shot (shared path) ÷ statevector, same run. */
  readonly trajectoryShotOverStatevector: number;
}

function measure(qubits: number): NoiseBenchRow {
  const readoutQubits = Array.from({ length: qubits }, (_, q) => q);
  const { circuit } = buildAnsatz({ qubits, layers: LAYERS, readoutQubits });
  const row = [circuit.parameters.map((_, column) => 0.1 + 0.37 * column)];
  const noise = typicalNoise(qubits);
  const statevector = bestSecondsPerCall(() => exactProbabilities(circuit, row));
  const trajectories = (shareNoEventPath: boolean) =>
    secondsPerShot(
      (shots) => trajectoryCounts(circuit, row, noise, { shots, seed: 1 }, { shareNoEventPath }),
      trajectoryShots(qubits),
    );
  const trajectoryFromZero = trajectories(false);
  const trajectoryShot = trajectories(true);
  let density: DensityCost | null = null;
  if (qubits <= DENSITY_MAX_QUBITS) {
    const noiseless = bestSecondsPerCall(() => noisyProbabilities(circuit, row, NOISELESS));
    const noisy = bestSecondsPerCall(() => noisyProbabilities(circuit, row, noise));
    density = {
      densityNoiselessMs: noiseless * 1e3,
      densityNoisyMs: noisy * 1e3,
      noisyOverStatevector: noisy / statevector,
      noisyOverNoiseless: noisy / noiseless,
      breakEvenShots: noisy / trajectoryShot,
    };
  }
  return {
    qubits,
    gates: circuit.gates.length,
    statevectorMs: statevector * 1e3,
    density,
    trajectoryFromZeroMsPerShot: trajectoryFromZero * 1e3,
    trajectoryMsPerShot: trajectoryShot * 1e3,
    trajectoryShotOverStatevector: trajectoryShot / statevector,
  };
}

/**
 * Times the statevector, density-matrix (up to DENSITY_MAX_QUBITS) and trajectory simulators
 * on the standard ansatz at each qubit count (module comment), in one run.
 */
export function measureNoiseCostRatios(
  qubitCounts: readonly number[] = QUBIT_COUNTS,
): NoiseBenchRow[] {
  return qubitCounts.map(measure);
}

const HEADER =
  "qubits  gates  statevector ms  density ms (no noise)  density ms (noisy)  noisy/statevector  noisy/noiseless  trajectory ms/shot (from |0⟩)  (shared path)  shot/statevector  break-even shots";

/** The table bench:noise prints (also for bench:sim). */
export function formatNoiseCostTable(rows: readonly NoiseBenchRow[]): string {
  const cell = (value: number | undefined, width: number) =>
    (value === undefined ? "—" : value.toPrecision(3)).padStart(width);
  const lines = rows.map((r) =>
    [
      String(r.qubits).padStart(6),
      String(r.gates).padStart(6),
      cell(r.statevectorMs, 15),
      cell(r.density?.densityNoiselessMs, 22),
      cell(r.density?.densityNoisyMs, 19),
      cell(r.density?.noisyOverStatevector, 18),
      cell(r.density?.noisyOverNoiseless, 16),
      cell(r.trajectoryFromZeroMsPerShot, 29),
      cell(r.trajectoryMsPerShot, 14),
      cell(r.trajectoryShotOverStatevector, 17),
      cell(r.density?.breakEvenShots, 17),
    ].join(" "),
  );
  return [HEADER, ...lines].join("\n");
}

function main(): void {
  const json = process.argv.includes("--json");
  const rows = measureNoiseCostRatios();
  console.log(formatNoiseCostTable(rows));
  if (json) console.log(JSON.stringify({ layers: LAYERS, rows }));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main();
}
