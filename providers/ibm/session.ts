/**
 * One training run's Qiskit Runtime session (batch or dedicated execution mode): opened with
 * `POST /sessions` on the run's first submission, its id carried by every job of the run,
 * and closed when the run ends — gracefully (`PATCH {accepting_jobs:false}`: nothing more is
 * accepted, nothing is cut short) after a completed run, at once (`DELETE …/close`) after a
 * failed or cancelled one, so a dedicated device is not held until `max_ttl`.
 */
import { QplaneError } from "../../src/errors/catalogue.js";
import type { RunOutcome } from "../types.js";
import { describeIbmError, type IbmRuntimeClient, ibmErrorCode } from "./client.js";

/** How a backend's training runs reach the device. */
export const EXECUTION_MODES = ["job", "batch", "session"] as const;
export type ExecutionMode = (typeof EXECUTION_MODES)[number];

/** IBM's `mode` for each session-based execution mode. */
const SESSION_API_MODE = { batch: "batch", session: "dedicated" } as const;

/** The service's default and the longest documented session lifetime (8 h). */
export const DEFAULT_SESSION_MAX_TTL_SECONDS = 28_800;

/** IBM's code for a dedicated session asked for on the Open plan. */
const OPEN_PLAN_DEDICATED_SESSION = 1352;

export class IbmSession {
  private opening: Promise<string> | undefined;
  private closed = false;

  constructor(
    private readonly client: IbmRuntimeClient,
    private readonly device: string,
    private readonly mode: Exclude<ExecutionMode, "job">,
    private readonly maxTtlSeconds: number,
  ) {}

  /** The session id; the first call opens the session (concurrent callers share it). */
  id(): Promise<string> {
    if (this.closed) {
      return Promise.reject(
        new QplaneError(
          "QPLANE_ERR_PROVIDER_REJECTED",
          "the training run's IBM session is already closed; no further jobs can join it",
        ),
      );
    }
    this.opening ??= this.open();
    return this.opening;
  }

  private async open(): Promise<string> {
    const body = {
      mode: SESSION_API_MODE[this.mode],
      backend: this.device,
      max_ttl: this.maxTtlSeconds,
    };
    // Error statuses come back here (not thrown) so IBM's code can be read: 1352 needs its
    // own explanation, whatever HTTP status carries it.
    const { status, data } = await this.client.post<{ id?: unknown }>("/sessions", body, {
      acceptStatuses: [400, 403, 404, 409],
    });
    if (status >= 300) {
      const detail = describeIbmError(status, data);
      if (ibmErrorCode(data) === OPEN_PLAN_DEDICATED_SESSION) {
        throw new QplaneError(
          "QPLANE_ERR_PROVIDER_REJECTED",
          `IBM refused a dedicated session on ${this.device} (${detail}): the instance's plan (Open) cannot run dedicated sessions; set executionMode: "batch" (or "job") for this backend`,
        );
      }
      throw new QplaneError(
        status === 403 ? "QPLANE_ERR_PROVIDER_AUTH" : "QPLANE_ERR_PROVIDER_REJECTED",
        `IBM Quantum refused to open a ${body.mode} session on ${this.device}: ${detail}`,
      );
    }
    if (typeof data?.id !== "string" || data.id === "") {
      throw new QplaneError(
        "QPLANE_ERR_PROVIDER_REJECTED",
        "IBM POST /sessions returned no session id",
      );
    }
    return data.id;
  }

  /** Ends the session (once); a session that was never opened needs nothing. */
  async close(outcome: RunOutcome): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.opening === undefined) return;
    let id: string;
    try {
      id = await this.opening;
    } catch {
      return; // it never opened; the run already failed with that error
    }
    const path = `/sessions/${encodeURIComponent(id)}`;
    // 404/409: the session expired (max_ttl) or was closed already; nothing is left to end
    const accept = { acceptStatuses: [404, 409] };
    try {
      if (outcome === "completed") {
        await this.client.patch(path, { accepting_jobs: false }, accept);
      } else {
        await this.client.delete(`${path}/close`, accept);
      }
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new QplaneError(
        "QPLANE_ERR_PROVIDER_UNAVAILABLE",
        `the run ended (${outcome}) but its IBM session ${id} could not be closed (${reason}); it ends by itself after max_ttl = ${this.maxTtlSeconds} s`,
      );
    }
  }
}
