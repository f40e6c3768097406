/**
 * The exact noisy simulator: evolves the density matrix of a circuit gate by gate, applying
 * each gate's noise (noise-model.ts: depolarizing, then thermal relaxation, on the gate's
 * qubits) right after it; then register probabilities = diag ρ marginalised, then readout
 * confusion; shots are sampled from those with the seeded RNG, like the statevector
 * simulator's.
 *
 * Exact density matrices cost 16·4ⁿ bytes, so circuits are limited to DENSITY_MAX_QUBITS
 * (12 qubits: 256 MiB). Larger noisy circuits (seeded quantum-trajectory sampling) are not
 * implemented yet. Idle qubits do not decay: noise acts only on the qubits of a gate, for
 * its duration (no scheduling of idle time).
 */
import type { Circuit } from "../../src/circuits/ir.js";
import { MATRIX2_SIZE } from "../../src/circuits/matrices.js";
import { type ParameterRowsInput, toParameterMatrix } from "../../src/circuits/parameters.js";
import { QplaneError } from "../../src/errors/catalogue.js";
import { createRng } from "../../src/random/rng.js";
import {
  allocateDensityMatrix,
  applyOpToDensity,
  type DensityMatrix,
  densityRegisterProbabilities,
  resetDensityMatrix,
} from "./density-matrix.js";
import { applyDepolarizing2, applyOneQubitNoise } from "./noise-channels.js";
import type { NoiseModel } from "./noise-model.js";
import { type NoisePlan, resolveNoise } from "./noise-plan.js";
import { bindRow, compileProgram, type Program } from "./program.js";
import { applyReadoutError, clbitConfusion } from "./readout-noise.js";
import { sampleCounts } from "./sampling.js";
import {
  checkQubitLimit,
  checkShots,
  type RegisterCounts,
  type RegisterProbabilities,
  type SamplingOptions,
} from "./simulator.js";
import { buildOutcomeMap } from "./statevector.js";

/** Largest circuit the density-matrix simulator accepts: 4^12 complex entries = 256 MiB. */
export const DENSITY_MAX_QUBITS = 12;

export function checkDensityQubitLimit(circuit: Pick<Circuit, "numQubits" | "numClbits">): void {
  checkQubitLimit(circuit); // the classical register's bound is the statevector simulator's
  if (circuit.numQubits > DENSITY_MAX_QUBITS) {
    throw new QplaneError(
      "QPLANE_ERR_SIM_TOO_MANY_QUBITS",
      `numQubits ${circuit.numQubits} exceeds the noisy (density-matrix) simulator's limit of ${DENSITY_MAX_QUBITS} qubits (16·4^n bytes of state: ${(16 * 4 ** DENSITY_MAX_QUBITS) / 2 ** 20} MiB at ${DENSITY_MAX_QUBITS})`,
    );
  }
}

/** What one noisy run needs: the unfused program (noise sits between gates) and buffers. */
interface DensityRun {
  readonly program: Program;
  readonly plan: NoisePlan;
  readonly rho: DensityMatrix;
  /** Program operation of each circuit gate; −1 for `id`, which has noise but no operation. */
  readonly opOfGate: Int32Array;
  readonly conjugate: Float64Array;
}

function prepareRun(circuit: Circuit, model: NoiseModel): DensityRun {
  checkDensityQubitLimit(circuit);
  const plan = resolveNoise(model, circuit);
  const program = compileProgram(circuit, { fuse: false });
  const opOfGate = new Int32Array(circuit.gates.length).fill(-1);
  for (let op = 0; op < program.opCount; op++) {
    opOfGate[program.opGates[program.opGateStart[op]!]!] = op;
  }
  const rho = allocateDensityMatrix(circuit.numQubits);
  return { program, plan, rho, opOfGate, conjugate: new Float64Array(MATRIX2_SIZE) };
}

/** Evolves ρ from |0…0⟩ through the bound program with every gate's noise. */
function evolve(run: DensityRun): void {
  const { program, plan, rho, opOfGate, conjugate } = run;
  const { gates } = program.circuit;
  resetDensityMatrix(rho);
  for (let g = 0; g < gates.length; g++) {
    const op = opOfGate[g]!;
    if (op >= 0)
      applyOpToDensity(program, op, rho, program.matrices, program.matrixOffset[op]!, conjugate);
    const qubits = gates[g]!.qubits;
    const p = plan.depolarizing[g]!;
    if (qubits.length === 1) {
      applyOneQubitNoise(rho, qubits[0]!, p, plan.keptExcited[2 * g]!, plan.keptCoherence[2 * g]!);
      continue;
    }
    applyDepolarizing2(rho, qubits[0]!, qubits[1]!, p);
    for (let k = 0; k < 2; k++) {
      const slot = 2 * g + k;
      applyOneQubitNoise(rho, qubits[k]!, 0, plan.keptExcited[slot]!, plan.keptCoherence[slot]!);
    }
  }
}

/** Exact noisy probabilities of the classical register for every parameter row. */
export function noisyProbabilities(
  circuit: Circuit,
  rows: ParameterRowsInput,
  model: NoiseModel,
): RegisterProbabilities {
  const run = prepareRun(circuit, model);
  const matrix = toParameterMatrix(circuit, rows);
  const outcomes = buildOutcomeMap(run.program);
  const confusion = run.plan.readout ? clbitConfusion(circuit, run.plan.readout) : undefined;
  const { outcomeCount } = outcomes;
  const values = new Float64Array(matrix.rows * outcomeCount);
  for (let row = 0; row < matrix.rows; row++) {
    bindRow(run.program, matrix.values, matrix.cols, row);
    evolve(run);
    densityRegisterProbabilities(outcomes, run.rho, values, row * outcomeCount);
    if (confusion) applyReadoutError(confusion, values, row * outcomeCount);
  }
  return { rows: matrix.rows, outcomeCount, values };
}

/** Seeded noisy shot counts of the classical register for every parameter row. */
export function noisyCounts(
  circuit: Circuit,
  rows: ParameterRowsInput,
  model: NoiseModel,
  sampling: SamplingOptions,
): RegisterCounts {
  checkShots(sampling.shots);
  const rng = sampling.rng ?? createRng(sampling.seed ?? 0);
  const probabilities = noisyProbabilities(circuit, rows, model);
  const { outcomeCount } = probabilities;
  const cdf = new Float64Array(outcomeCount);
  const values = new Uint32Array(probabilities.rows * outcomeCount);
  for (let row = 0; row < probabilities.rows; row++) {
    const o = row * outcomeCount;
    sampleCounts(probabilities.values, o, outcomeCount, sampling.shots, rng, cdf, values, o);
  }
  return { rows: probabilities.rows, outcomeCount, shots: sampling.shots, values };
}

/** The final density matrix (before measurement and readout) for one parameter row. */
export function finalDensityMatrix(
  circuit: Circuit,
  row: readonly number[],
  model: NoiseModel,
): DensityMatrix {
  const run = prepareRun(circuit, model);
  const matrix = toParameterMatrix(circuit, circuit.parameters.length === 0 ? [] : [row]);
  bindRow(run.program, matrix.values, matrix.cols, 0);
  evolve(run);
  return run.rho;
}
