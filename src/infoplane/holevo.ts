/**
 * The Holevo quantity of a register R (k qubits) over an ensemble of pure states |ψ_i⟩ with
 * p_i = 1/N (DESIGN.md §1):
 *   χ = S(mean_i ρ_R(x_i)) − mean_i S(ρ_R(x_i)),  ρ_R(x_i) = Tr_{not R} |ψ_i⟩⟨ψ_i|,
 * in bits; an upper bound on I(X;T) for every measurement T of R, and 0 ≤ χ ≤ k.
 *
 * χ is a difference of entropies and is reported as computed: rounding can leave it about
 * 1e-15 outside [0, min(k, log2 N)] (e.g. −1e-16 for an ensemble of one state); it is never
 * clipped.
 */
import {
  accumulateReducedUpper,
  checkRegister,
  complementQubits,
  mirrorUpper,
  type PureState,
  registerOffsets,
  stateQubits,
} from "./density-matrix.js";
import { vonNeumannEntropyBits } from "./spectrum.js";

export {
  type ComplexMatrix,
  type PureState,
  reducedDensityMatrix,
} from "./density-matrix.js";
export { hermitianEigenvalues, vonNeumannEntropyBits } from "./spectrum.js";

/**
 * Multiply-adds between two yields of {@link HolevoAccumulator.addInSlices}: 2^20, a few ms,
 * well under a pacing chunk (providers/local/pacing.ts).
 */
const SLICE_OPERATIONS = 2 ** 20;

/** Adds one state at a time, so an ensemble never has to be held in memory. */
export interface HolevoAccumulator {
  /** Adds |ψ⟩ (2^n amplitudes, the accumulator's n) with weight 1/N. */
  add(state: PureState): void;
  /**
   * {@link add} in slices: yields the work of each slice done (complex multiply-adds, or
   * about dim³ for an eigensolve), so a caller can pause between them (same result as add).
   * The state must stay unchanged until the generator is done.
   */
  addInSlices(state: PureState): Generator<number, void, undefined>;
  /** χ in bits of the states added so far. @throws RangeError before the first add. */
  value(): number;
  /** Number of states added. */
  readonly count: number;
}

/**
 * A streaming Holevo accumulator for register `qubits` of n-qubit states. Memory: two
 * 2^k×2^k matrices plus scratch; per state: 2^(n+k) for ρ_R and one eigensolve for S(ρ_R(x_i)),
 * done on the smaller of R and its complement (a pure state's two marginals share their
 * non-zero spectrum), and skipped when R is all or none of the qubits (S = 0).
 * @throws RangeError on a malformed register.
 */
export function createHolevoAccumulator(
  qubits: readonly number[],
  numQubits: number,
): HolevoAccumulator {
  if (!Number.isInteger(numQubits) || numQubits < 0 || numQubits > 30) {
    throw new RangeError(`numQubits must be an integer in 0..30, got ${numQubits}`);
  }
  checkRegister(qubits, numQubits);
  const others = complementQubits(qubits, numQubits);
  const register = registerOffsets(qubits);
  const rest = registerOffsets(others);
  const dim = register.length;
  const sumRe = new Float64Array(dim * dim);
  const sumIm = new Float64Array(dim * dim);
  const scratchRe = new Float64Array(dim * dim);
  const scratchIm = new Float64Array(dim * dim);
  // the marginal whose entropy is computed per state: R itself or its smaller complement
  const mixedParts = qubits.length > 0 && others.length > 0;
  const complementSmaller = others.length < qubits.length;
  const cDim = rest.length;
  const cRe = complementSmaller ? new Float64Array(cDim * cDim) : scratchRe;
  const cIm = complementSmaller ? new Float64Array(cDim * cDim) : scratchIm;
  let count = 0;
  let entropySum = 0;

  /** ρ over `inner` traced over `outer`, into out, in slices of ≈ SLICE_OPERATIONS. */
  function* reduceInSlices(
    state: PureState,
    inner: Int32Array,
    outer: Int32Array,
    outRe: Float64Array,
    outIm: Float64Array,
  ): Generator<number, void, undefined> {
    outRe.fill(0);
    outIm.fill(0);
    const perTerm = inner.length * inner.length;
    const termsPerSlice = Math.max(1, Math.floor(SLICE_OPERATIONS / perTerm));
    for (let from = 0; from < outer.length; from += termsPerSlice) {
      const to = Math.min(outer.length, from + termsPerSlice);
      accumulateReducedUpper(state, inner, outer, 1, outRe, outIm, from, to);
      yield (to - from) * perTerm;
    }
  }

  function* addInSlices(state: PureState): Generator<number, void, undefined> {
    const n = stateQubits(state);
    if (n !== numQubits) {
      throw new RangeError(`accumulator is for ${numQubits}-qubit states, got ${n} qubits`);
    }
    yield* reduceInSlices(state, register, rest, scratchRe, scratchIm);
    for (let j = 0; j < sumRe.length; j++) {
      sumRe[j]! += scratchRe[j]!;
      sumIm[j]! += scratchIm[j]!;
    }
    if (mixedParts) {
      if (complementSmaller) {
        yield* reduceInSlices(state, rest, register, cRe, cIm);
        mirrorUpper(cRe, cIm, cDim);
        entropySum += vonNeumannEntropyBits({ dim: cDim, re: cRe, im: cIm });
        yield cDim ** 3;
      } else {
        mirrorUpper(scratchRe, scratchIm, dim);
        entropySum += vonNeumannEntropyBits({ dim, re: scratchRe, im: scratchIm });
        yield dim ** 3;
      }
    }
    count++;
  }

  return {
    add(state: PureState): void {
      for (const _ of addInSlices(state)) {
        // no pauses: the slices run back to back
      }
    },
    addInSlices,
    value(): number {
      if (count === 0) throw new RangeError("Holevo quantity of an empty ensemble");
      for (let j = 0; j < sumRe.length; j++) {
        scratchRe[j] = sumRe[j]! / count;
        scratchIm[j] = sumIm[j]! / count;
      }
      mirrorUpper(scratchRe, scratchIm, dim);
      return vonNeumannEntropyBits({ dim, re: scratchRe, im: scratchIm }) - entropySum / count;
    },
    get count(): number {
      return count;
    },
  };
}

/**
 * χ in bits of register `qubits` over the ensemble `states` (equal weights).
 * @throws RangeError on an empty ensemble, states of different sizes or a malformed register.
 */
export function holevoQuantity(states: readonly PureState[], qubits: readonly number[]): number {
  if (states.length === 0) throw new RangeError("Holevo quantity of an empty ensemble");
  const accumulator = createHolevoAccumulator(qubits, stateQubits(states[0]!));
  for (const state of states) accumulator.add(state);
  return accumulator.value();
}
