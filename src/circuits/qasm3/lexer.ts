/**
 * A small on-demand lexer for the OpenQASM subset qplane reads. Tokens carry their
 * 1-based line and column (columns count Unicode code points, so `π` is one column).
 * Comments (`//` to end of line, `/* … *\/`) and whitespace are skipped. Tokens are
 * produced lazily, so an unsupported statement is reported before any odd character
 * that follows it.
 */
import { type ErrorCode, QplaneError, type SourceLocation } from "../../errors/catalogue.js";

export type TokenKind = "identifier" | "number" | "string" | "hardwareQubit" | "punct" | "eof";

export interface Token extends SourceLocation {
  readonly kind: TokenKind;
  /** Source text (identifier name, number literal, operator); string tokens hold the unquoted content. */
  readonly text: string;
  /** Numeric value of number and hardware-qubit tokens. */
  readonly value: number;
  /** A number literal without a fraction or exponent. */
  readonly isInteger: boolean;
}

const MULTI_CHAR_PUNCT = [
  "->",
  "**",
  "==",
  "!=",
  "<=",
  ">=",
  "&&",
  "||",
  "<<",
  ">>",
  "++",
  "+=",
  "-=",
];
const SINGLE_CHAR_PUNCT = new Set(";,()[]{}=+-*/^:@#!~%<>&|.?");

const UNICODE_IDENTIFIER_START = /^[\p{L}_]$/u;
const UNICODE_IDENTIFIER_CONTINUE = /^[\p{L}\p{N}_]$/u;
const ASCII = Array.from({ length: 128 }, (_, code) => String.fromCharCode(code));

function isDigit(c: string): boolean {
  return c.length === 1 && c >= "0" && c <= "9";
}

function isIdentifierStart(c: string): boolean {
  if (c.length === 1 && c < "\x80")
    return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_";
  return UNICODE_IDENTIFIER_START.test(c);
}

function isIdentifierContinue(c: string): boolean {
  if (c.length === 1 && c < "\x80") return isIdentifierStart(c) || isDigit(c);
  return UNICODE_IDENTIFIER_CONTINUE.test(c);
}

export function fail(code: ErrorCode, message: string, at: SourceLocation): never {
  throw new QplaneError(code, message, { line: at.line, column: at.column });
}

/** How a token reads in an error message. */
export function describeToken(token: Token): string {
  switch (token.kind) {
    case "eof":
      return "end of input";
    case "string":
      return `string "${token.text}"`;
    default:
      return `'${token.text}'`;
  }
}

export class Lexer {
  private offset = 0;
  private line = 1;
  private column = 1;
  private lookahead: Token[] = [];

  constructor(private readonly source: string) {}

  /** The token `ahead` positions after the next one, without consuming anything. */
  peek(ahead = 0): Token {
    while (this.lookahead.length <= ahead) this.lookahead.push(this.scan());
    return this.lookahead[ahead]!;
  }

  next(): Token {
    const token = this.peek();
    this.lookahead.shift();
    return token;
  }

  /** The character (code point) at a UTF-16 offset; "" at the end. */
  private char(at = this.offset): string {
    const unit = this.source.charCodeAt(at);
    if (unit < 0x80) return ASCII[unit]!;
    if (Number.isNaN(unit)) return "";
    return String.fromCodePoint(this.source.codePointAt(at)!);
  }

  private advance(): string {
    const c = this.char();
    this.offset += c.length;
    if (c === "\n") {
      this.line++;
      this.column = 1;
    } else {
      this.column++;
    }
    return c;
  }

  private skipTrivia(): void {
    for (;;) {
      const c = this.char();
      if (c === " " || c === "\t" || c === "\r" || c === "\n" || c === "\f" || c === "\v") {
        this.advance();
      } else if (c === "/" && this.char(this.offset + 1) === "/") {
        while (this.char() !== "" && this.char() !== "\n") this.advance();
      } else if (c === "/" && this.char(this.offset + 1) === "*") {
        const start = { line: this.line, column: this.column };
        this.advance();
        this.advance();
        for (;;) {
          if (this.char() === "")
            fail("QPLANE_ERR_QASM_SYNTAX", "unterminated block comment", start);
          if (this.char() === "*" && this.char(this.offset + 1) === "/") {
            this.advance();
            this.advance();
            break;
          }
          this.advance();
        }
      } else {
        return;
      }
    }
  }

  private scan(): Token {
    this.skipTrivia();
    const line = this.line;
    const column = this.column;
    const make = (kind: TokenKind, text: string, value = Number.NaN, isInteger = false): Token => ({
      kind,
      text,
      value,
      isInteger,
      line,
      column,
    });
    const c = this.char();
    if (c === "") return make("eof", "");

    if (isIdentifierStart(c)) {
      const start = this.offset;
      while (isIdentifierContinue(this.char())) this.advance();
      return make("identifier", this.source.slice(start, this.offset));
    }

    if (isDigit(c) || (c === "." && isDigit(this.char(this.offset + 1)))) {
      return this.scanNumber(make, { line, column });
    }

    if (c === "$") {
      this.advance();
      let digits = "";
      while (isDigit(this.char())) digits += this.advance();
      if (digits === "" || isIdentifierContinue(this.char())) {
        fail(
          "QPLANE_ERR_QASM_SYNTAX",
          "a physical qubit is written '$' followed by digits, e.g. $0",
          {
            line,
            column,
          },
        );
      }
      return make("hardwareQubit", `$${digits}`, Number(digits), true);
    }

    if (c === '"' || c === "'") {
      this.advance();
      let text = "";
      while (this.char() !== c) {
        if (this.char() === "" || this.char() === "\n") {
          fail("QPLANE_ERR_QASM_SYNTAX", "unterminated string literal", { line, column });
        }
        text += this.advance();
      }
      this.advance();
      return make("string", text);
    }

    const two = c + this.char(this.offset + c.length);
    if (MULTI_CHAR_PUNCT.includes(two)) {
      this.advance();
      this.advance();
      return make("punct", two);
    }
    if (SINGLE_CHAR_PUNCT.has(c)) {
      this.advance();
      return make("punct", c);
    }
    return fail("QPLANE_ERR_QASM_SYNTAX", `unexpected character '${c}'`, { line, column });
  }

  private scanNumber(
    make: (kind: TokenKind, text: string, value?: number, isInteger?: boolean) => Token,
    start: SourceLocation,
  ): Token {
    let text = "";
    let isInteger = true;
    while (isDigit(this.char())) text += this.advance();
    if (this.char() === ".") {
      isInteger = false;
      text += this.advance();
      while (isDigit(this.char())) text += this.advance();
    }
    if (this.char() === "e" || this.char() === "E") {
      const sign = this.char(this.offset + 1);
      const hasSign = sign === "+" || sign === "-";
      if (isDigit(this.char(this.offset + (hasSign ? 2 : 1)))) {
        isInteger = false;
        text += this.advance();
        if (hasSign) text += this.advance();
        while (isDigit(this.char())) text += this.advance();
      }
    }
    if (isIdentifierContinue(this.char()) || this.char() === ".") {
      fail(
        "QPLANE_ERR_QASM_SYNTAX",
        `malformed number literal starting '${text}${this.char()}'`,
        start,
      );
    }
    return make("number", text, Number(text), isInteger);
  }
}
