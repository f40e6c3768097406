/**
 * The gates a program may call without defining them.
 *
 * - The IR's own gates by name (`ecr` and `rzz` included, though they are not in
 *   stdgates.inc), and aliases of them: `U`/`u` → u3, `u1`/`phase` → p, `CX`/`cnot` → cx,
 *   `u2(φ, λ)` → u3(π/2, φ, λ). A program's `gate` block with one of these names is
 *   syntax-checked but does not replace the built-in gate.
 * - Other stdgates.inc / qelib1.inc gates, expanded into IR gates by the definitions in
 *   {@link PRELUDE_SOURCE} (exact, or up to a global phase where noted). A program may
 *   redefine these.
 * - Gates known from the standard libraries but not provided here are reported as
 *   unsupported rather than unknown.
 */
import { GATE_NAMES, GATES, type GateName } from "../gates.js";
import { constant, type ParameterSymbol, type Value } from "./expressions.js";

export interface BuiltinGate {
  readonly gate: GateName;
  readonly paramCount: number;
  readonly qubitCount: number;
  /** Maps the call's arguments to the IR gate's arguments. */
  readonly toIr: <P extends ParameterSymbol>(args: readonly Value<P>[]) => Value<P>[];
}

function builtin(
  gate: GateName,
  paramCount: number = GATES[gate].paramCount,
  toIr: BuiltinGate["toIr"] = (args) => [...args],
): BuiltinGate {
  return { gate, paramCount, qubitCount: GATES[gate].qubitCount, toIr };
}

export const BUILTIN_GATES: ReadonlyMap<string, BuiltinGate> = new Map<string, BuiltinGate>([
  ...GATE_NAMES.map((name): [string, BuiltinGate] => [name, builtin(name)]),
  ["U", builtin("u3")],
  ["u", builtin("u3")],
  ["u1", builtin("p")],
  ["phase", builtin("p")],
  ["CX", builtin("cx")],
  ["cnot", builtin("cx")],
  ["u2", builtin("u3", 2, (args) => [constant(Math.PI / 2), ...args])],
]);

/**
 * Definitions of further standard gates in terms of IR gates. Each is exact unless
 * marked; all are checked against their matrices in test/circuits/qasm3-parse-gates.test.ts.
 */
export const PRELUDE_SOURCE = `
// exact: H·Sdg·H = √X†
gate sxdg a { h a; sdg a; h a; }
// exact: diag(1, 1, 1, e^{iλ})
gate cp(lambda) a, b { p(lambda/2) a; cx a, b; p(-lambda/2) b; cx a, b; p(lambda/2) b; }
// exact: Ry(−π/4)·X·Ry(π/4) = H on the target when the control is set
gate ch a, b { ry(pi/4) b; cx a, b; ry(-pi/4) b; }
// exact: controlled U3(θ,φ,λ) = e^{i(φ+λ)/2}·Rz(φ)Ry(θ)Rz(λ), as A·X·B·X·C with ABC = I
gate cu3(theta, phi, lambda) c, t {
  p(lambda/2) c; p(phi/2) c;
  rz(lambda/2) t; rz(-phi/2) t;
  cx c, t;
  rz(-phi/2) t; rz(-lambda/2) t; ry(-theta/2) t;
  cx c, t;
  ry(theta/2) t; rz(phi) t;
}
// exact: controlled e^{iγ}·U3(θ,φ,λ)
gate cu(theta, phi, lambda, gamma) c, t { p(gamma) c; cu3(theta, phi, lambda) c, t; }
// exact: Toffoli
gate ccx a, b, c {
  h c; cx b, c; tdg c; cx a, c; t c; cx b, c; tdg c; cx a, c;
  t b; t c; h c; cx a, b; t a; tdg b; cx a, b;
}
// exact: Fredkin
gate cswap a, b, c { cx c, b; ccx a, b, c; cx c, b; }
`;

/** Other names for prelude gates. */
export const PRELUDE_ALIASES: ReadonlyMap<string, string> = new Map([
  ["cphase", "cp"],
  ["cu1", "cp"],
]);

/** Gates of qelib1.inc (and common extensions) that qplane does not provide. */
export const UNSUPPORTED_GATES: ReadonlySet<string> = new Set([
  "u0",
  "csx",
  "rxx",
  "ryy",
  "rzx",
  "rccx",
  "rc3x",
  "c3x",
  "c3sqrtx",
  "c4x",
  "mcx",
  "iswap",
  "dcx",
]);
