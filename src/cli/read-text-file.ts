import { readFileSync } from "node:fs";
import { QplaneError } from "../errors/catalogue.js";
import { systemErrorReason } from "../errors/describe.js";

/** Reads a UTF-8 file named on the command line; `label` names it in the error (default: the path). */
export function readTextFile(path: string, label = path): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new QplaneError(
      "QPLANE_ERR_IO",
      `${label}: cannot read file (${systemErrorReason(error)})`,
    );
  }
}
