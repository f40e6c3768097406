/**
 * Where a local backend's noise comes from, as a backends-file entry writes it:
 *
 *   noise: {snapshot: FILE}                              a saved calibration snapshot
 *   noise: {fromBackend: NAME, refreshMinutes?: N}       the live calibration of another
 *                                                        entry (provider ibm or braket),
 *                                                        fetched again at most every N
 *                                                        minutes (default 60)
 *
 * Such a local backend is a *twin* of the device (src/backends/twins.ts builds it).
 */
import { z } from "zod";

export const DEFAULT_REFRESH_MINUTES = 60;

// one object with a check rather than a union, so an error names the field at fault (a
// union only says "Invalid input")
export const noiseSourceSchema = z
  .strictObject({
    snapshot: z.string().min(1).optional(),
    fromBackend: z.string().min(1).optional(),
    /** At most one fetch per this many minutes; a failed fetch keeps the last snapshot. */
    refreshMinutes: z.number().positive().max(525_600).optional(),
  })
  .superRefine((source, context) => {
    if ((source.snapshot === undefined) === (source.fromBackend === undefined)) {
      context.addIssue({
        code: "custom",
        path: source.snapshot === undefined ? [] : ["fromBackend"],
        message: "give exactly one of snapshot (a file) and fromBackend (a backend name)",
      });
    } else if (source.snapshot !== undefined && source.refreshMinutes !== undefined) {
      context.addIssue({
        code: "custom",
        path: ["refreshMinutes"],
        message: "applies only with fromBackend (a snapshot file is read once)",
      });
    }
  });

export type NoiseSource = z.infer<typeof noiseSourceSchema>;

/** What the reference check reads of a backends-file entry. */
interface EntryRef {
  readonly name: string;
  readonly provider: string;
  readonly noise?: NoiseSource;
  readonly readoutError?: unknown;
}

/**
 * The first problem with the entries' noise sources, as `<name>.noise…: message`, or
 * undefined: `fromBackend` must name an ibm or braket entry; a twin's readout comes from its
 * calibration, so `readoutError` beside `noise` is refused.
 */
export function noiseSourceProblem(entries: readonly EntryRef[]): string | undefined {
  const byName = new Map(entries.map((entry) => [entry.name, entry]));
  for (const entry of entries) {
    const { noise } = entry;
    if (noise === undefined) continue;
    if (entry.readoutError !== undefined) {
      return `backend "${entry.name}": readoutError: not allowed beside noise (the twin's readout error comes from the calibration)`;
    }
    if (noise.fromBackend === undefined) continue;
    const source = byName.get(noise.fromBackend);
    if (source === undefined || (source.provider !== "ibm" && source.provider !== "braket")) {
      const hardware = entries.filter((e) => e.provider === "ibm" || e.provider === "braket");
      return `backend "${entry.name}": noise.fromBackend: "${noise.fromBackend}" is ${source === undefined ? "not a configured backend" : `a ${source.provider} backend`}; it must name an ibm or braket backend (configured: ${hardware.map((e) => e.name).join(", ") || "none"})`;
    }
  }
  return undefined;
}
