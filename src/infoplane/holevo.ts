/**
 * The Holevo quantity of a register R (k qubits) over an ensemble of pure states |ψ_i⟩ with
 * p_i = 1/N (docs/science.md §Holevo quantity):
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
import { eigensolveOperations, vonNeumannEntropyBitsInSlices } from "./spectrum.js";

export {
  type ComplexMatrix,
  type PureState,
  reducedDensityMatrix,
} from "./density-matrix.js";
export {
  EIGENSOLVE_OPERATIONS_PER_CUBE,
  eigensolveOperations,
  hermitianEigenvalues,
  vonNeumannEntropyBits,
} from "./spectrum.js";

/**
 * Multiply-adds between two yields of {@link HolevoAccumulator.addInSlices}: 2^20, a few ms,
 * well under a pacing chunk (providers/local/pacing.ts).
 */
const SLICE_OPERATIONS = 2 ** 20;

/**
 * The largest register the service computes χ for: 8 qubits, 256×256 density matrices. The
 * mean state's eigensolve is always on the whole register (each state's on the smaller of R
 * and its complement), and its memory and time grow 4× and 8× per qubit: measured 0.13 s for
 * d = 256, 0.93 s for 512 (`bench/admission.ts`).
 */
export const MAX_HOLEVO_REGISTER_QUBITS = 8;
/**
 * One complex multiply-add of the partial trace, in the simulator's amplitude-operations
 * (providers/local/pacing.ts): measured 1.8–2.5 ns against 0.83 ns per amplitude-operation.
 */
export const TRACE_OPERATIONS_PER_MULTIPLY_ADD = 3;

/**
 * Amplitude-operations of χ of a `registerQubits`-qubit register of `states` n-qubit states,
 * the states' simulation excluded: per state ρ_R (2^(n+k) multiply-adds), ρ of the complement
 * when it is the smaller, and the smaller one's eigensolve; then the mean state's eigensolve.
 * What {@link HolevoAccumulator} yields, summed.
 */
export function holevoOperations(
  numQubits: number,
  registerQubits: number,
  states: number,
): number {
  const others = numQubits - registerQubits;
  const mixedParts = registerQubits > 0 && others > 0;
  let perState = 2 ** (numQubits + registerQubits);
  if (mixedParts && others < registerQubits) perState += 2 ** (numQubits + others);
  perState *= TRACE_OPERATIONS_PER_MULTIPLY_ADD;
  if (mixedParts) perState += eigensolveOperations(2 ** Math.min(registerQubits, others));
  return states * perState + eigensolveOperations(2 ** registerQubits);
}

/** Adds one state at a time, so an ensemble never has to be held in memory. */
export interface HolevoAccumulator {
  /** Adds |ψ⟩ (2^n amplitudes, the accumulator's n) with weight 1/N. */
  add(state: PureState): void;
  /**
   * {@link add} in slices: yields the work of each slice in amplitude-operations (see
   * {@link holevoOperations}; an eigensolve after each Householder step), so a caller can
   * pause between them (same result as add). The state must stay unchanged until it is done.
   */
  addInSlices(state: PureState): Generator<number, void, undefined>;
  /** χ in bits of the states added so far. @throws RangeError before the first add. */
  value(): number;
  /** {@link value} in slices: the mean state's eigensolve, yielding as {@link addInSlices}. */
  valueInSlices(): Generator<number, number, undefined>;
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
      yield (to - from) * perTerm * TRACE_OPERATIONS_PER_MULTIPLY_ADD;
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
        entropySum += yield* vonNeumannEntropyBitsInSlices({ dim: cDim, re: cRe, im: cIm });
      } else {
        mirrorUpper(scratchRe, scratchIm, dim);
        entropySum += yield* vonNeumannEntropyBitsInSlices({ dim, re: scratchRe, im: scratchIm });
      }
    }
    count++;
  }

  function* valueInSlices(): Generator<number, number, undefined> {
    if (count === 0) throw new RangeError("Holevo quantity of an empty ensemble");
    for (let j = 0; j < sumRe.length; j++) {
      scratchRe[j] = sumRe[j]! / count;
      scratchIm[j] = sumIm[j]! / count;
    }
    mirrorUpper(scratchRe, scratchIm, dim);
    const meanEntropy = yield* vonNeumannEntropyBitsInSlices({ dim, re: scratchRe, im: scratchIm });
    return meanEntropy - entropySum / count;
  }

  return {
    add(state: PureState): void {
      for (const _ of addInSlices(state)) {
        // no pauses: the slices run back to back
      }
    },
    addInSlices,
    value(): number {
      const slices = valueInSlices();
      for (;;) {
        const next = slices.next();
        if (next.done) return next.value;
      }
    },
    valueInSlices,
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
