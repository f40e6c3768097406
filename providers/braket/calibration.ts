/**
 * An Amazon Braket device's calibration (src/circuits/calibration.ts) from GetDevice's
 * standardized properties (`deviceCapabilities.standardized`, schema
 * braket.device_schema.standardized_gate_model_qpu_device_properties), which gate-based
 * QPUs such as Rigetti's and IQM's publish:
 *
 *   oneQubitProperties {"0": {T1, T2: {value, unit}, oneQubitFidelity: [{fidelityType:
 *     {name: "RANDOMIZED_BENCHMARKING" | "SIMULTANEOUS_RANDOMIZED_BENCHMARKING" | "READOUT"},
 *     fidelity}]}},
 *   twoQubitProperties {"0-1": {twoQubitGateFidelity: [{gateName: "CZ", fidelity, …}]}}
 *
 * Newer devices give device-wide values instead (T1, T2, ReadoutFidelity,
 * TwoQubitGateFidelity, SingleQubitGateDuration, TwoQubitGateDuration); those apply to every
 * qubit or pair without its own entry.
 *
 * Fidelities are average gate fidelities F̄, so a gate's error is 1 − F̄ (the noise model then
 * treats it like IBM's gate_error). A Braket twin runs the circuit as written (Braket compiles it on
 * the device; qplane does not reproduce that compiler), so the noise attaches to the
 * circuit's own gates: a qubit's one-qubit fidelity (simultaneous RB preferred: it includes
 * crosstalk) to every one-qubit gate on it, a pair's best two-qubit fidelity to every
 * two-qubit gate on it in either order, READOUT fidelity as symmetric readout error 1 − F̄.
 * Thermal relaxation needs gate durations; most devices publish none, and then the noise
 * model has no relaxation (the depolarizing probability carries the whole reported error).
 * A device that publishes no fidelities (simulators, many ion-trap devices) is refused.
 */
import { GetDeviceCommand } from "@aws-sdk/client-braket";
import {
  type DeviceCalibration,
  type GateCalibration,
  type QubitCalibration,
  toNanoseconds,
} from "../../src/circuits/calibration.js";
import { GATE_NAMES, GATES } from "../../src/circuits/gates.js";
import { QplaneError } from "../../src/errors/catalogue.js";
import { directlySupported } from "./decompose.js";
import { parseDevice } from "./device.js";
import { mapBraketError } from "./errors.js";
import { BraketProvider, type BraketProviderOptions } from "./provider.js";

type Json = Record<string, unknown>;

const object = (value: unknown): Json =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : {};
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

interface Fidelity {
  readonly type: string;
  readonly fidelity: number;
}

function fidelities(value: unknown): Fidelity[] {
  return list(value).flatMap((entry) => {
    const { fidelity, fidelityType } = object(entry);
    if (typeof fidelity !== "number" || !(fidelity >= 0 && fidelity <= 1)) return [];
    const type = object(fidelityType).name;
    return [{ type: typeof type === "string" ? type.toUpperCase() : "", fidelity }];
  });
}

/** The gate fidelity to use: simultaneous RB, then plain RB, then any non-readout kind. */
function gateFidelity(entries: readonly Fidelity[]): number | undefined {
  const gates = entries.filter((entry) => entry.type !== "READOUT");
  for (const kind of ["SIMULTANEOUS_RANDOMIZED_BENCHMARKING", "RANDOMIZED_BENCHMARKING"]) {
    const found = gates.find((entry) => entry.type === kind);
    if (found) return found.fidelity;
  }
  return gates[0]?.fidelity;
}

const readoutFidelity = (entries: readonly Fidelity[]): number | undefined =>
  entries.find((entry) => entry.type === "READOUT")?.fidelity;

/** A {value, unit} duration in ns; undefined when absent or not a positive time. */
function nanoseconds(value: unknown): number | undefined {
  const { value: amount, unit } = object(value);
  if (typeof amount !== "number" || !(amount > 0)) return undefined;
  return toNanoseconds(amount, typeof unit === "string" ? unit : "s");
}

const ONE_QUBIT_GATES = GATE_NAMES.filter((name) => GATES[name].qubitCount === 1);
const TWO_QUBIT_GATES = GATE_NAMES.filter((name) => GATES[name].qubitCount === 2);

export interface GetDeviceResponse {
  readonly deviceArn?: string;
  readonly deviceName?: string;
  readonly deviceStatus?: string;
  readonly deviceType?: string;
  readonly deviceCapabilities?: unknown;
}

/** The calibration of a Braket device from its GetDevice response (module comment). */
export function calibrationFromBraket(
  response: GetDeviceResponse,
  fetchedAt: Date = new Date(),
): DeviceCalibration {
  const device = parseDevice(response);
  const standardized = object(object(JSON.parse(String(response.deviceCapabilities))).standardized);
  const oneQubit = object(standardized.oneQubitProperties);
  const twoQubit = object(standardized.twoQubitProperties);
  const labels = Object.keys(oneQubit)
    .filter((key) => /^\d+$/.test(key))
    .map(Number);
  const pairs = Object.keys(twoQubit).flatMap((key) => {
    const match = /^(\d+)-(\d+)$/.exec(key);
    return match ? [[Number(match[1]), Number(match[2]), key] as const] : [];
  });
  const deviceReadout = readoutFidelity(fidelities(standardized.ReadoutFidelity));
  const deviceTwoQubit = gateFidelity(fidelities(standardized.TwoQubitGateFidelity));
  const oneQubitFidelities = (q: number) => fidelities(object(oneQubit[q]).oneQubitFidelity);
  const anyFidelity =
    labels.some((q) => oneQubitFidelities(q).length > 0) ||
    pairs.some(([, , key]) => fidelities(object(twoQubit[key]).twoQubitGateFidelity).length > 0) ||
    deviceReadout !== undefined ||
    deviceTwoQubit !== undefined;
  if (!anyFidelity) {
    throw new QplaneError(
      "QPLANE_ERR_PROVIDER_CIRCUIT",
      `Braket device ${device.name} (${device.arn}) publishes no fidelities (deviceCapabilities.standardized has no oneQubitProperties/twoQubitProperties fidelities), so no noise model can be built from it; only gate-based QPUs that publish calibration data (e.g. Rigetti, IQM) can have a twin`,
    );
  }
  const numQubits = Math.max(
    device.qubitCount,
    ...labels.map((q) => q + 1),
    ...pairs.map(([a, b]) => Math.max(a, b) + 1),
  );
  const oneQubitNs = nanoseconds(standardized.SingleQubitGateDuration);
  const twoQubitNs = nanoseconds(standardized.TwoQubitGateDuration);
  const qubits = Array.from({ length: numQubits }, (_, q): QubitCalibration => {
    const properties = object(oneQubit[q]);
    const readout = readoutFidelity(oneQubitFidelities(q)) ?? deviceReadout;
    const t1Ns = nanoseconds(properties.T1) ?? nanoseconds(standardized.T1);
    const t2Ns = nanoseconds(properties.T2) ?? nanoseconds(standardized.T2);
    return {
      ...(t1Ns !== undefined ? { t1Ns } : {}),
      ...(t2Ns !== undefined ? { t2Ns } : {}),
      ...(readout !== undefined ? { readout: [1 - readout, 1 - readout] as const } : {}),
    };
  });
  const gates: GateCalibration[] = [];
  for (const q of labels) {
    const fidelity = gateFidelity(oneQubitFidelities(q));
    if (fidelity === undefined) continue;
    for (const name of ONE_QUBIT_GATES) {
      gates.push({ name, qubits: [q], error: 1 - fidelity, durationNs: oneQubitNs });
    }
  }
  // a pair's best two-qubit fidelity: the gate Braket's compiler would use for it
  const pairFidelity = new Map<string, number>();
  for (const [a, b, key] of pairs) {
    const kinds = fidelities(object(twoQubit[key]).twoQubitGateFidelity);
    const best = kinds.filter((kind) => kind.type !== "READOUT").map((kind) => kind.fidelity);
    if (best.length > 0) pairFidelity.set(`${a},${b}`, Math.max(...best));
  }
  // all-to-all devices (null coupling map): every pair, so device-wide values reach them all
  const coupled =
    device.couplingMap ??
    Array.from({ length: numQubits }, (_, a) =>
      Array.from({ length: a }, (_, b) => [b, a] as const),
    ).flat();
  const done = new Set<string>();
  for (const [a, b] of coupled) {
    const fidelity =
      pairFidelity.get(`${a},${b}`) ?? pairFidelity.get(`${b},${a}`) ?? deviceTwoQubit;
    if (fidelity === undefined) continue;
    for (const [x, y] of [
      [a, b],
      [b, a],
    ]) {
      if (done.has(`${x},${y}`)) continue;
      done.add(`${x},${y}`);
      for (const name of TWO_QUBIT_GATES) {
        gates.push({ name, qubits: [x!, y!], error: 1 - fidelity, durationNs: twoQubitNs });
      }
    }
  }
  return {
    source: "braket",
    device: device.arn,
    fetchedAt: fetchedAt.toISOString(),
    numQubits,
    basisGates: [...directlySupported(device.supportedOperations)],
    couplingMap: device.couplingMap,
    faultyQubits: [],
    reportedErrors: {
      readout: qubits.map((qubit) => qubit.readout?.[0] ?? 0),
      twoQubit: Object.fromEntries([...pairFidelity].map(([key, f]) => [key, 1 - f])),
    },
    qubits,
    gates,
    notes:
      oneQubitNs === undefined && twoQubitNs === undefined
        ? ["no gate durations published: no thermal relaxation in the model"]
        : [],
  };
}

/** Fetches the device (GetDevice) and builds its snapshot. */
export async function fetchBraketCalibration(
  options: BraketProviderOptions,
  fetchedAt: Date = new Date(),
): Promise<DeviceCalibration> {
  const { braket } = new BraketProvider(options);
  let response: GetDeviceResponse;
  try {
    response = await braket.send(new GetDeviceCommand({ deviceArn: options.deviceArn }));
  } catch (error) {
    throw mapBraketError(error, `GetDevice ${options.deviceArn}`);
  }
  return calibrationFromBraket(response, fetchedAt);
}
