/**
 * The noise model of a device from its calibration (src/circuits/calibration.ts), as Qiskit
 * Aer's `NoiseModel.from_backend` builds it (calibration-formulas.ts), saved with the
 * transpiler's target as a calibration snapshot (calibration-snapshot.ts):
 *
 * - per qubit: T1 and T2 in ns, T2 truncated to 2·T1 where the vendor's values break
 *   T2 ≤ 2·T1 (noted in `notes`); a qubit without T1/T2 (faulty or unreported) never relaxes
 *   (T1 = T2 = Number.MAX_VALUE ns); readout [P(1|0), P(0|1)], [0, 0] when unreported;
 * - per gate and operands: the duration, and the depolarizing probability that together with
 *   thermal relaxation over that duration gives the reported error. A symmetric two-qubit
 *   gate (cz, rzz, swap) listed for one order gets the same entries for the other, since
 *   the transpiler may emit either.
 *
 * Thermal relaxation is in the model only when some gate has a duration (Braket devices
 * mostly publish none: their depolarizing probability then carries the whole error).
 */
import type { DeviceCalibration, GateCalibration } from "../../src/circuits/calibration.js";
import type { GateName } from "../../src/circuits/gates.js";
import { clampT2, depolarizingFromGateError, relaxationFidelity } from "./calibration-formulas.js";
import { CALIBRATION_FORMAT, type CalibrationSnapshot } from "./calibration-snapshot.js";

/** Stands in for "never relaxes" where a qubit has no T1/T2. */
const NEVER_NS = Number.MAX_VALUE;

const SYMMETRIC_GATES: ReadonlySet<GateName> = new Set(["cz", "rzz", "swap"]);

type PerOperands = Record<string, Record<string, number>>;

function put(table: PerOperands, gate: string, key: string, entry: number): void {
  table[gate] ??= {};
  table[gate][key] = entry;
}

const unit = (p: number): number => Math.min(1, Math.max(0, p));

interface Coherence {
  readonly t1Ns: number[];
  readonly t2Ns: number[];
  readonly notes: string[];
}

function coherenceOf(calibration: DeviceCalibration): Coherence {
  const faulty = new Set(calibration.faultyQubits);
  const t1Ns: number[] = [];
  const t2Ns: number[] = [];
  const notes: string[] = [];
  for (let q = 0; q < calibration.numQubits; q++) {
    const { t1Ns: t1, t2Ns: t2 } = calibration.qubits[q] ?? {};
    if (t1 === undefined || t2 === undefined || !(t1 > 0) || !(t2 > 0)) {
      if (!faulty.has(q)) notes.push(`qubit ${q}: no usable T1/T2 reported; it never relaxes`);
      t1Ns.push(NEVER_NS);
      t2Ns.push(NEVER_NS);
      continue;
    }
    const clamped = clampT2(t1, t2);
    if (clamped.clamped) {
      notes.push(
        `qubit ${q}: T2 = ${t2} ns exceeds 2·T1 = ${2 * t1} ns; clamped to 2·T1 (as Qiskit Aer)`,
      );
    }
    t1Ns.push(t1);
    t2Ns.push(clamped.t2Ns);
  }
  return { t1Ns, t2Ns, notes };
}

/** The gate entries to write: each as listed, plus the mirror of a symmetric gate. */
function withMirrors(gates: readonly GateCalibration[]): GateCalibration[] {
  const listed = new Set(gates.map((gate) => `${gate.name}:${gate.qubits.join(",")}`));
  const mirrors = gates.flatMap((gate) => {
    if (gate.qubits.length !== 2 || !SYMMETRIC_GATES.has(gate.name)) return [];
    const qubits = [gate.qubits[1]!, gate.qubits[0]!];
    return listed.has(`${gate.name}:${qubits.join(",")}`) ? [] : [{ ...gate, qubits }];
  });
  return [...gates, ...mirrors];
}

/** The snapshot of a device's calibration (module comment). */
export function snapshotFromCalibration(calibration: DeviceCalibration): CalibrationSnapshot {
  const coherence = coherenceOf(calibration);
  const depolarizing = { perQubit: {} as PerOperands, perPair: {} as PerOperands };
  const durations = { perQubit: {} as PerOperands, perPair: {} as PerOperands };
  let relaxes = false;
  for (const gate of withMirrors(calibration.gates)) {
    const table = gate.qubits.length === 1 ? "perQubit" : "perPair";
    const key = gate.qubits.join(",");
    const durationNs = gate.durationNs ?? 0;
    if (durationNs > 0) {
      relaxes = true;
      put(durations[table], gate.name, key, durationNs);
    }
    if (gate.error === undefined) continue;
    const relax = relaxationFidelity(
      durationNs,
      gate.qubits.map((q) => ({ t1Ns: coherence.t1Ns[q]!, t2Ns: coherence.t2Ns[q]! })),
    );
    put(
      depolarizing[table],
      gate.name,
      key,
      depolarizingFromGateError(gate.error, gate.qubits.length, relax),
    );
  }
  const readout = Array.from({ length: calibration.numQubits }, (_, q) => {
    const [p1Given0, p0Given1] = calibration.qubits[q]?.readout ?? [0, 0];
    return [unit(p1Given0), unit(p0Given1)] as [number, number];
  });
  return {
    format: CALIBRATION_FORMAT,
    source: calibration.source,
    device: calibration.device,
    fetchedAt: calibration.fetchedAt,
    numQubits: calibration.numQubits,
    basisGates: [...calibration.basisGates],
    couplingMap: calibration.couplingMap?.map(([a, b]) => [a, b] as [number, number]) ?? null,
    faultyQubits: [...calibration.faultyQubits],
    reportedErrors: {
      readout: Array.from({ length: calibration.numQubits }, (_, q) =>
        unit(calibration.reportedErrors.readout[q] ?? 0),
      ),
      twoQubit: Object.fromEntries(
        Object.entries(calibration.reportedErrors.twoQubit).map(([key, e]) => [key, unit(e)]),
      ),
    },
    notes: [...calibration.notes, ...(relaxes ? coherence.notes : [])],
    noise: {
      depolarizing,
      ...(relaxes
        ? {
            thermalRelaxation: {
              t1Ns: coherence.t1Ns,
              t2Ns: coherence.t2Ns,
              gateDurationsNs: durations,
            },
          }
        : {}),
      readout,
    },
  };
}
