import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ERROR_CATALOGUE, QplaneError } from "../../src/errors/catalogue.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

describe("the error catalogue", () => {
  it("lists exactly the codes the code raises (none missing, none dead)", () => {
    const text = [...sourceFiles(join(root, "src")), ...sourceFiles(join(root, "providers"))]
      .filter((path) => !path.endsWith("catalogue.ts"))
      .map((path) => readFileSync(path, "utf8"))
      .join("\n");
    const used = new Set(text.match(/QPLANE_ERR_[A-Z0-9_]+/g));
    expect([...used].sort()).toEqual(Object.keys(ERROR_CATALOGUE).sort());
  });

  it("gives every request error a 4xx status (only dependency and startup faults are 5xx)", () => {
    for (const [code, entry] of Object.entries(ERROR_CATALOGUE)) {
      const serverSide = [
        "QPLANE_ERR_UNAVAILABLE",
        "QPLANE_ERR_CONFIG",
        "QPLANE_ERR_INTERNAL",
      ].includes(code);
      expect(
        serverSide ? entry.httpStatus >= 500 : entry.httpStatus >= 400 && entry.httpStatus < 500,
        code,
      ).toBe(true);
      expect(entry.summary.length).toBeGreaterThan(5);
    }
    const error = new QplaneError("QPLANE_ERR_QASM_SYNTAX", "expected ';'", { line: 3, column: 7 });
    expect(error.message).toBe("line 3, column 7: expected ';'");
    expect(error).toMatchObject({
      httpStatus: 400,
      retryable: false,
      location: { line: 3, column: 7 },
    });
  });
});
