/**
 * A fake Amazon Braket + S3 on loopback (one fastify app) for contract tests.
 *
 * Braket (restJson1): `GET /device/{arn}`, `POST /quantum-task`, `GET /quantum-task/{arn}`,
 * `PUT /quantum-task/{arn}/cancel`. S3 (path-style): `GET /{bucket}/{key}`.
 *
 * Enforced: a SigV4 `Authorization` header naming the configured access key id (else 403
 * AccessDeniedException / S3 AccessDenied); GetDevice returns OpenQASM capabilities only to
 * user agents with BraketSchemas ≥ 1.8.0; CreateQuantumTask's required fields and sizes,
 * `action` a JSON string of a program or program set, program-set inputs all lists of one
 * length, at most `maximumExecutables`, `shots` divisible by the executables, gates within
 * the device's supportedOperations (ValidationException with `reason`; fake-create-task.ts);
 * idempotent `clientToken`. Tasks go QUEUED → RUNNING → COMPLETED over polls; the program is run
 * (fake-programs.ts) with qplane's own parser and simulator (seeded) and `results.json`
 * written in Braket's result schema; program-set results inline or in Braket's S3 path
 * layout, per `programSetResults` (see `ProgramSetResultLayout`). Cancel: CANCELLING, then
 * CANCELLED at the next poll.
 *
 * Device rules also enforced: shots within `shotsRange` (single programs); shots = 0 only
 * with a `#pragma braket result` (answered with an exact `probability` result type);
 * `qubit[n]` within `qubitCount`; physical qubits `$k` only where `supportPhysicalQubits`,
 * on graph qubits, with two-qubit gates on coupled pairs; contiguous indices where
 * `requiresContiguousQubitIndices`; program-set `minimumTotalShots`.
 *
 * Fault injection: queued HTTP faults (5xx, throttling) for CreateQuantumTask and
 * GetQuantumTask, and "lost" create responses (the task is made, the reply is a 500).
 */
import Fastify, { type FastifyReply, type FastifyRequest } from "fastify";
import { checkedAction, createTaskRequestOf } from "./fake-create-task.js";
import { ValidationError, writeTaskResults } from "./fake-programs.js";

export interface FakeDevice {
  readonly arn: string;
  readonly name: string;
  readonly type?: "QPU" | "SIMULATOR";
  readonly qubitCount: number;
  readonly supportedOperations: readonly string[];
  /** Program-set limits; null = no program-set action. */
  readonly programSet: {
    maximumExecutables: number;
    maximumTotalShots: number;
    minimumTotalShots?: number;
  } | null;
  readonly pollIntervalMs?: number;
  /** `service.shotsRange`; a range starting at 0 also allows Probability with 0 shots. */
  readonly shotsRange?: [number, number];
  /** `paradigm.connectivity.connectivityGraph`; absent = fully connected. */
  readonly connectivity?: Record<string, string[]>;
  readonly supportPhysicalQubits?: boolean;
  readonly requiresContiguousQubitIndices?: boolean;
  /** `standardized` calibration properties (fidelities, T1/T2), served as given. */
  readonly standardized?: unknown;
}

/** An injected HTTP error reply. */
export interface FakeFault {
  readonly status: number;
  readonly type: string;
  readonly message?: string;
}

export interface FakeTask {
  readonly arn: string;
  readonly clientToken: string;
  readonly deviceArn: string;
  readonly shots: number;
  readonly action: Record<string, unknown>;
  readonly outputS3Bucket: string;
  readonly outputS3Directory: string;
  status: string;
  polls: number;
  failureReason?: string;
}

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: unknown;
  /** Arrival time (performance.now(), ms): for measuring retry back-off. */
  readonly at: number;
}

/**
 * How a program-set task's `results.json` gives its results. "inline": every program and
 * executable result inside it. "paths": Braket's S3 layout, as the AWS Python SDK reads it
 * (its `result_s3` / `program_result_s3` test fixtures): `results.json` lists
 * `programs/<p>/results.json` under `s3Location` = [bucket, task folder] and
 * `taskMetadata: "metadata.json"`; each program file lists `executables/<k>.json` and
 * `source: "program.json"`, relative to its own folder `programs/<p>/`.
 */
export type ProgramSetResultLayout = "inline" | "paths";

export const PROGRAM_SET_RESULT_LAYOUTS: readonly ProgramSetResultLayout[] = ["inline", "paths"];

export interface FakeBraketOptions {
  readonly devices: readonly FakeDevice[];
  readonly accessKeyId?: string;
  /** How program-set results are written (see `ProgramSetResultLayout`). @defaultValue "inline" */
  readonly programSetResults?: ProgramSetResultLayout;
  /** Polls spent in QUEUED and in RUNNING each. @defaultValue 1 */
  readonly pollsPerState?: number;
  readonly seed?: number;
}

export class FakeBraket {
  readonly app = Fastify();
  readonly tasks = new Map<string, FakeTask>();
  readonly objects = new Map<string, string>();
  readonly requests: RecordedRequest[] = [];
  createAttempts = 0;
  /** Highest number of tasks that were QUEUED or RUNNING at once. */
  maxActive = 0;
  private readonly faults: Record<"create" | "get", FakeFault[]> = { create: [], get: [] };
  private lostCreates = 0;
  private failTasks: string[] = [];
  private counter = 0;
  private readonly devices: Map<string, FakeDevice>;
  private readonly accessKeyId: string;
  private readonly options: FakeBraketOptions;
  /** Polls spent in QUEUED and in RUNNING each (settable between tests). */
  pollsPerState: number;
  /** Layout of program-set results written from now on (settable between tests). */
  programSetResults: ProgramSetResultLayout;
  endpoint = "";

  constructor(options: FakeBraketOptions) {
    this.options = options;
    this.devices = new Map(options.devices.map((device) => [device.arn, device]));
    this.accessKeyId = options.accessKeyId ?? "test";
    this.pollsPerState = options.pollsPerState ?? 1;
    this.programSetResults = options.programSetResults ?? "inline";
    this.routes();
  }

  async start(): Promise<string> {
    await this.app.listen({ host: "127.0.0.1", port: 0 });
    const address = this.app.server.address();
    if (address === null || typeof address === "string") throw new Error("no port");
    this.endpoint = `http://127.0.0.1:${address.port}`;
    return this.endpoint;
  }

  async stop(): Promise<void> {
    await this.app.close();
  }

  /** The next `n` CreateQuantumTask requests get 429 ThrottlingException (replaces queued faults). */
  throttleNextCreates(n: number): void {
    this.faults.create = Array.from({ length: n }, () => ({
      status: 429,
      type: "ThrottlingException",
      message: "Rate exceeded",
    }));
  }

  /** The next CreateQuantumTask / GetQuantumTask requests get these replies, in order. */
  injectFaults(operation: "create" | "get", ...faults: FakeFault[]): void {
    this.faults[operation].push(...faults);
  }

  /** Drops all queued faults. */
  clearFaults(): void {
    this.faults.create = [];
    this.faults.get = [];
    this.lostCreates = 0;
  }

  /** The next `n` valid creates make their task but reply 500 (a reply lost in transit). */
  loseNextCreateResponses(n: number): void {
    this.lostCreates = n;
  }

  private injected(operation: "create" | "get", reply: FastifyReply): FastifyReply | undefined {
    const fault = this.faults[operation].shift();
    if (fault === undefined) return undefined;
    return this.braketError(reply, fault.status, fault.type, {
      message: fault.message ?? `injected ${fault.type}`,
    });
  }

  /** The next task(s) to finish end FAILED with this reason instead of COMPLETED. */
  failNextTask(reason: string): void {
    this.failTasks.push(reason);
  }

  /** Tasks neither terminal nor cancelling. */
  activeTasks(): FakeTask[] {
    return [...this.tasks.values()].filter((t) => t.status === "QUEUED" || t.status === "RUNNING");
  }

  private authorized(request: FastifyRequest): boolean {
    const header = String(request.headers.authorization ?? "");
    return (
      header.startsWith("AWS4-HMAC-SHA256 ") && header.includes(`Credential=${this.accessKeyId}/`)
    );
  }

  private braketError(reply: FastifyReply, status: number, type: string, body: object) {
    return reply.code(status).header("x-amzn-errortype", type).send(body);
  }

  private routes(): void {
    const app = this.app;
    app.addHook("preHandler", async (request, reply) => {
      this.requests.push({
        method: request.method,
        url: request.url,
        headers: { ...request.headers },
        body: request.body,
        at: performance.now(),
      });
      if (this.authorized(request)) return;
      const message = "The security token included in the request is invalid.";
      if (request.url.startsWith("/device/") || request.url.startsWith("/quantum-task")) {
        return this.braketError(reply, 403, "AccessDeniedException", { message });
      }
      return reply
        .code(403)
        .header("content-type", "application/xml")
        .send(`<Error><Code>AccessDenied</Code><Message>${message}</Message></Error>`);
    });

    app.get<{ Params: { arn: string } }>("/device/:arn", async (request, reply) => {
      const device = this.devices.get(request.params.arn);
      if (!device) {
        return this.braketError(reply, 404, "ResourceNotFoundException", {
          message: `Device ${request.params.arn} not found`,
        });
      }
      const ua = `${request.headers["user-agent"] ?? ""} ${request.headers["x-amz-user-agent"] ?? ""}`;
      const version = /BraketSchemas\/(\d+)\.(\d+)/.exec(ua);
      const modern = version !== null && (Number(version[1]) > 1 || Number(version[2]) >= 8);
      const action: Record<string, unknown> = {
        "braket.ir.jaqcd.program": { version: ["1"], actionType: "braket.ir.jaqcd.program" },
      };
      const shotsRange = device.shotsRange ?? [1, 100_000];
      if (modern) {
        action["braket.ir.openqasm.program"] = {
          version: ["1"],
          actionType: "braket.ir.openqasm.program",
          supportedOperations: device.supportedOperations,
          supportedResultTypes: [
            {
              name: "Probability",
              observables: null,
              minShots: shotsRange[0],
              maxShots: shotsRange[1],
            },
          ],
          supportPhysicalQubits: device.supportPhysicalQubits ?? false,
          requiresContiguousQubitIndices: device.requiresContiguousQubitIndices ?? false,
        };
        if (device.programSet) {
          action["braket.ir.openqasm.program_set"] = {
            version: ["1"],
            actionType: "braket.ir.openqasm.program_set",
            ...device.programSet,
          };
        }
      }
      const capabilities = {
        action,
        paradigm: {
          qubitCount: device.qubitCount,
          connectivity: {
            fullyConnected: device.connectivity === undefined,
            connectivityGraph: device.connectivity ?? {},
          },
        },
        service: {
          shotsRange,
          ...(device.pollIntervalMs ? { getTaskPollIntervalMillis: device.pollIntervalMs } : {}),
        },
        ...(device.standardized !== undefined ? { standardized: device.standardized } : {}),
      };
      return {
        deviceArn: device.arn,
        deviceName: device.name,
        providerName: "Fake",
        deviceType: device.type ?? "QPU",
        deviceStatus: "ONLINE",
        deviceCapabilities: JSON.stringify(capabilities),
        deviceQueueInfo: [
          { queue: "QUANTUM_TASKS_QUEUE", queueSize: "3", queuePriority: "Normal" },
        ],
      };
    });

    app.post("/quantum-task", async (request, reply) => {
      this.createAttempts++;
      const faulted = this.injected("create", reply);
      if (faulted) return faulted;
      try {
        const task = this.createTask(request.body as Record<string, unknown>);
        if (this.lostCreates > 0) {
          this.lostCreates--;
          return this.braketError(reply, 500, "InternalServiceException", {
            message: "injected: task created, reply lost",
          });
        }
        return reply.code(201).send({ quantumTaskArn: task.arn });
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        return this.braketError(reply, 400, "ValidationException", {
          message: error.message,
          reason: error.reason,
          ...(error.failures ? { programSetValidationFailures: error.failures } : {}),
        });
      }
    });

    app.get<{ Params: { arn: string } }>("/quantum-task/:arn", async (request, reply) => {
      const faulted = this.injected("get", reply);
      if (faulted) return faulted;
      const task = this.tasks.get(request.params.arn);
      if (!task) {
        return this.braketError(reply, 404, "ResourceNotFoundException", {
          message: `Task ${request.params.arn} not found`,
        });
      }
      this.advance(task);
      return {
        quantumTaskArn: task.arn,
        status: task.status,
        deviceArn: task.deviceArn,
        shots: task.shots,
        outputS3Bucket: task.outputS3Bucket,
        outputS3Directory: task.outputS3Directory,
        ...(task.failureReason ? { failureReason: task.failureReason } : {}),
        createdAt: new Date().toISOString(),
      };
    });

    app.put<{ Params: { arn: string } }>("/quantum-task/:arn/cancel", async (request, reply) => {
      const task = this.tasks.get(request.params.arn);
      if (!task) {
        return this.braketError(reply, 404, "ResourceNotFoundException", {
          message: `Task ${request.params.arn} not found`,
        });
      }
      if (task.status === "COMPLETED" || task.status === "FAILED" || task.status === "CANCELLED") {
        return this.braketError(reply, 409, "ConflictException", {
          message: `Task is ${task.status}`,
        });
      }
      task.status = "CANCELLING";
      return { quantumTaskArn: task.arn, cancellationStatus: "CANCELLING" };
    });

    app.get<{ Params: { bucket: string; "*": string } }>("/:bucket/*", async (request, reply) => {
      const body = this.objects.get(`${request.params.bucket}/${request.params["*"]}`);
      if (body === undefined) {
        return reply
          .code(404)
          .header("content-type", "application/xml")
          .send("<Error><Code>NoSuchKey</Code><Message>The key does not exist</Message></Error>");
      }
      return reply.header("content-type", "application/json").send(body);
    });
  }

  private createTask(body: Record<string, unknown>): FakeTask {
    const request = createTaskRequestOf(body);
    const { clientToken, deviceArn, bucket, prefix, shots } = request;
    const existing = [...this.tasks.values()].find((t) => t.clientToken === clientToken);
    if (existing) return existing;
    const action = checkedAction(this.devices.get(deviceArn), request);
    const id = `task-${++this.counter}`;
    const task: FakeTask = {
      arn: `arn:aws:braket:us-east-1:123456789012:quantum-task/${id}`,
      clientToken,
      deviceArn,
      shots: shots as number,
      action,
      outputS3Bucket: bucket,
      outputS3Directory: `${prefix}/${id}`,
      status: "QUEUED",
      polls: 0,
    };
    this.tasks.set(task.arn, task);
    this.maxActive = Math.max(this.maxActive, this.activeTasks().length);
    return task;
  }

  private advance(task: FakeTask): void {
    const per = this.pollsPerState;
    if (task.status === "CANCELLING") {
      task.status = "CANCELLED";
      return;
    }
    if (task.status !== "QUEUED" && task.status !== "RUNNING") return;
    task.polls++;
    if (task.status === "QUEUED" && task.polls >= per) {
      task.status = "RUNNING";
      task.polls = 0;
    } else if (task.status === "RUNNING" && task.polls >= per) {
      const failure = this.failTasks.shift();
      if (failure !== undefined) {
        task.status = "FAILED";
        task.failureReason = failure;
        return;
      }
      this.execute(task);
      task.status = "COMPLETED";
    }
  }

  /** Writes the task's results to the fake S3, in the current program-set layout. */
  private execute(task: FakeTask): void {
    writeTaskResults(task, {
      layout: this.programSetResults,
      seedBase: (this.options.seed ?? 7) + this.counter * 1000,
      put: (key, text) => this.objects.set(key, text),
    });
  }
}
