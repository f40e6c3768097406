/**
 * Circuit IR → Amazon Braket's OpenQASM 3 dialect.
 *
 * Braket calls its gates by its own lowercase names (`cnot`, not `cx`), takes no
 * `include` and no `gate` definitions (gates come from the device's `supportedOperations`),
 * and binds parameters through `input float name;` declarations. The names of the inputs
 * are qplane's column names ({@link qasmParameterNames}) so a program's `inputs` map can be
 * built from a parameter row.
 *
 * Gate equivalences (Braket matrices from its gate documentation, qplane's in
 * src/circuits/matrices.ts):
 * - `sdg`→`si`, `tdg`→`ti`, `p`→`phaseshift`, `id`→`i`, `sx`→`v` (√X, same matrix),
 *   `cx`→`cnot`: identical gates.
 * - `rzz`→`zz`: Braket's `zz(θ)` is the Ising coupling diag(e^{−iθ/2}, e^{iθ/2}, e^{iθ/2},
 *   e^{−iθ/2}) = exp(−iθ/2 Z⊗Z) (amazon-braket-sdk-python `circuits/gates.py`, class ZZ;
 *   some very old SDK versions documented the opposite sign), exactly `rzz`.
 * - `u3`→`U`: OpenQASM's `U(θ,φ,λ)`, equal to `u3` up to a global phase.
 * - `ecr`→`ecr`: Braket's big-endian ECR matrix is qplane's little-endian one with the same
 *   argument order.
 * - `crx`, `cry`, `crz` have no Braket gate; they, and any gate outside a device's
 *   `supportedOperations`, are rewritten by decompose.ts before emission.
 */
import type { GateName } from "../../src/circuits/gates.js";
import type { Angle, Circuit } from "../../src/circuits/ir.js";
import { formatQasmNumber, qasmParameterNames } from "../../src/circuits/qasm3/index.js";
import { QplaneError } from "../../src/errors/catalogue.js";

/** Braket's name of each IR gate; null where Braket has no such gate. */
export const BRAKET_GATE_NAMES: Readonly<Record<GateName, string | null>> = {
  id: "i",
  h: "h",
  x: "x",
  y: "y",
  z: "z",
  s: "s",
  sdg: "si",
  t: "t",
  tdg: "ti",
  sx: "v",
  rx: "rx",
  ry: "ry",
  rz: "rz",
  p: "phaseshift",
  u3: "U",
  cx: "cnot",
  cy: "cy",
  cz: "cz",
  swap: "swap",
  crx: null,
  cry: null,
  crz: null,
  ecr: "ecr",
  rzz: "zz",
};

export interface BraketEmitOptions {
  /**
   * The device's `supportedOperations` (compared case-insensitively); gates outside it are
   * refused. Undefined accepts every mapped gate.
   */
  readonly supportedOperations?: readonly string[];
  /** Device named in refusals. */
  readonly device?: string;
  /** Emit a probability result type instead of measurements (shots = 0 on simulators). */
  readonly exactProbabilities?: boolean;
}

export interface BraketProgram {
  /** OpenQASM 3 source in Braket's dialect. */
  readonly source: string;
  /** The `input` name of each parameter column, in column order. */
  readonly inputNames: readonly string[];
  /** Qubits of the probability result type, first = most significant bit of its index. */
  readonly probabilityTargets?: readonly number[];
}

function formatAngle(angle: Angle, names: ReadonlyMap<string, string>): string {
  if (typeof angle === "number") return formatQasmNumber(angle);
  const name = names.get(angle.name)!;
  const term = angle.scale === 1 ? name : `${formatQasmNumber(angle.scale)}*${name}`;
  if (Object.is(angle.offset, 0)) return term;
  if (angle.offset < 0 || Object.is(angle.offset, -0))
    return `${term} - ${formatQasmNumber(-angle.offset)}`;
  return `${term} + ${formatQasmNumber(angle.offset)}`;
}

/**
 * Refuses a circuit holding a gate the device does not run directly (the provider
 * decomposes such gates first, see decompose.ts; this is the last guard before emission).
 */
function checkSupported(circuit: Circuit, options: BraketEmitOptions): void {
  const supported = options.supportedOperations
    ? new Set(options.supportedOperations.map((name) => name.toLowerCase()))
    : undefined;
  for (const gate of circuit.gates) {
    const braketName = BRAKET_GATE_NAMES[gate.name];
    if (braketName !== null && (supported === undefined || supported.has(braketName.toLowerCase())))
      continue;
    const why =
      braketName === null
        ? "has no Amazon Braket equivalent (decompose it first)"
        : `(Braket "${braketName}") is not in the supportedOperations of ${options.device ?? "the device"}`;
    throw new QplaneError(
      "QPLANE_ERR_PROVIDER_CIRCUIT",
      `gate "${gate.name}" ${why}; supported: ${options.supportedOperations?.join(", ") ?? "-"}`,
    );
  }
}

/** Measured qubits in order of first measurement (each once): the probability targets. */
export function measuredQubitsOf(circuit: Circuit): number[] {
  return [...new Set(circuit.measurements.map((m) => m.qubit))];
}

/**
 * The Braket OpenQASM 3 program of a circuit; refuses gates the device does not support.
 * With `exactProbabilities` the program has no measurements and ends with
 * `#pragma braket result probability` over the measured qubits (for shots = 0).
 */
export function emitBraketQasm(circuit: Circuit, options: BraketEmitOptions = {}): BraketProgram {
  checkSupported(circuit, options);
  const inputNames = qasmParameterNames(circuit);
  const names = new Map(circuit.parameters.map((p, column) => [p.name, inputNames[column]!]));
  const lines = ["OPENQASM 3;"];
  for (const name of inputNames) lines.push(`input float ${name};`);
  const qubit = circuit.physicalQubits ? (j: number) => `$${j}` : (j: number) => `q[${j}]`;
  if (!circuit.physicalQubits) lines.push(`qubit[${circuit.numQubits}] q;`);
  const exact = options.exactProbabilities === true;
  if (circuit.numClbits > 0 && !exact) lines.push(`bit[${circuit.numClbits}] c;`);
  for (const gate of circuit.gates) {
    const args = gate.args.map((arg) => formatAngle(arg, names));
    const argText = args.length > 0 ? `(${args.join(", ")})` : "";
    lines.push(`${BRAKET_GATE_NAMES[gate.name]}${argText} ${gate.qubits.map(qubit).join(", ")};`);
  }
  if (exact) {
    const targets = measuredQubitsOf(circuit);
    // no targets would mean "all qubits"; a circuit without measurements has one outcome
    lines.push(`#pragma braket result probability ${targets.map(qubit).join(", ")}`.trimEnd());
    return { source: `${lines.join("\n")}\n`, inputNames, probabilityTargets: targets };
  }
  for (const { qubit: q, clbit } of circuit.measurements)
    lines.push(`c[${clbit}] = measure ${qubit(q)};`);
  return { source: `${lines.join("\n")}\n`, inputNames };
}
