/**
 * One Sampler job on IBM Quantum as a qplane job handle: polled (`GET /jobs/{id}`, interval
 * ×1.5 per poll up to a ceiling) until terminal, its results read and counted per parameter
 * row; the lifecycle (cancel once, deadline, terminal states) is the shared remote one.
 */
import { QplaneError } from "../../src/errors/catalogue.js";
import { abortableSleep, pollUntil } from "../remote/poll.js";
import { RemoteJob, type RemoteRun, type RemoteWork } from "../remote/remote-job.js";
import {
  type ExecutionResult,
  type JobHandle,
  type JobState,
  TERMINAL_JOB_STATES,
} from "../types.js";
import type { IbmRuntimeClient } from "./client.js";
import { countRows, jobRowSamples, type PubLayout } from "./results.js";

/** Empty result reads (HTTP 204 just after completion) tolerated before the job counts as failed. */
const EMPTY_RESULT_RETRIES = 4;

export interface JobResponse {
  readonly id?: string;
  readonly status?: string;
  readonly state?: { status?: string; reason?: string; reason_code?: number | string };
}

/** What reading a job's results needs, and how to poll it. */
export interface IbmJobPlan {
  readonly pubs: readonly PubLayout[];
  /** Samples each row must have; undefined (twirling) accepts the count IBM returns. */
  readonly shots: number | undefined;
  readonly numClbits: number;
  /** First poll interval; grows ×1.5 per poll up to maxPollIntervalMs. */
  readonly pollIntervalMs: number;
  readonly maxPollIntervalMs: number;
  readonly timeoutMs: number;
}

/** IBM job status → qplane job state. */
export function mapJobStatus(status: string | undefined): JobState {
  switch (status) {
    case "Queued":
      return "queued";
    case "Running":
      return "running";
    case "Completed":
      return "completed";
    case "Failed":
      return "failed";
    default:
      if (status?.startsWith("Cancelled")) return "cancelled";
      return "queued";
  }
}

/** The handle of submitted job `id`; polling starts at once. */
export function startIbmJob(
  id: string,
  client: IbmRuntimeClient,
  plan: IbmJobPlan,
  signal: AbortSignal | undefined,
): JobHandle {
  return new RemoteJob(id, new IbmJobWork(id, client, plan), {
    signal,
    timeoutMs: plan.timeoutMs,
    label: `IBM job ${id}`,
  });
}

class IbmJobWork implements RemoteWork {
  constructor(
    private readonly id: string,
    private readonly client: IbmRuntimeClient,
    private readonly plan: IbmJobPlan,
  ) {}

  private path(suffix = ""): string {
    return `/jobs/${encodeURIComponent(this.id)}${suffix}`;
  }

  async execute(run: RemoteRun): Promise<ExecutionResult> {
    const data = await pollUntil(
      async () => {
        // without the echoed circuits
        const { data } = await this.client.get<JobResponse>(this.path("?exclude_params=true"));
        run.observe(mapJobStatus(data?.status ?? data?.state?.status));
        return data ?? {};
      },
      (job) => TERMINAL_JOB_STATES.has(mapJobStatus(job.status ?? job.state?.status)),
      {
        firstIntervalMs: this.plan.pollIntervalMs,
        maxIntervalMs: this.plan.maxPollIntervalMs,
        growth: 1.5,
      },
      run.stopSignal,
    );
    const status = data.status ?? data.state?.status;
    const state = mapJobStatus(status);
    if (state === "completed") return this.fetchResult(run.stopSignal);
    if (state === "failed") {
      const reason = data.state?.reason ?? "no reason given";
      const code =
        data.state?.reason_code !== undefined ? ` (reason code ${data.state.reason_code})` : "";
      throw new QplaneError(
        "QPLANE_ERR_PROVIDER_JOB_FAILED",
        `IBM job ${this.id} failed${code}: ${reason}`,
      );
    }
    throw new QplaneError(
      "QPLANE_ERR_RUN_CANCELLED",
      `IBM job ${this.id} ended as "${status}"${data.state?.reason ? `: ${data.state.reason}` : ""}`,
    );
  }

  private async fetchResult(stop: AbortSignal): Promise<ExecutionResult> {
    for (let attempt = 0; ; attempt++) {
      const response = await this.client.get<unknown>(this.path("/results"));
      if (response.status !== 204) {
        const perRow = jobRowSamples(response.data, "c", this.plan.pubs);
        return countRows(perRow, this.plan.numClbits, this.plan.shots);
      }
      if (attempt >= EMPTY_RESULT_RETRIES) {
        throw new QplaneError(
          "QPLANE_ERR_PROVIDER_JOB_FAILED",
          `IBM job ${this.id} completed but its results stayed empty (HTTP 204)`,
        );
      }
      await abortableSleep(this.plan.pollIntervalMs, stop);
    }
  }

  async cancelRemote(): Promise<void> {
    // 409: the job already finished; nothing left running.
    await this.client.post(this.path("/cancel"), undefined, { acceptStatuses: [409] });
  }
}
