import { describe, expect, it } from "vitest";
import {
  DECOMPOSITION_RULES,
  decomposeForDevice,
  decompositionPlan,
  directlySupported,
} from "../../../providers/braket/decompose.js";
import { emitBraketQasm } from "../../../providers/braket/gates.js";
import { GATE_NAMES, GATES, type GateName } from "../../../src/circuits/gates.js";
import {
  type Angle,
  type Circuit,
  CircuitBuilder,
  type Gate,
  weight,
} from "../../../src/circuits/ir.js";
import { QplaneError } from "../../../src/errors/catalogue.js";
import { phaseDistance, unitaryOf } from "../../circuits/transpile/unitary.js";

/** supportedOperations of real and minimal devices (Braket names). */
const DEVICES: Record<string, readonly string[]> = {
  sv1: [
    "ccnot",
    "cnot",
    "cphaseshift",
    "cswap",
    "cy",
    "cz",
    "h",
    "i",
    "iswap",
    "pswap",
    "phaseshift",
    "rx",
    "ry",
    "rz",
    "s",
    "si",
    "swap",
    "t",
    "ti",
    "v",
    "vi",
    "x",
    "xx",
    "xy",
    "y",
    "yy",
    "z",
    "zz",
  ],
  aria: [
    "x",
    "y",
    "z",
    "rx",
    "ry",
    "rz",
    "h",
    "cnot",
    "s",
    "si",
    "t",
    "ti",
    "v",
    "vi",
    "xx",
    "yy",
    "zz",
    "swap",
  ],
  ankaa: [
    "cz",
    "xy",
    "ccnot",
    "cnot",
    "cphaseshift",
    "cswap",
    "h",
    "i",
    "iswap",
    "phaseshift",
    "pswap",
    "rx",
    "ry",
    "rz",
    "s",
    "si",
    "swap",
    "t",
    "ti",
    "x",
    "y",
    "z",
  ],
  rzSxCz: ["rz", "v", "x", "cz"],
  rxRyCz: ["rx", "ry", "cz"],
  rxRzCnot: ["rx", "rz", "cnot"],
  uCnot: ["U", "cnot"],
  ryRzZz: ["ry", "rz", "zz"],
  ecr: ["ecr", "rz", "v", "x"],
};

const W = 0.731;
const binding = new Map([["w", W]]);

/** Arguments for a gate: parametric (affine in w) and constant. */
function argsFor(name: GateName, parametric: boolean): Angle[] {
  return Array.from({ length: GATES[name].paramCount }, (_, k) =>
    parametric ? weight("w", 1.3 - 0.4 * k, 0.2 + 0.5 * k) : 0.4 + 0.9 * k,
  );
}

function oneGateCircuit(name: GateName, parametric: boolean): Circuit {
  const qubits = GATES[name].qubitCount === 1 ? [1] : [1, 0];
  return new CircuitBuilder(2).add(name, qubits, ...argsFor(name, parametric)).build();
}

describe("Braket device-native decomposition", () => {
  for (const [device, ops] of Object.entries(DEVICES)) {
    it(`rewrites every IR gate exactly into ${device}'s supportedOperations`, () => {
      const native = directlySupported(ops);
      for (const name of GATE_NAMES) {
        for (const parametric of [false, true]) {
          if (parametric && GATES[name].paramCount === 0) continue;
          const circuit = oneGateCircuit(name, parametric);
          const out = decomposeForDevice(circuit, ops, device);
          for (const gate of out.gates) {
            expect(native.has(gate.name), `${name} → ${gate.name} on ${device}`).toBe(true);
            expect(gate.qubits.every((q) => circuit.gates[0]!.qubits.includes(q))).toBe(true);
            for (const arg of gate.args) {
              // parametric angles stay affine in the same single parameter
              if (typeof arg !== "number") expect(arg.name).toBe("w");
            }
          }
          const distance = phaseDistance(
            unitaryOf(circuit.gates, 2, binding),
            unitaryOf(out.gates, 2, binding),
          );
          expect(distance, `${name} (parametric ${parametric}) on ${device}`).toBeLessThan(1e-12);
          expect(out.parameters).toEqual(circuit.parameters);
          // and the result is emittable for the device
          expect(() => emitBraketQasm(out, { supportedOperations: ops })).not.toThrow();
        }
      }
    });
  }

  it("checks every rule of every gate on its own (not just the chosen one)", () => {
    for (const name of GATE_NAMES) {
      const gate: Gate = oneGateCircuit(name, true).gates[0]!;
      for (const rule of DECOMPOSITION_RULES[name]) {
        const parts = rule(gate);
        expect(
          phaseDistance(unitaryOf([gate], 2, binding), unitaryOf(parts, 2, binding)),
        ).toBeLessThan(1e-12);
      }
    }
  });

  it("leaves a circuit of native gates untouched and keeps measurements", () => {
    const circuit = new CircuitBuilder(2).add("h", [0]).add("cx", [0, 1]).measure([1, 0]).build();
    expect(decomposeForDevice(circuit, DEVICES.sv1!, "SV1")).toBe(circuit);
    const rewritten = decomposeForDevice(circuit, DEVICES.rzSxCz!, "Garnet");
    expect(rewritten.measurements).toEqual(circuit.measurements);
    expect(rewritten.gates.map((gate) => gate.name)).toEqual([
      "rz",
      "sx",
      "rz", // h
      "rz",
      "sx",
      "rz",
      "cz",
      "rz",
      "sx",
      "rz", // h(b) cz h(b)
    ]);
  });

  it("picks the shortest chain: rzz as cnot·rz·cnot on Aria-like sets without zz", () => {
    const plan = decompositionPlan(["cnot", "rz", "ry"]);
    expect(plan.get("cx")).toBeNull();
    const circuit = new CircuitBuilder(2).add("rzz", [0, 1], weight("w", 2, 0.5)).build();
    expect(emitBraketQasm(decomposeForDevice(circuit, ["cnot", "rz"], "d")).source).toContain(
      "cnot q[0], q[1];\nrz(2*w00_w + 0.5) q[1];\ncnot q[0], q[1];",
    );
  });

  it("refuses, naming the gates and the device, when no decomposition exists", () => {
    const circuit = new CircuitBuilder(2).add("crx", [0, 1], 0.3).add("h", [0]).build();
    let error: unknown;
    try {
      decomposeForDevice(circuit, ["rx", "ry", "rz"], "OneQubitOnly");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(QplaneError);
    expect((error as QplaneError).code).toBe("QPLANE_ERR_PROVIDER_CIRCUIT");
    expect((error as QplaneError).message).toBe(
      'gate(s) "crx" cannot be expressed on OneQubitOnly: no exact decomposition into its supportedOperations [rx, ry, rz]',
    );
  });
});
