/**
 * Device-native decomposition for Braket: rewrites every IR gate whose Braket gate is not in
 * the device's `supportedOperations` into gates that are, using exact identities (equal up
 * to a global phase), instead of refusing the circuit.
 *
 * Each IR gate has an ordered list of rewrite rules. Which rule a gate uses is settled per
 * device by a fixed point over gate NAMES (a rule's output names do not depend on the
 * angles): round 0 marks the directly supported gates; each later round picks, for every
 * gate still unexpressed, its first rule whose parts were all expressible in an earlier
 * round. So the plan is acyclic, uses the fewest rewriting levels, and is deterministic.
 * A gate no rule reaches is refused by name.
 *
 * Parametric arguments stay affine in their one parameter: each rule passes every argument
 * into exactly one gate as `scale · argument + offset` ({@link affine}).
 *
 * Identities (circuit order, first gate applied first):
 * - any one-qubit gate = u3(θ,φ,λ) with the angles in {@link U3_ANGLES}; also the rz/sx/x
 *   forms of src/circuits/transpile ({@link oneQubitToBasis})
 * - u3(θ,φ,λ) = rz(λ) ry(θ) rz(φ) = rz(λ−π/2) rx(θ) rz(φ+π/2)
 * - rx(θ) = rz(π/2) ry(θ) rz(−π/2); ry(θ) = rz(−π/2) rx(θ) rz(π/2);
 *   rz(θ) = rx(−π/2) ry(θ) rx(π/2) = p(θ)
 * - h = rz(π) ry(π/2) = ry(π/2) x; x = rx(π); y = ry(π); sx = rx(π/2); z/s/t… = rz/p
 * - cx(a,b) = h(b) cz(a,b) h(b); cx via ecr as in the transpiler ({@link cxVia})
 * - cz(a,b) = h(b) cx(a,b) h(b) = rzz(−π/2)(a,b) rz(π/2)(a) rz(π/2)(b)
 * - cy, swap, crx, cry, crz, rzz, ecr: cx + one-qubit gates ({@link twoQubitToCx})
 * No rule changes which qubits a gate acts on, so connectivity checks made before
 * decomposition still hold after it.
 */
import { GATE_NAMES, GATES, type GateName } from "../../src/circuits/gates.js";
import type { Angle, Circuit, Gate } from "../../src/circuits/ir.js";
import { createCircuit } from "../../src/circuits/ir.js";
import {
  affine,
  cxVia,
  oneQubitToBasis,
  twoQubitToCx,
} from "../../src/circuits/transpile/index.js";
import { QplaneError } from "../../src/errors/catalogue.js";
import { BRAKET_GATE_NAMES } from "./gates.js";

const PI = Math.PI;

type Rule = (gate: Gate) => Gate[];

function g(name: GateName, qubits: readonly number[], ...args: Angle[]): Gate {
  return { name, qubits, args };
}

/** u3 angles (θ, φ, λ) of the fixed one-qubit gates, equal up to a global phase. */
const U3_ANGLES: Partial<Record<GateName, readonly [number, number, number]>> = {
  x: [PI, 0, PI],
  y: [PI, PI / 2, PI / 2],
  z: [0, 0, PI],
  s: [0, 0, PI / 2],
  sdg: [0, 0, -PI / 2],
  t: [0, 0, PI / 4],
  tdg: [0, 0, -PI / 4],
  h: [PI / 2, 0, PI],
  sx: [PI / 2, -PI / 2, PI / 2],
};

/** Phase angle of the diagonal one-qubit gates (rz(λ) = p(λ) up to a global phase). */
const PHASE_OF: Partial<Record<GateName, number>> = {
  z: PI,
  s: PI / 2,
  sdg: -PI / 2,
  t: PI / 4,
  tdg: -PI / 4,
};

function toU3(gate: Gate): Gate[] {
  const q = gate.qubits;
  const [a0] = gate.args;
  switch (gate.name) {
    case "rx":
      return [g("u3", q, a0!, -PI / 2, PI / 2)];
    case "ry":
      return [g("u3", q, a0!, 0, 0)];
    case "rz":
    case "p":
      return [g("u3", q, 0, 0, a0!)];
    default: {
      const angles = U3_ANGLES[gate.name];
      return angles ? [g("u3", q, ...angles)] : [gate];
    }
  }
}

const ONE_QUBIT_COMMON: readonly Rule[] = [toU3, oneQubitToBasis];

function oneQubitRules(name: GateName): Rule[] {
  const phase = PHASE_OF[name];
  if (phase !== undefined) {
    return [(gt) => [g("rz", gt.qubits, phase)], (gt) => [g("p", gt.qubits, phase)]];
  }
  switch (name) {
    case "id":
      return [() => []];
    case "x":
      return [(gt) => [g("rx", gt.qubits, PI)]];
    case "y":
      return [(gt) => [g("ry", gt.qubits, PI)]];
    case "sx":
      return [(gt) => [g("rx", gt.qubits, PI / 2)]];
    case "h":
      return [
        (gt) => [g("rz", gt.qubits, PI), g("ry", gt.qubits, PI / 2)],
        (gt) => [g("ry", gt.qubits, PI / 2), g("x", gt.qubits)],
      ];
    case "rx":
      return [
        (gt) => [
          g("rz", gt.qubits, PI / 2),
          g("ry", gt.qubits, gt.args[0]!),
          g("rz", gt.qubits, -PI / 2),
        ],
      ];
    case "ry":
      return [
        (gt) => [
          g("rz", gt.qubits, -PI / 2),
          g("rx", gt.qubits, gt.args[0]!),
          g("rz", gt.qubits, PI / 2),
        ],
      ];
    case "rz":
      return [
        (gt) => [g("p", gt.qubits, gt.args[0]!)],
        (gt) => [
          g("rx", gt.qubits, -PI / 2),
          g("ry", gt.qubits, gt.args[0]!),
          g("rx", gt.qubits, PI / 2),
        ],
      ];
    case "p":
      return [(gt) => [g("rz", gt.qubits, gt.args[0]!)]];
    case "u3":
      return [
        (gt) => {
          const [theta, phi, lambda] = gt.args as [Angle, Angle, Angle];
          return [g("rz", gt.qubits, lambda), g("ry", gt.qubits, theta), g("rz", gt.qubits, phi)];
        },
        (gt) => {
          const [theta, phi, lambda] = gt.args as [Angle, Angle, Angle];
          return [
            g("rz", gt.qubits, affine(lambda, 1, -PI / 2)),
            g("rx", gt.qubits, theta),
            g("rz", gt.qubits, affine(phi, 1, PI / 2)),
          ];
        },
      ];
    default:
      return [];
  }
}

function twoQubitRules(name: GateName): Rule[] {
  switch (name) {
    case "cx":
      return [
        (gt) => {
          const [a, b] = gt.qubits as [number, number];
          return [g("h", [b]), g("cz", [a, b]), g("h", [b])];
        },
        (gt) => cxVia("ecr", gt.qubits[0]!, gt.qubits[1]!),
      ];
    case "cz":
      return [
        (gt) => {
          const [a, b] = gt.qubits as [number, number];
          return [g("h", [b]), g("cx", [a, b]), g("h", [b])];
        },
        (gt) => {
          const [a, b] = gt.qubits as [number, number];
          return [g("rzz", [a, b], -PI / 2), g("rz", [a], PI / 2), g("rz", [b], PI / 2)];
        },
      ];
    default:
      return [twoQubitToCx];
  }
}

/** Every IR gate's rewrite rules, in order of preference. */
export const DECOMPOSITION_RULES: Readonly<Record<GateName, readonly Rule[]>> = (() => {
  const rules = {} as Record<GateName, readonly Rule[]>;
  for (const name of GATE_NAMES) {
    rules[name] =
      GATES[name].qubitCount === 1
        ? [...oneQubitRules(name), ...ONE_QUBIT_COMMON]
        : twoQubitRules(name);
  }
  return rules;
})();

/** A representative gate of a name (angles irrelevant: rule outputs depend on names only). */
function sample(name: GateName): Gate {
  const spec = GATES[name];
  return {
    name,
    qubits: spec.qubitCount === 1 ? [0] : [0, 1],
    args: Array.from({ length: spec.paramCount }, () => 0.3),
  };
}

/** The rule each IR gate uses on a device: null = native; absent = not expressible. */
export type DecompositionPlan = ReadonlyMap<GateName, Rule | null>;

/** IR gates whose Braket gate is in `supportedOperations` (case-insensitive). */
export function directlySupported(supportedOperations: readonly string[]): Set<GateName> {
  const supported = new Set(supportedOperations.map((op) => op.toLowerCase()));
  return new Set(
    GATE_NAMES.filter((name) => {
      const braket = BRAKET_GATE_NAMES[name];
      return braket !== null && supported.has(braket.toLowerCase());
    }),
  );
}

/** The fixed point described in the module comment. */
export function decompositionPlan(supportedOperations: readonly string[]): DecompositionPlan {
  const plan = new Map<GateName, Rule | null>();
  for (const name of directlySupported(supportedOperations)) plan.set(name, null);
  for (let changed = true; changed; ) {
    changed = false;
    const known = new Set(plan.keys());
    for (const name of GATE_NAMES) {
      if (known.has(name)) continue;
      const rule = DECOMPOSITION_RULES[name].find((candidate) =>
        candidate(sample(name)).every((part) => known.has(part.name)),
      );
      if (rule) {
        plan.set(name, rule);
        changed = true;
      }
    }
  }
  return plan;
}

function expand(gate: Gate, plan: DecompositionPlan, out: Gate[]): void {
  const rule = plan.get(gate.name);
  if (rule === null) {
    out.push(gate);
    return;
  }
  for (const part of rule!(gate)) expand(part, plan, out);
}

/**
 * The circuit with every gate the device lacks rewritten into supported ones (same qubits,
 * measurements and parameter columns). Refuses, naming the gates and the device, when some
 * gate has no decomposition into `supportedOperations`.
 */
export function decomposeForDevice(
  circuit: Circuit,
  supportedOperations: readonly string[],
  device: string,
): Circuit {
  const plan = decompositionPlan(supportedOperations);
  const missing = [...new Set(circuit.gates.map((gate) => gate.name))].filter(
    (name) => !plan.has(name),
  );
  if (missing.length > 0) {
    throw new QplaneError(
      "QPLANE_ERR_PROVIDER_CIRCUIT",
      `gate(s) ${missing.map((name) => `"${name}"`).join(", ")} cannot be expressed on ${device}: no exact decomposition into its supportedOperations [${supportedOperations.join(", ")}]`,
    );
  }
  if (circuit.gates.every((gate) => plan.get(gate.name) === null)) return circuit;
  const gates: Gate[] = [];
  for (const gate of circuit.gates) expand(gate, plan, gates);
  return createCircuit({
    numQubits: circuit.numQubits,
    numClbits: circuit.numClbits,
    physicalQubits: circuit.physicalQubits,
    gates,
    measurements: circuit.measurements,
    parameters: circuit.parameters,
  });
}
