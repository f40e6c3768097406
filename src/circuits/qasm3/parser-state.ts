/**
 * The state one OpenQASM parse builds up (declared registers and inputs, gate definitions,
 * the gates and measurements so far) and the small token helpers every statement parser
 * uses. The statement parsers (declarations.ts, operands.ts, measurements.ts,
 * gate-calls.ts, gate-definitions.ts) are functions of this state; parse.ts drives them.
 */
import type { SourceLocation } from "../../errors/catalogue.js";
import type { Angle, Gate, Measurement, ParameterKind } from "../ir.js";
import type { Expression, ExpressionSyntax, ParameterSymbol, Value } from "./expressions.js";
import { describeToken, fail, Lexer, type Token } from "./lexer.js";
import { parameterFromQasmName } from "./naming.js";
import type { BuiltinGate } from "./stdlib.js";

export interface ParseQasm3Options {
  /** Largest register, and largest total of qubits or of bits, accepted. Default 64. */
  readonly maxRegisterSize?: number;
  /** Largest total of declared qubits. Default: maxRegisterSize. */
  readonly maxQubits?: number;
  /** Physical qubits `$k` must have k below this. Default 1024. */
  readonly maxPhysicalQubits?: number;
  /** Largest number of IR gates the program may expand to (gate blocks inline). Default 10⁶. */
  readonly maxGates?: number;
  /**
   * The circuit parameter an `input` name stands for. Default: the emitter's naming scheme
   * ({@link parameterFromQasmName}); model programs classify by their feature convention.
   */
  readonly inputParameter?: (sourceName: string) => { kind: ParameterKind; name: string };
}

/** An `input` declaration as written: what model-program checks report with a position. */
export interface InputDeclaration extends SourceLocation {
  readonly sourceName: string;
  readonly type: "float" | "angle";
  /** The `[n]` width, when given. */
  readonly width: number | undefined;
}

/** A classical register as declared, with its place in the clbit index space. */
export interface BitRegisterDeclaration extends SourceLocation {
  readonly name: string;
  readonly offset: number;
  readonly size: number;
  /** `bit c;`: one bit, named without an index. */
  readonly single: boolean;
}

export interface InputSymbol extends ParameterSymbol {
  readonly kind: ParameterKind;
  /** IR parameter name. */
  readonly name: string;
  readonly token: Token;
}

export interface Register {
  readonly kind: "qubit" | "bit";
  readonly name: string;
  readonly offset: number;
  readonly size: number;
  /** Declared as `qubit q;` / `bit c;`: names one (qu)bit, never broadcasts. */
  readonly single: boolean;
}

/** One operand of a gate call or measurement: a (qu)bit or a whole register. */
export interface Operand {
  readonly token: Token;
  readonly indices: readonly number[];
  readonly broadcast: boolean;
  readonly text: string;
}

export interface QubitRef {
  readonly index: number;
  /** Where the program names this qubit (the call site, for inlined gates). */
  readonly token: Token;
  readonly text: string;
}

export type GateTarget =
  | { readonly kind: "builtin"; readonly name: string; readonly builtin: BuiltinGate }
  | { readonly kind: "defined"; readonly name: string; readonly definition: GateDefinition };

export interface BodyCall {
  readonly target: GateTarget;
  readonly token: Token;
  readonly args: readonly Expression[];
  readonly qubits: readonly string[];
}

export interface GateDefinition {
  readonly name: string;
  readonly params: readonly string[];
  readonly qubits: readonly string[];
  readonly body: readonly BodyCall[];
  readonly fromPrelude: boolean;
  /** 1 + the deepest nesting of the defined gates its body calls. */
  readonly nesting: number;
}

/** Statements outside the supported subset, reported as unsupported by their keyword. */
export const UNSUPPORTED_STATEMENTS = new Set(
  (
    "if else for while def let const pragma box delay defcal defcalgrammar cal extern return " +
    "break continue end switch case default output stretch duration durationof int uint float " +
    "angle bool complex array opaque reset ctrl negctrl inv pow"
  ).split(" "),
);

export const GATE_MODIFIERS = new Set(["ctrl", "negctrl", "inv", "pow"]);

/** Words no register, input or gate may be named. */
export const KEYWORDS: ReadonlySet<string> = new Set([
  ...UNSUPPORTED_STATEMENTS,
  ..."OPENQASM include qubit qreg bit creg input gate measure barrier gphase true false".split(" "),
]);

export function location(token: SourceLocation): SourceLocation {
  return { line: token.line, column: token.column };
}

export function isPunct(token: Token, text: string): boolean {
  return token.kind === "punct" && token.text === text;
}

export function toAngle(value: Value<InputSymbol>): Angle {
  if (value.kind === "constant") return value.value;
  return {
    kind: value.parameter.kind,
    name: value.parameter.name,
    scale: value.scale,
    offset: value.offset ?? 0,
  };
}

export class ParserState {
  readonly lexer: Lexer;
  readonly maxRegisterSize: number;
  readonly maxQubits: number;
  readonly maxPhysicalQubits: number;
  readonly maxGates: number;
  readonly inputParameter: NonNullable<ParseQasm3Options["inputParameter"]>;
  /** The gate call being expanded (for errors about the expansion as a whole). */
  statement: Token | undefined;
  syntax: ExpressionSyntax = { caretIsPower: false };

  readonly registers = new Map<string, Register>();
  readonly inputs = new Map<string, InputSymbol>();
  readonly inputsByIrName = new Map<string, InputSymbol>();
  readonly inputDeclarations: InputDeclaration[] = [];
  readonly bitRegisters: BitRegisterDeclaration[] = [];
  readonly definitions: Map<string, GateDefinition>;
  readonly programGates = new Set<string>();

  numVirtualQubits = 0;
  numClbits = 0;
  /** undefined until the first qubit register or `$k`. */
  physical: boolean | undefined;
  maxPhysicalIndex = -1;

  readonly gates: Gate[] = [];
  readonly measurements: Measurement[] = [];
  readonly measured = new Map<number, Token>();
  readonly written = new Map<number, Token>();

  constructor(
    text: string,
    options: ParseQasm3Options,
    definitions: ReadonlyMap<string, GateDefinition>,
    readonly isPrelude = false,
  ) {
    this.lexer = new Lexer(text);
    this.maxRegisterSize = options.maxRegisterSize ?? 64;
    this.maxQubits = options.maxQubits ?? this.maxRegisterSize;
    this.maxPhysicalQubits = options.maxPhysicalQubits ?? 1024;
    this.maxGates = options.maxGates ?? 1_000_000;
    this.inputParameter = options.inputParameter ?? parameterFromQasmName;
    this.definitions = new Map(definitions);
  }
}

export function expectSemicolon(state: ParserState): void {
  const token = state.lexer.next();
  if (!isPunct(token, ";")) {
    fail(
      "QPLANE_ERR_QASM_SYNTAX",
      `expected ';' to end the statement, found ${describeToken(token)}`,
      token,
    );
  }
}

export function expectIdentifier(state: ParserState, what: string): Token {
  const token = state.lexer.next();
  if (token.kind !== "identifier") {
    fail("QPLANE_ERR_QASM_SYNTAX", `expected ${what}, found ${describeToken(token)}`, token);
  }
  return token;
}
