/**
 * Exact gate identities (up to a global phase) that translate every IR gate into the
 * hardware basis {rz, sx, x} plus one two-qubit gate (ecr, cz or cx), and, on targets with
 * a native rzz, constant-angle rzz folded into [0, π/2] ({@link rzzInRange}).
 *
 * Parametric arguments stay affine in one parameter: every identity places a parametric
 * angle only inside an `rz`, as `scale · angle + offset` of the original argument.
 *
 * Identities (circuit order, left gate first; `h = rz(π/2) sx rz(π/2)`):
 * - u3(θ,φ,λ) = rz(λ) sx rz(θ+π) sx rz(φ+π); rx(θ) = u3(θ,−π/2,π/2); ry(θ) = u3(θ,0,0)
 * - y = rz(π) x; z/s/sdg/t/tdg/p(λ) = rz(π / π/2 / −π/2 / π/4 / −π/4 / λ)
 * - cz(a,b) = h(b) cx(a,b) h(b); cy(a,b) = sdg(b) cx(a,b) s(b); swap = cx(a,b) cx(b,a) cx(a,b)
 * - crz(θ) = rz(θ/2)(t) cx rz(−θ/2)(t) cx; cry(θ) likewise with ry; crx(θ) = h(t) crz(θ) h(t)
 * - rzz(θ)(a,b) = cx(a,b) rz(θ)(b) cx(a,b); ecr(a,b) = cx(a,b) x(a) sdg(a) sx(b)
 * - cx(a,b) = x(a) ecr(a,b) s(a) sx(b) = h(b) cz(a,b) h(b) = h(a) h(b) cx(b,a) h(a) h(b)
 * A global phase on a whole one-qubit gate is harmless; controlled gates are never built
 * from one-qubit decompositions with a phase, so no relative phase can appear.
 */
import { GATES } from "../gates.js";
import type { Angle, Gate } from "../ir.js";
import { wrapAngle } from "./optimize.js";
import type { TwoQubitBasisGate } from "./target.js";

const PI = Math.PI;

/** `scale · angle + offset`, staying affine in the angle's single parameter. */
export function affine(angle: Angle, scale: number, offset = 0): Angle {
  if (typeof angle === "number") return scale * angle + offset;
  return {
    kind: angle.kind,
    name: angle.name,
    scale: angle.scale * scale,
    offset: angle.offset * scale + offset,
  };
}

function g(name: Gate["name"], qubits: readonly number[], ...args: Angle[]): Gate {
  return { name, qubits, args };
}

const rz = (q: number, angle: Angle): Gate => g("rz", [q], angle);
const sx = (q: number): Gate => g("sx", [q]);
const x = (q: number): Gate => g("x", [q]);
const h = (q: number): Gate[] => [rz(q, PI / 2), sx(q), rz(q, PI / 2)];

/** u3(θ,φ,λ) on q as rz/sx: rz(λ) sx rz(θ+π) sx rz(φ+π). */
function u3(q: number, theta: Angle, phi: Angle, lambda: Angle): Gate[] {
  return [rz(q, lambda), sx(q), rz(q, affine(theta, 1, PI)), sx(q), rz(q, affine(phi, 1, PI))];
}

/** A one-qubit IR gate as rz/sx/x gates (exact up to global phase). */
export function oneQubitToBasis(gate: Gate): Gate[] {
  const q = gate.qubits[0]!;
  const [a0, a1, a2] = gate.args;
  switch (gate.name) {
    case "id":
      return [];
    case "x":
      return [x(q)];
    case "sx":
      return [sx(q)];
    case "y":
      return [rz(q, PI), x(q)];
    case "z":
      return [rz(q, PI)];
    case "s":
      return [rz(q, PI / 2)];
    case "sdg":
      return [rz(q, -PI / 2)];
    case "t":
      return [rz(q, PI / 4)];
    case "tdg":
      return [rz(q, -PI / 4)];
    case "rz":
    case "p":
      return [rz(q, a0!)];
    case "h":
      return h(q);
    case "rx":
      return u3(q, a0!, -PI / 2, PI / 2);
    case "ry":
      return u3(q, a0!, 0, 0);
    case "u3":
      return u3(q, a0!, a1!, a2!);
    default:
      throw new Error(`oneQubitToBasis: ${gate.name} is not a one-qubit gate`);
  }
}

/**
 * A two-qubit IR gate as cx plus one-qubit IR gates on the same qubits (exact, no phase
 * beyond a global one). `cx` itself is returned unchanged.
 */
export function twoQubitToCx(gate: Gate): Gate[] {
  const [a, b] = gate.qubits as [number, number];
  const theta = gate.args[0];
  const cx = (c: number, t: number): Gate => g("cx", [c, t]);
  switch (gate.name) {
    case "cx":
      return [cx(a, b)];
    case "cz":
      return [g("h", [b]), cx(a, b), g("h", [b])];
    case "cy":
      return [g("sdg", [b]), cx(a, b), g("s", [b])];
    case "swap":
      return [cx(a, b), cx(b, a), cx(a, b)];
    case "crz":
      return [
        g("rz", [b], affine(theta!, 0.5)),
        cx(a, b),
        g("rz", [b], affine(theta!, -0.5)),
        cx(a, b),
      ];
    case "cry":
      return [
        g("ry", [b], affine(theta!, 0.5)),
        cx(a, b),
        g("ry", [b], affine(theta!, -0.5)),
        cx(a, b),
      ];
    case "crx":
      return [
        g("h", [b]),
        g("rz", [b], affine(theta!, 0.5)),
        cx(a, b),
        g("rz", [b], affine(theta!, -0.5)),
        cx(a, b),
        g("h", [b]),
      ];
    case "rzz":
      return [cx(a, b), g("rz", [b], theta!), cx(a, b)];
    case "ecr":
      return [cx(a, b), g("x", [a]), g("sdg", [a]), g("sx", [b])];
    default:
      throw new Error(`twoQubitToCx: ${gate.name} is not a two-qubit gate`);
  }
}

/** cx(a, b) in a two-qubit basis gate applied in the same direction (a, b). */
export function cxVia(basis: TwoQubitBasisGate, a: number, b: number): Gate[] {
  switch (basis) {
    case "cx":
      return [g("cx", [a, b])];
    case "cz":
      return [...h(b), g("cz", [a, b]), ...h(b)];
    case "ecr":
      return [x(a), g("ecr", [a, b]), rz(a, PI / 2), sx(b)];
  }
}

/** cx(a, b) implemented with the basis gate on the reversed pair (b, a). */
export function cxViaReversed(basis: TwoQubitBasisGate, a: number, b: number): Gate[] {
  return [...h(a), ...h(b), ...cxVia(basis, b, a), ...h(a), ...h(b)];
}

/** Which directions of a pair the target allows for its basis gate. */
export type Allowed = (a: number, b: number) => boolean;

/** |θ| below which rzz(θ) is the identity for our purposes. */
const RZZ_ZERO = 1e-12;

/**
 * rzz(θ) for a constant θ as native rzz gates whose angles lie in [0, π/2] (IBM accepts
 * nothing else, error 1517), exact up to a global phase:
 * - rzz(θ + 2π) = −rzz(θ), so θ is first wrapped into (−π, π];
 * - rzz(θ ± π) = (Z⊗Z)·rzz(θ) up to phase, which brings θ into [−π/2, π/2] at the cost of
 *   rz(π) on both qubits;
 * - rzz(−θ) = X_a·rzz(θ)·X_a (X anticommutes with Z_a), for the negative half.
 * An angle that wraps to 0 (within {@link RZZ_ZERO}) needs no rzz at all.
 */
export function rzzInRange(a: number, b: number, theta: number): Gate[] {
  const wrapped = wrapAngle(theta);
  const flipZZ = wrapped > PI / 2 || wrapped < -PI / 2;
  const t = wrapped > PI / 2 ? wrapped - PI : wrapped < -PI / 2 ? wrapped + PI : wrapped;
  const out: Gate[] = [];
  if (t >= RZZ_ZERO) out.push(g("rzz", [a, b], t));
  else if (t <= -RZZ_ZERO) out.push(x(a), g("rzz", [a, b], -t), x(a));
  if (flipZZ) out.push(rz(a, PI), rz(b, PI));
  return out;
}

export interface BasisOptions {
  /**
   * The target has a native rzz (IBM Heron): constant-angle rzz gates use it, folded into
   * [0, π/2] ({@link rzzInRange}); parametric ones are still decomposed, since IBM takes
   * parameters only in rz. @defaultValue false
   */
  readonly nativeRzz?: boolean;
}

/**
 * Translates one IR gate (on physical qubits) into basis gates. A two-qubit gate must act
 * on a coupled pair (in either direction); the direction is fixed with Hadamards.
 */
export function gateToBasis(
  gate: Gate,
  basis: TwoQubitBasisGate,
  allowed: Allowed,
  options: BasisOptions = {},
): Gate[] {
  if (GATES[gate.name].qubitCount === 1) return oneQubitToBasis(gate);
  const [a, b] = gate.qubits as [number, number];
  const theta = gate.args[0];
  if (gate.name === "rzz" && options.nativeRzz && typeof theta === "number") {
    // rzz is symmetric: issue it in a direction the coupling map lists
    if (!allowed(a, b) && !allowed(b, a)) {
      throw new Error(`gateToBasis: qubits (${a}, ${b}) are not coupled`);
    }
    const [p, q] = allowed(a, b) ? [a, b] : [b, a];
    return rzzInRange(p, q, theta);
  }
  if (gate.name === basis) {
    if (allowed(a, b)) return [gate];
    if (basis === "cz" && allowed(b, a)) return [g("cz", [b, a])];
  }
  if (gate.name === "cx") {
    if (allowed(a, b)) return cxVia(basis, a, b);
    if (basis === "cz" && allowed(b, a)) return [...h(b), g("cz", [b, a]), ...h(b)];
    if (allowed(b, a)) return cxViaReversed(basis, a, b);
    throw new Error(`gateToBasis: qubits (${a}, ${b}) are not coupled`);
  }
  return twoQubitToCx(gate).flatMap((part) => gateToBasis(part, basis, allowed, options));
}
