/**
 * The providers a backends file may name: the one list of provider descriptors (each
 * provider folder describes itself, see providers/descriptor.ts). The schema of a
 * QPLANE_BACKENDS entry is the union of theirs, and a configured entry finds its provider's
 * descriptor by its `provider` field. A composition root: the one file of the configuration
 * that names concrete providers.
 */
import { z } from "zod";
import { braketProviderDescriptor } from "../../providers/braket/descriptor.js";
import type { ProviderDescriptor } from "../../providers/descriptor.js";
import { ibmProviderDescriptor } from "../../providers/ibm/descriptor.js";
import { localProviderDescriptor } from "../../providers/local/descriptor.js";

/** The twins' noise sources refer to other entries: checked across the whole file. */
export { noiseSourceProblem } from "../../providers/local/noise-source.js";

export const PROVIDER_DESCRIPTORS = [
  localProviderDescriptor,
  ibmProviderDescriptor,
  braketProviderDescriptor,
] as const;

type Schemas<T extends readonly { optionsSchema: unknown }[]> = {
  -readonly [K in keyof T]: T[K]["optionsSchema"];
};

/** One backend entry: the union of the descriptors' entry schemas, told apart by `provider`. */
export const backendConfigSchema = z.discriminatedUnion(
  "provider",
  PROVIDER_DESCRIPTORS.map((descriptor) => descriptor.optionsSchema) as Schemas<
    typeof PROVIDER_DESCRIPTORS
  >,
);
export type BackendConfig = z.infer<typeof backendConfigSchema>;

const BY_KIND = new Map(PROVIDER_DESCRIPTORS.map((descriptor) => [descriptor.kind, descriptor]));

/** The descriptor of `entry`'s provider. */
export function descriptorFor(entry: BackendConfig): ProviderDescriptor<BackendConfig> {
  // every entry's `provider` is a descriptor's kind (the schema is their union); TypeScript
  // cannot correlate the entry's type with the descriptor found for it, hence the cast
  return BY_KIND.get(entry.provider) as unknown as ProviderDescriptor<BackendConfig>;
}
