/**
 * A density matrix ρ of n qubits as a 2n-qubit vector, so the statevector kernels apply to it
 * unchanged: entry ρ[r][c] sits at index c + 2ⁿ·r (split real and imaginary Float64Arrays of
 * length 4ⁿ), i.e. bit q of the index is qubit q of the column and bit n + q is qubit q of the
 * row. Then ρ → UρU† is U applied on the row bits and U* (the elementwise conjugate) on the
 * column bits: (UρU†)[r][c] = Σ U[r][r']·ρ[r'][c']·conj(U[c][c']).
 *
 * Memory: 16·4ⁿ bytes (10 qubits 16 MiB, 12 qubits 256 MiB); DENSITY_MAX_QUBITS bounds it.
 */
import { MATRIX1_SIZE, MATRIX2_SIZE } from "../../src/circuits/matrices.js";
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
import { Kernel, type Program } from "./program.js";
import { type OutcomeMap, outcomeOf } from "./statevector.js";

export interface DensityMatrix {
  readonly numQubits: number;
  /** 2ⁿ: rows (and columns) of ρ. */
  readonly dim: number;
  /** 4ⁿ entries each, index c + dim·r. */
  readonly re: Float64Array;
  readonly im: Float64Array;
}

export function allocateDensityMatrix(numQubits: number): DensityMatrix {
  const dim = 2 ** numQubits;
  return {
    numQubits,
    dim,
    re: new Float64Array(dim * dim),
    im: new Float64Array(dim * dim),
  };
}

/** Sets ρ = |0…0⟩⟨0…0|. */
export function resetDensityMatrix(rho: DensityMatrix): void {
  rho.re.fill(0);
  rho.im.fill(0);
  rho.re[0] = 1;
}

/** out[0..size) = conj(m[o..o+size)), interleaved complex entries. */
function writeConjugate(m: Float64Array, o: number, size: number, out: Float64Array): void {
  for (let k = 0; k < size; k += 2) {
    out[k] = m[o + k]!;
    out[k + 1] = -m[o + k + 1]!;
  }
}

/**
 * ρ → UρU† for operation `op` of an (unfused) program, its matrix at m[o..); `conjugate`
 * is scratch for 32 numbers.
 */
export function applyOpToDensity(
  program: Program,
  op: number,
  rho: DensityMatrix,
  m: Float64Array,
  o: number,
  conjugate: Float64Array,
): void {
  const { re, im, numQubits: n } = rho;
  const size = re.length;
  const a = program.qubitA[op]!;
  const b = program.qubitB[op]!;
  // real permutations and sign flips are their own conjugates: the same kernel on both halves
  switch (program.kernels[op]) {
    case Kernel.skip:
      return;
    case Kernel.matrix1:
      applyMatrix1(re, im, size, a + n, m, o);
      writeConjugate(m, o, MATRIX1_SIZE, conjugate);
      return applyMatrix1(re, im, size, a, conjugate, 0);
    case Kernel.real1:
      applyReal1(re, im, size, a + n, m, o);
      return applyReal1(re, im, size, a, m, o);
    case Kernel.diagonal1:
      applyDiagonal1(re, im, size, a + n, m, o);
      writeConjugate(m, o, MATRIX1_SIZE, conjugate);
      return applyDiagonal1(re, im, size, a, conjugate, 0);
    case Kernel.x:
      applyX(re, im, size, a + n);
      return applyX(re, im, size, a);
    case Kernel.cx:
      applyCX(re, im, size, a + n, b + n);
      return applyCX(re, im, size, a, b);
    case Kernel.cz:
      applyCZ(re, im, size, a + n, b + n);
      return applyCZ(re, im, size, a, b);
    case Kernel.swap:
      applySwap(re, im, size, a + n, b + n);
      return applySwap(re, im, size, a, b);
    case Kernel.controlled1:
      applyControlled1(re, im, size, a + n, b + n, m, o);
      writeConjugate(m, o, MATRIX1_SIZE, conjugate);
      return applyControlled1(re, im, size, a, b, conjugate, 0);
    case Kernel.diagonal2:
      applyDiagonal2(re, im, size, a + n, b + n, m, o);
      writeConjugate(m, o, MATRIX2_SIZE, conjugate);
      return applyDiagonal2(re, im, size, a, b, conjugate, 0);
    case Kernel.matrix2:
      applyMatrix2(re, im, size, a + n, b + n, m, o);
      writeConjugate(m, o, MATRIX2_SIZE, conjugate);
      return applyMatrix2(re, im, size, a, b, conjugate, 0);
  }
}

/**
 * Probabilities of the classical register (diag ρ marginalised), written to out[o..). A zero
 * population can come out as −1e-17 (U and U* are applied in separate passes, not as |·|²):
 * it is clipped to 0, as probabilities must be for the estimators.
 */
export function densityRegisterProbabilities(
  map: OutcomeMap,
  rho: DensityMatrix,
  out: Float64Array,
  o: number,
): void {
  const { re, dim } = rho;
  const step = dim + 1; // ρ[i][i] sits at i + dim·i
  if (map.identity) {
    for (let i = 0; i < dim; i++) out[o + i] = Math.max(0, re[i * step]!);
    return;
  }
  out.fill(0, o, o + map.outcomeCount);
  for (let i = 0; i < dim; i++) out[o + outcomeOf(map, i)]! += Math.max(0, re[i * step]!);
}
