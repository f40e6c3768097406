/** Short reasons for failures of the outside world (files, packages) in error messages. */

/** A system error's code (`ENOENT`, `EACCES`, …), else the error's message. */
export function systemErrorReason(error: unknown): string {
  if (
    error !== null &&
    typeof error === "object" &&
    "code" in error &&
    typeof error.code === "string"
  ) {
    return error.code;
  }
  return error instanceof Error ? error.message : String(error);
}
