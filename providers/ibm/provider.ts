/**
 * IBM Quantum (Qiskit Runtime REST) behind the provider interface. One `run` = one Sampler
 * V2 job whose PUBs carry the whole parameter matrix (one PUB, or several of at most
 * `maxRowsPerPub` rows); the circuit must already be ISA (physical qubits `$k`, the
 * device's basis gates, two-qubit gates on coupled pairs): the service does not transpile,
 * so anything else is refused before submission. A run scope (`openRunScope`) puts every
 * job of one training run into one batch or dedicated session when the backend asks for it.
 */
import { GATES, type GateName, isGateName } from "../../src/circuits/gates.js";
import type { Circuit } from "../../src/circuits/ir.js";
import {
  checkParameterShape,
  type ParameterMatrix,
  type ParameterRowsInput,
  toParameterMatrix,
} from "../../src/circuits/parameters.js";
import { emitQasm3 } from "../../src/circuits/qasm3/emit.js";
import { QplaneError } from "../../src/errors/catalogue.js";
import { describeSpecIssues } from "../../src/errors/describe.js";
import {
  type ExecutionConfig,
  type ExecutionEstimate,
  type ExecutionResult,
  type JobHandle,
  type JobState,
  type MatrixShape,
  type Provider,
  type ProviderCapabilities,
  type ProviderStatus,
  type RunScope,
  throwIfCancelled,
} from "../types.js";
import { IamTokenSource } from "./auth.js";
import { IbmRuntimeClient, type RetryOptions, sleep } from "./client.js";
import { countRows, jobRowSamples, type PubLayout } from "./results.js";
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

/** Largest classical register returned as dense counts (2^24 outcomes per row). */
export const MAX_DENSE_CLBITS = 24;
/** Sampler limit: circuits × shots per job. */
export const MAX_EXECUTIONS_PER_JOB = 10_000_000;
/** No PUB limit is documented; a job cannot hold more rows than this anyway (≥ 1 shot each). */
export const DEFAULT_MAX_ROWS_PER_PUB = MAX_EXECUTIONS_PER_JOB;

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

interface JobResponse {
  readonly id?: string;
  readonly status?: string;
  readonly state?: { status?: string; reason?: string; reason_code?: number | string };
}

/** One PUB of a job: its parameter rows (null: no parameters) and per-PUB shots. */
interface PubPlan extends PubLayout {
  readonly values: number[][] | null;
  readonly shots: number;
}

/** IBM job status → qplane job state. */
export function mapJobStatus(status: string | undefined): JobState {
  switch (status) {
    case "Queued":
      return "queued";
    case "Running":
      return "running";
    case "Completed":
      return "completed";
    case "Failed":
      return "failed";
    default:
      if (status?.startsWith("Cancelled")) return "cancelled";
      return "queued";
  }
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

function isTerminal(state: JobState): boolean {
  return state === "completed" || state === "failed" || state === "cancelled";
}

/** Why a circuit is not ISA for the device, or undefined when it is. */
export function isaViolation(circuit: Circuit, capabilities: ProviderCapabilities) {
  if (!circuit.physicalQubits) {
    return "it uses virtual qubits; IBM Quantum runs only ISA circuits on physical qubits $k (transpile it first)";
  }
  const native = new Set<string>(capabilities.nativeGates);
  const coupled = new Set((capabilities.couplingMap ?? []).map(([a, b]) => `${a},${b}`));
  for (const [index, gate] of circuit.gates.entries()) {
    const on = gate.qubits.map((q) => `$${q}`).join(", ");
    if (!native.has(gate.name)) {
      return `gate ${index} (${gate.name} on ${on}) is not a basis gate of ${capabilities.device} (${capabilities.nativeGates.join(", ")})`;
    }
    if (
      GATES[gate.name].qubitCount === 2 &&
      capabilities.couplingMap !== null &&
      !coupled.has(`${gate.qubits[0]},${gate.qubits[1]}`)
    ) {
      return `gate ${index} (${gate.name} on ${on}) acts on qubits that are not coupled on ${capabilities.device}`;
    }
  }
  return undefined;
}

/**
 * Why a bound `rzz` angle is outside the [0, π/2] IBM accepts (it fails the job with 1517),
 * or undefined. Only circuits using fractional gates contain rzz.
 */
export function rzzAngleViolation(circuit: Circuit, matrix: ParameterMatrix): string | undefined {
  const outside = (angle: number) => !(angle >= 0 && angle <= Math.PI / 2);
  for (const [index, gate] of circuit.gates.entries()) {
    if (gate.name !== "rzz") continue;
    const arg = gate.args[0]!;
    const on = gate.qubits.map((q) => `$${q}`).join(", ");
    if (typeof arg === "number") {
      if (outside(arg)) return `gate ${index} (rzz on ${on}) has angle ${arg}`;
      continue;
    }
    const column = circuit.parameters.findIndex((p) => p.kind === arg.kind && p.name === arg.name);
    for (let row = 0; row < matrix.rows; row++) {
      const angle = arg.scale * matrix.values[row * matrix.cols + column]! + arg.offset;
      if (outside(angle)) {
        return `gate ${index} (rzz on ${on}) has angle ${angle} in parameter row ${row} (${arg.kind} ${arg.name})`;
      }
    }
  }
  return undefined;
}

class IbmJob implements JobHandle {
  private state: JobState = "queued";
  private cancelRequested = false;
  /** The cancel call; the run settles only after it, so nothing is left running. */
  private cancelling: Promise<void> | undefined;
  private readonly wake = new AbortController();
  readonly completion: Promise<ExecutionResult>;

  constructor(
    readonly id: string,
    private readonly client: IbmRuntimeClient,
    private readonly plan: {
      readonly pubs: readonly PubLayout[];
      /** Samples each row must have; undefined (twirling) accepts the count IBM returns. */
      readonly shots: number | undefined;
      readonly numClbits: number;
      readonly pollIntervalMs: number;
      readonly maxPollIntervalMs: number;
      readonly timeoutMs: number;
    },
    signal: AbortSignal | undefined,
  ) {
    const onAbort = () => void this.cancel().catch(() => {});
    signal?.addEventListener("abort", onAbort, { once: true });
    this.completion = this.poll().finally(() => signal?.removeEventListener("abort", onAbort));
    this.completion.catch(() => {}); // observed through result()
    if (signal?.aborted) onAbort();
  }

  private path(suffix = ""): string {
    return `/jobs/${encodeURIComponent(this.id)}${suffix}`;
  }

  private async stopCancelled(): Promise<never> {
    await this.cancelling?.catch(() => {});
    throw new QplaneError("QPLANE_ERR_RUN_CANCELLED", `IBM job ${this.id} was cancelled`);
  }

  private async poll(): Promise<ExecutionResult> {
    const started = Date.now();
    let interval = this.plan.pollIntervalMs;
    for (;;) {
      if (this.cancelRequested) return this.stopCancelled();
      const data = await this.fetchJob();
      if (this.cancelRequested) return this.stopCancelled();
      const status = data.status ?? data.state?.status;
      if (this.state === "completed") return this.fetchResult();
      if (this.state === "failed") {
        const reason = data.state?.reason ?? "no reason given";
        const code =
          data.state?.reason_code !== undefined ? ` (reason code ${data.state.reason_code})` : "";
        throw new QplaneError(
          "QPLANE_ERR_PROVIDER_JOB_FAILED",
          `IBM job ${this.id} failed${code}: ${reason}`,
        );
      }
      if (this.state === "cancelled") {
        throw new QplaneError(
          "QPLANE_ERR_RUN_CANCELLED",
          `IBM job ${this.id} ended as "${status}"${data.state?.reason ? `: ${data.state.reason}` : ""}`,
        );
      }
      if (Date.now() - started > this.plan.timeoutMs) {
        await this.requestCancel();
        this.state = "cancelled";
        throw new QplaneError(
          "QPLANE_ERR_PROVIDER_TIMEOUT",
          `IBM job ${this.id} did not finish within ${this.plan.timeoutMs} ms (last status ${status}); it was cancelled`,
        );
      }
      try {
        await sleep(interval, this.wake.signal);
      } catch {
        return this.stopCancelled();
      }
      interval = Math.min(this.plan.maxPollIntervalMs, Math.ceil(interval * 1.5));
    }
  }

  /** `GET /jobs/{id}` without the echoed circuits; updates the known state. */
  private async fetchJob(): Promise<JobResponse> {
    const { data } = await this.client.get<JobResponse>(this.path("?exclude_params=true"));
    this.state = mapJobStatus(data?.status ?? data?.state?.status);
    return data ?? {};
  }

  private async fetchResult(): Promise<ExecutionResult> {
    for (let attempt = 0; ; attempt++) {
      const response = await this.client.get<unknown>(this.path("/results"));
      if (response.status !== 204) {
        const perRow = jobRowSamples(response.data, "c", this.plan.pubs);
        return countRows(perRow, this.plan.numClbits, this.plan.shots);
      }
      if (attempt >= 4) {
        throw new QplaneError(
          "QPLANE_ERR_PROVIDER_JOB_FAILED",
          `IBM job ${this.id} completed but its results stayed empty (HTTP 204)`,
        );
      }
      await sleep(this.plan.pollIntervalMs);
    }
  }

  private async requestCancel(): Promise<void> {
    // 409: the job already finished; nothing left running.
    await this.client.post(this.path("/cancel"), undefined, { acceptStatuses: [409] });
  }

  /** The job's state on the service now (one `GET /jobs/{id}`). */
  async status(): Promise<JobState> {
    await this.fetchJob();
    return this.state;
  }

  result(): Promise<ExecutionResult> {
    return this.completion;
  }

  async cancel(): Promise<void> {
    if (this.cancelRequested || isTerminal(this.state)) return;
    this.cancelRequested = true;
    this.cancelling = this.requestCancel();
    this.wake.abort();
    await this.cancelling;
    if (!isTerminal(this.state)) this.state = "cancelled";
  }
}

/** IBM hardware samples: shots ≥ 1, a whole number. */
function checkIbmShots(shots: number): void {
  if (shots === 0) {
    throw new QplaneError(
      "QPLANE_ERR_PROVIDER_CIRCUIT",
      "shots = 0 asks for exact probabilities, which IBM Quantum hardware cannot give; use shots ≥ 1",
    );
  }
  if (!Number.isInteger(shots) || shots < 1) {
    throw new QplaneError(
      "QPLANE_ERR_PROVIDER_CIRCUIT",
      `shots must be a positive integer, got ${shots}`,
    );
  }
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
    if (circuit.numClbits === 0) {
      throw new QplaneError(
        "QPLANE_ERR_PROVIDER_CIRCUIT",
        "the circuit measures nothing; add measurements to get counts from IBM Quantum",
      );
    }
    if (circuit.numClbits > MAX_DENSE_CLBITS) {
      throw new QplaneError(
        "QPLANE_ERR_PROVIDER_CIRCUIT",
        `the circuit has ${circuit.numClbits} classical bits; counts are returned for at most ${MAX_DENSE_CLBITS}`,
      );
    }
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

  /**
   * The PUBs of one run. Parameter rows go in order, at most `maxRowsPerPub` per PUB. A
   * parameterless circuit has one binding, so its rows run as one PUB of rows × shots whose
   * samples are cut per row — except under twirling, whose sample count is not rows × shots
   * (then one PUB per row).
   */
  private pubPlans(matrix: ParameterMatrix, shots: number): PubPlan[] {
    if (matrix.cols === 0) {
      if (twirls(this.options.samplerOptions)) {
        return Array.from({ length: matrix.rows }, () => ({ values: null, shots, rows: 1 }));
      }
      return [{ values: null, shots: shots * matrix.rows, rows: matrix.rows, flatShots: shots }];
    }
    const perPub = this.options.maxRowsPerPub ?? DEFAULT_MAX_ROWS_PER_PUB;
    const pubs: PubPlan[] = [];
    for (let start = 0; start < matrix.rows; start += perPub) {
      const end = Math.min(matrix.rows, start + perPub);
      const values = Array.from({ length: end - start }, (_, i) =>
        Array.from(
          matrix.values.subarray((start + i) * matrix.cols, (start + i + 1) * matrix.cols),
        ),
      );
      pubs.push({ values, shots, rows: end - start });
    }
    return pubs;
  }

  /** The `POST /jobs` body for one run (exported through the provider for inspection). */
  jobBody(circuit: Circuit, matrix: ParameterMatrix, shots: number, sessionId?: string) {
    return this.jobRequest(circuit, this.pubPlans(matrix, shots), sessionId);
  }

  private jobRequest(circuit: Circuit, pubs: readonly PubPlan[], sessionId: string | undefined) {
    const qasm = emitQasm3(circuit);
    const options = this.options.samplerOptions;
    return {
      program_id: "sampler",
      backend: this.options.device,
      ...(sessionId !== undefined ? { session_id: sessionId } : {}),
      params: {
        pubs: pubs.map((pub) => [qasm, pub.values, pub.shots]),
        version: 2,
        support_qiskit: false,
        ...(options !== undefined && Object.keys(options).length > 0 ? { options } : {}),
      },
    };
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
    return new IbmJob(
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
