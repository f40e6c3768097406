/**
 * Circuit IR → OpenQASM 3 text, as sent to remote providers (IBM Qiskit Runtime, Amazon
 * Braket) and read back by {@link parseQasm3}.
 *
 * Layout: the `OPENQASM 3.0;` header and `include "stdgates.inc";`, `gate` blocks for the
 * used gates outside stdgates.inc (`ecr`, `rzz`; written only with stdgates gates), one
 * `input float[64]` per parameter column (names: see naming.ts, or the IR names), the qubit and bit
 * registers, one gate per line, then the terminal measurements.
 *
 * Numbers are printed with JavaScript's shortest round-trip representation (and `-0` as
 * `-0`), parametric arguments as `scale*name ± offset` with the factor or the offset left
 * out when it is 1 or +0, so parsing the text gives back bit-identical arguments.
 */
import type { GateName } from "../gates.js";
import type { Angle, Circuit } from "../ir.js";
import { CONSTANTS } from "./expressions.js";
import { qasmParameterNames } from "./naming.js";
import { KEYWORDS } from "./parser-state.js";
import { BUILTIN_GATES } from "./stdlib.js";

export { qasmParameterNames } from "./naming.js";

export interface EmitQasm3Options {
  /**
   * Emit `gate` definitions for used gates outside stdgates.inc (`ecr`, `rzz`). Turn off
   * for targets that know these gates natively (e.g. Amazon Braket). Default true.
   */
  readonly defineNonStandardGates?: boolean;
  /**
   * `qplane`: the `d00_x0` / `w01_theta` scheme of naming.ts, which fixes the order remote
   * providers bind values in (default). `ir`: each parameter's own IR name, as a model
   * program declares its feature and weight inputs (docs/circuits.md).
   */
  readonly parameterNames?: "qplane" | "ir";
  /** Lines written as `// …` comments after the header. */
  readonly comments?: readonly string[];
}

/** `rzz(θ) = exp(−iθ/2 Z⊗Z)`, exactly. */
const RZZ_DEFINITION = "gate rzz(theta) a, b { cx a, b; rz(theta) b; cx a, b; }";

/**
 * Echoed cross-resonance, `rzx(π/4) a, b; x a; rzx(−π/4) a, b` with
 * `rzx(θ) a, b = h b; cx a, b; rz(θ) b; cx a, b; h b` (the two `h b` in the middle cancel).
 * Equals the IR's `ecr` up to a global phase.
 */
const ECR_DEFINITION =
  "gate ecr a, b { h b; cx a, b; rz(pi/4) b; cx a, b; x a; cx a, b; rz(-pi/4) b; cx a, b; h b; }";

/** Definitions of the IR gates outside stdgates.inc, in emission order. */
const DEFINITIONS: ReadonlyMap<GateName, string> = new Map([
  ["ecr", ECR_DEFINITION],
  ["rzz", RZZ_DEFINITION],
]);

/** A number in shortest round-trip form; `-0` keeps its sign. */
export function formatQasmNumber(value: number): string {
  return Object.is(value, -0) ? "-0" : String(value);
}

function formatAngle(angle: Angle, names: ReadonlyMap<string, string>): string {
  if (typeof angle === "number") return formatQasmNumber(angle);
  const name = names.get(angle.name);
  if (name === undefined) throw new Error(`emitQasm3: parameter ${angle.name} is not declared`);
  const term = angle.scale === 1 ? name : `${formatQasmNumber(angle.scale)}*${name}`;
  if (Object.is(angle.offset, 0)) return term;
  if (angle.offset < 0 || Object.is(angle.offset, -0))
    return `${term} - ${formatQasmNumber(-angle.offset)}`;
  return `${term} + ${formatQasmNumber(angle.offset)}`;
}

/** The IR names as `input` names; a name OpenQASM reserves cannot be declared. */
function irParameterNames(circuit: Circuit): string[] {
  return circuit.parameters.map(({ name }) => {
    const taken = KEYWORDS.has(name) || CONSTANTS.has(name) || BUILTIN_GATES.has(name);
    if (taken || name === "c" || name === "q") {
      throw new Error(`emitQasm3: parameter name ${name} cannot be an OpenQASM input name`);
    }
    return name;
  });
}

/** The OpenQASM 3 program of a circuit. */
export function emitQasm3(circuit: Circuit, options: EmitQasm3Options = {}): string {
  const lines = ["OPENQASM 3.0;", 'include "stdgates.inc";'];
  for (const comment of options.comments ?? []) {
    for (const line of comment.split("\n")) lines.push(`// ${line}`.trimEnd());
  }

  if (options.defineNonStandardGates ?? true) {
    const used = new Set<string>(circuit.gates.map((gate) => gate.name));
    for (const [name, definition] of DEFINITIONS) if (used.has(name)) lines.push(definition);
  }

  const qasmNames =
    options.parameterNames === "ir" ? irParameterNames(circuit) : qasmParameterNames(circuit);
  const names = new Map(
    circuit.parameters.map((parameter, column) => [parameter.name, qasmNames[column]!]),
  );
  for (const name of qasmNames) lines.push(`input float[64] ${name};`);

  const qubit = circuit.physicalQubits ? (j: number) => `$${j}` : (j: number) => `q[${j}]`;
  if (!circuit.physicalQubits) lines.push(`qubit[${circuit.numQubits}] q;`);
  if (circuit.numClbits > 0) lines.push(`bit[${circuit.numClbits}] c;`);

  for (const gate of circuit.gates) {
    const args =
      gate.args.length > 0 ? `(${gate.args.map((arg) => formatAngle(arg, names)).join(", ")})` : "";
    lines.push(`${gate.name}${args} ${gate.qubits.map(qubit).join(", ")};`);
  }
  for (const { qubit: q, clbit } of circuit.measurements)
    lines.push(`c[${clbit}] = measure ${qubit(q)};`);

  return `${lines.join("\n")}\n`;
}
