/**
 * A noisy local simulator behind the provider interface: the circuit runs under a fixed
 * noise model (noise-model.ts), as a device's twin would. Exact probabilities (shots = 0) come
 * from the density matrix and exist up to DENSITY_MAX_QUBITS (12); shots come from the density
 * matrix or seeded quantum trajectories, whichever costs less (`noisyMethod`; trajectories
 * alone above that limit, up to `maxQubits`; density-simulator.ts, trajectories.ts). Runs are paced like LocalProvider's: the event loop
 * gets a turn between chunks of work (within a row when rows are large), and a run stops with
 * QPLANE_ERR_RUN_CANCELLED at the first pause after `config.signal` aborts.
 *
 * `prepareCircuit` maps the circuit as submitted to the circuit simulated (a twin transpiles
 * for its device and compacts the qubits touched, so the noise model's per-qubit entries must
 * index the prepared circuit's qubits). It is called once per circuit (cached: circuits are
 * immutable, and training runs the same one every step); limits apply to the prepared
 * circuit. No derivatives and no statevectors are offered: gradients of a noisy model go
 * through parameter shift or SPSA on its probabilities or counts.
 */
import type { Circuit } from "../../src/circuits/ir.js";
import {
  checkParameterShape,
  type ParameterRowsInput,
  toParameterMatrix,
} from "../../src/circuits/parameters.js";
import {
  type CircuitCounts,
  type ExecutionConfig,
  type ExecutionEstimate,
  type JobHandle,
  type MatrixShape,
  type Provider,
  type ProviderCapabilities,
  type ProviderStatus,
  throwIfCancelled,
} from "../types.js";
import {
  checkDensityQubitLimit,
  pacedNoisyCounts,
  pacedNoisyProbabilities,
} from "./density-simulator.js";
import type { NoiseModel } from "./noise-model.js";
import { resolveNoise } from "./noise-plan.js";
import { completedRun, localCapabilities, priced } from "./provider.js";
import { checkQubitLimit, checkShots, DEFAULT_MAX_QUBITS } from "./simulator.js";

export interface NoisyLocalProviderOptions {
  /** Name reported as the device (e.g. the twin's backend name). */
  readonly device: string;
  readonly noise: NoiseModel;
  /** Largest prepared circuit accepted for shots (trajectories). @defaultValue 24 */
  readonly maxQubits?: number;
  /** Maps a submitted circuit to the one simulated (module comment). @defaultValue identity */
  readonly prepareCircuit?: (circuit: Circuit) => Promise<Circuit>;
}

export class NoisyLocalProvider implements Provider {
  /** Simulated here under noise: priced by the density matrix or trajectories. */
  readonly noisySimulation = true as const;
  private readonly options: NoisyLocalProviderOptions;
  private readonly preparedCircuits = new WeakMap<Circuit, Promise<Circuit>>();

  constructor(options: NoisyLocalProviderOptions) {
    this.options = Object.freeze({ ...options });
    // refuses a maxQubits outside 1..HARD_MAX_QUBITS now, not at the first run
    checkQubitLimit({ numQubits: 0, numClbits: 0 }, options.maxQubits);
  }

  async capabilities(): Promise<ProviderCapabilities> {
    return localCapabilities(this.options.device, this.options.maxQubits ?? DEFAULT_MAX_QUBITS);
  }

  /** The prepared circuit, once per submitted circuit; a failed preparation is not kept. */
  private prepare(circuit: Circuit): Promise<Circuit> {
    const { prepareCircuit } = this.options;
    if (prepareCircuit === undefined) return Promise.resolve(circuit);
    let prepared = this.preparedCircuits.get(circuit);
    if (prepared === undefined) {
      prepared = prepareCircuit(circuit);
      this.preparedCircuits.set(circuit, prepared);
      prepared.catch(() => this.preparedCircuits.delete(circuit));
    }
    return prepared;
  }

  /** Refuses what the simulators cannot run, before any compute is spent. */
  private validate(circuit: CircuitCounts, config: ExecutionConfig): void {
    checkQubitLimit(circuit, this.options.maxQubits);
    // exact probabilities need the density matrix; its error names shots = 0
    if (config.shots === 0) checkDensityQubitLimit(circuit);
    else checkShots(config.shots);
  }

  async run(
    circuit: Circuit,
    rows: ParameterRowsInput,
    config: ExecutionConfig,
  ): Promise<JobHandle> {
    throwIfCancelled(config.signal);
    const prepared = await this.prepare(circuit);
    this.validate(prepared, config);
    const matrix = toParameterMatrix(prepared, rows);
    const { noise, maxQubits } = this.options;
    return completedRun(
      config,
      () => pacedNoisyProbabilities(prepared, matrix, noise),
      (sampling) => pacedNoisyCounts(prepared, matrix, noise, sampling, { maxQubits }),
    );
  }

  async estimate(
    circuit: Circuit,
    shape: MatrixShape,
    config: ExecutionConfig,
  ): Promise<ExecutionEstimate> {
    const prepared = await this.prepare(circuit);
    this.validate(prepared, config);
    checkParameterShape(prepared, shape);
    resolveNoise(this.options.noise, prepared); // its per-qubit lists cover the circuit
    return priced(shape, config);
  }

  /**
   * One submission of `shape.rows` circuits, free; the counts are those submitted (a
   * preparation that adds qubits is only seen by {@link estimate} and `run`).
   */
  async estimateCounts(
    circuit: CircuitCounts,
    shape: MatrixShape,
    config: ExecutionConfig,
  ): Promise<ExecutionEstimate> {
    this.validate(circuit, config);
    return priced(shape, config);
  }

  async status(): Promise<ProviderStatus> {
    return {
      operational: true,
      message: `local noisy simulator (${this.options.device})`,
      queueLength: 0,
    };
  }
}
