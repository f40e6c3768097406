/**
 * Parameter matrices: one row per evaluation, one column per circuit parameter (in
 * {@link Circuit.parameters} order). Stored row-major in one Float64Array so a batch of
 * thousands of rows binds without copying the circuit or allocating per row.
 */
import { QplaneError } from "../errors/catalogue.js";
import type { Circuit } from "./ir.js";

export interface ParameterMatrix {
  readonly rows: number;
  readonly cols: number;
  /** Row-major values, `values[row * cols + col]`. */
  readonly values: Float64Array;
}

export type ParameterRowsInput = ParameterMatrix | readonly (readonly number[])[];

function isMatrix(rows: ParameterRowsInput): rows is ParameterMatrix {
  return (rows as ParameterMatrix).values instanceof Float64Array;
}

function checkFiniteValues(values: Float64Array, cols: number, circuit: Circuit): void {
  for (let k = 0; k < values.length; k++) {
    if (!Number.isFinite(values[k])) {
      const row = Math.floor(k / cols);
      const name = circuit.parameters[k % cols]?.name;
      throw new QplaneError(
        "QPLANE_ERR_PARAMS_NON_FINITE",
        `parameter row ${row}, column ${k % cols} (${name}) is ${values[k]}`,
      );
    }
  }
}

/** Checks a matrix shape (rows × columns, no values) against a circuit's parameter columns. */
export function checkParameterShape(
  circuit: Circuit,
  shape: { readonly rows: number; readonly cols: number },
): void {
  const cols = circuit.parameters.length;
  if (!Number.isSafeInteger(shape.rows) || shape.rows < 0 || shape.cols !== cols) {
    throw new QplaneError(
      "QPLANE_ERR_PARAMS_SHAPE",
      `parameter matrix is ${shape.rows}×${shape.cols}; the circuit has ${cols} parameter column(s)`,
    );
  }
}

/**
 * Validates parameter rows against a circuit and returns them as a matrix. A circuit
 * without parameters accepts an empty input, meaning one evaluation.
 */
export function toParameterMatrix(circuit: Circuit, rows: ParameterRowsInput): ParameterMatrix {
  const cols = circuit.parameters.length;
  if (isMatrix(rows)) {
    if (rows.cols !== cols || rows.values.length !== rows.rows * cols) {
      throw new QplaneError(
        "QPLANE_ERR_PARAMS_SHAPE",
        `parameter matrix is ${rows.rows}×${rows.cols} (${rows.values.length} values); the circuit has ${cols} parameter column(s)`,
      );
    }
    checkFiniteValues(rows.values, cols, circuit);
    return rows;
  }
  if (rows.length === 0 && cols === 0) return { rows: 1, cols: 0, values: new Float64Array(0) };
  const values = new Float64Array(rows.length * cols);
  rows.forEach((row, r) => {
    if (row.length !== cols) {
      throw new QplaneError(
        "QPLANE_ERR_PARAMS_SHAPE",
        `parameter row ${r} has ${row.length} value(s); the circuit has ${cols} parameter column(s) [${circuit.parameters.map((p) => p.name).join(", ")}]`,
      );
    }
    values.set(row, r * cols);
  });
  const matrix = { rows: rows.length, cols, values };
  checkFiniteValues(values, cols, circuit);
  return matrix;
}

/** One parameter row from values keyed by parameter name; every parameter must be given. */
export function rowFromNamedValues(
  circuit: Circuit,
  valuesByName: Readonly<Record<string, number>>,
): number[] {
  const known = new Set(circuit.parameters.map((p) => p.name));
  for (const name of Object.keys(valuesByName)) {
    if (!known.has(name)) {
      throw new QplaneError(
        "QPLANE_ERR_PARAMS_SHAPE",
        `value given for "${name}", which is not a parameter of the circuit (parameters: ${[...known].join(", ") || "none"})`,
      );
    }
  }
  return circuit.parameters.map(({ name }) => {
    const value = valuesByName[name];
    if (value === undefined) {
      throw new QplaneError("QPLANE_ERR_PARAMS_SHAPE", `no value given for parameter "${name}"`);
    }
    return value;
  });
}
