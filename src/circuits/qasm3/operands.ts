/** Operands: qubits (`q[1]`, `$3`, a single-qubit register) and whole registers. */
import { describeToken, fail, type Token } from "./lexer.js";
import { isPunct, type Operand, type ParserState } from "./parser-state.js";

function usePhysical(state: ParserState, token: Token): number {
  if (state.physical === false) {
    fail(
      "QPLANE_ERR_QASM_UNSUPPORTED",
      "mixing physical qubits ($k) with declared qubits is not supported",
      token,
    );
  }
  if (token.value >= state.maxPhysicalQubits) {
    fail(
      "QPLANE_ERR_CIRCUIT_QUBIT_RANGE",
      `physical qubit ${token.text} is beyond the limit of ${state.maxPhysicalQubits} qubits`,
      token,
    );
  }
  state.physical = true;
  state.maxPhysicalIndex = Math.max(state.maxPhysicalIndex, token.value);
  return token.value;
}

/** A qubit (`q[1]`, `$3`, single `q`) or a whole register (`q`). */
export function parseOperand(
  state: ParserState,
  kind: "qubit" | "bit",
  token: Token = state.lexer.next(),
): Operand {
  if (token.kind === "hardwareQubit" && kind === "qubit") {
    return { token, indices: [usePhysical(state, token)], broadcast: false, text: token.text };
  }
  if (token.kind !== "identifier") {
    const expected = kind === "qubit" ? "a qubit" : "a bit";
    fail("QPLANE_ERR_QASM_SYNTAX", `expected ${expected}, found ${describeToken(token)}`, token);
  }
  const register = state.registers.get(token.text);
  if (register === undefined) {
    fail("QPLANE_ERR_QASM_SYNTAX", `undeclared identifier '${token.text}'`, token);
  }
  if (register.kind !== kind) {
    const is = register.kind === "qubit" ? "a qubit register" : "a bit register";
    fail(
      "QPLANE_ERR_QASM_SYNTAX",
      `'${token.text}' is ${is}, expected ${kind === "qubit" ? "qubits" : "bits"}`,
      token,
    );
  }
  if (!isPunct(state.lexer.peek(), "[")) {
    return {
      token,
      indices: Array.from({ length: register.size }, (_, i) => register.offset + i),
      broadcast: !register.single,
      text: token.text,
    };
  }
  state.lexer.next();
  let negative = false;
  let indexToken = state.lexer.next();
  if (isPunct(indexToken, "-")) {
    negative = true;
    indexToken = state.lexer.next();
  }
  if (indexToken.kind !== "number" || !indexToken.isInteger) {
    if (isPunct(indexToken, "{") || isPunct(indexToken, ":")) {
      fail("QPLANE_ERR_QASM_UNSUPPORTED", "index sets and ranges are not supported", indexToken);
    }
    fail(
      "QPLANE_ERR_QASM_SYNTAX",
      `expected an integer index, found ${describeToken(indexToken)}`,
      indexToken,
    );
  }
  const closing = state.lexer.next();
  if (!isPunct(closing, "]")) {
    if (isPunct(closing, ":") || isPunct(closing, ",")) {
      fail("QPLANE_ERR_QASM_UNSUPPORTED", "index sets and ranges are not supported", closing);
    }
    fail(
      "QPLANE_ERR_QASM_SYNTAX",
      `expected ']' to close the index, found ${describeToken(closing)}`,
      closing,
    );
  }
  const index = negative ? register.size - indexToken.value : indexToken.value;
  if (index < 0 || index >= register.size) {
    fail(
      "QPLANE_ERR_CIRCUIT_QUBIT_RANGE",
      `index ${negative ? "-" : ""}${indexToken.text} is out of range for ${kind} register ${register.name} of size ${register.size}`,
      indexToken,
    );
  }
  const text = `${token.text}[${negative ? "-" : ""}${indexToken.text}]`;
  return { token, indices: [register.offset + index], broadcast: false, text };
}

/** Comma-separated qubit operands up to (not including) ';'. */
export function parseQubitOperands(state: ParserState, allowNone: boolean): Operand[] {
  const operands: Operand[] = [];
  if (allowNone && isPunct(state.lexer.peek(), ";")) return operands;
  operands.push(parseOperand(state, "qubit"));
  while (isPunct(state.lexer.peek(), ",")) {
    state.lexer.next();
    operands.push(parseOperand(state, "qubit"));
  }
  return operands;
}
