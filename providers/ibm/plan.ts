/**
 * What one IBM run submits and what the device accepts: the Sampler limits, the ISA and
 * fractional-gate checks, shots, and the PUBs (parameter rows per PUB) of the job body.
 * Pure functions of the circuit, the matrix and the device's capabilities.
 */
import { GATES } from "../../src/circuits/gates.js";
import type { Circuit } from "../../src/circuits/ir.js";
import type { ParameterMatrix } from "../../src/circuits/parameters.js";
import { emitQasm3 } from "../../src/circuits/qasm3/emit.js";
import { QplaneError } from "../../src/errors/catalogue.js";
import type { ProviderCapabilities } from "../types.js";
import type { PubLayout } from "./results.js";
import { type SamplerOptions, twirls } from "./sampler-options.js";

/** Largest classical register returned as dense counts (2^24 outcomes per row). */
export const MAX_DENSE_CLBITS = 24;
/** Sampler limit: circuits × shots per job. */
export const MAX_EXECUTIONS_PER_JOB = 10_000_000;
/** No PUB limit is documented; a job cannot hold more rows than this anyway (≥ 1 shot each). */
export const DEFAULT_MAX_ROWS_PER_PUB = MAX_EXECUTIONS_PER_JOB;

/** One PUB of a job: its parameter rows (null: no parameters) and per-PUB shots. */
export interface PubPlan extends PubLayout {
  readonly values: number[][] | null;
  readonly shots: number;
}

/** Why a circuit is not ISA for the device, or undefined when it is. */
export function isaViolation(circuit: Circuit, capabilities: ProviderCapabilities) {
  if (!circuit.physicalQubits) {
    return "it uses virtual qubits; IBM Quantum runs only ISA circuits on physical qubits $k (transpile it first)";
  }
  const native = new Set<string>(capabilities.nativeGates);
  const coupled = new Set((capabilities.couplingMap ?? []).map(([a, b]) => `${a},${b}`));
  for (const [index, gate] of circuit.gates.entries()) {
    const on = gate.qubits.map((q) => `$${q}`).join(", ");
    if (!native.has(gate.name)) {
      return `gate ${index} (${gate.name} on ${on}) is not a basis gate of ${capabilities.device} (${capabilities.nativeGates.join(", ")})`;
    }
    if (
      GATES[gate.name].qubitCount === 2 &&
      capabilities.couplingMap !== null &&
      !coupled.has(`${gate.qubits[0]},${gate.qubits[1]}`)
    ) {
      return `gate ${index} (${gate.name} on ${on}) acts on qubits that are not coupled on ${capabilities.device}`;
    }
  }
  return undefined;
}

/**
 * Why a bound `rzz` angle is outside the [0, π/2] IBM accepts (it fails the job with 1517),
 * or undefined. Only circuits using fractional gates contain rzz.
 */
export function rzzAngleViolation(circuit: Circuit, matrix: ParameterMatrix): string | undefined {
  const outside = (angle: number) => !(angle >= 0 && angle <= Math.PI / 2);
  for (const [index, gate] of circuit.gates.entries()) {
    if (gate.name !== "rzz") continue;
    const arg = gate.args[0]!;
    const on = gate.qubits.map((q) => `$${q}`).join(", ");
    if (typeof arg === "number") {
      if (outside(arg)) return `gate ${index} (rzz on ${on}) has angle ${arg}`;
      continue;
    }
    const column = circuit.parameters.findIndex((p) => p.kind === arg.kind && p.name === arg.name);
    for (let row = 0; row < matrix.rows; row++) {
      const angle = arg.scale * matrix.values[row * matrix.cols + column]! + arg.offset;
      if (outside(angle)) {
        return `gate ${index} (rzz on ${on}) has angle ${angle} in parameter row ${row} (${arg.kind} ${arg.name})`;
      }
    }
  }
  return undefined;
}

/** IBM hardware samples: shots ≥ 1, a whole number. */
export function checkIbmShots(shots: number): void {
  if (shots === 0) {
    throw new QplaneError(
      "QPLANE_ERR_PROVIDER_CIRCUIT",
      "shots = 0 asks for exact probabilities, which IBM Quantum hardware cannot give; use shots ≥ 1",
    );
  }
  if (!Number.isInteger(shots) || shots < 1) {
    throw new QplaneError(
      "QPLANE_ERR_PROVIDER_CIRCUIT",
      `shots must be a positive integer, got ${shots}`,
    );
  }
}

/** Refuses a classical register IBM cannot return as dense counts. */
export function checkMeasuredBits(circuit: Circuit): void {
  if (circuit.numClbits === 0) {
    throw new QplaneError(
      "QPLANE_ERR_PROVIDER_CIRCUIT",
      "the circuit measures nothing; add measurements to get counts from IBM Quantum",
    );
  }
  if (circuit.numClbits > MAX_DENSE_CLBITS) {
    throw new QplaneError(
      "QPLANE_ERR_PROVIDER_CIRCUIT",
      `the circuit has ${circuit.numClbits} classical bits; counts are returned for at most ${MAX_DENSE_CLBITS}`,
    );
  }
}

/**
 * The PUBs of one run. Parameter rows go in order, at most `maxRowsPerPub` per PUB. A
 * parameterless circuit has one binding, so its rows run as one PUB of rows × shots whose
 * samples are cut per row — except under twirling, whose sample count is not rows × shots
 * (then one PUB per row).
 */
export function pubPlans(
  matrix: ParameterMatrix,
  shots: number,
  maxRowsPerPub: number,
  samplerOptions: SamplerOptions | undefined,
): PubPlan[] {
  if (matrix.cols === 0) {
    if (twirls(samplerOptions)) {
      return Array.from({ length: matrix.rows }, () => ({ values: null, shots, rows: 1 }));
    }
    return [{ values: null, shots: shots * matrix.rows, rows: matrix.rows, flatShots: shots }];
  }
  const pubs: PubPlan[] = [];
  for (let start = 0; start < matrix.rows; start += maxRowsPerPub) {
    const end = Math.min(matrix.rows, start + maxRowsPerPub);
    const values = Array.from({ length: end - start }, (_, i) =>
      Array.from(matrix.values.subarray((start + i) * matrix.cols, (start + i + 1) * matrix.cols)),
    );
    pubs.push({ values, shots, rows: end - start });
  }
  return pubs;
}

/** The `POST /jobs` body of a Sampler V2 job running `pubs` of `circuit` on `device`. */
export function samplerJobRequest(
  circuit: Circuit,
  pubs: readonly PubPlan[],
  device: string,
  sessionId: string | undefined,
  samplerOptions: SamplerOptions | undefined,
) {
  const qasm = emitQasm3(circuit);
  return {
    program_id: "sampler",
    backend: device,
    ...(sessionId !== undefined ? { session_id: sessionId } : {}),
    params: {
      pubs: pubs.map((pub) => [qasm, pub.values, pub.shots]),
      version: 2,
      support_qiskit: false,
      ...(samplerOptions !== undefined && Object.keys(samplerOptions).length > 0
        ? { options: samplerOptions }
        : {}),
    },
  };
}
