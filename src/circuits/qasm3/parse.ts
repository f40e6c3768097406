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
 *   input / weight `<name>`; any other name is a weight of that name.
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
 */
import { QplaneError, type SourceLocation } from "../../errors/catalogue.js";
import {
  type Angle,
  type Circuit,
  createCircuit,
  type Gate,
  type Measurement,
  type ParameterKind,
} from "../ir.js";
import {
  CONSTANTS,
  constant,
  type Expression,
  type ExpressionSyntax,
  evaluateExpression,
  expectPunct,
  expressionIdentifiers,
  type ParameterSymbol,
  parseExpression,
  type Value,
} from "./expressions.js";
import { describeToken, fail, Lexer, type Token } from "./lexer.js";
import { parameterFromQasmName } from "./naming.js";
import {
  BUILTIN_GATES,
  type BuiltinGate,
  PRELUDE_ALIASES,
  PRELUDE_SOURCE,
  UNSUPPORTED_GATES,
} from "./stdlib.js";

export interface ParseQasm3Options {
  /** Largest register, and largest total of qubits or of bits, accepted. Default 64. */
  readonly maxRegisterSize?: number;
  /** Physical qubits `$k` must have k below this. Default 1024. */
  readonly maxPhysicalQubits?: number;
  /** Largest number of IR gates the program may expand to (gate blocks inline). Default 10⁶. */
  readonly maxGates?: number;
}

export interface ParsedQasm3Program {
  readonly circuit: Circuit;
  /** The program's `input` name of each parameter column of the circuit. */
  readonly parameterNames: readonly string[];
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
  return new Parser(text, options, preludeDefinitions()).parseProgram();
}

// ---------------------------------------------------------------------------------------

interface InputSymbol extends ParameterSymbol {
  readonly kind: ParameterKind;
  /** IR parameter name. */
  readonly name: string;
  readonly token: Token;
}

interface Register {
  readonly kind: "qubit" | "bit";
  readonly name: string;
  readonly offset: number;
  readonly size: number;
  /** Declared as `qubit q;` / `bit c;`: names one (qu)bit, never broadcasts. */
  readonly single: boolean;
}

/** One operand of a gate call or measurement: a (qu)bit or a whole register. */
interface Operand {
  readonly token: Token;
  readonly indices: readonly number[];
  readonly broadcast: boolean;
  readonly text: string;
}

interface QubitRef {
  readonly index: number;
  /** Where the program names this qubit (the call site, for inlined gates). */
  readonly token: Token;
  readonly text: string;
}

type GateTarget =
  | { readonly kind: "builtin"; readonly name: string; readonly builtin: BuiltinGate }
  | { readonly kind: "defined"; readonly name: string; readonly definition: GateDefinition };

interface BodyCall {
  readonly target: GateTarget;
  readonly token: Token;
  readonly args: readonly Expression[];
  readonly qubits: readonly string[];
}

interface GateDefinition {
  readonly name: string;
  readonly params: readonly string[];
  readonly qubits: readonly string[];
  readonly body: readonly BodyCall[];
  readonly fromPrelude: boolean;
  /** 1 + the deepest nesting of the defined gates its body calls. */
  readonly nesting: number;
}

/** Statements outside the supported subset, reported as unsupported by their keyword. */
const UNSUPPORTED_STATEMENTS = new Set(
  (
    "if else for while def let const pragma box delay defcal defcalgrammar cal extern return " +
    "break continue end switch case default output stretch duration durationof int uint float " +
    "angle bool complex array opaque reset ctrl negctrl inv pow"
  ).split(" "),
);

const GATE_MODIFIERS = new Set(["ctrl", "negctrl", "inv", "pow"]);

const KEYWORDS = new Set([
  ...UNSUPPORTED_STATEMENTS,
  ..."OPENQASM include qubit qreg bit creg input gate measure barrier gphase true false".split(" "),
]);

/** Bound on how deeply gate definitions may call each other. */
const MAX_GATE_NESTING = 100;

const LOCATION_PREFIX = /^line \d+, column \d+: /;

function location(token: SourceLocation): SourceLocation {
  return { line: token.line, column: token.column };
}

function isPunct(token: Token, text: string): boolean {
  return token.kind === "punct" && token.text === text;
}

function toAngle(value: Value<InputSymbol>): Angle {
  if (value.kind === "constant") return value.value;
  return {
    kind: value.parameter.kind,
    name: value.parameter.name,
    scale: value.scale,
    offset: value.offset ?? 0,
  };
}

let prelude: ReadonlyMap<string, GateDefinition> | undefined;

function preludeDefinitions(): ReadonlyMap<string, GateDefinition> {
  if (prelude === undefined) {
    const parser = new Parser(PRELUDE_SOURCE, {}, new Map(), true);
    const definitions = parser.parseDefinitionsOnly();
    for (const [alias, name] of PRELUDE_ALIASES) definitions.set(alias, definitions.get(name)!);
    prelude = definitions;
  }
  return prelude;
}

class Parser {
  private readonly lexer: Lexer;
  private readonly maxRegisterSize: number;
  private readonly maxPhysicalQubits: number;
  private readonly maxGates: number;
  /** The gate call being expanded (for errors about the expansion as a whole). */
  private statement: Token | undefined;
  private syntax: ExpressionSyntax = { caretIsPower: false };

  private readonly registers = new Map<string, Register>();
  private readonly inputs = new Map<string, InputSymbol>();
  private readonly inputsByIrName = new Map<string, InputSymbol>();
  private readonly definitions: Map<string, GateDefinition>;
  private readonly programGates = new Set<string>();

  private numVirtualQubits = 0;
  private numClbits = 0;
  /** undefined until the first qubit register or `$k`. */
  private physical: boolean | undefined;
  private maxPhysicalIndex = -1;

  private readonly gates: Gate[] = [];
  private readonly measurements: Measurement[] = [];
  private readonly measured = new Map<number, Token>();
  private readonly written = new Map<number, Token>();

  constructor(
    text: string,
    options: ParseQasm3Options,
    definitions: ReadonlyMap<string, GateDefinition>,
    private readonly isPrelude = false,
  ) {
    this.lexer = new Lexer(text);
    this.maxRegisterSize = options.maxRegisterSize ?? 64;
    this.maxPhysicalQubits = options.maxPhysicalQubits ?? 1024;
    this.maxGates = options.maxGates ?? 1_000_000;
    this.definitions = new Map(definitions);
  }

  // ----- program --------------------------------------------------------------------

  parseProgram(): ParsedQasm3Program {
    this.parseHeader();
    while (this.lexer.peek().kind !== "eof") this.parseStatement();
    const end = this.lexer.peek();

    const numQubits = this.physical ? this.maxPhysicalIndex + 1 : this.numVirtualQubits;
    if (numQubits === 0) fail("QPLANE_ERR_QASM_SYNTAX", "the program uses no qubits", end);
    const declared = [...this.inputs.values()];
    let circuit: Circuit;
    try {
      circuit = createCircuit({
        numQubits,
        numClbits: this.numClbits,
        physicalQubits: this.physical ?? false,
        gates: this.gates,
        measurements: this.measurements,
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
    };
  }

  parseDefinitionsOnly(): Map<string, GateDefinition> {
    while (this.lexer.peek().kind !== "eof") {
      const token = this.lexer.next();
      if (token.kind !== "identifier" || token.text !== "gate")
        throw new Error("prelude: gate expected");
      this.parseGateDefinition();
    }
    return this.definitions;
  }

  private parseHeader(): void {
    const token = this.lexer.peek();
    if (token.kind !== "identifier" || token.text !== "OPENQASM") return;
    this.lexer.next();
    const version = this.lexer.next();
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
    this.syntax = { caretIsPower: major === 2 };
    this.expectSemicolon();
  }

  private parseStatement(): void {
    const token = this.lexer.next();
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
        return this.parseInclude();
      case "qubit":
        return this.parseRegisterDeclaration("qubit", token, false);
      case "bit":
        return this.parseRegisterDeclaration("bit", token, false);
      case "qreg":
        return this.parseRegisterDeclaration("qubit", token, true);
      case "creg":
        return this.parseRegisterDeclaration("bit", token, true);
      case "input":
        return this.parseInput();
      case "gate":
        return this.parseGateDefinition();
      case "measure":
        return this.parseArrowMeasurement(token);
      case "barrier":
        this.parseQubitOperands(true);
        return this.expectSemicolon();
      case "gphase":
        return this.parseGlobalPhase();
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
    if (this.registers.get(token.text)?.kind === "bit") return this.parseAssignedMeasurement(token);
    if (this.inputs.has(token.text)) {
      fail(
        "QPLANE_ERR_QASM_UNSUPPORTED",
        `assignments to input '${token.text}' are not supported`,
        token,
      );
    }
    this.parseGateCall(token);
  }

  private expectSemicolon(): void {
    const token = this.lexer.next();
    if (!isPunct(token, ";")) {
      fail(
        "QPLANE_ERR_QASM_SYNTAX",
        `expected ';' to end the statement, found ${describeToken(token)}`,
        token,
      );
    }
  }

  private expectIdentifier(what: string): Token {
    const token = this.lexer.next();
    if (token.kind !== "identifier") {
      fail("QPLANE_ERR_QASM_SYNTAX", `expected ${what}, found ${describeToken(token)}`, token);
    }
    return token;
  }

  private parseInclude(): void {
    const file = this.lexer.next();
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
    this.expectSemicolon();
  }

  // ----- declarations ---------------------------------------------------------------

  private checkNewName(token: Token): void {
    const name = token.text;
    if (KEYWORDS.has(name)) fail("QPLANE_ERR_QASM_SYNTAX", `'${name}' is a reserved word`, token);
    if (CONSTANTS.has(name))
      fail("QPLANE_ERR_QASM_SYNTAX", `'${name}' is a built-in constant`, token);
    if (this.registers.has(name) || this.inputs.has(name) || this.programGates.has(name)) {
      fail("QPLANE_ERR_QASM_SYNTAX", `'${name}' is already declared`, token);
    }
  }

  private parseSize(what: string): number {
    const token = this.lexer.next();
    if (token.kind !== "number" || !token.isInteger) {
      fail(
        "QPLANE_ERR_QASM_SYNTAX",
        `expected an integer ${what}, found ${describeToken(token)}`,
        token,
      );
    }
    if (token.value < 1)
      fail("QPLANE_ERR_CIRCUIT_QUBIT_RANGE", `${what} must be at least 1`, token);
    if (token.value > this.maxRegisterSize) {
      fail(
        "QPLANE_ERR_CIRCUIT_QUBIT_RANGE",
        `${what} ${token.text} exceeds the limit of ${this.maxRegisterSize}`,
        token,
      );
    }
    return token.value;
  }

  /** `qubit[n] q;` `qubit q;` `bit[k] c;` `bit c;` `bit[k] c = measure q;` or (oldStyle) `qreg q[n];` `creg c[k];` */
  private parseRegisterDeclaration(kind: "qubit" | "bit", keyword: Token, oldStyle: boolean): void {
    const what = kind === "qubit" ? "register size" : "bit register size";
    let size = 1;
    let single = true;
    let name: Token;
    if (oldStyle) {
      name = this.expectIdentifier("a register name");
      this.checkNewName(name);
      expectPunct(this.lexer, "[", `after ${keyword.text} ${name.text}`);
      size = this.parseSize(what);
      expectPunct(this.lexer, "]", "to close the register size");
      single = false;
    } else {
      if (isPunct(this.lexer.peek(), "[")) {
        this.lexer.next();
        size = this.parseSize(what);
        expectPunct(this.lexer, "]", "to close the register size");
        single = false;
      }
      name = this.expectIdentifier("a register name");
      this.checkNewName(name);
    }

    if (kind === "qubit") {
      if (this.physical === true) {
        fail(
          "QPLANE_ERR_QASM_UNSUPPORTED",
          "mixing declared qubits with physical qubits ($k) is not supported",
          keyword,
        );
      }
      this.physical = false;
      if (this.numVirtualQubits + size > this.maxRegisterSize) {
        fail(
          "QPLANE_ERR_CIRCUIT_QUBIT_RANGE",
          `the program would have ${this.numVirtualQubits + size} qubits; at most ${this.maxRegisterSize} are supported`,
          name,
        );
      }
      this.registers.set(name.text, {
        kind,
        name: name.text,
        offset: this.numVirtualQubits,
        size,
        single,
      });
      this.numVirtualQubits += size;
    } else {
      if (this.numClbits + size > this.maxRegisterSize) {
        fail(
          "QPLANE_ERR_CIRCUIT_QUBIT_RANGE",
          `the program would have ${this.numClbits + size} bits; at most ${this.maxRegisterSize} are supported`,
          name,
        );
      }
      this.registers.set(name.text, {
        kind,
        name: name.text,
        offset: this.numClbits,
        size,
        single,
      });
      this.numClbits += size;
    }

    if (kind === "bit" && !oldStyle && isPunct(this.lexer.peek(), "=")) {
      this.lexer.next();
      const register = this.registers.get(name.text)!;
      const target: Operand = {
        token: name,
        indices: Array.from({ length: register.size }, (_, i) => register.offset + i),
        broadcast: !register.single,
        text: name.text,
      };
      this.parseMeasureSource(target);
      return;
    }
    this.expectSemicolon();
  }

  private parseInput(): void {
    const type = this.expectIdentifier("a type after input");
    if (type.text !== "float" && type.text !== "angle") {
      fail(
        "QPLANE_ERR_QASM_UNSUPPORTED",
        `inputs of type '${type.text}' are not supported (only float and angle)`,
        type,
      );
    }
    if (isPunct(this.lexer.peek(), "[")) {
      this.lexer.next();
      const width = this.lexer.next();
      if (width.kind !== "number" || !width.isInteger || width.value < 1) {
        fail(
          "QPLANE_ERR_QASM_SYNTAX",
          `expected a bit width, found ${describeToken(width)}`,
          width,
        );
      }
      expectPunct(this.lexer, "]", "to close the type width");
    }
    const name = this.expectIdentifier("an input name");
    this.checkNewName(name);
    const { kind, name: irName } = parameterFromQasmName(name.text);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(irName)) {
      fail(
        "QPLANE_ERR_CIRCUIT_PARAMETER",
        `input name '${name.text}' is not supported: parameter names use ASCII letters, digits and '_'`,
        name,
      );
    }
    const clash = this.inputsByIrName.get(irName);
    if (clash !== undefined) {
      fail(
        "QPLANE_ERR_CIRCUIT_PARAMETER",
        `input ${name.text} names circuit parameter '${irName}', as does ${clash.sourceName} (line ${clash.token.line})`,
        name,
      );
    }
    const symbol: InputSymbol = { sourceName: name.text, kind, name: irName, token: name };
    this.inputs.set(name.text, symbol);
    this.inputsByIrName.set(irName, symbol);
    this.expectSemicolon();
  }

  // ----- operands -------------------------------------------------------------------

  private usePhysical(token: Token): number {
    if (this.physical === false) {
      fail(
        "QPLANE_ERR_QASM_UNSUPPORTED",
        "mixing physical qubits ($k) with declared qubits is not supported",
        token,
      );
    }
    if (token.value >= this.maxPhysicalQubits) {
      fail(
        "QPLANE_ERR_CIRCUIT_QUBIT_RANGE",
        `physical qubit ${token.text} is beyond the limit of ${this.maxPhysicalQubits} qubits`,
        token,
      );
    }
    this.physical = true;
    this.maxPhysicalIndex = Math.max(this.maxPhysicalIndex, token.value);
    return token.value;
  }

  /** A qubit (`q[1]`, `$3`, single `q`) or a whole register (`q`). */
  private parseOperand(kind: "qubit" | "bit", token: Token = this.lexer.next()): Operand {
    if (token.kind === "hardwareQubit" && kind === "qubit") {
      return { token, indices: [this.usePhysical(token)], broadcast: false, text: token.text };
    }
    if (token.kind !== "identifier") {
      const expected = kind === "qubit" ? "a qubit" : "a bit";
      fail("QPLANE_ERR_QASM_SYNTAX", `expected ${expected}, found ${describeToken(token)}`, token);
    }
    const register = this.registers.get(token.text);
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
    if (!isPunct(this.lexer.peek(), "[")) {
      return {
        token,
        indices: Array.from({ length: register.size }, (_, i) => register.offset + i),
        broadcast: !register.single,
        text: token.text,
      };
    }
    this.lexer.next();
    let negative = false;
    let indexToken = this.lexer.next();
    if (isPunct(indexToken, "-")) {
      negative = true;
      indexToken = this.lexer.next();
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
    const closing = this.lexer.next();
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
  private parseQubitOperands(allowNone: boolean): Operand[] {
    const operands: Operand[] = [];
    if (allowNone && isPunct(this.lexer.peek(), ";")) return operands;
    operands.push(this.parseOperand("qubit"));
    while (isPunct(this.lexer.peek(), ",")) {
      this.lexer.next();
      operands.push(this.parseOperand("qubit"));
    }
    return operands;
  }

  // ----- measurement ----------------------------------------------------------------

  /** `measure q -> c;` / `measure q[0] -> c[0];` */
  private parseArrowMeasurement(keyword: Token): void {
    const source = this.parseOperand("qubit");
    const arrow = this.lexer.next();
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
    const target = this.parseOperand("bit");
    this.expectSemicolon();
    this.recordMeasurement(source, target);
  }

  /** `c[0] = measure q[0];` / `c = measure q;` (the target's name is already read). */
  private parseAssignedMeasurement(name: Token): void {
    const target = this.parseOperand("bit", name);
    const equals = this.lexer.next();
    if (!isPunct(equals, "=")) {
      fail(
        "QPLANE_ERR_QASM_UNSUPPORTED",
        `classical statements are not supported (found ${describeToken(equals)})`,
        equals,
      );
    }
    this.parseMeasureSource(target);
  }

  private parseMeasureSource(target: Operand): void {
    const keyword = this.lexer.next();
    if (keyword.kind !== "identifier" || keyword.text !== "measure") {
      fail(
        "QPLANE_ERR_QASM_UNSUPPORTED",
        "classical assignments other than '= measure' are not supported",
        keyword,
      );
    }
    const source = this.parseOperand("qubit");
    this.expectSemicolon();
    this.recordMeasurement(source, target);
  }

  private recordMeasurement(source: Operand, target: Operand): void {
    if (source.indices.length !== target.indices.length) {
      fail(
        "QPLANE_ERR_CIRCUIT_ARITY",
        `measures ${source.indices.length} qubit(s) (${source.text}) into ${target.indices.length} bit(s) (${target.text})`,
        target.token,
      );
    }
    source.indices.forEach((qubit, i) => {
      const clbit = target.indices[i]!;
      const earlier = this.written.get(clbit);
      if (earlier !== undefined) {
        fail(
          "QPLANE_ERR_CIRCUIT_QUBIT_RANGE",
          `bit ${target.text}${target.broadcast ? `[${i}]` : ""} is already written by the measurement at line ${earlier.line}, column ${earlier.column}`,
          target.token,
        );
      }
      this.written.set(clbit, target.token);
      if (!this.measured.has(qubit)) this.measured.set(qubit, source.token);
      this.measurements.push({ qubit, clbit });
    });
  }

  // ----- gphase ---------------------------------------------------------------------

  private parseGlobalPhase(): void {
    expectPunct(this.lexer, "(", "after gphase");
    const expression = parseExpression(this.lexer, this.syntax);
    expectPunct(this.lexer, ")", "to close the gphase argument");
    for (const identifier of expressionIdentifiers(expression))
      this.resolveGlobal(identifier.name, identifier.token);
    this.expectSemicolon();
  }

  // ----- gate calls -----------------------------------------------------------------

  private resolveGate(name: Token): GateTarget {
    const builtin = BUILTIN_GATES.get(name.text);
    if (builtin !== undefined) return { kind: "builtin", name: name.text, builtin };
    const definition = this.definitions.get(name.text);
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

  private parseArguments(): Expression[] {
    const args: Expression[] = [];
    if (!isPunct(this.lexer.peek(), "(")) return args;
    this.lexer.next();
    if (isPunct(this.lexer.peek(), ")")) {
      this.lexer.next();
      return args;
    }
    args.push(parseExpression(this.lexer, this.syntax));
    for (;;) {
      const token = this.lexer.next();
      if (isPunct(token, ")")) return args;
      if (!isPunct(token, ",")) {
        fail(
          "QPLANE_ERR_QASM_SYNTAX",
          `expected ',' or ')' in the argument list, found ${describeToken(token)}`,
          token,
        );
      }
      args.push(parseExpression(this.lexer, this.syntax));
    }
  }

  private checkArity(target: GateTarget, name: Token, argCount: number, qubitCount: number): void {
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

  private resolveGlobal(name: string, token: Token): Value<InputSymbol> {
    const value = CONSTANTS.get(name);
    if (value !== undefined) return constant(value);
    const symbol = this.inputs.get(name);
    if (symbol !== undefined) return { kind: "affine", parameter: symbol, scale: 1, offset: null };
    if (this.registers.has(name)) {
      fail("QPLANE_ERR_QASM_SYNTAX", `'${name}' is a register, not a number`, token);
    }
    return fail("QPLANE_ERR_QASM_SYNTAX", `undeclared identifier '${name}'`, token);
  }

  private parseGateCall(name: Token): void {
    this.statement = name;
    const target = this.resolveGate(name);
    const args = this.parseArguments();
    const operands = this.parseQubitOperands(false);
    this.expectSemicolon();
    this.checkArity(target, name, args.length, operands.length);
    const values = args.map((arg) =>
      evaluateExpression(arg, (id, token) => this.resolveGlobal(id, token)),
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
      this.apply(target, values, qubits, name);
    }
  }

  /** Appends the IR gates of one gate application (inlining defined gates). */
  private apply(
    target: GateTarget,
    args: readonly Value<InputSymbol>[],
    qubits: readonly QubitRef[],
    site: Token,
  ): void {
    if (target.kind === "builtin") {
      for (const qubit of qubits) {
        const at = this.measured.get(qubit.index);
        if (at !== undefined) {
          fail(
            "QPLANE_ERR_QASM_UNSUPPORTED",
            `mid-circuit measurement: ${qubit.text} is used by gate ${target.name} after it was measured at line ${at.line}, column ${at.column}`,
            qubit.token,
          );
        }
      }
      if (this.gates.length >= this.maxGates) {
        fail(
          "QPLANE_ERR_QASM_UNSUPPORTED",
          `the program expands to more than ${this.maxGates} gates`,
          this.statement ?? site,
        );
      }
      this.gates.push({
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
        throw this.expansionError(error, definition, site);
      }
      const qubitsOfCall = call.qubits.map((name) => qubitMap.get(name)!);
      this.apply(call.target, values, qubitsOfCall, definition.fromPrelude ? site : call.token);
    }
  }

  /** Adds where a defined gate was called to an error raised inside its body. */
  private expansionError(error: unknown, definition: GateDefinition, site: Token): unknown {
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

  // ----- gate definitions -----------------------------------------------------------

  private parseIdentifierList(what: string, closing: string | null): Token[] {
    const names: Token[] = [];
    for (;;) {
      const token = this.expectIdentifier(what);
      if (names.some((other) => other.text === token.text)) {
        fail(
          "QPLANE_ERR_QASM_SYNTAX",
          `'${token.text}' appears twice in the gate signature`,
          token,
        );
      }
      names.push(token);
      if (!isPunct(this.lexer.peek(), ",")) break;
      this.lexer.next();
    }
    if (closing !== null) expectPunct(this.lexer, closing, `to close the ${what} list`);
    return names;
  }

  private parseGateDefinition(): void {
    const name = this.expectIdentifier("a gate name");
    if (KEYWORDS.has(name.text))
      fail("QPLANE_ERR_QASM_SYNTAX", `'${name.text}' is a reserved word`, name);
    let params: Token[] = [];
    if (isPunct(this.lexer.peek(), "(")) {
      this.lexer.next();
      if (isPunct(this.lexer.peek(), ")")) this.lexer.next();
      else params = this.parseIdentifierList("parameter name", ")");
    }
    const qubits = this.parseIdentifierList("qubit argument", null);
    for (const qubit of qubits) {
      if (params.some((param) => param.text === qubit.text)) {
        fail(
          "QPLANE_ERR_QASM_SYNTAX",
          `'${qubit.text}' appears twice in the gate signature`,
          qubit,
        );
      }
    }
    for (const param of params) {
      if (CONSTANTS.has(param.text))
        fail("QPLANE_ERR_QASM_SYNTAX", `'${param.text}' is a built-in constant`, param);
    }
    const open = expectPunct(this.lexer, "{", `to open the body of gate ${name.text}`);

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
      this.parseGateBody(name, open, null);
      return;
    }
    if (
      this.programGates.has(name.text) ||
      this.registers.has(name.text) ||
      this.inputs.has(name.text)
    ) {
      fail("QPLANE_ERR_QASM_SYNTAX", `'${name.text}' is already declared`, name);
    }
    const body = this.parseGateBody(name, open, {
      params: params.map((p) => p.text),
      qubits: qubits.map((q) => q.text),
    });
    const nesting =
      1 +
      Math.max(
        0,
        ...body.map((call) =>
          call.target.kind === "defined" ? call.target.definition.nesting : 0,
        ),
      );
    if (nesting > MAX_GATE_NESTING) {
      fail(
        "QPLANE_ERR_QASM_UNSUPPORTED",
        `gate definitions nested more than ${MAX_GATE_NESTING} deep`,
        name,
      );
    }
    this.definitions.set(name.text, {
      name: name.text,
      params: params.map((p) => p.text),
      qubits: qubits.map((q) => q.text),
      body,
      fromPrelude: this.isPrelude,
      nesting,
    });
    if (!this.isPrelude) this.programGates.add(name.text);
  }

  /**
   * Parses `… }` of a gate body. With a signature, also resolves and checks each call;
   * without (a built-in gate's definition), only checks syntax.
   */
  private parseGateBody(
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
      const token = this.lexer.next();
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
        expectPunct(this.lexer, "(", "after gphase");
        checkIdentifiers(parseExpression(this.lexer, this.syntax));
        expectPunct(this.lexer, ")", "to close the gphase argument");
        this.expectSemicolon();
        continue;
      }
      if (KEYWORDS.has(token.text) && token.text !== "barrier") {
        fail(
          "QPLANE_ERR_QASM_UNSUPPORTED",
          `'${token.text}' is not supported inside a gate definition`,
          token,
        );
      }
      const args = token.text === "barrier" ? [] : this.parseArguments();
      const qubits: Token[] = [];
      if (!(token.text === "barrier" && isPunct(this.lexer.peek(), ";"))) {
        for (;;) {
          const qubit = this.lexer.next();
          if (qubit.kind !== "identifier") {
            fail(
              "QPLANE_ERR_QASM_SYNTAX",
              `expected a qubit argument name of gate ${name.text}, found ${describeToken(qubit)}`,
              qubit,
            );
          }
          if (isPunct(this.lexer.peek(), "[")) {
            fail(
              "QPLANE_ERR_QASM_SYNTAX",
              "a gate body refers to its qubit arguments by name, without indices",
              this.lexer.peek(),
            );
          }
          qubits.push(qubit);
          if (!isPunct(this.lexer.peek(), ",")) break;
          this.lexer.next();
        }
      }
      this.expectSemicolon();
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
      const target = this.resolveGate(token);
      this.checkArity(target, token, args.length, qubits.length);
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
}
