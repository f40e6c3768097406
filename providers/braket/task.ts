/**
 * One qplane run on Amazon Braket as a job handle: its tasks created with bounded
 * concurrency (each with a deterministic `clientToken`), polled until terminal, their
 * `results.json` read from S3 and decoded into the run's rows. A failing task stops the run;
 * stopping (cancel, signal, deadline: the shared remote lifecycle) cancels every created task
 * that has not finished, each once.
 */
import { randomUUID } from "node:crypto";
import {
  type BraketClient,
  CancelQuantumTaskCommand,
  CreateQuantumTaskCommand,
  GetQuantumTaskCommand,
  type GetQuantumTaskCommandOutput,
} from "@aws-sdk/client-braket";
import type { S3Client } from "@aws-sdk/client-s3";
import { QplaneError } from "../../src/errors/catalogue.js";
import { pollUntil } from "../remote/poll.js";
import { RemoteJob, type RemoteRun, type RemoteWork } from "../remote/remote-job.js";
import type { ExecutionConfig, ExecutionResult, JobHandle } from "../types.js";
import { type AwsErrorLike, mapBraketError } from "./errors.js";
import { type Batch, clientTokenFor, type Plan, taskAction } from "./plan.js";
import { addProgramSetCounts } from "./result-files.js";
import { addCounts, addProbabilities, type MeasuredResult } from "./results.js";
import { readS3Json } from "./s3-objects.js";

/** Where tasks go and how they are watched: the provider's clients and settings. */
export interface BraketTaskContext {
  readonly braket: BraketClient;
  readonly s3: S3Client;
  readonly options: {
    readonly deviceArn: string;
    readonly s3Bucket: string;
    readonly s3Prefix: string;
    readonly pollIntervalMs?: number;
    readonly maxConcurrentTasks?: number;
    readonly timeoutMs?: number;
  };
}

/** Task states Braket never leaves. */
const TERMINAL_TASK_STATES = new Set(["COMPLETED", "FAILED", "CANCELLED"]);
/** GetQuantumTask "not found" answers tolerated just after a create (eventual consistency). */
const NOT_FOUND_RETRIES = 3;

/** Starts the tasks of `plan`; the handle settles when all have finished or the run stopped. */
export function startBraketJob(
  context: BraketTaskContext,
  plan: Plan,
  config: ExecutionConfig,
): JobHandle {
  const id = `braket-${randomUUID()}`;
  return new RemoteJob(id, new BraketRunWork(id, context, plan, config.shots), {
    signal: config.signal,
    timeoutMs: context.options.timeoutMs ?? 5 * 24 * 3600 * 1000,
    label: `Braket run ${id}`,
  });
}

class BraketRunWork implements RemoteWork {
  /** Created tasks not known to be terminal. */
  private readonly inFlight = new Set<string>();
  private readonly cancelRequested = new Set<string>();
  private readonly cancelCalls: Promise<void>[] = [];

  constructor(
    private readonly id: string,
    private readonly context: BraketTaskContext,
    private readonly plan: Plan,
    private readonly shots: number,
  ) {}

  async execute(run: RemoteRun): Promise<ExecutionResult> {
    const { matrix, batches } = this.plan;
    const outcomeCount = 2 ** this.plan.circuit.numClbits;
    const values = this.plan.exact
      ? new Float64Array(matrix.rows * outcomeCount)
      : new Uint32Array(matrix.rows * outcomeCount);
    let next = 0;
    const worker = async () => {
      while (next < batches.length && !run.stopSignal.aborted) {
        const batch = batches[next++]!;
        try {
          await this.runBatch(batch, values, outcomeCount, run);
        } catch (error) {
          run.stop(
            error instanceof QplaneError ? error : mapBraketError(error, `task ${batch.index}`),
          );
        }
      }
    };
    const width = Math.max(
      1,
      Math.min(this.context.options.maxConcurrentTasks ?? 10, batches.length),
    );
    await Promise.all(Array.from({ length: width }, worker));
    if (run.stopSignal.aborted) {
      // tasks whose create answered after the stop are cancelled too
      await this.cancelRemote();
      throw run.stopSignal.reason;
    }
    if (values instanceof Float64Array) {
      return { kind: "probabilities", rows: matrix.rows, outcomeCount, values };
    }
    return { kind: "counts", rows: matrix.rows, outcomeCount, shots: this.shots, values };
  }

  /** Cancels every created, unfinished task (each once) and waits for the answers. */
  async cancelRemote(): Promise<void> {
    for (const arn of this.inFlight) this.cancelTask(arn);
    await Promise.all(this.cancelCalls);
  }

  private cancelTask(arn: string): void {
    if (this.cancelRequested.has(arn)) return;
    this.cancelRequested.add(arn);
    this.cancelCalls.push(
      this.context.braket
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

  private async runBatch(
    batch: Batch,
    values: Uint32Array | Float64Array,
    outcomeCount: number,
    run: RemoteRun,
  ): Promise<void> {
    const { braket, options } = this.context;
    const rowCount = batch.end - batch.start;
    const created = await braket
      .send(
        new CreateQuantumTaskCommand({
          clientToken: clientTokenFor(this.id, batch.index),
          deviceArn: options.deviceArn,
          shots: this.shots * (this.plan.programSet ? rowCount : 1),
          outputS3Bucket: options.s3Bucket,
          outputS3KeyPrefix: options.s3Prefix,
          action: taskAction(this.plan, batch),
        }),
      )
      .catch((error: unknown) => {
        throw mapBraketError(error, `CreateQuantumTask (batch ${batch.index})`);
      });
    const arn = created.quantumTaskArn!;
    this.inFlight.add(arn);
    if (run.stopSignal.aborted) {
      this.cancelTask(arn);
      return;
    }
    const task = await this.pollTask(arn, run);
    this.inFlight.delete(arn);
    await this.readTaskResult(arn, task, batch, values, outcomeCount);
  }

  /** Polls task `arn` until it is terminal (rejects with the stop reason when the run stops). */
  private pollTask(arn: string, run: RemoteRun): Promise<GetQuantumTaskCommandOutput> {
    let notFound = 0;
    return pollUntil(
      async () => {
        try {
          const task = await this.context.braket.send(
            new GetQuantumTaskCommand({ quantumTaskArn: arn }),
          );
          if (task.status === "RUNNING") run.observe("running");
          return task;
        } catch (error) {
          if (
            (error as AwsErrorLike).name === "ResourceNotFoundException" &&
            ++notFound < NOT_FOUND_RETRIES
          ) {
            return undefined;
          }
          throw mapBraketError(error, `GetQuantumTask ${arn}`);
        }
      },
      (task) => task.status !== undefined && TERMINAL_TASK_STATES.has(task.status),
      {
        firstIntervalMs:
          this.plan.device.pollIntervalMs ?? this.context.options.pollIntervalMs ?? 1000,
        waitFirst: true,
      },
      run.stopSignal,
    );
  }

  /** Decodes a terminal task's `results.json` into the rows of its batch. */
  private async readTaskResult(
    arn: string,
    task: GetQuantumTaskCommandOutput,
    batch: Batch,
    values: Uint32Array | Float64Array,
    outcomeCount: number,
  ): Promise<void> {
    const { s3, options } = this.context;
    if (task.status === "CANCELLED") {
      throw new QplaneError(
        "QPLANE_ERR_PROVIDER_JOB_FAILED",
        `Braket task ${arn} was cancelled outside qplane`,
      );
    }
    const failed = () =>
      new QplaneError(
        "QPLANE_ERR_PROVIDER_JOB_FAILED",
        `Braket task ${arn} failed: ${task.failureReason ?? "no reason given"}`,
      );
    if (task.status === "FAILED" && !this.plan.programSet) throw failed();
    const bucket = task.outputS3Bucket ?? options.s3Bucket;
    const directory = task.outputS3Directory!;
    const readJson = (objectBucket: string, key: string) => readS3Json(s3, objectBucket, key);
    let results: Record<string, unknown>;
    try {
      results = (await readJson(bucket, `${directory}/results.json`)) as Record<string, unknown>;
    } catch (error) {
      // A FAILED program-set task may or may not have written partial results.
      if (task.status !== "FAILED") throw error;
      throw failed();
    }
    const { circuit, program, matrix } = this.plan;
    const offset = batch.start * outcomeCount;
    if (values instanceof Float64Array) {
      addProbabilities(circuit, results, program.probabilityTargets ?? [], values, offset);
      return;
    }
    if (!this.plan.programSet) {
      addCounts(circuit, results as MeasuredResult, this.shots, values, offset);
      return;
    }
    await addProgramSetCounts(
      results,
      {
        circuit,
        parameterCount: matrix.cols,
        shots: this.shots,
        rowStart: batch.start,
        rowCount: batch.end - batch.start,
        outcomeCount,
        taskFolder: { bucket, prefix: directory },
        task,
      },
      readJson,
      values,
    );
  }
}
