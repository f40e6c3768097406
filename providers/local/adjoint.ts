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
 */
import { GATES } from "../../src/circuits/gates.js";
import type { Circuit } from "../../src/circuits/ir.js";
import {
  CONTROLLED_BASE,
  writeDerivative1,
  writeDerivative2,
} from "../../src/circuits/matrices.js";
import { type ParameterRowsInput, toParameterMatrix } from "../../src/circuits/parameters.js";
import { QplaneError } from "../../src/errors/catalogue.js";
import { reduceDiagonal2, reduceMatrix1 } from "./kernels.js";
import { bindRow, type Program } from "./program.js";
import { applyReadoutError, clbitConfusion } from "./readout-noise.js";
import type { RegisterProbabilities, SimulatorOptions } from "./simulator.js";
import { workspaceFor } from "./simulator.js";
import {
  allocateState,
  applyGateInverse,
  outcomeOf,
  registerProbabilities,
  runForward,
  type Statevector,
} from "./statevector.js";

interface AdjointBuffers {
  readonly lambda: Statevector;
  readonly scratch: Float64Array;
  readonly derivative: Float64Array;
  /** Index into the gradient vector for each parameter column; −1 for inputs. */
  readonly weightIndexOfColumn: Int32Array;
  readonly weightCount: number;
}

const buffers = new WeakMap<Program, AdjointBuffers>();

function buffersFor(program: Program): AdjointBuffers {
  let found = buffers.get(program);
  if (found === undefined) {
    const parameters = program.circuit.parameters;
    const weightIndexOfColumn = new Int32Array(parameters.length).fill(-1);
    let weightCount = 0;
    parameters.forEach((parameter, column) => {
      if (parameter.kind === "weight") weightIndexOfColumn[column] = weightCount++;
    });
    found = {
      lambda: allocateState(program.dim),
      scratch: new Float64Array(32),
      derivative: new Float64Array(32),
      weightIndexOfColumn,
      weightCount,
    };
    buffers.set(program, found);
  }
  return found;
}

/**
 * The backward sweep. On entry `phi` holds the final state and buffers.lambda holds O·ψ;
 * adds d⟨O⟩/d(weight) into grads[go + weightIndex]. Destroys both states.
 */
function backwardSweep(
  program: Program,
  phi: Statevector,
  b: AdjointBuffers,
  grads: Float64Array,
  go: number,
): void {
  const { argStart, argColumn, argScale, argValue, gateNames, qubitA, qubitB, dim } = program;
  const { lambda, scratch, derivative, weightIndexOfColumn } = b;
  // the earliest gate carrying a weight: nothing before it needs un-computing
  let first = -1;
  for (let g = 0; g < program.gateCount && first < 0; g++) {
    for (let s = argStart[g]!; s < argStart[g + 1]!; s++) {
      const column = argColumn[s]!;
      if (column >= 0 && weightIndexOfColumn[column]! >= 0) first = g;
    }
  }
  if (first < 0) return;
  for (let g = program.gateCount - 1; g >= first; g--) {
    applyGateInverse(program, g, phi, scratch);
    const start = argStart[g]!;
    const end = argStart[g + 1]!;
    for (let s = start; s < end; s++) {
      const column = argColumn[s]!;
      if (column < 0) continue;
      const weightIndex = weightIndexOfColumn[column]!;
      if (weightIndex < 0) continue;
      const name = gateNames[g]!;
      const a0 = argValue[start]!;
      let overlap: number;
      if (GATES[name].qubitCount === 1) {
        writeDerivative1(
          name,
          a0,
          argValue[start + 1] ?? 0,
          argValue[start + 2] ?? 0,
          s - start,
          derivative,
          0,
        );
        overlap = reduceMatrix1(
          lambda.re,
          lambda.im,
          phi.re,
          phi.im,
          dim,
          -1,
          qubitA[g]!,
          derivative,
          0,
        );
      } else if (CONTROLLED_BASE[name] !== undefined) {
        writeDerivative1(CONTROLLED_BASE[name], a0, 0, 0, 0, derivative, 0);
        overlap = reduceMatrix1(
          lambda.re,
          lambda.im,
          phi.re,
          phi.im,
          dim,
          qubitA[g]!,
          qubitB[g]!,
          derivative,
          0,
        );
      } else {
        writeDerivative2(name, a0, derivative, 0);
        overlap = reduceDiagonal2(
          lambda.re,
          lambda.im,
          phi.re,
          phi.im,
          dim,
          qubitA[g]!,
          qubitB[g]!,
          derivative,
          0,
        );
      }
      grads[go + weightIndex]! += 2 * argScale[s]! * overlap;
    }
    if (g > first) applyGateInverse(program, g, lambda, scratch);
  }
}

export interface ProbabilityGradients {
  readonly probabilities: RegisterProbabilities;
  /** Number of weights; gradient columns follow the circuit's weight order. */
  readonly weightCount: number;
  /** Row-major rows × weightCount: Σ_t cotangent_t · ∂p_t/∂w. */
  readonly gradients: Float64Array;
}

/**
 * Fills `cotangent` (length outcomeCount) for one row given that row's probabilities:
 * usually ∂loss/∂p_t. Called once per row, after the forward pass.
 */
export type CotangentFunction = (
  row: number,
  probabilities: Float64Array,
  cotangent: Float64Array,
) => void;

/**
 * Register probabilities and their vector–Jacobian product with respect to every weight,
 * for each parameter row: one forward pass and one backward sweep per row.
 */
export function adjointProbabilityGradients(
  circuit: Circuit,
  rows: ParameterRowsInput,
  cotangentOf: CotangentFunction,
  options: SimulatorOptions = {},
): ProbabilityGradients {
  const { program, state, outcomes } = workspaceFor(circuit, options);
  const b = buffersFor(program);
  const matrix = toParameterMatrix(circuit, rows);
  const confusion = options.readoutError
    ? clbitConfusion(circuit, options.readoutError)
    : undefined;
  const { outcomeCount } = outcomes;
  const values = new Float64Array(matrix.rows * outcomeCount);
  const gradients = new Float64Array(matrix.rows * b.weightCount);
  const cotangent = new Float64Array(outcomeCount);
  const { re, im } = state;
  const lre = b.lambda.re;
  const lim = b.lambda.im;
  for (let row = 0; row < matrix.rows; row++) {
    const o = row * outcomeCount;
    bindRow(program, matrix.values, matrix.cols, row);
    runForward(program, state);
    registerProbabilities(outcomes, state, values, o);
    if (confusion) applyReadoutError(confusion, values, o);
    cotangent.fill(0);
    cotangentOf(row, values.subarray(o, o + outcomeCount), cotangent);
    // noisy p̃ = C·p, so the cotangent of p is Cᵀ·(cotangent of p̃)
    if (confusion) applyReadoutError(confusion, cotangent, 0, true);
    if (outcomes.identity) {
      for (let i = 0; i < program.dim; i++) {
        const weight = cotangent[i]!;
        lre[i] = weight * re[i]!;
        lim[i] = weight * im[i]!;
      }
    } else {
      for (let i = 0; i < program.dim; i++) {
        const weight = cotangent[outcomeOf(outcomes, i)]!;
        lre[i] = weight * re[i]!;
        lim[i] = weight * im[i]!;
      }
    }
    backwardSweep(program, state, b, gradients, row * b.weightCount);
  }
  return {
    probabilities: { rows: matrix.rows, outcomeCount, values },
    weightCount: b.weightCount,
    gradients,
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
  options: SimulatorOptions = {},
): ExpectationGradients {
  if (!Number.isInteger(qubit) || qubit < 0 || qubit >= circuit.numQubits) {
    throw new QplaneError(
      "QPLANE_ERR_CIRCUIT_QUBIT_RANGE",
      `expectation qubit ${qubit} is out of range 0..${circuit.numQubits - 1}`,
    );
  }
  const { program, state } = workspaceFor(circuit, options);
  const b = buffersFor(program);
  const matrix = toParameterMatrix(circuit, rows);
  const values = new Float64Array(matrix.rows);
  const gradients = new Float64Array(matrix.rows * b.weightCount);
  const { re, im } = state;
  const lre = b.lambda.re;
  const lim = b.lambda.im;
  const mask = 1 << qubit;
  for (let row = 0; row < matrix.rows; row++) {
    bindRow(program, matrix.values, matrix.cols, row);
    runForward(program, state);
    let expectation = 0;
    for (let i = 0; i < program.dim; i++) {
      const sign = (i & mask) === 0 ? 1 : -1;
      lre[i] = sign * re[i]!;
      lim[i] = sign * im[i]!;
      expectation += sign * (re[i]! * re[i]! + im[i]! * im[i]!);
    }
    values[row] = expectation;
    backwardSweep(program, state, b, gradients, row * b.weightCount);
  }
  return { values, weightCount: b.weightCount, gradients };
}

/**
 * Full Jacobian ∂p_t/∂w (outcomeCount × weightCount, row-major) for one parameter row:
 * one backward sweep per outcome, so meant for small registers.
 */
export function adjointProbabilityJacobian(
  circuit: Circuit,
  row: readonly number[],
  options: SimulatorOptions = {},
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
