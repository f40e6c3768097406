import type { StatusCounts } from "../../src/experiments/aggregate.js";

/** Every status an experiment counts its children in (the compiler checks none is missing). */
const STATUSES = [
  "queued",
  "running",
  "completed",
  "failed",
  "cancelled",
  "missing",
  "waiting",
  "unrunnable",
] as const satisfies readonly (keyof StatusCounts)[];

/** An experiment's child status counts: `nonzero`, and 0 for every other status. */
export function statusCounts(nonzero: Partial<StatusCounts>): StatusCounts {
  const counts = Object.fromEntries(STATUSES.map((status) => [status, nonzero[status] ?? 0]));
  return counts as Record<(typeof STATUSES)[number], number>;
}
