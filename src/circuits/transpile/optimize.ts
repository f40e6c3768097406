/**
 * Light peephole optimisation of basis-gate lists, repeated to a fixed point:
 * - adjacent `rz` on a qubit merge when the sum stays affine in one parameter
 *   (constant + constant, parameter + constant, or two terms of the same parameter);
 * - `rz` by a multiple of 2π (a global phase) is dropped; `id` is dropped;
 * - `x x` cancels; `sx sx` becomes `x`.
 * "Adjacent" means no other gate touches that qubit in between.
 */
import type { Angle, Gate } from "../ir.js";

const TWO_PI = 2 * Math.PI;
const EPS = 1e-12;

/** Sum of two angles if it stays affine in at most one parameter, else null. */
export function addAngles(a: Angle, b: Angle): Angle | null {
  if (typeof a === "number" && typeof b === "number") return a + b;
  if (typeof a === "number") return a === 0 ? b : addAngles(b, a);
  if (typeof b === "number") return { ...a, offset: a.offset + b };
  if (a.kind !== b.kind || a.name !== b.name) return null;
  const scale = a.scale + b.scale;
  const offset = a.offset + b.offset;
  return scale === 0 ? offset : { kind: a.kind, name: a.name, scale, offset };
}

/** Wraps a constant angle into (−π, π] (rz differs only by a global phase). */
export function wrapAngle(angle: number): number {
  let r = angle % TWO_PI;
  if (r > Math.PI) r -= TWO_PI;
  if (r <= -Math.PI) r += TWO_PI;
  return r;
}

function isNullRotation(angle: Angle): boolean {
  return typeof angle === "number" && Math.abs(wrapAngle(angle)) < EPS;
}

function normalise(gate: Gate): Gate {
  if (gate.name !== "rz") return gate;
  const angle = gate.args[0]!;
  if (typeof angle === "number") {
    const wrapped = wrapAngle(angle);
    return wrapped === angle ? gate : { ...gate, args: [wrapped] };
  }
  if (angle.scale === 0) return { ...gate, args: [wrapAngle(angle.offset)] };
  return gate;
}

function pass(gates: readonly Gate[]): Gate[] {
  const out: (Gate | null)[] = [];
  const last = new Map<number, number>();
  for (const raw of gates) {
    const gate = normalise(raw);
    if (gate.name === "id") continue;
    if (gate.name === "rz" && isNullRotation(gate.args[0]!)) continue;
    if (gate.qubits.length === 1) {
      const q = gate.qubits[0]!;
      const index = last.get(q);
      const previous = index === undefined ? null : out[index]!;
      if (previous !== null && index !== undefined && previous.qubits.length === 1) {
        if (gate.name === "rz" && previous.name === "rz") {
          const sum = addAngles(previous.args[0]!, gate.args[0]!);
          if (sum !== null) {
            const merged = normalise({ name: "rz", qubits: [q], args: [sum] });
            if (isNullRotation(merged.args[0]!)) {
              out[index] = null;
              last.delete(q);
            } else {
              out[index] = merged;
            }
            continue;
          }
        }
        if (gate.name === "x" && previous.name === "x") {
          out[index] = null;
          last.delete(q);
          continue;
        }
        if (gate.name === "sx" && previous.name === "sx") {
          out[index] = { name: "x", qubits: [q], args: [] };
          continue;
        }
      }
    }
    out.push(gate);
    for (const q of gate.qubits) last.set(q, out.length - 1);
  }
  return out.filter((gate): gate is Gate => gate !== null);
}

/** Optimises a basis-gate list (see module comment). */
export function optimizeGates(gates: readonly Gate[]): Gate[] {
  let current = [...gates];
  for (let round = 0; round < 100; round++) {
    const next = pass(current);
    const same = next.length === current.length && next.every((gate, i) => gate === current[i]);
    current = next;
    if (same) break;
  }
  return current;
}
