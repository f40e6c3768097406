/**
 * An independent, deliberately naive noisy simulator for tests: full 2ⁿ×2ⁿ complex matrices
 * as plain arrays, each gate embedded as a full unitary U (ρ → UρU†), each channel as its
 * textbook Kraus operators embedded likewise (ρ → Σ K ρ K†): depolarizing as a Pauli mixture,
 * thermal relaxation as amplitude damping followed by a phase flip. Readout confusion is
 * applied outcome by outcome. It shares nothing with the fast kernels but the gates' 2×2 /
 * 4×4 matrices (src/circuits/matrices.ts) and the parameter-angle rule.
 */
import { GATES, type GateName } from "../../src/circuits/gates.js";
import { type Circuit, parameterColumns } from "../../src/circuits/ir.js";
import { gateMatrix } from "../../src/circuits/matrices.js";
import { angleValue } from "../helpers/dense-reference.js";

/** A complex number [re, im]; a matrix is rows of them. */
type Complex = [number, number];
export type Matrix = Complex[][];

/** The model the reference reads: plain numbers, looked up by its own rule. */
export interface ReferenceNoise {
  readonly depolarizingDefault: number;
  readonly depolarizingByGate: Partial<Record<GateName, number>>;
  readonly t1Ns?: readonly number[];
  readonly t2Ns?: readonly number[];
  readonly durationDefaultNs?: number;
  readonly durationByGateNs?: Partial<Record<GateName, number>>;
  /** Per qubit [P(1|0), P(0|1)]. */
  readonly readout?: readonly (readonly [number, number])[];
}

const zeros = (size: number): Matrix =>
  Array.from({ length: size }, () => Array.from({ length: size }, (): Complex => [0, 0]));

function multiply(a: Matrix, b: Matrix): Matrix {
  const size = a.length;
  const out = zeros(size);
  for (let r = 0; r < size; r++) {
    for (let k = 0; k < size; k++) {
      const [ar, ai] = a[r]![k]!;
      if (ar === 0 && ai === 0) continue;
      for (let c = 0; c < size; c++) {
        const [br, bi] = b[k]![c]!;
        out[r]![c]![0] += ar * br - ai * bi;
        out[r]![c]![1] += ar * bi + ai * br;
      }
    }
  }
  return out;
}

function dagger(a: Matrix): Matrix {
  return a.map((row, r) => row.map((_, c): Complex => [a[c]![r]![0], -a[c]![r]![1]]));
}

function add(a: Matrix, b: Matrix): Matrix {
  return a.map((row, r) => row.map(([x, y], c): Complex => [x + b[r]![c]![0], y + b[r]![c]![1]]));
}

/** The local 2ᵏ×2ᵏ operator `local` on `qubits` (first = low bit) as a full matrix. */
function embed(local: Matrix, qubits: readonly number[], numQubits: number): Matrix {
  const size = 1 << numQubits;
  const out = zeros(size);
  const localBits = (index: number) =>
    qubits.reduce((bits, q, k) => bits | (((index >> q) & 1) << k), 0);
  const mask = qubits.reduce((m, q) => m | (1 << q), 0);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      if ((r & ~mask) !== (c & ~mask)) continue; // identity on the other qubits
      out[r]![c] = [...local[localBits(r)]![localBits(c)]!];
    }
  }
  return out;
}

function fromInterleaved(m: Float64Array, size: number): Matrix {
  return Array.from({ length: size }, (_, r) =>
    Array.from(
      { length: size },
      (_, c): Complex => [m[2 * (r * size + c)]!, m[2 * (r * size + c) + 1]!],
    ),
  );
}

function scaled(a: Matrix, s: number): Matrix {
  return a.map((row) => row.map(([x, y]): Complex => [s * x, s * y]));
}

const I: Matrix = [
  [
    [1, 0],
    [0, 0],
  ],
  [
    [0, 0],
    [1, 0],
  ],
];
const X: Matrix = [
  [
    [0, 0],
    [1, 0],
  ],
  [
    [1, 0],
    [0, 0],
  ],
];
const Y: Matrix = [
  [
    [0, 0],
    [0, -1],
  ],
  [
    [0, 1],
    [0, 0],
  ],
];
const Z: Matrix = [
  [
    [1, 0],
    [0, 0],
  ],
  [
    [0, 0],
    [-1, 0],
  ],
];
const PAULIS = [I, X, Y, Z];

/** a ⊗ b with a on the high bit (second qubit) and b on the low bit (first qubit). */
function kron(a: Matrix, b: Matrix): Matrix {
  const size = a.length * b.length;
  const out = zeros(size);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const [xr, xi] = a[Math.floor(r / b.length)]![Math.floor(c / b.length)]!;
      const [yr, yi] = b[r % b.length]![c % b.length]!;
      out[r]![c] = [xr * yr - xi * yi, xr * yi + xi * yr];
    }
  }
  return out;
}

/** Kraus operators of k-qubit depolarizing: (1 − p)ρ + p·I/2ᵏ ⊗ Tr ρ as a Pauli mixture. */
function depolarizingKraus(p: number, k: number): Matrix[] {
  const paulis = k === 1 ? PAULIS : PAULIS.flatMap((high) => PAULIS.map((low) => kron(high, low)));
  const count = paulis.length; // 4ᵏ
  return paulis.map((pauli, index) =>
    scaled(pauli, Math.sqrt(index === 0 ? 1 - p + p / count : p / count)),
  );
}

/** Amplitude damping γ = 1 − e^{−t/T1}, then a phase flip bringing coherence to e^{−t/T2}. */
function relaxationKraus(t: number, t1: number, t2: number): Matrix[][] {
  const gamma = 1 - Math.exp(-t / t1);
  const damping: Matrix[] = [
    [
      [
        [1, 0],
        [0, 0],
      ],
      [
        [0, 0],
        [Math.sqrt(1 - gamma), 0],
      ],
    ],
    [
      [
        [0, 0],
        [Math.sqrt(gamma), 0],
      ],
      [
        [0, 0],
        [0, 0],
      ],
    ],
  ];
  const flip = (1 - Math.exp(-t / t2) / Math.exp(-t / (2 * t1))) / 2;
  const dephasing = [scaled(I, Math.sqrt(1 - flip)), scaled(Z, Math.sqrt(flip))];
  return [damping, dephasing];
}

/** KρK† as (K·(K·ρ)†)† (ρ Hermitian or not): both products have the sparse K on the left. */
function sandwich(full: Matrix, rho: Matrix): Matrix {
  return dagger(multiply(full, dagger(multiply(full, rho))));
}

function applyKraus(
  rho: Matrix,
  kraus: readonly Matrix[],
  qubits: readonly number[],
  n: number,
): Matrix {
  let out = zeros(rho.length);
  for (const k of kraus) out = add(out, sandwich(embed(k, qubits, n), rho));
  return out;
}

export function referenceDensityMatrix(
  circuit: Circuit,
  row: readonly number[],
  noise: ReferenceNoise,
): Matrix {
  const n = circuit.numQubits;
  let rho = zeros(1 << n);
  rho[0]![0] = [1, 0];
  const columns = parameterColumns(circuit);
  for (const gate of circuit.gates) {
    const k = GATES[gate.name].qubitCount;
    const args = gate.args.map((a) => angleValue(a, row, columns));
    const u = embed(fromInterleaved(gateMatrix(gate.name, args), 1 << k), gate.qubits, n);
    rho = sandwich(u, rho);
    const p = noise.depolarizingByGate[gate.name] ?? noise.depolarizingDefault;
    if (p > 0) rho = applyKraus(rho, depolarizingKraus(p, k), gate.qubits, n);
    if (noise.t1Ns && noise.t2Ns) {
      const t = noise.durationByGateNs?.[gate.name] ?? noise.durationDefaultNs ?? 0;
      for (const q of gate.qubits) {
        for (const kraus of relaxationKraus(t, noise.t1Ns[q]!, noise.t2Ns[q]!))
          rho = applyKraus(rho, kraus, [q], n);
      }
    }
  }
  return rho;
}

/** Register probabilities of the reference ρ, then readout flips outcome by outcome. */
export function referenceProbabilities(
  circuit: Circuit,
  row: readonly number[],
  noise: ReferenceNoise,
): number[] {
  const rho = referenceDensityMatrix(circuit, row, noise);
  const outcomes = 1 << circuit.numClbits;
  const ideal = new Array<number>(outcomes).fill(0);
  rho.forEach((rowEntries, index) => {
    let outcome = 0;
    for (const { qubit, clbit } of circuit.measurements) outcome |= ((index >> qubit) & 1) << clbit;
    ideal[outcome]! += rowEntries[index]![0];
  });
  if (!noise.readout) return ideal;
  const qubitOf = new Map(circuit.measurements.map(({ qubit, clbit }) => [clbit, qubit]));
  return Array.from({ length: outcomes }, (_, reported) => {
    let total = 0;
    for (let prepared = 0; prepared < outcomes; prepared++) {
      let chance = ideal[prepared]!;
      for (let clbit = 0; clbit < circuit.numClbits; clbit++) {
        const [p1Given0, p0Given1] = noise.readout![qubitOf.get(clbit)!]!;
        const from = (prepared >> clbit) & 1;
        const to = (reported >> clbit) & 1;
        chance *=
          from === 0 ? (to === 1 ? p1Given0 : 1 - p1Given0) : to === 0 ? p0Given1 : 1 - p0Given1;
      }
      total += chance;
    }
    return total;
  });
}
