/**
 * Named backends from configuration: `QPLANE_BACKENDS` names a YAML or JSON file listing
 * backends (`{backends: [...]}` or a bare list); `local` (exact statevector simulator) and
 * `local-noisy` (the same with readout errors) always exist. A job only ever names a
 * backend; endpoints (`baseUrl`, `endpoint`) exist here, server-side, for testing, and
 * credentials come from the environment only (IBM_CLOUD_API_KEY, the standard AWS_*).
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { DEFAULT_MAX_ROWS_PER_PUB } from "../../providers/ibm/provider.js";
import {
  samplerOptionsConflict,
  samplerOptionsSchema,
} from "../../providers/ibm/sampler-options.js";
import { DEFAULT_SESSION_MAX_TTL_SECONDS, EXECUTION_MODES } from "../../providers/ibm/session.js";
import { QplaneError } from "../errors/catalogue.js";
import { systemErrorReason } from "../errors/describe.js";
import { parseJsonOrYaml } from "../files/json-or-yaml.js";
import type { ResolvedBackend } from "../training/run.js";
import { describeSpecIssues } from "../training/spec.js";

const name = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: "must be lowercase letters, digits and dashes" });
const url = z.url();

/**
 * Price table of a hardware backend, for estimates, dry runs and budgets: a fixed price per
 * submission (a Braket task, an IBM Sampler job) plus a price per shot. Absent: 0 and 0.
 * IBM bills QPU seconds; express that as an approximate per-job and per-shot price.
 */
export const pricingSchema = z.strictObject({
  perTaskUsd: z.number().min(0).max(1_000_000),
  perShotUsd: z.number().min(0).max(1_000_000),
});
export type Pricing = z.infer<typeof pricingSchema>;

export const localBackendSchema = z.strictObject({
  name,
  provider: z.literal("local"),
  maxQubits: z.number().int().min(1).max(30).optional(),
  /** Per-qubit readout flips applied to probabilities and counts. */
  readoutError: z
    .strictObject({ p1Given0: z.number().min(0).max(1), p0Given1: z.number().min(0).max(1) })
    .optional(),
});

export const ibmBackendSchema = z
  .strictObject({
    name,
    provider: z.literal("ibm"),
    /** IBM device name, e.g. ibm_fez. */
    device: z.string().min(1),
    /** Service-CRN of the instance; its 6th field is the region. */
    instanceCrn: z.string().regex(/^crn:v1:[^:]*:[^:]*:quantum-computing:[^:]+:/, {
      message: "must be an IBM Quantum instance CRN (crn:v1:…:quantum-computing:<region>:…)",
    }),
    /** Test-only override of the Qiskit Runtime base URL. */
    baseUrl: url.optional(),
    /** Test-only override of the IAM endpoint. */
    iamUrl: url.optional(),
    /** First job-status poll interval (grows ×1.5 per poll). @defaultValue the provider's */
    pollIntervalMs: z.number().int().min(1).max(600_000).optional(),
    /** Price table for estimates and budgets. @defaultValue free */
    pricing: pricingSchema.optional(),
    /**
     * "job": every provider call is its own Sampler job; "batch" / "session": all jobs of one
     * training run go into one batch / dedicated session, closed when the run ends.
     * @defaultValue "job"
     */
    executionMode: z.enum(EXECUTION_MODES).optional(),
    /** Session lifetime (`max_ttl`) in batch/session mode. @defaultValue 28 800 */
    sessionMaxTtlSeconds: z.number().int().min(1).max(DEFAULT_SESSION_MAX_TTL_SECONDS).optional(),
    /** Parameter rows per PUB; larger matrices become several PUBs of one job. @defaultValue 10⁷ */
    maxRowsPerPub: z.number().int().min(1).max(DEFAULT_MAX_ROWS_PER_PUB).optional(),
    /** Let the transpiler use the device's fractional rx/rzz gates. @defaultValue false */
    fractionalGates: z.boolean().optional(),
    /** Sampler V2 options (IBM's names): dynamical_decoupling, twirling. */
    options: samplerOptionsSchema.optional(),
  })
  .superRefine((backend, context) => {
    const conflict = samplerOptionsConflict(backend.options, backend.fractionalGates === true);
    if (conflict !== undefined) {
      context.addIssue({
        code: "custom",
        path: ["options", "twirling", "enable_gates"],
        message: conflict,
      });
    }
  });

export const braketBackendSchema = z.strictObject({
  name,
  provider: z.literal("braket"),
  deviceArn: z
    .string()
    .regex(/^arn:aws:braket:/, { message: "must be an Amazon Braket device ARN" }),
  s3Bucket: z.string().min(3).max(63),
  s3Prefix: z.string().min(1).max(1024),
  region: z.string().min(1),
  /** Test-only override of the Braket and S3 endpoint. */
  endpoint: url.optional(),
  /** Task-status poll interval when the device does not advertise one. @defaultValue the provider's */
  pollIntervalMs: z.number().int().min(1).max(600_000).optional(),
  /** Price table for estimates and budgets. @defaultValue free */
  pricing: pricingSchema.optional(),
  /**
   * The device is an on-demand simulator (SV1, DM1) that accepts shots = 0, so jobs may ask
   * for exact probabilities (`backend.shots: 0`); the provider still checks the device's
   * capabilities before submitting. @defaultValue false
   */
  exactProbabilities: z.boolean().optional(),
});

export const backendConfigSchema = z.discriminatedUnion("provider", [
  localBackendSchema,
  ibmBackendSchema,
  braketBackendSchema,
]);
export type BackendConfig = z.infer<typeof backendConfigSchema>;

/**
 * Whether a configured backend gives exact probabilities (the local simulator; Braket's
 * simulators when configured so). What else it offers (derivatives, statevectors,
 * transpiling) its provider declares.
 */
export function backendAvailability(
  config: BackendConfig,
): Pick<ResolvedBackend, "exactProbabilities"> {
  switch (config.provider) {
    case "local":
      return { exactProbabilities: true };
    case "ibm":
      return { exactProbabilities: false };
    case "braket":
      return { exactProbabilities: config.exactProbabilities ?? false };
  }
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
  const listed = parsed.data!;
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
  return Object.freeze(all);
}
