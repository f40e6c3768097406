/**
 * A device's calibration in vendor-neutral form: what each vendor module reads out of its
 * API (providers/ibm/calibration.ts, providers/braket/calibration.ts) and what the noise
 * model of a twin is built from (providers/local/calibration-noise.ts). It lives beside the
 * transpiler's Target because it carries the target too: basis, coupling map, faulty qubits
 * and the reported errors a noise-aware layout prefers low.
 *
 * Units are fixed here so vendor quirks end at the vendor module: times in nanoseconds,
 * errors as probabilities (a gate's error is its average gate infidelity 1 − F̄).
 */
import type { GateName } from "./gates.js";

export interface QubitCalibration {
  /** Energy relaxation time; absent when not reported (or the qubit is faulty). */
  readonly t1Ns?: number;
  /** Dephasing time, as reported (may break T2 ≤ 2·T1; the noise builder clamps). */
  readonly t2Ns?: number;
  /** [P(read 1 | prepared 0), P(read 0 | prepared 1)]; absent when not reported. */
  readonly readout?: readonly [number, number];
}

export interface GateCalibration {
  readonly name: GateName;
  /** Operands in order (control first). */
  readonly qubits: readonly number[];
  /** Average gate infidelity; absent when not reported. */
  readonly error?: number;
  readonly durationNs?: number;
}

export interface DeviceCalibration {
  readonly source: "ibm" | "braket";
  /** IBM device name or Braket device ARN. */
  readonly device: string;
  /** ISO 8601 time of the fetch. */
  readonly fetchedAt: string;
  readonly numQubits: number;
  readonly basisGates: readonly GateName[];
  /** Directed usable pairs (faulty qubits and gates removed); null = all-to-all. */
  readonly couplingMap: readonly (readonly [number, number])[] | null;
  readonly faultyQubits: readonly number[];
  /** The vendor's own readout error per qubit and two-qubit error per "a,b" (for layout). */
  readonly reportedErrors: {
    readonly readout: readonly number[];
    readonly twoQubit: Readonly<Record<string, number>>;
  };
  /** One entry per qubit, 0..numQubits − 1 (faulty qubits: empty). */
  readonly qubits: readonly QubitCalibration[];
  /** Operational gates on usable qubits only. */
  readonly gates: readonly GateCalibration[];
  /** What the vendor module changed or could not read, for the snapshot's notes. */
  readonly notes: readonly string[];
}

const NS_PER_UNIT: Readonly<Record<string, number>> = {
  s: 1e9,
  ms: 1e6,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ns: 1,
};

/**
 * A vendor duration in nanoseconds (IBM reports T1/T2 in "us" and gate lengths in "ns",
 * Braket in "s"); undefined for a unit it does not know, so the caller can name it.
 */
export function toNanoseconds(value: number, unit: string): number | undefined {
  const factor = NS_PER_UNIT[unit.trim().toLowerCase()];
  return factor === undefined ? undefined : value * factor;
}
