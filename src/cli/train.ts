/**
 * `qplane train`: one training run in-process (no Redis, no server). The spec comes from
 * `--spec FILE` (JSON or YAML) and/or flags for common fields (flags win); the run folder
 * `runs/<id>/` receives spec.json, metrics.json, metrics.csv, infoplane.svg, curves.svg.
 */
import { dirname, resolve } from "node:path";
import { loadBackends } from "../backends/config.js";
import { type BackendRegistry, createBackendRegistry } from "../backends/registry.js";
import { QplaneError } from "../errors/catalogue.js";
import { present } from "../errors/checked.js";
import { parseJsonOrYaml, syntaxOf } from "../files/json-or-yaml.js";
import { createProgressReporter } from "../runs/progress.js";
import { newRunId, writeRunFolder } from "../runs/run-folder.js";
import type { TrainingEvent } from "../training/loop.js";
import type { EpochRecord, RunSummary } from "../training/records.js";
import { type BackendResolver, runTraining } from "../training/run.js";
import { parseJobSpec } from "../training/spec.js";
import { readTextFile } from "./read-text-file.js";

/** Flag name → spec path, and how its text becomes a value. */
export const TRAIN_FLAGS = {
  dataset: { path: "dataset.name", kind: "string" },
  samples: { path: "dataset.samples", kind: "number" },
  noise: { path: "dataset.noise", kind: "number" },
  validationFraction: { path: "dataset.validationFraction", kind: "number" },
  model: { path: "model.kind", kind: "string" },
  qubits: { path: "model.qubits", kind: "number" },
  layers: { path: "model.layers", kind: "number" },
  entangler: { path: "model.entangler", kind: "string" },
  epochs: { path: "training.epochs", kind: "number" },
  batchSize: { path: "training.batchSize", kind: "number" },
  optimizer: { path: "training.optimizer", kind: "string" },
  lr: { path: "training.learningRate", kind: "number" },
  gradient: { path: "training.gradient", kind: "string" },
  seed: { path: "training.seed", kind: "number" },
  maxSeconds: { path: "training.maxSeconds", kind: "number" },
  select: { path: "training.select", kind: "string" },
  feedback: { path: "feedback.mode", kind: "string" },
  alpha: { path: "feedback.alpha", kind: "number" },
  target: { path: "feedback.target", kind: "number-or-string" },
  backend: { path: "backend.name", kind: "string" },
  shots: { path: "backend.shots", kind: "number" },
  maxCost: { path: "backend.maxCost", kind: "number" },
  maxShots: { path: "backend.maxShots", kind: "number" },
  infoShots: { path: "infoPlane.shots", kind: "number" },
  estimator: { path: "infoPlane.estimator", kind: "string" },
  register: { path: "infoPlane.register", kind: "register" },
} as const;

export type TrainFlags = { [K in keyof typeof TRAIN_FLAGS]?: string };

/** `--register`: `readout`, `all`, or a comma list of qubits (`0,2,3`, bit order). */
const QUBIT_LIST = /^\s*\d+(\s*,\s*\d+)*\s*$/;

function flagValue(kind: string, text: string): string | number | number[] {
  if (kind === "string") return text;
  if (kind === "register") return QUBIT_LIST.test(text) ? text.split(",").map(Number) : text;
  const value = Number(text);
  if (kind === "number-or-string" && !/^[-+.\d]/.test(text)) return text;
  // non-numbers pass through as text so the spec validation names the field and the value
  return text.trim() !== "" && !Number.isNaN(value) ? value : text;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split(".");
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (next === undefined) node[key] = {};
    else if (next === null || typeof next !== "object" || Array.isArray(next)) {
      throw new QplaneError(
        "QPLANE_ERR_SPEC_INVALID",
        `spec.${key} must be an object to set ${path}`,
      );
    }
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1)!] = value;
}

/** Reads a JSON or YAML spec file. */
export function readSpecFile(path: string): Record<string, unknown> {
  const text = readTextFile(path, `--spec ${path}`);
  let parsed: unknown;
  try {
    parsed = parseJsonOrYaml(text, path);
  } catch (error) {
    throw new QplaneError(
      "QPLANE_ERR_SPEC_INVALID",
      `--spec ${path}: not valid ${syntaxOf(path)}: ${(error as Error).message}`,
    );
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new QplaneError("QPLANE_ERR_SPEC_INVALID", `--spec ${path}: the spec must be an object`);
  }
  return withProgramRead(parsed as Record<string, unknown>, path);
}

/**
 * `model.qasmFile`: the CLI reads the program into `model.qasm` before validation (a
 * relative path is the spec file's neighbour), so the run folder and every later parse of
 * the spec carry the program itself. The spec schema refuses `qasmFile` anywhere else.
 */
export function withProgramRead(
  spec: Record<string, unknown>,
  specPath: string,
  field = "spec.model",
): Record<string, unknown> {
  const model = spec.model;
  if (model === null || typeof model !== "object" || Array.isArray(model)) return spec;
  const { qasmFile, ...rest } = model as Record<string, unknown>;
  if (qasmFile === undefined) return spec;
  if (rest.qasm !== undefined) {
    throw new QplaneError(
      "QPLANE_ERR_SPEC_INVALID",
      `${field}.qasmFile: give the program either inline (model.qasm) or as a file, not both`,
    );
  }
  return {
    ...spec,
    model: { ...rest, qasm: readProgramFile(qasmFile, specPath, `${field}.qasmFile`) },
  };
}

/** The program in `qasmFile` (relative to the spec file), named `field` in refusals. */
export function readProgramFile(qasmFile: unknown, specPath: string, field: string): string {
  if (typeof qasmFile !== "string" || qasmFile === "") {
    throw new QplaneError(
      "QPLANE_ERR_SPEC_INVALID",
      `${field}: must be the path of an OpenQASM 3 file (got ${JSON.stringify(qasmFile)})`,
    );
  }
  return readTextFile(resolve(dirname(specPath), qasmFile), `${field} ${qasmFile}`);
}

/** The spec a user asked for: the file (if any) with the flags applied on top. */
export function specFromFlags(
  specPath: string | undefined,
  flags: TrainFlags,
): Record<string, unknown> {
  const spec = specPath ? readSpecFile(specPath) : {};
  for (const [flag, text] of Object.entries(flags)) {
    if (text === undefined) continue;
    const { path, kind } = TRAIN_FLAGS[flag as keyof typeof TRAIN_FLAGS];
    setPath(spec, path, flagValue(kind, text));
  }
  return spec;
}

export interface TrainCommandOptions {
  readonly specPath?: string;
  readonly flags: TrainFlags;
  readonly runsDir: string;
  readonly json: boolean;
  readonly quiet: boolean;
  /** Print one line per epoch even without a TTY (the demo does). */
  readonly epochLines?: boolean;
}

function describeMetric(record: EpochRecord): string {
  return record.testAccuracy !== undefined
    ? `test accuracy ${record.testAccuracy.toFixed(3)}`
    : `test MSE ${record.testMse?.toPrecision(4)}, R² ${record.testR2?.toFixed(3)}`;
}

/** The epoch line's validation metrics (with a validation split), or "". */
export function describeValidation(record: EpochRecord): string {
  if (record.validationLoss === undefined) return "";
  return record.validationAccuracy !== undefined
    ? `  val loss ${record.validationLoss.toFixed(4)} accuracy ${record.validationAccuracy.toFixed(3)}`
    : `  val loss ${record.validationLoss.toFixed(4)} MSE ${record.validationMse?.toPrecision(4)}, R² ${record.validationR2?.toFixed(3)}`;
}

/** The warning line for a feedback run whose L_comp never fell below half its start (or null). */
export function unreachableTargetWarning(summary: RunSummary): string | null {
  if (summary.feedbackReachable !== false) return null;
  const ratio = summary.feedbackReachability?.toFixed(3) ?? "?";
  return `warning: the feedback target was not reachable: L_comp never fell below half its first value (min ÷ first = ${ratio}), so the feedback acted as a near-constant factor on the learning rate; choose a reachable feedback.target (or infoPlane.register "all")`;
}

export async function trainCommand(
  options: TrainCommandOptions,
  write: (text: string) => void,
): Promise<void> {
  const specInput = specFromFlags(options.specPath, options.flags);
  const epochs = parseJobSpec(specInput).training.epochs;
  const runId = newRunId();
  // a bar on a TTY (quiet otherwise), unless per-epoch lines or JSON output were asked for
  const progress =
    options.quiet || options.json || options.epochLines
      ? undefined
      : createProgressReporter({ total: epochs, stream: process.stderr });
  const onEvent = (event: TrainingEvent) => {
    if (event.type !== "epoch") return;
    progress?.update(event.record.epoch, event.record);
    if (options.epochLines && !options.quiet) {
      const r = event.record;
      write(
        `epoch ${String(r.epoch).padStart(3)}  loss ${r.trainLoss.toFixed(4)}  ${describeMetric(r)}${describeValidation(r)}  I(X;T) ${r.ixt.toFixed(3)}${r.saturated ? " (saturated)" : ""}  I(T;Y) ${r.ity.toFixed(3)}  lr ${r.learningRate.toPrecision(3)}  L_comp ${r.compressionPenalty.toFixed(3)}  ${r.elapsedMs.toFixed(0)} ms\n`,
      );
    }
  };
  const { spec, result } = await runTraining(specInput, {
    onEvent,
    resolveBackend: cliBackendResolver(),
  }).finally(() => progress?.stop());
  const runDir = await writeRunFolder(options.runsDir, {
    id: runId,
    spec,
    records: result.records,
    summary: result.summary,
  });
  // stderr, so the --json line stays alone on stdout
  const unreachable = unreachableTargetWarning(result.summary);
  if (unreachable !== null) process.stderr.write(`${unreachable}\n`);
  // past training.maxSeconds the folder keeps the completed epochs, and the command fails
  if (result.status === "timed-out") {
    throw new QplaneError(result.error.code, `${result.error.message}; run folder: ${runDir}`);
  }
  if (options.json) {
    write(`${JSON.stringify({ runDir, summary: result.summary, metrics: result.records })}\n`);
    return;
  }
  if (!options.quiet) {
    const last = present(result.records.at(-1), "the run's last epoch record");
    // the test metric of the selected epoch (training.select), I(X;T) and I(T;Y) of the last
    const selected = result.records.find((r) => r.epoch === result.summary.selectedEpoch) ?? last;
    const at = selected === last ? "" : ` (epoch ${selected.epoch}, best on validation)`;
    write(
      `run ${runDir}: ${describeMetric(selected)}${at} after ${result.summary.epochs} epochs; I(X;T) ${last.ixt.toFixed(3)} bits, I(T;Y) ${last.ity.toFixed(3)} bits; ${(result.summary.elapsedMs / 1000).toFixed(1)} s\n`,
    );
  }
}

/** The backends a CLI run may name: local, local-noisy and those of QPLANE_BACKENDS. */
export function cliBackendRegistry(): BackendRegistry {
  return createBackendRegistry(loadBackends(process.env.QPLANE_BACKENDS));
}

export function cliBackendResolver(): BackendResolver {
  return cliBackendRegistry().resolve;
}
