/**
 * Bundles the dashboard (web/) into dist/web/: `assets/app-<hash>.js` and `.css` (uPlot and
 * its stylesheet bundled in, nothing fetched from a CDN at runtime) and `index.html` naming
 * them. Content-hashed names let the server cache assets forever and index.html not at all.
 *
 * Run by `npm run build` after tsc; `buildDashboard()` is also what the browser test and the
 * dashboard bench call when the bundle is missing.
 */
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const WEB_DIR = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_OUT_DIR = join(WEB_DIR, "..", "dist", "web");

/**
 * @param {{ outDir?: string, minify?: boolean }} [options]
 * @returns {Promise<{ outDir: string, script: string, stylesheet: string }>} asset paths under /assets/
 */
export async function buildDashboard(options = {}) {
  const outDir = options.outDir ?? DEFAULT_OUT_DIR;
  const assetsDir = join(outDir, "assets");
  await rm(outDir, { recursive: true, force: true });
  await mkdir(assetsDir, { recursive: true });
  const result = await build({
    entryPoints: { app: join(WEB_DIR, "main.ts") },
    bundle: true,
    format: "esm",
    target: "es2022",
    platform: "browser",
    minify: options.minify ?? true,
    sourcemap: "linked",
    outdir: assetsDir,
    entryNames: "[name]-[hash]",
    metafile: true,
    logLevel: "warning",
  });
  const outputs = Object.entries(result.metafile.outputs);
  const entry = outputs.find(([, output]) => output.entryPoint !== undefined);
  if (entry === undefined || entry[1].cssBundle === undefined) {
    throw new Error("dashboard build: esbuild produced no script with a stylesheet");
  }
  const script = `/assets/${basename(entry[0])}`;
  const stylesheet = `/assets/${basename(entry[1].cssBundle)}`;
  const template = await readFile(join(WEB_DIR, "index.html"), "utf8");
  if (!template.includes("%APP_JS%") || !template.includes("%APP_CSS%")) {
    throw new Error("web/index.html: missing the %APP_JS% or %APP_CSS% placeholder");
  }
  const html = template.replace("%APP_JS%", script).replace("%APP_CSS%", stylesheet);
  await writeFile(join(outDir, "index.html"), html);
  return { outDir, script, stylesheet };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { outDir, script } = await buildDashboard();
  console.log(`dashboard built: ${relative(process.cwd(), outDir)} (${script})`);
}
