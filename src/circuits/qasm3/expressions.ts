/**
 * Gate-argument expressions: parsing to a small AST and folding to a constant or an
 * affine function `scale · parameter + offset` of at most one parameter.
 *
 * Precedence, loosest first (as in OpenQASM 3): `+ -`, then `* /`, then unary `- +`,
 * then `**` (right-associative, so `-2**2` is −4 and `2**-1` is 0.5). OpenQASM 2 programs
 * may write `^` for `**`. Constants: `pi`/`π`, `tau`/`τ`, `euler`/`ℇ`. Functions of
 * constant arguments: `sin cos tan arcsin arccos arctan exp log sqrt` (and OpenQASM 2's
 * `ln`).
 *
 * Folding is exact where the source is: an affine value remembers whether it has a
 * constant term at all, so `-1*x` folds to scale −1 with offset +0 (not −0), while
 * `x - 0` folds to offset −0. That is what makes the emitter's text round-trip
 * bit-for-bit.
 */
import { describeToken, fail, type Lexer, type Token } from "./lexer.js";

export type BinaryOperator = "+" | "-" | "*" | "/" | "**";

export type Expression =
  | { readonly type: "number"; readonly value: number; readonly token: Token }
  | { readonly type: "identifier"; readonly name: string; readonly token: Token }
  | {
      readonly type: "unary";
      readonly operator: "-" | "+";
      readonly operand: Expression;
      readonly token: Token;
    }
  | {
      readonly type: "binary";
      readonly operator: BinaryOperator;
      readonly left: Expression;
      readonly right: Expression;
      readonly token: Token;
    }
  | {
      readonly type: "call";
      readonly name: FunctionName;
      readonly argument: Expression;
      readonly token: Token;
    };

export const CONSTANTS: ReadonlyMap<string, number> = new Map([
  ["pi", Math.PI],
  ["π", Math.PI],
  ["tau", 2 * Math.PI],
  ["τ", 2 * Math.PI],
  ["euler", Math.E],
  ["ℇ", Math.E],
]);

const FUNCTIONS = {
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  arcsin: Math.asin,
  arccos: Math.acos,
  arctan: Math.atan,
  exp: Math.exp,
  log: Math.log,
  ln: Math.log,
  sqrt: Math.sqrt,
} as const satisfies Record<string, (x: number) => number>;

export type FunctionName = keyof typeof FUNCTIONS;

function isFunctionName(name: string): name is FunctionName {
  return Object.hasOwn(FUNCTIONS, name);
}

export interface ExpressionSyntax {
  /** `^` means `**` (OpenQASM 2). */
  readonly caretIsPower: boolean;
}

/**
 * Bound on nesting (parentheses, unary chains, operator chains), so that folding and
 * checking an expression cannot overflow the stack.
 */
const MAX_DEPTH = 200;

function deeper(depth: number, token: Token): number {
  if (depth >= MAX_DEPTH) {
    fail(
      "QPLANE_ERR_QASM_SYNTAX",
      `expression nested or chained more than ${MAX_DEPTH} deep`,
      token,
    );
  }
  return depth + 1;
}

/** Parses one expression, leaving the lexer at the token after it. */
export function parseExpression(lexer: Lexer, syntax: ExpressionSyntax, depth = 0): Expression {
  return parseAdditive(lexer, syntax, deeper(depth, lexer.peek()));
}

function parseAdditive(lexer: Lexer, syntax: ExpressionSyntax, depth: number): Expression {
  let left = parseMultiplicative(lexer, syntax, depth);
  for (;;) {
    const token = lexer.peek();
    if (token.kind !== "punct" || (token.text !== "+" && token.text !== "-")) return left;
    lexer.next();
    depth = deeper(depth, token);
    const right = parseMultiplicative(lexer, syntax, depth);
    left = { type: "binary", operator: token.text, left, right, token };
  }
}

function parseMultiplicative(lexer: Lexer, syntax: ExpressionSyntax, depth: number): Expression {
  let left = parseUnary(lexer, syntax, depth);
  for (;;) {
    const token = lexer.peek();
    if (token.kind !== "punct") return left;
    if (token.text === "%") {
      fail(
        "QPLANE_ERR_QASM_UNSUPPORTED",
        "the '%' operator is not supported in gate arguments",
        token,
      );
    }
    if (token.text !== "*" && token.text !== "/") return left;
    lexer.next();
    depth = deeper(depth, token);
    const right = parseUnary(lexer, syntax, depth);
    left = { type: "binary", operator: token.text, left, right, token };
  }
}

function parseUnary(lexer: Lexer, syntax: ExpressionSyntax, depth: number): Expression {
  const token = lexer.peek();
  if (token.kind === "punct" && (token.text === "-" || token.text === "+")) {
    lexer.next();
    const operand = parseUnary(lexer, syntax, deeper(depth, token));
    return { type: "unary", operator: token.text, operand, token };
  }
  if (token.kind === "punct" && (token.text === "!" || token.text === "~")) {
    fail(
      "QPLANE_ERR_QASM_UNSUPPORTED",
      `the '${token.text}' operator is not supported in gate arguments`,
      token,
    );
  }
  return parsePower(lexer, syntax, depth);
}

function parsePower(lexer: Lexer, syntax: ExpressionSyntax, depth: number): Expression {
  const base = parsePrimary(lexer, syntax, depth);
  const token = lexer.peek();
  if (token.kind === "punct" && (token.text === "**" || token.text === "^")) {
    if (token.text === "^" && !syntax.caretIsPower) {
      fail(
        "QPLANE_ERR_QASM_SYNTAX",
        "'^' is bitwise xor in OpenQASM 3; write '**' for a power",
        token,
      );
    }
    lexer.next();
    const exponent = parseUnary(lexer, syntax, deeper(depth, token));
    return { type: "binary", operator: "**", left: base, right: exponent, token };
  }
  return base;
}

function parsePrimary(lexer: Lexer, syntax: ExpressionSyntax, depth: number): Expression {
  const token = lexer.next();
  if (token.kind === "number") return { type: "number", value: token.value, token };
  if (token.kind === "identifier") {
    if (isFunctionName(token.text)) {
      expectPunct(lexer, "(", `after function ${token.text}`);
      const argument = parseExpression(lexer, syntax, depth);
      expectPunct(lexer, ")", `to close the argument of ${token.text}`);
      return { type: "call", name: token.text, argument, token };
    }
    return { type: "identifier", name: token.text, token };
  }
  if (token.kind === "punct" && token.text === "(") {
    const inner = parseExpression(lexer, syntax, depth);
    expectPunct(lexer, ")", "to close '('");
    return inner;
  }
  return fail(
    "QPLANE_ERR_QASM_SYNTAX",
    `expected an expression, found ${describeToken(token)}`,
    token,
  );
}

export function expectPunct(lexer: Lexer, text: string, context: string): Token {
  const token = lexer.next();
  if (token.kind !== "punct" || token.text !== text) {
    fail(
      "QPLANE_ERR_QASM_SYNTAX",
      `expected '${text}' ${context}, found ${describeToken(token)}`,
      token,
    );
  }
  return token;
}

/** Identifiers an expression refers to (excluding function names). */
export function expressionIdentifiers(
  expression: Expression,
): Extract<Expression, { type: "identifier" }>[] {
  switch (expression.type) {
    case "number":
      return [];
    case "identifier":
      return [expression];
    case "unary":
      return expressionIdentifiers(expression.operand);
    case "binary":
      return [
        ...expressionIdentifiers(expression.left),
        ...expressionIdentifiers(expression.right),
      ];
    case "call":
      return expressionIdentifiers(expression.argument);
  }
}

// ---------------------------------------------------------------------------------------
// Folding

/** The parameter an affine value depends on; compared by identity. */
export interface ParameterSymbol {
  /** The name the program uses (for messages). */
  readonly sourceName: string;
}

export type Value<P extends ParameterSymbol = ParameterSymbol> =
  | { readonly kind: "constant"; readonly value: number }
  | {
      readonly kind: "affine";
      readonly parameter: P;
      readonly scale: number;
      /** `null` when the expression has no constant term at all (folds to +0). */
      readonly offset: number | null;
    };

export function constant(value: number): Value<never> {
  return { kind: "constant", value };
}

/** Resolves an identifier to a value or fails with the identifier's position. */
export type Resolver<P extends ParameterSymbol> = (name: string, token: Token) => Value<P>;

function nonAffine(token: Token, what: string): never {
  return fail(
    "QPLANE_ERR_CIRCUIT_PARAMETER",
    `gate argument is not an affine function of one parameter: ${what}`,
    token,
  );
}

function checkFinite<P extends ParameterSymbol>(value: Value<P>, token: Token): Value<P> {
  const finite =
    value.kind === "constant"
      ? Number.isFinite(value.value)
      : Number.isFinite(value.scale) && (value.offset === null || Number.isFinite(value.offset));
  if (!finite) {
    const shown = value.kind === "constant" ? String(value.value) : "a non-finite coefficient";
    fail(
      "QPLANE_ERR_CIRCUIT_PARAMETER",
      `gate argument evaluates to ${shown} at ${describeToken(token)}`,
      token,
    );
  }
  return value;
}

function mapOffset(offset: number | null, f: (x: number) => number): number | null {
  return offset === null ? null : f(offset);
}

function addOffsets(a: number | null, b: number | null, subtract: boolean): number | null {
  if (b === null) return a;
  if (a === null) return subtract ? -b : b;
  return subtract ? a - b : a + b;
}

function foldBinary<P extends ParameterSymbol>(
  operator: BinaryOperator,
  left: Value<P>,
  right: Value<P>,
  token: Token,
): Value<P> {
  if (left.kind === "constant" && right.kind === "constant") {
    const a = left.value;
    const b = right.value;
    switch (operator) {
      case "+":
        return constant(a + b);
      case "-":
        return constant(a - b);
      case "*":
        return constant(a * b);
      case "/":
        return constant(a / b);
      case "**":
        return constant(a ** b);
    }
  }
  switch (operator) {
    case "+":
    case "-": {
      const subtract = operator === "-";
      if (left.kind === "affine" && right.kind === "affine") {
        if (left.parameter !== right.parameter) {
          nonAffine(
            token,
            `it depends on two parameters (${left.parameter.sourceName} and ${right.parameter.sourceName})`,
          );
        }
        return {
          kind: "affine",
          parameter: left.parameter,
          scale: subtract ? left.scale - right.scale : left.scale + right.scale,
          offset: addOffsets(left.offset, right.offset, subtract),
        };
      }
      if (left.kind === "affine" && right.kind === "constant") {
        return { ...left, offset: addOffsets(left.offset, right.value, subtract) };
      }
      if (left.kind === "constant" && right.kind === "affine") {
        return {
          kind: "affine",
          parameter: right.parameter,
          scale: subtract ? -right.scale : right.scale,
          offset: addOffsets(left.value, right.offset, subtract),
        };
      }
      break;
    }
    case "*": {
      if (left.kind === "affine" && right.kind === "affine") {
        nonAffine(
          token,
          `product of ${left.parameter.sourceName} and ${right.parameter.sourceName}`,
        );
      }
      if (left.kind === "affine" && right.kind === "constant") {
        const c = right.value;
        return { ...left, scale: left.scale * c, offset: mapOffset(left.offset, (o) => o * c) };
      }
      if (left.kind === "constant" && right.kind === "affine") {
        const c = left.value;
        return { ...right, scale: c * right.scale, offset: mapOffset(right.offset, (o) => c * o) };
      }
      break;
    }
    case "/": {
      if (right.kind === "affine") nonAffine(token, `division by ${right.parameter.sourceName}`);
      if (left.kind === "affine" && right.kind === "constant") {
        const c = right.value;
        return { ...left, scale: left.scale / c, offset: mapOffset(left.offset, (o) => o / c) };
      }
      break;
    }
    case "**": {
      const parameter =
        left.kind === "affine" ? left.parameter : right.kind === "affine" ? right.parameter : null;
      nonAffine(token, `power involving ${parameter?.sourceName ?? "a parameter"}`);
    }
  }
  throw new Error("unreachable");
}

/** Folds an expression to a constant or an affine function of one parameter. */
export function evaluateExpression<P extends ParameterSymbol>(
  expression: Expression,
  resolve: Resolver<P>,
): Value<P> {
  switch (expression.type) {
    case "number":
      return checkFinite(constant(expression.value), expression.token);
    case "identifier":
      return resolve(expression.name, expression.token);
    case "unary": {
      const operand = evaluateExpression(expression.operand, resolve);
      if (expression.operator === "+") return operand;
      if (operand.kind === "constant") return constant(-operand.value);
      return { ...operand, scale: -operand.scale, offset: mapOffset(operand.offset, (o) => -o) };
    }
    case "binary": {
      const left = evaluateExpression(expression.left, resolve);
      const right = evaluateExpression(expression.right, resolve);
      return checkFinite(
        foldBinary(expression.operator, left, right, expression.token),
        expression.token,
      );
    }
    case "call": {
      const argument = evaluateExpression(expression.argument, resolve);
      if (argument.kind === "affine") {
        nonAffine(
          expression.token,
          `${expression.name}(${argument.parameter.sourceName}) is not linear`,
        );
      }
      return checkFinite(constant(FUNCTIONS[expression.name](argument.value)), expression.token);
    }
  }
}
