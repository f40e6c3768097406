/**
 * `qplane calibration --backend NAME --out FILE`: fetches the current calibration of an ibm
 * or braket backend of QPLANE_BACKENDS and saves it as a snapshot (docs/noise.md), which a
 * backends-file entry `{provider: local, noise: {snapshot: FILE}}` turns into a twin.
 */
import type { RetryOptions } from "../../providers/ibm/client.js";
import { writeCalibrationFile } from "../../providers/local/calibration-snapshot.js";
import { loadBackends } from "../backends/config.js";
import { fetchCalibrationOf } from "../backends/twins.js";
import { QplaneError } from "../errors/catalogue.js";

/** A command waits for an answer, not for a service to recover: fewer retries than a job. */
const CLI_IBM_RETRY: RetryOptions = { maxAttempts: 3 };

export interface CalibrationFlags {
  readonly backend: string;
  readonly out: string;
}

export async function calibrationCommand(
  flags: CalibrationFlags,
  write: (text: string) => void,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<void> {
  const backends = loadBackends(env.QPLANE_BACKENDS);
  const hardware = backends.filter((entry) => entry.provider !== "local").map((e) => e.name);
  const choices = `backends with a calibration: ${hardware.join(", ") || "none (set QPLANE_BACKENDS to a backends file with ibm or braket entries)"}`;
  const config = backends.find((entry) => entry.name === flags.backend);
  if (config === undefined) {
    throw new QplaneError(
      "QPLANE_ERR_CLI_USAGE",
      `--backend: unknown backend "${flags.backend}" (${choices})`,
    );
  }
  if (config.provider === "local") {
    throw new QplaneError(
      "QPLANE_ERR_CLI_USAGE",
      `--backend: "${flags.backend}" is a local simulator, which has no calibration (${choices})`,
    );
  }
  const snapshot = await fetchCalibrationOf(config, env, { ibmRetry: CLI_IBM_RETRY });
  writeCalibrationFile(flags.out, snapshot);
  write(
    `${JSON.stringify({
      out: flags.out,
      source: snapshot.source,
      device: snapshot.device,
      fetchedAt: snapshot.fetchedAt,
      numQubits: snapshot.numQubits,
      faultyQubits: snapshot.faultyQubits ?? [],
      notes: snapshot.notes ?? [],
    })}\n`,
  );
}
