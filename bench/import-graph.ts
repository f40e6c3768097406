/**
 * The import graph of the project's own code between folders: every relative import (static,
 * `export … from`, dynamic `import()`, type-only included: a type is a dependency on its
 * definition) of src/, providers/, web/ and bench/, resolved to a file of the repository.
 * A node is a folder of src/ or providers/ (sub-folders belong to theirs: src/circuits/qasm3 is
 * src/circuits), a file directly under them (src/main.ts, src/config.ts, providers/types.ts),
 * or web/ and bench/ whole. test/architecture/imports.test.ts checks the layer rules on it;
 *
 *   npm run import-graph          (prints the markdown of docs/architecture.md §Import graph)
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";
import { present, required } from "../src/errors/checked.js";

/** The folders whose code is measured (tests are not part of the architecture). */
export const MEASURED_DIRS = ["src", "providers", "web", "bench"] as const;

const SOURCE_FILE = /\.(ts|mts|mjs)$/;
const DECLARATION_FILE = /\.d\.m?ts$/;

/** One file importing another; repository-relative paths with `/`. */
export interface FileImport {
  readonly from: string;
  readonly to: string;
}

export interface ImportGraph {
  /** Every measured file, sorted. */
  readonly files: readonly string[];
  /** Distinct (importer, imported) file pairs, across folders or not. */
  readonly imports: readonly FileImport[];
  /** `"<folder> -> <folder>"` → the file imports between two different folders. */
  readonly folderEdges: ReadonlyMap<string, number>;
  /** Groups of more than one folder that reach each other (strongly connected), sorted. */
  readonly cycles: readonly (readonly string[])[];
}

/** The graph node of a repository-relative file path. */
export function folderOf(path: string): string {
  const parts = path.split("/");
  if (parts[0] === "src" || parts[0] === "providers") {
    return parts.length === 2 ? path : `${parts[0]}/${parts[1]}`;
  }
  return parts[0]!;
}

export function folderEdgeKey(from: string, to: string): string {
  return `${from} -> ${to}`;
}

function listSources(root: string, dir: string, into: string[]): void {
  const absolute = join(root, dir);
  if (!existsSync(absolute)) return;
  for (const entry of readdirSync(absolute, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) listSources(root, path, into);
    else if (SOURCE_FILE.test(entry.name) && !DECLARATION_FILE.test(entry.name)) into.push(path);
  }
}

/** The repository file a relative specifier names (`.js` written for a `.ts` source). */
function resolveSpecifier(root: string, from: string, specifier: string): string {
  const target = resolve(root, dirname(from), specifier);
  const candidates = [target.replace(/\.js$/, ".ts"), target.replace(/\.mjs$/, ".mts"), target];
  const found = candidates.find((candidate) => existsSync(candidate));
  const path = found === undefined ? undefined : relative(root, found).split(sep).join("/");
  if (path === undefined || path.startsWith("..")) {
    throw new Error(`${from}: import "${specifier}" names no file inside the repository`);
  }
  return path;
}

/** Strongly connected components of more than one node (Tarjan), members sorted. */
function cyclesOf(nodes: readonly string[], edges: ReadonlyMap<string, readonly string[]>) {
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    const nodeIndex = index.size;
    index.set(node, nodeIndex);
    lowLink.set(node, nodeIndex);
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        lowLink.set(
          node,
          Math.min(required(lowLink, node, "low link"), required(lowLink, next, "low link")),
        );
      } else if (onStack.has(next)) {
        lowLink.set(
          node,
          Math.min(required(lowLink, node, "low link"), required(index, next, "visit index")),
        );
      }
    }
    if (lowLink.get(node) !== nodeIndex) return;
    const component: string[] = [];
    let member: string;
    do {
      member = present(stack.pop(), "the component's stack");
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1) cycles.push(component.sort());
  };
  for (const node of nodes) if (!index.has(node)) visit(node);
  return cycles.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/** Cycles of a folder graph given as `"a -> b"` keys. */
export function cyclesOfEdges(edgeKeys: Iterable<string>): string[][] {
  const edges = new Map<string, string[]>();
  const nodes = new Set<string>();
  for (const key of edgeKeys) {
    const [from, to] = key.split(" -> ") as [string, string];
    nodes.add(from).add(to);
    edges.set(from, [...(edges.get(from) ?? []), to]);
  }
  return cyclesOf([...nodes].sort(), edges);
}

/** Measures the import graph of the repository at `root`. */
export function measureImportGraph(root: string): ImportGraph {
  const files: string[] = [];
  for (const dir of MEASURED_DIRS) listSources(root, dir, files);
  files.sort();
  const imports: FileImport[] = [];
  for (const from of files) {
    const text = readFileSync(join(root, from), "utf8");
    const specifiers = ts
      .preProcessFile(text, true, true)
      .importedFiles.map((imported) => imported.fileName)
      .filter((specifier) => specifier.startsWith("."));
    const targets = new Set(specifiers.map((specifier) => resolveSpecifier(root, from, specifier)));
    for (const to of [...targets].sort()) imports.push({ from, to });
  }
  const folderEdges = new Map<string, number>();
  for (const { from, to } of imports) {
    const [fromFolder, toFolder] = [folderOf(from), folderOf(to)];
    if (fromFolder === toFolder) continue;
    const key = folderEdgeKey(fromFolder, toFolder);
    folderEdges.set(key, (folderEdges.get(key) ?? 0) + 1);
  }
  return { files, imports, folderEdges, cycles: cyclesOfEdges(folderEdges.keys()) };
}

/** The graph as markdown: one row per folder with its files and what it imports. */
export function importGraphMarkdown(graph: ImportGraph): string {
  const fileCounts = new Map<string, number>();
  for (const file of graph.files) {
    fileCounts.set(folderOf(file), (fileCounts.get(folderOf(file)) ?? 0) + 1);
  }
  const folders = [...fileCounts.keys()].sort();
  const edgeCount = [...graph.folderEdges.values()].reduce((sum, count) => sum + count, 0);
  const rows = folders.map((folder) => {
    const targets = [...graph.folderEdges]
      .filter(([key]) => key.startsWith(`${folder} -> `))
      .map(([key, count]) => `${key.slice(folder.length + 4)} ${count}`)
      .sort();
    return `| ${folder} | ${fileCounts.get(folder)} | ${targets.join(", ") || "—"} |`;
  });
  const cycles = graph.cycles.map((cycle) => {
    const inside = [...graph.folderEdges]
      .filter(([key]) => {
        const [from, to] = key.split(" -> ");
        return cycle.includes(from!) && cycle.includes(to!);
      })
      .map(([key, count]) => `${key} (${count})`)
      .sort();
    return `- ${cycle.join(", ")}; its edges: ${inside.join(", ")}`;
  });
  return [
    `${folders.length} folders, ${graph.files.length} files, ${graph.folderEdges.size} folder ` +
      `edges (${edgeCount} file imports across folders), ${graph.cycles.length} cycles.`,
    "",
    "| folder | files | imports (folder: file imports) |",
    "|---|---|---|",
    ...rows,
    "",
    graph.cycles.length === 0 ? "Cycles: none." : "Cycles (folders that reach each other):",
    ...cycles,
  ].join("\n");
}

/** The nearest folder at or above `start` holding package.json (works from bench/ or dist/). */
export function repositoryRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json at or above ${start}`);
    dir = parent;
  }
  return dir;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = repositoryRoot(dirname(fileURLToPath(import.meta.url)));
  console.log(importGraphMarkdown(measureImportGraph(root)));
}
