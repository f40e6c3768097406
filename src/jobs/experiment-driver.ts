/**
 * The API process's experiment driver: every `intervalMs` it advances each experiment with
 * children still to derive (`<p>:experiments:deferred`, keys.ts), so controls, tuned and
 * inheriting arms are queued once the runs they wait on have finished, whether or not anyone
 * reads the experiment. Several API processes may drive at once: advancing is idempotent per
 * child slot (src/jobs/experiment-advance.ts). One tick at a time; `close` waits for the tick under way.
 * A tick's work per experiment whose finished children are unchanged since its last complete
 * advance is two reads (record, children's job records): no epoch records, no deriving.
 */
import type { Logger } from "pino";
import type { ChildAdmission, ExperimentService } from "./experiment-types.js";

export interface ExperimentDriverOptions {
  readonly experiments: Pick<ExperimentService, "deferred" | "advance">;
  /** The server's checks of a derived child spec, for its experiment's owner. */
  readonly admit: ChildAdmission;
  readonly intervalMs: number;
  readonly logger: Logger;
}

export interface ExperimentDriver {
  /** Stops ticking; resolves once the tick under way (if any) has finished. */
  close(): Promise<void>;
}

export function startExperimentDriver(options: ExperimentDriverOptions): ExperimentDriver {
  const { experiments, admit, intervalMs, logger } = options;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let closed = false;

  const tick = async () => {
    let ids: readonly string[];
    try {
      ids = await experiments.deferred();
    } catch (error) {
      // Redis away: the service reports that; try again next tick
      logger.debug({ err: error }, "could not list experiments with deferred children");
      return;
    }
    for (const id of ids) {
      if (closed) return;
      try {
        await experiments.advance(id, admit);
      } catch (error) {
        logger.warn({ err: error, experimentId: id }, "could not advance an experiment");
      }
    }
  };
  const schedule = () => {
    if (closed) return;
    timer = setTimeout(() => {
      running = tick().finally(schedule);
    }, intervalMs);
  };
  schedule();

  return {
    async close() {
      closed = true;
      clearTimeout(timer);
      await running;
    },
  };
}
