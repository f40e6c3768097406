/**
 * `npm run openapi` (after writing openapi/openapi.json): generates examples/client/schema.d.ts
 * from the committed document with openapi-typescript, default options (what a user of the
 * API would run), laid out by biome. `--check` only compares (exit 1 when the committed file
 * is stale), as test/api/example-client.test.ts does.
 */
import { spawnSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";

const root = fileURLToPath(new URL("../..", import.meta.url));
const documentPath = new URL("../../openapi/openapi.json", import.meta.url);
const targetPath = "examples/client/schema.d.ts";

const HEADER = `/**
 * The qplane API's types, generated from openapi/openapi.json by openapi-typescript
 * (\`npm run openapi\`). Do not edit: regenerate.
 */
`;

/** The generated module as biome lays it out (the same text the committed file holds). */
export async function generatedClientTypes() {
  const document = JSON.parse(await readFile(documentPath, "utf8"));
  const text = HEADER + astToString(await openapiTS(document));
  const biome = spawnSync(
    `${root}node_modules/.bin/biome`,
    ["format", `--stdin-file-path=${targetPath}`],
    { cwd: root, input: text, encoding: "utf8" },
  );
  if (biome.status !== 0) throw new Error(`biome format failed: ${biome.stderr}`);
  return biome.stdout;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = await generatedClientTypes();
  if (process.argv.includes("--check")) {
    // the test's question: does the committed file match the committed document?
    const committed = await readFile(`${root}${targetPath}`, "utf8").catch(() => "");
    if (committed !== text) {
      console.error(`${targetPath} is stale: run \`npm run openapi\` and commit the result`);
      process.exit(1);
    }
  } else {
    await writeFile(`${root}${targetPath}`, text);
    console.log(`wrote ${targetPath}`);
  }
}
