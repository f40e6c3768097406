/**
 * Gate calls: resolving a gate name, arguments folded to constants or affine functions of
 * one input, broadcasting over whole registers, and inlining defined gates into IR gates.
 * Also `gphase(θ);`, which is checked and dropped (a global phase changes no probability).
 */
import { QplaneError } from "../../errors/catalogue.js";
import {
  CONSTANTS,
  constant,
  type Expression,
  evaluateExpression,
  expectPunct,
  expressionIdentifiers,
  parseExpression,
  type Value,
} from "./expressions.js";
import { describeToken, fail, type Token } from "./lexer.js";
import { parseQubitOperands } from "./operands.js";
import {
  expectSemicolon,
  type GateDefinition,
  type GateTarget,
  type InputSymbol,
  isPunct,
  location,
  type ParserState,
  type QubitRef,
  toAngle,
} from "./parser-state.js";
import { BUILTIN_GATES, UNSUPPORTED_GATES } from "./stdlib.js";

const LOCATION_PREFIX = /^line \d+, column \d+: /;

export function parseGlobalPhase(state: ParserState): void {
  expectPunct(state.lexer, "(", "after gphase");
  const expression = parseExpression(state.lexer, state.syntax);
  expectPunct(state.lexer, ")", "to close the gphase argument");
  for (const identifier of expressionIdentifiers(expression))
    resolveGlobal(state, identifier.name, identifier.token);
  expectSemicolon(state);
}

export function resolveGate(state: ParserState, name: Token): GateTarget {
  const builtin = BUILTIN_GATES.get(name.text);
  if (builtin !== undefined) return { kind: "builtin", name: name.text, builtin };
  const definition = state.definitions.get(name.text);
  if (definition !== undefined) return { kind: "defined", name: name.text, definition };
  if (UNSUPPORTED_GATES.has(name.text)) {
    fail(
      "QPLANE_ERR_QASM_UNSUPPORTED",
      `gate '${name.text}' is not supported; define it with a gate block`,
      name,
    );
  }
  return fail("QPLANE_ERR_CIRCUIT_UNKNOWN_GATE", `unknown gate '${name.text}'`, name);
}

export function parseArguments(state: ParserState): Expression[] {
  const args: Expression[] = [];
  if (!isPunct(state.lexer.peek(), "(")) return args;
  state.lexer.next();
  if (isPunct(state.lexer.peek(), ")")) {
    state.lexer.next();
    return args;
  }
  args.push(parseExpression(state.lexer, state.syntax));
  for (;;) {
    const token = state.lexer.next();
    if (isPunct(token, ")")) return args;
    if (!isPunct(token, ",")) {
      fail(
        "QPLANE_ERR_QASM_SYNTAX",
        `expected ',' or ')' in the argument list, found ${describeToken(token)}`,
        token,
      );
    }
    args.push(parseExpression(state.lexer, state.syntax));
  }
}

export function checkArity(
  target: GateTarget,
  name: Token,
  argCount: number,
  qubitCount: number,
): void {
  const expected =
    target.kind === "builtin"
      ? { params: target.builtin.paramCount, qubits: target.builtin.qubitCount }
      : { params: target.definition.params.length, qubits: target.definition.qubits.length };
  if (argCount !== expected.params) {
    fail(
      "QPLANE_ERR_CIRCUIT_ARITY",
      `gate ${name.text} takes ${expected.params} argument(s), got ${argCount}`,
      name,
    );
  }
  if (qubitCount !== expected.qubits) {
    fail(
      "QPLANE_ERR_CIRCUIT_ARITY",
      `gate ${name.text} takes ${expected.qubits} qubit(s), got ${qubitCount}`,
      name,
    );
  }
}

function resolveGlobal(state: ParserState, name: string, token: Token): Value<InputSymbol> {
  const value = CONSTANTS.get(name);
  if (value !== undefined) return constant(value);
  const symbol = state.inputs.get(name);
  if (symbol !== undefined) return { kind: "affine", parameter: symbol, scale: 1, offset: null };
  if (state.registers.has(name)) {
    fail("QPLANE_ERR_QASM_SYNTAX", `'${name}' is a register, not a number`, token);
  }
  return fail("QPLANE_ERR_QASM_SYNTAX", `undeclared identifier '${name}'`, token);
}

export function parseGateCall(state: ParserState, name: Token): void {
  state.statement = name;
  const target = resolveGate(state, name);
  const args = parseArguments(state);
  const operands = parseQubitOperands(state, false);
  expectSemicolon(state);
  checkArity(target, name, args.length, operands.length);
  const values = args.map((arg) =>
    evaluateExpression(arg, (id, token) => resolveGlobal(state, id, token)),
  );

  const registerOperands = operands.filter((operand) => operand.broadcast);
  const width = registerOperands[0]?.indices.length ?? 1;
  for (const operand of registerOperands) {
    if (operand.indices.length !== width) {
      fail(
        "QPLANE_ERR_CIRCUIT_ARITY",
        `registers of different sizes in one gate call (${registerOperands[0]!.text} has ${width} qubits, ${operand.text} has ${operand.indices.length})`,
        operand.token,
      );
    }
  }
  for (let i = 0; i < width; i++) {
    const qubits = operands.map(
      (operand): QubitRef => ({
        index: operand.broadcast ? operand.indices[i]! : operand.indices[0]!,
        token: operand.token,
        text: operand.broadcast ? `${operand.text}[${i}]` : operand.text,
      }),
    );
    qubits.forEach((qubit, k) => {
      const same = qubits.findIndex((other) => other.index === qubit.index);
      if (same !== k) {
        fail(
          "QPLANE_ERR_CIRCUIT_QUBIT_RANGE",
          `gate ${name.text} is applied twice to the same qubit (${qubits[same]!.text} and ${qubit.text})`,
          qubit.token,
        );
      }
    });
    apply(state, target, values, qubits, name);
  }
}

/** Appends the IR gates of one gate application (inlining defined gates). */
function apply(
  state: ParserState,
  target: GateTarget,
  args: readonly Value<InputSymbol>[],
  qubits: readonly QubitRef[],
  site: Token,
): void {
  if (target.kind === "builtin") {
    for (const qubit of qubits) {
      const at = state.measured.get(qubit.index);
      if (at !== undefined) {
        fail(
          "QPLANE_ERR_QASM_UNSUPPORTED",
          `mid-circuit measurement: ${qubit.text} is used by gate ${target.name} after it was measured at line ${at.line}, column ${at.column}`,
          qubit.token,
        );
      }
    }
    if (state.gates.length >= state.maxGates) {
      fail(
        "QPLANE_ERR_QASM_UNSUPPORTED",
        `the program expands to more than ${state.maxGates} gates`,
        state.statement ?? site,
      );
    }
    state.gates.push({
      name: target.builtin.gate,
      qubits: qubits.map((qubit) => qubit.index),
      args: target.builtin.toIr(args).map(toAngle),
    });
    return;
  }
  const { definition } = target;
  const environment = new Map(definition.params.map((param, i) => [param, args[i]!]));
  const qubitMap = new Map(definition.qubits.map((name, i) => [name, qubits[i]!]));
  const resolve = (name: string, token: Token): Value<InputSymbol> => {
    const value = environment.get(name) ?? CONSTANTS.get(name);
    if (value === undefined)
      return fail("QPLANE_ERR_QASM_SYNTAX", `undeclared identifier '${name}'`, token);
    return typeof value === "number" ? constant(value) : value;
  };
  for (const call of definition.body) {
    let values: Value<InputSymbol>[];
    try {
      values = call.args.map((arg) => evaluateExpression(arg, resolve));
    } catch (error) {
      throw expansionError(error, definition, site);
    }
    const qubitsOfCall = call.qubits.map((name) => qubitMap.get(name)!);
    apply(state, call.target, values, qubitsOfCall, definition.fromPrelude ? site : call.token);
  }
}

/** Adds where a defined gate was called to an error raised inside its body. */
function expansionError(error: unknown, definition: GateDefinition, site: Token): unknown {
  if (!(error instanceof QplaneError)) return error;
  const message = error.message.replace(LOCATION_PREFIX, "");
  if (definition.fromPrelude) {
    return new QplaneError(
      error.code,
      `${message} (in the expansion of gate ${definition.name})`,
      location(site),
    );
  }
  return new QplaneError(
    error.code,
    `${message} (in gate ${definition.name}, called at line ${site.line}, column ${site.column})`,
    error.location,
  );
}
