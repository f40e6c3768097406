/** Names of circuit parameters in OpenQASM text: see {@link qasmParameterNames}. */
import type { Circuit, ParameterKind } from "../ir.js";

const SCHEME = /^([dw])(\d+)_([A-Za-z_][A-Za-z0-9_]*)$/;

/**
 * The OpenQASM `input` name of each parameter column of the circuit, in column order.
 *
 * Scheme: `{d|w}{column}_{irName}`, where `d` marks a data input and `w` a weight, and
 * `column` is the parameter's column in the circuit's parameter matrix, zero-padded to a
 * common width of at least two digits (the width of the largest column index). Examples:
 * `d00_x0`, `d01_x1`, `w02_theta`; with 100 or more parameters `d000_x0`, …, `w123_t`.
 *
 * Why: IBM Qiskit Runtime binds parameter values in alphabetical order of the parameter
 * names, and OpenQASM `input`s have no positional order. Inputs (`d`) precede weights
 * (`w`) in column order, and the columns are distinct and of equal width, so two names
 * first differ at the letter or inside the digits: ASCII order of the names equals column
 * order (and so does a "natural", digit-aware order), and a row of the parameter matrix
 * can be passed as is. The IR name
 * after the underscore keeps the text readable and lets {@link parameterFromQasmName}
 * restore names and kinds exactly.
 */
export function qasmParameterNames(circuit: Circuit): string[] {
  const width = Math.max(2, String(Math.max(0, circuit.parameters.length - 1)).length);
  return circuit.parameters.map(
    (parameter, column) =>
      `${parameter.kind === "input" ? "d" : "w"}${String(column).padStart(width, "0")}_${parameter.name}`,
  );
}

/**
 * The IR parameter an OpenQASM `input` name stands for: names following the scheme
 * above give back kind and IR name (the column digits are not used: the circuit's
 * column order is the order of declaration, inputs first); any other name is a weight
 * of that name.
 */
export function parameterFromQasmName(qasmName: string): { kind: ParameterKind; name: string } {
  const match = SCHEME.exec(qasmName);
  if (match === null) return { kind: "weight", name: qasmName };
  return { kind: match[1] === "d" ? "input" : "weight", name: match[3]! };
}
