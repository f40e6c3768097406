/**
 * Turns configured backends into providers, once each: what the worker resolves a job's
 * `backend.name` with and what `GET /v1/backends` reports. Credentials are read here, from
 * the environment only, and never leave the provider objects.
 */

import { BraketProvider } from "../../providers/braket/provider.js";
import { IbmProvider } from "../../providers/ibm/provider.js";
import { TranspilingIbmProvider } from "../../providers/ibm/transpiling-provider.js";
import { LocalProvider } from "../../providers/local/provider.js";
import type { Provider, RunScope } from "../../providers/types.js";
import { QplaneError } from "../errors/catalogue.js";
import type { BackendResolver, ResolvedBackend } from "../training/run.js";
import { type BackendConfig, backendAvailability } from "./config.js";

export interface NamedProvider extends ResolvedBackend {
  readonly name: string;
  /** The entry's settings for `GET /v1/backends`: endpoint overrides left out. */
  readonly settings: Readonly<Record<string, unknown>>;
}

/**
 * Not for clients to see: test-only endpoint overrides, and what identifies the account
 * (IBM instance CRN, S3 bucket and prefix).
 */
const HIDDEN_SETTINGS = new Set([
  "name",
  "provider",
  "baseUrl",
  "iamUrl",
  "endpoint",
  "instanceCrn",
  "s3Bucket",
  "s3Prefix",
]);

function visibleSettings(config: BackendConfig): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config).filter(
      ([field, value]) => !HIDDEN_SETTINGS.has(field) && value !== undefined,
    ),
  );
}

export interface BackendRegistry {
  readonly backends: readonly NamedProvider[];
  readonly resolve: BackendResolver;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Builds the provider on first use, so a backend whose credentials are missing does not stop
 * the server from starting: the jobs that name it fail with the provider's clear message.
 */
function lazyProvider(create: () => Provider): Provider {
  let provider: Provider | undefined;
  const get = () => {
    provider ??= create();
    return provider;
  };
  return {
    capabilities: async () => get().capabilities(),
    status: async () => get().status(),
    run: async (circuit, rows, config) => get().run(circuit, rows, config),
    estimate: async (circuit, shape, config) => get().estimate(circuit, shape, config),
  };
}

/**
 * A run scope opened on first use, like `lazyProvider`: preparing a run (or planning one)
 * must not build a provider whose credentials may be missing. Closing an unused scope is a
 * no-op.
 */
function lazyRunScope(
  open: () => RunScope & Pick<TranspilingIbmProvider, "transpile">,
): RunScope & Pick<TranspilingIbmProvider, "transpile"> {
  let scope: (RunScope & Pick<TranspilingIbmProvider, "transpile">) | undefined;
  const get = () => {
    scope ??= open();
    return scope;
  };
  return {
    capabilities: async () => get().capabilities(),
    status: async () => get().status(),
    run: async (circuit, rows, config) => get().run(circuit, rows, config),
    estimate: async (circuit, shape, config) => get().estimate(circuit, shape, config),
    transpile: async (circuit) => get().transpile(circuit),
    close: async (outcome) => scope?.close(outcome),
  };
}

function createProvider(config: BackendConfig, env: Env): ResolvedBackend {
  switch (config.provider) {
    case "local":
      return {
        provider: new LocalProvider({
          device: config.readoutError ? "statevector+readout-noise" : "statevector",
          maxQubits: config.maxQubits,
          readoutError: config.readoutError,
        }),
        ...backendAvailability(config),
      };
    case "ibm": {
      const create = () =>
        new TranspilingIbmProvider(
          new IbmProvider({
            device: config.device,
            instanceCrn: config.instanceCrn,
            apiKey: env.IBM_CLOUD_API_KEY ?? "",
            baseUrl: config.baseUrl,
            iamUrl: config.iamUrl,
            pollIntervalMs: config.pollIntervalMs,
            pricing: config.pricing,
            executionMode: config.executionMode,
            sessionMaxTtlSeconds: config.sessionMaxTtlSeconds,
            maxRowsPerPub: config.maxRowsPerPub,
            fractionalGates: config.fractionalGates,
            samplerOptions: config.options,
          }),
        );
      // the transpiler's report (depth, two-qubit gates, swaps) for plans, built lazily too
      let ibm: TranspilingIbmProvider | undefined;
      const get = () => {
        ibm ??= create();
        return ibm;
      };
      const provider: Provider & Pick<TranspilingIbmProvider, "transpile"> = {
        ...lazyProvider(get),
        transpile: async (circuit) => get().transpile(circuit),
        openRunScope: () => lazyRunScope(() => get().openRunScope()),
      };
      return { provider, ...backendAvailability(config) };
    }
    case "braket":
      // credentials: the AWS SDK's default chain (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, …)
      return {
        provider: new BraketProvider({
          deviceArn: config.deviceArn,
          s3Bucket: config.s3Bucket,
          s3Prefix: config.s3Prefix,
          region: config.region,
          endpoint: config.endpoint,
          pollIntervalMs: config.pollIntervalMs,
          pricing: config.pricing,
        }),
        ...backendAvailability(config),
      };
  }
}

export function createBackendRegistry(
  configs: readonly BackendConfig[],
  env: Env = process.env,
): BackendRegistry {
  const resolved = new Map(configs.map((config) => [config.name, createProvider(config, env)]));
  return {
    backends: configs.map((config) => ({
      name: config.name,
      ...resolved.get(config.name)!,
      settings: visibleSettings(config),
    })),
    resolve: (name) => {
      const backend = resolved.get(name);
      if (backend === undefined) {
        throw new QplaneError(
          "QPLANE_ERR_SPEC_INVALID",
          `spec.backend.name: unknown backend "${name}" (configured: ${[...resolved.keys()].join(", ")})`,
        );
      }
      return backend;
    },
  };
}

/**
 * The one backend that needs no configuration, the local simulator: what a run, the worker
 * and the API use when given no registry.
 */
export const localBackendResolver: BackendResolver = (name) => {
  if (name === "local") return { provider: new LocalProvider(), exactProbabilities: true };
  throw new QplaneError(
    "QPLANE_ERR_SPEC_INVALID",
    `spec.backend.name: unknown backend "${name}" (configured: local)`,
  );
};
