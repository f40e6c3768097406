/**
 * From the editor's text to the API and back: the text (YAML, or JSON, which YAML 1.2 reads
 * the same) parsed with `yaml`'s parseDocument, which keeps every node's source range, and
 * the API's messages (`spec.training.epochs: … (got 0); spec.model.qubitz: unknown field`)
 * split per field and placed on the line of the field they name. Pure: no DOM.
 */
import { isMap, isScalar, isSeq, type Node, parseDocument, Scalar } from "yaml";

/** One problem to show: at a 1-based line of the text, or (line null) above the editor. */
export interface SpecIssue {
  readonly line: number | null;
  /** The field path the message names (`training.epochs`), "" when it names none. */
  readonly path: string;
  /** The text to show: the server's (or the YAML parser's) words, unchanged. */
  readonly message: string;
}

export type ParsedSpec =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly issues: readonly SpecIssue[] };

/** 1-based line of a character offset. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** The text as a value, or the parser's complaints at their lines. */
export function parseSpecText(text: string): ParsedSpec {
  if (text.trim() === "") {
    return { ok: false, issues: [{ line: null, path: "", message: "the spec is empty" }] };
  }
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    return {
      ok: false,
      issues: document.errors.map((error) => ({
        line: error.linePos?.[0].line ?? null,
        path: "",
        // the first line is the reason; the rest is a copy of the source with a caret
        message: (error.message.split("\n")[0] ?? error.message).replace(/:$/, ""),
      })),
    };
  }
  const value: unknown = document.toJS();
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return {
      ok: false,
      issues: [{ line: 1, path: "", message: "the spec must be a mapping of sections" }],
    };
  }
  return { ok: true, value };
}

/** A field path as the API writes it (`grid.feedback.mode[1]`) → its parts. */
export function pathParts(path: string): (string | number)[] {
  const parts: (string | number)[] = [];
  for (const piece of path.split(".")) {
    const match = /^([^[]*)((?:\[\d+\])*)$/.exec(piece);
    if (match === null) {
      parts.push(piece);
      continue;
    }
    if (match[1] !== "") parts.push(match[1] ?? "");
    for (const index of (match[2] ?? "").matchAll(/\[(\d+)\]/g)) parts.push(Number(index[1]));
  }
  return parts;
}

/**
 * The key of `map` matching the most leading `parts` joined by dots (grid and compare keys are
 * dotted spec fields: `grid.feedback.mode` is the key "feedback.mode" of `grid`).
 */
function longestKey(map: Node, parts: readonly (string | number)[]) {
  if (!isMap(map)) return null;
  for (let take = parts.length; take >= 1; take--) {
    const name = parts.slice(0, take).join(".");
    const pair = map.items.find((item) => isScalar(item.key) && String(item.key.value) === name);
    if (pair !== undefined) return { pair, take };
  }
  return null;
}

/**
 * The 1-based line of the deepest node of `path` present in the text: the key's line for a
 * map member, the item's for a list entry. `qasmLine` (a line of a block-scalar program, as
 * `spec.model.qasm: line 5, …` names it) moves into the block. Null when not even the first
 * part is there.
 */
export function lineOfPath(text: string, path: string, qasmLine?: number): number | null {
  const document = parseDocument(text, { keepSourceTokens: false });
  let node: unknown = document.contents;
  let remaining = pathParts(path);
  let offset: number | null = null;
  while (remaining.length > 0 && node !== null && node !== undefined) {
    const head = remaining[0];
    if (typeof head === "number") {
      if (!isSeq(node)) break;
      const item = node.items[head];
      if (item === undefined || item === null) break;
      node = item;
      offset = (item as Node).range?.[0] ?? offset;
      remaining = remaining.slice(1);
      continue;
    }
    const found = longestKey(node as Node, remaining);
    if (found === null) break;
    const key = found.pair.key as Node;
    offset = key.range?.[0] ?? offset;
    node = found.pair.value;
    remaining = remaining.slice(found.take);
  }
  if (offset === null) return null;
  const line = lineOf(text, offset);
  if (
    remaining.length === 0 &&
    qasmLine !== undefined &&
    node instanceof Scalar &&
    node.type === Scalar.BLOCK_LITERAL &&
    node.range !== undefined &&
    node.range !== null
  ) {
    // a block scalar's content starts on the line after its `|` header
    return lineOf(text, node.range[0]) + qasmLine;
  }
  return line;
}

/** A message's leading field path: `a.b[2]: …` or `grid.x[0] = "v": …`. */
const LEADING_PATH = /^([A-Za-z_][\w-]*(?:\.[\w-]+|\[\d+\])*)(?=: | = )/;
/** Where one message of a joined list ends: `; ` before the next field path. */
const NEXT_ISSUE = /; (?=[A-Za-z_][\w-]*(?:\.[\w-]+|\[\d+\])*(?:: | = ))/;

/**
 * An API error message as issues at lines. `prefix` is the name the message gives the text's
 * root (`spec` for a job body, "" for an experiment's); `rename` rewrites a path first (an
 * experiment arm's `spec.feedback.mode` set by its grid → `grid.feedback.mode[1]`).
 */
export function issuesOf(
  text: string,
  message: string,
  prefix: string,
  rename: (path: string) => string = (path) => path,
): SpecIssue[] {
  return message.split(NEXT_ISSUE).map((part) => {
    const named = LEADING_PATH.exec(part)?.[1];
    if (named === undefined) return { line: null, path: "", message: part };
    const full = rename(named);
    const path =
      prefix === "" ? full : full.startsWith(`${prefix}.`) ? full.slice(prefix.length + 1) : "";
    if (path === "") return { line: null, path: "", message: part };
    const qasmLine = /^[^:]+: line (\d+), column \d+:/.exec(part)?.[1];
    const line = lineOfPath(text, path, qasmLine === undefined ? undefined : Number(qasmLine));
    return { line, path, message: part };
  });
}
