/**
 * Builds twin backends: a backends-file `local` entry with `noise` (providers/local/noise-source.ts) becomes
 * a TwinProvider (providers/local/twin-provider.ts) reading a snapshot file, or fetching the
 * live calibration of the ibm/braket entry it names, at most every `refreshMinutes`. Like
 * the registry, this is a composition root: it picks concrete providers, and credentials are
 * read here, from the environment only (IBM_CLOUD_API_KEY; the AWS SDK's default chain).
 */

import { fetchBraketCalibration } from "../../providers/braket/calibration.js";
import type { ProviderEnv } from "../../providers/descriptor.js";
import { fetchIbmCalibration } from "../../providers/ibm/calibration.js";
import type { RetryOptions } from "../../providers/ibm/client.js";
import { snapshotFromCalibration } from "../../providers/local/calibration-noise.js";
import type { CalibrationSnapshot } from "../../providers/local/calibration-snapshot.js";
import {
  type CalibrationSource,
  refreshingSource,
  snapshotFileSource,
} from "../../providers/local/calibration-source.js";
import { DEFAULT_REFRESH_MINUTES } from "../../providers/local/noise-source.js";
import { TwinProvider } from "../../providers/local/twin-provider.js";
import { QplaneError } from "../errors/catalogue.js";
import type { ResolvedBackend } from "../training/run.js";
import { type BackendConfig, backendAvailability } from "./config.js";

type LocalConfig = Extract<BackendConfig, { provider: "local" }>;
type HardwareConfig = Extract<BackendConfig, { provider: "ibm" | "braket" }>;

/** Fetches the current calibration of a configured ibm or braket backend, as a snapshot. */
export async function fetchCalibrationOf(
  config: HardwareConfig,
  env: ProviderEnv = process.env,
  options: FetchOptions = {},
): Promise<CalibrationSnapshot> {
  const calibration =
    config.provider === "ibm"
      ? await fetchIbmCalibration({
          device: config.device,
          instanceCrn: config.instanceCrn,
          apiKey: env.IBM_CLOUD_API_KEY ?? "",
          baseUrl: config.baseUrl,
          iamUrl: config.iamUrl,
          fractionalGates: config.fractionalGates,
          retry: options.ibmRetry,
        })
      : // credentials: the AWS SDK's default chain (AWS_ACCESS_KEY_ID, …)
        await fetchBraketCalibration({
          deviceArn: config.deviceArn,
          s3Bucket: config.s3Bucket,
          s3Prefix: config.s3Prefix,
          region: config.region,
          endpoint: config.endpoint,
        });
  return snapshotFromCalibration(calibration);
}

export interface FetchOptions {
  /** Retries of IBM requests. @defaultValue the client's (5 attempts) */
  readonly ibmRetry?: RetryOptions;
}

export interface TwinOptions {
  /** Every configured backend: where `noise.fromBackend` is looked up. */
  readonly configs: readonly BackendConfig[];
  readonly env?: ProviderEnv;
  /** Told when a refresh fails and the last snapshot is kept. @defaultValue a stderr line */
  readonly warn?: (message: string) => void;
  /** @defaultValue Date.now */
  readonly now?: () => number;
}

function calibrationSourceOf(config: LocalConfig, options: TwinOptions): CalibrationSource {
  const noise = config.noise!;
  if (noise.snapshot !== undefined) return snapshotFileSource(noise.snapshot);
  const hardware = options.configs.find(
    (entry): entry is HardwareConfig =>
      entry.name === noise.fromBackend && (entry.provider === "ibm" || entry.provider === "braket"),
  );
  if (hardware === undefined) {
    // loadBackends refuses such a file; this guards hand-built configuration lists
    throw new QplaneError(
      "QPLANE_ERR_CONFIG",
      `backend "${config.name}": noise.fromBackend "${noise.fromBackend}" is not a configured ibm or braket backend`,
    );
  }
  return refreshingSource({
    fetch: () => fetchCalibrationOf(hardware, options.env),
    refreshMs: (noise.refreshMinutes ?? DEFAULT_REFRESH_MINUTES) * 60_000,
    warn:
      options.warn ??
      ((message) => process.stderr.write(`qplane: backend "${config.name}": ${message}\n`)),
    now: options.now,
  });
}

/** The twin a `local` entry with `noise` describes (module comment). */
export function createTwin(config: LocalConfig, options: TwinOptions): ResolvedBackend {
  const provider = new TwinProvider({
    calibration: calibrationSourceOf(config, options),
    maxQubits: config.maxQubits,
  });
  return { provider, ...backendAvailability(config) };
}
