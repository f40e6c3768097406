#!/usr/bin/env node
// Entry point of the `qplane` command; the TypeScript sources are compiled to dist/ by
// `npm run build` (run automatically by `npm ci` / `npm install` through "prepare").
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const main = new URL("../dist/src/cli/main.js", import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write("qplane: not built yet; run `npm run build` in the qplane folder first\n");
  process.exit(1);
}
const { runCli } = await import(main.href);
process.exitCode = await runCli(process.argv);
