/**
 * OpenQASM 3 (and OpenQASM 2) text → circuit IR: a hand-written recursive-descent parser
 * over the lexer in lexer.ts, for the subset that describes one unitary circuit followed
 * by terminal measurements.
 *
 * Supported:
 * - `OPENQASM 3;` / `OPENQASM 3.0;` / `OPENQASM 2.0;` (optional, first statement);
 *   `include "stdgates.inc";` and `include "qelib1.inc";` (the gates are known whether
 *   or not a file is included).
 * - `qubit[n] q;`, `qubit q;`, `qreg q[n];`, `bit[k] c;`, `bit c;`, `creg c[k];`,
 *   `bit[k] c = measure q;`. Quantum registers are concatenated in declaration order into
 *   one qubit index space, classical registers likewise into one clbit space. Physical
 *   qubits `$k` instead of registers give a circuit with `physicalQubits` and
 *   `numQubits` = 1 + the largest index used.
 * - `input float[64] x;`, `input float x;`, `input angle[32] x;`, `input angle x;`:
 *   circuit parameters, in declaration order, whether or not a gate uses them. A name
 *   `d<digits>_<name>` / `w<digits>_<name>` (the emitter's scheme, see naming.ts) is the
 *   input / weight `<name>`; any other name is a weight of that name. (Model programs
 *   classify inputs by their own convention instead: option `inputParameter`.)
 * - Gate calls of the gates in stdlib.ts (the IR gates, their aliases, and sxdg, cp,
 *   cphase, cu1, ch, cu3, cu, ccx, cswap expanded into IR gates), with arguments folded by
 *   expressions.ts to a constant or an affine function of at most one parameter (an
 *   argument such as `x - x` keeps its parameter with scale 0). Whole registers broadcast:
 *   `h q;` applies h to every qubit, `cx a, b;` pairs equal-size registers index by index.
 * - `gate name(params) a, b { … }` definitions, inlined at each call. Bodies may call
 *   built-in gates and gates defined earlier (so no recursion). A definition named like a
 *   built-in IR gate or alias (such as the emitter's own `ecr` and `rzz` blocks) is only
 *   syntax-checked: the built-in gate is kept.
 * - `c[i] = measure q[j];`, `c = measure q;`, `measure q[j] -> c[i];`, `measure q -> c;`.
 *   Measurements are terminal: a gate on an already measured qubit is rejected.
 * - `barrier …;` is ignored. `gphase(θ);` is ignored too: a global phase changes no
 *   probability (its identifiers must still be declared).
 *
 * Everything else — classical variables and control flow, `reset`, `delay`, `box`,
 * gate modifiers (`ctrl @`), pragmas and annotations, bare `measure q;`, mid-circuit
 * measurement — is rejected with `QPLANE_ERR_QASM_UNSUPPORTED`. Every error carries the
 * line and column of the offending token. Sizes are bounded (registers, physical qubit
 * indices, gates after inlining, expression and gate nesting), so hostile text fails
 * with an error rather than exhausting memory or the stack.
 *
 * Layout: this file drives the statements; parser-state.ts holds what a parse has built up;
 * declarations.ts, operands.ts, measurements.ts, gate-calls.ts and gate-definitions.ts parse
 * one kind of statement each.
 */
import { QplaneError, type SourceLocation } from "../../errors/catalogue.js";
import { type Circuit, createCircuit } from "../ir.js";
import { parseHeader, parseInclude, parseInput, parseRegisterDeclaration } from "./declarations.js";
import { parseGateCall, parseGlobalPhase } from "./gate-calls.js";
import { parseGateDefinition, preludeDefinitions } from "./gate-definitions.js";
import { describeToken, fail } from "./lexer.js";
import { parseArrowMeasurement, parseAssignedMeasurement } from "./measurements.js";
import { parseQubitOperands } from "./operands.js";
import {
  type BitRegisterDeclaration,
  expectSemicolon,
  GATE_MODIFIERS,
  type InputDeclaration,
  location,
  type ParseQasm3Options,
  ParserState,
  UNSUPPORTED_STATEMENTS,
} from "./parser-state.js";

export type {
  BitRegisterDeclaration,
  InputDeclaration,
  ParseQasm3Options,
} from "./parser-state.js";

export interface ParsedQasm3Program {
  readonly circuit: Circuit;
  /** The program's `input` name of each parameter column of the circuit. */
  readonly parameterNames: readonly string[];
  /** The `input` declarations, in program order. */
  readonly inputs: readonly InputDeclaration[];
  /** The classical registers, in declaration order (= clbit order). */
  readonly bitRegisters: readonly BitRegisterDeclaration[];
  /** Where the program ends (for errors about what it lacks). */
  readonly end: SourceLocation;
}

/** Parses an OpenQASM 3 (or 2) program into a circuit. */
export function parseQasm3(text: string, options: ParseQasm3Options = {}): Circuit {
  return parseQasm3Program(text, options).circuit;
}

/** Like {@link parseQasm3}, also giving the program's name of each parameter column. */
export function parseQasm3Program(
  text: string,
  options: ParseQasm3Options = {},
): ParsedQasm3Program {
  return parseProgram(new ParserState(text, options, preludeDefinitions()));
}

function parseProgram(state: ParserState): ParsedQasm3Program {
  parseHeader(state);
  while (state.lexer.peek().kind !== "eof") parseStatement(state);
  const end = state.lexer.peek();

  const numQubits = state.physical ? state.maxPhysicalIndex + 1 : state.numVirtualQubits;
  if (numQubits === 0) fail("QPLANE_ERR_QASM_SYNTAX", "the program uses no qubits", end);
  const declared = [...state.inputs.values()];
  let circuit: Circuit;
  try {
    circuit = createCircuit({
      numQubits,
      numClbits: state.numClbits,
      physicalQubits: state.physical ?? false,
      gates: state.gates,
      measurements: state.measurements,
      parameters: declared.map(({ kind, name }) => ({ kind, name })),
    });
  } catch (error) {
    // Every check createCircuit makes is made earlier with a position; this is a backstop.
    if (error instanceof QplaneError)
      throw new QplaneError(error.code, error.message, location(end));
    throw error;
  }
  const sourceNames = new Map(declared.map((symbol) => [symbol.name, symbol.sourceName]));
  return {
    circuit,
    parameterNames: circuit.parameters.map(({ name }) => sourceNames.get(name)!),
    inputs: state.inputDeclarations,
    bitRegisters: state.bitRegisters,
    end: location(end),
  };
}

function parseStatement(state: ParserState): void {
  const token = state.lexer.next();
  if (token.kind === "punct" && (token.text === "#" || token.text === "@")) {
    const what = token.text === "#" ? "pragmas ('#pragma')" : "annotations ('@…')";
    fail("QPLANE_ERR_QASM_UNSUPPORTED", `${what} are not supported`, token);
  }
  if (token.kind !== "identifier") {
    fail("QPLANE_ERR_QASM_SYNTAX", `expected a statement, found ${describeToken(token)}`, token);
  }
  switch (token.text) {
    case "OPENQASM":
      return fail("QPLANE_ERR_QASM_SYNTAX", "OPENQASM must be the first statement", token);
    case "include":
      return parseInclude(state);
    case "qubit":
      return parseRegisterDeclaration(state, "qubit", token, false);
    case "bit":
      return parseRegisterDeclaration(state, "bit", token, false);
    case "qreg":
      return parseRegisterDeclaration(state, "qubit", token, true);
    case "creg":
      return parseRegisterDeclaration(state, "bit", token, true);
    case "input":
      return parseInput(state);
    case "gate":
      return parseGateDefinition(state);
    case "measure":
      return parseArrowMeasurement(state, token);
    case "barrier":
      parseQubitOperands(state, true);
      return expectSemicolon(state);
    case "gphase":
      return parseGlobalPhase(state);
    case "reset":
      return fail("QPLANE_ERR_QASM_UNSUPPORTED", "'reset' is not supported", token);
  }
  if (GATE_MODIFIERS.has(token.text)) {
    fail(
      "QPLANE_ERR_QASM_UNSUPPORTED",
      `gate modifiers ('${token.text} @') are not supported`,
      token,
    );
  }
  if (UNSUPPORTED_STATEMENTS.has(token.text)) {
    fail("QPLANE_ERR_QASM_UNSUPPORTED", `'${token.text}' statements are not supported`, token);
  }
  if (state.registers.get(token.text)?.kind === "bit")
    return parseAssignedMeasurement(state, token);
  if (state.inputs.has(token.text)) {
    fail(
      "QPLANE_ERR_QASM_UNSUPPORTED",
      `assignments to input '${token.text}' are not supported`,
      token,
    );
  }
  parseGateCall(state, token);
}
