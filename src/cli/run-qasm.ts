/**
 * `qplane run-qasm FILE...`: simulates OpenQASM 3 files on the local statevector simulator
 * (with `--noise MODEL`, on the density-matrix simulator under that noise model; shots of
 * circuits over its 12 qubits by quantum trajectories) and prints
 * one JSON object per file, one per line, in the order given. The noise model and all files
 * are read and parsed before anything is simulated, so a bad file costs no compute.
 */
import {
  checkDensityQubitLimit,
  noisyCounts,
  noisyProbabilities,
} from "../../providers/local/density-simulator.js";
import { type NoiseModel, parseNoiseModel } from "../../providers/local/noise-model.js";
import { resolveNoise } from "../../providers/local/noise-plan.js";
import {
  checkQubitLimit,
  checkShots,
  exactProbabilities,
  sampledCounts,
} from "../../providers/local/simulator.js";
import { type Circuit, withMeasureAll } from "../circuits/ir.js";
import { rowFromNamedValues } from "../circuits/parameters.js";
import { parseQasm3Program } from "../circuits/qasm3/index.js";
import { QplaneError } from "../errors/catalogue.js";
import { at } from "../errors/checked.js";
import { parseJsonOrYaml } from "../files/json-or-yaml.js";
import { bitstringJson } from "./outcomes.js";
import { readTextFile } from "./read-text-file.js";

export type OutputFormat = "counts" | "probs" | "array";

export interface RunQasmOptions {
  readonly shots?: number;
  readonly seed: number;
  readonly format?: OutputFormat;
  /** Values for `input` parameters, by OpenQASM name or IR name. */
  readonly params: Readonly<Record<string, number>>;
  readonly maxQubits?: number;
  readonly maxShots?: number;
  /** Path of a noise-model file (JSON or YAML): simulate with the density-matrix simulator. */
  readonly noise?: string;
}

interface LoadedFile {
  readonly path: string;
  readonly circuit: Circuit;
  /** Each parameter column's names: its IR name and its name in the file. */
  readonly names: readonly (readonly [string, string])[];
  readonly row: number[];
}

/** Parameter values keyed by IR name, accepting the file's own `input` names too. */
function rowFor(
  path: string,
  circuit: Circuit,
  fileNames: readonly string[],
  params: Readonly<Record<string, number>>,
): number[] {
  const byIrName: Record<string, number> = {};
  circuit.parameters.forEach((parameter, column) => {
    const value =
      params[parameter.name] ?? params[at(fileNames, column, "the file's parameter name")];
    if (value !== undefined) byIrName[parameter.name] = value;
  });
  const missing = circuit.parameters
    .filter((p) => byIrName[p.name] === undefined)
    .map((p) => p.name);
  if (missing.length > 0) {
    throw new QplaneError(
      "QPLANE_ERR_PARAMS_SHAPE",
      `${path}: no value for input parameter(s) ${missing.join(", ")}; give each with --param NAME=VALUE`,
    );
  }
  return rowFromNamedValues(circuit, byIrName);
}

/** Reads and validates a noise-model file; errors name the file and the field. */
function loadNoiseModel(path: string): NoiseModel {
  const text = readTextFile(path, `--noise ${path}`);
  let document: unknown;
  try {
    document = parseJsonOrYaml(text, path);
  } catch (error) {
    throw new QplaneError(
      "QPLANE_ERR_SIM_NOISE",
      `--noise ${path}: not valid JSON/YAML: ${(error as Error).message}`,
    );
  }
  try {
    return parseNoiseModel(document);
  } catch (error) {
    if (error instanceof QplaneError)
      throw new QplaneError(error.code, `--noise ${path}: ${error.message}`);
    throw error;
  }
}

function load(path: string, options: RunQasmOptions, noise: NoiseModel | undefined): LoadedFile {
  const source = readTextFile(path);
  let circuit: Circuit;
  let fileNames: readonly string[];
  try {
    ({ circuit, parameterNames: fileNames } = parseQasm3Program(source));
  } catch (error) {
    if (error instanceof QplaneError)
      throw new QplaneError(error.code, `${path}: ${error.message}`);
    throw error;
  }
  // like Braket: a program without measurements measures every qubit
  if (circuit.measurements.length === 0) circuit = withMeasureAll(circuit);
  try {
    checkQubitLimit(circuit, options.maxQubits);
    if (noise) {
      // exact probabilities need the density matrix; shots beyond it come from trajectories
      if ((options.shots ?? 0) === 0) checkDensityQubitLimit(circuit);
      resolveNoise(noise, circuit); // per-qubit lists cover the circuit
    }
  } catch (error) {
    if (error instanceof QplaneError)
      throw new QplaneError(error.code, `${path}: ${error.message}`);
    throw error;
  }
  const names = circuit.parameters.map(
    (p, column) => [p.name, at(fileNames, column, "the file's parameter name")] as const,
  );
  return { path, circuit, names, row: rowFor(path, circuit, fileNames, options.params) };
}

/** Returns one JSON line per file. */
export function runQasmFiles(paths: readonly string[], options: RunQasmOptions): string[] {
  const shots = options.shots ?? 0;
  const format = options.format ?? (shots > 0 ? "counts" : "probs");
  if (format === "counts" && shots === 0) {
    throw new QplaneError("QPLANE_ERR_CLI_USAGE", "--format counts needs --shots N (N ≥ 1)");
  }
  if (shots !== 0) checkShots(shots, options.maxShots);
  const noise = options.noise === undefined ? undefined : loadNoiseModel(options.noise);
  const files = paths.map((path) => load(path, options, noise));
  const known = new Set(files.flatMap(({ names }) => names.flat()));
  for (const name of Object.keys(options.params)) {
    if (!known.has(name)) {
      throw new QplaneError(
        "QPLANE_ERR_CLI_USAGE",
        `--param "${name}", which is not a parameter of any file given (parameters: ${[...known].join(", ") || "none"})`,
      );
    }
  }
  const simulator = { maxQubits: options.maxQubits, maxShots: options.maxShots };
  return files.map(({ path, circuit, row }) => {
    const rows = circuit.parameters.length === 0 ? [] : [row];
    const width = circuit.numClbits;
    try {
      if (shots === 0) {
        const { values } = noise
          ? noisyProbabilities(circuit, rows, noise)
          : exactProbabilities(circuit, rows, simulator);
        if (format === "array") return JSON.stringify({ probabilities: Array.from(values) });
        return `{"probabilities":${bitstringJson(values, width)}}`;
      }
      const sampling = { shots, seed: options.seed };
      const { values } = noise
        ? noisyCounts(circuit, rows, noise, sampling, simulator)
        : sampledCounts(circuit, rows, sampling, simulator);
      if (format === "array") return JSON.stringify({ counts: Array.from(values) });
      if (format === "counts") return `{"counts":${bitstringJson(values, width)}}`;
      return `{"probabilities":${bitstringJson(
        Array.from(values, (n) => n / shots),
        width,
      )}}`;
    } catch (error) {
      if (error instanceof QplaneError)
        throw new QplaneError(error.code, `${path}: ${error.message}`);
      throw error;
    }
  });
}
