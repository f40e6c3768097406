/**
 * The data shape the API sizes a spec with (admission's cost check, a dry run's plan).
 * Generated datasets are arithmetic and the built-in real ones tiny (`prepareDataShape`). A
 * CSV file must be read and parsed: that runs in a worker thread (`runOffThread`, bounded
 * like routing), once per file version: its summary (task, features, rows per class) is
 * cached by the file's path, size and modification time and the fields that parse it, so a
 * dry run, the submission that follows and every child of an experiment (other seeds, other
 * test fractions: split sizes are arithmetic on the summary) read the file once. A file
 * larger than {@link csvByteLimit} is refused before it is read.
 */
import { stat } from "node:fs/promises";
import { runOffThread } from "../compute/off-thread.js";
import type { SpecLimits } from "../config.js";
import { QplaneError } from "../errors/catalogue.js";
import {
  type DatasetSummary,
  type PreparedDataShape,
  prepareDataShape,
  shapeOfSummary,
} from "../training/prepare.js";
import type { JobSpec } from "../training/spec.js";

/**
 * Bytes a CSV row may take on average (64 columns of 9 characters and a separator): times
 * `QPLANE_MAX_DATASET_ROWS` the largest file the API reads (64 MB for 100 000 rows).
 */
export const CSV_BYTES_PER_ROW = 640;

/** The largest CSV file admitted under `limits`, in bytes (header included). */
export function csvByteLimit(limits: Pick<SpecLimits, "maxDatasetRows">): number {
  return (limits.maxDatasetRows + 1) * CSV_BYTES_PER_ROW;
}

/** Summaries of the CSV file versions read lately (a number per class each). */
const csvSummaries = new Map<string, Promise<DatasetSummary>>();
const CSV_SUMMARIES_KEPT = 64;

/**
 * The shape `prepareData` would give the spec's data. `spec.dataset.path` must already be
 * confined to the dataset directory (`confineDatasetPath`): messages name the field only.
 */
export async function datasetShapeOf(
  spec: JobSpec,
  limits: Pick<SpecLimits, "maxDatasetRows"> | undefined,
): Promise<PreparedDataShape> {
  if (spec.dataset.name !== "csv") return prepareDataShape(spec);
  let file: { size: number; mtimeMs: number };
  try {
    file = await stat(spec.dataset.path!);
  } catch {
    throw new QplaneError("QPLANE_ERR_DATASET", "spec.dataset.path: cannot read the file");
  }
  if (limits !== undefined && file.size > csvByteLimit(limits)) {
    throw new QplaneError(
      "QPLANE_ERR_LIMIT_EXCEEDED",
      `spec.dataset.path: the file is ${file.size} bytes, above this server's limit of ${csvByteLimit(limits)} bytes (${CSV_BYTES_PER_ROW} per row of QPLANE_MAX_DATASET_ROWS)`,
    );
  }
  const { path, target, features, task } = spec.dataset;
  const key = JSON.stringify([path, file.size, file.mtimeMs, target, features, task]);
  let summary = csvSummaries.get(key);
  if (summary === undefined) {
    summary = runOffThread("summarizeDataset", [spec], "spec.dataset.path");
    csvSummaries.set(key, summary);
    // a failure (a busy server, a file being written) is tried again next time
    summary.catch(() => csvSummaries.delete(key));
    if (csvSummaries.size > CSV_SUMMARIES_KEPT) {
      csvSummaries.delete(csvSummaries.keys().next().value!);
    }
  }
  return shapeOfSummary(spec, await summary);
}
