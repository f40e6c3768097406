/**
 * How a provider describes itself to the configuration (src/backends): its `kind` (the
 * `provider` field of a QPLANE_BACKENDS entry), the schema of such an entry, which of its
 * settings clients never see, what it offers, and how to build it. Each provider folder
 * exports one; the backends file's schema is the union of their schemas and the registry a
 * lookup by kind, so adding a provider touches its folder and the one list of descriptors.
 */
import { z } from "zod";
import type { Provider, ProviderKind } from "./types.js";

/** A backend's name: what jobs name it by. */
export const backendNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: "must be lowercase letters, digits and dashes" });

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

/** The process environment a provider reads its credentials from (never the entry). */
export type ProviderEnv = Readonly<Record<string, string | undefined>>;

/** What a configured backend gives, known from its entry alone. */
export interface BackendAvailability {
  /** shots = 0 (exact Born probabilities) may be asked for. */
  readonly exactProbabilities: boolean;
}

/** A provider as a descriptor builds it (its optional capabilities are Provider's). */
export type DescribedProvider = Provider;

export interface ProviderDescriptor<
  Entry extends { name: string; provider: ProviderKind },
  Schema extends z.ZodType<Entry> = z.ZodType<Entry>,
> {
  readonly kind: Entry["provider"];
  /** One QPLANE_BACKENDS entry of this kind (`name`, `provider` literal, its settings). */
  readonly optionsSchema: Schema;
  /** Settings of an entry not shown to clients: endpoint overrides, account identifiers. */
  readonly hiddenSettings: readonly string[];
  /**
   * What its providers offer beyond {@link Provider}, declared so a provider built on first
   * use can be wrapped without building it: a transpilation report, run scopes.
   */
  readonly offers: { readonly transpile: boolean; readonly runScopes: boolean };
  /** Building one reads credentials and may refuse: the registry builds it on first use. */
  readonly createOnFirstUse: boolean;
  availability(entry: Entry): BackendAvailability;
  /** The provider of `entry`; credentials come from `env` only. */
  create(entry: Entry, env: ProviderEnv): DescribedProvider;
}
