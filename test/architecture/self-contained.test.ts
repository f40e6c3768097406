/**
 * The repository stands alone: a clone has no sibling folders, so no file may point outside
 * it — no path into a parent folder's notes, no link to design or style documents that are
 * not in the repository — and every relative link of the markdown documents names a file of
 * the repository.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** What the project writes, at the root and in these folders (generated output excluded). */
const CHECKED = [
  ".ci",
  "bench",
  "bin",
  "docker",
  "docs",
  "examples",
  "openapi",
  "providers",
  "scripts",
  "src",
  "test",
  "web",
  "README.md",
  "package.json",
  "docker-compose.yml",
  "vitest.config.ts",
];
const SKIPPED_DIRS = new Set([".native", "node_modules"]);

/** References to notes that live beside the repository, not in it. */
const OUTSIDE_REFERENCE = /\.\.\/shared\b|\bshared\/(DESIGN|STYLE)|\bDESIGN\.md\b|\bSTYLE\.md\b/;

function filesUnder(path: string, into: string[] = []): string[] {
  const absolute = join(ROOT, path);
  if (!existsSync(absolute)) return into;
  if (!statSync(absolute).isDirectory()) {
    into.push(path);
    return into;
  }
  for (const entry of readdirSync(absolute)) {
    if (!SKIPPED_DIRS.has(entry)) filesUnder(`${path}/${entry}`, into);
  }
  return into;
}

describe("the repository refers to nothing outside itself", () => {
  const files = CHECKED.flatMap((path) => filesUnder(path));

  it("checks the project's own files", () => {
    expect(files).toContain("README.md");
    expect(files).toContain("docs/science.md");
    expect(files).toContain("src/training/feedback.ts");
  });

  it("names no notes beside the repository", () => {
    const offending = files.flatMap((file) =>
      readFileSync(join(ROOT, file), "utf8")
        .split("\n")
        .flatMap((line, i) => (OUTSIDE_REFERENCE.test(line) ? [`${file}:${i + 1}: ${line}`] : [])),
    );
    expect(offending).toEqual([]);
  });

  it("links only to files of the repository from its markdown", () => {
    const broken: string[] = [];
    for (const file of files.filter((path) => path.endsWith(".md"))) {
      const text = readFileSync(join(ROOT, file), "utf8");
      for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/i.test(target!)) continue; // a URL
        const path = resolve(ROOT, dirname(file), target!);
        const inside = !relative(ROOT, path).startsWith(`..${sep}`);
        if (!inside || !existsSync(path)) broken.push(`${file}: ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
