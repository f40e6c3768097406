/**
 * One row of adjoint differentiation (see adjoint.ts): the per-program buffers, the forward
 * pass that saves the states the backward sweep reads, the seed λ = O·ψ of a probability
 * cotangent, and the backward sweep itself. Shared by the single-threaded driver (adjoint.ts)
 * and the worker threads (threads/adjoint-rows.ts), so every thread count runs exactly the
 * same arithmetic per row.
 */
import {
  CONTROLLED_BASE,
  MATRIX1_SIZE,
  MATRIX2_SIZE,
  multiply2x2,
  writeDerivative1,
  writeDerivative2,
} from "../../src/circuits/matrices.js";
import {
  accumulateOverlap1,
  applyCXBoth,
  applyCZBoth,
  reduceDiagonal2,
  reduceMatrix1,
  traceOverlap,
} from "./kernels.js";
import type { Paced, WorkMeter } from "./pacing.js";
import { Kernel, type Program } from "./program.js";
import {
  allocateState,
  applyOp,
  applyOpInverse,
  type OutcomeMap,
  outcomeOf,
  resetState,
  runForwardPaced,
  type Statevector,
} from "./statevector.js";

export interface AdjointBuffers {
  readonly lambda: Statevector;
  readonly scratch: Float64Array;
  /** Derivative matrices of one operation's weight arguments, 8 numbers each. */
  readonly derivatives: Float64Array;
  /** Argument slot of each derivative in `derivatives`. */
  readonly derivativeSlots: Int32Array;
  /** The 2×2 overlap N of one backward step (see adjointStep1). */
  readonly overlap: Float64Array;
  readonly prefix: Float64Array;
  readonly product: Float64Array;
  /** Index into the gradient vector for each parameter column; −1 for inputs. */
  readonly weightIndexOfColumn: Int32Array;
  readonly weightCount: number;
  /** Operations containing at least one weight argument. */
  readonly opHasWeight: Uint8Array;
  /** The earliest such operation (−1 if none): nothing before it needs un-computing. */
  readonly firstWeightOp: number;
  /**
   * States saved before each weight operation in the forward pass, when they fit the
   * snapshot budget; then the backward sweep reads them instead of un-computing φ.
   */
  readonly snapshots: readonly Statevector[] | null;
  /** Index into `snapshots` per operation, −1 where none is kept. */
  readonly snapshotOfOp: Int32Array;
  readonly snapshotBudgetBytes: number;
}

const buffers = new WeakMap<Program, AdjointBuffers>();

function isWeightSlot(program: Program, weightIndexOfColumn: Int32Array, slot: number): boolean {
  const column = program.argColumn[slot]!;
  return column >= 0 && weightIndexOfColumn[column]! >= 0;
}

export function buffersFor(program: Program, snapshotBudgetBytes: number): AdjointBuffers {
  let found = buffers.get(program);
  if (found === undefined || found.snapshotBudgetBytes !== snapshotBudgetBytes) {
    const parameters = program.circuit.parameters;
    const weightIndexOfColumn = new Int32Array(parameters.length).fill(-1);
    let weightCount = 0;
    parameters.forEach((parameter, column) => {
      if (parameter.kind === "weight") weightIndexOfColumn[column] = weightCount++;
    });
    const opHasWeight = new Uint8Array(program.opCount);
    let mostSlots = 1;
    for (let op = 0; op < program.opCount; op++) {
      let slots = 0;
      for (let k = program.opGateStart[op]!; k < program.opGateStart[op + 1]!; k++) {
        const g = program.opGates[k]!;
        for (let s = program.argStart[g]!; s < program.argStart[g + 1]!; s++) {
          if (isWeightSlot(program, weightIndexOfColumn, s)) slots++;
        }
      }
      opHasWeight[op] = slots > 0 ? 1 : 0;
      mostSlots = Math.max(mostSlots, slots);
    }
    const weightOps = opHasWeight.reduce((total, flag) => total + flag, 0);
    const useSnapshots = weightOps * program.dim * 16 <= snapshotBudgetBytes;
    const snapshotOfOp = new Int32Array(program.opCount).fill(-1);
    const snapshots: Statevector[] = [];
    if (useSnapshots) {
      for (let op = 0; op < program.opCount; op++) {
        if (opHasWeight[op] === 0) continue;
        snapshotOfOp[op] = snapshots.length;
        snapshots.push(allocateState(program.dim));
      }
    }
    found = {
      snapshots: useSnapshots ? snapshots : null,
      snapshotOfOp,
      snapshotBudgetBytes,
      lambda: allocateState(program.dim),
      scratch: new Float64Array(MATRIX2_SIZE),
      derivatives: new Float64Array(Math.max(MATRIX2_SIZE, MATRIX1_SIZE * mostSlots)),
      derivativeSlots: new Int32Array(mostSlots),
      overlap: new Float64Array(MATRIX1_SIZE),
      prefix: new Float64Array(2 * MATRIX1_SIZE),
      product: new Float64Array(2 * MATRIX1_SIZE),
      weightIndexOfColumn,
      weightCount,
      opHasWeight,
      firstWeightOp: opHasWeight.indexOf(1),
    };
    buffers.set(program, found);
  }
  return found;
}

/** Drops `program`'s buffers (a worker thread done with a large state). */
export function forgetBuffers(program: Program): void {
  buffers.delete(program);
}

/** Bytes of a thread's states for one row: the state, λ and the saved states. */
export function rowStateBytes(b: AdjointBuffers, dim: number): number {
  return (2 + (b.snapshots?.length ?? 0)) * dim * 16;
}

/**
 * The forward pass, saving the input state of every weight operation when snapshotting:
 * into `snapshots` (b.snapshots, or a row's own set when threads/adjoint-rows.ts keeps
 * several rows' states between its two phases).
 */
export function* forwardSaving(
  program: Program,
  state: Statevector,
  b: AdjointBuffers,
  meter: WorkMeter,
  snapshots: readonly Statevector[] | null = b.snapshots,
): Paced<void> {
  const { snapshotOfOp } = b;
  if (snapshots === null) {
    yield* runForwardPaced(program, state, meter);
    return;
  }
  resetState(state);
  const { matrices, matrixOffset, opCount, dim } = program;
  for (let op = 0; op < opCount; op++) {
    const k = snapshotOfOp[op]!;
    if (k >= 0) {
      snapshots[k]!.re.set(state.re);
      snapshots[k]!.im.set(state.im);
    }
    applyOp(program, op, state, matrices, matrixOffset[op]!);
    if (meter.spend(dim)) yield;
  }
}

const IDENTITY_2X2 = new Float64Array([1, 0, 0, 0, 0, 0, 1, 0]);

/**
 * Writes ∂B/∂(argument) for every weight argument of one-qubit operation `op`, where
 * B = G_m ⋯ G_1: D = (G_m ⋯ G_{j+1}) · ∂G_j · (G_{j−1} ⋯ G_1). Returns how many.
 */
function writeOpDerivatives1(program: Program, op: number, b: AdjointBuffers): number {
  const { opGateStart, opGates, argStart, argValue, gateNames, matrices, gateMatrixOffset } =
    program;
  const { prefix, product, derivatives, derivativeSlots } = b;
  const start = opGateStart[op]!;
  const end = opGateStart[op + 1]!;
  prefix.set(IDENTITY_2X2, 0); // G_{j−1} ⋯ G_1, kept at prefix[0..8)
  let count = 0;
  for (let k = start; k < end; k++) {
    const g = opGates[k]!;
    const a = argStart[g]!;
    for (let s = a; s < argStart[g + 1]!; s++) {
      if (!isWeightSlot(program, b.weightIndexOfColumn, s)) continue;
      writeDerivative1(
        gateNames[g]!,
        argValue[a]!,
        argValue[a + 1] ?? 0,
        argValue[a + 2] ?? 0,
        s - a,
        product,
        0,
      );
      multiply2x2(product, 0, prefix, 0, product, MATRIX1_SIZE); // ∂G_j · prefix
      for (let later = k + 1; later < end; later++) {
        multiply2x2(
          matrices,
          gateMatrixOffset[opGates[later]!]!,
          product,
          MATRIX1_SIZE,
          product,
          0,
        );
        product.copyWithin(MATRIX1_SIZE, 0, MATRIX1_SIZE);
      }
      for (let i = 0; i < MATRIX1_SIZE; i++)
        derivatives[MATRIX1_SIZE * count + i] = product[MATRIX1_SIZE + i]!;
      derivativeSlots[count++] = s;
    }
    multiply2x2(matrices, gateMatrixOffset[g]!, prefix, 0, prefix, MATRIX1_SIZE);
    prefix.copyWithin(0, MATRIX1_SIZE, 2 * MATRIX1_SIZE);
  }
  return count;
}

/** Gate passes over the state per operation of the backward sweep (un-compute, λ, overlap). */
const BACKWARD_PASSES_PER_OP = 3;

/**
 * The backward sweep. On entry `phi` holds the final state and b.lambda holds O·ψ; adds
 * d⟨O⟩/d(weight) into grads[go + weightIndex]. Destroys both states.
 */
export function* backwardSweep(
  program: Program,
  phi: Statevector,
  b: AdjointBuffers,
  grads: Float64Array,
  go: number,
  meter: WorkMeter,
  snapshots: readonly Statevector[] | null = b.snapshots,
): Paced<void> {
  const {
    argColumn,
    argScale,
    argStart,
    argValue,
    gateNames,
    opGates,
    opGateStart,
    qubitA,
    qubitB,
    dim,
  } = program;
  const {
    lambda,
    scratch,
    derivatives,
    derivativeSlots,
    overlap,
    weightIndexOfColumn,
    opHasWeight,
  } = b;
  const first = b.firstWeightOp;
  if (first < 0) return;
  const { snapshotOfOp } = b;
  const addGradient = (slot: number, overlap: number): void => {
    grads[go + weightIndexOfColumn[argColumn[slot]!]!]! += 2 * argScale[slot]! * overlap;
  };
  for (let op = program.opCount - 1; op >= first; op--) {
    if (meter.spend(BACKWARD_PASSES_PER_OP * dim)) yield;
    if (opHasWeight[op] === 0) {
      if (snapshots !== null) {
        applyOpInverse(program, op, lambda, scratch);
        continue;
      }
      const kernel = program.kernels[op];
      if (kernel === Kernel.cx) {
        applyCXBoth(phi.re, phi.im, lambda.re, lambda.im, dim, qubitA[op]!, qubitB[op]!);
      } else if (kernel === Kernel.cz) {
        applyCZBoth(phi.re, phi.im, lambda.re, lambda.im, dim, qubitA[op]!, qubitB[op]!);
      } else {
        applyOpInverse(program, op, phi, scratch);
        applyOpInverse(program, op, lambda, scratch);
      }
      continue;
    }
    // φ = the state before this operation: saved, or un-computed
    const saved = snapshots === null ? null : snapshots[snapshotOfOp[op]!]!;
    const before = saved ?? phi;
    if (qubitB[op]! < 0) {
      const count = writeOpDerivatives1(program, op, b);
      if (saved === null) applyOpInverse(program, op, phi, scratch);
      accumulateOverlap1(lambda.re, lambda.im, before.re, before.im, dim, qubitA[op]!, overlap);
      applyOpInverse(program, op, lambda, scratch);
      for (let k = 0; k < count; k++) {
        addGradient(derivativeSlots[k]!, traceOverlap(derivatives, MATRIX1_SIZE * k, overlap));
      }
      continue;
    }
    // a parametric two-qubit gate (never fused): crx cry crz rzz
    if (saved === null) applyOpInverse(program, op, phi, scratch);
    const g = opGates[opGateStart[op]!]!;
    const slot = argStart[g]!;
    const name = gateNames[g]!;
    const base = CONTROLLED_BASE[name];
    // a controlled rotation's derivative is the base's 2x2 on the control=1 half; rzz's is
    // diagonal: the same reduction signature, so one call serves both
    let reduce: typeof reduceMatrix1;
    if (base !== undefined) {
      writeDerivative1(base, argValue[slot]!, 0, 0, 0, derivatives, 0);
      reduce = reduceMatrix1;
    } else {
      writeDerivative2(name, argValue[slot]!, derivatives, 0);
      reduce = reduceDiagonal2;
    }
    const gateOverlap = reduce(
      lambda.re,
      lambda.im,
      before.re,
      before.im,
      dim,
      qubitA[op]!,
      qubitB[op]!,
      derivatives,
      0,
    );
    addGradient(slot, gateOverlap);
    if (op > first) applyOpInverse(program, op, lambda, scratch);
  }
}

/**
 * λ = O·ψ for O = Σ_t cotangent_t Π_t, diagonal in the computational basis (ψ in `state`):
 * the seed of the backward sweep for a probability cotangent.
 */
export function seedProbabilityLambda(
  outcomes: OutcomeMap,
  state: Statevector,
  cotangent: Float64Array,
  lambda: Statevector,
): void {
  const { re, im } = state;
  const dim = re.length;
  if (outcomes.identity) {
    for (let i = 0; i < dim; i++) {
      lambda.re[i] = cotangent[i]! * re[i]!;
      lambda.im[i] = cotangent[i]! * im[i]!;
    }
  } else {
    for (let i = 0; i < dim; i++) {
      const weight = cotangent[outcomeOf(outcomes, i)]!;
      lambda.re[i] = weight * re[i]!;
      lambda.im[i] = weight * im[i]!;
    }
  }
}

/**
 * λ = Z_qubit·ψ (ψ in `state`), the seed of the backward sweep for ⟨Z⟩ on `qubit`; returns
 * ⟨Z⟩, summed in index order.
 */
export function seedExpectationZ(state: Statevector, qubit: number, lambda: Statevector): number {
  const { re, im } = state;
  const mask = 1 << qubit;
  let expectation = 0;
  for (let i = 0; i < re.length; i++) {
    const sign = (i & mask) === 0 ? 1 : -1;
    lambda.re[i] = sign * re[i]!;
    lambda.im[i] = sign * im[i]!;
    expectation += sign * (re[i]! * re[i]! + im[i]! * im[i]!);
  }
  return expectation;
}
