/**
 * The Sampler job contract of the fake Qiskit Runtime (fake-server.ts): a `POST /jobs` body
 * checked as IBM checks it (keys, options, sessions, PUB shapes, ISA text, rzz angles) and a
 * completed job's results, executed with qplane's own parser and simulator.
 */
import { sampledCounts } from "../../../providers/local/simulator.js";
import type { Circuit } from "../../../src/circuits/ir.js";
import { parseQasm3Program } from "../../../src/circuits/qasm3/parse.js";
import type { Rng } from "../../../src/random/rng.js";
import type { FakeDevice } from "./fake-server.js";

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

/**
 * A `POST /jobs` body checked as the service checks it: keys, program, backend, session
 * (unknown → 404, closed → 409), Sampler V2 params and options, and every PUB.
 */
export function checkJobBody(
  body: unknown,
  device: FakeDevice,
  sessions: ReadonlyMap<string, FakeSession>,
):
  | { pubs: FakePub[]; sessionId: string | undefined }
  | { error: { code: number; message: string; status?: number } } {
  const bad = (message: string) => ({ error: { code: 1500, message } });
  if (typeof body !== "object" || body === null) return bad("body must be a JSON object");
  const b = body as Record<string, unknown>;
  const unknownKeys = Object.keys(b).filter((k) => !JOB_KEYS.has(k));
  if (unknownKeys.length > 0) return bad(`job has unknown keys: ${unknownKeys.join(", ")}`);
  if (b.program_id !== "sampler")
    return bad(`program_id must be "sampler", got ${JSON.stringify(b.program_id)}`);
  if (b.backend !== device.name)
    return { error: { code: 1216, message: `Backend ${String(b.backend)} not found` } };
  let sessionId: string | undefined;
  if (b.session_id !== undefined) {
    const session = sessions.get(String(b.session_id));
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
    const pub = parsePub(pubIn, options, device);
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
  return { pubs, sessionId };
}

/** One PUB `[circuit, values|null, shots]` checked, parsed and bound (IBM's binding order). */
function parsePub(
  pub: unknown,
  options: Record<string, unknown> | undefined,
  device: FakeDevice,
): FakePub | { error: { code: number; message: string } } {
  const bad = (message: string) => ({ error: { code: 1500, message } });
  if (!Array.isArray(pub) || pub.length < 1 || pub.length > 3)
    return bad("a PUB is [circuit, values|null, shots]");
  const [qasm, values, shots = 4096] = pub as [unknown, unknown, unknown];
  if (typeof qasm !== "string") return bad("PUB circuit must be an OpenQASM 3 string");
  if (!Number.isInteger(shots) || (shots as number) < 1 || (shots as number) > 10_000_000) {
    return bad(`PUB shots must be an integer in 1..10000000, got ${JSON.stringify(shots)}`);
  }
  const isa = checkIsaText(qasm, device);
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

/** A completed job's results: each PUB sampled, hex samples shuffled per row. */
export function jobResults(job: FakeJob, rng: Rng) {
  return {
    results: job.pubs.map((pub) => {
      const counts = sampledCounts(pub.circuit, pub.bindings, {
        shots: pub.samples,
        rng,
      });
      const perRow = pub.bindings.map((_, row) =>
        shuffledSamples(counts.values, row * counts.outcomeCount, counts.outcomeCount, rng),
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
