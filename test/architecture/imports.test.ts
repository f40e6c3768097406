/**
 * The layer rules of docs/architecture.md §Layers, checked on the measured import graph
 * (bench/import-graph.ts): (a) a folder imports only the folders its rule names, (b) folders do
 * not import each other in a cycle, (c) only composition roots import a concrete provider
 * (providers/local, ibm, braket). Today's code breaks them in known places, listed exactly in
 * KNOWN_VIOLATIONS and KNOWN_CYCLES: the lists may only shrink (a fixed violation that is
 * still listed fails too, so they stay exact), and any new violation fails.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  cyclesOfEdges,
  folderEdgeKey,
  folderOf,
  type ImportGraph,
  measureImportGraph,
} from "../../bench/import-graph.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

const CONCRETE_PROVIDERS = ["providers/local", "providers/ibm", "providers/braket"];

/**
 * What a provider may use: the interface, its self-description, the remote-job toolkit,
 * circuits, errors, seeded sampling, pacing and the simulator's work units, the thread pool.
 */
const PROVIDER_DEPENDENCIES = [
  "providers/types.ts",
  "providers/descriptor.ts",
  "providers/remote",
  "src/circuits",
  "src/errors",
  "src/random",
  "src/pacing",
  "src/compute",
];

/**
 * Each folder → the folders it may import, lowest layer first. Imports of a concrete provider
 * from outside providers/ are judged by COMPOSITION_ROOTS instead.
 */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  "src/errors": [],
  "src/random": ["src/errors"],
  "src/circuits": ["src/errors"],
  "src/infoplane": ["src/errors"],
  "src/files": ["src/errors"],
  "src/logging": ["src/errors"],
  // cooperative pacing of long computations, and the simulator's work units the cost model prices
  "src/pacing": ["src/errors"],
  "src/data": ["src/errors", "src/random"],
  // the worker-thread pool runs circuit transpiling; what a task computes is its caller's
  "src/compute": ["src/circuits", "src/errors"],
  "providers/types.ts": ["src/circuits", "src/errors", "src/random", "src/pacing"],
  // how a provider describes itself to the configuration (entry schema, constructor)
  "providers/descriptor.ts": ["providers/types.ts", "src/circuits", "src/errors"],
  // the remote-job lifecycle and polling shared by the remote providers
  "providers/remote": ["providers/types.ts", "src/circuits", "src/errors", "src/random"],
  "providers/local": PROVIDER_DEPENDENCIES,
  "providers/ibm": PROVIDER_DEPENDENCIES,
  "providers/braket": PROVIDER_DEPENDENCIES,
  "src/gradients": ["providers/types.ts", "src/circuits", "src/pacing", "src/random", "src/errors"],
  "src/training": [
    "providers/types.ts",
    "src/gradients",
    "src/pacing",
    "src/infoplane",
    "src/circuits",
    "src/data",
    "src/random",
    "src/errors",
  ],
  "src/plots": ["src/training", "src/errors"],
  "src/runs": ["src/plots", "src/training", "src/errors"],
  "src/backends": [
    "providers/types.ts",
    "providers/descriptor.ts",
    "src/training",
    "src/files",
    "src/errors",
  ],
  "src/experiments": [
    "src/files",
    "src/backends",
    "src/runs",
    "src/training",
    "src/data",
    "src/random",
    "src/errors",
  ],
  // the server configuration reads LOG_FORMAT with the log formats defined by src/logging
  "src/config.ts": ["src/backends", "src/training", "src/data", "src/logging", "src/errors"],
  "src/jobs": [
    "src/config.ts",
    "src/experiments",
    "src/files",
    "src/backends",
    "src/training",
    "src/logging",
    "src/errors",
    // admission sizes a job's compute by its backend's declared capabilities
    "providers/types.ts",
  ],
  // default backends come from the backend registry (a composition root)
  "src/api": [
    "src/jobs",
    "src/config.ts",
    "src/backends",
    "src/experiments",
    "src/runs",
    "src/plots",
    "src/training",
    "src/data",
    "src/compute",
    "src/logging",
    "src/errors",
    "providers/types.ts",
  ],
  // the command runs in-process (no jobs/Redis); an experiment file is the API's body schema
  "src/cli": [
    "src/api",
    "src/config.ts",
    "src/backends",
    "src/experiments",
    "src/runs",
    "src/plots",
    "src/training",
    "src/gradients",
    "src/infoplane",
    "src/circuits",
    "src/data",
    "src/random",
    "src/pacing",
    "src/files",
    "src/logging",
    "src/errors",
    "providers/types.ts",
  ],
  "src/main.ts": [
    "src/api",
    "src/jobs",
    "src/backends",
    "src/config.ts",
    "src/logging",
    "src/errors",
  ],
  // benchmarks measure any part of the code (never the dashboard)
  bench: [
    "src/cli",
    "src/api",
    "src/jobs",
    "src/config.ts",
    "src/backends",
    "src/experiments",
    "src/runs",
    "src/plots",
    "src/training",
    "src/gradients",
    "src/infoplane",
    "src/circuits",
    "src/data",
    "src/random",
    "src/pacing",
    "src/compute",
    "src/files",
    "src/logging",
    "src/errors",
    "providers/types.ts",
  ],
  // the dashboard bundles none of the server: it takes the API's response types
  web: ["src/api"],
};

/**
 * The files (or folders, ending in `/`) that choose concrete providers: the CLI and the
 * benchmarks run the simulator directly, and the backend registry maps configured backend
 * names to providers for the service, the worker and experiments. src/main.ts composes through
 * the registry and needs no provider of its own.
 */
const COMPOSITION_ROOTS = [
  "src/cli/",
  "src/backends/registry.ts",
  // the one list of provider descriptors the backends file's schema and the registry use
  "src/backends/descriptors.ts",
  // the registry's twin builder: a local simulator fed by an ibm or braket calibration
  "src/backends/twins.ts",
  "bench/",
];

/**
 * Imports that break the rules today, `importer -> imported`. Remove an entry when its import
 * is fixed (the test then demands it); never add one.
 */
const KNOWN_VIOLATIONS: string[] = [];

/** The folder cycles these violations close (members sorted). */
const KNOWN_CYCLES: string[][] = [];

function isCompositionRoot(file: string): boolean {
  return COMPOSITION_ROOTS.some((root) =>
    root.endsWith("/") ? file.startsWith(root) : file === root,
  );
}

/** Every import that breaks rule (a) or (c), as `importer -> imported`, sorted. */
function violationsOf(graph: ImportGraph): string[] {
  const violations: string[] = [];
  for (const { from, to } of graph.imports) {
    const [importer, imported] = [folderOf(from), folderOf(to)];
    if (importer === imported) continue;
    const concrete = CONCRETE_PROVIDERS.includes(imported) && !importer.startsWith("providers/");
    const allowed = concrete ? isCompositionRoot(from) : ALLOWED[importer]?.includes(imported);
    if (!allowed) violations.push(`${from} -> ${to}`);
  }
  return violations.sort();
}

describe("the import graph of src/, providers/, web/ and bench/", () => {
  const graph = measureImportGraph(ROOT);

  it("has a layer rule for every folder, naming only folders that exist", () => {
    const folders = [...new Set(graph.files.map(folderOf))].sort();
    expect(Object.keys(ALLOWED).sort()).toEqual(folders);
    const named = new Set(Object.values(ALLOWED).flat());
    expect([...named].filter((folder) => !folders.includes(folder))).toEqual([]);
  });

  it("has layer rules that form no cycle", () => {
    const allowedEdges = Object.entries(ALLOWED).flatMap(([from, targets]) =>
      targets.map((to) => folderEdgeKey(from, to)),
    );
    expect(cyclesOfEdges(allowedEdges)).toEqual([]);
  });

  it("breaks the layer and composition-root rules only where KNOWN_VIOLATIONS says", () => {
    expect(violationsOf(graph)).toEqual([...KNOWN_VIOLATIONS].sort());
  });

  it("has no folder cycles but the known ones", () => {
    expect(graph.cycles).toEqual(KNOWN_CYCLES);
  });
});

describe("measureImportGraph", () => {
  function write(root: string, path: string, text: string): void {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }

  it("follows static, type, re-export and dynamic imports and finds the cycles they close", () => {
    const root = mkdtempSync(join(tmpdir(), "qplane-imports-"));
    try {
      write(root, "src/a/one.ts", 'import { b } from "../b/two.js";\nimport "zod";\n');
      write(root, "src/b/two.ts", 'export * from "../c/three.js";\nexport const b = 1;\n');
      write(root, "src/c/three.ts", 'export const c = async () => import("../a/one.js");\n');
      write(root, "src/c/four.ts", 'import type { b } from "../b/two.js";\n// import "../x.js"\n');
      write(root, "providers/types.ts", 'import type { c } from "../src/c/three.js";\n');
      write(root, "web/types.d.ts", 'import type { b } from "../src/b/two.js";\n');
      const measured = measureImportGraph(root);
      expect(measured.files).toEqual([
        "providers/types.ts",
        "src/a/one.ts",
        "src/b/two.ts",
        "src/c/four.ts",
        "src/c/three.ts",
      ]);
      expect(Object.fromEntries(measured.folderEdges)).toEqual({
        "providers/types.ts -> src/c": 1,
        "src/a -> src/b": 1,
        "src/b -> src/c": 1,
        "src/c -> src/a": 1,
        "src/c -> src/b": 1,
      });
      expect(measured.cycles).toEqual([["src/a", "src/b", "src/c"]]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("refuses an import that leaves the repository or names no file", () => {
    const root = mkdtempSync(join(tmpdir(), "qplane-imports-"));
    try {
      write(root, "src/a/one.ts", 'import { x } from "../../../outside/x.js";\n');
      expect(() => measureImportGraph(root)).toThrow(
        'src/a/one.ts: import "../../../outside/x.js" names no file inside the repository',
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
