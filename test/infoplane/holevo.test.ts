import fc from "fast-check";
import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import { describe, expect, it } from "vitest";
import {
  accumulateReducedUpper,
  complementQubits,
  registerOffsets,
} from "../../src/infoplane/density-matrix.js";
import {
  createHolevoAccumulator,
  EIGENSOLVE_OPERATIONS_PER_CUBE as EIG,
  hermitianEigenvalues,
  holevoOperations,
  holevoQuantity,
  reducedDensityMatrix,
  TRACE_OPERATIONS_PER_MULTIPLY_ADD as TRACE,
  vonNeumannEntropyBits,
} from "../../src/infoplane/holevo.js";
import { informationPlane } from "../../src/infoplane/mutual-information.js";
import { H2, randomState, type State } from "./reference.js";

const S = Math.SQRT1_2;
const state = (re: number[], im: number[] = re.map(() => 0)): State => ({
  re: Float64Array.from(re),
  im: Float64Array.from(im),
});
const ket0 = state([1, 0]);
const ket1 = state([0, 1]);
const plus = state([S, S]);
const bell = state([S, 0, 0, S]); // (|00⟩ + |11⟩)/√2
const bellMinus = state([S, 0, 0, -S]);

/** Naive partial trace straight from the definition, bit by bit, for comparison. */
function naiveReduced(psi: State, qubits: number[]) {
  const n = Math.log2(psi.re.length);
  const dim = 2 ** qubits.length;
  const re = new Float64Array(dim * dim);
  const im = new Float64Array(dim * dim);
  const registerIndex = (index: number) =>
    qubits.reduce((a, q, j) => a + (((index >> q) & 1) << j), 0);
  const restBits = (index: number) =>
    Array.from({ length: n }, (_, q) => q)
      .filter((q) => !qubits.includes(q))
      .map((q) => (index >> q) & 1)
      .join("");
  for (let i = 0; i < psi.re.length; i++) {
    for (let j = 0; j < psi.re.length; j++) {
      if (restBits(i) !== restBits(j)) continue;
      const a = registerIndex(i);
      const b = registerIndex(j);
      // ψ_i ψ_j*
      re[a * dim + b]! += psi.re[i]! * psi.re[j]! + psi.im[i]! * psi.im[j]!;
      im[a * dim + b]! += psi.im[i]! * psi.re[j]! - psi.re[i]! * psi.im[j]!;
    }
  }
  return { dim, re, im };
}

describe("reduced density matrices", () => {
  it("one qubit of a Bell state is I/2", () => {
    for (const qubit of [0, 1]) {
      const rho = reducedDensityMatrix(bell, [qubit]);
      expect(rho.dim).toBe(2);
      [0.5, 0, 0, 0.5].forEach((v, j) => {
        expect(rho.re[j]).toBeCloseTo(v, 15);
        expect(Math.abs(rho.im[j]!)).toBe(0);
      });
    }
  });

  it("orders the register by the list given (qubits[j] is bit j) and reads little-endian states", () => {
    // |q2 q1 q0⟩ = |1 0 1⟩: basis index 0b101 = 5
    const amplitudes = new Array<number>(8).fill(0);
    amplitudes[5] = 1;
    const psi = state(amplitudes);
    const diagonal = (qubits: number[]) => {
      const rho = reducedDensityMatrix(psi, qubits);
      return Array.from({ length: rho.dim }, (_, a) => rho.re[a * rho.dim + a]);
    };
    expect(diagonal([2, 0])).toEqual([0, 0, 0, 1]); // bits (q2, q0) = (1, 1) → 3
    expect(diagonal([0, 1])).toEqual([0, 1, 0, 0]); // (q0, q1) = (1, 0) → 1
    expect(diagonal([1, 2])).toEqual([0, 0, 1, 0]); // (q1, q2) = (0, 1) → 2
    expect(diagonal([1])).toEqual([1, 0]);
  });

  it("complex amplitudes: (|0⟩ + i|1⟩)/√2 has ρ = [[½, −i/2], [i/2, ½]]", () => {
    const rho = reducedDensityMatrix(state([S, 0], [0, S]), [0]);
    expect(rho.re[0]).toBeCloseTo(0.5, 15);
    expect(rho.im[1]).toBeCloseTo(-0.5, 15);
    expect(rho.im[2]).toBeCloseTo(0.5, 15);
    expect(rho.re[3]).toBeCloseTo(0.5, 15);
  });

  it("matches a naive partial trace on random states and registers", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }).chain((n) =>
          fc.record({
            psi: randomState(n),
            qubits: fc.shuffledSubarray([...Array(n).keys()]),
          }),
        ),
        ({ psi, qubits }) => {
          const rho = reducedDensityMatrix(psi, qubits);
          const naive = naiveReduced(psi, qubits);
          for (let j = 0; j < rho.re.length; j++) {
            expect(Math.abs(rho.re[j]! - naive.re[j]!)).toBeLessThan(1e-14);
            expect(Math.abs(rho.im[j]! - naive.im[j]!)).toBeLessThan(1e-14);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it("rejects malformed states and registers", () => {
    expect(() => reducedDensityMatrix(state([1, 0, 0]), [0])).toThrow(/not 2\^n/);
    expect(() => reducedDensityMatrix(bell, [2])).toThrow(/not a qubit of a 2-qubit state/);
    expect(() => reducedDensityMatrix(bell, [1, 1])).toThrow(/twice/);
  });
});

describe("Hermitian spectra and von Neumann entropy", () => {
  it("finds eigenvalues of real and complex Hermitian matrices", () => {
    // [[2, 1−i], [1+i, 3]]: trace 5, determinant 6 − 2 = 4 → eigenvalues 1 and 4
    const values = hermitianEigenvalues({
      dim: 2,
      re: Float64Array.of(2, 1, 1, 3),
      im: Float64Array.of(0, -1, 1, 0),
    });
    expect(values[0]).toBeCloseTo(1, 14);
    expect(values[1]).toBeCloseTo(4, 14);
    const real = hermitianEigenvalues({
      dim: 3,
      re: Float64Array.of(2, 0, 0, 0, 3, 4, 0, 4, 9),
      im: new Float64Array(9),
    });
    // block [[3,4],[4,9]]: 6 ± 5
    expect(Array.from(real).map((v) => Math.round(v * 1e12) / 1e12)).toEqual([1, 2, 11]);
  });

  it("gives bit for bit the eigenvalues of ml-matrix's full symmetric decomposition", () => {
    // the solver is its eigenvalue half (tred2 + tql2 without eigenvectors)
    const reference = (dim: number, re: Float64Array, im: Float64Array, real: boolean) => {
      const size = real ? dim : 2 * dim;
      const m = new Matrix(size, size);
      for (let a = 0; a < dim; a++) {
        for (let b = 0; b < dim; b++) {
          const [x, y] =
            a <= b ? [re[a * dim + b]!, im[a * dim + b]!] : [re[b * dim + a]!, -im[b * dim + a]!];
          m.set(a, b, x);
          if (real) continue;
          m.set(a + dim, b + dim, x);
          m.set(a, b + dim, a === b ? 0 : -y);
          m.set(a + dim, b, a === b ? 0 : y);
        }
      }
      const values = Float64Array.from(
        new EigenvalueDecomposition(m, { assumeSymmetric: true }).realEigenvalues,
      ).sort();
      if (real) return Array.from(values);
      return Array.from({ length: dim }, (_, j) => (values[2 * j]! + values[2 * j + 1]!) / 2);
    };
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 24 }),
        fc.boolean(),
        fc.integer(),
        (dim, real, seed) => {
          let x = seed;
          const next = () => {
            x = (Math.imul(x, 1103515245) + 12345) | 0;
            // a few exact zeros: the solver's zero-scale branch
            return x % 5 === 0 ? 0 : x / 2 ** 31;
          };
          const re = new Float64Array(dim * dim);
          const im = new Float64Array(dim * dim);
          for (let a = 0; a < dim; a++) {
            for (let b = a; b < dim; b++) {
              re[a * dim + b] = next();
              if (!real && b > a) im[a * dim + b] = next() || 0.5;
            }
          }
          const isReal = real || dim === 1;
          expect(Array.from(hermitianEigenvalues({ dim, re, im }))).toEqual(
            reference(dim, re, im, isReal),
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it("S(pure) = 0, S(I/2) = 1, S(I/4) = 2", () => {
    expect(vonNeumannEntropyBits(reducedDensityMatrix(state([S, 0], [0, S]), [0]))).toBeCloseTo(
      0,
      14,
    );
    expect(vonNeumannEntropyBits(reducedDensityMatrix(bell, [0]))).toBeCloseTo(1, 14);
    const fourBell = state(
      Array.from({ length: 16 }, (_, i) => ((i & 3) === i >> 2 ? 0.5 : 0)), // Σ_a |a⟩|a⟩ / 2
    );
    expect(vonNeumannEntropyBits(reducedDensityMatrix(fourBell, [0, 1]))).toBeCloseTo(2, 14);
  });

  it("a pure state's register and complement have the same entropy", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 4 }).chain((n) =>
          fc.record({
            n: fc.constant(n),
            psi: randomState(n),
            cut: fc.integer({ min: 1, max: n - 1 }),
          }),
        ),
        ({ n, psi, cut }) => {
          const inside = [...Array(cut).keys()];
          const outside = [...Array(n - cut).keys()].map((q) => q + cut);
          const a = vonNeumannEntropyBits(reducedDensityMatrix(psi, inside));
          const b = vonNeumannEntropyBits(reducedDensityMatrix(psi, outside));
          expect(Math.abs(a - b)).toBeLessThan(1e-12);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe("Holevo quantity", () => {
  it("{|0⟩, |1⟩} carries one bit", () => {
    expect(holevoQuantity([ket0, ket1], [0])).toBeCloseTo(1, 14);
  });

  it("{|0⟩, |+⟩}: χ = S((|0⟩⟨0| + |+⟩⟨+|)/2) = H2((1 + 1/√2)/2)", () => {
    // eigenvalues of the mean state are (1 ± 1/√2)/2; the states are pure
    const expected = H2((1 + S) / 2);
    expect(expected).toBeCloseTo(0.600876, 6);
    expect(holevoQuantity([ket0, plus], [0])).toBeCloseTo(expected, 14);
  });

  it("one qubit of Bell states: each ρ_R = I/2, so χ = 0; both qubits tell Φ+ from Φ− (1 bit)", () => {
    expect(Math.abs(holevoQuantity([bell], [0]))).toBeLessThan(1e-14);
    expect(Math.abs(holevoQuantity([bell, bellMinus], [1]))).toBeLessThan(1e-14);
    expect(holevoQuantity([bell, bellMinus], [0, 1])).toBeCloseTo(1, 14);
  });

  it("the streaming accumulator equals the batch computation", () => {
    const states = [ket0, plus, state([0.6, 0], [0, 0.8])];
    const accumulator = createHolevoAccumulator([0], 1);
    expect(() => accumulator.value()).toThrow(/empty/);
    for (const psi of states) accumulator.add(psi);
    expect(accumulator.count).toBe(3);
    expect(accumulator.value()).toBe(holevoQuantity(states, [0]));
    expect(() => accumulator.add(bell)).toThrow(/1-qubit states, got 2/);
  });

  it("Holevo bound: I(X;T) of the computational-basis measurement ≤ χ ≤ min(k, log2 N)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }).chain((n) =>
          fc.record({
            states: fc.array(randomState(n), { minLength: 1, maxLength: 6 }),
            qubits: fc.shuffledSubarray([...Array(n).keys()], { minLength: 1 }),
          }),
        ),
        ({ states, qubits }) => {
          const chi = holevoQuantity(states, qubits);
          const dim = 2 ** qubits.length;
          // p(t|x_i) = diagonal of ρ_R(x_i)
          const table = new Float64Array(states.length * dim);
          states.forEach((psi, i) => {
            const rho = reducedDensityMatrix(psi, qubits);
            for (let t = 0; t < dim; t++) table[i * dim + t] = rho.re[t * dim + t]!;
          });
          const { ixt } = informationPlane(table, dim, new Array(states.length).fill(0));
          expect(chi).toBeGreaterThanOrEqual(ixt - 1e-12);
          expect(chi).toBeGreaterThanOrEqual(-1e-12);
          expect(chi).toBeLessThanOrEqual(qubits.length + 1e-12);
          expect(chi).toBeLessThanOrEqual(Math.log2(states.length) + 1e-12);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("takes the per-state entropy from the smaller side of the cut without changing χ", () => {
    // register of 3 of 4 qubits: the per-state entropies come from the 1-qubit complement
    fc.assert(
      fc.property(fc.array(randomState(4), { minLength: 1, maxLength: 4 }), (states) => {
        const chi = holevoQuantity(states, [3, 0, 2]);
        const mean = { dim: 8, re: new Float64Array(64), im: new Float64Array(64) };
        let entropies = 0;
        for (const psi of states) {
          const rho = reducedDensityMatrix(psi, [3, 0, 2]);
          entropies += vonNeumannEntropyBits(rho);
          for (let j = 0; j < 64; j++) {
            mean.re[j]! += rho.re[j]! / states.length;
            mean.im[j]! += rho.im[j]! / states.length;
          }
        }
        const direct = vonNeumannEntropyBits(mean) - entropies / states.length;
        expect(Math.abs(chi - direct)).toBeLessThan(1e-12);
      }),
      { numRuns: 50 },
    );
  });

  it("rejects an empty ensemble and bad registers", () => {
    expect(() => holevoQuantity([], [0])).toThrow(/empty ensemble/);
    expect(() => createHolevoAccumulator([0, 0], 2)).toThrow(/twice/);
    expect(() => createHolevoAccumulator([3], 2)).toThrow(/not a qubit/);
  });
});

describe("the partial trace in slices (paced Holevo)", () => {
  it("gives the matrix of one call when the traced-out terms are added in consecutive ranges", () => {
    fc.assert(
      fc.property(randomState(7), fc.integer({ min: 1, max: 31 }), (psi, cut) => {
        const register = registerOffsets([1, 4]);
        const rest = registerOffsets(complementQubits([1, 4], 7));
        const whole = [new Float64Array(16), new Float64Array(16)] as const;
        accumulateReducedUpper(psi, register, rest, 1, whole[0], whole[1]);
        const sliced = [new Float64Array(16), new Float64Array(16)] as const;
        accumulateReducedUpper(psi, register, rest, 1, sliced[0], sliced[1], 0, cut);
        accumulateReducedUpper(psi, register, rest, 1, sliced[0], sliced[1], cut, rest.length);
        expect(Array.from(sliced[0])).toEqual(Array.from(whole[0]));
        expect(Array.from(sliced[1])).toEqual(Array.from(whole[1]));
      }),
      { numRuns: 30 },
    );
  });

  it("yields its work slice by slice and adds what add adds", () => {
    // 20 qubits, register of 2: 2^18 traced-out terms of 16 multiply-adds, 2^20 per slice
    const n = 20;
    const dim = 2 ** n;
    const psi = {
      re: Float64Array.from({ length: dim }, (_, i) => Math.sin(i + 1) / Math.sqrt(dim / 2)),
      im: Float64Array.from({ length: dim }, (_, i) => Math.cos(3 * i) / Math.sqrt(dim / 2)),
    };
    const whole = createHolevoAccumulator([0, 5], n);
    whole.add(psi);
    whole.add(plusState(n));
    const sliced = createHolevoAccumulator([0, 5], n);
    const first = [...sliced.addInSlices(psi)];
    const second = [...sliced.addInSlices(plusState(n))];
    // per state: the 2^(20+2) multiply-adds of ρ_R in 4 slices of TRACE·2^20 amplitude-operations,
    // then the 4×4 eigensolve, EIG·4³ in all: ψ's ρ_R is complex (an 8×8 real solve, 7
    // Householder steps, then the QL iterations), |+⟩'s is real (4×4: 3 steps, then QL)
    const trace = Array<number>(4).fill(TRACE * 2 ** 20);
    expect(first.slice(0, 4)).toEqual(trace);
    expect(second.slice(0, 4)).toEqual(trace);
    expect(first.length - 4).toBe(8);
    expect(second.length - 4).toBe(4);
    expect(sum(first.slice(4))).toBe(EIG * 4 ** 3);
    expect(sum(second.slice(4))).toBe(EIG * 4 ** 3);
    const value = [
      ...(function* () {
        const result = yield* sliced.valueInSlices();
        expect(result).toBe(whole.value());
      })(),
    ];
    expect(sum(value)).toBe(EIG * 4 ** 3);
    expect(sum(first) + sum(second) + sum(value)).toBe(holevoOperations(n, 2, 2));
  });

  it("prices a register larger than its complement: both partial traces, the smaller eigensolve", () => {
    // 6 qubits, register of 4: ρ_R 2^10 and ρ of the 2 others 2^8 multiply-adds (× TRACE), a
    // 4×4 eigensolve per state (EIG·4³); then the 16×16 mean state (EIG·16³)
    expect(holevoOperations(6, 4, 10)).toBe(
      10 * (TRACE * (2 ** 10 + 2 ** 8) + EIG * 64) + EIG * 4096,
    );
    const accumulator = createHolevoAccumulator([0, 1, 2, 3], 6);
    expect(sum([...accumulator.addInSlices(plusState(6))])).toBe(
      TRACE * (2 ** 10 + 2 ** 8) + EIG * 64,
    );
    // all of the qubits: a pure state's entropy is 0, no per-state eigensolve
    expect(holevoOperations(3, 3, 5)).toBe(5 * TRACE * 2 ** 6 + EIG * 8 ** 3);
  });
});

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** |+⟩^⊗n. */
function plusState(n: number): State {
  const dim = 2 ** n;
  return { re: new Float64Array(dim).fill(1 / Math.sqrt(dim)), im: new Float64Array(dim) };
}
