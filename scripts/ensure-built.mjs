/**
 * Builds dist/ as `npm run build` does (tsc, then the dashboard bundle) when it is missing or
 * older than its sources, so that whatever runs from dist/ — the `qplane` command, the worker
 * and server processes the tests fork, the benchmarks — is the current code, while a current
 * build costs only a walk over the sources' modification times.
 *
 * vitest's global setup (vitest.config.ts), so `npx vitest` tests the current code; and
 * `node scripts/ensure-built.mjs` before `npm run demo`, so `npm ci && npm run demo` builds once.
 * Several runs at once in one checkout take turns through a lock directory.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
/** What the build reads: the compiled folders, the dashboard, and the compiler settings. */
const SOURCE_DIRS = ["src", "providers", "bench", "web"];
const SOURCE_FILES = ["tsconfig.json", "tsconfig.build.json"];
const SOURCE_FILE = /\.(ts|mts|mjs|css|html|json)$/;
/** One output of each build step: tsc's, and the dashboard bundle's. */
const OUTPUTS = ["dist/src/main.js", "dist/web/index.html"];
const LOCK_DIR = join(ROOT, "dist", ".build-lock");
/** A lock older than this was left by a build that died. */
const STALE_LOCK_MS = 180_000;
const LOCK_POLL_MS = 200;

function newestSourceMs(path) {
  const stats = statSync(path);
  if (!stats.isDirectory()) return SOURCE_FILE.test(path) ? stats.mtimeMs : 0;
  let newest = 0;
  for (const entry of readdirSync(path))
    newest = Math.max(newest, newestSourceMs(join(path, entry)));
  return newest;
}

/** Why dist/ must be built, or undefined when it is current. */
export function staleReason() {
  const missing = OUTPUTS.find((output) => !existsSync(join(ROOT, output)));
  if (missing !== undefined) return `${missing} is missing`;
  const builtMs = Math.min(...OUTPUTS.map((output) => statSync(join(ROOT, output)).mtimeMs));
  const sources = [...SOURCE_DIRS, ...SOURCE_FILES].map((source) => join(ROOT, source));
  const sourceMs = Math.max(...sources.filter(existsSync).map(newestSourceMs));
  return sourceMs > builtMs ? "sources changed since the last build" : undefined;
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function withBuildLock(work) {
  mkdirSync(dirname(LOCK_DIR), { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      break;
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
      const heldMs = Date.now() - statSync(LOCK_DIR, { throwIfNoEntry: false })?.mtimeMs;
      if (heldMs > STALE_LOCK_MS) rmSync(LOCK_DIR, { recursive: true, force: true });
      else await sleep(LOCK_POLL_MS);
    }
  }
  try {
    return await work();
  } finally {
    rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}

/**
 * Builds dist/ if it is stale. `typeErrors: "warn"` (tests) reports tsc's errors and goes on
 * with what tsc emitted anyway — `npm run typecheck` is the gate for types, and one file's
 * errors should not stop the tests of the others —; `"fail"` throws them, as `npm run build`.
 * @param {{ typeErrors: "warn" | "fail" }} options
 * @returns {Promise<boolean>} whether it built
 */
export async function ensureBuilt({ typeErrors }) {
  if (staleReason() === undefined) return false;
  return withBuildLock(async () => {
    const reason = staleReason();
    if (reason === undefined) return false; // another process built it while we waited
    process.stderr.write(`building dist/ (${reason})\n`);
    const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
    const compiled = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    if (compiled.status !== 0) {
      const message = `tsc -p tsconfig.build.json failed:\n${compiled.stdout}${compiled.stderr}`;
      if (typeErrors === "fail" || !existsSync(join(ROOT, OUTPUTS[0]))) throw new Error(message);
      process.stderr.write(`warning: ${message}(tests run what tsc emitted)\n`);
    }
    const { buildDashboard } = await import("../web/build.mjs");
    await buildDashboard();
    return true;
  });
}

/** vitest global setup. */
export default async function setup() {
  await ensureBuilt({ typeErrors: "warn" });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    await ensureBuilt({ typeErrors: "fail" });
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
