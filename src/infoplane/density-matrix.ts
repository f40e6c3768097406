/**
 * Reduced density matrices of pure n-qubit states. Statevectors are little-endian: bit q of
 * a basis index is qubit q. A register lists its qubits; qubits[j] is bit j of the
 * register's basis index.
 */

/** A pure state's amplitudes, 2^n of them. */
export interface PureState {
  readonly re: Float64Array;
  readonly im: Float64Array;
}

/** A dim×dim complex matrix, row-major: entry (a, b) at a·dim + b. */
export interface ComplexMatrix {
  readonly dim: number;
  readonly re: Float64Array;
  readonly im: Float64Array;
}

/** Number of qubits n of a state with 2^n amplitudes. */
export function stateQubits(state: PureState): number {
  const dim = state.re.length;
  if (state.im.length !== dim) {
    throw new RangeError(`state has ${dim} real but ${state.im.length} imaginary parts`);
  }
  const n = Math.log2(dim);
  if (!Number.isInteger(n) || n > 30) {
    throw new RangeError(`state length ${dim} is not 2^n for n in 0..30`);
  }
  return n;
}

/** Checks that `qubits` are distinct qubits of an n-qubit state. */
export function checkRegister(qubits: readonly number[], numQubits: number): void {
  const seen = new Set<number>();
  for (const q of qubits) {
    if (!Number.isInteger(q) || q < 0 || q >= numQubits) {
      throw new RangeError(`register qubit ${q} is not a qubit of a ${numQubits}-qubit state`);
    }
    if (seen.has(q)) throw new RangeError(`register lists qubit ${q} twice`);
    seen.add(q);
  }
}

/** The qubits of 0..n−1 not in `qubits`, ascending. */
export function complementQubits(qubits: readonly number[], numQubits: number): number[] {
  const inside = new Set(qubits);
  const rest: number[] = [];
  for (let q = 0; q < numQubits; q++) if (!inside.has(q)) rest.push(q);
  return rest;
}

/** offsets[a] = Σ_j bit_j(a)·2^qubits[j]: where register index a sits in the full index. */
export function registerOffsets(qubits: readonly number[]): Int32Array {
  const dim = 2 ** qubits.length;
  const offsets = new Int32Array(dim);
  for (let a = 1; a < dim; a++) {
    const j = 31 - Math.clz32(a); // highest set bit of a
    offsets[a] = offsets[a ^ (1 << j)]! + 2 ** qubits[j]!;
  }
  return offsets;
}

/**
 * Adds w·Tr_{rest} |ψ⟩⟨ψ| to the UPPER triangle (a ≤ b) of the register matrix `out`:
 * ρ(a, b) += w Σ_e ψ(a, e) ψ(b, e)*. The lower triangle is not touched. With `from`/`to`,
 * only the terms e in [from, to): consecutive ranges add the same numbers in the same order
 * as one call.
 */
export function accumulateReducedUpper(
  state: PureState,
  register: Int32Array,
  rest: Int32Array,
  weight: number,
  outRe: Float64Array,
  outIm: Float64Array,
  from = 0,
  to = rest.length,
): void {
  const { re, im } = state;
  const dim = register.length;
  for (let e = from; e < to; e++) {
    const base = rest[e]!;
    for (let a = 0; a < dim; a++) {
      const ia = base + register[a]!;
      const ar = re[ia]!;
      const ai = im[ia]!;
      if (ar === 0 && ai === 0) continue;
      const wr = weight * ar;
      const wi = weight * ai;
      const row = a * dim;
      for (let b = a; b < dim; b++) {
        const ib = base + register[b]!;
        const br = re[ib]!;
        const bi = im[ib]!;
        outRe[row + b]! += wr * br + wi * bi;
        outIm[row + b]! += wi * br - wr * bi;
      }
    }
  }
}

/** Fills the lower triangle from the upper one so the matrix is exactly Hermitian. */
export function mirrorUpper(re: Float64Array, im: Float64Array, dim: number): void {
  for (let a = 0; a < dim; a++) {
    im[a * dim + a] = 0;
    for (let b = a + 1; b < dim; b++) {
      re[b * dim + a] = re[a * dim + b]!;
      im[b * dim + a] = -im[a * dim + b]!;
    }
  }
}

/**
 * ρ_R = Tr_{not R} |ψ⟩⟨ψ|, a 2^k×2^k Hermitian matrix over the register's basis
 * (qubits[j] is bit j of its index). Costs 2^(n+k) complex multiply-adds.
 * @throws RangeError on a malformed state or register.
 */
export function reducedDensityMatrix(state: PureState, qubits: readonly number[]): ComplexMatrix {
  const n = stateQubits(state);
  checkRegister(qubits, n);
  const register = registerOffsets(qubits);
  const rest = registerOffsets(complementQubits(qubits, n));
  const dim = register.length;
  const re = new Float64Array(dim * dim);
  const im = new Float64Array(dim * dim);
  accumulateReducedUpper(state, register, rest, 1, re, im);
  mirrorUpper(re, im, dim);
  return { dim, re, im };
}
