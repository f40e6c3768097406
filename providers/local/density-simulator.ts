/**
 * The exact noisy simulator: evolves the density matrix of a circuit gate by gate, applying
 * each gate's noise (noise-model.ts: depolarizing, then thermal relaxation, on the gate's
 * qubits) right after it; then register probabilities = diag ρ marginalised, then readout
 * confusion; shots are sampled from those with the seeded RNG, like the statevector
 * simulator's.
 *
 * Exact density matrices cost 16·4ⁿ bytes, so they are limited to DENSITY_MAX_QUBITS
 * (12 qubits: 256 MiB). Shots of larger noisy circuits, and of smaller ones when few shots
 * make them cheaper (`noisyMethod`), come from seeded quantum trajectories (trajectories.ts:
 * 16·2ⁿ bytes, up to the statevector simulator's limit); exact
 * probabilities (shots = 0) of such circuits are refused. Idle qubits do not decay: noise
 * acts only on the qubits of a gate, for its duration (no scheduling of idle time).
 *
 * Each entry point has a paced form (pacing.ts) that pauses between chunks of work — within
 * a row, every few gate passes at 10–12 qubits — for the providers; the plain forms run it to
 * the end, so both compute the same numbers.
 */
import type { Circuit } from "../../src/circuits/ir.js";
import { MATRIX2_SIZE } from "../../src/circuits/matrices.js";
import { type ParameterRowsInput, toParameterMatrix } from "../../src/circuits/parameters.js";
import { QplaneError } from "../../src/errors/catalogue.js";
import { DENSITY_MAX_QUBITS, noisyMethod } from "../../src/pacing/work-units.js";
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
import { type Paced, runToEnd, WorkMeter } from "./pacing.js";
import { bindRow, compileProgram, type Program } from "./program.js";
import { applyReadoutError, clbitConfusion } from "./readout-noise.js";
import { cumulativeProbabilities, drawShots, shotOperations } from "./sampling.js";
import {
  checkQubitLimit,
  checkShots,
  meterFor,
  type RegisterCounts,
  type RegisterProbabilities,
  type SamplingOptions,
  type SimulatorOptions,
} from "./simulator.js";
import { buildOutcomeMap } from "./statevector.js";
import { operationOfEachGate, pacedTrajectoryCounts } from "./trajectories.js";

// the density matrix's limit and the density-or-trajectories rule are the cost model's too
export { DENSITY_MAX_QUBITS };

/**
 * Refuses a circuit the density matrix cannot hold: exact probabilities (shots = 0) only
 * exist up to DENSITY_MAX_QUBITS; shots of larger circuits come from trajectories.
 */
export function checkDensityQubitLimit(circuit: Pick<Circuit, "numQubits" | "numClbits">): void {
  checkQubitLimit(circuit); // the classical register's bound is the statevector simulator's
  if (circuit.numQubits > DENSITY_MAX_QUBITS) {
    throw new QplaneError(
      "QPLANE_ERR_SIM_TOO_MANY_QUBITS",
      `numQubits ${circuit.numQubits} exceeds the noisy (density-matrix) simulator's limit of ${DENSITY_MAX_QUBITS} qubits (16·4^n bytes of state: ${(16 * 4 ** DENSITY_MAX_QUBITS) / 2 ** 20} MiB at ${DENSITY_MAX_QUBITS}) for exact probabilities (shots = 0); shots ≥ 1 sample larger circuits by quantum trajectories`,
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
  const opOfGate = operationOfEachGate(program);
  const rho = allocateDensityMatrix(circuit.numQubits);
  return { program, plan, rho, opOfGate, conjugate: new Float64Array(MATRIX2_SIZE) };
}

/**
 * Evolves ρ from |0…0⟩ through the bound program with every gate's noise, pausing when
 * `meter` says (a gate with its noise is counted as 4 passes over the 4ⁿ entries of ρ).
 */
function* evolvePaced(run: DensityRun, meter: WorkMeter): Paced<void> {
  const { program, plan, rho, opOfGate, conjugate } = run;
  const { gates } = program.circuit;
  const gatePassOperations = 4 * rho.re.length;
  resetDensityMatrix(rho);
  for (let g = 0; g < gates.length; g++) {
    const op = opOfGate[g]!;
    if (op >= 0)
      applyOpToDensity(program, op, rho, program.matrices, program.matrixOffset[op]!, conjugate);
    const qubits = gates[g]!.qubits;
    const p = plan.depolarizing[g]!;
    if (qubits.length === 1) {
      applyOneQubitNoise(rho, qubits[0]!, p, plan.keptExcited[2 * g]!, plan.keptCoherence[2 * g]!);
    } else {
      applyDepolarizing2(rho, qubits[0]!, qubits[1]!, p);
      for (let k = 0; k < 2; k++) {
        const slot = 2 * g + k;
        applyOneQubitNoise(rho, qubits[k]!, 0, plan.keptExcited[slot]!, plan.keptCoherence[slot]!);
      }
    }
    if (meter.spend(gatePassOperations)) yield;
  }
}

/** Runs {@link evolvePaced} without pausing. */
function evolve(run: DensityRun): void {
  runToEnd(evolvePaced(run, new WorkMeter(Number.POSITIVE_INFINITY)));
}

/** Exact noisy probabilities of the classical register for every parameter row. */
export function noisyProbabilities(
  circuit: Circuit,
  rows: ParameterRowsInput,
  model: NoiseModel,
): RegisterProbabilities {
  return runToEnd(pacedNoisyProbabilities(circuit, rows, model));
}

/** {@link noisyProbabilities}, pausing between chunks of work (`meter`: of a longer pass). */
export function* pacedNoisyProbabilities(
  circuit: Circuit,
  rows: ParameterRowsInput,
  model: NoiseModel,
  meter: WorkMeter = meterFor({}),
): Paced<RegisterProbabilities> {
  const run = prepareRun(circuit, model);
  const matrix = toParameterMatrix(circuit, rows);
  const outcomes = buildOutcomeMap(run.program);
  const confusion = run.plan.readout ? clbitConfusion(circuit, run.plan.readout) : undefined;
  const { outcomeCount } = outcomes;
  const values = new Float64Array(matrix.rows * outcomeCount);
  for (let row = 0; row < matrix.rows; row++) {
    bindRow(run.program, matrix.values, matrix.cols, row);
    yield* evolvePaced(run, meter);
    densityRegisterProbabilities(outcomes, run.rho, values, row * outcomeCount);
    if (confusion) applyReadoutError(confusion, values, row * outcomeCount);
  }
  return { rows: matrix.rows, outcomeCount, values };
}

/**
 * Seeded noisy shot counts of the classical register for every parameter row: sampled from
 * the exact density-matrix probabilities, or by quantum trajectories (trajectories.ts;
 * `options.maxQubits` bounds those, default 24), whichever costs less (`noisyMethod`:
 * trajectories always above DENSITY_MAX_QUBITS). The choice depends only on the circuit's
 * size and the shots, so a seed always gives the same counts.
 */
export function noisyCounts(
  circuit: Circuit,
  rows: ParameterRowsInput,
  model: NoiseModel,
  sampling: SamplingOptions,
  options: SimulatorOptions = {},
): RegisterCounts {
  return runToEnd(pacedNoisyCounts(circuit, rows, model, sampling, options));
}

/**
 * Shots drawn between two looks at the work meter (the statevector simulator's block): a
 * row's draws in blocks give the same counts as in one go (sampling.ts).
 */
const SHOTS_PER_BLOCK = 2 ** 16;

/** {@link noisyCounts}, pausing between chunks of work (sampling included). */
export function* pacedNoisyCounts(
  circuit: Circuit,
  rows: ParameterRowsInput,
  model: NoiseModel,
  sampling: SamplingOptions,
  options: SimulatorOptions = {},
): Paced<RegisterCounts> {
  if (noisyMethod(circuit.numQubits, circuit.gates.length, sampling.shots) === "trajectories") {
    return yield* pacedTrajectoryCounts(circuit, rows, model, sampling, options);
  }
  checkShots(sampling.shots, options.maxShots);
  const rng = sampling.rng ?? createRng(sampling.seed ?? 0);
  const meter = meterFor(options);
  const probabilities = yield* pacedNoisyProbabilities(circuit, rows, model, meter);
  const { outcomeCount } = probabilities;
  const perShot = shotOperations(Math.log2(outcomeCount));
  const cdf = new Float64Array(outcomeCount);
  const values = new Uint32Array(probabilities.rows * outcomeCount);
  for (let row = 0; row < probabilities.rows; row++) {
    const o = row * outcomeCount;
    const total = cumulativeProbabilities(probabilities.values, o, outcomeCount, cdf);
    for (let drawn = 0; drawn < sampling.shots; drawn += SHOTS_PER_BLOCK) {
      const block = Math.min(SHOTS_PER_BLOCK, sampling.shots - drawn);
      drawShots(cdf, outcomeCount, total, block, rng, values, o);
      if (meter.spend(block * perShot)) yield;
    }
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
