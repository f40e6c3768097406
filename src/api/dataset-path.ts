/**
 * Server-side path rules for `dataset.name: "csv"` over HTTP: a client names a file inside the
 * configured dataset directory, never an arbitrary server path. Without a directory CSV specs
 * are refused.
 */
import { realpath, stat } from "node:fs/promises";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { QplaneError } from "../errors/catalogue.js";
import type { JobSpec } from "../training/spec.js";

const refuse = (message: string): never => {
  throw new QplaneError("QPLANE_ERR_SPEC_INVALID", message);
};

const inside = (dir: string, path: string) => {
  const rel = relative(dir, path);
  return rel !== "" && !rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel);
};

/** The spec with `dataset.path` resolved to a real file inside `datasetDir` (others unchanged). */
export async function confineDatasetPath(
  spec: JobSpec,
  datasetDir: string | undefined,
): Promise<JobSpec> {
  if (spec.dataset.name !== "csv") return spec;
  if (datasetDir === undefined) {
    return refuse(
      'spec.dataset.name: "csv" is not available over HTTP on this server (no dataset directory is configured)',
    );
  }
  const path = spec.dataset.path ?? "";
  if (isAbsolute(path) || path.split(/[\\/]/).includes("..") || path.includes("\0")) {
    return refuse("spec.dataset.path: must be a relative path inside the dataset directory");
  }
  const dir = await realpath(datasetDir);
  let real: string;
  try {
    real = await realpath(resolve(dir, path));
  } catch {
    return refuse("spec.dataset.path: no such file in the dataset directory");
  }
  if (!inside(dir, real) || !(await stat(real)).isFile()) {
    return refuse("spec.dataset.path: must name a file inside the dataset directory");
  }
  return { ...spec, dataset: { ...spec.dataset, path: real } };
}
