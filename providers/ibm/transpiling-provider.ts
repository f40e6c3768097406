/**
 * IBM backends need ISA circuits: this provider transpiles each (immutable) circuit once
 * for the device's current target (basis, coupling map, calibration from
 * /configuration + /properties) and hands the ISA circuit to the IBM provider. The
 * transpiler keeps the parameter columns and the classical register, so the same parameter
 * matrix binds and the counts mean the same outcomes.
 */
import type { Circuit } from "../../src/circuits/ir.js";
import type { ParameterRowsInput } from "../../src/circuits/parameters.js";
import {
  type IbmBackendProperties,
  type Target,
  type TranspileResult,
  targetFromIbm,
} from "../../src/circuits/transpile/index.js";
import { describeCircuit, runOffThread } from "../../src/compute/off-thread.js";
import type {
  ExecutionConfig,
  ExecutionEstimate,
  JobHandle,
  MatrixShape,
  Provider,
  ProviderCapabilities,
  ProviderStatus,
  RunScope,
} from "../types.js";
import type { IbmProvider } from "./provider.js";

export class TranspilingIbmProvider implements Provider {
  private target: Promise<Target> | undefined;
  /** Per circuit, the transpilation (in flight or done), so concurrent callers share one. */
  private readonly transpiled = new WeakMap<Circuit, Promise<TranspileResult>>();

  constructor(private readonly ibm: IbmProvider) {}

  capabilities(): Promise<ProviderCapabilities> {
    return this.ibm.capabilities();
  }

  status(): Promise<ProviderStatus> {
    return this.ibm.status();
  }

  /** The device's target, fetched once per provider (calibration changes need a new one). */
  private async deviceTarget(): Promise<Target> {
    this.target ??= (async () => {
      const capabilities = await this.ibm.capabilities();
      const properties = (await this.ibm.properties()) as IbmBackendProperties;
      return targetFromIbm(
        {
          n_qubits: capabilities.numQubits,
          basis_gates: [...capabilities.nativeGates],
          coupling_map: (capabilities.couplingMap ?? []).map(([a, b]) => [a, b]),
        },
        properties,
      );
    })();
    return this.target.catch((error: unknown) => {
      this.target = undefined;
      throw error;
    });
  }

  /**
   * The ISA version of a circuit, with its layout, depth and two-qubit gate count, computed
   * in a worker thread (seconds for deep circuits: see `src/compute/off-thread.ts`).
   */
  transpile(circuit: Circuit): Promise<TranspileResult> {
    let result = this.transpiled.get(circuit);
    if (result === undefined) {
      result = this.deviceTarget().then((target) =>
        runOffThread("transpile", [circuit, target], describeCircuit(circuit)),
      );
      this.transpiled.set(circuit, result);
      // a failure (device unreachable, timeout) is not cached
      result.catch(() => this.transpiled.delete(circuit));
    }
    return result;
  }

  async run(
    circuit: Circuit,
    rows: ParameterRowsInput,
    config: ExecutionConfig,
  ): Promise<JobHandle> {
    const { circuit: isa } = await this.transpile(circuit);
    return this.ibm.run(isa, rows, config);
  }

  /** The IBM provider's run scope (one session per training run), running ISA circuits. */
  openRunScope(): RunScope & Pick<TranspilingIbmProvider, "transpile"> {
    const scope = this.ibm.openRunScope();
    return {
      capabilities: () => this.capabilities(),
      status: () => this.status(),
      estimate: (circuit, shape, config) => this.estimate(circuit, shape, config),
      transpile: (circuit) => this.transpile(circuit),
      run: async (circuit, rows, config) =>
        scope.run((await this.transpile(circuit)).circuit, rows, config),
      close: (outcome) => scope.close(outcome),
    };
  }

  async estimate(
    circuit: Circuit,
    shape: MatrixShape,
    config: ExecutionConfig,
  ): Promise<ExecutionEstimate> {
    const { circuit: isa } = await this.transpile(circuit);
    return this.ibm.estimate(isa, shape, config);
  }
}
