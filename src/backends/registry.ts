/**
 * Turns configured backends into providers, once each: what the worker resolves a job's
 * `backend.name` with and what `GET /v1/backends` reports. Credentials are read here, from
 * the environment only, and never leave the provider objects.
 */

import { LocalProvider } from "../../providers/local/provider.js";
import type { Provider } from "../../providers/types.js";
import { QplaneError } from "../errors/catalogue.js";
import type { BackendResolver, ResolvedBackend } from "../training/run.js";
import type { BackendConfig } from "./config.js";

export interface NamedProvider {
  readonly name: string;
  readonly provider: Provider;
}

export interface BackendRegistry {
  readonly backends: readonly NamedProvider[];
  readonly resolve: BackendResolver;
}

type Env = Readonly<Record<string, string | undefined>>;

function createProvider(config: BackendConfig, _env: Env): ResolvedBackend {
  switch (config.provider) {
    case "local":
      return {
        provider: new LocalProvider({
          device: config.readoutError ? "statevector+readout-noise" : "statevector",
          maxQubits: config.maxQubits,
          readoutError: config.readoutError,
        }),
        exactProbabilities: true,
      };
    default:
      throw new QplaneError(
        "QPLANE_ERR_CONFIG",
        `backend "${config.name}": provider "${config.provider}" is not available in this build`,
      );
  }
}

export function createBackendRegistry(
  configs: readonly BackendConfig[],
  env: Env = process.env,
): BackendRegistry {
  const resolved = new Map(configs.map((config) => [config.name, createProvider(config, env)]));
  return {
    backends: [...resolved].map(([name, { provider }]) => ({ name, provider })),
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
