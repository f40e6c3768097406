/**
 * Supervision of the worker child in QPLANE_ROLE=all. A child that exits without being asked
 * to is restarted after a back-off (1 s, doubling up to 30 s; back to 1 s once a child stayed
 * up a minute); after `maxCrashes` exits within `crashWindowMs` (5 in 5 min) the supervisor
 * gives up, so that the process exits non-zero and a process manager sees it.
 *
 * `RestartPolicy` is the timing alone (plain numbers in, a decision out); `superviseWorker`
 * applies it to real child processes.
 */
import type { ChildExit, ForkedWorker } from "./worker.js";

export interface RestartPolicyOptions {
  /** Delay before the first restart. @defaultValue 1000 */
  readonly initialDelayMs?: number;
  /** Ceiling of the doubling delay. @defaultValue 30000 */
  readonly maxDelayMs?: number;
  /** A child that stayed up this long resets the delay. @defaultValue 60000 */
  readonly stableAfterMs?: number;
  /** Exits within `crashWindowMs` that make the supervisor give up. @defaultValue 5 */
  readonly maxCrashes?: number;
  /** @defaultValue 300000 */
  readonly crashWindowMs?: number;
}

export type RestartDecision =
  | { readonly action: "restart"; readonly delayMs: number }
  | { readonly action: "give-up"; readonly crashes: number; readonly windowMs: number };

export class RestartPolicy {
  private readonly options: Required<RestartPolicyOptions>;
  private crashTimesMs: number[] = [];
  private nextDelayMs: number;

  constructor(options: RestartPolicyOptions = {}) {
    this.options = {
      initialDelayMs: options.initialDelayMs ?? 1000,
      maxDelayMs: options.maxDelayMs ?? 30_000,
      stableAfterMs: options.stableAfterMs ?? 60_000,
      maxCrashes: options.maxCrashes ?? 5,
      crashWindowMs: options.crashWindowMs ?? 300_000,
    };
    this.nextDelayMs = this.options.initialDelayMs;
  }

  /** What to do about a child that crashed at `crashedAtMs` after running for `upForMs`. */
  onCrash(crashedAtMs: number, upForMs: number): RestartDecision {
    const { initialDelayMs, maxDelayMs, stableAfterMs, maxCrashes, crashWindowMs } = this.options;
    if (upForMs >= stableAfterMs) this.nextDelayMs = initialDelayMs;
    this.crashTimesMs = [
      ...this.crashTimesMs.filter((at) => at > crashedAtMs - crashWindowMs),
      crashedAtMs,
    ];
    if (this.crashTimesMs.length >= maxCrashes) {
      return { action: "give-up", crashes: this.crashTimesMs.length, windowMs: crashWindowMs };
    }
    const delayMs = this.nextDelayMs;
    this.nextDelayMs = Math.min(2 * delayMs, maxDelayMs);
    return { action: "restart", delayMs };
  }
}

export interface SupervisorOptions {
  /** Starts one child (forkWorker with the service's entry and environment). */
  readonly spawn: () => ForkedWorker;
  readonly policy?: RestartPolicyOptions;
  /**
   * Runs when a child died unasked, before its replacement starts: hands its jobs back
   * (recovery.ts). Its failure is logged, never fatal.
   */
  readonly onCrash?: (workerId: string) => Promise<unknown>;
  /** Called once when the supervisor gives up, with the line that says why. */
  readonly onGiveUp: (reason: string) => void;
  readonly log: {
    warn(message: string): void;
    error(message: string): void;
  };
  /** Clock in ms (tests). @defaultValue Date.now */
  readonly now?: () => number;
}

export interface SupervisedWorker {
  /** True while a child runs and has reported its worker ready. */
  readonly alive: boolean;
  /** The running child's pid (null between a crash and its restart). */
  readonly pid: number | null;
  /** Stops supervising and closes the child gracefully (SIGTERM); resolves on its exit. */
  close(): Promise<void>;
  /** Stops supervising and kills the child at once (a shutdown past its deadline). */
  kill(): void;
}

function describeExit(exit: ChildExit): string {
  return exit.signal !== null ? `was killed by ${exit.signal}` : `exited with status ${exit.code}`;
}

export function superviseWorker(options: SupervisorOptions): SupervisedWorker {
  const policy = new RestartPolicy(options.policy);
  const now = options.now ?? Date.now;
  let child: ForkedWorker | null = null;
  let restartTimer: NodeJS.Timeout | undefined;
  let stopped = false;

  const start = () => {
    const current = options.spawn();
    const startedAtMs = now();
    child = current;
    void current.exited.then(async (exit) => {
      child = null;
      if (stopped) return;
      const workerId = current.workerId;
      if (workerId !== null && options.onCrash) {
        await options.onCrash(workerId).catch((error: unknown) => {
          options.log.warn(`could not hand back the dead worker's jobs: ${String(error)}`);
        });
      }
      if (stopped) return;
      const decision = policy.onCrash(now(), now() - startedAtMs);
      if (decision.action === "give-up") {
        stopped = true;
        options.onGiveUp(
          `worker process ${describeExit(exit)}; ${decision.crashes} worker crashes within ${decision.windowMs / 1000} s: giving up`,
        );
        return;
      }
      options.log.error(
        `worker process ${current.pid} ${describeExit(exit)}; restarting it in ${decision.delayMs / 1000} s`,
      );
      restartTimer = setTimeout(start, decision.delayMs);
    });
  };
  start();

  return {
    get alive() {
      return child?.ready === true;
    },
    get pid() {
      return child?.pid ?? null;
    },
    async close() {
      stopped = true;
      clearTimeout(restartTimer);
      if (child) await child.close();
    },
    kill() {
      stopped = true;
      clearTimeout(restartTimer);
      child?.kill("SIGKILL");
    },
  };
}
