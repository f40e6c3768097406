/**
 * Amazon Braket device capabilities: the parts of GetDevice's `deviceCapabilities` JSON
 * (braket.device_schema) that qplane uses to plan and validate submissions.
 */
import type { GateName } from "../../src/circuits/gates.js";
import { QplaneError } from "../../src/errors/catalogue.js";
import { directlySupported } from "./decompose.js";

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
  /**
   * Qubit indices named by the connectivity graph (keys and neighbours, sorted); null when
   * fully connected. Devices may skip indices or start at 1 (IQM), so this is not 0..n−1.
   */
  readonly graphQubits: readonly number[] | null;
  readonly supportedOperations: readonly string[];
  readonly shotsRange: readonly [number, number];
  /**
   * Whether shots = 0 (exact results) is accepted with a probability result type: the
   * service's shotsRange starts at 0 and the `Probability` result type allows minShots 0.
   */
  readonly exactProbabilities: boolean;
  /** Programs may address physical qubits (`$k`). */
  readonly supportsPhysicalQubits: boolean;
  /** Qubit indices a program uses must be 0..n−1 without gaps (simulators). */
  readonly requiresContiguousQubitIndices: boolean;
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
  let graphQubits: number[] | null = null;
  if (connectivity.fullyConnected === false) {
    couplingMap = [];
    const nodes = new Set<number>();
    for (const [from, targets] of Object.entries(object(connectivity.connectivityGraph))) {
      nodes.add(Number(from));
      if (!Array.isArray(targets)) continue;
      for (const to of targets) {
        couplingMap.push([Number(from), Number(to)]);
        nodes.add(Number(to));
      }
    }
    graphQubits = [...nodes].filter(Number.isInteger).sort((a, b) => a - b);
  }
  const service = object(capabilities.service);
  const range = Array.isArray(service.shotsRange) ? service.shotsRange : [1, 100_000];
  const shotsRange: [number, number] = [finiteOr(range[0], 1), finiteOr(range[1], 100_000)];
  const probability = (
    Array.isArray(program.supportedResultTypes) ? program.supportedResultTypes : []
  )
    .map(object)
    .find((resultType) => String(resultType.name).toLowerCase() === "probability");
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
    graphQubits,
    supportedOperations: Array.isArray(program.supportedOperations)
      ? program.supportedOperations.map(String)
      : [],
    shotsRange,
    exactProbabilities:
      shotsRange[0] === 0 && probability !== undefined && finiteOr(probability.minShots, 1) === 0,
    supportsPhysicalQubits: program.supportPhysicalQubits === true,
    requiresContiguousQubitIndices: program.requiresContiguousQubitIndices === true,
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

/**
 * IR gates the device runs as one Braket gate of its `supportedOperations`; the others are
 * decomposed before submission (decompose.ts).
 */
export function nativeIrGates(device: BraketDevice): GateName[] {
  return [...directlySupported(device.supportedOperations)];
}
