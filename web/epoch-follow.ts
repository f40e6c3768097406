/**
 * Following one job's epochs live: the event stream is opened first; once it is open the
 * metrics so far are fetched (`?sinceEpoch=` the last shown), so no epoch falls between the
 * two. Metric events for epochs already shown are ignored; one that skips ahead triggers the
 * same catch-up. A terminal status ends the stream after a last catch-up. Used by the job page
 * for its own run and for the run it overlays (job-overlay.ts).
 */
import { apiJson } from "./api.js";
import { type LiveStream, liveStream } from "./live.js";
import { type EpochRecord, type JobEvent, TERMINAL_STATUSES } from "./types.js";

export type NonMetricEvent = Exclude<JobEvent, { type: "metric" }>;

export interface EpochFollowOptions {
  /** The job's URL, `/v1/jobs/<id>`. */
  readonly path: string;
  /** Aborts the catch-up requests (the page's). */
  readonly signal: AbortSignal;
  /** The last epoch shown (0: none). */
  lastEpoch(): number;
  /** Shows the next epoch. */
  append(record: EpochRecord): void;
  /** Progress and status events; a terminal status is the stream's last. */
  onEvent?(event: NonMetricEvent): void;
  onError(error: unknown): void;
}

export function followEpochs(options: EpochFollowOptions): LiveStream {
  const { path, signal } = options;
  /** Fetches the epochs after the last shown; one at a time, events wait in `pending`. */
  let catchingUp: Promise<void> | null = null;
  const pending: EpochRecord[] = [];
  const catchUp = (): Promise<void> => {
    catchingUp ??= (async () => {
      try {
        const { metrics } = await apiJson<{ metrics: EpochRecord[] }>(
          `${path}/metrics?sinceEpoch=${options.lastEpoch()}`,
          { signal },
        );
        for (const record of metrics) {
          if (record.epoch > options.lastEpoch()) options.append(record);
        }
      } finally {
        catchingUp = null;
      }
      const held = pending.splice(0);
      for (const record of held) addRecord(record);
    })().catch((error: unknown) => {
      if (!signal.aborted) options.onError(error);
    });
    return catchingUp;
  };
  const addRecord = (record: EpochRecord) => {
    if (catchingUp !== null) {
      pending.push(record);
      return;
    }
    const last = options.lastEpoch();
    if (record.epoch <= last) return;
    if (record.epoch === last + 1) options.append(record);
    else void catchUp();
  };
  return liveStream<JobEvent>({
    path: `${path}/events`,
    onOpen: () => void catchUp(),
    onEvent: (event) => {
      if (event.type === "metric") {
        addRecord(event.record);
        return undefined;
      }
      options.onEvent?.(event);
      if (event.type !== "status" || !TERMINAL_STATUSES.has(event.status)) return undefined;
      // the stream ends here: pick up the last epochs
      void catchUp();
      return "done";
    },
    onError: options.onError,
  });
}
