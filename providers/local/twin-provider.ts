/**
 * A *twin*: the noisy local simulator set up as one device, from its calibration
 * (calibration-source.ts). Jobs name it like any backend.
 *
 * The twin of an IBM device runs each circuit as the hardware would receive it: transpiled
 * for the snapshot's target (same basis, coupling map, faulty qubits and reported errors, so
 * the same layout, SWAPs and ISA gates as TranspilingIbmProvider would submit), then
 * compacted to the physical qubits it touches (src/circuits/compact.ts) with the device's
 * noise renumbered to match (noise-remap.ts); so every gate gets the noise of the physical
 * qubits it lands on. One NoisyLocalProvider serves each set of touched qubits.
 *
 * The twin of a Braket device runs circuits as written (Braket compiles on the device, and
 * qplane does not reproduce its compiler): circuit qubit k carries device qubit k's noise.
 *
 * Transpilation is kept per circuit and calibration (a refreshed calibration prepares
 * circuits afresh). It runs in this thread, like the simulation after it: the thread pool
 * (src/compute) sits above this folder in the layers (docs/architecture.md).
 */
import { compactIdleQubits } from "../../src/circuits/compact.js";
import type { Circuit } from "../../src/circuits/ir.js";
import type { ParameterRowsInput } from "../../src/circuits/parameters.js";
import {
  circuitDepth,
  countTwoQubitGates,
  type Target,
  type TranspileResult,
  transpile,
} from "../../src/circuits/transpile/index.js";
import { QplaneError } from "../../src/errors/catalogue.js";
import type {
  ExecutionConfig,
  ExecutionEstimate,
  JobHandle,
  MatrixShape,
  Provider,
  ProviderCapabilities,
  ProviderStatus,
} from "../types.js";
import { calibrationTarget, type LoadedCalibration } from "./calibration-snapshot.js";
import type { CalibrationSource } from "./calibration-source.js";
import { remapNoiseModel } from "./noise-remap.js";
import { NoisyLocalProvider } from "./noisy-provider.js";
import { localCapabilities } from "./provider.js";

export interface TwinProviderOptions {
  readonly calibration: CalibrationSource;
  /** Largest circuit simulated (after compaction). @defaultValue the noisy provider's */
  readonly maxQubits?: number;
}

/** A circuit ready for the noisy simulator, and the simulator with the matching noise. */
interface Prepared {
  readonly transpiled: TranspileResult;
  readonly circuit: Circuit;
  readonly noisy: NoisyLocalProvider;
}

/** What is built once per calibration. */
interface CalibrationState {
  readonly target: Target;
  readonly prepared: WeakMap<Circuit, Promise<Prepared>>;
  /** Noisy providers by touched physical qubits ("3,5,6"). */
  readonly providers: Map<string, NoisyLocalProvider>;
}

/** The device as capabilities and messages name it. */
function deviceLabel({ snapshot }: LoadedCalibration): string {
  return `twin of ${snapshot.device} (calibration ${snapshot.fetchedAt})`;
}

/** A circuit run as written, described as the transpiler would describe it. */
function untranspiled(circuit: Circuit): TranspileResult {
  const identity = Array.from({ length: circuit.numQubits }, (_, q) => q);
  return {
    circuit,
    layout: identity,
    finalLayout: identity,
    swaps: 0,
    depth: circuitDepth(circuit),
    twoQubitGates: countTwoQubitGates(circuit),
  };
}

export class TwinProvider implements Provider {
  /** Simulated here under noise: priced by the density matrix or trajectories. */
  readonly noisySimulation = true as const;
  private readonly states = new WeakMap<LoadedCalibration, CalibrationState>();

  constructor(private readonly options: TwinProviderOptions) {}

  private state(loaded: LoadedCalibration): CalibrationState {
    let state = this.states.get(loaded);
    if (state === undefined) {
      state = {
        target: calibrationTarget(loaded.snapshot),
        prepared: new WeakMap(),
        providers: new Map(),
      };
      this.states.set(loaded, state);
    }
    return state;
  }

  private noisyFor(loaded: LoadedCalibration, qubits: readonly number[] | null) {
    const { providers } = this.state(loaded);
    const key = qubits === null ? "all" : qubits.join(",");
    let noisy = providers.get(key);
    if (noisy === undefined) {
      noisy = new NoisyLocalProvider({
        device: deviceLabel(loaded),
        noise: qubits === null ? loaded.noise : remapNoiseModel(loaded.noise, qubits),
        maxQubits: this.options.maxQubits,
      });
      providers.set(key, noisy);
    }
    return noisy;
  }

  private async prepareFresh(circuit: Circuit, loaded: LoadedCalibration): Promise<Prepared> {
    const { snapshot } = loaded;
    if (snapshot.source !== "ibm") {
      if (circuit.numQubits > snapshot.numQubits) {
        throw new QplaneError(
          "QPLANE_ERR_PROVIDER_CIRCUIT",
          `the circuit uses ${circuit.numQubits} qubits; ${snapshot.device} has ${snapshot.numQubits}`,
        );
      }
      return { transpiled: untranspiled(circuit), circuit, noisy: this.noisyFor(loaded, null) };
    }
    const transpiled = transpile(circuit, this.state(loaded).target);
    const compact = compactIdleQubits(transpiled.circuit);
    return { transpiled, circuit: compact.circuit, noisy: this.noisyFor(loaded, compact.qubits) };
  }

  /** The circuit prepared for the current calibration (shared by concurrent callers). */
  private async prepare(circuit: Circuit): Promise<Prepared> {
    const loaded = await this.options.calibration.current();
    const { prepared } = this.state(loaded);
    let result = prepared.get(circuit);
    if (result === undefined) {
      result = this.prepareFresh(circuit, loaded);
      prepared.set(circuit, result);
      // a failure (a circuit too large for the device) is not kept
      result.catch(() => prepared.delete(circuit));
    }
    return result;
  }

  /** The circuit as the twin runs it: transpiled for IBM twins, as written for Braket's. */
  async transpile(circuit: Circuit): Promise<TranspileResult> {
    return (await this.prepare(circuit)).transpiled;
  }

  async capabilities(): Promise<ProviderCapabilities> {
    const loaded = await this.options.calibration.current();
    // circuits are transpiled (IBM) or run as written (Braket): any gate, any pair
    return localCapabilities(deviceLabel(loaded), loaded.snapshot.numQubits);
  }

  async run(
    circuit: Circuit,
    rows: ParameterRowsInput,
    config: ExecutionConfig,
  ): Promise<JobHandle> {
    const { circuit: simulated, noisy } = await this.prepare(circuit);
    return noisy.run(simulated, rows, config);
  }

  async estimate(
    circuit: Circuit,
    shape: MatrixShape,
    config: ExecutionConfig,
  ): Promise<ExecutionEstimate> {
    const { circuit: simulated, noisy } = await this.prepare(circuit);
    return noisy.estimate(simulated, shape, config);
  }

  /** Not operational while no calibration can be had (the file or the first fetch failed). */
  async status(): Promise<ProviderStatus> {
    try {
      const loaded = await this.options.calibration.current();
      return { operational: true, message: deviceLabel(loaded), queueLength: 0 };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { operational: false, message: `no calibration: ${reason}`, queueLength: 0 };
    }
  }
}
