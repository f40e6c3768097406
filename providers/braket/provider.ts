/**
 * Amazon Braket behind the provider interface (AWS SDK v3).
 *
 * Before anything is created the circuit is fitted to the device: shots checked against
 * `shotsRange` (0 only where the device gives exact results), placed and SWAP-routed on
 * its connectivity graph (placement.ts), its unsupported gates decomposed into
 * `supportedOperations` (decompose.ts), contiguous indices checked, and emitted in
 * Braket's OpenQASM 3 (gates.ts). shots = 0 submits a `probability` result type and returns
 * exact probabilities.
 *
 * One `run` = one program set task per ≤ `maximumExecutables` parameter rows where the
 * device has the `braket.ir.openqasm.program_set` action, else one task per row, created
 * with bounded concurrency. Every CreateQuantumTask carries a deterministic `clientToken`
 * (job id + batch index), tasks are polled until terminal, `results.json` is read from
 * S3 at `<outputS3Directory>/results.json` (program-set entries given as S3 paths are
 * resolved as the AWS SDK resolves them, see result-files.ts), and counts are decoded with
 * Braket's bit order (see results.ts). Cancelling (signal or handle) cancels every created
 * task that has not finished; a failing task cancels the others too. Throttling, 5xx and network
 * errors are retried by the SDK (standard mode: `maxAttempts`, jittered exponential
 * back-off); the retried request keeps its clientToken, so a create whose reply was lost
 * never makes a second task.
 */
import { createHash, randomUUID } from "node:crypto";
import {
  BraketClient,
  CancelQuantumTaskCommand,
  CreateQuantumTaskCommand,
  GetDeviceCommand,
  GetQuantumTaskCommand,
} from "@aws-sdk/client-braket";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { Circuit } from "../../src/circuits/ir.js";
import {
  checkParameterShape,
  type ParameterMatrix,
  type ParameterRowsInput,
  toParameterMatrix,
} from "../../src/circuits/parameters.js";
import { describeCircuit, runOffThread } from "../../src/compute/off-thread.js";
import { QplaneError } from "../../src/errors/catalogue.js";
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
  throwIfCancelled,
} from "../types.js";
import {
  type BraketDevice,
  nativeIrGates,
  OPENQASM_PROGRAM,
  OPENQASM_PROGRAM_SET,
  parseDevice,
} from "./device.js";
import type { FittedCircuit } from "./fit.js";
import type { BraketProgram } from "./gates.js";
import { addProgramSetCounts } from "./result-files.js";
import { addCounts, addProbabilities, type MeasuredResult } from "./results.js";

/** Fitted circuits kept per provider (see `prepare`). */
const PREPARED_CACHE_SIZE = 64;

/**
 * Largest S3 result file read, in bytes: 100 000 shots of 40 measured qubits as JSON are
 * ~8 MB, 2^20 exact probabilities ~25 MB; anything far beyond is not a result to hold in memory.
 */
export const MAX_RESULT_BYTES = 256 * 2 ** 20;

/** Braket's limit on the qubits of one probability result type. */
const MAX_PROBABILITY_TARGETS = 40;

/** GetDevice omits OpenQASM capabilities for user agents older than this. */
export const BRAKET_SCHEMAS_USER_AGENT = "BraketSchemas/1.8.0";

export interface BraketProviderOptions {
  readonly deviceArn: string;
  readonly s3Bucket: string;
  readonly s3Prefix: string;
  readonly region: string;
  /** Server-side endpoint override (tests, VPC endpoints); S3 then uses path-style URLs. */
  readonly endpoint?: string;
  /** Static credentials; by default the SDK's chain (AWS_* environment, profiles, …). */
  readonly credentials?: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
  };
  /** Poll interval when the device gives no `getTaskPollIntervalMillis`. @defaultValue 1000 */
  readonly pollIntervalMs?: number;
  /** Tasks in flight at once. @defaultValue 10 */
  readonly maxConcurrentTasks?: number;
  /** SDK attempts per request (standard retry mode: throttling, 5xx, network). @defaultValue 3 */
  readonly maxAttempts?: number;
  /** A run not finished after this long fails (and its tasks are cancelled). @defaultValue 5 days */
  readonly timeoutMs?: number;
  /** Price for estimates. @defaultValue 0 and 0 */
  readonly pricing?: { readonly perTaskUsd: number; readonly perShotUsd: number };
}

/** Deterministic idempotency token of one CreateQuantumTask (≤ 64 characters). */
export function clientTokenFor(jobId: string, batchIndex: number): string {
  return createHash("sha256").update(`${jobId}:${batchIndex}`).digest("hex").slice(0, 64);
}

const AUTH_ERRORS = new Set([
  "AccessDeniedException",
  "AccessDenied",
  "UnrecognizedClientException",
  "InvalidSignatureException",
  "SignatureDoesNotMatch",
  "InvalidAccessKeyId",
  "ExpiredTokenException",
  "ExpiredToken",
  "CredentialsProviderError",
]);
const UNAVAILABLE_ERRORS = new Set([
  "ThrottlingException",
  "ServiceQuotaExceededException",
  "DeviceOfflineException",
  "DeviceRetiredException",
  "InternalServiceException",
]);

interface AwsErrorLike {
  name?: string;
  message?: string;
  reason?: string;
  programSetValidationFailures?: {
    programIndex?: number;
    inputsIndex?: number;
    errors?: string[];
  }[];
  $fault?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

/** An AWS SDK error (or anything thrown) as a QplaneError carrying the AWS message. */
export function mapBraketError(error: unknown, what: string): QplaneError {
  if (error instanceof QplaneError) return error;
  const aws = (error ?? {}) as AwsErrorLike;
  const name = aws.name ?? "Error";
  const status = aws.$metadata?.httpStatusCode;
  const attempts = aws.$metadata?.attempts;
  const detail = `${name}${status ? ` (HTTP ${status})` : ""}: ${aws.message ?? String(error)}`;
  if (AUTH_ERRORS.has(name) || status === 401 || status === 403) {
    return new QplaneError(
      "QPLANE_ERR_PROVIDER_AUTH",
      `Amazon Braket refused the credentials (${what}): ${detail}; check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY`,
    );
  }
  if (name === "ValidationException") {
    const failures = (aws.programSetValidationFailures ?? [])
      .map(
        (f) =>
          `program ${f.programIndex ?? "?"} inputs ${f.inputsIndex ?? "?"}: ${(f.errors ?? []).join("; ")}`,
      )
      .join(" | ");
    return new QplaneError(
      "QPLANE_ERR_PROVIDER_REJECTED",
      `Amazon Braket rejected ${what}: ${detail}${aws.reason ? ` [reason ${aws.reason}]` : ""}${failures ? ` [${failures}]` : ""}`,
    );
  }
  if (
    UNAVAILABLE_ERRORS.has(name) ||
    status === 429 ||
    (status !== undefined && status >= 500) ||
    status === undefined
  ) {
    return new QplaneError(
      "QPLANE_ERR_PROVIDER_UNAVAILABLE",
      `Amazon Braket ${what} failed${attempts ? ` after ${attempts} attempt(s)` : ""}: ${detail}`,
    );
  }
  return new QplaneError("QPLANE_ERR_PROVIDER_REJECTED", `Amazon Braket ${what}: ${detail}`);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** A slice of parameter rows submitted as one task. */
interface Batch {
  readonly index: number;
  readonly start: number;
  readonly end: number;
}

interface Plan {
  readonly device: BraketDevice;
  readonly matrix: ParameterMatrix;
  /** The circuit as submitted: placed, routed and decomposed for the device. */
  readonly circuit: Circuit;
  readonly program: BraketProgram;
  /** shots = 0: exact probabilities from a probability result type. */
  readonly exact: boolean;
  readonly programSet: boolean;
  readonly batches: readonly Batch[];
}

/** Refuses shot counts the device does not take, naming the device and its limits. */
function checkShots(shots: number, device: BraketDevice, where: string): void {
  const [minShots, maxShots] = device.shotsRange;
  if (shots === 0) {
    if (device.exactProbabilities) return;
    const why =
      device.type === "QPU"
        ? "it is a QPU and only samples"
        : "its service.shotsRange or Probability result type does not allow 0 shots";
    throw new QplaneError(
      "QPLANE_ERR_PROVIDER_CIRCUIT",
      `shots = 0 (exact probabilities) is not available on ${where}: ${why} (shotsRange [${minShots}, ${maxShots}]); set shots to ${Math.max(1, minShots)}..${maxShots}`,
    );
  }
  if (!Number.isInteger(shots) || shots < Math.max(1, minShots)) {
    throw new QplaneError(
      "QPLANE_ERR_PROVIDER_CIRCUIT",
      `shots must be an integer in ${Math.max(1, minShots)}..${maxShots} on ${where}, got ${shots}`,
    );
  }
  if (shots > maxShots) {
    throw new QplaneError(
      "QPLANE_ERR_PROVIDER_CIRCUIT",
      `shots ${shots} exceed the maximum ${maxShots} of ${where}`,
    );
  }
}

/**
 * Rows split over as few program-set tasks as the limits allow, balanced so the smallest
 * task is as large as possible (it must reach `minimumTotalShots`).
 */
function programSetBatches(
  rows: number,
  shots: number,
  limits: NonNullable<BraketDevice["programSet"]>,
  where: string,
): Batch[] {
  const { tasks, base } = programSetTasks(rows, shots, limits, where);
  const batches: Batch[] = [];
  for (let index = 0, start = 0; index < tasks; index++) {
    const size = base + (index < rows % tasks ? 1 : 0);
    batches.push({ index, start, end: start + size });
    start += size;
  }
  return batches;
}

/** How many program-set tasks `rows` rows need, and the smallest task's rows; checks the limits. */
function programSetTasks(
  rows: number,
  shots: number,
  limits: NonNullable<BraketDevice["programSet"]>,
  where: string,
): { tasks: number; base: number } {
  const { maximumExecutables, maximumTotalShots, minimumTotalShots } = limits;
  const perTask = Math.min(maximumExecutables, Math.floor(maximumTotalShots / shots));
  if (perTask < 1) {
    throw new QplaneError(
      "QPLANE_ERR_PROVIDER_CIRCUIT",
      `shots ${shots} exceed the program-set maximumTotalShots ${maximumTotalShots} of ${where}`,
    );
  }
  const tasks = Math.ceil(rows / perTask);
  const base = Math.floor(rows / tasks);
  if (base * shots < minimumTotalShots) {
    throw new QplaneError(
      "QPLANE_ERR_PROVIDER_CIRCUIT",
      `${rows} parameter row(s) × ${shots} shots in ${tasks} program-set task(s) give ${base * shots} shots in the smallest task, below the minimumTotalShots ${minimumTotalShots} of ${where}; use at least ${Math.ceil(minimumTotalShots / base)} shots`,
    );
  }
  return { tasks, base };
}

const TERMINAL = new Set(["COMPLETED", "FAILED", "CANCELLED"]);

export class BraketProvider implements Provider {
  readonly options: BraketProviderOptions;
  readonly braket: BraketClient;
  readonly s3: S3Client;
  private devicePromise: Promise<BraketDevice> | undefined;
  private readonly prepared = new Map<string, Promise<FittedCircuit>>();

  constructor(options: BraketProviderOptions) {
    this.options = Object.freeze({ ...options });
    const common = {
      region: options.region,
      maxAttempts: options.maxAttempts ?? 3,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
    };
    this.braket = new BraketClient({ ...common, customUserAgent: BRAKET_SCHEMAS_USER_AGENT });
    this.s3 = new S3Client({ ...common, forcePathStyle: options.endpoint !== undefined });
  }

  /** The device's parsed capabilities (fetched once; refetched after a failure). */
  device(): Promise<BraketDevice> {
    if (this.devicePromise === undefined) {
      this.devicePromise = this.braket
        .send(new GetDeviceCommand({ deviceArn: this.options.deviceArn }))
        .then(parseDevice, (error: unknown) => {
          throw mapBraketError(error, `GetDevice ${this.options.deviceArn}`);
        });
      this.devicePromise.catch(() => {
        this.devicePromise = undefined;
      });
    }
    return this.devicePromise;
  }

  async capabilities(): Promise<ProviderCapabilities> {
    const device = await this.device();
    return {
      provider: "braket",
      device: device.name,
      numQubits: device.qubitCount,
      nativeGates: nativeIrGates(device),
      couplingMap: device.couplingMap,
      exactProbabilities: device.exactProbabilities,
      minShots: Math.max(1, device.shotsRange[0]),
      maxShots: device.shotsRange[1],
      batchesParameterRows: device.programSet !== null,
    };
  }

  /**
   * The circuit fitted to the device and its program (`fit.ts`), in a worker thread: layout
   * search and routing take 0.2 s to minutes on a large graph. Cached by circuit content
   * (in flight or done): training submits the same circuit shape every step (once to
   * estimate, once to run), rebuilt as a new object each time.
   */
  private prepare(
    circuit: Circuit,
    device: BraketDevice,
    where: string,
    exact: boolean,
  ): Promise<FittedCircuit> {
    const key = `${exact}|${JSON.stringify(circuit)}`;
    const cached = this.prepared.get(key);
    if (cached) {
      // refresh its place in the (insertion-ordered) LRU
      this.prepared.delete(key);
      this.prepared.set(key, cached);
      return cached;
    }
    const prepared = runOffThread(
      "fitToDevice",
      [circuit, device, where, exact],
      describeCircuit(circuit),
    );
    this.prepared.set(key, prepared);
    // a refused circuit is not cached
    prepared.catch(() => this.prepared.delete(key));
    if (this.prepared.size > PREPARED_CACHE_SIZE) {
      this.prepared.delete(this.prepared.keys().next().value!);
    }
    return prepared;
  }

  /** Everything checked before any task is created. */
  private async plan(
    circuit: Circuit,
    rows: ParameterRowsInput,
    config: ExecutionConfig,
  ): Promise<Plan> {
    const matrix = toParameterMatrix(circuit, rows);
    const { device, where, submitted, program, exact, programSet } = await this.fit(
      circuit,
      config,
    );
    const batches = programSet
      ? programSetBatches(matrix.rows, config.shots, device.programSet!, where)
      : Array.from({ length: matrix.rows }, (_, row) => ({
          index: row,
          start: row,
          end: row + 1,
        }));
    return { device, matrix, circuit: submitted, program, exact, programSet, batches };
  }

  /** The circuit fitted to the device for these settings (no parameter values needed). */
  private async fit(circuit: Circuit, config: ExecutionConfig) {
    const device = await this.device();
    const where = `device ${device.name} (${device.arn})`;
    checkShots(config.shots, device, where);
    const exact = config.shots === 0;
    const { submitted, program } = await this.prepare(circuit, device, where, exact);
    const targets = program.probabilityTargets?.length ?? 0;
    if (targets > MAX_PROBABILITY_TARGETS) {
      throw new QplaneError(
        "QPLANE_ERR_PROVIDER_CIRCUIT",
        `shots = 0 on ${where}: a probability result may target at most ${MAX_PROBABILITY_TARGETS} qubits, the circuit measures ${targets}`,
      );
    }
    // Program sets carry measured executables; exact results need one program task per row.
    const programSet = device.programSet !== null && !exact;
    return { device, where, submitted, program, exact, programSet };
  }

  async run(
    circuit: Circuit,
    rows: ParameterRowsInput,
    config: ExecutionConfig,
  ): Promise<JobHandle> {
    throwIfCancelled(config.signal);
    const plan = await this.plan(circuit, rows, config);
    return new BraketJob(this, plan, config);
  }

  async estimate(
    circuit: Circuit,
    shape: MatrixShape,
    config: ExecutionConfig,
  ): Promise<ExecutionEstimate> {
    checkParameterShape(circuit, shape);
    const { device, where, programSet } = await this.fit(circuit, config);
    const tasks = programSet
      ? programSetTasks(shape.rows, config.shots, device.programSet!, where).tasks
      : shape.rows;
    const totalShots = shape.rows * config.shots;
    const pricing = this.options.pricing ?? { perTaskUsd: 0, perShotUsd: 0 };
    return {
      submissions: tasks,
      circuits: shape.rows,
      totalShots,
      estimatedCostUsd: tasks * pricing.perTaskUsd + totalShots * pricing.perShotUsd,
    };
  }

  async status(): Promise<ProviderStatus> {
    try {
      const device = parseDevice(
        await this.braket.send(new GetDeviceCommand({ deviceArn: this.options.deviceArn })),
      );
      return {
        operational: device.status === "ONLINE",
        message: `${device.name}: ${device.status}`,
        queueLength: device.queueLength,
      };
    } catch (error) {
      return {
        operational: false,
        message: mapBraketError(error, "GetDevice").message,
        queueLength: 0,
      };
    }
  }
}

/** One qplane run on Braket: its tasks, their states, and cancellation. */
class BraketJob implements JobHandle {
  readonly id = `braket-${randomUUID()}`;
  /** Created tasks not known to be terminal. */
  private readonly inFlight = new Set<string>();
  private readonly cancelRequested = new Set<string>();
  private readonly cancelCalls: Promise<void>[] = [];
  private readonly abort = new AbortController();
  private state: JobState = "queued";
  private readonly done: Promise<ExecutionResult>;

  constructor(
    private readonly provider: BraketProvider,
    private readonly plan: Plan,
    private readonly config: ExecutionConfig,
  ) {
    const external = config.signal;
    const onAbort = () =>
      this.stop(new QplaneError("QPLANE_ERR_RUN_CANCELLED", "run was cancelled"));
    external?.addEventListener("abort", onAbort, { once: true });
    this.done = this.execute().finally(() => external?.removeEventListener("abort", onAbort));
    this.done.catch(() => {});
  }

  async status(): Promise<JobState> {
    return this.state;
  }

  result(): Promise<ExecutionResult> {
    return this.done;
  }

  async cancel(): Promise<void> {
    this.stop(new QplaneError("QPLANE_ERR_RUN_CANCELLED", "run was cancelled"));
    await this.done.catch(() => {});
  }

  /** Stops submitting and cancels every created, unfinished task (first reason wins). */
  private stop(reason: QplaneError): void {
    if (!this.abort.signal.aborted) this.abort.abort(reason);
    for (const arn of this.inFlight) this.cancelTask(arn);
  }

  private cancelTask(arn: string): void {
    if (this.cancelRequested.has(arn)) return;
    this.cancelRequested.add(arn);
    this.cancelCalls.push(
      this.provider.braket
        .send(
          new CancelQuantumTaskCommand({
            quantumTaskArn: arn,
            clientToken: clientTokenFor(`${this.id}:cancel`, this.cancelCalls.length),
          }),
        )
        .then(
          () => {},
          () => {}, // already terminal (ConflictException) or unreachable: nothing more to do
        ),
    );
  }

  private async execute(): Promise<ExecutionResult> {
    const { matrix, batches } = this.plan;
    const outcomeCount = 2 ** this.plan.circuit.numClbits;
    const values = this.plan.exact
      ? new Float64Array(matrix.rows * outcomeCount)
      : new Uint32Array(matrix.rows * outcomeCount);
    const timeoutMs = this.provider.options.timeoutMs ?? 5 * 24 * 3600 * 1000;
    const timer = setTimeout(
      () =>
        this.stop(
          new QplaneError(
            "QPLANE_ERR_PROVIDER_TIMEOUT",
            `Braket run ${this.id} did not finish within ${timeoutMs} ms`,
          ),
        ),
      timeoutMs,
    );
    let next = 0;
    const worker = async () => {
      while (next < batches.length && !this.abort.signal.aborted) {
        const batch = batches[next++]!;
        try {
          await this.runBatch(batch, values, outcomeCount);
        } catch (error) {
          this.stop(
            error instanceof QplaneError ? error : mapBraketError(error, `task ${batch.index}`),
          );
        }
      }
    };
    const width = Math.max(
      1,
      Math.min(this.provider.options.maxConcurrentTasks ?? 10, batches.length),
    );
    try {
      await Promise.all(Array.from({ length: width }, worker));
    } finally {
      clearTimeout(timer);
    }
    if (this.abort.signal.aborted) {
      for (const arn of this.inFlight) this.cancelTask(arn);
      await Promise.all(this.cancelCalls);
      const reason = this.abort.signal.reason as QplaneError;
      this.state = reason.code === "QPLANE_ERR_RUN_CANCELLED" ? "cancelled" : "failed";
      throw reason;
    }
    this.state = "completed";
    if (values instanceof Float64Array) {
      return { kind: "probabilities", rows: matrix.rows, outcomeCount, values };
    }
    return { kind: "counts", rows: matrix.rows, outcomeCount, shots: this.config.shots, values };
  }

  private action(batch: Batch): string {
    const { program, matrix, programSet } = this.plan;
    const header = { name: OPENQASM_PROGRAM, version: "1" };
    const column = (col: number, row: number) => matrix.values[row * matrix.cols + col]!;
    if (!programSet) {
      const inputs = Object.fromEntries(
        program.inputNames.map((name, col) => [name, column(col, batch.start)]),
      );
      return JSON.stringify({ braketSchemaHeader: header, source: program.source, inputs });
    }
    const rows = Array.from({ length: batch.end - batch.start }, (_, k) => batch.start + k);
    const programs =
      matrix.cols === 0
        ? rows.map(() => ({ braketSchemaHeader: header, source: program.source, inputs: {} }))
        : [
            {
              braketSchemaHeader: header,
              source: program.source,
              inputs: Object.fromEntries(
                program.inputNames.map((name, col) => [name, rows.map((row) => column(col, row))]),
              ),
            },
          ];
    return JSON.stringify({
      braketSchemaHeader: { name: OPENQASM_PROGRAM_SET, version: "1" },
      programs,
    });
  }

  private async runBatch(
    batch: Batch,
    values: Uint32Array | Float64Array,
    outcomeCount: number,
  ): Promise<void> {
    const { braket } = this.provider;
    const options = this.provider.options;
    const signal = this.abort.signal;
    const rowCount = batch.end - batch.start;
    const created = await braket
      .send(
        new CreateQuantumTaskCommand({
          clientToken: clientTokenFor(this.id, batch.index),
          deviceArn: options.deviceArn,
          shots: this.config.shots * (this.plan.programSet ? rowCount : 1),
          outputS3Bucket: options.s3Bucket,
          outputS3KeyPrefix: options.s3Prefix,
          action: this.action(batch),
        }),
      )
      .catch((error: unknown) => {
        throw mapBraketError(error, `CreateQuantumTask (batch ${batch.index})`);
      });
    const arn = created.quantumTaskArn!;
    this.inFlight.add(arn);
    if (signal.aborted) {
      this.cancelTask(arn);
      return;
    }
    const interval = this.plan.device.pollIntervalMs ?? options.pollIntervalMs ?? 1000;
    let task: Awaited<ReturnType<typeof this.getTask>>;
    let notFound = 0;
    for (;;) {
      await sleep(interval, signal).catch(() => undefined);
      if (signal.aborted) return;
      try {
        task = await this.getTask(arn);
      } catch (error) {
        // Just after creation a task may not be visible yet (eventual consistency).
        if ((error as AwsErrorLike).name === "ResourceNotFoundException" && ++notFound < 3)
          continue;
        throw mapBraketError(error, `GetQuantumTask ${arn}`);
      }
      if (task.status === "RUNNING" && this.state === "queued") this.state = "running";
      if (task.status !== undefined && TERMINAL.has(task.status)) break;
    }
    this.inFlight.delete(arn);
    if (task.status === "CANCELLED") {
      throw new QplaneError(
        "QPLANE_ERR_PROVIDER_JOB_FAILED",
        `Braket task ${arn} was cancelled outside qplane`,
      );
    }
    if (task.status === "FAILED" && !this.plan.programSet) {
      throw new QplaneError(
        "QPLANE_ERR_PROVIDER_JOB_FAILED",
        `Braket task ${arn} failed: ${task.failureReason ?? "no reason given"}`,
      );
    }
    const bucket = task.outputS3Bucket ?? options.s3Bucket;
    const directory = task.outputS3Directory!;
    let results: Record<string, unknown>;
    try {
      results = (await this.readJson(bucket, `${directory}/results.json`)) as Record<
        string,
        unknown
      >;
    } catch (error) {
      // A FAILED program-set task may or may not have written partial results.
      if (task.status !== "FAILED") throw error;
      throw new QplaneError(
        "QPLANE_ERR_PROVIDER_JOB_FAILED",
        `Braket task ${arn} failed: ${task.failureReason ?? "no reason given"}`,
      );
    }
    if (values instanceof Float64Array) {
      addProbabilities(
        this.plan.circuit,
        results,
        this.plan.program.probabilityTargets ?? [],
        values,
        batch.start * outcomeCount,
      );
      return;
    }
    if (!this.plan.programSet) {
      addCounts(
        this.plan.circuit,
        results as MeasuredResult,
        this.config.shots,
        values,
        batch.start * outcomeCount,
      );
      return;
    }
    await addProgramSetCounts(
      results,
      {
        circuit: this.plan.circuit,
        parameterCount: this.plan.matrix.cols,
        shots: this.config.shots,
        rowStart: batch.start,
        rowCount: batch.end - batch.start,
        outcomeCount,
        taskFolder: { bucket, prefix: directory },
        task,
      },
      (objectBucket, key) => this.readJson(objectBucket, key),
      values,
    );
  }

  private getTask(arn: string) {
    return this.provider.braket.send(new GetQuantumTaskCommand({ quantumTaskArn: arn }));
  }

  private async readJson(bucket: string, key: string): Promise<unknown> {
    try {
      const object = await this.provider.s3.send(
        new GetObjectCommand({ Bucket: bucket, Key: key }),
      );
      if ((object.ContentLength ?? 0) > MAX_RESULT_BYTES) {
        (object.Body as { destroy?: () => void } | undefined)?.destroy?.();
        throw new QplaneError(
          "QPLANE_ERR_PROVIDER_JOB_FAILED",
          `s3://${bucket}/${key} holds ${object.ContentLength} bytes, more than the ${MAX_RESULT_BYTES} a Braket result file is read up to`,
        );
      }
      return JSON.parse(await object.Body!.transformToString());
    } catch (error) {
      if (error instanceof SyntaxError) {
        throw new QplaneError(
          "QPLANE_ERR_PROVIDER_JOB_FAILED",
          `s3://${bucket}/${key} is not JSON: ${error.message}`,
        );
      }
      throw mapBraketError(error, `reading s3://${bucket}/${key}`);
    }
  }
}
