/**
 * `gate name(params) a, b { … }` definitions: signature and body checks, resolution of
 * each body call (built-in gates and gates defined earlier, so no recursion), and the
 * prelude of standard gates outside the IR (stdlib.ts), parsed once.
 */
import {
  CONSTANTS,
  type Expression,
  expectPunct,
  expressionIdentifiers,
  parseExpression,
} from "./expressions.js";
import { checkArity, parseArguments, resolveGate } from "./gate-calls.js";
import { describeToken, fail, type Token } from "./lexer.js";
import {
  type BodyCall,
  expectIdentifier,
  expectSemicolon,
  type GateDefinition,
  isPunct,
  KEYWORDS,
  ParserState,
} from "./parser-state.js";
import { BUILTIN_GATES, PRELUDE_ALIASES, PRELUDE_SOURCE } from "./stdlib.js";

/** Bound on how deeply gate definitions may call each other. */
const MAX_GATE_NESTING = 100;

let prelude: ReadonlyMap<string, GateDefinition> | undefined;

/** The prelude's gate definitions (and their aliases), parsed on first use. */
export function preludeDefinitions(): ReadonlyMap<string, GateDefinition> {
  if (prelude === undefined) {
    const state = new ParserState(PRELUDE_SOURCE, {}, new Map(), true);
    while (state.lexer.peek().kind !== "eof") {
      const token = state.lexer.next();
      if (token.kind !== "identifier" || token.text !== "gate")
        throw new Error("prelude: gate expected");
      parseGateDefinition(state);
    }
    const definitions = state.definitions;
    for (const [alias, name] of PRELUDE_ALIASES) definitions.set(alias, definitions.get(name)!);
    prelude = definitions;
  }
  return prelude;
}

function parseIdentifierList(state: ParserState, what: string, closing: string | null): Token[] {
  const names: Token[] = [];
  for (;;) {
    const token = expectIdentifier(state, what);
    if (names.some((other) => other.text === token.text)) {
      fail("QPLANE_ERR_QASM_SYNTAX", `'${token.text}' appears twice in the gate signature`, token);
    }
    names.push(token);
    if (!isPunct(state.lexer.peek(), ",")) break;
    state.lexer.next();
  }
  if (closing !== null) expectPunct(state.lexer, closing, `to close the ${what} list`);
  return names;
}

export function parseGateDefinition(state: ParserState): void {
  const name = expectIdentifier(state, "a gate name");
  if (KEYWORDS.has(name.text))
    fail("QPLANE_ERR_QASM_SYNTAX", `'${name.text}' is a reserved word`, name);
  let params: Token[] = [];
  if (isPunct(state.lexer.peek(), "(")) {
    state.lexer.next();
    if (isPunct(state.lexer.peek(), ")")) state.lexer.next();
    else params = parseIdentifierList(state, "parameter name", ")");
  }
  const qubits = parseIdentifierList(state, "qubit argument", null);
  for (const qubit of qubits) {
    if (params.some((param) => param.text === qubit.text)) {
      fail("QPLANE_ERR_QASM_SYNTAX", `'${qubit.text}' appears twice in the gate signature`, qubit);
    }
  }
  for (const param of params) {
    if (CONSTANTS.has(param.text))
      fail("QPLANE_ERR_QASM_SYNTAX", `'${param.text}' is a built-in constant`, param);
  }
  const open = expectPunct(state.lexer, "{", `to open the body of gate ${name.text}`);

  const builtin = BUILTIN_GATES.get(name.text);
  if (builtin !== undefined) {
    if (builtin.paramCount !== params.length || builtin.qubitCount !== qubits.length) {
      fail(
        "QPLANE_ERR_CIRCUIT_ARITY",
        `gate ${name.text} is built in with ${builtin.paramCount} argument(s) and ${builtin.qubitCount} qubit(s); this definition has ${params.length} and ${qubits.length}`,
        name,
      );
    }
    // Syntax only: the built-in gate stays.
    parseGateBody(state, name, open, null);
    return;
  }
  if (
    state.programGates.has(name.text) ||
    state.registers.has(name.text) ||
    state.inputs.has(name.text)
  ) {
    fail("QPLANE_ERR_QASM_SYNTAX", `'${name.text}' is already declared`, name);
  }
  const body = parseGateBody(state, name, open, {
    params: params.map((p) => p.text),
    qubits: qubits.map((q) => q.text),
  });
  const nesting =
    1 +
    Math.max(
      0,
      ...body.map((call) => (call.target.kind === "defined" ? call.target.definition.nesting : 0)),
    );
  if (nesting > MAX_GATE_NESTING) {
    fail(
      "QPLANE_ERR_QASM_UNSUPPORTED",
      `gate definitions nested more than ${MAX_GATE_NESTING} deep`,
      name,
    );
  }
  state.definitions.set(name.text, {
    name: name.text,
    params: params.map((p) => p.text),
    qubits: qubits.map((q) => q.text),
    body,
    fromPrelude: state.isPrelude,
    nesting,
  });
  if (!state.isPrelude) state.programGates.add(name.text);
}

/**
 * Parses `… }` of a gate body. With a signature, also resolves and checks each call;
 * without (a built-in gate's definition), only checks syntax.
 */
function parseGateBody(
  state: ParserState,
  name: Token,
  open: Token,
  signature: { params: readonly string[]; qubits: readonly string[] } | null,
): BodyCall[] {
  const body: BodyCall[] = [];
  const checkIdentifiers = (expression: Expression): void => {
    if (signature === null) return;
    for (const identifier of expressionIdentifiers(expression)) {
      if (!signature.params.includes(identifier.name) && !CONSTANTS.has(identifier.name)) {
        fail(
          "QPLANE_ERR_QASM_SYNTAX",
          `undeclared identifier '${identifier.name}' (a gate body can only use its parameters and constants)`,
          identifier.token,
        );
      }
    }
  };
  for (;;) {
    const token = state.lexer.next();
    if (isPunct(token, "}")) return body;
    if (token.kind === "eof") {
      fail(
        "QPLANE_ERR_QASM_SYNTAX",
        `missing '}' to close the body of gate ${name.text} opened at line ${open.line}, column ${open.column}`,
        token,
      );
    }
    if (token.kind !== "identifier") {
      fail(
        "QPLANE_ERR_QASM_SYNTAX",
        `expected a gate call in the body of ${name.text}, found ${describeToken(token)}`,
        token,
      );
    }
    if (token.text === "gphase") {
      expectPunct(state.lexer, "(", "after gphase");
      checkIdentifiers(parseExpression(state.lexer, state.syntax));
      expectPunct(state.lexer, ")", "to close the gphase argument");
      expectSemicolon(state);
      continue;
    }
    if (KEYWORDS.has(token.text) && token.text !== "barrier") {
      fail(
        "QPLANE_ERR_QASM_UNSUPPORTED",
        `'${token.text}' is not supported inside a gate definition`,
        token,
      );
    }
    const args = token.text === "barrier" ? [] : parseArguments(state);
    const qubits: Token[] = [];
    if (!(token.text === "barrier" && isPunct(state.lexer.peek(), ";"))) {
      for (;;) {
        const qubit = state.lexer.next();
        if (qubit.kind !== "identifier") {
          fail(
            "QPLANE_ERR_QASM_SYNTAX",
            `expected a qubit argument name of gate ${name.text}, found ${describeToken(qubit)}`,
            qubit,
          );
        }
        if (isPunct(state.lexer.peek(), "[")) {
          fail(
            "QPLANE_ERR_QASM_SYNTAX",
            "a gate body refers to its qubit arguments by name, without indices",
            state.lexer.peek(),
          );
        }
        qubits.push(qubit);
        if (!isPunct(state.lexer.peek(), ",")) break;
        state.lexer.next();
      }
    }
    expectSemicolon(state);
    if (signature === null) continue;

    for (const qubit of qubits) {
      if (!signature.qubits.includes(qubit.text)) {
        fail(
          "QPLANE_ERR_QASM_SYNTAX",
          `'${qubit.text}' is not a qubit argument of gate ${name.text}`,
          qubit,
        );
      }
    }
    if (token.text === "barrier") continue;
    if (token.text === name.text) {
      fail(
        "QPLANE_ERR_QASM_SYNTAX",
        `gate ${name.text} calls itself; recursive definitions are not allowed`,
        token,
      );
    }
    const target = resolveGate(state, token);
    checkArity(target, token, args.length, qubits.length);
    qubits.forEach((qubit, k) => {
      if (qubits.findIndex((other) => other.text === qubit.text) !== k) {
        fail(
          "QPLANE_ERR_CIRCUIT_QUBIT_RANGE",
          `gate ${token.text} is applied twice to qubit ${qubit.text}`,
          qubit,
        );
      }
    });
    args.forEach(checkIdentifiers);
    body.push({ target, token, args, qubits: qubits.map((qubit) => qubit.text) });
  }
}
