/**
 * The server's per-job compute limits and their check on a run's estimated cost (`cost.ts`):
 * what the API, the job service and the worker refuse with QPLANE_ERR_JOB_TOO_LARGE.
 */
import { QplaneError } from "../errors/catalogue.js";
import type { CostDrivers, JobCost } from "./cost.js";

const MIB = 1024 * 1024;

/** `1.23e+15` for large counts, plain digits for small ones. */
function formatCount(value: number): string {
  return value < 1e6 ? String(value) : value.toExponential(2);
}

function formatDrivers(drivers: CostDrivers): string {
  return Object.entries(drivers)
    .map(([field, value]) => `${field}=${value}`)
    .join(", ");
}

/**
 * Limits on one job's compute, checked on its estimated cost (`src/training/cost.ts`) by the
 * API, the job service and the worker before training (QPLANE_ERR_JOB_TOO_LARGE).
 */
export interface CostLimits {
  /**
   * Amplitude-operations one job may plan. @defaultValue one hour of one core at the
   * simulator's measured rate, 3600 × SIMULATOR_OPERATIONS_PER_SECOND (`QPLANE_MAX_JOB_WORK`)
   */
  readonly maxJobWork: number;
  /** Peak memory one job may plan, in MiB. @defaultValue 4096 (`QPLANE_MAX_JOB_MEMORY_MB`) */
  readonly maxJobMemoryMb: number;
}

/**
 * Refuses a job whose estimated work or peak memory is over the server's limits with
 * QPLANE_ERR_JOB_TOO_LARGE, naming the estimate, the limit and the fields that drive it.
 */
export function checkJobCost(cost: JobCost, limits: CostLimits): void {
  const problems: string[] = [];
  if (cost.amplitudeOperations > limits.maxJobWork) {
    problems.push(
      `estimated work ${formatCount(cost.amplitudeOperations)} amplitude-operations is over this server's limit of ${formatCount(limits.maxJobWork)} (QPLANE_MAX_JOB_WORK)`,
    );
  }
  const memoryMb = cost.peakMemoryBytes / MIB;
  if (memoryMb > limits.maxJobMemoryMb) {
    problems.push(
      `estimated peak memory ${memoryMb < 10 ? memoryMb.toFixed(1) : Math.round(memoryMb)} MiB is over this server's limit of ${limits.maxJobMemoryMb} MiB (QPLANE_MAX_JOB_MEMORY_MB)`,
    );
  }
  if (problems.length === 0) return;
  throw new QplaneError(
    "QPLANE_ERR_JOB_TOO_LARGE",
    `spec: the job is too large: ${problems.join("; ")}; driven by ${formatDrivers(cost.drivers)}`,
  );
}
