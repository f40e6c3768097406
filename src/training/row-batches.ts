/**
 * Several sample sets' circuit rows as one provider call, and that call's outcome split back
 * per set: an epoch's train/test/validation evaluations share circuit and weights, so they go
 * to the provider as one submission (hardware plans limit job creations per minute).
 */
import type { ExecutionResult } from "../../providers/types.js";
import type { ParameterMatrix } from "../circuits/parameters.js";

/** The matrices' rows one after another, in order (all have the same columns). */
export function concatenateRows(parts: readonly ParameterMatrix[]): ParameterMatrix {
  if (parts.length === 1) return parts[0]!;
  const cols = parts[0]?.cols ?? 0;
  let rows = 0;
  for (const part of parts) {
    if (part.cols !== cols) {
      throw new RangeError(`concatenateRows: ${part.cols} columns where ${cols} were expected`);
    }
    rows += part.rows;
  }
  const values = new Float64Array(rows * cols);
  let offset = 0;
  for (const part of parts) {
    values.set(part.values.subarray(0, part.rows * cols), offset);
    offset += part.rows * cols;
  }
  return { rows, cols, values };
}

/** Rows [firstRow, firstRow + rows) of a result, as a result of its own (a view, no copy). */
export function resultRows(
  result: ExecutionResult,
  firstRow: number,
  rows: number,
): ExecutionResult {
  if (firstRow === 0 && rows === result.rows) return result;
  if (firstRow < 0 || firstRow + rows > result.rows) {
    throw new RangeError(
      `resultRows: rows ${firstRow}..${firstRow + rows} outside a result of ${result.rows} rows`,
    );
  }
  const from = firstRow * result.outcomeCount;
  const to = from + rows * result.outcomeCount;
  return result.kind === "probabilities"
    ? { ...result, rows, values: result.values.subarray(from, to) }
    : { ...result, rows, values: result.values.subarray(from, to) };
}
