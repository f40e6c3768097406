/**
 * The life of one run on a remote service, shared by every remote provider: the handle the
 * caller holds (`JobHandle`), cancellation by handle or AbortSignal, a deadline, and the
 * terminal state the run ends in. What the service is asked (submit, poll, read results,
 * cancel) is the provider's {@link RemoteWork}; when the run stops and how is decided here,
 * once for all providers:
 *
 * - stopping (cancel, the caller's signal, the deadline, or the work calling `stop` because a
 *   part failed) happens once — the first reason wins — and asks the service to cancel once;
 * - the run settles only after the work has returned and that cancel call has answered, so
 *   nothing is left running at the service when `result()` rejects;
 * - `status()` is the state known from the latest poll (no request of its own), and once the
 *   run has settled, its terminal state (TERMINAL_JOB_STATES), never left again: "completed"
 *   with a result; "cancelled" when cancelled by handle or signal, or when the service reports
 *   it cancelled (QPLANE_ERR_RUN_CANCELLED); "failed" otherwise (timeout included: its remote
 *   job was cancelled, but the run did not end by anyone's choice).
 */
import { QplaneError } from "../../src/errors/catalogue.js";
import {
  type ExecutionResult,
  type JobHandle,
  type JobState,
  TERMINAL_JOB_STATES,
} from "../types.js";

/** What a running job may do to its lifecycle. */
export interface RemoteRun {
  /** Aborted (with the stop reason, a QplaneError) when the run stops; poll and sleep on it. */
  readonly stopSignal: AbortSignal;
  /** Stops the run with `reason` (no effect once stopped): the service is asked to cancel. */
  stop(reason: QplaneError): void;
  /** Reports a non-terminal state seen at the service ("queued", "running"). */
  observe(state: JobState): void;
}

/** The provider's half of a remote run. */
export interface RemoteWork {
  /**
   * Submits (or has submitted), polls and reads the result. When `run.stopSignal` aborts the
   * work ends promptly, by returning or throwing (the stop reason is what the run rejects with).
   */
  execute(run: RemoteRun): Promise<ExecutionResult>;
  /**
   * Asks the service to cancel what is still running; called at most once per run, when it
   * stops. Work that submits more after that (a create already in flight) cancels it itself.
   */
  cancelRemote(): Promise<void>;
}

export interface RemoteJobOptions {
  /** The caller's signal: aborting it cancels the run. */
  readonly signal?: AbortSignal;
  /** A run not settled after this long is stopped with QPLANE_ERR_PROVIDER_TIMEOUT. */
  readonly timeoutMs: number;
  /** The run in messages: "IBM job abc", "Braket run braket-…". */
  readonly label: string;
}

export class RemoteJob implements JobHandle {
  private state: JobState = "queued";
  private readonly stopper = new AbortController();
  /** The service's answer to the one cancel request, once asked. */
  private cancelCall: Promise<void> | undefined;
  private readonly done: Promise<ExecutionResult>;

  constructor(
    readonly id: string,
    private readonly work: RemoteWork,
    private readonly options: RemoteJobOptions,
  ) {
    const { signal, timeoutMs, label } = options;
    const onAbort = () => this.stop(this.cancelledError());
    signal?.addEventListener("abort", onAbort, { once: true });
    const timer = setTimeout(
      () =>
        this.stop(
          new QplaneError(
            "QPLANE_ERR_PROVIDER_TIMEOUT",
            `${label} did not finish within ${timeoutMs} ms (last state ${this.state}); it was cancelled`,
          ),
        ),
      timeoutMs,
    );
    this.done = this.settle().finally(() => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    });
    this.done.catch(() => {}); // observed through result()
    if (signal?.aborted) onAbort();
  }

  /** The state known from the latest poll, or the terminal state once settled. */
  async status(): Promise<JobState> {
    return this.state;
  }

  result(): Promise<ExecutionResult> {
    return this.done;
  }

  /** Cancels the run (once; a settled run is left alone) and waits until it has settled. */
  async cancel(): Promise<void> {
    if (TERMINAL_JOB_STATES.has(this.state)) return;
    this.stop(this.cancelledError());
    await this.done.catch(() => {});
  }

  private cancelledError(): QplaneError {
    return new QplaneError("QPLANE_ERR_RUN_CANCELLED", `${this.options.label} was cancelled`);
  }

  private stop(reason: QplaneError): void {
    if (this.stopper.signal.aborted || TERMINAL_JOB_STATES.has(this.state)) return;
    this.stopper.abort(reason);
    // already terminal at the service, or unreachable: nothing more to do
    this.cancelCall = this.work.cancelRemote().catch(() => {});
  }

  private async settle(): Promise<ExecutionResult> {
    const run: RemoteRun = {
      stopSignal: this.stopper.signal,
      stop: (reason) => this.stop(reason),
      observe: (state) => {
        if (!TERMINAL_JOB_STATES.has(state) && !this.stopper.signal.aborted) this.state = state;
      },
    };
    let result: ExecutionResult | undefined;
    let failure: unknown;
    try {
      result = await this.work.execute(run);
    } catch (error) {
      failure = error;
    }
    if (this.stopper.signal.aborted) {
      await this.cancelCall;
      failure = this.stopper.signal.reason;
    }
    if (failure === undefined) {
      this.state = "completed";
      return result!;
    }
    const cancelled = failure instanceof QplaneError && failure.code === "QPLANE_ERR_RUN_CANCELLED";
    this.state = cancelled ? "cancelled" : "failed";
    throw failure;
  }
}
