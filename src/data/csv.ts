/**
 * `csv` datasets: a header row names the columns; `target` is one column, `features` (default:
 * every other column) must be numeric. Cells are trimmed; empty cells and the tokens NA, N/A,
 * NaN, null and ? (case-insensitive) count as missing, and rows with a missing value in any
 * used column are dropped and counted in `droppedRows`. Rows in messages are data rows counted
 * from 1 below the header, with the file line where the row ends. Messages name the field and
 * the file's base name, never its directory: over HTTP the path is the server's resolved one.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { parse } from "csv-parse/sync";
import { QplaneError } from "../errors/catalogue.js";
import { at, required } from "../errors/checked.js";
import { systemErrorReason } from "../errors/describe.js";
import { sortClassNames } from "./natural-order.js";
import type { Dataset, Task } from "./types.js";

export interface CsvOptions {
  readonly path: string;
  readonly target: string;
  /** Default: every column except the target. */
  readonly features?: readonly string[] | undefined;
  /** Default: classification if any target value is non-numeric, else regression. */
  readonly task?: Task | undefined;
}

const MISSING = new Set(["", "na", "n/a", "nan", "null", "?"]);
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export function isMissingCell(cell: string): boolean {
  return MISSING.has(cell.trim().toLowerCase());
}

/** A finite decimal number (no hex, no Infinity), or undefined. */
export function parseNumericCell(cell: string): number | undefined {
  const text = cell.trim();
  if (!DECIMAL.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

function fail(message: string): never {
  throw new QplaneError("QPLANE_ERR_DATASET", message);
}

interface CsvRow {
  readonly cells: readonly string[];
  /** File line where the record ends (1-based). */
  readonly line: number;
}

function readRows(path: string, field: string): CsvRow[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    fail(`${field}: cannot read file (${systemErrorReason(error)})`);
  }
  if (text.replace(/^\uFEFF/, "").trim() === "") fail(`${field}: file is empty`);
  let parsed: unknown;
  try {
    parsed = parse(text, { bom: true, skip_empty_lines: true, trim: true, info: true });
  } catch (error) {
    fail(`${field}: malformed CSV (${error instanceof Error ? error.message : String(error)})`);
  }
  // With `info: true` each entry is { record, info }; the typings do not model that option.
  return (parsed as { record: string[]; info: { lines: number } }[]).map((entry) => ({
    cells: entry.record,
    line: entry.info.lines,
  }));
}

function cellAt(rowNumber: number, row: CsvRow, value: string): string {
  return `row ${rowNumber}, line ${row.line}: ${JSON.stringify(value)}`;
}

/** The row's cell at `index`; a row shorter than the header fails naming row and line. */
function cellOf(field: string, rowNumber: number, row: CsvRow, index: number): string {
  const cell = row.cells[index];
  if (cell === undefined) {
    fail(
      `${field}: row ${rowNumber}, line ${row.line} has ${row.cells.length} cells, too few for column ${index + 1}`,
    );
  }
  return cell;
}

export function loadCsv(options: CsvOptions): Dataset {
  const { path, target } = options;
  const field = `dataset.path ${JSON.stringify(basename(path))}`;
  const rows = readRows(path, field);
  const headerRow = rows[0];
  if (headerRow === undefined) fail(`${field}: no header row`);
  const header = headerRow.cells;
  const columnList = header.map((name) => JSON.stringify(name)).join(", ");
  const seen = new Set<string>();
  for (const name of header) {
    if (seen.has(name)) fail(`${field}: duplicate column ${JSON.stringify(name)} in the header`);
    seen.add(name);
  }
  if (rows.length < 2) fail(`${field}: no data rows below the header`);

  const targetIndex = header.indexOf(target);
  if (targetIndex < 0) {
    fail(`dataset.target ${JSON.stringify(target)}: no such column (columns: ${columnList})`);
  }
  const featureNames = options.features
    ? [...options.features]
    : header.filter((name) => name !== target);
  if (featureNames.length === 0) {
    fail(
      `dataset.features: no feature columns besides target ${JSON.stringify(target)} (columns: ${columnList})`,
    );
  }
  const listed = new Set<string>();
  for (const name of featureNames) {
    if (!header.includes(name)) {
      fail(`dataset.features: no such column ${JSON.stringify(name)} (columns: ${columnList})`);
    }
    if (name === target) fail(`dataset.features: ${JSON.stringify(name)} is the target column`);
    if (listed.has(name)) fail(`dataset.features: column ${JSON.stringify(name)} is listed twice`);
    listed.add(name);
  }
  const featureIndices = featureNames.map((name) => header.indexOf(name));

  const values: number[] = [];
  const targetCells: { cell: string; rowNumber: number; row: CsvRow }[] = [];
  let droppedRows = 0;
  for (let r = 1; r < rows.length; r++) {
    const row = at(rows, r, "CSV row");
    const used = [targetIndex, ...featureIndices];
    if (used.some((index) => isMissingCell(row.cells[index] ?? ""))) {
      droppedRows++;
      continue;
    }
    featureIndices.forEach((index, f) => {
      const cell = cellOf(field, r, row, index);
      const value = parseNumericCell(cell);
      if (value === undefined) {
        const hint = options.features ? "" : "; list the numeric columns in dataset.features";
        fail(
          `dataset.features: column ${JSON.stringify(featureNames[f])} is not numeric (${cellAt(r, row, cell)})${hint}`,
        );
      }
      values.push(value);
    });
    targetCells.push({ cell: cellOf(field, r, row, targetIndex), rowNumber: r, row });
  }
  const samples = targetCells.length;
  if (samples === 0) {
    fail(
      `${field}: no usable rows (all ${rows.length - 1} data rows have missing values in the used columns)`,
    );
  }

  const firstNonNumeric = targetCells.find((entry) => parseNumericCell(entry.cell) === undefined);
  const task: Task = options.task ?? (firstNonNumeric ? "classification" : "regression");
  const base = {
    name: "csv",
    task,
    featureNames,
    samples,
    features: Float64Array.from(values),
    droppedRows,
  };
  if (task === "regression") {
    if (firstNonNumeric) {
      const { cell, rowNumber, row } = firstNonNumeric;
      fail(
        `dataset.target ${JSON.stringify(target)}: task "regression" needs a numeric column (${cellAt(rowNumber, row, cell)})`,
      );
    }
    return {
      ...base,
      targets: Float64Array.from(targetCells, (entry) => Number(entry.cell.trim())),
    };
  }
  const classNames = sortClassNames(targetCells.map((entry) => entry.cell));
  if (classNames.length < 2) {
    fail(
      `dataset.target ${JSON.stringify(target)}: only 1 class (${JSON.stringify(classNames[0])}); classification needs at least 2`,
    );
  }
  const indexOf = new Map(classNames.map((name, index) => [name, index]));
  const labels = Int32Array.from(targetCells, (entry) => required(indexOf, entry.cell, "class"));
  return { ...base, labels, classNames };
}
