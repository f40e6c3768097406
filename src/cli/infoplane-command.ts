/**
 * `qplane infoplane FILE`: the information plane of measured shot counts, e.g. from hardware.
 * Reads a JSON counts file and prints one JSON line with I(X;T), I(T;Y), H(T), H(Y) in bits.
 */
import { QplaneError } from "../errors/catalogue.js";
import { at, required } from "../errors/checked.js";
import { informationPlaneFromCounts, type ShotEstimator } from "../infoplane/index.js";
import { readTextFile } from "./read-text-file.js";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const BITSTRING = /^[01]{2,}$/;
const DECIMAL = /^(0|[1-9][0-9]*)$/;

/**
 * Reads a counts file and returns its information plane as one JSON line (no newline):
 * `{"ixt":…,"ity":…,"ht":…,"hy":…,"estimator":…,"samples":N,"shots":S}`, bits, S the total
 * shots over all samples.
 *
 * File format: `{"samples": [{"label": 0, "counts": {"0": 12, "3": 88}}, …]}`, one entry per
 * evaluated input x_i (p(x) = 1/N), its counts over register outcomes t.
 * - Outcome keys: if EVERY key in the file is made of 0/1 characters only and all have the
 *   same length ≥ 2, the keys are bitstrings with c[0] rightmost ("011" is outcome 3, as
 *   `qplane run-qasm` prints them). Otherwise every key must be a decimal integer without
 *   leading zeros ("0", "3", "12"). So a file mixing "01" and "5" is rejected, and a
 *   decimal-keyed file whose keys happen to be all of "10" and "11" reads as bitstrings:
 *   write such files with bitstrings or include a key like "2".
 *   Only which keys are equal matters to the information plane, so keys are compared, not
 *   converted, and there is no limit on their size.
 * - Counts: non-negative integers; each sample needs at least one shot.
 * - Labels: all integers ≥ 0 or all strings; the classes are the distinct labels (integers in
 *   numeric order, strings in code-unit order). Class names do not enter the result.
 *
 * @throws QplaneError QPLANE_ERR_IO when the file cannot be read or is not JSON;
 *   QPLANE_ERR_CLI_USAGE for content at fault, naming the file, sample and field
 *   (e.g. `samples[3].counts["x"]: …`), and for an unknown estimator.
 */
export function infoPlaneFromCountsFile(path: string, estimator: ShotEstimator): string {
  if (estimator !== "plugin" && estimator !== "miller-madow") {
    throw new QplaneError(
      "QPLANE_ERR_CLI_USAGE",
      `estimator must be "plugin" or "miller-madow", got "${String(estimator)}"`,
    );
  }
  const text = readTextFile(path);
  let document: Json;
  try {
    document = JSON.parse(text) as Json;
  } catch (error) {
    throw new QplaneError("QPLANE_ERR_IO", `${path}: not valid JSON (${(error as Error).message})`);
  }
  const fail = (where: string, message: string): never => {
    throw new QplaneError("QPLANE_ERR_CLI_USAGE", `${path}: ${where}: ${message}`);
  };

  if (!isObject(document)) return fail("top level", 'must be an object {"samples": [...]}');
  const samples = document.samples;
  if (!Array.isArray(samples)) return fail("samples", "missing, or not an array");
  if (samples.length === 0) return fail("samples", "must list at least one sample");

  // pass 1: shapes, counts, labels; collect keys
  const rows: { keys: string[]; values: number[] }[] = [];
  const rawLabels: (number | string)[] = [];
  for (let i = 0; i < samples.length; i++) {
    const sample = samples[i];
    const at = `samples[${i}]`;
    if (!isObject(sample)) return fail(at, 'must be an object {"label": …, "counts": {…}}');
    const label = sample.label;
    if (label === undefined) return fail(`${at}.label`, "missing");
    if (typeof label === "string") rawLabels.push(label);
    else if (typeof label === "number" && Number.isSafeInteger(label) && label >= 0)
      rawLabels.push(label);
    else
      return fail(
        `${at}.label`,
        `must be an integer ≥ 0 or a string, got ${JSON.stringify(label)}`,
      );
    const counts = sample.counts;
    if (!isObject(counts))
      return fail(`${at}.counts`, "missing, or not an object of outcome: count");
    const keys = Object.keys(counts);
    const values: number[] = [];
    let shots = 0;
    for (const key of keys) {
      const n = counts[key];
      if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) {
        return fail(
          `${at}.counts[${JSON.stringify(key)}]`,
          `count must be a non-negative integer, got ${JSON.stringify(n)}`,
        );
      }
      values.push(n);
      shots += n;
    }
    if (shots === 0) return fail(`${at}.counts`, "sample has zero shots");
    rows.push({ keys, values });
  }

  // the file-wide key rule
  let width = -1;
  let bitstrings = true;
  for (const { keys } of rows) {
    for (const key of keys) {
      if (!BITSTRING.test(key) || (width >= 0 && key.length !== width)) bitstrings = false;
      width = key.length;
    }
  }
  const outcomeIndex = new Map<string, number>();
  for (const [i, { keys }] of rows.entries()) {
    for (const key of keys) {
      if (!bitstrings && !DECIMAL.test(key)) {
        return fail(
          `samples[${i}].counts[${JSON.stringify(key)}]`,
          "outcome key must be a decimal integer without leading zeros, or (in every sample) a bitstring of one common length ≥ 2",
        );
      }
      if (!outcomeIndex.has(key)) outcomeIndex.set(key, outcomeIndex.size);
    }
  }

  // labels → class indices
  const numeric = rawLabels.filter((label) => typeof label === "number").length;
  if (numeric !== 0 && numeric !== rawLabels.length) {
    const first = rawLabels.findIndex((label) => typeof label !== typeof rawLabels[0]);
    return fail(`samples[${first}].label`, "labels must be all integers or all strings, not both");
  }
  // class index = rank among the distinct labels (unused integers would only add empty classes)
  const names = [...new Set(rawLabels)].sort((a, b) =>
    typeof a === "number" ? a - (b as number) : a < b ? -1 : a > b ? 1 : 0,
  );
  const classOf = new Map<number | string, number>(names.map((name, j) => [name, j]));
  const labels = rawLabels.map((label) => required(classOf, label, "class of a label"));

  const outcomes = outcomeIndex.size;
  const table = new Float64Array(rows.length * outcomes);
  rows.forEach(({ keys, values }, i) => {
    keys.forEach((key, j) => {
      table[i * outcomes + required(outcomeIndex, key, "outcome index")] = at(values, j, "count");
    });
  });
  let point: ReturnType<typeof informationPlaneFromCounts>;
  try {
    point = informationPlaneFromCounts(table, outcomes, labels, { estimator });
  } catch (error) {
    if (error instanceof RangeError) return fail("samples", error.message);
    throw error;
  }
  return JSON.stringify({
    ixt: point.ixt,
    ity: point.ity,
    ht: point.ht,
    hy: point.hy,
    estimator: point.estimator,
    samples: point.samples,
    shots: point.shots,
  });
}
