/**
 * An IBM backend's calibration (src/circuits/calibration.ts) from its
 * `GET /backends/{name}/configuration` and `/properties`:
 *
 * - per qubit: `T1`, `T2` (reported in µs) in ns; readout [P(1|0), P(0|1)] from
 *   `prob_meas1_prep0` / `prob_meas0_prep1`, or `readout_error` for both when only that is
 *   given (IBM's readout_error is the mean of the two, and Qiskit Aer does the same);
 * - per gate and operands: `gate_error` and `gate_length` (ns).
 *
 * Faulty parts are dropped as qiskit-ibm-runtime's backend converter drops them (via the
 * transpiler's `targetFromIbm`): a qubit whose `operational` is false or whose sx/x gate is
 * non-operational is listed in `faultyQubits`, leaves the coupling map and gets no gate
 * entries; a non-operational gate gets none (a dead two-qubit gate leaves the coupling map).
 * Gates outside the transpiler's basis (`id`, `measure`, `reset`, `delay`, and the
 * fractional rx/rzz unless the backend enables them) are ignored: no ISA circuit has them.
 */
import {
  type DeviceCalibration,
  type GateCalibration,
  type QubitCalibration,
  toNanoseconds,
} from "../../src/circuits/calibration.js";
import { GATES, type GateName, isGateName } from "../../src/circuits/gates.js";
import {
  type IbmBackendProperties,
  type IbmNduv,
  targetFromIbm,
} from "../../src/circuits/transpile/index.js";
import { QplaneError } from "../../src/errors/catalogue.js";
import { IamTokenSource } from "./auth.js";
import { IbmRuntimeClient, type RetryOptions } from "./client.js";
import { FRACTIONAL_GATES } from "./sampler-options.js";

/** The parts of `/configuration` read here. */
export interface IbmConfigurationJson {
  readonly n_qubits?: unknown;
  readonly basis_gates?: unknown;
  readonly coupling_map?: readonly (readonly number[])[] | null;
}

export interface IbmCalibrationOptions {
  /** IBM device name, e.g. ibm_fez. */
  readonly device: string;
  /** When the calibration was fetched. @defaultValue now */
  readonly fetchedAt?: Date;
  /** Keep the fractional rx/rzz gates in the basis (the backend's `fractionalGates`). */
  readonly fractionalGates?: boolean;
}

function entry(list: readonly IbmNduv[], name: string): IbmNduv | undefined {
  return list.find((item) => item.name === name);
}

function numberOf(list: readonly IbmNduv[], name: string): number | undefined {
  const value = entry(list, name)?.value;
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** A duration in ns, or undefined when absent; an unknown unit is an error naming where. */
function durationNs(list: readonly IbmNduv[], name: string, where: string): number | undefined {
  const found = entry(list, name);
  if (typeof found?.value !== "number" || !Number.isFinite(found.value)) return undefined;
  const ns = toNanoseconds(found.value, found.unit ?? "ns");
  if (ns === undefined) {
    throw new QplaneError(
      "QPLANE_ERR_PROVIDER_REJECTED",
      `IBM properties: ${where}: ${name} has unknown unit "${found.unit}" (expected s, ms, us or ns)`,
    );
  }
  return ns;
}

/** The transpiler's basis from the configuration (module comment). */
function basisOf(configuration: IbmConfigurationJson, fractional: boolean): GateName[] {
  const listed = Array.isArray(configuration.basis_gates) ? configuration.basis_gates : [];
  return [
    ...new Set(
      listed.filter(
        (name): name is GateName =>
          typeof name === "string" &&
          isGateName(name) &&
          name !== "id" &&
          (fractional || !FRACTIONAL_GATES.has(name)),
      ),
    ),
  ];
}

function qubitCalibration(list: readonly IbmNduv[], q: number): QubitCalibration {
  const p1Given0 = numberOf(list, "prob_meas1_prep0");
  const p0Given1 = numberOf(list, "prob_meas0_prep1");
  const mean = numberOf(list, "readout_error");
  const readout: readonly [number, number] | undefined =
    p1Given0 !== undefined && p0Given1 !== undefined
      ? [p1Given0, p0Given1]
      : mean !== undefined
        ? [mean, mean]
        : undefined;
  return {
    t1Ns: durationNs(list, "T1", `qubit ${q}`),
    t2Ns: durationNs(list, "T2", `qubit ${q}`),
    ...(readout ? { readout } : {}),
  };
}

/** The calibration of an IBM backend from its configuration and properties JSON. */
export function calibrationFromIbm(
  configuration: IbmConfigurationJson,
  properties: IbmBackendProperties,
  options: IbmCalibrationOptions,
): DeviceCalibration {
  const numQubits = configuration.n_qubits;
  if (typeof numQubits !== "number" || !Number.isInteger(numQubits) || numQubits < 1) {
    throw new QplaneError(
      "QPLANE_ERR_PROVIDER_REJECTED",
      `IBM configuration of ${options.device}: n_qubits ${String(numQubits)} is not a positive integer`,
    );
  }
  const basisGates = basisOf(configuration, options.fractionalGates === true);
  const target = targetFromIbm(
    { n_qubits: numQubits, basis_gates: basisGates, coupling_map: configuration.coupling_map },
    properties,
  );
  const faulty = new Set(target.faultyQubits);
  const qubits = Array.from({ length: numQubits }, (_, q) =>
    faulty.has(q) ? {} : qubitCalibration(properties.qubits?.[q] ?? [], q),
  );
  const gates: GateCalibration[] = [];
  for (const { gate: name, qubits: operands, parameters } of properties.gates ?? []) {
    if (!isGateName(name) || !basisGates.includes(name)) continue;
    if (operands.length !== GATES[name].qubitCount) continue;
    if (operands.some((q) => !(q >= 0 && q < numQubits) || faulty.has(q))) continue;
    const operational = entry(parameters, "operational")?.value;
    if (operational === false || operational === 0) continue;
    const where = `gate ${name} on [${operands.join(", ")}]`;
    gates.push({
      name,
      qubits: [...operands],
      error: numberOf(parameters, "gate_error"),
      durationNs: durationNs(parameters, "gate_length", where),
    });
  }
  return {
    source: "ibm",
    device: options.device,
    fetchedAt: (options.fetchedAt ?? new Date()).toISOString(),
    numQubits,
    basisGates,
    couplingMap: target.couplingMap,
    faultyQubits: target.faultyQubits ?? [],
    reportedErrors: {
      readout: target.readoutError ?? [],
      twoQubit: target.twoQubitError ?? {},
    },
    qubits,
    gates,
    notes: [],
  };
}

/** Where and as whom to fetch an IBM calibration (a backends-file `ibm` entry's fields). */
export interface IbmCalibrationSource extends IbmCalibrationOptions {
  readonly instanceCrn: string;
  readonly apiKey: string;
  readonly baseUrl?: string;
  readonly iamUrl?: string;
  readonly retry?: RetryOptions;
}

/** Fetches the device's configuration and latest properties and reads its calibration. */
export async function fetchIbmCalibration(
  source: IbmCalibrationSource,
  signal?: AbortSignal,
): Promise<DeviceCalibration> {
  const client = new IbmRuntimeClient({
    instanceCrn: source.instanceCrn,
    tokens: new IamTokenSource({ apiKey: source.apiKey, iamUrl: source.iamUrl }),
    baseUrl: source.baseUrl,
    retry: source.retry,
  });
  const fetchedAt = source.fetchedAt ?? new Date();
  const [configuration, properties] = await Promise.all([
    client.backendConfiguration<IbmConfigurationJson>(source.device, { signal }),
    client.backendProperties<IbmBackendProperties>(source.device, { signal }),
  ]);
  if (typeof properties !== "object" || properties === null) {
    throw new QplaneError(
      "QPLANE_ERR_PROVIDER_REJECTED",
      `IBM properties of ${source.device}: expected a JSON object, got ${typeof properties}`,
    );
  }
  return calibrationFromIbm(configuration, properties, { ...source, fetchedAt });
}
