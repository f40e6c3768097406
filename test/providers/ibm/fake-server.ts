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
 * cancellation (409 when finished), failed jobs and injected 429/5xx faults. It executes
 * what it receives with qplane's own parser and simulator, so results are physically right.
 * The Sampler job contract (body checks, PUBs, results) is in fake-jobs.ts.
 */
import { randomUUID } from "node:crypto";
import Fastify, { type FastifyInstance, type FastifyReply } from "fastify";
import { createRng, type Rng } from "../../../src/random/rng.js";
import {
  checkJobBody,
  FAKE_SESSION_NOT_FOUND,
  type FakeJob,
  type FakeSession,
  jobResults,
} from "./fake-jobs.js";

export {
  checkIsaText,
  FAKE_SESSION_CLOSED,
  FAKE_SESSION_NOT_FOUND,
  type FakeJob,
  type FakePub,
  type FakeSession,
} from "./fake-jobs.js";

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

/**
 * Session error codes are not documented in the spec (only 1352 is, third-party): the fake
 * uses these for jobs naming an unknown or a closed session, in IBM's error body shape.
 */
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
      return jobResults(job, this.rng);
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
    const checked = checkJobBody(body, this.device, this.sessions);
    if ("error" in checked) return checked;
    const { pubs, sessionId } = checked;
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
}

export async function startFakeIbm(options: FakeIbmOptions = {}): Promise<FakeIbmServer> {
  return new FakeIbmServer(options).start();
}
