/**
 * The provider seam: every backend (local simulator, IBM Quantum, Amazon Braket) runs one
 * parameterised circuit over a matrix of parameter rows and returns per-row outcome
 * probabilities (exact) or counts (shots). The training loop and service use nothing else.
 *
 * `run` returns a handle (as Braket's SDK does); the local simulator's handle is already
 * complete, so callers never branch on the backend.
 *
 * Beyond running, a provider may offer optional capabilities (PennyLane's optional-derivatives
 * pattern): `derivatives` (exact gradients of its own outcome probabilities, computed in this
 * process), `statevectors` (final states, for the Holevo quantity) and `transpile` (the ISA
 * circuit it would run, for plans). Callers ask with `supportsDerivatives` /
 * `supportsStatevectors` / `supportsTranspile`, never by the provider's name or class.
 */
import type { GateName } from "../src/circuits/gates.js";
import type { Circuit } from "../src/circuits/ir.js";
import type { ParameterMatrix, ParameterRowsInput } from "../src/circuits/parameters.js";
import type { TranspileResult } from "../src/circuits/transpile/index.js";
import { QplaneError } from "../src/errors/catalogue.js";
import type { Paced, WorkMeter } from "../src/pacing/pacing.js";
import type { Rng } from "../src/random/rng.js";

export type ProviderKind = "local" | "ibm" | "braket";

/** What a backend can do; static for `local`, fetched and cached for remote devices. */
export interface ProviderCapabilities {
  readonly provider: ProviderKind;
  readonly device: string;
  readonly numQubits: number;
  readonly nativeGates: readonly GateName[];
  /** Directed coupled pairs; null means all-to-all. */
  readonly couplingMap: readonly (readonly [number, number])[] | null;
  /** Whether shots = 0 (exact Born probabilities) is available. */
  readonly exactProbabilities: boolean;
  readonly minShots: number;
  readonly maxShots: number;
  /** Whether a whole parameter matrix runs as one submission. */
  readonly batchesParameterRows: boolean;
}

/** Per-run settings (frozen per call, not stored on the provider). */
export interface ExecutionConfig {
  /** 0 = exact probabilities (where supported); otherwise shots per parameter row. */
  readonly shots: number;
  /** Seed for sampling on simulators; ignored by hardware. */
  readonly seed?: number;
  /** Generator to draw sampling randomness from (advances; for reproducible training). */
  readonly rng?: Rng;
  /** Aborts a run that has not finished (cancels in-flight remote jobs). */
  readonly signal?: AbortSignal;
}

export interface ProbabilitiesResult {
  readonly kind: "probabilities";
  readonly rows: number;
  /** 2^numClbits; outcome index Σ c[i]·2^i. */
  readonly outcomeCount: number;
  /** Row-major rows × outcomeCount. */
  readonly values: Float64Array;
}

export interface CountsResult {
  readonly kind: "counts";
  readonly rows: number;
  readonly outcomeCount: number;
  readonly shots: number;
  /** Row-major rows × outcomeCount. */
  readonly values: Uint32Array;
}

export type ExecutionResult = ProbabilitiesResult | CountsResult;

export const JOB_STATES = ["queued", "running", "completed", "failed", "cancelled"] as const;
export type JobState = (typeof JOB_STATES)[number];
/** States a run never leaves. */
export const TERMINAL_JOB_STATES: ReadonlySet<JobState> = new Set([
  "completed",
  "failed",
  "cancelled",
]);

export interface JobHandle {
  readonly id: string;
  status(): Promise<JobState>;
  result(): Promise<ExecutionResult>;
  cancel(): Promise<void>;
}

/**
 * The size of a parameter matrix: what an estimate needs (values never change the number of
 * submissions, circuits, shots or the price), so planning never allocates rows × columns.
 * A {@link ParameterMatrix} is one.
 */
export interface MatrixShape {
  readonly rows: number;
  readonly cols: number;
}

/** A circuit's counts: what a provider that prices by size alone reads of it. */
export interface CircuitCounts {
  readonly numQubits: number;
  readonly numClbits: number;
}

/** What a run would cost before it is submitted. */
export interface ExecutionEstimate {
  readonly submissions: number;
  readonly circuits: number;
  readonly totalShots: number;
  /** Estimated cost in USD; 0 for simulators. */
  readonly estimatedCostUsd: number;
}

export interface ProviderStatus {
  readonly operational: boolean;
  readonly message: string;
  readonly queueLength: number;
}

export interface Provider {
  capabilities(): Promise<ProviderCapabilities>;
  run(circuit: Circuit, rows: ParameterRowsInput, config: ExecutionConfig): Promise<JobHandle>;
  /** Submissions, circuits, shots and price of a run of `shape.rows` rows (values not needed). */
  estimate(
    circuit: Circuit,
    shape: MatrixShape,
    config: ExecutionConfig,
  ): Promise<ExecutionEstimate>;
  /**
   * {@link estimate} from the circuit's counts, for providers whose price does not depend on
   * its gates (the local simulator): planning then never builds the circuit.
   */
  estimateCounts?(
    circuit: CircuitCounts,
    shape: MatrixShape,
    config: ExecutionConfig,
  ): Promise<ExecutionEstimate>;
  status(): Promise<ProviderStatus>;
  /**
   * A view of this provider for one training run (e.g. IBM batch/session execution: every
   * job of the run goes into one session, closed when the run ends). Absent: runs need no
   * scope. Opening is synchronous and cheap; the scope acquires remote resources only on
   * its first `run`, so a scope that never runs (planning, dry runs) needs no `close`.
   */
  openRunScope?(): RunScope;
  /** Exact derivatives of this provider's outcome probabilities, computed in this process. */
  readonly derivatives?: DerivativesCapability;
  /** Final statevectors of circuits, simulated in this process. */
  readonly statevectors?: StatevectorsCapability;
  /**
   * Circuits are simulated in this process under a noise model, by the density matrix or
   * seeded trajectories (`noisyMethod`, src/pacing/work-units.ts): what the cost model prices
   * a row of this provider by (a twin, the noisy local simulator).
   */
  readonly noisySimulation?: true;
  /** The ISA circuit this provider would run for `circuit`, with its layout and depth. */
  transpile?(circuit: Circuit): Promise<TranspileResult>;
}

/**
 * Fills `cotangent` (length outcomeCount) for one row given that row's probabilities:
 * usually ∂loss/∂p_t. Called once per row, after the row's forward pass.
 */
export type CotangentFunction = (
  row: number,
  probabilities: Float64Array,
  cotangent: Float64Array,
) => void;

export interface ProbabilityGradients {
  /** The outcome probabilities of every row, as `run` with shots 0 would return them. */
  readonly probabilities: {
    readonly rows: number;
    readonly outcomeCount: number;
    readonly values: Float64Array;
  };
  /** Number of weights; gradient columns follow the circuit's weight order. */
  readonly weightCount: number;
  /** Row-major rows × weightCount: Σ_t cotangent_t · ∂p_t/∂w. */
  readonly gradients: Float64Array;
}

/**
 * Derivatives of the provider's exact outcome probabilities (what `run` returns with shots
 * 0, readout errors included) by vector–Jacobian products, batched over parameter rows and
 * paced (src/pacing): the caller runs the returned computation with `runPaced`.
 */
export interface DerivativesCapability {
  /** A work meter for one pass: calls given the same meter share its pauses. */
  meter(): WorkMeter;
  probabilityGradients(
    circuit: Circuit,
    rows: ParameterMatrix,
    cotangentOf: CotangentFunction,
    meter: WorkMeter,
  ): Paced<ProbabilityGradients>;
}

export interface StatevectorAmplitudes {
  readonly re: Float64Array;
  readonly im: Float64Array;
}

/** Final (pre-measurement) statevectors, paced like {@link DerivativesCapability}. */
export interface StatevectorsCapability {
  /** A work meter for one pass: calls given the same meter share its pauses. */
  meter(): WorkMeter;
  finalStatevector(
    circuit: Circuit,
    row: readonly number[],
    meter: WorkMeter,
  ): Paced<StatevectorAmplitudes>;
}

/**
 * The optional members of a provider, as any object that may be one (a `Provider`, a run
 * scope, or the API's view of a backend) declares them.
 */
type OptionalMembers = Partial<Pick<Provider, "derivatives" | "statevectors" | "transpile">>;

/** Whether the provider offers exact derivatives of its outcome probabilities. */
export function supportsDerivatives<P extends object>(
  provider: P,
): provider is P & { readonly derivatives: DerivativesCapability } {
  return (provider as OptionalMembers).derivatives !== undefined;
}

/** Whether the provider offers final statevectors (it then simulates in this process). */
export function supportsStatevectors<P extends object>(
  provider: P,
): provider is P & { readonly statevectors: StatevectorsCapability } {
  return (provider as OptionalMembers).statevectors !== undefined;
}

/** How a provider runs circuits, as the cost model prices them (`src/training/cost.ts`). */
export type SimulationKind = "statevector" | "noisy" | "remote";

/** Statevector (local simulator), noisy (twin) or remote (a device or a remote simulator). */
export function simulationKindOf(
  provider: Pick<Provider, "statevectors" | "noisySimulation">,
): SimulationKind {
  if (supportsStatevectors(provider)) return "statevector";
  return provider.noisySimulation === true ? "noisy" : "remote";
}

/** Whether the provider reports the ISA circuit it would run. */
export function supportsTranspile<P extends object>(
  provider: P,
): provider is P & Required<Pick<Provider, "transpile">> {
  return typeof (provider as OptionalMembers).transpile === "function";
}

/** How a training run ended, for a run scope to release its resources accordingly. */
export type RunOutcome = "completed" | "failed" | "cancelled";

/** A provider bound to one training run; `close` once when the run ends (idempotent). */
export interface RunScope extends Provider {
  close(outcome: RunOutcome): Promise<void>;
}

/** Refuses to start a run whose signal is already aborted (every provider's first check). */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new QplaneError("QPLANE_ERR_RUN_CANCELLED", "run was cancelled before it started");
  }
}

/** Outcome probabilities from a result: exact values, or counts / shots. */
export function resultProbabilities(result: ExecutionResult): Float64Array {
  if (result.kind === "probabilities") return result.values;
  const { shots } = result;
  return Float64Array.from(result.values, (count) => count / shots);
}
