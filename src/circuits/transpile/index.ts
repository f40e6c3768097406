/**
 * Transpiler to a hardware ISA: layout on calibrated qubits → routing with SWAPs →
 * translation to {rz, sx, x} + the target's two-qubit gate → one-qubit resynthesis of
 * constant runs → peephole optimisation.
 * The result addresses physical qubits (`$k`), keeps the parameter list (so the same
 * parameter matrix binds it) and measures each logical qubit into the same clbit.
 */
import { QplaneError } from "../../errors/catalogue.js";
import { GATES } from "../gates.js";
import { type Circuit, createCircuit, type Gate } from "../ir.js";
import { gateToBasis } from "./basis.js";
import { chooseLayout, type LayoutOptions } from "./layout.js";
import { optimizeGates } from "./optimize.js";
import { resynthesizeOneQubitRuns } from "./resynth.js";
import { route } from "./routing.js";
import {
  adjacency,
  checkTarget,
  couplingSet,
  pairKey,
  type Target,
  twoQubitBasis,
} from "./target.js";

export {
  affine,
  type BasisOptions,
  cxVia,
  gateToBasis,
  oneQubitToBasis,
  rzzInRange,
  twoQubitToCx,
} from "./basis.js";
export { isIsa } from "./isa.js";
export { chooseLayout, interactionGraph } from "./layout.js";
export { addAngles, optimizeGates } from "./optimize.js";
export { resynthesizeOneQubitRuns, synthesizeOneQubit } from "./resynth.js";
export { distances, type RoutingOptions, type RoutingResult, route } from "./routing.js";
export * from "./target.js";

export interface TranspileOptions extends LayoutOptions {
  /** Fixed initial layout (virtual i → physical `initialLayout[i]`) instead of choosing one. */
  readonly initialLayout?: readonly number[];
  /** Peephole optimisation (default true). */
  readonly optimize?: boolean;
}

export interface TranspileResult {
  /**
   * ISA circuit on physical qubits. `numQubits` is the highest physical index used + 1;
   * the local simulator drops idle qubits (see `compactIdleQubits`), so a layout on high
   * physical indices stays simulable.
   */
  readonly circuit: Circuit;
  /** Initial layout: virtual qubit i starts on physical qubit `layout[i]`. */
  readonly layout: number[];
  /** Where each virtual qubit ends after routing (its measurement reads that qubit). */
  readonly finalLayout: number[];
  readonly swaps: number;
  readonly depth: number;
  readonly twoQubitGates: number;
}

/** Circuit depth counting gates and measurements (like Qiskit's `depth()`). */
export function circuitDepth(circuit: Circuit): number {
  const level = new Map<number, number>();
  let depth = 0;
  const place = (qubits: readonly number[]): void => {
    const next = Math.max(...qubits.map((q) => level.get(q) ?? 0)) + 1;
    for (const q of qubits) level.set(q, next);
    depth = Math.max(depth, next);
  };
  for (const gate of circuit.gates) place(gate.qubits);
  for (const { qubit } of circuit.measurements) place([qubit]);
  return depth;
}

export function countTwoQubitGates(circuit: Circuit): number {
  return circuit.gates.filter((gate) => GATES[gate.name].qubitCount === 2).length;
}

function checkLayout(layout: readonly number[], circuit: Circuit, target: Target): void {
  const faulty = new Set(target.faultyQubits ?? []);
  const seen = new Set<number>();
  const ok =
    layout.length === circuit.numQubits &&
    layout.every((p) => {
      const fine =
        Number.isInteger(p) && p >= 0 && p < target.numQubits && !faulty.has(p) && !seen.has(p);
      seen.add(p);
      return fine;
    });
  if (!ok) {
    throw new QplaneError(
      "QPLANE_ERR_PROVIDER_CIRCUIT",
      `initial layout [${layout.join(", ")}] is not ${circuit.numQubits} distinct usable qubits of the target`,
    );
  }
}

/** Transpiles a circuit to the target's ISA (see module comment). */
export function transpile(
  circuit: Circuit,
  target: Target,
  options: TranspileOptions = {},
): TranspileResult {
  checkTarget(target);
  if (circuit.numQubits > target.numQubits) {
    throw new QplaneError(
      "QPLANE_ERR_PROVIDER_CIRCUIT",
      `circuit has ${circuit.numQubits} qubits but the target has ${target.numQubits}`,
    );
  }
  const layout = options.initialLayout
    ? [...options.initialLayout]
    : chooseLayout(circuit, target, options);
  checkLayout(layout, circuit, target);
  const adj = adjacency(target);
  const routed = route(circuit.gates, layout, adj);
  const basis = twoQubitBasis(target);
  const coupled = couplingSet(target);
  const allowed = (a: number, b: number): boolean => coupled.has(pairKey(a, b));
  const basisOptions = { nativeRzz: target.basisGates.includes("rzz") };
  let gates: Gate[] = routed.gates.flatMap((gate) =>
    gateToBasis(gate, basis, allowed, basisOptions),
  );
  if (options.optimize ?? true) gates = optimizeGates(resynthesizeOneQubitRuns(gates));
  // a target without x gets sx·sx (after optimisation, which would fold it back into x)
  if (!target.basisGates.includes("x")) {
    gates = gates.flatMap((gate) =>
      gate.name === "x"
        ? [
            { name: "sx", qubits: gate.qubits, args: [] },
            { name: "sx", qubits: gate.qubits, args: [] },
          ]
        : [gate],
    );
  }
  const measurements = circuit.measurements.map(({ qubit, clbit }) => ({
    qubit: routed.finalLayout[qubit]!,
    clbit,
  }));
  const used = [...layout, ...routed.finalLayout, ...gates.flatMap((gate) => gate.qubits)];
  const result = createCircuit({
    numQubits: Math.max(...used) + 1,
    numClbits: circuit.numClbits,
    physicalQubits: true,
    gates,
    measurements,
    parameters: circuit.parameters,
  });
  return {
    circuit: result,
    layout,
    finalLayout: routed.finalLayout,
    swaps: routed.swaps,
    depth: circuitDepth(result),
    twoQubitGates: countTwoQubitGates(result),
  };
}
