/**
 * A run folder: what `qplane train` leaves behind, one directory per run.
 *
 *   <baseDir>/<id>/spec.json      the job spec as given (pretty JSON)
 *                  metrics.json   {"metrics": [EpochRecord, ...]}
 *                  metrics.csv    the same records, one row per epoch (see METRICS_CSV_COLUMNS)
 *                  infoplane.svg  I(X;T) vs I(T;Y), coloured by epoch, I* rule when feedback is on
 *                  curves.svg     loss, accuracy/MSE, effective learning rate, penalty
 *                  summary.json   the RunSummary
 *
 * Run ids (`newRunId`) are `YYYYMMDD-HHMMSS-xxxxxx`: UTC time of creation to the second and
 * six random hex digits, so a plain string sort orders runs by creation time.
 */
import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { stringify } from "csv-stringify/sync";
import { curvesSvg } from "../plots/curves.js";
import { infoPlaneSvg } from "../plots/infoplane.js";
import type { EpochRecord, RunSummary } from "../training/records.js";

/**
 * Column order of metrics.csv (METRICS_CSV_COLUMNS): every EpochRecord field, in the order
 * below; the type checker keeps the list complete and its optional/required marks true.
 * A column is written when it is a required field or at least one record carries it (so a classification run has
 * no MSE columns and vice versa); a record without an optional field, and a null
 * `compressionTarget`, leave the cell empty. Numbers are written with `String(n)`, the
 * shortest text that parses back to the same double (0.1 → "0.1", 1/3 →
 * "0.3333333333333333"); NaN and ±Infinity are written as "NaN", "Infinity", "-Infinity".
 * Fields a record has beyond these (from a newer writer) are appended in name order.
 */
const COLUMN_KINDS: {
  readonly [K in keyof EpochRecord]-?: undefined extends EpochRecord[K] ? "optional" : "required";
} = {
  epoch: "required",
  trainLoss: "required",
  testLoss: "required",
  trainAccuracy: "optional",
  testAccuracy: "optional",
  trainMse: "optional",
  testMse: "optional",
  testR2: "optional",
  validationLoss: "optional",
  validationAccuracy: "optional",
  validationMse: "optional",
  validationR2: "optional",
  step: "optional",
  learningRate: "required",
  meanLearningRate: "optional",
  ixt: "required",
  ity: "required",
  hy: "required",
  ht: "required",
  saturated: "required",
  holevo: "optional",
  compressionPenalty: "required",
  compressionTarget: "required",
  alpha: "required",
  estimator: "required",
  shots: "required",
  circuitEvaluations: "required",
  submissions: "required",
  shotsUsed: "required",
  estimatedCostUsd: "required",
  elapsedMs: "required",
};

export const METRICS_CSV_COLUMNS = Object.freeze(
  Object.keys(COLUMN_KINDS) as (keyof EpochRecord)[],
);

const KNOWN_COLUMNS: ReadonlySet<string> = new Set(METRICS_CSV_COLUMNS);

/** The header of metrics.csv for these records (see METRICS_CSV_COLUMNS). */
export function metricsCsvColumns(records: readonly EpochRecord[]): string[] {
  const present = (key: string) =>
    records.some((record) => (record as unknown as Record<string, unknown>)[key] !== undefined);
  const known = METRICS_CSV_COLUMNS.filter(
    (key) => COLUMN_KINDS[key] === "required" || present(key),
  );
  const extra = new Set<string>();
  for (const record of records) {
    for (const key of Object.keys(record)) {
      if (!KNOWN_COLUMNS.has(key) && present(key)) extra.add(key);
    }
  }
  return [...known, ...[...extra].sort()];
}

function cell(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") {
    return String(value);
  }
  return JSON.stringify(value);
}

/** metrics.csv as text: a header line and one line per record, "\n" line endings. */
export function metricsCsv(records: readonly EpochRecord[]): string {
  const columns = metricsCsvColumns(records);
  const rows = records.map((record) => {
    const fields = record as unknown as Record<string, unknown>;
    return columns.map((column) => cell(fields[column]));
  });
  return stringify([columns, ...rows], { record_delimiter: "unix" });
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

const pad = (value: number, width = 2) => String(value).padStart(width, "0");

/**
 * A new run id `YYYYMMDD-HHMMSS-xxxxxx` (UTC). `random(3)` supplies the three bytes of the
 * hex suffix (default: crypto.randomBytes). Ids sort by time to the second; two ids of the
 * same second are ordered by their random suffix.
 */
export function newRunId(
  date: Date = new Date(),
  random: (bytes: number) => Uint8Array = randomBytes,
): string {
  if (Number.isNaN(date.getTime())) throw new RangeError("newRunId: invalid date");
  const year = date.getUTCFullYear();
  if (year < 0 || year > 9999) throw new RangeError(`newRunId: year ${year} outside 0..9999`);
  const bytes = random(3);
  if (bytes.length !== 3) throw new RangeError("newRunId: random(3) must return 3 bytes");
  const day = `${pad(year, 4)}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}`;
  const time = `${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}`;
  return `${day}-${time}-${hex(bytes)}`;
}

/** Folder names a run may have: one path segment, no dot-dot, nothing hidden. */
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export interface RunFolderInput {
  readonly id: string;
  /** The job spec, written as given. */
  readonly spec: unknown;
  readonly records: readonly EpochRecord[];
  readonly summary: RunSummary;
  /**
   * "metrics": only spec.json, metrics.json and summary.json (no plots, no CSV), for
   * experiments of many children. @defaultValue "full"
   */
  readonly artifacts?: RunArtifacts;
}

/** Which files a run folder gets: every file, or the metrics alone. */
export type RunArtifacts = "full" | "metrics";

const METRICS_ONLY_FILES: ReadonlySet<string> = new Set([
  "spec.json",
  "metrics.json",
  "summary.json",
]);

/** The file names of a run folder, in the order they are written. */
export const RUN_FOLDER_FILES = [
  "spec.json",
  "metrics.json",
  "metrics.csv",
  "infoplane.svg",
  "curves.svg",
  "summary.json",
] as const;

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/**
 * Write `<baseDir>/<id>/` (creating directories as needed; files of an existing folder are
 * overwritten) and return its path. The information plane marks the run's compression
 * target I* (the last non-null `compressionTarget`) when feedback was on.
 */
export async function writeRunFolder(baseDir: string, run: RunFolderInput): Promise<string> {
  if (!SAFE_ID.test(run.id) || run.id.includes("..")) {
    throw new RangeError(`writeRunFolder: run id ${JSON.stringify(run.id)} is not a safe name`);
  }
  const folder = join(baseDir, run.id);
  const task = run.summary.task === "regression" ? "regression" : "classification";
  const full = (run.artifacts ?? "full") === "full";
  const [infoplane, curves] = full
    ? await Promise.all([
        infoPlaneSvg(run.records, { title: `Information plane — ${task}` }),
        curvesSvg(run.records, { title: `Training curves — ${task}` }),
      ])
    : ["", ""];
  const contents: Record<(typeof RUN_FOLDER_FILES)[number], () => string> = {
    "spec.json": () => json(run.spec),
    "metrics.json": () => json({ metrics: run.records }),
    "metrics.csv": () => metricsCsv(run.records),
    "infoplane.svg": () => infoplane,
    "curves.svg": () => curves,
    "summary.json": () => json(run.summary),
  };
  await mkdir(folder, { recursive: true });
  for (const name of RUN_FOLDER_FILES) {
    if (full || METRICS_ONLY_FILES.has(name)) {
      await writeFile(join(folder, name), contents[name](), "utf8");
    }
  }
  return folder;
}
