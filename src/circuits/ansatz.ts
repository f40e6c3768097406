/**
 * Ansatz builders for variational quantum classifiers and regressors (docs/science.md §Model):
 * angle encoding (optionally re-uploaded before every variational layer) and
 * hardware-efficient layers (per qubit `ry(θ) rz(θ)`, then a linear, ring or full
 * entangler of CNOTs or CZs), measuring a chosen readout register.
 *
 * Two encodings: `fixed` binds feature j to qubit j mod n as `ry(s·x_j)` (input parameters);
 * `linear` puts ONE `ry(φ_{l,q})` on each qubit q per encoding layer l, where φ is a weight
 * parameter `phi_{l}_{q}` the model fills per sample with its trained affine map of the
 * features (so adjoint and parameter-shift differentiate φ like any weight).
 */
import { QplaneError } from "../errors/catalogue.js";
import { type Circuit, CircuitBuilder, input, weight } from "./ir.js";

export type Entangler = "linear" | "ring" | "full";
export type EntanglingGate = "cx" | "cz";
export type Encoding = "fixed" | "linear";

export interface AnsatzOptions {
  readonly qubits: number;
  readonly layers: number;
  /** Number of input features. @defaultValue qubits */
  readonly features?: number;
  /** Encode the features again before every variational layer. @defaultValue true */
  readonly reupload?: boolean;
  /** How features reach the circuit (module comment). @defaultValue "fixed" */
  readonly encoding?: Encoding;
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
  /** Variational weight names (θ), in circuit column order after the encoding angles. */
  readonly weightNames: readonly string[];
  /**
   * `linear` encoding: the angle weights `phi_{l}_{q}` (encoding layer l, qubit q), the
   * circuit's first weight columns, l-major; empty for `fixed`.
   */
  readonly encodingAngleNames: readonly string[];
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
  /** Weight columns, encoding angles included (each in one gate of its own). */
  readonly weights: number;
  /** `linear` encoding: the angle weights φ among `weights` (encoding layers × qubits). */
  readonly encodingAngles: number;
}

/** Encoding layers: every variational layer when re-uploading, else one (also for 0 layers). */
export function encodingLayers(layers: number, reupload = true): number {
  return layers === 0 || !reupload ? 1 : layers;
}

export function ansatzSize(
  options: Pick<
    AnsatzOptions,
    "qubits" | "layers" | "features" | "reupload" | "entangler" | "encoding"
  > & {
    readonly readoutQubits: readonly number[];
  },
): AnsatzSize {
  const { qubits, layers } = options;
  const features = options.features ?? qubits;
  const encodings = encodingLayers(layers, options.reupload);
  const pairs = entanglingPairs(qubits, options.entangler ?? "linear").length;
  const linear = options.encoding === "linear";
  const encodingAngles = linear ? encodings * qubits : 0;
  return {
    qubits,
    clbits: options.readoutQubits.length,
    gates: encodings * (linear ? qubits : features) + layers * (2 * qubits + pairs),
    inputs: linear ? 0 : features,
    weights: 2 * qubits * layers + encodingAngles,
    encodingAngles,
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

/** `linear` encoding layer l: one `ry(phi_{l}_{q})` per qubit. */
function addLinearEncoding(builder: CircuitBuilder, qubits: number, layer: number): void {
  for (let q = 0; q < qubits; q++) builder.add("ry", [q], weight(`phi_${layer}_${q}`));
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

  const linear = (options.encoding ?? "fixed") === "linear";
  const builder = new CircuitBuilder(qubits);
  const encodingAngleNames: string[] = [];
  if (linear) {
    // the angles first: weight columns [φ (l-major), θ]
    for (let l = 0; l < encodingLayers(layers, options.reupload); l++) {
      for (let q = 0; q < qubits; q++) encodingAngleNames.push(`phi_${l}_${q}`);
    }
    for (const name of encodingAngleNames) builder.declare({ kind: "weight", name });
  } else {
    for (let j = 0; j < features; j++) builder.declare({ kind: "input", name: `x${j}` });
  }
  const encode = (layer: number) =>
    linear
      ? addLinearEncoding(builder, qubits, layer)
      : addEncoding(builder, qubits, features, scale);
  const weightNames: string[] = [];
  const pairs = entanglingPairs(qubits, entangler);
  for (let layer = 0; layer < layers; layer++) {
    if (layer === 0 || (options.reupload ?? true)) encode(layer);
    for (let q = 0; q < qubits; q++) {
      const ry = `theta_${layer}_${q}_ry`;
      const rz = `theta_${layer}_${q}_rz`;
      builder.add("ry", [q], weight(ry)).add("rz", [q], weight(rz));
      weightNames.push(ry, rz);
    }
    for (const [a, b] of pairs) builder.add(gate, [a, b]);
  }
  if (layers === 0) encode(0);
  builder.measure(readoutQubits, 0);
  return {
    circuit: builder.build(),
    inputNames: linear ? [] : Array.from({ length: features }, (_, j) => `x${j}`),
    weightNames,
    encodingAngleNames,
    readoutQubits: [...readoutQubits],
  };
}
