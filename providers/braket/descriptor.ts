/**
 * Amazon Braket as a configured backend: its QPLANE_BACKENDS entry and how the registry
 * builds it. Credentials come from the AWS SDK's default chain (AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, profiles, …), never from the entry.
 */
import { z } from "zod";
import { backendNameSchema, type ProviderDescriptor, pricingSchema } from "../descriptor.js";
import { BraketProvider } from "./provider.js";

export const braketBackendSchema = z.strictObject({
  name: backendNameSchema,
  provider: z.literal("braket"),
  deviceArn: z
    .string()
    .regex(/^arn:aws:braket:/, { message: "must be an Amazon Braket device ARN" }),
  s3Bucket: z.string().min(3).max(63),
  s3Prefix: z.string().min(1).max(1024),
  region: z.string().min(1),
  /** Test-only override of the Braket and S3 endpoint. */
  endpoint: z.url().optional(),
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
export type BraketBackendEntry = z.infer<typeof braketBackendSchema>;

export const braketProviderDescriptor = {
  kind: "braket",
  optionsSchema: braketBackendSchema,
  // the test-only endpoint, and the bucket and prefix that identify the account
  hiddenSettings: ["endpoint", "s3Bucket", "s3Prefix"],
  offers: { transpile: false, runScopes: false },
  createOnFirstUse: false,
  availability: (entry: BraketBackendEntry) => ({
    exactProbabilities: entry.exactProbabilities ?? false,
  }),
  create: (entry: BraketBackendEntry) =>
    new BraketProvider({
      deviceArn: entry.deviceArn,
      s3Bucket: entry.s3Bucket,
      s3Prefix: entry.s3Prefix,
      region: entry.region,
      endpoint: entry.endpoint,
      pollIntervalMs: entry.pollIntervalMs,
      pricing: entry.pricing,
    }),
} as const satisfies ProviderDescriptor<BraketBackendEntry, typeof braketBackendSchema>;
