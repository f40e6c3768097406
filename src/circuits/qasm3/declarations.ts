/**
 * Declarations: the `OPENQASM` header, `include`, qubit and bit registers (new and
 * OpenQASM 2 style, with `bit[k] c = measure q;`) and `input` parameters.
 */

import { CONSTANTS, expectPunct } from "./expressions.js";
import { describeToken, fail, type Token } from "./lexer.js";
import { parseMeasureSource } from "./measurements.js";
import {
  expectIdentifier,
  expectSemicolon,
  type InputSymbol,
  isPunct,
  KEYWORDS,
  type Operand,
  type ParserState,
} from "./parser-state.js";

export function parseHeader(state: ParserState): void {
  const token = state.lexer.peek();
  if (token.kind !== "identifier" || token.text !== "OPENQASM") return;
  state.lexer.next();
  const version = state.lexer.next();
  if (version.kind !== "number") {
    fail(
      "QPLANE_ERR_QASM_SYNTAX",
      `expected a version number after OPENQASM, found ${describeToken(version)}`,
      version,
    );
  }
  const major = Math.trunc(version.value);
  if (major !== 2 && major !== 3) {
    fail(
      "QPLANE_ERR_QASM_UNSUPPORTED",
      `OpenQASM version ${version.text} is not supported (only 2 and 3)`,
      version,
    );
  }
  state.syntax = { caretIsPower: major === 2 };
  expectSemicolon(state);
}

export function parseInclude(state: ParserState): void {
  const file = state.lexer.next();
  if (file.kind !== "string") {
    fail(
      "QPLANE_ERR_QASM_SYNTAX",
      `expected a file name in quotes after include, found ${describeToken(file)}`,
      file,
    );
  }
  if (file.text !== "stdgates.inc" && file.text !== "qelib1.inc") {
    fail(
      "QPLANE_ERR_QASM_UNSUPPORTED",
      `include "${file.text}" is not supported (only "stdgates.inc" and "qelib1.inc")`,
      file,
    );
  }
  expectSemicolon(state);
}

function checkNewName(state: ParserState, token: Token): void {
  const name = token.text;
  if (KEYWORDS.has(name)) fail("QPLANE_ERR_QASM_SYNTAX", `'${name}' is a reserved word`, token);
  if (CONSTANTS.has(name))
    fail("QPLANE_ERR_QASM_SYNTAX", `'${name}' is a built-in constant`, token);
  if (state.registers.has(name) || state.inputs.has(name) || state.programGates.has(name)) {
    fail("QPLANE_ERR_QASM_SYNTAX", `'${name}' is already declared`, token);
  }
}

function parseSize(state: ParserState, what: string): number {
  const token = state.lexer.next();
  if (token.kind !== "number" || !token.isInteger) {
    fail(
      "QPLANE_ERR_QASM_SYNTAX",
      `expected an integer ${what}, found ${describeToken(token)}`,
      token,
    );
  }
  if (token.value < 1) fail("QPLANE_ERR_CIRCUIT_QUBIT_RANGE", `${what} must be at least 1`, token);
  if (token.value > state.maxRegisterSize) {
    fail(
      "QPLANE_ERR_CIRCUIT_QUBIT_RANGE",
      `${what} ${token.text} exceeds the limit of ${state.maxRegisterSize}`,
      token,
    );
  }
  return token.value;
}

/** `qubit[n] q;` `qubit q;` `bit[k] c;` `bit c;` `bit[k] c = measure q;` or (oldStyle) `qreg q[n];` `creg c[k];` */
export function parseRegisterDeclaration(
  state: ParserState,
  kind: "qubit" | "bit",
  keyword: Token,
  oldStyle: boolean,
): void {
  const what = kind === "qubit" ? "register size" : "bit register size";
  let size = 1;
  let single = true;
  let name: Token;
  if (oldStyle) {
    name = expectIdentifier(state, "a register name");
    checkNewName(state, name);
    expectPunct(state.lexer, "[", `after ${keyword.text} ${name.text}`);
    size = parseSize(state, what);
    expectPunct(state.lexer, "]", "to close the register size");
    single = false;
  } else {
    if (isPunct(state.lexer.peek(), "[")) {
      state.lexer.next();
      size = parseSize(state, what);
      expectPunct(state.lexer, "]", "to close the register size");
      single = false;
    }
    name = expectIdentifier(state, "a register name");
    checkNewName(state, name);
  }

  // the register's first index in the circuit's qubits or clbits
  let offset: number;
  if (kind === "qubit") {
    if (state.physical === true) {
      fail(
        "QPLANE_ERR_QASM_UNSUPPORTED",
        "mixing declared qubits with physical qubits ($k) is not supported",
        keyword,
      );
    }
    state.physical = false;
    checkCapacity(state.numVirtualQubits + size, state.maxQubits, "qubits", name);
    offset = state.numVirtualQubits;
    state.numVirtualQubits += size;
  } else {
    checkCapacity(state.numClbits + size, state.maxRegisterSize, "bits", name);
    offset = state.numClbits;
    state.bitRegisters.push({
      name: name.text,
      offset,
      size,
      single,
      line: name.line,
      column: name.column,
    });
    state.numClbits += size;
  }
  state.registers.set(name.text, { kind, name: name.text, offset, size, single });

  if (kind === "bit" && !oldStyle && isPunct(state.lexer.peek(), "=")) {
    state.lexer.next();
    const register = state.registers.get(name.text)!;
    const target: Operand = {
      token: name,
      indices: Array.from({ length: register.size }, (_, i) => register.offset + i),
      broadcast: !register.single,
      text: name.text,
    };
    parseMeasureSource(state, target);
    return;
  }
  expectSemicolon(state);
}

/**
 * Refuses a declaration that would take the program to `total` qubits or bits (`unit`)
 * when at most `max` are supported; the error points at the register's name.
 */
function checkCapacity(total: number, max: number, unit: "qubits" | "bits", name: Token): void {
  if (total > max) {
    fail(
      "QPLANE_ERR_CIRCUIT_QUBIT_RANGE",
      `the program would have ${total} ${unit}; at most ${max} are supported`,
      name,
    );
  }
}

export function parseInput(state: ParserState): void {
  const type = expectIdentifier(state, "a type after input");
  if (type.text !== "float" && type.text !== "angle") {
    fail(
      "QPLANE_ERR_QASM_UNSUPPORTED",
      `inputs of type '${type.text}' are not supported (only float and angle)`,
      type,
    );
  }
  let bits: number | undefined;
  if (isPunct(state.lexer.peek(), "[")) {
    state.lexer.next();
    const width = state.lexer.next();
    if (width.kind !== "number" || !width.isInteger || width.value < 1) {
      fail("QPLANE_ERR_QASM_SYNTAX", `expected a bit width, found ${describeToken(width)}`, width);
    }
    bits = width.value;
    expectPunct(state.lexer, "]", "to close the type width");
  }
  const name = expectIdentifier(state, "an input name");
  checkNewName(state, name);
  const { kind, name: irName } = state.inputParameter(name.text);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(irName)) {
    fail(
      "QPLANE_ERR_CIRCUIT_PARAMETER",
      `input name '${name.text}' is not supported: parameter names use ASCII letters, digits and '_'`,
      name,
    );
  }
  const clash = state.inputsByIrName.get(irName);
  if (clash !== undefined) {
    fail(
      "QPLANE_ERR_CIRCUIT_PARAMETER",
      `input ${name.text} names circuit parameter '${irName}', as does ${clash.sourceName} (line ${clash.token.line})`,
      name,
    );
  }
  const symbol: InputSymbol = { sourceName: name.text, kind, name: irName, token: name };
  state.inputs.set(name.text, symbol);
  state.inputsByIrName.set(irName, symbol);
  state.inputDeclarations.push({
    sourceName: name.text,
    type: type.text,
    width: bits,
    line: name.line,
    column: name.column,
  });
  expectSemicolon(state);
}
