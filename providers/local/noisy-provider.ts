/**
 * STAND-IN for H8's NoisyLocalProvider (same constructor options), so the twin code compiles
 * and its tests run on this branch; the lead replaces this file with H8's. It runs the exact
 * density-matrix simulator only (no trajectories), unpaced.
 */
import { randomUUID } from "node:crypto";
import { GATE_NAMES } from "../../src/circuits/gates.js";
import type { Circuit } from "../../src/circuits/ir.js";
import { checkParameterShape, type ParameterRowsInput } from "../../src/circuits/parameters.js";
import {
  type ExecutionConfig,
  type ExecutionEstimate,
  type ExecutionResult,
  type JobHandle,
  type MatrixShape,
  type Provider,
  type ProviderCapabilities,
  type ProviderStatus,
  throwIfCancelled,
} from "../types.js";
import {
  checkDensityQubitLimit,
  DENSITY_MAX_QUBITS,
  noisyCounts,
  noisyProbabilities,
} from "./density-simulator.js";
import type { NoiseModel } from "./noise-model.js";
import { checkShots, DEFAULT_MAX_SHOTS } from "./simulator.js";

export interface NoisyLocalProviderOptions {
  readonly device: string;
  readonly noise: NoiseModel;
  readonly maxQubits?: number;
  readonly prepareCircuit?: (circuit: Circuit) => Promise<Circuit>;
}

export class NoisyLocalProvider implements Provider {
  constructor(private readonly options: NoisyLocalProviderOptions) {}

  async capabilities(): Promise<ProviderCapabilities> {
    return {
      provider: "local",
      device: this.options.device,
      numQubits: this.options.maxQubits ?? DENSITY_MAX_QUBITS,
      nativeGates: GATE_NAMES,
      couplingMap: null,
      exactProbabilities: true,
      minShots: 1,
      maxShots: DEFAULT_MAX_SHOTS,
      batchesParameterRows: true,
    };
  }

  private async prepare(circuit: Circuit): Promise<Circuit> {
    const prepared = this.options.prepareCircuit
      ? await this.options.prepareCircuit(circuit)
      : circuit;
    checkDensityQubitLimit(prepared);
    return prepared;
  }

  async run(
    circuit: Circuit,
    rows: ParameterRowsInput,
    config: ExecutionConfig,
  ): Promise<JobHandle> {
    throwIfCancelled(config.signal);
    const prepared = await this.prepare(circuit);
    if (config.shots !== 0) checkShots(config.shots);
    const { noise } = this.options;
    const sampling = { shots: config.shots, seed: config.seed, rng: config.rng };
    const result: ExecutionResult =
      config.shots === 0
        ? { kind: "probabilities", ...noisyProbabilities(prepared, rows, noise) }
        : { kind: "counts", ...noisyCounts(prepared, rows, noise, sampling) };
    return {
      id: `local-${randomUUID()}`,
      status: async () => "completed",
      result: async () => result,
      cancel: async () => {},
    };
  }

  async estimate(
    circuit: Circuit,
    shape: MatrixShape,
    config: ExecutionConfig,
  ): Promise<ExecutionEstimate> {
    checkParameterShape(await this.prepare(circuit), shape);
    return {
      submissions: 1,
      circuits: shape.rows,
      totalShots: shape.rows * config.shots,
      estimatedCostUsd: 0,
    };
  }

  async status(): Promise<ProviderStatus> {
    return { operational: true, message: this.options.device, queueLength: 0 };
  }
}
