/**
 * Noisy-simulator benchmark: time per circuit (one parameter row) of the exact density-matrix
 * simulator against the statevector simulator, on the standard ansatz (bench:sim's workload:
 * 4 layers of [ry(x) encoding, ry(θ) rz(θ) on every qubit, CNOT chain], all qubits measured)
 * at 4, 6, 8 and 10 qubits; the density matrix runs once without noise and once under a
 * typical superconducting model (depolarizing, thermal relaxation, readout). Both are measured
 * in the same run, so the ratios hold on a busy machine where the absolute times do not.
 *
 *   npm run bench:noise            npm run bench:noise -- --json
 */
import { noisyProbabilities } from "../providers/local/density-simulator.js";
import { NOISELESS, parseNoiseModel } from "../providers/local/noise-model.js";
import { exactProbabilities } from "../providers/local/simulator.js";
import { buildAnsatz } from "../src/circuits/ansatz.js";

const QUBIT_COUNTS = [4, 6, 8, 10];
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

interface NoiseBenchRow {
  readonly qubits: number;
  readonly gates: number;
  readonly statevectorMs: number;
  readonly densityNoiselessMs: number;
  readonly densityNoisyMs: number;
  /** Noisy density matrix ÷ statevector, same run. */
  readonly noisyOverStatevector: number;
  /** Noisy ÷ noiseless density matrix: the channels' share. */
  readonly noisyOverNoiseless: number;
}

function measure(qubits: number): NoiseBenchRow {
  const readoutQubits = Array.from({ length: qubits }, (_, q) => q);
  const { circuit } = buildAnsatz({ qubits, layers: LAYERS, readoutQubits });
  const row = [circuit.parameters.map((_, column) => 0.1 + 0.37 * column)];
  const noise = typicalNoise(qubits);
  const statevector = bestSecondsPerCall(() => exactProbabilities(circuit, row));
  const noiseless = bestSecondsPerCall(() => noisyProbabilities(circuit, row, NOISELESS));
  const noisy = bestSecondsPerCall(() => noisyProbabilities(circuit, row, noise));
  return {
    qubits,
    gates: circuit.gates.length,
    statevectorMs: statevector * 1e3,
    densityNoiselessMs: noiseless * 1e3,
    densityNoisyMs: noisy * 1e3,
    noisyOverStatevector: noisy / statevector,
    noisyOverNoiseless: noisy / noiseless,
  };
}

function main(): void {
  const json = process.argv.includes("--json");
  const rows = QUBIT_COUNTS.map(measure);
  console.log(
    "qubits  gates  statevector ms  density ms (no noise)  density ms (noisy)  noisy/statevector  noisy/noiseless",
  );
  for (const r of rows) {
    console.log(
      [
        String(r.qubits).padStart(6),
        String(r.gates).padStart(6),
        r.statevectorMs.toPrecision(3).padStart(15),
        r.densityNoiselessMs.toPrecision(3).padStart(22),
        r.densityNoisyMs.toPrecision(3).padStart(19),
        r.noisyOverStatevector.toPrecision(3).padStart(18),
        r.noisyOverNoiseless.toPrecision(3).padStart(16),
      ].join(" "),
    );
  }
  if (json) console.log(JSON.stringify({ layers: LAYERS, rows }));
}

main();
