/**
 * Runs on the local simulator for tests: `runTraining` and `prepareRun` as
 * src/training/run.ts has them, with the backend resolver defaulting to the local simulator
 * (training itself never picks a concrete provider; src/backends/registry.ts does).
 */
import { localBackendResolver } from "../src/backends/registry.js";
import {
  type BackendResolver,
  prepareRun as prepareRunWith,
  type RunOptions,
  runTraining as runTrainingWith,
} from "../src/training/run.js";

/** The local simulator's provider (derivatives and statevectors, simulated in-process). */
export const LOCAL_PROVIDER = localBackendResolver("local").provider;

/** A provider with none of the optional capabilities, as remote devices are. */
export const REMOTE_PROVIDER = {};

export function runTraining(specInput: unknown, options: Partial<RunOptions> = {}) {
  return runTrainingWith(specInput, { resolveBackend: localBackendResolver, ...options });
}

export function prepareRun(
  specInput: unknown,
  resolveBackend: BackendResolver = localBackendResolver,
) {
  return prepareRunWith(specInput, resolveBackend);
}
