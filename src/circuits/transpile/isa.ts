/**
 * ISA check: does a circuit only use the target's basis gates on coupled, usable physical
 * qubits? Mirrors IBM Runtime's 1517 rejection text (spec §3), e.g.
 * `instruction h on qubits (0,) is not supported by the target system`, and its rzz rule
 * (constant angles in [0, π/2] only).
 */
import { GATES } from "../gates.js";
import type { Circuit } from "../ir.js";
import { couplingSet, faultySet, pairKey, type Target } from "./target.js";

function tuple(qubits: readonly number[]): string {
  return qubits.length === 1 ? `(${qubits[0]},)` : `(${qubits.join(", ")})`;
}

function unsupported(name: string, qubits: readonly number[]): string {
  return `instruction ${name} on qubits ${tuple(qubits)} is not supported by the target system`;
}

/** null when the circuit is ISA for the target, else a message about the first violation. */
export function isIsa(circuit: Circuit, target: Target): string | null {
  if (!circuit.physicalQubits) return "circuit does not address physical qubits ($k)";
  const faulty = faultySet(target);
  const coupled = couplingSet(target);
  const basis = new Set<string>(target.basisGates);
  const usable = (q: number): boolean => q >= 0 && q < target.numQubits && !faulty.has(q);
  for (const gate of circuit.gates) {
    if (!basis.has(gate.name) || !gate.qubits.every(usable)) {
      return unsupported(gate.name, gate.qubits);
    }
    if (GATES[gate.name].qubitCount === 2) {
      const [a, b] = gate.qubits as [number, number];
      const ok = coupled.has(pairKey(a, b)) || (gate.name === "cz" && coupled.has(pairKey(b, a)));
      if (!ok) return unsupported(gate.name, gate.qubits);
    }
    if (gate.name === "rzz") {
      // IBM calibrates rzz only for constant angles in [0, π/2] (1517 otherwise)
      const angle = gate.args[0]!;
      if (typeof angle !== "number") {
        return `instruction rzz on qubits ${tuple(gate.qubits)} has a parametric angle (${angle.kind} ${angle.name}); only constant angles in [0, pi/2] are supported by the target system`;
      }
      if (!(angle >= 0 && angle <= Math.PI / 2)) {
        return `instruction rzz on qubits ${tuple(gate.qubits)} has angle ${angle} outside [0, pi/2], which is not supported by the target system`;
      }
    }
  }
  for (const { qubit } of circuit.measurements) {
    if (!usable(qubit)) return unsupported("measure", [qubit]);
  }
  return null;
}
