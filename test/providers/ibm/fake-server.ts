/**
 * A fake IBM Cloud IAM + Qiskit Runtime REST server (fastify on 127.0.0.1:0) enforcing the
 * REST contract that IBM documents and qiskit-ibm-runtime follows, as providers/ibm relies on
 * it: token exchange with a short expiry, bearer token,
 * Service-CRN and IBM-API-Version on every call, backend configuration/status/properties,
 * Sampler V2 job bodies and parameter shapes, ISA-only circuits on coupled physical qubits
 * (code 1517), undefined gates (1603), Queued → Running → Completed over polls, plain-JSON
 * hex samples nested per parameter row (one result per PUB), Sampler options (documented
 * keys only; twirling changes the sample count as IBM documents it; fractional gates +
 * gate twirling → 1519; rzz angles outside [0, π/2] → 1517), batch/dedicated sessions
 * (Open plan + dedicated → 1352; jobs into unknown or closed sessions refused),
 * cancellation (409 when finished), failed jobs and injected 429/5xx faults. It executes what it receives with qplane's own parser and
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
  /** The instance's plan; "open" refuses dedicated sessions (1352). @defaultValue "premium" */
  readonly plan?: "open" | "premium";
  /** `/properties` body served as given (a calibration fixture). @defaultValue generated */
  readonly properties?: unknown;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: unknown;
  /** Status the fake answered. */
  status?: number;
}

export interface FakePub {
  readonly circuit: Circuit;
  /** Bindings in the circuit's column order, or one empty binding. */
  readonly bindings: number[][];
  readonly nested: boolean;
  readonly shots: number;
  /** Samples returned per binding: the shots, or num_randomizations × shots_per_randomization. */
  readonly samples: number;
}

export interface FakeJob {
  readonly id: string;
  status: "Queued" | "Running" | "Completed" | "Failed" | "Cancelled";
  reason?: string;
  reasonCode?: number;
  polls: number;
  readonly failWith?: { readonly reason: string; readonly code: number };
  readonly pubs: readonly FakePub[];
  /** The bindings of all PUBs, in order. */
  readonly bindings: number[][];
  readonly sessionId?: string;
  readonly body: unknown;
}

export interface FakeSession {
  readonly id: string;
  readonly mode: "batch" | "dedicated";
  readonly backend: string;
  readonly maxTtl: number;
  acceptingJobs: boolean;
  closed: boolean;
}

/**
 * Session error codes are not documented in the spec (only 1352 is, third-party): the fake
 * uses these for jobs naming an unknown or a closed session, in IBM's error body shape.
 */
export const FAKE_SESSION_NOT_FOUND = 1298;
export const FAKE_SESSION_CLOSED = 1297;

/** Top-level `POST /jobs` keys of qiskit-ibm-runtime's `program_run` payload. */
const JOB_KEYS = new Set([
  "program_id",
  "backend",
  "params",
  "session_id",
  "tags",
  "cost",
  "private",
  "calibration_id",
  "log_level",
  "runtime",
  "start_session",
  "session_time",
]);

/** Sampler V2 options and their documented keys and enumerations. */
const OPTION_KEYS = new Set([
  "default_shots",
  "dynamical_decoupling",
  "twirling",
  "execution",
  "simulator",
  "experimental",
]);
const DD_FIELDS: Record<string, readonly unknown[] | "boolean"> = {
  enable: "boolean",
  sequence_type: ["XX", "XpXm", "XY4"],
  extra_slack_distribution: ["middle", "edges"],
  scheduling_method: ["alap", "asap"],
};
const TWIRLING_FIELDS: Record<string, readonly unknown[] | "boolean" | "count"> = {
  enable_gates: "boolean",
  enable_measure: "boolean",
  num_randomizations: "count",
  shots_per_randomization: "count",
  strategy: ["active", "active-accum", "active-circuit", "all"],
};

/** Why an options object is invalid (IBM's options model: additionalProperties false). */
function optionsError(options: unknown): string | undefined {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    return "params.options must be an object";
  }
  for (const [key, value] of Object.entries(options)) {
    if (!OPTION_KEYS.has(key)) return `params.options has unknown key: ${key}`;
    const fields =
      key === "dynamical_decoupling" ? DD_FIELDS : key === "twirling" ? TWIRLING_FIELDS : null;
    if (fields === null) continue;
    if (typeof value !== "object" || value === null)
      return `params.options.${key} must be an object`;
    for (const [field, v] of Object.entries(value)) {
      const rule = fields[field];
      const ok =
        rule === undefined
          ? false
          : rule === "boolean"
            ? typeof v === "boolean"
            : rule === "count"
              ? v === "auto" || (Number.isInteger(v) && (v as number) >= 1)
              : rule.includes(v);
      if (!ok) return `params.options.${key}.${field}: invalid value ${JSON.stringify(v)}`;
    }
  }
  return undefined;
}

/** Samples per binding of a PUB of `shots` shots under these options (IBM's TwirlingOptions). */
function twirledSamples(shots: number, options: Record<string, unknown> | undefined): number {
  const twirling = options?.twirling as Record<string, unknown> | undefined;
  if (twirling?.enable_gates !== true && twirling?.enable_measure !== true) return shots;
  const n = twirling.num_randomizations ?? "auto";
  const k = twirling.shots_per_randomization ?? "auto";
  if (n === "auto" && k === "auto") {
    const perRandomization = Math.max(64, Math.ceil(shots / 32));
    return Math.ceil(shots / perRandomization) * perRandomization;
  }
  if (n === "auto") return Math.ceil(shots / (k as number)) * (k as number);
  if (k === "auto") return (n as number) * Math.ceil(shots / (n as number));
  return (n as number) * (k as number);
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

/** IBM's 404 body for a session id it does not know. */
function sessionNotFound(id: string) {
  return ibmError(FAKE_SESSION_NOT_FOUND, `Session ${id} not found`);
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

/** The first bound rzz angle outside [0, π/2] (IBM's fractional-gate range), if any. */
function rzzOutOfRange(circuit: Circuit, bindings: readonly number[][]): number | undefined {
  for (const gate of circuit.gates) {
    if (gate.name !== "rzz") continue;
    const arg = gate.args[0]!;
    const column =
      typeof arg === "number"
        ? -1
        : circuit.parameters.findIndex((p) => p.kind === arg.kind && p.name === arg.name);
    for (const binding of bindings) {
      const angle = typeof arg === "number" ? arg : arg.scale * binding[column]! + arg.offset;
      if (angle < 0 || angle > Math.PI / 2) return angle;
    }
  }
  return undefined;
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
  readonly sessions = new Map<string, FakeSession>();
  plan: "open" | "premium";
  /** Mutable: tests change the calibration between fetches. */
  properties: unknown;
  private readonly faults: Fault[] = [];
  private failNextJobWith: { reason: string; code: number } | undefined;
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
    this.plan = options.plan ?? "premium";
    this.properties = options.properties;
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

  /** The next job created ends Failed with this reason (and state.reason_code). */
  failNextJob(reason: string, code = 1517): void {
    this.failNextJobWith = { reason, code };
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
        if (this.properties !== undefined) return this.properties;
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
        return reply
          .code(result.error.status ?? 400)
          .send(ibmError(result.error.code, result.error.message));
      const job = this.jobs.get(result.id)!;
      return {
        id: result.id,
        backend: this.device.name,
        ...(job.sessionId !== undefined ? { session_id: job.sessionId } : {}),
      };
    });

    app.get<{ Params: { id: string } }>("/api/v1/jobs/:id", async (request, reply) => {
      const job = this.jobs.get(request.params.id);
      if (job === undefined) return reply.code(404).send(ibmError(1291, "Job not found"));
      this.advance(job);
      return {
        id: job.id,
        backend: this.device.name,
        status: job.status,
        state: {
          status: job.status,
          ...(job.reason ? { reason: job.reason } : {}),
          ...(job.reasonCode !== undefined ? { reason_code: job.reasonCode } : {}),
        },
        created: new Date().toISOString(),
        program: { id: "sampler" },
        ...(job.sessionId !== undefined ? { session_id: job.sessionId } : {}),
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

    app.post("/api/v1/sessions", async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const bad = (message: string) => reply.code(400).send(ibmError(1500, message));
      const extra = Object.keys(body).filter((k) => !["mode", "backend", "max_ttl"].includes(k));
      if (extra.length > 0) return bad(`session has unknown keys: ${extra.join(", ")}`);
      if (body.mode !== "batch" && body.mode !== "dedicated") {
        return bad(`mode must be "batch" or "dedicated", got ${JSON.stringify(body.mode)}`);
      }
      if (body.backend !== this.device.name) {
        return reply.code(404).send(ibmError(1216, `Backend ${String(body.backend)} not found`));
      }
      const maxTtl = body.max_ttl ?? 28_800;
      if (!Number.isInteger(maxTtl) || (maxTtl as number) < 1) {
        return bad(`max_ttl must be a positive integer, got ${JSON.stringify(body.max_ttl)}`);
      }
      if (body.mode === "dedicated" && this.plan === "open") {
        return reply
          .code(403)
          .send(
            ibmError(1352, "You are not authorized to run a session when using the open plan."),
          );
      }
      const session: FakeSession = {
        id: `fake-session-${randomUUID()}`,
        mode: body.mode,
        backend: body.backend,
        maxTtl: maxTtl as number,
        acceptingJobs: true,
        closed: false,
      };
      this.sessions.set(session.id, session);
      return { id: session.id, mode: session.mode, backend: session.backend, max_ttl: maxTtl };
    });

    app.patch<{ Params: { id: string } }>("/api/v1/sessions/:id", async (request, reply) => {
      const session = this.sessions.get(request.params.id);
      if (session === undefined) return reply.code(404).send(sessionNotFound(request.params.id));
      const body = (request.body ?? {}) as Record<string, unknown>;
      const keys = Object.keys(body);
      if (keys.length !== 1 || typeof body.accepting_jobs !== "boolean") {
        return reply.code(400).send(ibmError(1500, "body must be {accepting_jobs: boolean}"));
      }
      session.acceptingJobs = body.accepting_jobs;
      return reply.code(204).send();
    });

    app.delete<{ Params: { id: string } }>("/api/v1/sessions/:id/close", async (request, reply) => {
      const session = this.sessions.get(request.params.id);
      if (session === undefined) return reply.code(404).send(sessionNotFound(request.params.id));
      session.closed = true;
      session.acceptingJobs = false;
      // closing at once cancels what the session still had pending
      for (const job of this.jobs.values()) {
        if (job.sessionId === session.id && (job.status === "Queued" || job.status === "Running")) {
          job.status = "Cancelled";
        }
      }
      return reply.code(204).send();
    });
  }

  private advance(job: FakeJob): void {
    if (job.status !== "Queued" && job.status !== "Running") return;
    job.polls += 1;
    if (job.failWith !== undefined && job.polls > this.queuedPolls) {
      job.status = "Failed";
      job.reason = job.failWith.reason;
      job.reasonCode = job.failWith.code;
    } else if (job.polls > this.queuedPolls + this.runningPolls) job.status = "Completed";
    else if (job.polls > this.queuedPolls) job.status = "Running";
  }

  private createJob(
    body: unknown,
  ): { id: string } | { error: { code: number; message: string; status?: number } } {
    const bad = (message: string) => ({ error: { code: 1500, message } });
    if (typeof body !== "object" || body === null) return bad("body must be a JSON object");
    const b = body as Record<string, unknown>;
    const unknownKeys = Object.keys(b).filter((k) => !JOB_KEYS.has(k));
    if (unknownKeys.length > 0) return bad(`job has unknown keys: ${unknownKeys.join(", ")}`);
    if (b.program_id !== "sampler")
      return bad(`program_id must be "sampler", got ${JSON.stringify(b.program_id)}`);
    if (b.backend !== this.device.name)
      return { error: { code: 1216, message: `Backend ${String(b.backend)} not found` } };
    let sessionId: string | undefined;
    if (b.session_id !== undefined) {
      const session = this.sessions.get(String(b.session_id));
      if (session === undefined) {
        return {
          error: {
            code: FAKE_SESSION_NOT_FOUND,
            message: `Session ${String(b.session_id)} not found`,
            status: 404,
          },
        };
      }
      if (session.closed || !session.acceptingJobs) {
        return {
          error: {
            code: FAKE_SESSION_CLOSED,
            message: `Session ${session.id} is closed and accepts no new jobs`,
            status: 409,
          },
        };
      }
      if (session.backend !== b.backend) {
        return bad(`session ${session.id} runs on ${session.backend}, not ${String(b.backend)}`);
      }
      sessionId = session.id;
    }
    const params = b.params as Record<string, unknown> | undefined;
    if (typeof params !== "object" || params === null) return bad("params must be an object");
    const extra = Object.keys(params).filter(
      (k) => !["pubs", "version", "options", "support_qiskit"].includes(k),
    );
    if (extra.length > 0) return bad(`params has unknown keys: ${extra.join(", ")}`);
    if (params.version !== 2) return bad("params.version must be 2");
    if (params.support_qiskit === true) return bad("this fake serves only support_qiskit: false");
    const options = params.options as Record<string, unknown> | undefined;
    if (options !== undefined) {
      const problem = optionsError(options);
      if (problem !== undefined) return bad(problem);
    }
    const pubsIn = params.pubs;
    if (!Array.isArray(pubsIn) || pubsIn.length === 0)
      return bad("params.pubs must be a non-empty list of PUBs");
    const pubs: FakePub[] = [];
    for (const [index, pubIn] of pubsIn.entries()) {
      const pub = this.parsePub(pubIn, options);
      if ("error" in pub) {
        return {
          error: {
            ...pub.error,
            message: pubsIn.length > 1 ? `pub ${index}: ${pub.error.message}` : pub.error.message,
          },
        };
      }
      pubs.push(pub);
    }
    const id = `fake-job-${randomUUID()}`;
    const job: FakeJob = {
      id,
      status: "Queued",
      polls: 0,
      pubs,
      bindings: pubs.flatMap((pub) => pub.bindings),
      body,
      ...(sessionId !== undefined ? { sessionId } : {}),
      ...(this.failNextJobWith !== undefined ? { failWith: this.failNextJobWith } : {}),
    };
    this.failNextJobWith = undefined;
    this.jobs.set(id, job);
    return { id };
  }

  private parsePub(
    pub: unknown,
    options: Record<string, unknown> | undefined,
  ): FakePub | { error: { code: number; message: string } } {
    const bad = (message: string) => ({ error: { code: 1500, message } });
    if (!Array.isArray(pub) || pub.length < 1 || pub.length > 3)
      return bad("a PUB is [circuit, values|null, shots]");
    const [qasm, values, shots = 4096] = pub as [unknown, unknown, unknown];
    if (typeof qasm !== "string") return bad("PUB circuit must be an OpenQASM 3 string");
    if (!Number.isInteger(shots) || (shots as number) < 1 || (shots as number) > 10_000_000) {
      return bad(`PUB shots must be an integer in 1..10000000, got ${JSON.stringify(shots)}`);
    }
    const isa = checkIsaText(qasm, this.device);
    if (isa !== undefined) return { error: isa };
    const twirling = options?.twirling as Record<string, unknown> | undefined;
    if (twirling?.enable_gates === true && /^\s*(rx|rzz)\b/m.test(qasm)) {
      return {
        error: { code: 1519, message: "fractional gates are not supported with gate twirling" },
      };
    }
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
    const rzz = rzzOutOfRange(program.circuit, bindings);
    if (rzz !== undefined) {
      return {
        error: {
          code: 1517,
          message: `instruction rzz with angle ${rzz} is not supported by the target system (only 0 <= angle <= pi/2)`,
        },
      };
    }
    return {
      circuit: program.circuit,
      bindings,
      nested,
      shots: shots as number,
      samples: twirledSamples(shots as number, options),
    };
  }

  private results(job: FakeJob) {
    return {
      results: job.pubs.map((pub) => {
        const counts = sampledCounts(pub.circuit, pub.bindings, {
          shots: pub.samples,
          rng: this.rng,
        });
        const perRow = pub.bindings.map((_, row) =>
          shuffledSamples(counts.values, row * counts.outcomeCount, counts.outcomeCount, this.rng),
        );
        return {
          data: {
            c: { samples: pub.nested ? perRow : perRow[0], num_bits: pub.circuit.numClbits },
          },
          metadata: { circuit_metadata: {} },
        };
      }),
      metadata: { execution: { execution_spans: [] }, version: 2 },
    };
  }
}

export async function startFakeIbm(options: FakeIbmOptions = {}): Promise<FakeIbmServer> {
  return new FakeIbmServer(options).start();
}
