/**
 * A device's noise model restricted to a few of its qubits and renumbered: a circuit
 * transpiled for a 127-qubit device touches a handful of physical qubits, and the simulator
 * runs it compacted to those (src/circuits/compact.ts: compact qubit k stands for physical
 * qubit `qubits[k]`). The noise that physical qubit `qubits[k]` carries (its per-qubit
 * gate entries, T1, T2, readout; pair entries whose both qubits are kept) becomes compact
 * qubit k's; entries of other qubits are dropped. Gate-wide values (default, per gate name)
 * are unchanged.
 */
import { QplaneError } from "../../src/errors/catalogue.js";
import type { NoiseModel, PerGateValues } from "./noise-model.js";

/** Physical → compact index, checking `qubits` are distinct non-negative integers. */
function indexOf(qubits: readonly number[]): ReadonlyMap<number, number> {
  const index = new Map<number, number>();
  qubits.forEach((q, k) => {
    if (!Number.isInteger(q) || q < 0 || index.has(q)) {
      throw new QplaneError(
        "QPLANE_ERR_SIM_NOISE",
        `noise remap: qubits [${qubits.join(", ")}] must be distinct non-negative integers`,
      );
    }
    index.set(q, k);
  });
  return index;
}

function remapKeys(
  byGate: PerGateValues["perQubit"],
  rename: (key: string) => string | undefined,
): Record<string, Record<string, number>> {
  const result: Record<string, Record<string, number>> = {};
  for (const [gate, byOperands] of Object.entries(byGate)) {
    const kept: Record<string, number> = {};
    for (const [key, value] of Object.entries(byOperands)) {
      const renamed = rename(key);
      if (renamed !== undefined) kept[renamed] = value;
    }
    if (Object.keys(kept).length > 0) result[gate] = kept;
  }
  return result;
}

function remapPerGate(values: PerGateValues, index: ReadonlyMap<number, number>): PerGateValues {
  return {
    default: values.default,
    byGate: values.byGate,
    perQubit: remapKeys(values.perQubit, (key) => index.get(Number(key))?.toString()),
    perPair: remapKeys(values.perPair, (key) => {
      const [a, b] = key.split(",").map((q) => index.get(Number(q)));
      return a === undefined || b === undefined ? undefined : `${a},${b}`;
    }),
  };
}

/** `list[qubits[k]]` for every k; a list too short for a kept qubit is an error naming it. */
function pick<T>(list: readonly T[], qubits: readonly number[], field: string): T[] {
  return qubits.map((q) => {
    if (q >= list.length) {
      throw new QplaneError(
        "QPLANE_ERR_SIM_NOISE",
        `noise.${field} has ${list.length} entries; qubit ${q} has none (one entry per qubit)`,
      );
    }
    return list[q]!;
  });
}

/** The noise of physical qubits `qubits`, renumbered 0..qubits.length − 1 (module comment). */
export function remapNoiseModel(model: NoiseModel, qubits: readonly number[]): NoiseModel {
  const index = indexOf(qubits);
  const relaxation = model.thermalRelaxation;
  return {
    ...(model.depolarizing ? { depolarizing: remapPerGate(model.depolarizing, index) } : {}),
    ...(relaxation
      ? {
          thermalRelaxation: {
            t1Ns: pick(relaxation.t1Ns, qubits, "thermalRelaxation.t1Ns"),
            t2Ns: pick(relaxation.t2Ns, qubits, "thermalRelaxation.t2Ns"),
            gateDurationsNs: remapPerGate(relaxation.gateDurationsNs, index),
          },
        }
      : {}),
    ...(model.readout ? { readout: pick(model.readout, qubits, "readout") } : {}),
  };
}
