/**
 * Turns configured backends into providers, once each: what the worker resolves a job's
 * `backend.name` with and what `GET /v1/backends` reports. Credentials are read here, from
 * the environment only, and never leave the provider objects.
 */

import type { DescribedProvider, ProviderEnv } from "../../providers/descriptor.js";
import type { TranspilingIbmProvider } from "../../providers/ibm/transpiling-provider.js";
import { LocalProvider } from "../../providers/local/provider.js";
import type { Provider, RunScope } from "../../providers/types.js";
import { QplaneError } from "../errors/catalogue.js";
import type { PredictionNoise } from "../training/prediction.js";
import type { BackendResolver, ResolvedBackend } from "../training/run.js";
import { type BackendConfig, descriptorFor } from "./descriptors.js";
import { createTwin } from "./twins.js";

export interface NamedProvider extends ResolvedBackend {
  readonly name: string;
  /** The entry's settings for `GET /v1/backends`: endpoint overrides left out. */
  readonly settings: Readonly<Record<string, unknown>>;
  /** The noise its predictions run under (`predictionNoiseOf`); absent on noiseless simulators. */
  readonly prediction?: PredictionNoise;
}

/** Not for clients to see, whatever the provider: what the entry is (shown apart). */
const ALWAYS_HIDDEN = new Set(["name", "provider"]);

/**
 * The entry's settings for clients: without what its provider's descriptor hides (test-only
 * endpoint overrides, what identifies the account: IBM instance CRN, S3 bucket and prefix).
 */
function visibleSettings(config: BackendConfig): Record<string, unknown> {
  const hidden = new Set<string>(descriptorFor(config).hiddenSettings);
  return Object.fromEntries(
    Object.entries(config).filter(
      ([field, value]) => !ALWAYS_HIDDEN.has(field) && !hidden.has(field) && value !== undefined,
    ),
  );
}

export interface BackendRegistry {
  readonly backends: readonly NamedProvider[];
  readonly resolve: BackendResolver;
  /** The noise predictions on the named backend run under (`predictionNoiseOf`), if any. */
  readonly predictionOf: (name: string) => PredictionNoise | undefined;
}

/**
 * The noise a prediction on `config` runs under (`src/training/prediction.ts`): a twin's own;
 * for a device, a twin configured for it (`noise.fromBackend` naming it), else a twin of its
 * live calibration, fetched on first use and refreshed hourly like a configured one (so
 * repeated dry runs fetch once). Noiseless simulators have none.
 */
function predictionNoiseOf(
  config: BackendConfig,
  configs: readonly BackendConfig[],
  resolved: ReadonlyMap<string, ResolvedBackend>,
  env: ProviderEnv,
): PredictionNoise | undefined {
  if (config.provider === "local") {
    return config.noise === undefined
      ? undefined
      : { source: "twin", backend: config.name, twin: resolved.get(config.name)! };
  }
  if (config.provider !== "ibm" && config.provider !== "braket") return undefined;
  const configured = configs.find(
    (entry) => entry.provider === "local" && entry.noise?.fromBackend === config.name,
  );
  if (configured !== undefined) {
    return { source: "twin", backend: configured.name, twin: resolved.get(configured.name)! };
  }
  const twin = createTwin(
    { name: config.name, provider: "local", noise: { fromBackend: config.name } },
    { configs, env },
  );
  return { source: "calibration", backend: config.name, twin };
}

/** The Provider calls, each passed on to `target()` when it is made. */
function forwardedProvider(target: () => Provider): Provider {
  return {
    capabilities: async () => target().capabilities(),
    status: async () => target().status(),
    run: async (circuit, rows, config) => target().run(circuit, rows, config),
    estimate: async (circuit, shape, config) => target().estimate(circuit, shape, config),
  };
}

/**
 * A run scope opened on first use, like the provider itself: preparing a run (or planning one)
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
    ...forwardedProvider(get),
    transpile: async (circuit) => get().transpile(circuit),
    close: async (outcome) => scope?.close(outcome),
  };
}

function createProvider(
  config: BackendConfig,
  env: ProviderEnv,
  configs: readonly BackendConfig[],
): ResolvedBackend {
  // a local entry with `noise` is a twin: its calibration may come from another entry
  if (config.provider === "local" && config.noise !== undefined) {
    return createTwin(config, { configs, env });
  }
  const descriptor = descriptorFor(config);
  const availability = descriptor.availability(config);
  if (!descriptor.createOnFirstUse) {
    return { provider: descriptor.create(config, env), ...availability };
  }
  // built on first use, so a backend whose credentials are missing does not stop the server
  // from starting: the jobs that name it fail with the provider's clear message
  let created: DescribedProvider | undefined;
  const get = () => {
    created ??= descriptor.create(config, env);
    return created;
  };
  // what the descriptor declares is forwarded without building the provider
  const { transpile, runScopes } = descriptor.offers;
  const provider: Provider = {
    ...forwardedProvider(get),
    ...(transpile ? { transpile: async (circuit) => get().transpile!(circuit) } : {}),
    ...(runScopes
      ? {
          openRunScope: () =>
            lazyRunScope(
              () => get().openRunScope!() as RunScope & Pick<TranspilingIbmProvider, "transpile">,
            ),
        }
      : {}),
  };
  return { provider, ...availability };
}

export function createBackendRegistry(
  configs: readonly BackendConfig[],
  env: ProviderEnv = process.env,
): BackendRegistry {
  const resolved = new Map(
    configs.map((config) => [config.name, createProvider(config, env, configs)]),
  );
  const predictions = new Map(
    configs.map((config) => [config.name, predictionNoiseOf(config, configs, resolved, env)]),
  );
  return {
    backends: configs.map((config) => {
      const prediction = predictions.get(config.name);
      return {
        name: config.name,
        ...resolved.get(config.name)!,
        settings: visibleSettings(config),
        ...(prediction ? { prediction } : {}),
      };
    }),
    predictionOf: (name) => predictions.get(name),
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
