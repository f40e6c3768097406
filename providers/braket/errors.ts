/**
 * AWS SDK errors → qplane's catalogue: refused credentials (AUTH), throttling, quotas, an
 * offline device, 5xx and network failures (UNAVAILABLE: retry later), and validation
 * failures with Braket's reason and per-program failures (REJECTED).
 */
import { QplaneError } from "../../src/errors/catalogue.js";

const AUTH_ERRORS = new Set([
  "AccessDeniedException",
  "AccessDenied",
  "UnrecognizedClientException",
  "InvalidSignatureException",
  "SignatureDoesNotMatch",
  "InvalidAccessKeyId",
  "ExpiredTokenException",
  "ExpiredToken",
  "CredentialsProviderError",
]);
const UNAVAILABLE_ERRORS = new Set([
  "ThrottlingException",
  "ServiceQuotaExceededException",
  "DeviceOfflineException",
  "DeviceRetiredException",
  "InternalServiceException",
]);

export interface AwsErrorLike {
  name?: string;
  message?: string;
  reason?: string;
  programSetValidationFailures?: {
    programIndex?: number;
    inputsIndex?: number;
    errors?: string[];
  }[];
  $fault?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

/** An AWS SDK error (or anything thrown) as a QplaneError carrying the AWS message. */
export function mapBraketError(error: unknown, what: string): QplaneError {
  if (error instanceof QplaneError) return error;
  const aws = (error ?? {}) as AwsErrorLike;
  const name = aws.name ?? "Error";
  const status = aws.$metadata?.httpStatusCode;
  const attempts = aws.$metadata?.attempts;
  const detail = `${name}${status ? ` (HTTP ${status})` : ""}: ${aws.message ?? String(error)}`;
  if (AUTH_ERRORS.has(name) || status === 401 || status === 403) {
    return new QplaneError(
      "QPLANE_ERR_PROVIDER_AUTH",
      `Amazon Braket refused the credentials (${what}): ${detail}; check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY`,
    );
  }
  if (name === "ValidationException") {
    const failures = (aws.programSetValidationFailures ?? [])
      .map(
        (f) =>
          `program ${f.programIndex ?? "?"} inputs ${f.inputsIndex ?? "?"}: ${(f.errors ?? []).join("; ")}`,
      )
      .join(" | ");
    return new QplaneError(
      "QPLANE_ERR_PROVIDER_REJECTED",
      `Amazon Braket rejected ${what}: ${detail}${aws.reason ? ` [reason ${aws.reason}]` : ""}${failures ? ` [${failures}]` : ""}`,
    );
  }
  if (
    UNAVAILABLE_ERRORS.has(name) ||
    status === 429 ||
    (status !== undefined && status >= 500) ||
    status === undefined
  ) {
    return new QplaneError(
      "QPLANE_ERR_PROVIDER_UNAVAILABLE",
      `Amazon Braket ${what} failed${attempts ? ` after ${attempts} attempt(s)` : ""}: ${detail}`,
    );
  }
  return new QplaneError("QPLANE_ERR_PROVIDER_REJECTED", `Amazon Braket ${what}: ${detail}`);
}
