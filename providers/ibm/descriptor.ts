/**
 * IBM Quantum as a configured backend: its QPLANE_BACKENDS entry and how the registry builds
 * it — the IBM provider behind the transpiler (circuits are transpiled for the device's
 * target), its API key read from IBM_CLOUD_API_KEY only, built on first use so a missing key
 * fails the jobs that name the backend, not the server's start.
 */
import { z } from "zod";
import {
  backendNameSchema,
  type ProviderDescriptor,
  type ProviderEnv,
  pricingSchema,
} from "../descriptor.js";
import { DEFAULT_MAX_ROWS_PER_PUB } from "./plan.js";
import { IbmProvider } from "./provider.js";
import { samplerOptionsConflict, samplerOptionsSchema } from "./sampler-options.js";
import { DEFAULT_SESSION_MAX_TTL_SECONDS, EXECUTION_MODES } from "./session.js";
import { TranspilingIbmProvider } from "./transpiling-provider.js";

export const ibmBackendSchema = z
  .strictObject({
    name: backendNameSchema,
    provider: z.literal("ibm"),
    /** IBM device name, e.g. ibm_fez. */
    device: z.string().min(1),
    /** Service-CRN of the instance; its 6th field is the region. */
    instanceCrn: z.string().regex(/^crn:v1:[^:]*:[^:]*:quantum-computing:[^:]+:/, {
      message: "must be an IBM Quantum instance CRN (crn:v1:…:quantum-computing:<region>:…)",
    }),
    /** Test-only override of the Qiskit Runtime base URL. */
    baseUrl: z.url().optional(),
    /** Test-only override of the IAM endpoint. */
    iamUrl: z.url().optional(),
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
export type IbmBackendEntry = z.infer<typeof ibmBackendSchema>;

export const ibmProviderDescriptor = {
  kind: "ibm",
  optionsSchema: ibmBackendSchema,
  // test-only endpoints, and the instance that identifies the account
  hiddenSettings: ["baseUrl", "iamUrl", "instanceCrn"],
  offers: { transpile: true, runScopes: true },
  createOnFirstUse: true,
  availability: () => ({ exactProbabilities: false }),
  create: (entry: IbmBackendEntry, env: ProviderEnv) =>
    new TranspilingIbmProvider(
      new IbmProvider({
        device: entry.device,
        instanceCrn: entry.instanceCrn,
        apiKey: env.IBM_CLOUD_API_KEY ?? "",
        baseUrl: entry.baseUrl,
        iamUrl: entry.iamUrl,
        pollIntervalMs: entry.pollIntervalMs,
        pricing: entry.pricing,
        executionMode: entry.executionMode,
        sessionMaxTtlSeconds: entry.sessionMaxTtlSeconds,
        maxRowsPerPub: entry.maxRowsPerPub,
        fractionalGates: entry.fractionalGates,
        samplerOptions: entry.options,
      }),
    ),
} as const satisfies ProviderDescriptor<IbmBackendEntry, typeof ibmBackendSchema>;
