/**
 * The local simulator as a configured backend: its QPLANE_BACKENDS entry (the one place its
 * options are defined) and how the registry builds it.
 */
import { z } from "zod";
import { backendNameSchema, type ProviderDescriptor } from "../descriptor.js";
import { noiseSourceSchema } from "./noise-source.js";
import { LocalProvider } from "./provider.js";

export const localBackendSchema = z.strictObject({
  name: backendNameSchema,
  provider: z.literal("local"),
  maxQubits: z.number().int().min(1).max(30).optional(),
  /** Per-qubit readout flips applied to probabilities and counts. */
  readoutError: z
    .strictObject({ p1Given0: z.number().min(0).max(1), p0Given1: z.number().min(0).max(1) })
    .optional(),
  /** A twin: the noise of a calibration snapshot or of another backend's live calibration. */
  noise: noiseSourceSchema.optional(),
});
export type LocalBackendEntry = z.infer<typeof localBackendSchema>;

export const localProviderDescriptor = {
  kind: "local",
  optionsSchema: localBackendSchema,
  hiddenSettings: [],
  offers: { transpile: false, runScopes: false },
  createOnFirstUse: false,
  // a twin too: it declares no derivatives, so the adjoint gradient is refused on it
  availability: () => ({ exactProbabilities: true }),
  create: (entry: LocalBackendEntry) =>
    new LocalProvider({
      device: entry.readoutError ? "statevector+readout-noise" : "statevector",
      maxQubits: entry.maxQubits,
      readoutError: entry.readoutError,
    }),
} as const satisfies ProviderDescriptor<LocalBackendEntry, typeof localBackendSchema>;
