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
import { type OffThreadOptions, type OffThreadTask, runOffThread } from "../compute/off-thread.js";
import type { SpecLimits } from "../config.js";
import { QplaneError } from "../errors/catalogue.js";
import { present } from "../errors/checked.js";
import {
  type DatasetSummary,
  type PreparedDataShape,
  shapeOfSummary,
  summarizeDataset,
} from "../training/prepare.js";
import type { JobSpec } from "../training/spec.js";

/**
 * Reading and summarising a CSV file as a worker-thread task: the thread imports the
 * training module that defines it (compiled, next to this one).
 */
const SUMMARIZE_TASK: OffThreadTask<typeof summarizeDataset> = {
  module: new URL("../training/prepare.js", import.meta.url).href,
  exportName: "summarizeDataset",
  answer: { code: "QPLANE_ERR_DATASET", work: "reading the file", remedy: "use a smaller file" },
  load: async () => summarizeDataset,
};

/**
 * Bytes a CSV row may take on average (64 columns of 9 characters and a separator): times
 * `QPLANE_MAX_DATASET_ROWS` the largest file the API reads (64 MB for 100 000 rows).
 */
export const CSV_BYTES_PER_ROW = 640;

/** The largest CSV file admitted under `limits`, in bytes (header included). */
export function csvByteLimit(limits: Pick<SpecLimits, "maxDatasetRows">): number {
  return (limits.maxDatasetRows + 1) * CSV_BYTES_PER_ROW;
}

/**
 * Whom a CSV file is read for: the API key's owner (one read at a time per key) and a signal
 * aborted when the client has gone (a read still waiting for a thread is dropped; another
 * request waiting on the same read then gets a retryable 503).
 */
export type Requester = Pick<OffThreadOptions, "owner" | "signal">;

/** CSV summaries kept: a number per class each, so only files with few classes are kept. */
const CSV_SUMMARIES_KEPT = 64;
/** Classes a kept summary may have (64 × 1024 numbers at most); more are read each time. */
const CSV_SUMMARY_CLASSES_KEPT = 1024;

/**
 * The shapes of specs' data for one API (`ResolvedApiOptions.datasetShapes`), with the
 * summaries of the CSV file versions read lately. A cached file answers in under a
 * millisecond and a read one in tens: a timing that tells a key whether another key read
 * that file lately, no more (its path inside the dataset directory is all it names).
 */
export class DatasetShapes {
  private readonly summaries = new Map<string, Promise<DatasetSummary>>();

  constructor(private readonly limits: Pick<SpecLimits, "maxDatasetRows"> | undefined) {}

  /**
   * The shape `prepareData` would give the spec's data; a CSV file is read for `requester`
   * (`runOffThread`). `spec.dataset.path` must already be confined to the dataset directory
   * (`confineDatasetPath`): messages name the field only.
   */
  async of(spec: JobSpec, requester: Requester = {}): Promise<PreparedDataShape> {
    return shapeOfSummary(spec, await this.summaryOf(spec, requester));
  }

  /**
   * The summary `of` sizes the spec's data from (task, features, rows per class): arithmetic
   * or a small read for the built-in datasets, the cached read of a CSV file.
   */
  async summaryOf(spec: JobSpec, requester: Requester = {}): Promise<DatasetSummary> {
    if (spec.dataset.name !== "csv") return summarizeDataset(spec);
    const { limits } = this;
    let file: { size: number; mtimeMs: number };
    try {
      file = await stat(present(spec.dataset.path, "spec.dataset.path"));
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
    // the summary does not depend on the order features are listed in
    const featureSet = features === undefined ? null : [...features].sort();
    const key = JSON.stringify([path, file.size, file.mtimeMs, target, featureSet, task ?? null]);
    let summary = this.summaries.get(key);
    if (summary === undefined) {
      const reading = runOffThread(SUMMARIZE_TASK, [spec], "spec.dataset.path", requester);
      summary = reading;
      this.summaries.set(key, reading);
      // a failure (a busy server, a file being written) is tried again next time, and a
      // summary with many classes is not kept; either only while no newer entry replaced it
      const forget = () => {
        if (this.summaries.get(key) === reading) this.summaries.delete(key);
      };
      reading.then((read) => {
        if (read.groups.length > CSV_SUMMARY_CLASSES_KEPT) forget();
      }, forget);
      if (this.summaries.size > CSV_SUMMARIES_KEPT) {
        this.summaries.delete(this.summaries.keys().next().value!);
      }
    }
    return summary;
  }
}
