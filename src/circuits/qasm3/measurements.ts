/**
 * Measurements: `c[i] = measure q[j];`, `c = measure q;`, `measure q -> c;`. Each qubit's
 * first measurement is remembered, so a later gate on it is reported as mid-circuit
 * measurement (gate-calls.ts).
 */
import { describeToken, fail, type Token } from "./lexer.js";
import { parseOperand } from "./operands.js";
import { expectSemicolon, isPunct, type Operand, type ParserState } from "./parser-state.js";

export function parseArrowMeasurement(state: ParserState, keyword: Token): void {
  const source = parseOperand(state, "qubit");
  const arrow = state.lexer.next();
  if (isPunct(arrow, ";")) {
    fail(
      "QPLANE_ERR_QASM_UNSUPPORTED",
      "a measurement without a target bit is not supported; write 'c[i] = measure q[j];'",
      keyword,
    );
  }
  if (!isPunct(arrow, "->")) {
    fail(
      "QPLANE_ERR_QASM_SYNTAX",
      `expected '->' after the measured qubits, found ${describeToken(arrow)}`,
      arrow,
    );
  }
  const target = parseOperand(state, "bit");
  expectSemicolon(state);
  recordMeasurement(state, source, target);
}

/** `c[0] = measure q[0];` / `c = measure q;` (the target's name is already read). */
export function parseAssignedMeasurement(state: ParserState, name: Token): void {
  const target = parseOperand(state, "bit", name);
  const equals = state.lexer.next();
  if (!isPunct(equals, "=")) {
    fail(
      "QPLANE_ERR_QASM_UNSUPPORTED",
      `classical statements are not supported (found ${describeToken(equals)})`,
      equals,
    );
  }
  parseMeasureSource(state, target);
}

export function parseMeasureSource(state: ParserState, target: Operand): void {
  const keyword = state.lexer.next();
  if (keyword.kind !== "identifier" || keyword.text !== "measure") {
    fail(
      "QPLANE_ERR_QASM_UNSUPPORTED",
      "classical assignments other than '= measure' are not supported",
      keyword,
    );
  }
  const source = parseOperand(state, "qubit");
  expectSemicolon(state);
  recordMeasurement(state, source, target);
}

function recordMeasurement(state: ParserState, source: Operand, target: Operand): void {
  if (source.indices.length !== target.indices.length) {
    fail(
      "QPLANE_ERR_CIRCUIT_ARITY",
      `measures ${source.indices.length} qubit(s) (${source.text}) into ${target.indices.length} bit(s) (${target.text})`,
      target.token,
    );
  }
  source.indices.forEach((qubit, i) => {
    const clbit = target.indices[i]!;
    const earlier = state.written.get(clbit);
    if (earlier !== undefined) {
      fail(
        "QPLANE_ERR_CIRCUIT_QUBIT_RANGE",
        `bit ${target.text}${target.broadcast ? `[${i}]` : ""} is already written by the measurement at line ${earlier.line}, column ${earlier.column}`,
        target.token,
      );
    }
    state.written.set(clbit, target.token);
    if (!state.measured.has(qubit)) state.measured.set(qubit, source.token);
    state.measurements.push({ qubit, clbit });
  });
}
