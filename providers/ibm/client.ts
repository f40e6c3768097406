/**
 * Qiskit Runtime REST client (axios): base URL from the instance CRN's region, the
 * required headers on every call, one token refresh + retry on 401, bounded retries on
 * 429 (honouring `Retry-After`) and on the 5xx codes qiskit-ibm-runtime retries, and IBM's
 * error code and message surfaced in every failure.
 */
import axios, { type AxiosInstance } from "axios";
import { QplaneError } from "../../src/errors/catalogue.js";
import { abortableSleep } from "../remote/poll.js";
import { endpointHost, type IamTokenSource } from "./auth.js";

export const IBM_API_VERSION = "2026-04-15";
/** Statuses retried with exponential backoff (the Python client's list). */
export const RETRIED_STATUSES: ReadonlySet<number> = new Set([
  500, 502, 503, 504, 520, 521, 522, 524,
]);

export interface RetryOptions {
  /** Attempts per request, counting the first. @defaultValue 5 */
  readonly maxAttempts?: number;
  /** First backoff for 5xx and network errors; doubles per attempt. @defaultValue 500 ms */
  readonly baseDelayMs?: number;
  /** Ceiling of one backoff. @defaultValue 8 000 ms */
  readonly maxDelayMs?: number;
  /** Wait after a 429 without `Retry-After`. @defaultValue 12 000 ms */
  readonly rateLimitMinDelayMs?: number;
  /** Ceiling for an honoured `Retry-After`. @defaultValue 120 000 ms */
  readonly maxRetryAfterMs?: number;
}

export interface IbmRuntimeClientOptions {
  readonly instanceCrn: string;
  readonly tokens: IamTokenSource;
  /** Server-side override of the CRN-derived base URL (tests, private endpoints). */
  readonly baseUrl?: string;
  readonly retry?: RetryOptions;
  /** Per-request timeout. @defaultValue 900 000 ms (as the Python client for job creation) */
  readonly requestTimeoutMs?: number;
}

export interface IbmResponse<T = unknown> {
  readonly status: number;
  readonly data: T;
}

export interface RequestOptions {
  readonly signal?: AbortSignal;
  /** Statuses returned to the caller instead of failing (e.g. 409 on cancel). */
  readonly acceptStatuses?: readonly number[];
}

/** `https://quantum.cloud.ibm.com/api/v1` for us-east, `https://<region>.quantum…` else. */
export function baseUrlForCrn(crn: string): string {
  const fields = crn.split(":");
  const region = fields[5];
  if (fields.length < 8 || fields[0] !== "crn" || region === undefined || region === "") {
    throw new QplaneError(
      "QPLANE_ERR_CONFIG",
      `Service-CRN "${crn}" is not an IBM Cloud CRN (crn:v1:bluemix:public:quantum-computing:<region>:a/<account>:<guid>::)`,
    );
  }
  if (!/^[a-z0-9-]+$/.test(region)) {
    throw new QplaneError("QPLANE_ERR_CONFIG", `Service-CRN region "${region}" is malformed`);
  }
  return region === "us-east"
    ? "https://quantum.cloud.ibm.com/api/v1"
    : `https://${region}.quantum.cloud.ibm.com/api/v1`;
}

/** The code of the first error in IBM's `{errors:[{code, …}]}` body, if any. */
export function ibmErrorCode(data: unknown): number | undefined {
  const errors = (data as { errors?: unknown } | null | undefined)?.errors;
  const code = Array.isArray(errors)
    ? (errors[0] as { code?: unknown } | undefined)?.code
    : undefined;
  if (typeof code === "number") return code;
  return typeof code === "string" && /^\d+$/.test(code) ? Number(code) : undefined;
}

/** IBM's `{errors:[{code, message}], trace}` as one line. */
export function describeIbmError(status: number, data: unknown): string {
  const body = (data ?? {}) as { errors?: unknown; trace?: unknown; message?: unknown };
  const first = Array.isArray(body.errors)
    ? (body.errors[0] as { code?: unknown; message?: unknown; solution?: unknown } | undefined)
    : undefined;
  const parts = [`HTTP ${status}`];
  if (first?.code !== undefined) parts.push(`IBM error ${String(first.code)}`);
  const message =
    typeof first?.message === "string"
      ? first.message
      : typeof body.message === "string"
        ? body.message
        : undefined;
  let text = parts.join(", ");
  if (message !== undefined) text += `: ${message}`;
  if (typeof first?.solution === "string") text += ` (${first.solution})`;
  if (typeof body.trace === "string") text += ` [trace ${body.trace}]`;
  return text;
}

/** Milliseconds from a `Retry-After` header (delta seconds or HTTP date). */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
  if (typeof value !== "string" || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export class IbmRuntimeClient {
  readonly baseUrl: string;
  private readonly instanceCrn: string;
  private readonly tokens: IamTokenSource;
  private readonly http: AxiosInstance;
  private readonly retry: Required<RetryOptions>;

  constructor(options: IbmRuntimeClientOptions) {
    this.instanceCrn = options.instanceCrn;
    this.baseUrl = (options.baseUrl ?? baseUrlForCrn(options.instanceCrn)).replace(/\/+$/, "");
    this.tokens = options.tokens;
    this.retry = {
      maxAttempts: options.retry?.maxAttempts ?? 5,
      baseDelayMs: options.retry?.baseDelayMs ?? 500,
      maxDelayMs: options.retry?.maxDelayMs ?? 8_000,
      rateLimitMinDelayMs: options.retry?.rateLimitMinDelayMs ?? 12_000,
      maxRetryAfterMs: options.retry?.maxRetryAfterMs ?? 120_000,
    };
    this.http = axios.create({
      baseURL: this.baseUrl,
      timeout: options.requestTimeoutMs ?? 900_000,
      validateStatus: () => true,
    });
  }

  get<T>(path: string, options: RequestOptions = {}): Promise<IbmResponse<T>> {
    return this.request<T>("GET", path, undefined, options);
  }

  post<T>(path: string, body: unknown, options: RequestOptions = {}): Promise<IbmResponse<T>> {
    return this.request<T>("POST", path, body, options);
  }

  patch<T>(path: string, body: unknown, options: RequestOptions = {}): Promise<IbmResponse<T>> {
    return this.request<T>("PATCH", path, body, options);
  }

  delete<T>(path: string, options: RequestOptions = {}): Promise<IbmResponse<T>> {
    return this.request<T>("DELETE", path, undefined, options);
  }

  /** `GET /backends/{device}/configuration`: basis gates, coupling map, qubit count. */
  async backendConfiguration<T = unknown>(device: string, options?: RequestOptions): Promise<T> {
    return (await this.get<T>(`/backends/${encodeURIComponent(device)}/configuration`, options))
      .data;
  }

  /** `GET /backends/{device}/properties`: the latest calibration (T1, T2, gate errors, …). */
  async backendProperties<T = unknown>(device: string, options?: RequestOptions): Promise<T> {
    return (await this.get<T>(`/backends/${encodeURIComponent(device)}/properties`, options)).data;
  }

  private backoff(attempt: number): number {
    return Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
  }

  async request<T>(
    method: "GET" | "POST" | "PATCH" | "DELETE",
    path: string,
    body: unknown,
    options: RequestOptions = {},
  ): Promise<IbmResponse<T>> {
    const what = `${method} ${path}`;
    let refreshedAfter401 = false;
    let lastFailure = "";
    for (let attempt = 1; attempt <= this.retry.maxAttempts; attempt++) {
      if (options.signal?.aborted) {
        throw new QplaneError("QPLANE_ERR_RUN_CANCELLED", `run was cancelled (${what})`);
      }
      const token = await this.tokens.token();
      let response: { status: number; data: unknown; headers: Record<string, unknown> };
      try {
        response = await this.http.request({
          method,
          url: path,
          data: body === undefined ? undefined : JSON.stringify(body),
          signal: options.signal,
          headers: {
            Authorization: `Bearer ${token}`,
            "Service-CRN": this.instanceCrn,
            "IBM-API-Version": IBM_API_VERSION,
            Accept: "application/json",
            "Content-Type": "application/json",
          },
        });
      } catch (error) {
        if (options.signal?.aborted) {
          throw new QplaneError("QPLANE_ERR_RUN_CANCELLED", `run was cancelled (${what})`);
        }
        // Network error or timeout: retried like a 5xx.
        lastFailure = error instanceof Error ? error.message : String(error);
        if (attempt < this.retry.maxAttempts)
          await abortableSleep(this.backoff(attempt), options.signal);
        continue;
      }
      const { status, data } = response;
      if (status < 300 || options.acceptStatuses?.includes(status)) {
        return { status, data: data as T };
      }
      if (status === 401) {
        if (refreshedAfter401) {
          throw new QplaneError(
            "QPLANE_ERR_PROVIDER_AUTH",
            `IBM Quantum refused the credentials for ${what} after a fresh token (${describeIbmError(status, data)}); check IBM_CLOUD_API_KEY and the instance CRN`,
          );
        }
        refreshedAfter401 = true;
        await this.tokens.refresh();
        attempt -= 1; // the one 401 retry does not use up a retry attempt
        continue;
      }
      if (status === 403) {
        throw new QplaneError(
          "QPLANE_ERR_PROVIDER_AUTH",
          `IBM Quantum denied ${what} (${describeIbmError(status, data)}); check the instance CRN and its access policy`,
        );
      }
      if (status === 429) {
        lastFailure = describeIbmError(status, data);
        const retryAfter = parseRetryAfter(response.headers["retry-after"]);
        const wait =
          retryAfter !== undefined
            ? Math.min(retryAfter, this.retry.maxRetryAfterMs)
            : Math.max(this.retry.rateLimitMinDelayMs, this.backoff(attempt));
        if (attempt < this.retry.maxAttempts) await abortableSleep(wait, options.signal);
        continue;
      }
      if (RETRIED_STATUSES.has(status)) {
        lastFailure = describeIbmError(status, data);
        if (attempt < this.retry.maxAttempts)
          await abortableSleep(this.backoff(attempt), options.signal);
        continue;
      }
      if (status === 404 && ibmErrorCode(data) === undefined) {
        // IBM's own 404s (job, session, backend not found) carry an IBM error code
        throw new QplaneError(
          "QPLANE_ERR_PROVIDER_ENDPOINT",
          `IBM Quantum endpoint ${endpointHost(this.baseUrl)} answered ${what} with HTTP 404 and no IBM error: its URL is probably wrong`,
        );
      }
      throw new QplaneError(
        "QPLANE_ERR_PROVIDER_REJECTED",
        `IBM Quantum rejected ${what}: ${describeIbmError(status, data)}`,
      );
    }
    throw new QplaneError(
      "QPLANE_ERR_PROVIDER_UNAVAILABLE",
      `IBM Quantum ${what} failed after ${this.retry.maxAttempts} attempts: ${lastFailure} (endpoint ${endpointHost(this.baseUrl)})`,
    );
  }
}
