/**
 * Eigenvalues of Hermitian matrices and the von Neumann entropy of density matrices.
 * H = A + iB (A symmetric, B antisymmetric) has the same spectrum, each eigenvalue doubled,
 * as the real symmetric [[A, −B], [B, A]], which ml-matrix's symmetric eigensolver
 * (Householder tridiagonalisation + QL) handles; a real H is solved directly.
 */
import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import type { ComplexMatrix } from "./density-matrix.js";

/**
 * The eigenvalues of a Hermitian matrix, ascending. Only the upper triangle (a ≤ b) is
 * read; the lower one is taken to be its conjugate.
 * @throws RangeError when re/im do not hold dim×dim entries.
 */
export function hermitianEigenvalues(matrix: ComplexMatrix): Float64Array {
  const { dim, re, im } = matrix;
  if (!Number.isSafeInteger(dim) || dim < 1 || re.length !== dim * dim || im.length !== dim * dim) {
    throw new RangeError(`matrix of dimension ${dim} needs ${dim}×${dim} real and imaginary parts`);
  }
  if (dim === 1) return Float64Array.of(re[0]!);
  let real = true;
  for (let a = 0; a < dim && real; a++) {
    for (let b = a + 1; b < dim; b++) {
      if (im[a * dim + b] !== 0) {
        real = false;
        break;
      }
    }
  }
  const size = real ? dim : 2 * dim;
  const m = new Matrix(size, size);
  for (let a = 0; a < dim; a++) {
    m.set(a, a, re[a * dim + a]!);
    if (!real) m.set(a + dim, a + dim, re[a * dim + a]!);
    for (let b = a + 1; b < dim; b++) {
      const x = re[a * dim + b]!;
      m.set(a, b, x);
      m.set(b, a, x);
      if (real) continue;
      const y = im[a * dim + b]!;
      m.set(a + dim, b + dim, x);
      m.set(b + dim, a + dim, x);
      // [[A, −B], [B, A]] with B(a, b) = y, B(b, a) = −y
      m.set(a, b + dim, -y);
      m.set(b + dim, a, -y);
      m.set(b, a + dim, y);
      m.set(a + dim, b, y);
    }
  }
  const values = Float64Array.from(
    new EigenvalueDecomposition(m, { assumeSymmetric: true }).realEigenvalues,
  ).sort();
  if (real) return values;
  // each eigenvalue appears twice; average the pairs
  const out = new Float64Array(dim);
  for (let j = 0; j < dim; j++) out[j] = (values[2 * j]! + values[2 * j + 1]!) / 2;
  return out;
}

/**
 * S(ρ) = −Σ λ log2 λ over the eigenvalues of a density matrix, in bits. Eigenvalues that
 * rounding pushed below zero count as 0 here (and only here); ρ is not renormalised.
 */
export function vonNeumannEntropyBits(matrix: ComplexMatrix): number {
  const values = hermitianEigenvalues(matrix);
  let s = 0;
  for (let j = 0; j < values.length; j++) {
    const lambda = values[j]!;
    if (lambda > 0) s -= lambda * Math.log2(lambda);
  }
  return s;
}
