/**
 * Noise channels applied in place to a density matrix (density-matrix.ts layout: bit q of an
 * index is qubit q of the column, bit n + q the same qubit of the row). A channel on qubits S
 * acts on each block ρ_S[a][b] (rows a, columns b of S, every other index fixed) as on a
 * 2ᵏ×2ᵏ matrix, so each pass visits the 4ᵏ entries of every block once: no 4ⁿ×4ⁿ
 * superoperator, no allocation.
 */
import type { DensityMatrix } from "./density-matrix.js";

/**
 * The one-qubit channels here mix the diagonal blocks of qubit q and scale its off-diagonal
 * ones:  ρ00' = k00·ρ00 + k01·ρ11,  ρ11' = k10·ρ00 + k11·ρ11,  ρ01' = c·ρ01,  ρ10' = c·ρ10.
 */
function applyPopulationCoherence1(
  rho: DensityMatrix,
  q: number,
  k00: number,
  k01: number,
  k10: number,
  k11: number,
  c: number,
): void {
  const { re, im, numQubits } = rho;
  const size = re.length;
  const colBit = 1 << q;
  const rowBit = 1 << (q + numQubits);
  const both = colBit | rowBit;
  // visit every index with both bits clear, as the two-qubit statevector kernels do
  for (let a = 0; a < size; a += rowBit << 1) {
    const aEnd = a + rowBit;
    for (let b = a; b < aEnd; b += colBit << 1) {
      const bEnd = b + colBit;
      for (let i = b; i < bEnd; i++) {
        const i11 = i | both;
        const r0 = re[i]!;
        const i0 = im[i]!;
        const r1 = re[i11]!;
        const i1 = im[i11]!;
        re[i] = k00 * r0 + k01 * r1;
        im[i] = k00 * i0 + k01 * i1;
        re[i11] = k10 * r0 + k11 * r1;
        im[i11] = k10 * i0 + k11 * i1;
        const i01 = i | colBit;
        const i10 = i | rowBit;
        re[i01]! *= c;
        im[i01]! *= c;
        re[i10]! *= c;
        im[i10]! *= c;
      }
    }
  }
}

/**
 * A one-qubit gate's noise in one pass: depolarizing ρ → (1 − p)·ρ + p·I/2 ⊗ Tr_q ρ, then
 * thermal relaxation towards |0⟩ (Qiskit thermal_relaxation_error, excited population 0):
 * |1⟩ keeps e^{−t/T1} of its population, coherences keep e^{−t/T2}. Both are of the form
 * above, so their composition is too: populations mix by the product T·D, coherences scale
 * by the product of the factors. (Relaxation alone: p = 0.)
 */
export function applyOneQubitNoise(
  rho: DensityMatrix,
  q: number,
  p: number,
  keptExcited: number,
  keptCoherence: number,
): void {
  if (p === 0 && keptExcited === 1 && keptCoherence === 1) return;
  const stay = 1 - p / 2; // D = [[stay, flip], [flip, stay]]
  const flip = p / 2;
  const decayed = 1 - keptExcited; // T = [[1, decayed], [0, keptExcited]]
  applyPopulationCoherence1(
    rho,
    q,
    stay + decayed * flip,
    flip + decayed * stay,
    keptExcited * flip,
    keptExcited * stay,
    keptCoherence * (1 - p),
  );
}

/** Scratch: offsets of the 4 S-diagonal entries of a two-qubit block; its index bits. */
const diagonalOffsets = new Int32Array(4);
const blockBits = new Int32Array(4);

/** i with a zero bit inserted at position `bit` (the bits from `bit` up move left by one). */
function insertZeroBit(i: number, bit: number): number {
  const low = i & ((1 << bit) - 1);
  return ((i >>> bit) << (bit + 1)) | low;
}

/**
 * Two-qubit depolarizing on (qa, qb): ρ → (1 − p)·ρ + p·I/4 ⊗ Tr_ab ρ. Two passes: the
 * entries diagonal in (a, b) get (1 − p)·ρ + p/4·Σ_s ρ[s][s] block by block; then one
 * streaming pass scales every other entry by 1 − p (a block-by-block pass over all 16
 * entries, scattered over four row regions, was 4× slower).
 */
export function applyDepolarizing2(rho: DensityMatrix, qa: number, qb: number, p: number): void {
  if (p === 0) return;
  const { re, im, numQubits: n } = rho;
  blockBits[0] = qa;
  blockBits[1] = qb;
  blockBits[2] = qa + n;
  blockBits[3] = qb + n;
  blockBits.sort(); // ascending: each zero bit is inserted at its final position
  const b0 = blockBits[0]!;
  const b1 = blockBits[1]!;
  const b2 = blockBits[2]!;
  const b3 = blockBits[3]!;
  const columns = (1 << qa) | (1 << qb);
  for (let s = 0; s < 4; s++) {
    const column = (s & 1 ? 1 << qa : 0) | (s & 2 ? 1 << qb : 0);
    diagonalOffsets[s] = column | (column << n);
  }
  const keep = 1 - p;
  const spread = p / 4;
  const blocks = re.length >>> 4;
  for (let k = 0; k < blocks; k++) {
    const base = insertZeroBit(insertZeroBit(insertZeroBit(insertZeroBit(k, b0), b1), b2), b3);
    const i0 = base + diagonalOffsets[0]!;
    const i1 = base + diagonalOffsets[1]!;
    const i2 = base + diagonalOffsets[2]!;
    const i3 = base + diagonalOffsets[3]!;
    // the traced-out part (complex: the block of the other qubits is any matrix)
    const traceRe = spread * (re[i0]! + re[i1]! + re[i2]! + re[i3]!);
    const traceIm = spread * (im[i0]! + im[i1]! + im[i2]! + im[i3]!);
    re[i0] = keep * re[i0]! + traceRe;
    im[i0] = keep * im[i0]! + traceIm;
    re[i1] = keep * re[i1]! + traceRe;
    im[i1] = keep * im[i1]! + traceIm;
    re[i2] = keep * re[i2]! + traceRe;
    im[i2] = keep * im[i2]! + traceIm;
    re[i3] = keep * re[i3]! + traceRe;
    im[i3] = keep * im[i3]! + traceIm;
  }
  // off the (a, b) diagonal: the row's and the column's bits of a or b differ
  for (let i = 0; i < re.length; i++) {
    if (((i ^ (i >>> n)) & columns) !== 0) {
      re[i]! *= keep;
      im[i]! *= keep;
    }
  }
}
