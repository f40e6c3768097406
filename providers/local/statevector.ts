/**
 * Forward (and inverse) application of a compiled program to a statevector, and extraction
 * of the classical register's outcome probabilities.
 */
import {
  applyControlled1,
  applyCX,
  applyCZ,
  applyDiagonal1,
  applyDiagonal2,
  applyMatrix1,
  applyMatrix2,
  applyReal1,
  applySwap,
  applyX,
} from "./kernels.js";
import type { Paced, WorkMeter } from "./pacing.js";
import { Kernel, type Program } from "./program.js";

export interface Statevector {
  readonly re: Float64Array;
  readonly im: Float64Array;
}

export function allocateState(dim: number): Statevector {
  return { re: new Float64Array(dim), im: new Float64Array(dim) };
}

/** A state in shared memory, which worker threads update in place (threads/blocks.ts). */
export function allocateSharedState(dim: number): Statevector {
  return {
    re: new Float64Array(new SharedArrayBuffer(8 * dim)),
    im: new Float64Array(new SharedArrayBuffer(8 * dim)),
  };
}

/** Sets the state to |0…0⟩. */
export function resetState(state: Statevector): void {
  state.re.fill(0);
  state.im.fill(0);
  state.re[0] = 1;
}

/** Applies operation `op` with the matrix at m[o..). */
export function applyOp(
  program: Program,
  op: number,
  state: Statevector,
  m: Float64Array,
  o: number,
): void {
  applyOpOn(program, op, state, program.dim, m, o);
}

/**
 * Applies operation `op` to the `dim` amplitudes of `state` (the whole state, or one aligned
 * block of it holding every amplitude the operation pairs: threads/blocks.ts splits a large
 * state so).
 */
export function applyOpOn(
  program: Program,
  op: number,
  state: Statevector,
  dim: number,
  m: Float64Array,
  o: number,
): void {
  // the state as one argument: re and im as two cost 1.5 % more instructions per unfused
  // 12-qubit row, this 0.6 % (cachegrind, bench/results/sim-threads.md)
  const { re, im } = state;
  const a = program.qubitA[op]!;
  const b = program.qubitB[op]!;
  switch (program.kernels[op]) {
    case Kernel.skip:
      return;
    case Kernel.matrix1:
      return applyMatrix1(re, im, dim, a, m, o);
    case Kernel.real1:
      return applyReal1(re, im, dim, a, m, o);
    case Kernel.diagonal1:
      return applyDiagonal1(re, im, dim, a, m, o);
    case Kernel.x:
      return applyX(re, im, dim, a);
    case Kernel.cx:
      return applyCX(re, im, dim, a, b);
    case Kernel.cz:
      return applyCZ(re, im, dim, a, b);
    case Kernel.swap:
      return applySwap(re, im, dim, a, b);
    case Kernel.controlled1:
      return applyControlled1(re, im, dim, a, b, m, o);
    case Kernel.diagonal2:
      return applyDiagonal2(re, im, dim, a, b, m, o);
    case Kernel.matrix2:
      return applyMatrix2(re, im, dim, a, b, m, o);
  }
}

/**
 * Runs the whole bound program on |0…0⟩, pausing between gate passes whenever `meter` says
 * a chunk of work is done (pacing.ts; run it with runToEnd for no pauses).
 */
export function* runForwardPaced(
  program: Program,
  state: Statevector,
  meter: WorkMeter,
): Paced<void> {
  resetState(state);
  const { matrices, matrixOffset, opCount, dim } = program;
  for (let op = 0; op < opCount; op++) {
    applyOp(program, op, state, matrices, matrixOffset[op]!);
    if (meter.spend(dim)) yield;
  }
}

/** Writes the conjugate transpose of the n×n complex matrix at m[o..) into out[0..). */
export function writeAdjoint(m: Float64Array, o: number, size: 2 | 4, out: Float64Array): void {
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const from = o + 2 * (r * size + c);
      const to = 2 * (c * size + r);
      out[to] = m[from]!;
      out[to + 1] = -m[from + 1]!;
    }
  }
}

/** Applies the inverse of operation `op` (scratch must hold 32 numbers). */
export function applyOpInverse(
  program: Program,
  op: number,
  state: Statevector,
  scratch: Float64Array,
): void {
  const kernel = program.kernels[op];
  if (
    kernel === Kernel.skip ||
    kernel === Kernel.x ||
    kernel === Kernel.cx ||
    kernel === Kernel.cz ||
    kernel === Kernel.swap
  ) {
    // self-inverse permutations and sign flips
    applyOp(program, op, state, program.matrices, program.matrixOffset[op]!);
    return;
  }
  const size = kernel === Kernel.matrix2 || kernel === Kernel.diagonal2 ? 4 : 2;
  writeAdjoint(program.matrices, program.matrixOffset[op]!, size, scratch);
  applyOp(program, op, state, scratch, 0);
}

/**
 * Maps basis indices to classical-register outcomes (Σ c[i]·2^i) by table lookup on 10-bit
 * chunks of the index, so marginalising a 2^n state costs a few operations per amplitude.
 */
export interface OutcomeMap {
  readonly identity: boolean;
  readonly outcomeCount: number;
  readonly chunkTables: readonly Int32Array[];
}

const CHUNK_BITS = 10;

export function buildOutcomeMap(program: Program): OutcomeMap {
  const { circuit } = program;
  const outcomeCount = 2 ** circuit.numClbits;
  const identity =
    circuit.numClbits === circuit.numQubits &&
    circuit.measurements.length === circuit.numQubits &&
    circuit.measurements.every(({ qubit, clbit }) => qubit === clbit);
  const chunkTables: Int32Array[] = [];
  for (let low = 0; low < circuit.numQubits; low += CHUNK_BITS) {
    const bits = Math.min(CHUNK_BITS, circuit.numQubits - low);
    const table = new Int32Array(1 << bits);
    for (const { qubit, clbit } of circuit.measurements) {
      if (qubit < low || qubit >= low + bits) continue;
      const mask = 1 << (qubit - low);
      for (let local = 0; local < table.length; local++)
        if (local & mask) table[local]! |= 1 << clbit;
    }
    chunkTables.push(table);
  }
  return { identity, outcomeCount, chunkTables };
}

/** Outcome of basis index `index` under the map. */
export function outcomeOf(map: OutcomeMap, index: number): number {
  let outcome = 0;
  const tables = map.chunkTables;
  for (let c = 0; c < tables.length; c++)
    outcome |= tables[c]![(index >>> (c * CHUNK_BITS)) & 1023]!;
  return outcome;
}

/** Born probabilities of the classical register, written to out[o..o+outcomeCount). */
export function registerProbabilities(
  map: OutcomeMap,
  state: Statevector,
  out: Float64Array,
  o: number,
): void {
  const { re, im } = state;
  const dim = re.length;
  if (map.identity) {
    for (let i = 0; i < dim; i++) out[o + i] = re[i]! * re[i]! + im[i]! * im[i]!;
    return;
  }
  out.fill(0, o, o + map.outcomeCount);
  const tables = map.chunkTables;
  const t0 = tables[0]!;
  if (tables.length === 1) {
    for (let i = 0; i < dim; i++) out[o + t0[i]!]! += re[i]! * re[i]! + im[i]! * im[i]!;
    return;
  }
  for (let i = 0; i < dim; i++) out[o + outcomeOf(map, i)]! += re[i]! * re[i]! + im[i]! * im[i]!;
}
