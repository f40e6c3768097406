/** Short reasons for failures of the outside world (files, packages) in error messages. */
import type { z } from "zod";

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

/** A value as an error message quotes it: JSON, cut to 60 characters; `nothing` when absent. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "number") return String(value);
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The value at a validation issue's path in the input (undefined where the path leaves it). */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** One line per problem: `<prefix>.<path>: <message> (got <value>)`. */
export function describeSpecIssues(error: z.ZodError, input: unknown, prefix = "spec"): string {
  return error.issues
    .map((issue) => {
      // an empty prefix names fields from the root (`grid.x`), or the whole value as `body`
      const at =
        [prefix, ...issue.path.map(String)].filter((part) => part !== "").join(".") || "body";
      if (issue.code === "unrecognized_keys") {
        return issue.keys.map((key) => `${at}.${key}: unknown field`).join("; ");
      }
      return `${at}: ${issue.message} (got ${describeValue(valueAt(input, issue.path))})`;
    })
    .join("; ");
}
