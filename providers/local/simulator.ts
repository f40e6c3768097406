/**
 * The local statevector simulator's entry points: exact register probabilities, seeded
 * shot counts and statevectors for one circuit over a matrix of parameter rows. Compiled
 * programs and state buffers are cached per (immutable) circuit and reused across calls.
 *
 * Each entry point has a paced form (`paced…`, see pacing.ts) that pauses between chunks of
 * work; the plain form runs it to the end synchronously, so both compute the same numbers.
 * A run holds one state per circuit whatever the number of rows.
 *
 * A large enough call shares its work with the simulator's worker threads (threads/, up to
 * QPLANE_THREADS): rows split between threads, or, from 14 qubits, each gate pass split by
 * amplitude blocks. The numbers are the same bit for bit on any thread count; shots are drawn
 * on the calling thread from the probabilities, by the one seeded stream, in row order.
 */
import { compactIdleQubits } from "../../src/circuits/compact.js";
import type { Circuit } from "../../src/circuits/ir.js";
import { type ParameterRowsInput, toParameterMatrix } from "../../src/circuits/parameters.js";
import { QplaneError } from "../../src/errors/catalogue.js";
import { createRng, type Rng } from "../../src/random/rng.js";
import { CHUNK_AMPLITUDE_OPERATIONS, type Paced, runToEnd, WorkMeter } from "./pacing.js";
import { bindRow, compileProgram, type Program } from "./program.js";
import { applyReadoutError, clbitConfusion, type ReadoutErrorModel } from "./readout-noise.js";
import { cumulativeProbabilities, drawShots, shotOperations } from "./sampling.js";
import {
  allocateState,
  buildOutcomeMap,
  type OutcomeMap,
  registerProbabilities,
  runForwardPaced,
  type Statevector,
} from "./statevector.js";
import { pacedForwardByBlocks } from "./threads/blocks.js";
import { claimThreads, releaseThreads, type ThreadPool } from "./threads/pool.js";
import { rowsInOrder } from "./threads/row-counter.js";
import { forwardRows, pacedForwardByRows } from "./threads/rows.js";
import { threadCount } from "./threads/settings.js";
import { forwardMode } from "./threads/shard.js";

/** Default largest circuit the simulator accepts (2^24 amplitudes = 256 MiB of state). */
export const DEFAULT_MAX_QUBITS = 24;
/** Hard ceiling for the configurable limit: 2^30 amplitudes need 16 GiB. */
export const HARD_MAX_QUBITS = 30;
export const DEFAULT_MAX_SHOTS = 1_000_000;

export interface SimulatorOptions {
  /** Largest circuit accepted. @defaultValue 24 */
  readonly maxQubits?: number;
  /** Largest shot count accepted per row. @defaultValue 1 000 000 */
  readonly maxShots?: number;
  /** Readout errors applied to probabilities and counts. @defaultValue none */
  readonly readoutError?: ReadoutErrorModel;
  /** Merge runs of one-qubit gates on a qubit into one kernel pass. @defaultValue true */
  readonly fuseGates?: boolean;
  /**
   * Amplitude-operations between two pauses of a paced run (pacing.ts).
   * @defaultValue CHUNK_AMPLITUDE_OPERATIONS
   */
  readonly chunkAmplitudeOperations?: number;
}

/** The work meter of one paced run under `options`. */
export function meterFor(options: SimulatorOptions): WorkMeter {
  return new WorkMeter(options.chunkAmplitudeOperations ?? CHUNK_AMPLITUDE_OPERATIONS);
}

export interface RegisterProbabilities {
  readonly rows: number;
  /** 2^numClbits; outcome index Σ c[i]·2^i. */
  readonly outcomeCount: number;
  /** Row-major: values[row · outcomeCount + outcome]. */
  readonly values: Float64Array;
}

export interface RegisterCounts {
  readonly rows: number;
  readonly outcomeCount: number;
  readonly shots: number;
  /** Row-major: values[row · outcomeCount + outcome]. */
  readonly values: Uint32Array;
}

export interface SamplingOptions {
  readonly shots: number;
  /** A seed, or a generator whose state advances (for reproducible training runs). */
  readonly seed?: number;
  readonly rng?: Rng;
}

/** Compiled program plus reusable buffers for one circuit. */
export interface Workspace {
  readonly program: Program;
  readonly state: Statevector;
  readonly outcomes: OutcomeMap;
}

const fusedWorkspaces = new WeakMap<Circuit, Workspace>();
const unfusedWorkspaces = new WeakMap<Circuit, Workspace>();

export function checkQubitLimit(
  circuit: Pick<Circuit, "numQubits" | "numClbits">,
  maxQubits = DEFAULT_MAX_QUBITS,
): void {
  if (!Number.isInteger(maxQubits) || maxQubits < 1 || maxQubits > HARD_MAX_QUBITS) {
    throw new QplaneError(
      "QPLANE_ERR_SIM_TOO_MANY_QUBITS",
      `maxQubits must be an integer in 1..${HARD_MAX_QUBITS}, got ${maxQubits}`,
    );
  }
  const needed = Math.max(circuit.numQubits, circuit.numClbits);
  if (needed > maxQubits) {
    const what =
      circuit.numQubits >= circuit.numClbits
        ? `${circuit.numQubits} qubits`
        : `${circuit.numClbits} classical bits`;
    throw new QplaneError(
      "QPLANE_ERR_SIM_TOO_MANY_QUBITS",
      `circuit has ${what}; the local simulator's limit is ${maxQubits} (raise maxQubits, at most ${HARD_MAX_QUBITS})`,
    );
  }
}

function createWorkspace(circuit: Circuit, fuse: boolean): Workspace {
  const program = compileProgram(circuit, { fuse });
  return { program, state: allocateState(program.dim), outcomes: buildOutcomeMap(program) };
}

export function workspaceFor(circuit: Circuit, options: SimulatorOptions = {}): Workspace {
  checkQubitLimit(circuit, options.maxQubits);
  const fuse = options.fuseGates ?? true;
  const workspaces = fuse ? fusedWorkspaces : unfusedWorkspaces;
  let workspace = workspaces.get(circuit);
  if (workspace === undefined) {
    workspace = createWorkspace(circuit, fuse);
    workspaces.set(circuit, workspace);
  }
  return workspace;
}

/** Workspaces held by a run: a paused run's bound program and state must stay untouched. */
const claimed = new WeakSet<Workspace>();

/**
 * The circuit's cached workspace for one run, or a private one while another (paused) run
 * holds it. Give it back with {@link releaseWorkspace} when the run ends or stops.
 */
export function claimWorkspace(circuit: Circuit, options: SimulatorOptions = {}): Workspace {
  const cached = workspaceFor(circuit, options);
  const workspace = claimed.has(cached)
    ? createWorkspace(circuit, options.fuseGates ?? true)
    : cached;
  claimed.add(workspace);
  return workspace;
}

export function releaseWorkspace(workspace: Workspace): void {
  claimed.delete(workspace);
}

/** Exact Born probabilities of the classical register for every parameter row. */
export function exactProbabilities(
  circuit: Circuit,
  rows: ParameterRowsInput,
  options: SimulatorOptions = {},
): RegisterProbabilities {
  return runToEnd(pacedExactProbabilities(circuit, rows, options));
}

/**
 * {@link exactProbabilities}, pausing between chunks of work (`meter`: of a longer pass this
 * is part of).
 */
export function* pacedExactProbabilities(
  circuit: Circuit,
  rows: ParameterRowsInput,
  options: SimulatorOptions = {},
  meter: WorkMeter = meterFor(options),
): Paced<RegisterProbabilities> {
  // register probabilities ignore idle qubits (|0⟩, unmeasured): simulate touched ones only
  const simulated = compactIdleQubits(circuit).circuit;
  const workspace = claimWorkspace(simulated, options);
  const fuse = options.fuseGates ?? true;
  let pool: ThreadPool | null = null;
  try {
    const { program, state, outcomes } = workspace;
    const matrix = toParameterMatrix(circuit, rows);
    const confusion = options.readoutError
      ? clbitConfusion(circuit, options.readoutError)
      : undefined;
    const outcomeCount = outcomes.outcomeCount;
    const mode = forwardMode(program, matrix.rows, threadCount());
    pool = mode === "serial" ? null : claimThreads();
    let values: Float64Array;
    if (pool !== null && mode === "rows") {
      values = yield* pacedForwardByRows(
        { pool, circuit: simulated, fuse, program, state, outcomes },
        matrix,
        meter,
      );
    } else if (pool !== null) {
      values = new Float64Array(matrix.rows * outcomeCount);
      for (let row = 0; row < matrix.rows; row++) {
        const shared = yield* pacedForwardByBlocks(
          pool,
          simulated,
          fuse,
          program,
          matrix,
          row,
          meter,
        );
        registerProbabilities(outcomes, shared, values, row * outcomeCount);
      }
    } else {
      values = new Float64Array(matrix.rows * outcomeCount);
      const { values: params, cols } = matrix;
      const source = rowsInOrder();
      yield* forwardRows(
        program,
        state,
        outcomes,
        params,
        cols,
        matrix.rows,
        values,
        meter,
        source,
      );
    }
    if (confusion) {
      for (let row = 0; row < matrix.rows; row++)
        applyReadoutError(confusion, values, row * outcomeCount);
    }
    return { rows: matrix.rows, outcomeCount, values };
  } finally {
    if (pool !== null) releaseThreads(pool);
    releaseWorkspace(workspace);
  }
}

export function checkShots(shots: number, maxShots = DEFAULT_MAX_SHOTS): void {
  if (!Number.isInteger(shots) || shots < 1 || shots > maxShots) {
    throw new QplaneError(
      "QPLANE_ERR_SIM_SHOTS",
      `shots must be an integer in 1..${maxShots}, got ${shots}`,
    );
  }
}

/** Seeded shot counts of the classical register for every parameter row. */
export function sampledCounts(
  circuit: Circuit,
  rows: ParameterRowsInput,
  sampling: SamplingOptions,
  options: SimulatorOptions = {},
): RegisterCounts {
  return runToEnd(pacedSampledCounts(circuit, rows, sampling, options));
}

/**
 * Shots drawn between two looks at the work meter: a row of up to a million shots is drawn
 * in blocks, so sampling pauses like simulating (same draws, same counts).
 */
const SHOTS_PER_BLOCK = 2 ** 16;

/** {@link sampledCounts}, pausing between chunks of work (sampling included). */
export function* pacedSampledCounts(
  circuit: Circuit,
  rows: ParameterRowsInput,
  sampling: SamplingOptions,
  options: SimulatorOptions = {},
): Paced<RegisterCounts> {
  checkShots(sampling.shots, options.maxShots);
  const rng = sampling.rng ?? createRng(sampling.seed ?? 0);
  const meter = meterFor(options);
  const probabilities = yield* pacedExactProbabilities(circuit, rows, options, meter);
  const { outcomeCount } = probabilities;
  const perShot = shotOperations(Math.log2(outcomeCount));
  const cdf = new Float64Array(outcomeCount);
  const values = new Uint32Array(probabilities.rows * outcomeCount);
  for (let row = 0; row < probabilities.rows; row++) {
    const o = row * outcomeCount;
    const total = cumulativeProbabilities(probabilities.values, o, outcomeCount, cdf);
    if (meter.spend(outcomeCount)) yield;
    for (let drawn = 0; drawn < sampling.shots; drawn += SHOTS_PER_BLOCK) {
      const block = Math.min(SHOTS_PER_BLOCK, sampling.shots - drawn);
      drawShots(cdf, outcomeCount, total, block, rng, values, o);
      if (meter.spend(block * perShot)) yield;
    }
  }
  return { rows: probabilities.rows, outcomeCount, shots: sampling.shots, values };
}

/** The final statevector for one parameter row (copies). */
export function finalStatevector(
  circuit: Circuit,
  row: readonly number[] = [],
  options: SimulatorOptions = {},
): Statevector {
  return runToEnd(pacedFinalStatevector(circuit, row, options));
}

/**
 * {@link finalStatevector}, pausing between chunks of work (`meter`: of a longer pass this is
 * part of).
 */
export function* pacedFinalStatevector(
  circuit: Circuit,
  row: readonly number[] = [],
  options: SimulatorOptions = {},
  meter: WorkMeter = meterFor(options),
): Paced<Statevector> {
  const workspace = claimWorkspace(circuit, options);
  let pool: ThreadPool | null = null;
  try {
    const { program, state } = workspace;
    const matrix = toParameterMatrix(circuit, circuit.parameters.length === 0 ? [] : [row]);
    pool = forwardMode(program, 1, threadCount()) === "blocks" ? claimThreads() : null;
    if (pool !== null) {
      const fuse = options.fuseGates ?? true;
      const shared = yield* pacedForwardByBlocks(pool, circuit, fuse, program, matrix, 0, meter);
      return { re: shared.re.slice(), im: shared.im.slice() };
    }
    bindRow(program, matrix.values, matrix.cols, 0);
    yield* runForwardPaced(program, state, meter);
    return { re: state.re.slice(), im: state.im.slice() };
  } finally {
    if (pool !== null) releaseThreads(pool);
    releaseWorkspace(workspace);
  }
}
