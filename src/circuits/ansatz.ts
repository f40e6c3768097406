/**
 * Ansatz builders for variational quantum classifiers and regressors (DESIGN.md §1):
 * angle encoding `ry(s·x_j)` (optionally re-uploaded before every variational layer) and
 * hardware-efficient layers (per qubit `ry(θ) rz(θ)`, then a linear, ring or full
 * entangler of CNOTs or CZs), measuring a chosen readout register.
 */
import { QplaneError } from "../errors/catalogue.js";
import { type Circuit, CircuitBuilder, input, weight } from "./ir.js";

export type Entangler = "linear" | "ring" | "full";
export type EntanglingGate = "cx" | "cz";

export interface AnsatzOptions {
  readonly qubits: number;
  readonly layers: number;
  /** Number of input features. @defaultValue qubits */
  readonly features?: number;
  /** Encode the features again before every variational layer. @defaultValue true */
  readonly reupload?: boolean;
  /** @defaultValue "linear" */
  readonly entangler?: Entangler;
  /** @defaultValue "cx" */
  readonly entanglingGate?: EntanglingGate;
  /** Scale s in ry(s·x). @defaultValue 1 */
  readonly encodingScale?: number;
  /** Qubits measured into c[0], c[1], …. @defaultValue [0] */
  readonly readoutQubits?: readonly number[];
}

export interface Ansatz {
  readonly circuit: Circuit;
  /** Input (feature) parameter names, feature j → `x{j}`. */
  readonly inputNames: readonly string[];
  /** Weight names in column order. */
  readonly weightNames: readonly string[];
  readonly readoutQubits: readonly number[];
}

/**
 * Readout qubits for C classes: k = ceil(log2 C) qubits (at least one), the LAST k of the
 * model: a CNOT chain carries information from qubit 0 towards qubit n−1, so the end of
 * the chain is where every feature's influence reaches. (Qubit 0 of a linear chain is only
 * ever a control, and its Z-basis outcome never sees the other features.)
 */
export function readoutQubitsForClasses(classes: number, qubits: number): number[] {
  const k = Math.max(1, Math.ceil(Math.log2(classes)));
  return Array.from({ length: k }, (_, j) => qubits - k + j);
}

/** Entangling pairs (control, target) of one layer. */
export function entanglingPairs(qubits: number, entangler: Entangler): [number, number][] {
  const pairs: [number, number][] = [];
  if (entangler === "full") {
    for (let a = 0; a < qubits; a++) for (let b = a + 1; b < qubits; b++) pairs.push([a, b]);
    return pairs;
  }
  for (let q = 0; q + 1 < qubits; q++) pairs.push([q, q + 1]);
  if (entangler === "ring" && qubits > 2) pairs.push([qubits - 1, 0]);
  return pairs;
}

function checkInteger(
  field: string,
  value: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new QplaneError(
      "QPLANE_ERR_CIRCUIT_PARAMETER",
      `${field} must be an integer in ${min}..${max}, got ${value}`,
    );
  }
}

/**
 * The size of the circuit {@link buildAnsatz} builds, without building it (O(qubits²)):
 * what the cost model needs to price a spec in microseconds. Every weight sits in one
 * `ry` or `rz` gate of its own.
 */
export interface AnsatzSize {
  readonly qubits: number;
  readonly clbits: number;
  readonly gates: number;
  readonly inputs: number;
  readonly weights: number;
}

export function ansatzSize(
  options: Pick<AnsatzOptions, "qubits" | "layers" | "features" | "reupload" | "entangler"> & {
    readonly readoutQubits: readonly number[];
  },
): AnsatzSize {
  const { qubits, layers } = options;
  const features = options.features ?? qubits;
  const encodings = layers === 0 || !(options.reupload ?? true) ? 1 : layers;
  const pairs = entanglingPairs(qubits, options.entangler ?? "linear").length;
  return {
    qubits,
    clbits: options.readoutQubits.length,
    gates: encodings * features + layers * (2 * qubits + pairs),
    inputs: features,
    weights: 2 * qubits * layers,
  };
}

/**
 * Feature j goes to qubit j mod n; when there are more features than qubits, the extra
 * passes alternate rz and ry so that no two features collapse into one rotation angle.
 */
function addEncoding(
  builder: CircuitBuilder,
  qubits: number,
  features: number,
  scale: number,
): void {
  for (let j = 0; j < features; j++) {
    const gate = Math.floor(j / qubits) % 2 === 0 ? "ry" : "rz";
    builder.add(gate, [j % qubits], input(`x${j}`, scale));
  }
}

export function buildAnsatz(options: AnsatzOptions): Ansatz {
  const { qubits, layers } = options;
  checkInteger("qubits", qubits, 1, 64);
  checkInteger("layers", layers, 0, 10_000);
  const features = options.features ?? qubits;
  checkInteger("features", features, 0, 100_000);
  const entangler = options.entangler ?? "linear";
  const gate = options.entanglingGate ?? "cx";
  const scale = options.encodingScale ?? 1;
  if (!Number.isFinite(scale)) {
    throw new QplaneError(
      "QPLANE_ERR_CIRCUIT_PARAMETER",
      `encodingScale must be finite, got ${scale}`,
    );
  }
  const readoutQubits = options.readoutQubits ?? [0];
  if (readoutQubits.length === 0 || new Set(readoutQubits).size !== readoutQubits.length) {
    throw new QplaneError(
      "QPLANE_ERR_CIRCUIT_QUBIT_RANGE",
      `readoutQubits must be distinct and non-empty, got [${readoutQubits.join(", ")}]`,
    );
  }
  for (const q of readoutQubits) checkInteger("readoutQubits entry", q, 0, qubits - 1);

  const builder = new CircuitBuilder(qubits);
  for (let j = 0; j < features; j++) builder.declare({ kind: "input", name: `x${j}` });
  const weightNames: string[] = [];
  const pairs = entanglingPairs(qubits, entangler);
  for (let layer = 0; layer < layers; layer++) {
    if (layer === 0 || (options.reupload ?? true)) addEncoding(builder, qubits, features, scale);
    for (let q = 0; q < qubits; q++) {
      const ry = `theta_${layer}_${q}_ry`;
      const rz = `theta_${layer}_${q}_rz`;
      builder.add("ry", [q], weight(ry)).add("rz", [q], weight(rz));
      weightNames.push(ry, rz);
    }
    for (const [a, b] of pairs) builder.add(gate, [a, b]);
  }
  if (layers === 0) addEncoding(builder, qubits, features, scale);
  builder.measure(readoutQubits, 0);
  return {
    circuit: builder.build(),
    inputNames: Array.from({ length: features }, (_, j) => `x${j}`),
    weightNames,
    readoutQubits: [...readoutQubits],
  };
}
