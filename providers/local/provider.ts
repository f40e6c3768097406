/**
 * The local statevector simulator behind the provider interface. Runs inside `run`, paced
 * (pacing.ts): the event loop gets a turn between chunks of work, and the run stops with
 * QPLANE_ERR_RUN_CANCELLED at the first pause after `config.signal` aborts. The returned
 * handle is already complete, so callers treat it exactly like a remote job.
 *
 * Register probabilities are simulated over the qubits a circuit touches only
 * ({@link compactIdleQubits}, inside `exactProbabilities`): an ISA circuit on physical
 * qubits 100..102 of a 127-qubit device runs as a 3-qubit circuit, and the qubit limit
 * applies to the touched qubits, not to the highest index.
 *
 * It declares the optional capabilities `derivatives` (adjoint differentiation of exactly the
 * probabilities `run` returns with shots 0: readout errors, when configured, included) and
 * `statevectors` (the final state before measurement, which readout errors do not touch).
 */
import { randomUUID } from "node:crypto";
import { compactIdleQubits } from "../../src/circuits/compact.js";
import { GATE_NAMES } from "../../src/circuits/gates.js";
import type { Circuit } from "../../src/circuits/ir.js";
import {
  checkParameterShape,
  type ParameterRowsInput,
  toParameterMatrix,
} from "../../src/circuits/parameters.js";
import {
  type CircuitCounts,
  type DerivativesCapability,
  type ExecutionConfig,
  type ExecutionEstimate,
  type ExecutionResult,
  type JobHandle,
  type MatrixShape,
  type Provider,
  type ProviderCapabilities,
  type ProviderStatus,
  type StatevectorsCapability,
  throwIfCancelled,
} from "../types.js";
import { pacedAdjointProbabilityGradients } from "./adjoint.js";
import { type Paced, runPaced } from "./pacing.js";
import {
  checkQubitLimit,
  checkShots,
  DEFAULT_MAX_QUBITS,
  DEFAULT_MAX_SHOTS,
  meterFor,
  pacedExactProbabilities,
  pacedFinalStatevector,
  pacedSampledCounts,
  type RegisterCounts,
  type RegisterProbabilities,
  type SamplingOptions,
  type SimulatorOptions,
} from "./simulator.js";

export interface LocalProviderOptions extends SimulatorOptions {
  /** Name reported as the device. @defaultValue "statevector" */
  readonly device?: string;
}

/**
 * What every local simulator offers (the statevector, noisy and twin providers): any gate on
 * any pair, exact probabilities, batched parameter rows; they differ only in the device name,
 * the largest circuit and the most shots.
 */
export function localCapabilities(
  device: string,
  numQubits: number,
  maxShots: number = DEFAULT_MAX_SHOTS,
): ProviderCapabilities {
  return {
    provider: "local",
    device,
    numQubits,
    nativeGates: GATE_NAMES,
    couplingMap: null,
    exactProbabilities: true,
    minShots: 1,
    maxShots,
    batchesParameterRows: true,
  };
}

/** The handle of a run computed in process: already complete (shared by the local providers). */
/**
 * Runs, paced and cancellable by `config.signal`, the exact probabilities (shots = 0) or
 * the counts sampled as `config` asks: what every local simulator's `run` ends with.
 */
export async function completedRun(
  config: ExecutionConfig,
  exact: () => Paced<RegisterProbabilities>,
  sampled: (sampling: SamplingOptions) => Paced<RegisterCounts>,
): Promise<JobHandle> {
  if (config.shots === 0) {
    const probabilities = await runPaced(exact(), config.signal);
    return completedHandle({ kind: "probabilities", ...probabilities });
  }
  const sampling = { shots: config.shots, seed: config.seed, rng: config.rng };
  const counts = await runPaced(sampled(sampling), config.signal);
  return completedHandle({ kind: "counts", ...counts });
}

export function completedHandle(result: ExecutionResult): JobHandle {
  return {
    id: `local-${randomUUID()}`,
    status: async () => "completed",
    result: async () => result,
    cancel: async () => {},
  };
}

/** A local run: one submission of every row, free (shared by the local providers). */
export function priced(shape: MatrixShape, config: ExecutionConfig): ExecutionEstimate {
  return {
    submissions: 1,
    circuits: shape.rows,
    totalShots: shape.rows * config.shots,
    estimatedCostUsd: 0,
  };
}

export class LocalProvider implements Provider {
  private readonly options: LocalProviderOptions;
  readonly derivatives: DerivativesCapability;
  readonly statevectors: StatevectorsCapability;

  constructor(options: LocalProviderOptions = {}) {
    this.options = Object.freeze({ ...options });
    const { readoutError, chunkAmplitudeOperations } = this.options;
    // the gradient is of the probabilities `run` gives (readout errors included); gate fusion
    // stays at its default, as training has always differentiated
    const adjointOptions = {
      ...(readoutError ? { readoutError } : {}),
      ...(chunkAmplitudeOperations === undefined ? {} : { chunkAmplitudeOperations }),
    };
    const meter = () => meterFor(adjointOptions);
    this.derivatives = {
      meter,
      probabilityGradients: (circuit, rows, cotangentOf, workMeter) =>
        pacedAdjointProbabilityGradients(circuit, rows, cotangentOf, adjointOptions, workMeter),
    };
    // the state before measurement: readout errors act on the measurement only
    const stateOptions = chunkAmplitudeOperations === undefined ? {} : { chunkAmplitudeOperations };
    this.statevectors = {
      meter: () => meterFor(stateOptions),
      finalStatevector: (circuit, row, workMeter) =>
        pacedFinalStatevector(circuit, row, stateOptions, workMeter),
    };
  }

  async capabilities(): Promise<ProviderCapabilities> {
    return localCapabilities(
      this.options.device ?? "statevector",
      this.options.maxQubits ?? DEFAULT_MAX_QUBITS,
      this.options.maxShots ?? DEFAULT_MAX_SHOTS,
    );
  }

  /** Validates everything a run needs before any compute is spent. */
  private validate(circuit: Circuit, rows: ParameterRowsInput, config: ExecutionConfig) {
    this.validateCircuit(circuit, config);
    return toParameterMatrix(circuit, rows);
  }

  private validateCircuit(circuit: Circuit, config: ExecutionConfig): void {
    // the limit applies to the qubits actually simulated (see module comment); a circuit
    // within it as written needs no compaction (a pass over its gates) to tell
    const limit = this.options.maxQubits ?? DEFAULT_MAX_QUBITS;
    const within = Math.max(circuit.numQubits, circuit.numClbits) <= limit;
    checkQubitLimit(within ? circuit : compactIdleQubits(circuit).circuit, this.options.maxQubits);
    if (config.shots !== 0) checkShots(config.shots, this.options.maxShots);
  }

  async run(
    circuit: Circuit,
    rows: ParameterRowsInput,
    config: ExecutionConfig,
  ): Promise<JobHandle> {
    throwIfCancelled(config.signal);
    const matrix = this.validate(circuit, rows, config);
    return completedRun(
      config,
      () => pacedExactProbabilities(circuit, matrix, this.options),
      (sampling) => pacedSampledCounts(circuit, matrix, sampling, this.options),
    );
  }

  async estimate(
    circuit: Circuit,
    shape: MatrixShape,
    config: ExecutionConfig,
  ): Promise<ExecutionEstimate> {
    this.validateCircuit(circuit, config);
    checkParameterShape(circuit, shape);
    return priced(shape, config);
  }

  /** One submission of `shape.rows` circuits, free; every qubit counted as simulated. */
  async estimateCounts(
    circuit: CircuitCounts,
    shape: MatrixShape,
    config: ExecutionConfig,
  ): Promise<ExecutionEstimate> {
    checkQubitLimit(circuit, this.options.maxQubits);
    if (config.shots !== 0) checkShots(config.shots, this.options.maxShots);
    return priced(shape, config);
  }

  async status(): Promise<ProviderStatus> {
    return { operational: true, message: "local simulator", queueLength: 0 };
  }
}
