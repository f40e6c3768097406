/**
 * Named backends from configuration: `QPLANE_BACKENDS` names a YAML or JSON file listing
 * backends (`{backends: [...]}` or a bare list); `local` (exact statevector simulator) and
 * `local-noisy` (the same with readout errors) always exist. A job only ever names a
 * backend; endpoints (`baseUrl`, `endpoint`) exist here, server-side, for testing, and
 * credentials come from the environment only (IBM_CLOUD_API_KEY, the standard AWS_*).
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { z } from "zod";
import type { BackendAvailability } from "../../providers/descriptor.js";
import { QplaneError } from "../errors/catalogue.js";
import { systemErrorReason } from "../errors/describe.js";
import { parseJsonOrYaml } from "../files/json-or-yaml.js";
import { describeSpecIssues } from "../training/spec.js";
import {
  type BackendConfig,
  backendConfigSchema,
  descriptorFor,
  noiseSourceProblem,
} from "./descriptors.js";

export { type BackendConfig, backendConfigSchema } from "./descriptors.js";

/**
 * Whether a configured backend gives exact probabilities (the local simulator; Braket's
 * simulators when configured so). What else it offers (derivatives, statevectors,
 * transpiling) its provider declares.
 */
export function backendAvailability(config: BackendConfig): BackendAvailability {
  return descriptorFor(config).availability(config);
}

/** The backends that exist without any configuration. */
export const BUILTIN_BACKENDS: readonly BackendConfig[] = Object.freeze([
  { name: "local", provider: "local" },
  // a typical superconducting readout: 1 → 0 flips more often than 0 → 1
  { name: "local-noisy", provider: "local", readoutError: { p1Given0: 0.015, p0Given1: 0.03 } },
]);

/** Every configured backend, built-ins first; throws QPLANE_ERR_CONFIG with the file and field. */
export function loadBackends(path: string | undefined): readonly BackendConfig[] {
  if (path === undefined || path === "") return BUILTIN_BACKENDS;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new QplaneError(
      "QPLANE_ERR_CONFIG",
      `QPLANE_BACKENDS: cannot read ${path} (${systemErrorReason(error)})`,
    );
  }
  let document: unknown;
  try {
    document = parseJsonOrYaml(text, path);
  } catch (error) {
    throw new QplaneError(
      "QPLANE_ERR_CONFIG",
      `QPLANE_BACKENDS: ${path} is not valid JSON/YAML: ${(error as Error).message}`,
    );
  }
  // the two accepted shapes are told apart first, so an error names the backend's field
  // (a union of both would only say "Invalid input")
  const isWrapped = typeof document === "object" && document !== null && !Array.isArray(document);
  const fail = (message: string): never => {
    throw new QplaneError("QPLANE_ERR_CONFIG", `QPLANE_BACKENDS: ${path}: ${message}`);
  };
  if (isWrapped) {
    const extra = Object.keys(document as object).filter((key) => key !== "backends");
    if (extra.length > 0) fail(`${extra[0]}: unknown field (expected only "backends")`);
  } else if (!Array.isArray(document)) {
    fail("expected {backends: [...]} or a list of backends");
  }
  const list = isWrapped ? (document as { backends?: unknown }).backends : document;
  const parsed = z.array(backendConfigSchema).safeParse(list);
  if (!parsed.success) {
    // the first problem only: one clear line
    fail(describeSpecIssues(new z.ZodError([parsed.error.issues[0]!]), list, "backends"));
  }
  // a twin's snapshot file is named relative to the backends file
  const listed = parsed.data!.map((entry) =>
    entry.provider === "local" && entry.noise?.snapshot !== undefined
      ? { ...entry, noise: { snapshot: resolve(dirname(path), entry.noise.snapshot) } }
      : entry,
  );
  const all = [...BUILTIN_BACKENDS, ...listed];
  const seen = new Set<string>();
  for (const backend of all) {
    if (seen.has(backend.name)) {
      throw new QplaneError(
        "QPLANE_ERR_CONFIG",
        `QPLANE_BACKENDS: ${path}: backend "${backend.name}" is defined twice (local and local-noisy are built in)`,
      );
    }
    seen.add(backend.name);
  }
  const twinProblem = noiseSourceProblem(all);
  if (twinProblem !== undefined) fail(twinProblem);
  return Object.freeze(all);
}
