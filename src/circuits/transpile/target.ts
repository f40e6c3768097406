/**
 * A hardware target for transpilation: qubit count, native gates, directed coupling map,
 * calibration errors and faulty qubits. Built by hand (tests) or from IBM's backend
 * `configuration` + `properties` JSON ({@link targetFromIbm}).
 */
import { QplaneError } from "../../errors/catalogue.js";
import { type GateName, isGateName } from "../gates.js";

export type TwoQubitBasisGate = "cx" | "cz" | "ecr";

export interface Target {
  readonly numQubits: number;
  /** Native gates, e.g. `["rz","sx","x","ecr"]` or `["rz","sx","x","cz"]`. */
  readonly basisGates: readonly GateName[];
  /**
   * Directed pairs `[a, b]`: a two-qubit gate on `(a, b)` is allowed iff `[a, b]` is listed.
   * `cz` is symmetric, so either direction allows it.
   */
  readonly couplingMap: readonly (readonly [number, number])[];
  /** Readout (measurement assignment) error per qubit; missing entries count as 0. */
  readonly readoutError?: readonly number[];
  /** Two-qubit gate error keyed by {@link pairKey}`(a, b)`; missing pairs count as 0. */
  readonly twoQubitError?: Readonly<Record<string, number>>;
  /** Qubits that must not be used (non-operational in the latest calibration). */
  readonly faultyQubits?: readonly number[];
}

export function pairKey(a: number, b: number): string {
  return `${a},${b}`;
}

/** The target's two-qubit basis gate: the first of ecr, cz, cx that it lists. */
export function twoQubitBasis(target: Target): TwoQubitBasisGate {
  for (const name of ["ecr", "cz", "cx"] as const) {
    if (target.basisGates.includes(name)) return name;
  }
  throw new QplaneError(
    "QPLANE_ERR_PROVIDER_CIRCUIT",
    `target basis [${target.basisGates.join(", ")}] has no two-qubit gate among ecr, cz, cx`,
  );
}

/** Checks that the target can express every circuit (rz, sx and a two-qubit gate). */
export function checkTarget(target: Target): void {
  for (const name of ["rz", "sx"] as const) {
    if (!target.basisGates.includes(name)) {
      throw new QplaneError(
        "QPLANE_ERR_PROVIDER_CIRCUIT",
        `target basis [${target.basisGates.join(", ")}] lacks ${name}`,
      );
    }
  }
  twoQubitBasis(target);
}

/** Faulty qubits as a set. */
export function faultySet(target: Target): ReadonlySet<number> {
  return new Set(target.faultyQubits ?? []);
}

/** Directed coupling lookup that skips pairs touching faulty qubits. */
export function couplingSet(target: Target): ReadonlySet<string> {
  const faulty = faultySet(target);
  const set = new Set<string>();
  for (const [a, b] of target.couplingMap) {
    if (!faulty.has(a) && !faulty.has(b)) set.add(pairKey(a, b));
  }
  return set;
}

/** Undirected adjacency lists over non-faulty qubits (sorted, deduplicated). */
export function adjacency(target: Target): number[][] {
  const lists: Set<number>[] = Array.from({ length: target.numQubits }, () => new Set<number>());
  const faulty = faultySet(target);
  for (const [a, b] of target.couplingMap) {
    if (faulty.has(a) || faulty.has(b) || a === b) continue;
    if (a < 0 || b < 0 || a >= target.numQubits || b >= target.numQubits) continue;
    lists[a]!.add(b);
    lists[b]!.add(a);
  }
  return lists.map((set) => [...set].sort((x, y) => x - y));
}

export function readoutErrorOf(target: Target, qubit: number): number {
  const value = target.readoutError?.[qubit];
  return value !== undefined && Number.isFinite(value) ? value : 0;
}

/** Error of a two-qubit gate on the pair, the lower of both directions when both are known. */
export function pairErrorOf(target: Target, a: number, b: number): number {
  const table = target.twoQubitError;
  if (table === undefined) return 0;
  const forward = table[pairKey(a, b)];
  const backward = table[pairKey(b, a)];
  const known = [forward, backward].filter(
    (v): v is number => v !== undefined && Number.isFinite(v),
  );
  return known.length === 0 ? 0 : Math.min(...known);
}

// ---------------------------------------------------------------------------------------
// IBM backend configuration + properties → Target

export interface IbmBackendConfiguration {
  readonly n_qubits: number;
  readonly basis_gates: readonly string[];
  readonly coupling_map?: readonly (readonly number[])[] | null;
}

export interface IbmNduv {
  readonly name: string;
  readonly value: number | boolean;
  readonly unit?: string;
}

export interface IbmGateProperties {
  readonly gate: string;
  readonly qubits: readonly number[];
  readonly parameters: readonly IbmNduv[];
}

export interface IbmBackendProperties {
  readonly qubits?: readonly (readonly IbmNduv[])[];
  readonly gates?: readonly IbmGateProperties[];
}

function nduv(list: readonly IbmNduv[], name: string): number | boolean | undefined {
  return list.find((entry) => entry.name === name)?.value;
}

function notOperational(list: readonly IbmNduv[]): boolean {
  const value = nduv(list, "operational");
  return value === false || value === 0;
}

/**
 * Builds a target from IBM's `GET /v1/backends/{name}/configuration` and `/properties`.
 * Like qiskit-ibm-runtime's backend converter it drops faulty qubits (qubit property
 * `operational` false, or a non-operational one-qubit gate on them) and faulty gates
 * (a non-operational two-qubit gate removes that pair from the coupling map). `id` is left
 * out of the basis: IBM rejects it in OpenQASM 3 input (spec §7); names outside the IR gate
 * set (`delay`, `reset`, `measure`, ...) are ignored.
 */
export function targetFromIbm(
  configuration: IbmBackendConfiguration,
  properties?: IbmBackendProperties,
): Target {
  const numQubits = configuration.n_qubits;
  if (!Number.isInteger(numQubits) || numQubits < 1) {
    throw new QplaneError(
      "QPLANE_ERR_PROVIDER_CIRCUIT",
      `backend configuration has invalid n_qubits ${String(numQubits)}`,
    );
  }
  const basisGates = [
    ...new Set(configuration.basis_gates.filter((g) => g !== "id" && isGateName(g))),
  ] as GateName[];
  const faulty = new Set<number>();
  const readoutError: number[] = Array.from({ length: numQubits }, () => 0);
  (properties?.qubits ?? []).forEach((list, qubit) => {
    if (qubit >= numQubits) return;
    const readout = nduv(list, "readout_error");
    if (typeof readout === "number") readoutError[qubit] = readout;
    if (notOperational(list)) faulty.add(qubit);
  });
  const twoQubitError: Record<string, number> = {};
  const deadPairs = new Set<string>();
  for (const gate of properties?.gates ?? []) {
    const dead = notOperational(gate.parameters);
    if (gate.qubits.length === 1 && dead && (gate.gate === "sx" || gate.gate === "x")) {
      faulty.add(gate.qubits[0]!);
    }
    if (gate.qubits.length !== 2 || !basisGates.includes(gate.gate as GateName)) continue;
    const key = pairKey(gate.qubits[0]!, gate.qubits[1]!);
    if (dead) deadPairs.add(key);
    const error = nduv(gate.parameters, "gate_error");
    if (typeof error === "number") twoQubitError[key] = error;
  }
  const couplingMap: [number, number][] = [];
  for (const pair of configuration.coupling_map ?? []) {
    const [a, b] = pair;
    if (a === undefined || b === undefined) continue;
    if (faulty.has(a) || faulty.has(b) || deadPairs.has(pairKey(a, b))) continue;
    couplingMap.push([a, b]);
  }
  return {
    numQubits,
    basisGates,
    couplingMap,
    readoutError,
    twoQubitError,
    faultyQubits: [...faulty].sort((x, y) => x - y),
  };
}
