/**
 * The `qplane train` progress bar: one cli-progress line on a terminal,
 *
 *   epoch 12/30 |██████░░░░░░| ETA 41s | test acc 0.875 | I(X;T) 0.912 | I(T;Y) 0.634
 *
 * and nothing at all when the stream is not a TTY (pipes, CI logs, files) or when disabled,
 * so redirected output stays clean.
 */
import { SingleBar } from "cli-progress";
import type { EpochRecord } from "../training/records.js";

export interface ProgressReporterOptions {
  /** Total epochs of the run. */
  readonly total: number;
  /** Where to draw (usually process.stderr). */
  readonly stream: NodeJS.WriteStream;
  /** false: print nothing even on a TTY (default true). */
  readonly enabled?: boolean;
  /** Epochs already done when the bar starts (a resumed run), default 0. */
  readonly initial?: number;
  /** What is counted: "epoch" (default) or "run" (`qplane experiment`). */
  readonly unit?: string;
}

export interface ProgressReporter {
  /** Show `done` of `total`, with the metrics of the last epoch record (kept when absent). */
  update(done: number, record?: EpochRecord): void;
  /** Draw the final state and release the terminal line. Idempotent. */
  stop(): void;
}

/** "test acc 0.875", "test mse 0.012", or "test —" when the record has neither metric. */
export function testMetricLabel(record: EpochRecord): string {
  if (record.testAccuracy !== undefined) return `test acc ${fixed3(record.testAccuracy)}`;
  if (record.testMse !== undefined) return `test mse ${fixed3(record.testMse)}`;
  return "test —";
}

/** " | val acc 0.850" / " | val mse 0.012" with a validation split, else "". */
export function validationMetricLabel(record: EpochRecord): string {
  if (record.validationAccuracy !== undefined)
    return ` | val acc ${fixed3(record.validationAccuracy)}`;
  if (record.validationMse !== undefined) return ` | val mse ${fixed3(record.validationMse)}`;
  return "";
}

function fixed3(value: number): string {
  return Number.isFinite(value) ? value.toFixed(3) : String(value);
}

const FORMAT =
  "{unit} {value}/{total} |{bar}| ETA {eta_formatted} | {metric} | I(X;T) {ixt} | I(T;Y) {ity}";

const quiet: ProgressReporter = { update() {}, stop() {} };

export function createProgressReporter(options: ProgressReporterOptions): ProgressReporter {
  const { total, stream } = options;
  if (!Number.isInteger(total) || total < 0) {
    throw new RangeError(`createProgressReporter: total must be a non-negative integer`);
  }
  if (options.enabled === false || stream.isTTY !== true) return quiet;

  const bar = new SingleBar({
    stream,
    format: FORMAT,
    barsize: 24,
    hideCursor: false,
    clearOnComplete: false,
    etaBuffer: 20,
    autopadding: true,
  });
  bar.start(total, options.initial ?? 0, {
    unit: options.unit ?? "epoch",
    metric: "test …",
    ixt: "…",
    ity: "…",
  });
  let stopped = false;

  return {
    update(done, record) {
      if (stopped) return;
      bar.update(
        done,
        record === undefined
          ? {}
          : {
              metric: testMetricLabel(record) + validationMetricLabel(record),
              ixt: fixed3(record.ixt),
              ity: fixed3(record.ity),
            },
      );
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}
