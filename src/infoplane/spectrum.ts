/**
 * Eigenvalues of Hermitian matrices and the von Neumann entropy of density matrices.
 * H = A + iB (A symmetric, B antisymmetric) has the same spectrum, each eigenvalue doubled,
 * as the real symmetric [[A, −B], [B, A]]; a real H is solved directly. The solver is the
 * eigenvalue half of ml-matrix's symmetric one (JAMA's Householder tridiagonalisation `tred2`
 * then implicit QL `tql2`): the same operations in the same order on the diagonal and
 * off-diagonal, so the same bits, without accumulating eigenvectors (about 8× faster), and
 * written as a generator that yields after each Householder step so a long solve can pause.
 */
import type { ComplexMatrix } from "./density-matrix.js";

/**
 * An eigensolve of a d×d Hermitian matrix costs this × d³ amplitude-operations (the
 * simulator's unit, providers/local/pacing.ts): a complex matrix (a 2d×2d real solve) measured
 * 8.3–9.1 for d = 256–512 (0.13 s and 0.93 s), 12 for d = 128, up to 25 for d ≤ 64 where it
 * is small against the states' simulation (loaded 2-core cloud VM); a real matrix is about
 * 8× cheaper. ml-matrix's full decomposition took 1.1 s for d = 256.
 */
export const EIGENSOLVE_OPERATIONS_PER_CUBE = 10;

/** Amplitude-operations of an eigensolve of a `dim`×`dim` Hermitian matrix (1×1: none). */
export function eigensolveOperations(dim: number): number {
  return dim > 1 ? EIGENSOLVE_OPERATIONS_PER_CUBE * dim ** 3 : 0;
}

/** The real symmetric matrix to solve, row-major: H itself when real, else [[A, −B], [B, A]]. */
function realSymmetric(matrix: ComplexMatrix): { size: number; a: Float64Array; real: boolean } {
  const { dim, re, im } = matrix;
  let real = true;
  for (let r = 0; r < dim && real; r++) {
    for (let c = r + 1; c < dim; c++) {
      if (im[r * dim + c] !== 0) {
        real = false;
        break;
      }
    }
  }
  const size = real ? dim : 2 * dim;
  const a = new Float64Array(size * size);
  const set = (r: number, c: number, value: number) => {
    a[r * size + c] = value;
  };
  for (let r = 0; r < dim; r++) {
    set(r, r, re[r * dim + r]!);
    if (!real) set(r + dim, r + dim, re[r * dim + r]!);
    for (let c = r + 1; c < dim; c++) {
      const x = re[r * dim + c]!;
      set(r, c, x);
      set(c, r, x);
      if (real) continue;
      const y = im[r * dim + c]!;
      set(r + dim, c + dim, x);
      set(c + dim, r + dim, x);
      // [[A, −B], [B, A]] with B(r, c) = y, B(c, r) = −y
      set(r, c + dim, -y);
      set(c + dim, r, -y);
      set(c, r + dim, y);
      set(r + dim, c, y);
    }
  }
  return { size, a, real };
}

/** ml-matrix's `hypotenuse`: √(a² + b²) without overflow. */
function hypotenuse(a: number, b: number): number {
  let r = 0;
  if (Math.abs(a) > Math.abs(b)) {
    r = b / a;
    return Math.abs(a) * Math.sqrt(1 + r * r);
  }
  if (b !== 0) {
    r = a / b;
    return Math.abs(b) * Math.sqrt(1 + r * r);
  }
  return 0;
}

/**
 * Householder reduction of the symmetric n×n `v` (overwritten) to tridiagonal form: its
 * diagonal into d, its off-diagonal into e[1..n−1]. Yields after each step i = n−1, …, 1
 * (about i² multiply-adds), the step's i.
 */
function* tridiagonalise(
  n: number,
  v: Float64Array,
  d: Float64Array,
  e: Float64Array,
): Generator<number, void, undefined> {
  let f: number;
  let g: number;
  let h: number;
  let hh: number;
  let scale: number;
  for (let j = 0; j < n; j++) d[j] = v[j * n + n - 1]!;
  for (let i = n - 1; i > 0; i--) {
    scale = 0;
    h = 0;
    for (let k = 0; k < i; k++) scale = scale + Math.abs(d[k]!);
    if (scale === 0) {
      e[i] = d[i - 1]!;
      for (let j = 0; j < i; j++) {
        d[j] = v[j * n + i - 1]!;
        v[j * n + i] = 0;
        v[i * n + j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k]! /= scale;
        h += d[k]! * d[k]!;
      }
      f = d[i - 1]!;
      g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h = h - f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        v[i * n + j] = f;
        g = e[j]! + v[j * n + j]! * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += v[j * n + k]! * d[k]!;
          e[k]! += v[j * n + k]! * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j]! /= h;
        f += e[j]! * d[j]!;
      }
      hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j]! -= hh * d[j]!;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        g = e[j]!;
        for (let k = j; k <= i - 1; k++) v[j * n + k] = v[j * n + k]! - (f * e[k]! + g * d[k]!);
        d[j] = v[j * n + i - 1]!;
        v[j * n + i] = 0;
      }
    }
    yield i;
  }
  // what tred2 leaves in d once the transformations are accumulated: the reduced diagonal
  for (let j = 0; j < n; j++) d[j] = v[j * n + j]!;
  e[0] = 0;
}

/** tql2's implicit QL iterations on the tridiagonal (d, e), eigenvectors not tracked. */
function diagonaliseTridiagonal(n: number, d: Float64Array, e: Float64Array): void {
  let g: number;
  let h: number;
  let p: number;
  let r: number;
  let dl1: number;
  let c: number;
  let c2: number;
  let c3: number;
  let el1: number;
  let s: number;
  let s2: number;
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = Number.EPSILON;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]!) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      do {
        g = d[l]!;
        p = (d[l + 1]! - g) / (2 * e[l]!);
        r = hypotenuse(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        dl1 = d[l + 1]!;
        h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i]! -= h;
        f = f + h;
        p = d[m]!;
        c = 1;
        c2 = c;
        c3 = c;
        el1 = e[l + 1]!;
        s = 0;
        s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = hypotenuse(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]!) > eps * tst1);
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }
}

/**
 * {@link hermitianEigenvalues} in slices: yields amplitude-operations after each Householder
 * step, {@link eigensolveOperations} in all, so a caller can pause during a long solve.
 */
export function* hermitianEigenvaluesInSlices(
  matrix: ComplexMatrix,
): Generator<number, Float64Array, undefined> {
  const { dim, re, im } = matrix;
  if (!Number.isSafeInteger(dim) || dim < 1 || re.length !== dim * dim || im.length !== dim * dim) {
    throw new RangeError(`matrix of dimension ${dim} needs ${dim}×${dim} real and imaginary parts`);
  }
  if (dim === 1) return Float64Array.of(re[0]!);
  const { size, a, real } = realSymmetric(matrix);
  const d = new Float64Array(size);
  const e = new Float64Array(size);
  // step i's share of the work ∝ i², rounded down; the rest with the QL iterations (sums
  // exactly to the total)
  const total = eigensolveOperations(dim);
  const squares = ((size - 1) * size * (2 * size - 1)) / 6;
  let charged = 0;
  for (const i of tridiagonalise(size, a, d, e)) {
    const share = Math.floor((total * i * i) / squares);
    charged += share;
    yield share;
  }
  diagonaliseTridiagonal(size, d, e);
  yield total - charged;
  const values = d.sort();
  if (real) return values;
  // each eigenvalue appears twice; average the pairs
  const out = new Float64Array(dim);
  for (let j = 0; j < dim; j++) out[j] = (values[2 * j]! + values[2 * j + 1]!) / 2;
  return out;
}

/**
 * The eigenvalues of a Hermitian matrix, ascending. Only the upper triangle (a ≤ b) is
 * read; the lower one is taken to be its conjugate.
 * @throws RangeError when re/im do not hold dim×dim entries.
 */
export function hermitianEigenvalues(matrix: ComplexMatrix): Float64Array {
  const slices = hermitianEigenvaluesInSlices(matrix);
  for (;;) {
    const next = slices.next();
    if (next.done) return next.value;
  }
}

/** S = −Σ λ log2 λ over ascending eigenvalues; those rounding pushed below zero count as 0. */
function entropyBitsOf(values: Float64Array): number {
  let s = 0;
  for (let j = 0; j < values.length; j++) {
    const lambda = values[j]!;
    if (lambda > 0) s -= lambda * Math.log2(lambda);
  }
  return s;
}

/** {@link vonNeumannEntropyBits} in slices (see {@link hermitianEigenvaluesInSlices}). */
export function* vonNeumannEntropyBitsInSlices(
  matrix: ComplexMatrix,
): Generator<number, number, undefined> {
  return entropyBitsOf(yield* hermitianEigenvaluesInSlices(matrix));
}

/**
 * S(ρ) = −Σ λ log2 λ over the eigenvalues of a density matrix, in bits. Eigenvalues that
 * rounding pushed below zero count as 0 here (and only here); ρ is not renormalised.
 */
export function vonNeumannEntropyBits(matrix: ComplexMatrix): number {
  return entropyBitsOf(hermitianEigenvalues(matrix));
}
