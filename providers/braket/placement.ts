/**
 * Fitting a circuit onto a Braket device's qubits before submission.
 *
 * - Fully connected devices (simulators, IonQ) take the circuit as it is.
 * - On a device with a connectivity graph that accepts physical qubits (`$k`), virtual
 *   circuits are placed on a connected set of device qubits and SWAP-routed with the
 *   transpiler's layout and routing ({@link chooseLayout}, {@link route}); the program is
 *   then submitted on those physical qubits, so what runs is what was checked here.
 *   Qubit indices missing from the graph (gaps, IQM's 1-based numbering) are treated as
 *   unusable.
 * - A device with a graph but without physical-qubit support maps virtual qubits itself
 *   (Braket's compiler places and routes them), so the circuit is left virtual.
 * - Circuits that already address physical qubits are checked, not moved: every qubit must
 *   exist in the graph and every two-qubit gate must act on a coupled pair.
 * Directions are not checked: outside verbatim boxes Braket compiles gate directions.
 */

import { touchedQubits } from "../../src/circuits/compact.js";
import { GATES } from "../../src/circuits/gates.js";
import { type Circuit, createCircuit } from "../../src/circuits/ir.js";
import { adjacency, chooseLayout, route, type Target } from "../../src/circuits/transpile/index.js";
import { QplaneError } from "../../src/errors/catalogue.js";
import type { BraketDevice } from "./device.js";

export interface Placement {
  /** The circuit to submit (physical qubits when it was placed). */
  readonly circuit: Circuit;
  /** Virtual qubit i starts on device qubit `layout[i]`; null when not placed. */
  readonly layout: readonly number[] | null;
  readonly swaps: number;
}

function circuitError(message: string): QplaneError {
  return new QplaneError("QPLANE_ERR_PROVIDER_CIRCUIT", message);
}

/** The device's graph as a transpiler target (layout and routing only, no basis). */
function graphTarget(device: BraketDevice, graphQubits: readonly number[]): Target {
  const numQubits = Math.max(-1, ...graphQubits) + 1;
  const present = new Set(graphQubits);
  return {
    numQubits,
    basisGates: [],
    couplingMap: device.couplingMap ?? [],
    faultyQubits: Array.from({ length: numQubits }, (_, q) => q).filter((q) => !present.has(q)),
  };
}

function checkPhysical(circuit: Circuit, device: BraketDevice, where: string): void {
  const qubit = (q: number) => `$${q}`;
  if (device.graphQubits === null) {
    const outside = touchedQubits(circuit).filter((q) => q >= device.qubitCount);
    if (outside.length > 0) {
      throw circuitError(
        `physical qubit(s) ${outside.map(qubit).join(", ")} do not exist on ${where} (qubits $0..$${device.qubitCount - 1})`,
      );
    }
    return;
  }
  const present = new Set(device.graphQubits);
  const missing = touchedQubits(circuit).filter((q) => !present.has(q));
  if (missing.length > 0) {
    throw circuitError(
      `physical qubit(s) ${missing.map(qubit).join(", ")} are not in the connectivity graph of ${where}`,
    );
  }
  const adj = adjacency(graphTarget(device, device.graphQubits));
  circuit.gates.forEach((gate, index) => {
    if (GATES[gate.name].qubitCount !== 2) return;
    const [a, b] = gate.qubits as [number, number];
    if (!adj[a]!.includes(b)) {
      throw circuitError(
        `gate ${index} (${gate.name}) acts on ${qubit(a)} and ${qubit(b)}, which are not coupled on ${where} (neighbours of ${qubit(a)}: ${adj[a]!.map(qubit).join(", ") || "none"})`,
      );
    }
  });
}

/** Places (and routes) a circuit on the device, or checks a physical one; see module comment. */
export function placeOnDevice(circuit: Circuit, device: BraketDevice, where: string): Placement {
  if (circuit.physicalQubits) {
    if (!device.supportsPhysicalQubits) {
      throw circuitError(
        `the circuit addresses physical qubits but ${where} does not accept them (supportPhysicalQubits is false)`,
      );
    }
    checkPhysical(circuit, device, where);
    return { circuit, layout: null, swaps: 0 };
  }
  if (circuit.numQubits > device.qubitCount) {
    throw circuitError(
      `circuit uses ${circuit.numQubits} qubits; ${where} has ${device.qubitCount}`,
    );
  }
  if (device.graphQubits === null || !device.supportsPhysicalQubits) {
    return { circuit, layout: null, swaps: 0 };
  }
  if (circuit.numQubits > device.graphQubits.length) {
    throw circuitError(
      `circuit uses ${circuit.numQubits} qubits; the connectivity graph of ${where} has ${device.graphQubits.length} (qubitCount ${device.qubitCount})`,
    );
  }
  const target = graphTarget(device, device.graphQubits);
  let layout: number[];
  let routed: ReturnType<typeof route>;
  try {
    layout = chooseLayout(circuit, target);
    routed = route(circuit.gates, layout, adjacency(target));
  } catch (error) {
    if (!(error instanceof QplaneError)) throw error;
    throw circuitError(`cannot place the circuit on ${where}: ${error.message}`);
  }
  const measurements = circuit.measurements.map(({ qubit, clbit }) => ({
    qubit: routed.finalLayout[qubit]!,
    clbit,
  }));
  const touched = [...layout, ...routed.finalLayout];
  for (const gate of routed.gates) touched.push(...gate.qubits);
  const placed = createCircuit({
    numQubits: Math.max(...touched) + 1,
    numClbits: circuit.numClbits,
    physicalQubits: true,
    gates: routed.gates,
    measurements,
    parameters: circuit.parameters,
  });
  return { circuit: placed, layout, swaps: routed.swaps };
}

/**
 * Refuses a program whose qubit indices have gaps on a device that requires contiguous
 * indices (simulators). Virtual registers `qubit[n] q` are contiguous by construction.
 */
export function checkContiguous(circuit: Circuit, device: BraketDevice, where: string): void {
  if (!device.requiresContiguousQubitIndices || !circuit.physicalQubits) return;
  const used = touchedQubits(circuit);
  const gaps = Array.from({ length: (used.at(-1) ?? -1) + 1 }, (_, q) => q).filter(
    (q) => !used.includes(q),
  );
  if (gaps.length > 0) {
    throw circuitError(
      `${where} requires contiguous qubit indices (requiresContiguousQubitIndices); the program uses ${used.map((q) => `$${q}`).join(", ")} and skips ${gaps.map((q) => `$${q}`).join(", ")}`,
    );
  }
}
