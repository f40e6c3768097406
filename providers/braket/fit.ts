/**
 * A circuit fitted to a Braket device: placed and routed on its connectivity graph,
 * decomposed into its supported operations, and emitted as its OpenQASM program. Pure (the
 * device's description in, the program out), so it can run in a worker thread: placement
 * routes like a transpiler and takes seconds on deep circuits (`src/compute/off-thread.ts`).
 */
import type { Circuit } from "../../src/circuits/ir.js";
import { type OffThreadTask, ROUTING_ANSWER } from "../../src/compute/off-thread.js";
import { decomposeForDevice } from "./decompose.js";
import type { BraketDevice } from "./device.js";
import { type BraketProgram, emitBraketQasm } from "./gates.js";
import { checkContiguous, placeOnDevice } from "./placement.js";

export interface FittedCircuit {
  /** The circuit as submitted: placed, routed and decomposed for the device. */
  readonly submitted: Circuit;
  readonly program: BraketProgram;
}

export function fitToDevice(
  circuit: Circuit,
  device: BraketDevice,
  where: string,
  exactProbabilities: boolean,
): FittedCircuit {
  const placed = placeOnDevice(circuit, device, where).circuit;
  const submitted = decomposeForDevice(placed, device.supportedOperations, where);
  checkContiguous(submitted, device, where);
  const program = emitBraketQasm(submitted, {
    supportedOperations: device.supportedOperations,
    device: where,
    exactProbabilities,
  });
  return { submitted, program };
}

/**
 * {@link fitToDevice} as a worker-thread task: the thread imports this module (compiled) and
 * calls its export; a circuit too large to route is refused as routing is.
 */
export const FIT_TO_DEVICE_TASK: OffThreadTask<typeof fitToDevice> = {
  module: import.meta.url,
  exportName: "fitToDevice",
  answer: ROUTING_ANSWER,
  load: async () => fitToDevice,
};
