/** Running `qplane experiment` in a child process over experiment files in a fresh folder. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../../bin/qplane.js", import.meta.url));

/** `qplane …args` in a child process: exit code, stdout and stderr. */
export function qplane(...args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A folder for experiment files and run folders, and the commands over it. */
export function experimentCli(prefix: string) {
  const work = mkdtempSync(join(tmpdir(), prefix));
  return {
    work,
    qplane,
    /** `qplane experiment --spec FILE --runs-dir <work> …flags`. */
    runExperiment: (specFile: string, ...flags: string[]) =>
      qplane("experiment", "--spec", specFile, "--runs-dir", work, ...flags),
    /** Writes an experiment file (JSON of `body`, or the text itself) into the folder. */
    experimentFile: (name: string, body: unknown): string => {
      const path = join(work, name);
      writeFileSync(path, typeof body === "string" ? body : JSON.stringify(body));
      return path;
    },
  };
}
