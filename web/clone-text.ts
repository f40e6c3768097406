/** A submission body as the editor's starting text when cloning: YAML under a comment. */
import { stringify } from "yaml";

/** `note`: what the clone is of, one comment line per line. */
export function specText(body: Record<string, unknown>, note: string): string {
  const comment = note
    .split("\n")
    .map((line) => `# ${line}\n`)
    .join("");
  // lineWidth 0: long values stay on their line, never folded
  return `${comment}${stringify(body, { lineWidth: 0 })}`;
}
