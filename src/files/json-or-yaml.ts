import { extname } from "node:path";
import { parse as parseYaml } from "yaml";

/** Which syntax a file is read with: JSON for `.json`, YAML (a superset) otherwise. */
export function syntaxOf(path: string): "JSON" | "YAML" {
  return extname(path).toLowerCase() === ".json" ? "JSON" : "YAML";
}

/**
 * Parses a configuration or spec file's text by its extension. On a syntax error throws an
 * Error whose message is the parser's first line, for the caller to wrap in its own code.
 */
export function parseJsonOrYaml(text: string, path: string): unknown {
  try {
    return syntaxOf(path) === "JSON" ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new Error((error as Error).message.split("\n")[0]);
  }
}
