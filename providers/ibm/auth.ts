/**
 * IBM Cloud IAM: exchanges an API key for a bearer token (`POST <iamUrl>/identity/token`),
 * caches it and renews it after 80 % of its `expires_in` (as ibm-cloud-sdk-core does). IAM
 * issues no usable refresh token, so renewing means exchanging the key again.
 *
 * The API key never appears in an error message, and errors never carry the axios error
 * (whose request config holds the form body with the key) as a cause.
 *
 * Only IAM's own key error (HTTP 400/401/403 with an IAM `BXNIM…` errorCode) means the key
 * was refused. Anything else is about the endpoint, named by its host: unreachable (DNS,
 * refused, timeout) or failing (5xx) → QPLANE_ERR_PROVIDER_UNAVAILABLE; answering as IAM
 * never would (404, a page without a token or an IAM error) → QPLANE_ERR_PROVIDER_ENDPOINT.
 */
import axios, { type AxiosInstance } from "axios";
import { QplaneError } from "../../src/errors/catalogue.js";

export const DEFAULT_IAM_URL = "https://iam.cloud.ibm.com";
/** Renew after this fraction of the token's lifetime. */
export const TOKEN_REFRESH_FRACTION = 0.8;

export interface IamTokenSourceOptions {
  readonly apiKey: string;
  /** IAM origin, e.g. https://iam.cloud.ibm.com (tests point it at a fake). */
  readonly iamUrl?: string;
  /** Per-request timeout. @defaultValue 30 000 ms */
  readonly requestTimeoutMs?: number;
  /** Clock in ms (tests). */
  readonly now?: () => number;
}

interface CachedToken {
  readonly value: string;
  /** Epoch ms after which the token is renewed before use. */
  readonly renewAt: number;
}

/** HTTP statuses with which IAM refuses a key (together with an IAM error code). */
const KEY_REFUSED_STATUSES: ReadonlySet<number> = new Set([400, 401, 403]);
/** IAM's error codes (`BXNIM0415E`: API key not found, …). */
const IAM_ERROR_CODE = /^BXNIM\d+[A-Z]?$/;

/** The host of an endpoint URL, for messages (never its path, query or user-info). */
export function endpointHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** Replaces every occurrence of the secret in a text. */
export function redact(text: string, secret: string): string {
  return secret.length === 0 ? text : text.split(secret).join("[redacted]");
}

export class IamTokenSource {
  /** A #private field: not shown by util.inspect or JSON.stringify. */
  readonly #apiKey: string;
  private readonly iamUrl: string;
  private readonly http: AxiosInstance;
  private readonly now: () => number;
  private cached: CachedToken | undefined;
  private pending: Promise<string> | undefined;
  /** Number of key exchanges made (for diagnostics and tests). */
  exchanges = 0;

  constructor(options: IamTokenSourceOptions) {
    if (typeof options.apiKey !== "string" || options.apiKey.trim() === "") {
      throw new QplaneError(
        "QPLANE_ERR_PROVIDER_AUTH",
        "no IBM Cloud API key given (set IBM_CLOUD_API_KEY)",
      );
    }
    this.#apiKey = options.apiKey;
    this.iamUrl = (options.iamUrl ?? DEFAULT_IAM_URL).replace(/\/+$/, "");
    this.now = options.now ?? Date.now;
    this.http = axios.create({
      timeout: options.requestTimeoutMs ?? 30_000,
      validateStatus: () => true,
    });
  }

  /** A valid token: the cached one, or a fresh exchange when it is due for renewal. */
  async token(): Promise<string> {
    if (this.cached !== undefined && this.now() < this.cached.renewAt) return this.cached.value;
    return this.refresh();
  }

  /** Forces a fresh exchange (concurrent callers share one request). */
  refresh(): Promise<string> {
    this.cached = undefined;
    if (this.pending === undefined) {
      this.pending = this.exchange().finally(() => {
        this.pending = undefined;
      });
    }
    return this.pending;
  }

  private async exchange(): Promise<string> {
    this.exchanges += 1;
    const body = new URLSearchParams({
      grant_type: "urn:ibm:params:oauth:grant-type:apikey",
      apikey: this.#apiKey,
    }).toString();
    let response: { status: number; data: unknown };
    try {
      response = await this.http.post(`${this.iamUrl}/identity/token`, body, {
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          Accept: "application/json",
        },
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new QplaneError(
        "QPLANE_ERR_PROVIDER_UNAVAILABLE",
        `IBM Cloud IAM endpoint ${endpointHost(this.iamUrl)} could not be reached (${redact(reason, this.#apiKey)}); check the IAM URL and the network`,
      );
    }
    const data = (
      typeof response.data === "object" && response.data !== null ? response.data : {}
    ) as Record<string, unknown>;
    if (response.status !== 200 || typeof data.access_token !== "string") {
      const iamCode = typeof data.errorCode === "string" ? data.errorCode : undefined;
      const code = iamCode === undefined ? "" : `${iamCode}: `;
      const text =
        typeof data.errorMessage === "string" ? data.errorMessage : "no access token returned";
      const message = redact(`${code}${text}`, this.#apiKey);
      const host = endpointHost(this.iamUrl);
      if (
        KEY_REFUSED_STATUSES.has(response.status) &&
        iamCode !== undefined &&
        IAM_ERROR_CODE.test(iamCode)
      ) {
        throw new QplaneError(
          "QPLANE_ERR_PROVIDER_AUTH",
          `IBM Cloud IAM refused the API key (HTTP ${response.status}): ${message}`,
        );
      }
      if (response.status >= 500) {
        throw new QplaneError(
          "QPLANE_ERR_PROVIDER_UNAVAILABLE",
          `IBM Cloud IAM endpoint ${host} failed (HTTP ${response.status}: ${message}); try again later, or check the IAM URL`,
        );
      }
      throw new QplaneError(
        "QPLANE_ERR_PROVIDER_ENDPOINT",
        `IBM Cloud IAM endpoint ${host} answered HTTP ${response.status} with neither a token nor an IAM error (${message}): the IAM URL is probably wrong; the API key was not checked`,
      );
    }
    const expiresIn =
      typeof data.expires_in === "number" && data.expires_in > 0 ? data.expires_in : 3600;
    this.cached = {
      value: data.access_token,
      renewAt: this.now() + expiresIn * 1000 * TOKEN_REFRESH_FRACTION,
    };
    return data.access_token;
  }
}
