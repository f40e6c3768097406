/**
 * A fake IBM Cloud IAM + Qiskit Runtime REST server (fastify on 127.0.0.1:0) enforcing the
 * contract in shared/specs/ibm-runtime.md: token exchange with a short expiry, bearer token,
 * Service-CRN and IBM-API-Version on every call, backend configuration/status/properties,
 * Sampler V2 job bodies and parameter shapes, ISA-only circuits on coupled physical qubits
 * (code 1517), undefined gates (1603), Queued → Running → Completed over polls, plain-JSON
 * hex samples nested per parameter row, cancellation (409 when finished), failed jobs and
 * injected 429/5xx faults. It executes what it receives with qplane's own parser and
 * simulator, so results are physically right.
 */
import { randomUUID } from "node:crypto";
import Fastify, { type FastifyInstance, type FastifyReply } from "fastify";
import { sampledCounts } from "../../../providers/local/simulator.js";
import type { Circuit } from "../../../src/circuits/ir.js";
import { parseQasm3Program } from "../../../src/circuits/qasm3/parse.js";
import { createRng, type Rng } from "../../../src/random/rng.js";

export interface FakeDevice {
  readonly name: string;
  readonly nQubits: number;
  readonly basisGates: readonly string[];
  /** Directed coupled pairs. */
  readonly couplingMap: readonly (readonly [number, number])[];
}

export interface FakeIbmOptions {
  readonly apiKey?: string;
  readonly instanceCrn?: string;
  readonly device?: FakeDevice;
  /** Lifetime of issued tokens. @defaultValue 3600 s */
  readonly tokenTtlSeconds?: number;
  /** GET /jobs/{id} polls a job spends Queued, then Running. @defaultValue 1, 1 */
  readonly queuedPolls?: number;
  readonly runningPolls?: number;
  readonly seed?: number;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: unknown;
  /** Status the fake answered. */
  status?: number;
}

export interface FakeJob {
  readonly id: string;
  status: "Queued" | "Running" | "Completed" | "Failed" | "Cancelled";
  reason?: string;
  polls: number;
  readonly failWith?: string;
  readonly circuit: Circuit;
  /** Bindings in the circuit's column order, or one empty binding. */
  readonly bindings: number[][];
  readonly nested: boolean;
  readonly shots: number;
  readonly body: unknown;
}

export interface Fault {
  readonly status: number;
  readonly count: number;
  readonly retryAfter?: string;
}

export const FAKE_API_KEY = "test-api-key-0123456789";
export const FAKE_CRN =
  "crn:v1:bluemix:public:quantum-computing:us-east:a/abc123:0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b::";

/** A 7-qubit heavy-hex fragment with rz/sx/x + ecr (directed, as Eagle-class devices). */
export const FAKE_DEVICE: FakeDevice = {
  name: "fake_lagos",
  nQubits: 7,
  basisGates: ["ecr", "id", "rz", "sx", "x"],
  couplingMap: [
    [0, 1],
    [1, 2],
    [1, 3],
    [3, 5],
    [4, 5],
    [5, 6],
  ],
};

/** Gates of stdgates.inc (callable without a `gate` block). */
const STDGATES = new Set([
  "p",
  "x",
  "y",
  "z",
  "h",
  "s",
  "sdg",
  "t",
  "tdg",
  "sx",
  "rx",
  "ry",
  "rz",
  "cx",
  "cy",
  "cz",
  "cp",
  "crx",
  "cry",
  "crz",
  "ch",
  "swap",
  "ccx",
  "cswap",
  "cu",
  "CX",
  "phase",
  "cphase",
  "id",
  "u1",
  "u2",
  "u3",
  "U",
  "gphase",
]);

function ibmError(code: number, message: string) {
  return {
    errors: [{ code, message, more_info: `https://quantum.cloud.ibm.com/docs/errors#${code}` }],
    trace: randomUUID(),
  };
}

/** Qiskit's tuple text: `(0,)`, `(0, 1)`. */
function qubitTuple(qubits: readonly string[]): string {
  const text = qubits.map((q) => q.replace(/^\$/, "")).join(", ");
  return qubits.length === 1 ? `(${text},)` : `(${text})`;
}

/** IBM's ISA check on the program text (before any gate block is inlined). */
export function checkIsaText(
  qasm: string,
  device: FakeDevice,
): { code: number; message: string } | undefined {
  const defined = new Set<string>();
  const withoutBlocks = qasm
    .replace(/\/\/[^\n]*/g, "")
    .replace(/gate\s+([A-Za-z_]\w*)[^{]*\{[^}]*\}/g, (_all, name: string) => {
      defined.add(name);
      return "";
    });
  const basis = new Set(device.basisGates);
  const coupled = new Set(device.couplingMap.map(([a, b]) => `${a},${b}`));
  for (const raw of withoutBlocks.split(";")) {
    const statement = raw.trim().replace(/\s+/g, " ");
    if (statement === "" || /^(OPENQASM|include|input|bit|creg)\b/.test(statement)) continue;
    if (/^(qubit|qreg)\b/.test(statement)) {
      return {
        code: 1517,
        message: `non-ISA circuit: virtual qubits declared (${statement}); use physical qubits $k`,
      };
    }
    const measure = /^[A-Za-z_]\w*(\[\d+\])? = measure (\S+)$/.exec(statement);
    if (measure) {
      const operand = measure[2]!;
      if (!/^\$\d+$/.test(operand) || Number(operand.slice(1)) >= device.nQubits) {
        return {
          code: 1517,
          message: `instruction measure on qubits ${qubitTuple([operand])} is not supported by the target system`,
        };
      }
      continue;
    }
    const call = /^([A-Za-z_]\w*)(\([^)]*\))? (.+)$/.exec(statement);
    if (!call) return { code: 1500, message: `cannot parse statement "${statement}"` };
    const name = call[1]!;
    const operands = call[3]!.split(",").map((s) => s.trim());
    if (!STDGATES.has(name) && !defined.has(name)) {
      return { code: 1603, message: `gate ${name} is not defined` };
    }
    const physical = operands.every(
      (q) => /^\$\d+$/.test(q) && Number(q.slice(1)) < device.nQubits,
    );
    const pairOk = operands.length !== 2 || coupled.has(operands.map((q) => q.slice(1)).join(","));
    if (!basis.has(name) || name === "id" || !physical || !pairOk) {
      return {
        code: 1517,
        message: `instruction ${name} on qubits ${qubitTuple(operands)} is not supported by the target system`,
      };
    }
  }
  return undefined;
}

function shuffledSamples(
  counts: Uint32Array,
  offset: number,
  outcomeCount: number,
  rng: Rng,
): string[] {
  const samples: string[] = [];
  for (let outcome = 0; outcome < outcomeCount; outcome++) {
    const hex = `0x${outcome.toString(16)}`;
    for (let k = 0; k < counts[offset + outcome]!; k++) samples.push(hex);
  }
  for (let i = samples.length - 1; i > 0; i--) {
    const j = rng.nextUint32() % (i + 1);
    [samples[i], samples[j]] = [samples[j]!, samples[i]!];
  }
  return samples;
}

export class FakeIbmServer {
  readonly app: FastifyInstance;
  readonly apiKey: string;
  readonly instanceCrn: string;
  /** Mutable: tests change the coupling map under a provider that cached the old one. */
  device: FakeDevice;
  readonly requests: RecordedRequest[] = [];
  readonly jobs = new Map<string, FakeJob>();
  readonly tokens = new Map<string, number>();
  tokenTtlSeconds: number;
  queuedPolls: number;
  runningPolls: number;
  private readonly faults: Fault[] = [];
  private failNextJobReason: string | undefined;
  private readonly rng: Rng;
  private tokenCounter = 0;
  private origin = "";

  constructor(options: FakeIbmOptions = {}) {
    this.apiKey = options.apiKey ?? FAKE_API_KEY;
    this.instanceCrn = options.instanceCrn ?? FAKE_CRN;
    this.device = options.device ?? FAKE_DEVICE;
    this.tokenTtlSeconds = options.tokenTtlSeconds ?? 3600;
    this.queuedPolls = options.queuedPolls ?? 1;
    this.runningPolls = options.runningPolls ?? 1;
    this.rng = createRng(options.seed ?? 7);
    this.app = Fastify({ logger: false });
    this.routes();
  }

  get iamUrl(): string {
    return this.origin;
  }

  get baseUrl(): string {
    return `${this.origin}/api/v1`;
  }

  async start(): Promise<this> {
    const address = await this.app.listen({ host: "127.0.0.1", port: 0 });
    this.origin = address;
    return this;
  }

  async close(): Promise<void> {
    await this.app.close();
  }

  /** The next `count` API requests answer `status` (429 with `Retry-After` when given). */
  injectFault(fault: Fault): void {
    this.faults.push({ ...fault });
  }

  /** The next job created ends Failed with this reason. */
  failNextJob(reason: string): void {
    this.failNextJobReason = reason;
  }

  /** Forgets every issued token (the next API call gets 401). */
  revokeTokens(): void {
    this.tokens.clear();
  }

  apiRequests(method?: string, prefix = "/api/v1"): RecordedRequest[] {
    return this.requests.filter(
      (r) => r.path.startsWith(prefix) && (method === undefined || r.method === method),
    );
  }

  iamRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.path === "/identity/token");
  }

  private takeFault(): Fault | undefined {
    const fault = this.faults[0];
    if (fault === undefined) return undefined;
    if (fault.count <= 1) this.faults.shift();
    else this.faults[0] = { ...fault, count: fault.count - 1 };
    return fault;
  }

  private routes(): void {
    const app = this.app;
    app.addContentTypeParser(
      "application/x-www-form-urlencoded",
      { parseAs: "string" },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    // Like the service (and the Python client, which posts cancel without a body), an
    // empty body with a JSON Content-Type is accepted.
    app.removeContentTypeParser("application/json");
    app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
      const text = String(body);
      if (text.trim() === "") return done(null, undefined);
      try {
        done(null, JSON.parse(text));
      } catch {
        const error = new Error("malformed JSON body") as Error & { statusCode: number };
        error.statusCode = 400;
        done(error, undefined);
      }
    });
    app.addHook("preHandler", async (request, reply) => {
      const record: RecordedRequest = {
        method: request.method,
        path: request.url,
        headers: { ...request.headers },
        body: request.body,
      };
      this.requests.push(record);
      reply.raw.on("finish", () => {
        record.status = reply.statusCode;
      });
      if (!request.url.startsWith("/api/v1")) return;
      const fault = this.takeFault();
      if (fault !== undefined) {
        if (fault.retryAfter !== undefined) reply.header("Retry-After", fault.retryAfter);
        const error =
          fault.status === 429
            ? ibmError(1202, "Too many requests, please try again later")
            : ibmError(9999, `Service temporarily unavailable (injected ${fault.status})`);
        return reply.code(fault.status).send(error);
      }
      const auth = request.headers.authorization;
      const token = typeof auth === "string" && auth.startsWith("Bearer ") ? auth.slice(7) : "";
      const expiry = this.tokens.get(token);
      if (expiry === undefined || Date.now() >= expiry) {
        return reply.code(401).send(ibmError(1201, "Invalid or expired token"));
      }
      const crn = request.headers["service-crn"];
      if (crn === undefined) {
        return reply.code(400).send(ibmError(1206, "Missing Service-CRN header"));
      }
      if (crn !== this.instanceCrn) {
        return reply.code(401).send(ibmError(1279, `Instance ${String(crn)} not found`));
      }
      if (request.headers["ibm-api-version"] === undefined) {
        return reply.code(400).send(ibmError(1210, "Missing IBM-API-Version header"));
      }
      return undefined;
    });

    app.post("/identity/token", async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, string>;
      if (body.grant_type !== "urn:ibm:params:oauth:grant-type:apikey") {
        return reply
          .code(400)
          .send({ errorCode: "BXNIM0109E", errorMessage: "Property missing or empty" });
      }
      if (body.apikey !== this.apiKey) {
        return reply.code(400).send({
          errorCode: "BXNIM0415E",
          errorMessage: "Provided API key could not be found.",
        });
      }
      this.tokenCounter += 1;
      const token = `fake-token-${this.tokenCounter}-${randomUUID()}`;
      this.tokens.set(token, Date.now() + this.tokenTtlSeconds * 1000);
      const now = Math.floor(Date.now() / 1000);
      return {
        access_token: token,
        refresh_token: "not_supported",
        token_type: "Bearer",
        expires_in: this.tokenTtlSeconds,
        expiration: now + this.tokenTtlSeconds,
        scope: "ibm openid",
      };
    });

    const backend = (name: string, reply: FastifyReply) => {
      if (name !== this.device.name) {
        void reply.code(404).send(ibmError(1216, `Backend ${name} not found`));
        return undefined;
      }
      return this.device;
    };
    app.get<{ Params: { name: string } }>(
      "/api/v1/backends/:name/configuration",
      async (request, reply) => {
        const device = backend(request.params.name, reply);
        if (device === undefined) return reply;
        return {
          backend_name: device.name,
          backend_version: "1.0.0",
          n_qubits: device.nQubits,
          basis_gates: device.basisGates,
          supported_instructions: [...device.basisGates, "measure", "reset", "delay"],
          coupling_map: device.couplingMap,
          gates: device.basisGates.map((name) => ({ name, qubits: [] })),
          max_shots: 100000,
          max_experiments: 300,
          dt: 2.2222e-10,
          processor_type: { family: "Fake", revision: 1 },
        };
      },
    );
    app.get<{ Params: { name: string } }>(
      "/api/v1/backends/:name/status",
      async (request, reply) => {
        const device = backend(request.params.name, reply);
        if (device === undefined) return reply;
        const pending = [...this.jobs.values()].filter((j) => j.status === "Queued").length;
        return {
          state: true,
          status: "active",
          message: "",
          length_queue: pending,
          backend_version: "1.0.0",
        };
      },
    );
    app.get<{ Params: { name: string } }>(
      "/api/v1/backends/:name/properties",
      async (request, reply) => {
        const device = backend(request.params.name, reply);
        if (device === undefined) return reply;
        return {
          backend_name: device.name,
          last_update_date: new Date().toISOString(),
          qubits: Array.from({ length: device.nQubits }, (_, q) => [
            { name: "T1", unit: "us", value: 100 + q },
            { name: "T2", unit: "us", value: 80 + q },
            { name: "readout_error", unit: "", value: 0.01 + q / 1000 },
          ]),
          gates: device.couplingMap.map(([a, b]) => ({
            gate: "ecr",
            qubits: [a, b],
            parameters: [{ name: "gate_error", unit: "", value: 0.005 + (a + b) / 1000 }],
          })),
        };
      },
    );

    app.post("/api/v1/jobs", async (request, reply) => {
      const result = this.createJob(request.body);
      if ("error" in result)
        return reply.code(400).send(ibmError(result.error.code, result.error.message));
      return { id: result.id, backend: this.device.name };
    });

    app.get<{ Params: { id: string } }>("/api/v1/jobs/:id", async (request, reply) => {
      const job = this.jobs.get(request.params.id);
      if (job === undefined) return reply.code(404).send(ibmError(1291, "Job not found"));
      this.advance(job);
      return {
        id: job.id,
        backend: this.device.name,
        status: job.status,
        state: { status: job.status, ...(job.reason ? { reason: job.reason } : {}) },
        created: new Date().toISOString(),
        program: { id: "sampler" },
      };
    });

    app.get<{ Params: { id: string } }>("/api/v1/jobs/:id/results", async (request, reply) => {
      const job = this.jobs.get(request.params.id);
      if (job === undefined) return reply.code(404).send(ibmError(1291, "Job not found"));
      if (job.status !== "Completed") return reply.code(204).send();
      return this.results(job);
    });

    app.post<{ Params: { id: string } }>("/api/v1/jobs/:id/cancel", async (request, reply) => {
      const job = this.jobs.get(request.params.id);
      if (job === undefined) return reply.code(404).send(ibmError(1291, "Job not found"));
      if (job.status !== "Queued" && job.status !== "Running") {
        return reply
          .code(409)
          .send(ibmError(1211, `Job ${job.id} cannot be cancelled (${job.status})`));
      }
      job.status = "Cancelled";
      return reply.code(204).send();
    });
  }

  private advance(job: FakeJob): void {
    if (job.status !== "Queued" && job.status !== "Running") return;
    job.polls += 1;
    if (job.failWith !== undefined && job.polls > this.queuedPolls) {
      job.status = "Failed";
      job.reason = job.failWith;
    } else if (job.polls > this.queuedPolls + this.runningPolls) job.status = "Completed";
    else if (job.polls > this.queuedPolls) job.status = "Running";
  }

  private createJob(body: unknown): { id: string } | { error: { code: number; message: string } } {
    const bad = (message: string) => ({ error: { code: 1500, message } });
    if (typeof body !== "object" || body === null) return bad("body must be a JSON object");
    const b = body as Record<string, unknown>;
    if (b.program_id !== "sampler")
      return bad(`program_id must be "sampler", got ${JSON.stringify(b.program_id)}`);
    if (b.backend !== this.device.name)
      return { error: { code: 1216, message: `Backend ${String(b.backend)} not found` } };
    const params = b.params as Record<string, unknown> | undefined;
    if (typeof params !== "object" || params === null) return bad("params must be an object");
    const extra = Object.keys(params).filter(
      (k) => !["pubs", "version", "options", "support_qiskit"].includes(k),
    );
    if (extra.length > 0) return bad(`params has unknown keys: ${extra.join(", ")}`);
    if (params.version !== 2) return bad("params.version must be 2");
    if (params.support_qiskit === true) return bad("this fake serves only support_qiskit: false");
    const pubs = params.pubs;
    if (!Array.isArray(pubs) || pubs.length !== 1)
      return bad("params.pubs must hold one PUB (this fake)");
    const pub = pubs[0];
    if (!Array.isArray(pub) || pub.length < 1 || pub.length > 3)
      return bad("a PUB is [circuit, values|null, shots]");
    const [qasm, values, shots = 4096] = pub as [unknown, unknown, unknown];
    if (typeof qasm !== "string") return bad("PUB circuit must be an OpenQASM 3 string");
    if (!Number.isInteger(shots) || (shots as number) < 1 || (shots as number) > 10_000_000) {
      return bad(`PUB shots must be an integer in 1..10000000, got ${JSON.stringify(shots)}`);
    }
    const isa = checkIsaText(qasm, this.device);
    if (isa !== undefined) return { error: isa };
    let program: ReturnType<typeof parseQasm3Program>;
    try {
      program = parseQasm3Program(qasm);
    } catch (error) {
      return {
        error: { code: 1603, message: `OpenQASM 3 parse error: ${(error as Error).message}` },
      };
    }
    const names = program.parameterNames;
    // IBM binds the last axis of the values in alphabetical order of the parameter names.
    const sorted = [...names].sort();
    let bindings: number[][];
    let nested = false;
    if (names.length === 0) {
      if (values !== null && values !== undefined)
        return bad("circuit has no parameters; values must be null");
      bindings = [[]];
    } else {
      if (!Array.isArray(values))
        return bad(`circuit has ${names.length} parameter(s); values are missing`);
      nested = values.length > 0 && Array.isArray(values[0]);
      const rows = (nested ? values : [values]) as unknown[];
      if (rows.length === 0) return bad("values has no rows");
      bindings = [];
      for (const [r, row] of rows.entries()) {
        if (
          !Array.isArray(row) ||
          row.length !== names.length ||
          !row.every((v) => typeof v === "number" && Number.isFinite(v))
        ) {
          return bad(`values row ${r} must hold ${names.length} finite number(s) (one per input)`);
        }
        bindings.push(names.map((name) => row[sorted.indexOf(name)] as number));
      }
    }
    const id = `fake-job-${randomUUID()}`;
    const job: FakeJob = {
      id,
      status: "Queued",
      polls: 0,
      circuit: program.circuit,
      bindings,
      nested,
      shots: shots as number,
      body,
      ...(this.failNextJobReason !== undefined ? { failWith: this.failNextJobReason } : {}),
    };
    this.failNextJobReason = undefined;
    this.jobs.set(id, job);
    return { id };
  }

  private results(job: FakeJob) {
    const { circuit } = job;
    const counts = sampledCounts(circuit, job.bindings, { shots: job.shots, rng: this.rng });
    const perRow = job.bindings.map((_, row) =>
      shuffledSamples(counts.values, row * counts.outcomeCount, counts.outcomeCount, this.rng),
    );
    return {
      results: [
        {
          data: { c: { samples: job.nested ? perRow : perRow[0], num_bits: circuit.numClbits } },
          metadata: { circuit_metadata: {} },
        },
      ],
      metadata: { execution: { execution_spans: [] }, version: 2 },
    };
  }
}

export async function startFakeIbm(options: FakeIbmOptions = {}): Promise<FakeIbmServer> {
  return new FakeIbmServer(options).start();
}
