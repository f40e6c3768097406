/**
 * Adjoint differentiation (Jones & Gacon 2020) on the statevector simulator.
 *
 * For a diagonal observable O, ∂⟨ψ|O|ψ⟩/∂θ = 2·Re⟨λ|∂U_g/∂θ|φ_{g−1}⟩ where φ_{g−1} is the
 * state before gate g and λ = U_{g+1}^†…U_G^† O ψ. One backward sweep un-computes φ and
 * carries λ back gate by gate, so every weight's derivative costs one read-only reduction:
 * the whole gradient is a few forward passes, independent of the number of weights.
 *
 * Outcome probabilities are handled through their vector–Jacobian product: with
 * cotangent g over register outcomes, Σ_t g_t ∂p_t/∂θ = ∂⟨O⟩/∂θ for O = Σ_t g_t Π_t.
 *
 * One row's work is adjoint-sweep.ts's. The rows of a large enough batch are shared with the
 * simulator's worker threads (threads/adjoint-rows.ts), as many as their states' memory
 * budget allows (threads/shard.ts), the cotangent function still called on this thread in row
 * order; the numbers are the same on any thread count.
 */
import type { Circuit } from "../../src/circuits/ir.js";
import {
  type ParameterMatrix,
  type ParameterRowsInput,
  toParameterMatrix,
} from "../../src/circuits/parameters.js";
import { QplaneError } from "../../src/errors/catalogue.js";
import { DEFAULT_SNAPSHOT_BUDGET_BYTES } from "../../src/pacing/work-units.js";
import type { CotangentFunction, ProbabilityGradients } from "../types.js";
import {
  backwardSweep,
  buffersFor,
  forwardSaving,
  rowStateBytes,
  seedExpectationZ,
  seedProbabilityLambda,
} from "./adjoint-sweep.js";
import { type Paced, runToEnd, type WorkMeter } from "./pacing.js";
import { bindRow } from "./program.js";
import { applyReadoutError, clbitConfusion } from "./readout-noise.js";
import type { SimulatorOptions } from "./simulator.js";
import { claimWorkspace, meterFor, releaseWorkspace, workspaceFor } from "./simulator.js";
import { registerProbabilities, type Statevector } from "./statevector.js";
import {
  pacedAdjointByRows,
  type RowObservable,
  type ShardedGradients,
} from "./threads/adjoint-rows.js";
import { claimThreads, releaseThreads } from "./threads/pool.js";
import { threadCount } from "./threads/settings.js";
import { adjointThreads } from "./threads/shard.js";

// shared with the cost model (src/pacing/work-units.ts)
export { DEFAULT_SNAPSHOT_BUDGET_BYTES };

export interface AdjointOptions extends SimulatorOptions {
  /**
   * Memory for states saved in the forward pass. When every weight operation's input state
   * fits, the backward sweep reads them instead of un-computing φ (about a third cheaper);
   * otherwise it un-computes. @defaultValue 64 MiB
   */
  readonly snapshotBudgetBytes?: number;
}

/**
 * Writes λ = O·ψ for one row into `lambda` (after the forward pass left ψ in `state`),
 * recording whatever the caller reports for that row.
 */
type SeedAdjoint = (row: number, state: Statevector, lambda: Statevector) => void;

/**
 * The shared driver: per (validated) row, bind, forward (saving states), seed λ, sweep back;
 * pausing between chunks of work (pacing.ts), also inside a row.
 */
function* adjointRows(
  circuit: Circuit,
  matrix: ParameterMatrix,
  options: AdjointOptions,
  seed: SeedAdjoint,
  meter: WorkMeter,
): Paced<{ readonly weightCount: number; readonly gradients: Float64Array }> {
  const workspace = claimWorkspace(circuit, options);
  try {
    const { program, state } = workspace;
    // a private workspace (another run holds the cached one) gets private buffers too
    const b = buffersFor(program, options.snapshotBudgetBytes ?? DEFAULT_SNAPSHOT_BUDGET_BYTES);
    const gradients = new Float64Array(matrix.rows * b.weightCount);
    for (let row = 0; row < matrix.rows; row++) {
      bindRow(program, matrix.values, matrix.cols, row);
      yield* forwardSaving(program, state, b, meter);
      seed(row, state, b.lambda);
      yield* backwardSweep(program, state, b, gradients, row * b.weightCount, meter);
    }
    return { weightCount: b.weightCount, gradients };
  } finally {
    releaseWorkspace(workspace);
  }
}

/**
 * The rows of `matrix` shared with the simulator's worker threads (threads/adjoint-rows.ts),
 * or null when the batch is too small, the states' memory leaves no worker, or the pool is
 * held: then the caller runs the rows on its own thread.
 */
function* pacedThreadedRows(
  circuit: Circuit,
  matrix: ParameterMatrix,
  options: AdjointOptions,
  observable: RowObservable,
  meter: WorkMeter,
): Paced<ShardedGradients | null> {
  const { program } = workspaceFor(circuit, options);
  const budget = options.snapshotBudgetBytes ?? DEFAULT_SNAPSHOT_BUDGET_BYTES;
  const bytes = rowStateBytes(buffersFor(program, budget), program.dim);
  const threads = adjointThreads(program, matrix.rows, threadCount(), bytes);
  const pool = threads > 1 ? claimThreads() : null;
  if (pool === null) return null;
  const workspace = claimWorkspace(circuit, options);
  try {
    const fuse = options.fuseGates ?? true;
    return yield* pacedAdjointByRows(
      { pool, circuit, fuse, ...workspace },
      threads,
      budget,
      matrix,
      observable,
      meter,
    );
  } finally {
    releaseThreads(pool);
    releaseWorkspace(workspace);
  }
}

// the capability's types (providers/types.ts), which this module implements
export type { CotangentFunction, ProbabilityGradients };

/**
 * Register probabilities and their vector–Jacobian product with respect to every weight,
 * for each parameter row: one forward pass and one backward sweep per row.
 */
export function adjointProbabilityGradients(
  circuit: Circuit,
  rows: ParameterRowsInput,
  cotangentOf: CotangentFunction,
  options: AdjointOptions = {},
): ProbabilityGradients {
  return runToEnd(pacedAdjointProbabilityGradients(circuit, rows, cotangentOf, options));
}

/**
 * {@link adjointProbabilityGradients}, pausing between chunks of work (also inside a row;
 * `meter`: of a longer pass this is part of).
 */
export function* pacedAdjointProbabilityGradients(
  circuit: Circuit,
  rows: ParameterRowsInput,
  cotangentOf: CotangentFunction,
  options: AdjointOptions = {},
  meter: WorkMeter = meterFor(options),
): Paced<ProbabilityGradients> {
  const { outcomes } = workspaceFor(circuit, options);
  const confusion = options.readoutError
    ? clbitConfusion(circuit, options.readoutError)
    : undefined;
  const { outcomeCount } = outcomes;
  const matrix = toParameterMatrix(circuit, rows);
  const cotangent = new Float64Array(outcomeCount);
  /** The row's cotangent from its probabilities values[o..) (readout errors applied there). */
  const rowCotangent = (row: number, values: Float64Array): Float64Array => {
    const o = row * outcomeCount;
    if (confusion) applyReadoutError(confusion, values, o);
    cotangent.fill(0);
    cotangentOf(row, values.subarray(o, o + outcomeCount), cotangent);
    // noisy p̃ = C·p, so the cotangent of p is Cᵀ·(cotangent of p̃)
    if (confusion) applyReadoutError(confusion, cotangent, 0, true);
    return cotangent;
  };
  const threaded = yield* pacedThreadedRows(
    circuit,
    matrix,
    options,
    {
      kind: "cotangent",
      cotangentOf: (row, values, cotangents) => {
        cotangents.set(rowCotangent(row, values), row * outcomeCount);
      },
    },
    meter,
  );
  if (threaded !== null) {
    return {
      probabilities: { rows: matrix.rows, outcomeCount, values: threaded.values },
      weightCount: threaded.weightCount,
      gradients: threaded.gradients,
    };
  }
  const values = new Float64Array(matrix.rows * outcomeCount);
  const result = yield* adjointRows(
    circuit,
    matrix,
    options,
    (row, state, lambda) => {
      registerProbabilities(outcomes, state, values, row * outcomeCount);
      seedProbabilityLambda(outcomes, state, rowCotangent(row, values), lambda);
    },
    meter,
  );
  return {
    probabilities: { rows: matrix.rows, outcomeCount, values },
    weightCount: result.weightCount,
    gradients: result.gradients,
  };
}

export interface ExpectationGradients {
  /** ⟨Z_qubit⟩ per row. */
  readonly values: Float64Array;
  readonly weightCount: number;
  /** Row-major rows × weightCount. */
  readonly gradients: Float64Array;
}

/** ⟨Z⟩ on one qubit and its gradient with respect to every weight, for each row. */
export function adjointExpectationZ(
  circuit: Circuit,
  rows: ParameterRowsInput,
  qubit: number,
  options: AdjointOptions = {},
): ExpectationGradients {
  if (!Number.isInteger(qubit) || qubit < 0 || qubit >= circuit.numQubits) {
    throw new QplaneError(
      "QPLANE_ERR_CIRCUIT_QUBIT_RANGE",
      `expectation qubit ${qubit} is out of range 0..${circuit.numQubits - 1}`,
    );
  }
  const matrix = toParameterMatrix(circuit, rows);
  const meter = meterFor(options);
  const threaded = runToEnd(
    pacedThreadedRows(circuit, matrix, options, { kind: "z", qubit }, meter),
  );
  if (threaded !== null) return threaded;
  const values = new Float64Array(matrix.rows);
  const result = runToEnd(
    adjointRows(
      circuit,
      matrix,
      options,
      (row, state, lambda) => {
        values[row] = seedExpectationZ(state, qubit, lambda);
      },
      meter,
    ),
  );
  return { values, weightCount: result.weightCount, gradients: result.gradients };
}

/**
 * Full Jacobian ∂p_t/∂w (outcomeCount × weightCount, row-major) for one parameter row:
 * one backward sweep per outcome, so meant for small registers.
 */
export function adjointProbabilityJacobian(
  circuit: Circuit,
  row: readonly number[],
  options: AdjointOptions = {},
): {
  readonly probabilities: Float64Array;
  readonly weightCount: number;
  readonly jacobian: Float64Array;
} {
  const outcomeCount = 2 ** circuit.numClbits;
  const rowsForOutcomes = Array.from({ length: outcomeCount }, () => row);
  const result = adjointProbabilityGradients(
    circuit,
    rowsForOutcomes,
    (outcome, _p, cotangent) => {
      cotangent[outcome] = 1;
    },
    options,
  );
  return {
    probabilities: result.probabilities.values.slice(0, outcomeCount),
    weightCount: result.weightCount,
    jacobian: result.gradients,
  };
}
