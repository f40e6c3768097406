/** A submission body as the editor's starting text when cloning: YAML under a comment. */
import { stringify } from "yaml";

export function specText(body: Record<string, unknown>, source: string): string {
  // long programs stay block scalars (one QASM line per line) rather than folded strings
  return `# Cloned from ${source}.\n${stringify(body, { lineWidth: 0 })}`;
}
