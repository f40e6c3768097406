/**
 * IBM Quantum (Qiskit Runtime REST) behind the provider interface. One `run` = one Sampler
 * V2 job whose PUBs carry the whole parameter matrix (one PUB, or several of at most
 * `maxRowsPerPub` rows); the circuit must already be ISA (physical qubits `$k`, the
 * device's basis gates, two-qubit gates on coupled pairs): the service does not transpile,
 * so anything else is refused before submission. A run scope (`openRunScope`) puts every
 * job of one training run into one batch or dedicated session when the backend asks for it.
 * What a job submits is planned in plan.ts; a submitted job is polled and read by job.ts,
 * under the shared remote-job lifecycle (providers/remote).
 */
import { type GateName, isGateName } from "../../src/circuits/gates.js";
import type { Circuit } from "../../src/circuits/ir.js";
import {
  checkParameterShape,
  type ParameterMatrix,
  type ParameterRowsInput,
  toParameterMatrix,
} from "../../src/circuits/parameters.js";
import { QplaneError } from "../../src/errors/catalogue.js";
import { describeSpecIssues } from "../../src/errors/describe.js";
import {
  type ExecutionConfig,
  type ExecutionEstimate,
  type JobHandle,
  type MatrixShape,
  type Provider,
  type ProviderCapabilities,
  type ProviderStatus,
  type RunScope,
  throwIfCancelled,
} from "../types.js";
import { IamTokenSource } from "./auth.js";
import { IbmRuntimeClient, type RetryOptions } from "./client.js";
import { type JobResponse, startIbmJob } from "./job.js";
import {
  checkIbmShots,
  checkMeasuredBits,
  DEFAULT_MAX_ROWS_PER_PUB,
  isaViolation,
  MAX_EXECUTIONS_PER_JOB,
  type PubPlan,
  pubPlans,
  rzzAngleViolation,
  samplerJobRequest,
} from "./plan.js";
import {
  FRACTIONAL_GATES,
  type SamplerOptions,
  samplerOptionsConflict,
  samplerOptionsSchema,
  samplesPerRow,
  twirls,
} from "./sampler-options.js";
import {
  DEFAULT_SESSION_MAX_TTL_SECONDS,
  EXECUTION_MODES,
  type ExecutionMode,
  IbmSession,
} from "./session.js";

export interface IbmProviderOptions {
  /** Backend name, e.g. "ibm_fez". */
  readonly device: string;
  /** Service-CRN of the Qiskit Runtime instance; its region selects the host. */
  readonly instanceCrn: string;
  /** IBM Cloud API key (the caller reads IBM_CLOUD_API_KEY). */
  readonly apiKey: string;
  /** Server-side override of the API base URL (…/api/v1), for tests. */
  readonly baseUrl?: string;
  /** Server-side override of the IAM origin, for tests. */
  readonly iamUrl?: string;
  /** First poll interval; grows ×1.5 per poll up to maxPollIntervalMs. @defaultValue 2 000 */
  readonly pollIntervalMs?: number;
  /** @defaultValue 30 000 */
  readonly maxPollIntervalMs?: number;
  /** Give up (and cancel the job) after this long. @defaultValue 3 h + 1 h of queue = 4 h */
  readonly timeoutMs?: number;
  readonly retry?: RetryOptions;
  /** How long capabilities and configuration stay cached. @defaultValue 10 min */
  readonly capabilitiesTtlMs?: number;
  /** Price for estimates: per Sampler job and per shot. @defaultValue 0 and 0 */
  readonly pricing?: { readonly perTaskUsd: number; readonly perShotUsd: number };
  /**
   * How a training run (a run scope) reaches the device: each call its own job, or all jobs
   * of the run in one batch / dedicated session. @defaultValue "job"
   */
  readonly executionMode?: ExecutionMode;
  /** Session lifetime sent as `max_ttl`. @defaultValue 28 800 s (the service's default) */
  readonly sessionMaxTtlSeconds?: number;
  /** Rows per PUB; a larger matrix is split over several PUBs of the same job. */
  readonly maxRowsPerPub?: number;
  /** Use the device's fractional gates (rx, rzz) when it offers them. @defaultValue false */
  readonly fractionalGates?: boolean;
  /** Sampler V2 `params.options` (dynamical decoupling, twirling), IBM's field names. */
  readonly samplerOptions?: SamplerOptions;
}

interface BackendConfiguration {
  readonly backend_name?: string;
  readonly n_qubits: number;
  readonly basis_gates: readonly string[];
  readonly coupling_map?: readonly (readonly [number, number])[] | null;
  readonly max_shots?: number;
}

/** Refuses execution settings a backend cannot run with, naming the field and value. */
function checkExecutionOptions(options: IbmProviderOptions): void {
  const fail = (message: string) => {
    throw new QplaneError("QPLANE_ERR_CONFIG", `IBM backend ${options.device}: ${message}`);
  };
  const mode = options.executionMode;
  if (mode !== undefined && !EXECUTION_MODES.includes(mode)) {
    fail(`executionMode "${String(mode)}" is not one of ${EXECUTION_MODES.join(", ")}`);
  }
  const positive = (field: string, value: number | undefined, max: number) => {
    if (value !== undefined && !(Number.isInteger(value) && value >= 1 && value <= max)) {
      fail(`${field} must be an integer in 1..${max}, got ${value}`);
    }
  };
  positive("maxRowsPerPub", options.maxRowsPerPub, DEFAULT_MAX_ROWS_PER_PUB);
  positive("sessionMaxTtlSeconds", options.sessionMaxTtlSeconds, DEFAULT_SESSION_MAX_TTL_SECONDS);
  if (options.samplerOptions !== undefined) {
    const parsed = samplerOptionsSchema.safeParse(options.samplerOptions);
    if (!parsed.success) {
      fail(describeSpecIssues(parsed.error, options.samplerOptions, "options"));
    }
  }
  const conflict = samplerOptionsConflict(options.samplerOptions, options.fractionalGates === true);
  if (conflict !== undefined) fail(conflict);
}

export class IbmProvider implements Provider {
  private readonly options: IbmProviderOptions;
  private readonly client: IbmRuntimeClient;
  private cachedCapabilities: { value: ProviderCapabilities; at: number } | undefined;

  constructor(options: IbmProviderOptions) {
    if (!/^[A-Za-z0-9_.-]+$/.test(options.device)) {
      throw new QplaneError("QPLANE_ERR_CONFIG", `IBM device name "${options.device}" is invalid`);
    }
    checkExecutionOptions(options);
    const { apiKey: _apiKey, ...rest } = options;
    this.options = Object.freeze({ ...rest, apiKey: "[redacted]" });
    const tokens = new IamTokenSource({ apiKey: options.apiKey, iamUrl: options.iamUrl });
    this.client = new IbmRuntimeClient({
      instanceCrn: options.instanceCrn,
      tokens,
      baseUrl: options.baseUrl,
      retry: options.retry,
    });
  }

  private backendPath(suffix: string): string {
    return `/backends/${encodeURIComponent(this.options.device)}/${suffix}`;
  }

  async capabilities(): Promise<ProviderCapabilities> {
    const ttl = this.options.capabilitiesTtlMs ?? 600_000;
    const cached = this.cachedCapabilities;
    if (cached !== undefined && Date.now() - cached.at < ttl) return cached.value;
    const { data } = await this.client.get<BackendConfiguration>(this.backendPath("configuration"));
    if (!Number.isInteger(data?.n_qubits) || !Array.isArray(data.basis_gates)) {
      throw new QplaneError(
        "QPLANE_ERR_PROVIDER_REJECTED",
        `IBM configuration of ${this.options.device} lacks n_qubits or basis_gates`,
      );
    }
    // `id` is listed as a basis gate but fails on submission ("instruction u … not supported").
    // Fractional rx/rzz are used only on request (as qiskit-ibm-runtime's use_fractional_gates):
    // rzz accepts only angles in [0, π/2] and they cannot be gate-twirled (1519).
    const fractional = this.options.fractionalGates === true;
    const nativeGates = data.basis_gates.filter(
      (name): name is GateName =>
        isGateName(name) && name !== "id" && (fractional || !FRACTIONAL_GATES.has(name)),
    );
    const value: ProviderCapabilities = Object.freeze({
      provider: "ibm",
      device: this.options.device,
      numQubits: data.n_qubits,
      nativeGates: Object.freeze(nativeGates),
      couplingMap: Object.freeze((data.coupling_map ?? []).map(([a, b]) => [a, b] as const)),
      exactProbabilities: false,
      minShots: 1,
      maxShots: MAX_EXECUTIONS_PER_JOB,
      batchesParameterRows: true,
    });
    this.cachedCapabilities = { value, at: Date.now() };
    return value;
  }

  /** Everything checked before a submission; throws with the reason. */
  private async validate(
    circuit: Circuit,
    rows: ParameterRowsInput,
    config: ExecutionConfig,
  ): Promise<ParameterMatrix> {
    const matrix = toParameterMatrix(circuit, rows);
    const capabilities = await this.validateShape(circuit, matrix, config);
    const rzz = rzzAngleViolation(circuit, matrix);
    if (rzz !== undefined) {
      throw new QplaneError(
        "QPLANE_ERR_PROVIDER_CIRCUIT",
        `${capabilities.device} runs rzz only for angles in [0, π/2] (IBM error 1517 otherwise): ${rzz}`,
      );
    }
    return matrix;
  }

  /** Everything but the parameter values (what an estimate checks); returns the capabilities. */
  private async validateShape(
    circuit: Circuit,
    matrix: MatrixShape,
    config: ExecutionConfig,
  ): Promise<ProviderCapabilities> {
    checkIbmShots(config.shots);
    checkParameterShape(circuit, matrix);
    checkMeasuredBits(circuit);
    const executed = samplesPerRow(config.shots, this.options.samplerOptions);
    if (matrix.rows * executed > MAX_EXECUTIONS_PER_JOB) {
      const twirled = executed !== config.shots ? ` (${executed} after twirling)` : "";
      throw new QplaneError(
        "QPLANE_ERR_PROVIDER_CIRCUIT",
        `${matrix.rows} row(s) × ${config.shots} shots${twirled} = ${matrix.rows * executed} executions exceed IBM's ${MAX_EXECUTIONS_PER_JOB} per job`,
      );
    }
    const capabilities = await this.capabilities();
    if (circuit.numQubits > capabilities.numQubits) {
      throw new QplaneError(
        "QPLANE_ERR_PROVIDER_CIRCUIT",
        `the circuit uses ${circuit.numQubits} qubits; ${capabilities.device} has ${capabilities.numQubits}`,
      );
    }
    const violation = isaViolation(circuit, capabilities);
    if (violation !== undefined) {
      throw new QplaneError(
        "QPLANE_ERR_PROVIDER_CIRCUIT",
        `circuit is not ISA for ${capabilities.device}: ${violation}`,
      );
    }
    return capabilities;
  }

  private pubPlans(matrix: ParameterMatrix, shots: number): PubPlan[] {
    const perPub = this.options.maxRowsPerPub ?? DEFAULT_MAX_ROWS_PER_PUB;
    return pubPlans(matrix, shots, perPub, this.options.samplerOptions);
  }

  /** The `POST /jobs` body for one run (exported through the provider for inspection). */
  jobBody(circuit: Circuit, matrix: ParameterMatrix, shots: number, sessionId?: string) {
    return this.jobRequest(circuit, this.pubPlans(matrix, shots), sessionId);
  }

  private jobRequest(circuit: Circuit, pubs: readonly PubPlan[], sessionId: string | undefined) {
    return samplerJobRequest(
      circuit,
      pubs,
      this.options.device,
      sessionId,
      this.options.samplerOptions,
    );
  }

  /**
   * A view of this provider for one training run: in "batch" / "session" mode its first
   * submission opens a session that all its jobs join, and `close` ends it. Runs outside a
   * scope (and every run in "job" mode) are standalone jobs.
   */
  openRunScope(): RunScope {
    const mode = this.options.executionMode ?? "job";
    const session =
      mode === "job"
        ? undefined
        : new IbmSession(
            this.client,
            this.options.device,
            mode,
            this.options.sessionMaxTtlSeconds ?? DEFAULT_SESSION_MAX_TTL_SECONDS,
          );
    return {
      capabilities: () => this.capabilities(),
      status: () => this.status(),
      estimate: (circuit, shape, config) => this.estimate(circuit, shape, config),
      run: (circuit, rows, config) => this.submit(circuit, rows, config, session),
      close: async (outcome) => session?.close(outcome),
    };
  }

  run(circuit: Circuit, rows: ParameterRowsInput, config: ExecutionConfig): Promise<JobHandle> {
    return this.submit(circuit, rows, config, undefined);
  }

  private async submit(
    circuit: Circuit,
    rows: ParameterRowsInput,
    config: ExecutionConfig,
    session: IbmSession | undefined,
  ): Promise<JobHandle> {
    throwIfCancelled(config.signal);
    const matrix = await this.validate(circuit, rows, config);
    const pubs = this.pubPlans(matrix, config.shots);
    const sessionId = session === undefined ? undefined : await session.id();
    const body = this.jobRequest(circuit, pubs, sessionId);
    // The signal is not passed to the POST: aborting it mid-flight could leave a job
    // created but unknown to us. An abort during the POST cancels the job right after.
    const { data } = await this.client.post<JobResponse>("/jobs", body);
    if (typeof data?.id !== "string") {
      throw new QplaneError("QPLANE_ERR_PROVIDER_REJECTED", "IBM POST /jobs returned no job id");
    }
    return startIbmJob(
      data.id,
      this.client,
      {
        pubs,
        shots: twirls(this.options.samplerOptions) ? undefined : config.shots,
        numClbits: circuit.numClbits,
        pollIntervalMs: this.options.pollIntervalMs ?? 2_000,
        maxPollIntervalMs: this.options.maxPollIntervalMs ?? 30_000,
        timeoutMs: this.options.timeoutMs ?? 4 * 3_600_000,
      },
      config.signal,
    );
  }

  async estimate(
    circuit: Circuit,
    shape: MatrixShape,
    config: ExecutionConfig,
  ): Promise<ExecutionEstimate> {
    await this.validateShape(circuit, shape, config);
    // what the device executes (and IBM bills): twirling may round the shots up
    const totalShots = shape.rows * samplesPerRow(config.shots, this.options.samplerOptions);
    const pricing = this.options.pricing ?? { perTaskUsd: 0, perShotUsd: 0 };
    return {
      submissions: 1,
      circuits: shape.rows,
      totalShots,
      estimatedCostUsd: pricing.perTaskUsd + totalShots * pricing.perShotUsd,
    };
  }

  /**
   * The device's calibration data (`GET /backends/{device}/properties`: per-qubit T1, T2,
   * readout error; per-gate error), as returned, for layout selection by the transpiler.
   */
  async properties(): Promise<unknown> {
    const { data } = await this.client.get<unknown>(this.backendPath("properties"));
    return data;
  }

  async status(): Promise<ProviderStatus> {
    const { data } = await this.client.get<{
      state?: boolean;
      status?: string;
      message?: string;
      length_queue?: number;
    }>(this.backendPath("status"));
    return {
      operational: data.state === true,
      message: data.message || data.status || "",
      queueLength: typeof data.length_queue === "number" ? data.length_queue : 0,
    };
  }
}
