/**
 * The one error catalogue of qplane: every failure the engine, CLI and (later) API report
 * has a code `QPLANE_ERR_<AREA>_<PROBLEM>`, an HTTP status and a retryable flag.
 * Messages are written at the throw site and name the field/value or line/column at fault.
 */
export const ERROR_CATALOGUE = {
  QPLANE_ERR_QASM_SYNTAX: {
    httpStatus: 400,
    retryable: false,
    summary: "OpenQASM text is malformed",
  },
  QPLANE_ERR_QASM_UNSUPPORTED: {
    httpStatus: 400,
    retryable: false,
    summary: "OpenQASM statement outside the supported subset",
  },
  QPLANE_ERR_CIRCUIT_UNKNOWN_GATE: {
    httpStatus: 400,
    retryable: false,
    summary: "unknown gate name",
  },
  QPLANE_ERR_CIRCUIT_ARITY: {
    httpStatus: 400,
    retryable: false,
    summary: "gate applied to the wrong number of qubits or arguments",
  },
  QPLANE_ERR_CIRCUIT_QUBIT_RANGE: {
    httpStatus: 400,
    retryable: false,
    summary: "qubit or classical bit index out of range, or repeated in one gate",
  },
  QPLANE_ERR_CIRCUIT_PARAMETER: {
    httpStatus: 400,
    retryable: false,
    summary: "invalid gate argument or parameter declaration",
  },
  QPLANE_ERR_PARAMS_SHAPE: {
    httpStatus: 400,
    retryable: false,
    summary: "parameter matrix does not match the circuit's parameter columns",
  },
  QPLANE_ERR_PARAMS_NON_FINITE: {
    httpStatus: 400,
    retryable: false,
    summary: "parameter value is not finite",
  },
  QPLANE_ERR_SIM_TOO_MANY_QUBITS: {
    httpStatus: 400,
    retryable: false,
    summary: "circuit exceeds the simulator's qubit limit",
  },
  QPLANE_ERR_SIM_SHOTS: { httpStatus: 400, retryable: false, summary: "shot count out of range" },
  QPLANE_ERR_SIM_NOISE: { httpStatus: 400, retryable: false, summary: "invalid noise model" },
  QPLANE_ERR_RUN_CANCELLED: { httpStatus: 409, retryable: false, summary: "run was cancelled" },
  QPLANE_ERR_TIME_LIMIT: {
    httpStatus: 408,
    retryable: false,
    summary:
      "training reached its time limit (training.maxSeconds or QPLANE_MAX_JOB_SECONDS); completed epochs are kept",
  },
  QPLANE_ERR_SPEC_INVALID: {
    httpStatus: 400,
    retryable: false,
    summary: "job spec failed validation",
  },
  QPLANE_ERR_DATASET: {
    httpStatus: 400,
    retryable: false,
    summary: "dataset could not be loaded or is unusable",
  },
  QPLANE_ERR_BUDGET_EXCEEDED: {
    httpStatus: 400,
    retryable: false,
    summary: "the run's planned cost or shots exceed the job's budget",
  },
  QPLANE_ERR_JOB_NOT_FOUND: { httpStatus: 404, retryable: false, summary: "no such job" },
  QPLANE_ERR_JOB_NO_CIRCUIT: {
    httpStatus: 404,
    retryable: false,
    summary: "the job's model is classical (mlp, linear) and has no circuit",
  },
  QPLANE_ERR_JOB_NOT_TRANSPILED: {
    httpStatus: 404,
    retryable: false,
    summary:
      "no transpiled program is kept for the job: its backend runs circuits as written, it has not submitted yet, or the program was over the size kept",
  },
  QPLANE_ERR_EXPERIMENT_NOT_FOUND: {
    httpStatus: 404,
    retryable: false,
    summary: "no such experiment",
  },
  QPLANE_ERR_GRID_INVALID: {
    httpStatus: 400,
    retryable: false,
    summary: "experiment grid is empty, names an unknown field or gives an invalid value",
  },
  QPLANE_ERR_JOB_STATE: {
    httpStatus: 409,
    retryable: false,
    summary: "the job's status does not allow this operation",
  },
  QPLANE_ERR_IDEMPOTENCY_CONFLICT: {
    httpStatus: 409,
    retryable: false,
    summary: "Idempotency-Key reused with a different body",
  },
  QPLANE_ERR_LIMIT_EXCEEDED: {
    httpStatus: 400,
    retryable: false,
    summary: "request exceeds a configured limit",
  },
  QPLANE_ERR_JOB_TOO_LARGE: {
    httpStatus: 422,
    retryable: false,
    summary: "the job's estimated work or memory exceeds the server's per-job limit",
  },
  QPLANE_ERR_TOO_MANY_JOBS: {
    httpStatus: 429,
    retryable: true,
    summary: "too many concurrent jobs for this API key",
  },
  QPLANE_ERR_TOO_MANY_STREAMS: {
    httpStatus: 429,
    retryable: true,
    summary: "too many open event streams for this API key or address",
  },
  QPLANE_ERR_UNAUTHORIZED: {
    httpStatus: 401,
    retryable: false,
    summary: "missing or invalid API key",
  },
  QPLANE_ERR_FORBIDDEN: {
    httpStatus: 403,
    retryable: false,
    summary: "the API key is valid but may not use this route (it needs an admin key)",
  },
  QPLANE_ERR_UNAVAILABLE: {
    httpStatus: 503,
    retryable: true,
    summary: "a dependency (Redis) or the server's worker threads are unavailable",
  },
  QPLANE_ERR_REQUEST_INVALID: {
    httpStatus: 400,
    retryable: false,
    summary: "request path, query, header or JSON syntax is malformed",
  },
  QPLANE_ERR_BODY_TOO_LARGE: {
    httpStatus: 413,
    retryable: false,
    summary: "request body exceeds the configured size limit",
  },
  QPLANE_ERR_MEDIA_TYPE: {
    httpStatus: 415,
    retryable: false,
    summary: "request body Content-Type is not application/json",
  },
  QPLANE_ERR_RATE_LIMITED: {
    httpStatus: 429,
    retryable: true,
    summary: "too many requests for this API key or address",
  },
  QPLANE_ERR_ROUTE_NOT_FOUND: { httpStatus: 404, retryable: false, summary: "no such route" },
  QPLANE_ERR_INTERNAL: {
    httpStatus: 500,
    retryable: false,
    summary: "unexpected internal fault (details in the server log)",
  },
  QPLANE_ERR_CONFIG: { httpStatus: 500, retryable: false, summary: "invalid server configuration" },
  QPLANE_ERR_CLI_USAGE: { httpStatus: 400, retryable: false, summary: "bad command-line usage" },
  QPLANE_ERR_IO: { httpStatus: 400, retryable: false, summary: "file could not be read" },
  QPLANE_ERR_PROVIDER_AUTH: {
    httpStatus: 401,
    retryable: false,
    summary: "the hardware provider refused the credentials",
  },
  QPLANE_ERR_PROVIDER_REJECTED: {
    httpStatus: 400,
    retryable: false,
    summary: "the hardware provider rejected the request (its code and reason in the message)",
  },
  QPLANE_ERR_PROVIDER_CIRCUIT: {
    httpStatus: 400,
    retryable: false,
    summary: "circuit or shots cannot run on the device (too wide, not native gates, shots = 0)",
  },
  QPLANE_ERR_PROVIDER_UNAVAILABLE: {
    httpStatus: 424,
    retryable: true,
    summary: "the hardware provider stayed unavailable or rate-limited after bounded retries",
  },
  QPLANE_ERR_PROVIDER_ENDPOINT: {
    httpStatus: 424,
    retryable: false,
    summary:
      "the hardware provider's endpoint is misconfigured: its URL answers as no provider would (404, not the expected service)",
  },
  QPLANE_ERR_PROVIDER_TIMEOUT: {
    httpStatus: 408,
    retryable: true,
    summary: "the hardware job did not finish within the configured time",
  },
  QPLANE_ERR_PROVIDER_JOB_FAILED: {
    httpStatus: 422,
    retryable: false,
    summary: "the hardware job ended as failed (provider reason in the message)",
  },
} as const satisfies Record<string, { httpStatus: number; retryable: boolean; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** Where in a source text an error was found (1-based). */
export interface SourceLocation {
  readonly line: number;
  readonly column: number;
}

export class QplaneError extends Error {
  readonly code: ErrorCode;
  readonly httpStatus: number;
  readonly retryable: boolean;
  readonly location: SourceLocation | undefined;

  constructor(code: ErrorCode, message: string, location?: SourceLocation) {
    super(location ? `line ${location.line}, column ${location.column}: ${message}` : message);
    this.name = "QplaneError";
    this.code = code;
    this.httpStatus = ERROR_CATALOGUE[code].httpStatus;
    this.retryable = ERROR_CATALOGUE[code].retryable;
    this.location = location;
  }
}

export function isQplaneError(value: unknown): value is QplaneError {
  return value instanceof QplaneError;
}
