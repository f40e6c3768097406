/**
 * Amazon Braket behind the provider interface (AWS SDK v3).
 *
 * Before anything is created the circuit is fitted to the device: shots checked against
 * `shotsRange` (0 only where the device gives exact results), placed and SWAP-routed on
 * its connectivity graph (placement.ts), its unsupported gates decomposed into
 * `supportedOperations` (decompose.ts), contiguous indices checked, and emitted in
 * Braket's OpenQASM 3 (gates.ts); fitting runs in a worker thread (fit.ts). shots = 0
 * submits a `probability` result type and returns exact probabilities.
 *
 * One `run` = one program set task per ≤ `maximumExecutables` parameter rows where the
 * device has the `braket.ir.openqasm.program_set` action, else one task per row (plan.ts).
 * The tasks of a run (task.ts) are created with bounded concurrency, each with a
 * deterministic `clientToken` (job id + batch index), polled until terminal, and their
 * `results.json` read from S3 at `<outputS3Directory>/results.json` (s3-objects.ts;
 * program-set entries given as S3 paths are resolved as the AWS SDK resolves them,
 * result-files.ts) and decoded with Braket's bit order (results.ts). The run's lifecycle is
 * the shared remote one (providers/remote): cancelling (signal or handle) or the deadline
 * cancels every created task that has not finished; a failing task cancels the others too.
 * Throttling, 5xx and network errors are retried by the SDK (standard mode: `maxAttempts`,
 * jittered exponential back-off) and mapped to qplane's codes (errors.ts); the retried
 * request keeps its clientToken, so a create whose reply was lost never makes a second task.
 */
import { BraketClient, GetDeviceCommand } from "@aws-sdk/client-braket";
import { S3Client } from "@aws-sdk/client-s3";
import type { Circuit } from "../../src/circuits/ir.js";
import {
  checkParameterShape,
  type ParameterRowsInput,
  toParameterMatrix,
} from "../../src/circuits/parameters.js";
import { describeCircuit, runOffThread } from "../../src/compute/off-thread.js";
import { QplaneError } from "../../src/errors/catalogue.js";
import {
  type ExecutionConfig,
  type ExecutionEstimate,
  type JobHandle,
  type MatrixShape,
  type Provider,
  type ProviderCapabilities,
  type ProviderStatus,
  throwIfCancelled,
} from "../types.js";
import { type BraketDevice, nativeIrGates, parseDevice } from "./device.js";
import { mapBraketError } from "./errors.js";
import { FIT_TO_DEVICE_TASK, type FittedCircuit } from "./fit.js";
import { checkShots, type Plan, programSetBatches, programSetTasks } from "./plan.js";
import { startBraketJob } from "./task.js";

/** Fitted circuits kept per provider (see `prepare`). */
const PREPARED_CACHE_SIZE = 64;

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
      FIT_TO_DEVICE_TASK,
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
    return startBraketJob(this, plan, config);
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
