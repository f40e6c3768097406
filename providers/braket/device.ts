/**
 * Amazon Braket device capabilities: the parts of GetDevice's `deviceCapabilities` JSON
 * (braket.device_schema) that qplane uses to plan and validate submissions.
 */
import { GATE_NAMES, type GateName } from "../../src/circuits/gates.js";
import { QplaneError } from "../../src/errors/catalogue.js";
import { BRAKET_GATE_NAMES } from "./gates.js";

export const OPENQASM_PROGRAM = "braket.ir.openqasm.program";
export const OPENQASM_PROGRAM_SET = "braket.ir.openqasm.program_set";

export interface ProgramSetLimits {
  readonly maximumExecutables: number;
  readonly maximumTotalShots: number;
  readonly minimumTotalShots: number;
}

export interface BraketDevice {
  readonly arn: string;
  readonly name: string;
  /** ONLINE, OFFLINE or RETIRED. */
  readonly status: string;
  /** QPU or SIMULATOR. */
  readonly type: string;
  readonly qubitCount: number;
  /** Undirected coupled pairs as listed (both directions when listed so); null = all-to-all. */
  readonly couplingMap: readonly (readonly [number, number])[] | null;
  readonly supportedOperations: readonly string[];
  readonly shotsRange: readonly [number, number];
  /** Null when the device has no `braket.ir.openqasm.program_set` action. */
  readonly programSet: ProgramSetLimits | null;
  /** `service.getTaskPollIntervalMillis`, when the device gives one. */
  readonly pollIntervalMs: number | undefined;
  /** Length of the normal-priority task queue, when reported. */
  readonly queueLength: number;
}

type Json = Record<string, unknown>;

function object(value: unknown): Json {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Json)
    : {};
}

function finiteOr(value: unknown, fallback: number): number {
  const number = typeof value === "string" ? Number.parseInt(value.replace(/\D/g, ""), 10) : value;
  return typeof number === "number" && Number.isFinite(number) ? number : fallback;
}

/** Parses a GetDevice response (deviceCapabilities is a JSON string). */
export function parseDevice(response: {
  deviceArn?: string;
  deviceName?: string;
  deviceStatus?: string;
  deviceType?: string;
  deviceCapabilities?: unknown;
  deviceQueueInfo?: readonly { queue?: string; queueSize?: string; queuePriority?: string }[];
}): BraketDevice {
  let capabilities: Json;
  try {
    const raw = response.deviceCapabilities;
    capabilities = object(typeof raw === "string" ? JSON.parse(raw) : JSON.parse(String(raw)));
  } catch (error) {
    throw new QplaneError(
      "QPLANE_ERR_PROVIDER_REJECTED",
      `Braket device ${response.deviceArn}: deviceCapabilities is not JSON (${(error as Error).message})`,
    );
  }
  const action = object(capabilities.action);
  const program = object(action[OPENQASM_PROGRAM]);
  if (action[OPENQASM_PROGRAM] === undefined) {
    throw new QplaneError(
      "QPLANE_ERR_PROVIDER_CIRCUIT",
      `Braket device ${response.deviceArn} does not accept OpenQASM programs (actions: ${Object.keys(action).join(", ") || "none"}; is the user agent missing BraketSchemas/1.8.0?)`,
    );
  }
  const paradigm = object(capabilities.paradigm);
  const connectivity = object(paradigm.connectivity);
  let couplingMap: [number, number][] | null = null;
  if (connectivity.fullyConnected === false) {
    couplingMap = [];
    for (const [from, targets] of Object.entries(object(connectivity.connectivityGraph))) {
      if (!Array.isArray(targets)) continue;
      for (const to of targets) couplingMap.push([Number(from), Number(to)]);
    }
  }
  const service = object(capabilities.service);
  const range = Array.isArray(service.shotsRange) ? service.shotsRange : [1, 100_000];
  const setAction = action[OPENQASM_PROGRAM_SET];
  const set = object(setAction);
  const normalQueue = response.deviceQueueInfo?.find(
    (entry) => entry.queue === "QUANTUM_TASKS_QUEUE" && entry.queuePriority !== "Priority",
  );
  return {
    arn: response.deviceArn ?? "",
    name: response.deviceName ?? response.deviceArn ?? "",
    status: response.deviceStatus ?? "UNKNOWN",
    type: response.deviceType ?? "QPU",
    qubitCount: finiteOr(paradigm.qubitCount, 0),
    couplingMap,
    supportedOperations: Array.isArray(program.supportedOperations)
      ? program.supportedOperations.map(String)
      : [],
    shotsRange: [finiteOr(range[0], 1), finiteOr(range[1], 100_000)],
    programSet:
      setAction === undefined
        ? null
        : {
            maximumExecutables: finiteOr(set.maximumExecutables, 1),
            maximumTotalShots: finiteOr(set.maximumTotalShots, Number.MAX_SAFE_INTEGER),
            minimumTotalShots: finiteOr(set.minimumTotalShots, 0),
          },
    pollIntervalMs:
      typeof service.getTaskPollIntervalMillis === "number"
        ? service.getTaskPollIntervalMillis
        : undefined,
    queueLength: finiteOr(normalQueue?.queueSize, 0),
  };
}

/** IR gates the device runs natively (`rzz` also through `cnot`·`rz`·`cnot`). */
export function nativeIrGates(device: BraketDevice): GateName[] {
  const supported = new Set(device.supportedOperations.map((name) => name.toLowerCase()));
  return GATE_NAMES.filter((gate) => {
    const braketName = BRAKET_GATE_NAMES[gate];
    if (braketName !== null && supported.has(braketName.toLowerCase())) return true;
    return gate === "rzz" && supported.has("cnot") && supported.has("rz");
  });
}
