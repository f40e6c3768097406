/**
 * Where a twin's calibration comes from: a snapshot file (read on first use, then kept), or
 * a device's live calibration fetched again at most once per refresh interval. A failed
 * refresh keeps the last snapshot (and reports the failure through `warn`): a twin goes on
 * running on the calibration it has rather than failing jobs while the vendor's API is down.
 * Only a first fetch that fails fails the run.
 */
import type { CalibrationSnapshot, LoadedCalibration } from "./calibration-snapshot.js";
import { parseCalibration, readCalibrationFile } from "./calibration-snapshot.js";

export interface CalibrationSource {
  /** The calibration to simulate now; the same object until it changes. */
  current(): Promise<LoadedCalibration>;
}

/** A snapshot file, read and validated on first use; a failed read is retried next time. */
export function snapshotFileSource(path: string): CalibrationSource {
  let loaded: LoadedCalibration | undefined;
  return {
    current: async () => {
      loaded ??= readCalibrationFile(path);
      return loaded;
    },
  };
}

export interface RefreshingSourceOptions {
  /** Fetches the device's calibration now. */
  readonly fetch: () => Promise<CalibrationSnapshot>;
  /** At most one fetch per this interval (a failed one counts). */
  readonly refreshMs: number;
  /** Told about a failed refresh that keeps the previous snapshot. */
  readonly warn: (message: string) => void;
  /** @defaultValue Date.now */
  readonly now?: () => number;
}

/** A live calibration, refreshed as the module comment says. */
export function refreshingSource(options: RefreshingSourceOptions): CalibrationSource {
  const now = options.now ?? Date.now;
  let loaded: LoadedCalibration | undefined;
  let attemptedAt = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<LoadedCalibration> | undefined;
  const refresh = async (): Promise<LoadedCalibration> => {
    attemptedAt = now();
    try {
      // validated like a file: what the vendor sent must make a usable model
      loaded = parseCalibration(await options.fetch(), "calibration");
      return loaded;
    } catch (error) {
      if (loaded === undefined) {
        // nothing to fall back on: the next call may try again at once
        attemptedAt = Number.NEGATIVE_INFINITY;
        throw error;
      }
      const reason = error instanceof Error ? error.message : String(error);
      options.warn(
        `calibration refresh of ${loaded.snapshot.device} failed (${reason}); keeping the snapshot fetched at ${loaded.snapshot.fetchedAt}`,
      );
      return loaded;
    }
  };
  return {
    current: () => {
      if (inFlight !== undefined) return inFlight;
      if (loaded !== undefined && now() - attemptedAt < options.refreshMs) {
        return Promise.resolve(loaded);
      }
      const attempt = refresh();
      inFlight = attempt;
      // callers during the fetch share it; the next call after it settles decides afresh
      const settled = () => {
        if (inFlight === attempt) inFlight = undefined;
      };
      attempt.then(settled, settled);
      return attempt;
    },
  };
}
