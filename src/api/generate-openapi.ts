/**
 * `npm run openapi`: writes openapi/openapi.json from the routes' zod schemas, keys sorted and
 * laid out by the project's formatter (biome), so `npm run lint` accepts it as written. Commit
 * the result; test/api/openapi.test.ts fails when the committed document and the routes differ.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { openApiText } from "./openapi-document.js";

/** The package root: the nearest directory above this file holding package.json. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("package.json not found above generate-openapi");
    dir = parent;
  }
  return dir;
}

/** The text as biome would format it (unchanged, with a warning, when biome is missing). */
function formatted(root: string, relativePath: string, text: string): string {
  const biome = join(root, "node_modules", ".bin", "biome");
  const result = existsSync(biome)
    ? spawnSync(biome, ["format", `--stdin-file-path=${relativePath}`], {
        cwd: root,
        input: text,
        encoding: "utf8",
      })
    : null;
  if (result === null || result.status !== 0) {
    console.warn("biome unavailable: writing unformatted JSON (run `npm run format`)");
    return text;
  }
  return result.stdout;
}

const root = packageRoot();
const relativePath = join("openapi", "openapi.json");
const target = join(root, relativePath);
await mkdir(dirname(target), { recursive: true });
await writeFile(target, formatted(root, relativePath, await openApiText()));
console.log(`wrote ${target}`);
