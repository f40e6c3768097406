/** Just enough SVG reading for the chart tests: vega's marks and their aria attributes. */

export interface SvgElement {
  readonly tag: string;
  readonly attrs: Readonly<Record<string, string>>;
  /** Text content of <text> elements. */
  readonly text?: string;
}

const ELEMENT = /<(path|line|text|rect|g|svg)\s([^>]*?)\/?>(?:([^<]*)<\/text>)?/g;
const ATTRIBUTE = /([\w:-]+)="([^"]*)"/g;

export function elements(svg: string): SvgElement[] {
  const found: SvgElement[] = [];
  for (const match of svg.matchAll(ELEMENT)) {
    const attrs: Record<string, string> = {};
    for (const [, name, value] of match[2]!.matchAll(ATTRIBUTE)) attrs[name!] = value!;
    found.push({ tag: match[1]!, attrs, ...(match[3] === undefined ? {} : { text: match[3] }) });
  }
  return found;
}

/** Marks with this aria-roledescription ("point", "line mark", "rule mark", "text mark"). */
export function marks(svg: string, role: string): SvgElement[] {
  return elements(svg).filter((element) => element.attrs["aria-roledescription"] === role);
}

/** aria-label of the form "a: 1; b: 2" as a map. */
export function ariaFields(element: SvgElement): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const part of (element.attrs["aria-label"] ?? "").split("; ")) {
    const colon = part.lastIndexOf(": ");
    if (colon > 0) fields[part.slice(0, colon)] = part.slice(colon + 2);
  }
  return fields;
}

/** The (x, y) of a `transform="translate(x,y)"`. */
export function translation(element: SvgElement): [number, number] {
  const match = /translate\(([-\d.e]+),([-\d.e]+)\)/.exec(element.attrs.transform ?? "");
  if (!match) throw new Error(`no translate() in ${JSON.stringify(element.attrs)}`);
  return [Number(match[1]), Number(match[2])];
}

/** Vertices of a polyline path "M x,y L x,y ...". */
export function pathVertices(d: string): [number, number][] {
  return [...d.matchAll(/[ML]([-\d.e]+),([-\d.e]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

/** Text contents of all <text> elements. */
export function texts(svg: string): string[] {
  return elements(svg)
    .filter((element) => element.tag === "text")
    .map((element) => element.text ?? "");
}
