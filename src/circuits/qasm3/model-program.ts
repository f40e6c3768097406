/**
 * A user's OpenQASM 3 program as a qplane model (docs/circuits.md): which `input`s receive
 * the data features, which are trainable weights, and which measured bits are the readout
 * register T. Everything is checked before anything runs, and every refusal about the
 * program's text names its line and column.
 *
 * Conventions:
 * - an `input float[64]` (or `input float`) whose name matches a feature pattern receives
 *   feature j — default patterns `x<j>`, `x_<j>` and `_x_<j>_` (Qiskit's export of
 *   `ParameterVector("x")`) — or, with an explicit map, the input the map names for j;
 * - every other input is a trainable weight, in declaration order;
 * - the readout register is the program's measured bits in bit order (or the bits `readout`
 *   names): clbit `readoutClbits[i]` is bit i of T's outcome.
 *
 * The parser already refuses, with a position, everything the simulator and providers
 * cannot run: unknown gates, classical control flow, `reset`, gate modifiers, and gates on
 * a qubit after its measurement (mid-circuit measurement). This module adds the model
 * conventions on top.
 */
import { QplaneError, type SourceLocation } from "../../errors/catalogue.js";
import type { Circuit, ParameterKind } from "../ir.js";
import { type InputDeclaration, type ParsedQasm3Program, parseQasm3Program } from "./parse.js";

/**
 * Which inputs receive the features: a pattern with one `<j>` (feature index, no leading
 * zeros), or an explicit map from input name to feature index.
 */
export type FeatureInputs = string | Readonly<Record<string, number>>;

/** `x0`, `x_0`, and Qiskit's `_x_0_` for the elements of `ParameterVector("x")`. */
export const DEFAULT_FEATURE_PATTERNS: readonly string[] = ["x<j>", "x_<j>", "_x_<j>_"];

export interface ModelProgramOptions {
  /** Features the model sees (after the spec's scaling / reduction). */
  readonly featureCount: number;
  /** @defaultValue {@link DEFAULT_FEATURE_PATTERNS} */
  readonly featureInputs?: FeatureInputs;
  /** Bits forming T, bit 0 first: `c[1]`, or a register name for all its bits. Default: every measured bit. */
  readonly readout?: readonly string[];
  /** Largest number of qubits accepted (backend or server limit). */
  readonly maxQubits: number;
}

export interface ModelProgram {
  /** Parameter columns: the feature inputs, then the weights, each in declaration order. */
  readonly circuit: Circuit;
  readonly numQubits: number;
  /** `featureParameterIndex[j]`: the circuit parameter column feature j fills. */
  readonly featureParameterIndex: readonly number[];
  /** `featureInputNames[j]`: the program's input for feature j. */
  readonly featureInputNames: readonly string[];
  /** The trainable inputs, in declaration order (columns featureCount, featureCount + 1, …). */
  readonly weightNames: readonly string[];
  /** Clbits of T, bit 0 first. */
  readonly readoutClbits: readonly number[];
  /** The qubit measured into each readout clbit (what `withMeasured` takes). */
  readonly readoutQubits: readonly number[];
}

/** Largest register size the parser accepts beside the qubit limit (bits, single registers). */
const MAX_REGISTER_SIZE = 64;

function refuse(message: string, at: SourceLocation): never {
  throw new QplaneError("QPLANE_ERR_QASM_UNSUPPORTED", message, {
    line: at.line,
    column: at.column,
  });
}

/** "4 feature(s) (0..3)", or "no features". */
function featureRange(featureCount: number): string {
  return featureCount === 0 ? "no features" : `${featureCount} feature(s) (0..${featureCount - 1})`;
}

function optionError(message: string): never {
  throw new QplaneError("QPLANE_ERR_SPEC_INVALID", message);
}

/** A feature-name matcher: the feature index of a name, or undefined. */
type FeatureMatcher = (name: string) => number | undefined;

function patternMatcher(patterns: readonly string[]): FeatureMatcher {
  const expressions = patterns.map((pattern) => {
    const parts = pattern.split("<j>");
    if (parts.length !== 2 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(pattern.replace("<j>", "0"))) {
      optionError(
        `featureInputs: pattern "${pattern}" must be an identifier with one <j> (e.g. "x<j>")`,
      );
    }
    return new RegExp(`^${parts[0]}(0|[1-9][0-9]*)${parts[1]}$`);
  });
  return (name) => {
    for (const expression of expressions) {
      const match = expression.exec(name);
      if (match !== null) return Number(match[1]);
    }
    return undefined;
  };
}

function mapMatcher(map: Readonly<Record<string, number>>, featureCount: number): FeatureMatcher {
  const byName = new Map<string, number>();
  const owner = new Map<number, string>();
  for (const [name, j] of Object.entries(map)) {
    if (!Number.isInteger(j) || j < 0 || j >= featureCount) {
      optionError(
        `featureInputs.${name}: ${j} is not a feature index (the data has ${featureRange(featureCount)})`,
      );
    }
    const other = owner.get(j);
    if (other !== undefined) {
      optionError(`featureInputs: ${other} and ${name} both receive feature ${j}`);
    }
    owner.set(j, name);
    byName.set(name, j);
  }
  return (name) => byName.get(name);
}

function checkOptions(options: ModelProgramOptions): void {
  const { featureCount, maxQubits } = options;
  if (!Number.isSafeInteger(featureCount) || featureCount < 0) {
    optionError(`featureCount must be a non-negative integer, got ${featureCount}`);
  }
  if (!Number.isSafeInteger(maxQubits) || maxQubits < 1) {
    optionError(`maxQubits must be a positive integer, got ${maxQubits}`);
  }
}

/** Model inputs are doubles: `float[64]`, or `float` (whose default width is 64 here). */
function checkInputTypes(inputs: readonly InputDeclaration[]): void {
  for (const input of inputs) {
    if (input.type !== "float" || (input.width !== undefined && input.width !== 64)) {
      const written = input.width === undefined ? input.type : `${input.type}[${input.width}]`;
      refuse(
        `input ${input.sourceName} is ${written}; model inputs must be float[64] (features and weights are doubles)`,
        input,
      );
    }
  }
}

/** The input of each feature, checking that every feature has exactly one. */
function featureInputs(
  parsed: ParsedQasm3Program,
  match: FeatureMatcher,
  options: ModelProgramOptions,
): string[] {
  const { featureCount } = options;
  const byFeature = new Map<number, InputDeclaration>();
  for (const input of parsed.inputs) {
    const j = match(input.sourceName);
    if (j === undefined) continue;
    if (j >= featureCount) {
      refuse(
        `input ${input.sourceName} names feature ${j}, but the data has ${featureRange(featureCount)}`,
        input,
      );
    }
    const other = byFeature.get(j);
    if (other !== undefined) {
      refuse(
        `inputs ${other.sourceName} (line ${other.line}) and ${input.sourceName} both receive feature ${j}`,
        input,
      );
    }
    byFeature.set(j, input);
  }
  if (typeof options.featureInputs === "object") {
    const declared = new Set(parsed.inputs.map((input) => input.sourceName));
    for (const name of Object.keys(options.featureInputs)) {
      if (!declared.has(name)) {
        refuse(`featureInputs names input ${name}, which the program does not declare`, parsed.end);
      }
    }
  }
  const names: string[] = [];
  for (let j = 0; j < featureCount; j++) {
    const input = byFeature.get(j);
    if (input === undefined) {
      const expected =
        typeof options.featureInputs === "object"
          ? "featureInputs maps no input to it"
          : `declare one of ${patternsOf(options)
              .map((pattern) => `input float[64] ${pattern.replace("<j>", String(j))};`)
              .join(" / ")}`;
      // at the first input, where the missing declaration belongs (or the end, without inputs)
      refuse(`feature ${j} has no matching input: ${expected}`, parsed.inputs[0] ?? parsed.end);
    }
    names.push(input.sourceName);
  }
  return names;
}

function patternsOf(options: ModelProgramOptions): readonly string[] {
  const given = options.featureInputs;
  return typeof given === "string" ? [given] : DEFAULT_FEATURE_PATTERNS;
}

/** The clbits of T: the named bits, or every measured bit in bit order. */
function readoutClbits(parsed: ParsedQasm3Program, readout: readonly string[] | undefined) {
  const measuredQubit = new Map(parsed.circuit.measurements.map((m) => [m.clbit, m.qubit]));
  if (measuredQubit.size === 0) {
    refuse(
      "the program measures no qubits; its measured bits are the model's readout (e.g. c[0] = measure q[0];)",
      parsed.end,
    );
  }
  if (readout === undefined) return [...measuredQubit.keys()].sort((a, b) => a - b);
  if (readout.length === 0) optionError("readout: name at least one bit");
  const clbits: number[] = [];
  const bitNames = parsed.bitRegisters.flatMap((register) =>
    register.single
      ? [register.name]
      : Array.from({ length: register.size }, (_, i) => `${register.name}[${i}]`),
  );
  for (const name of readout) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d+)\])?$/.exec(name.trim());
    const register = parsed.bitRegisters.find((r) => r.name === match?.[1]);
    const index = match?.[2] === undefined ? undefined : Number(match[2]);
    if (
      register === undefined ||
      (index !== undefined && (register.single || index >= register.size))
    ) {
      optionError(
        `readout: "${name}" is not a bit of the program (bits: ${bitNames.join(", ") || "none"})`,
      );
    }
    const indices =
      index !== undefined ? [index] : Array.from({ length: register.size }, (_, i) => i);
    for (const i of indices) {
      const clbit = register.offset + i;
      const text = register.single ? register.name : `${register.name}[${i}]`;
      if (clbits.includes(clbit)) optionError(`readout: bit ${text} is named twice`);
      if (!measuredQubit.has(clbit)) {
        refuse(`readout bit ${text} is never measured`, register);
      }
      clbits.push(clbit);
    }
  }
  return clbits;
}

/**
 * Parses and checks a model program. Refusals about the text are QplaneErrors with the
 * parser's codes (OpenQASM syntax / unsupported, circuit range / parameter / unknown gate)
 * whose message starts `line L, column C:`; refusals about the options are
 * `QPLANE_ERR_SPEC_INVALID` naming the option.
 */
export function analyzeModelProgram(source: string, options: ModelProgramOptions): ModelProgram {
  checkOptions(options);
  const given = options.featureInputs;
  const match =
    typeof given === "object" && given !== null
      ? mapMatcher(given, options.featureCount)
      : patternMatcher(patternsOf(options));
  // names stay as written: a feature input is an `input` parameter, the rest weights
  const inputParameter = (name: string): { kind: ParameterKind; name: string } => ({
    kind: match(name) === undefined ? "weight" : "input",
    name,
  });
  const parsed = parseQasm3Program(source, {
    maxQubits: options.maxQubits,
    maxPhysicalQubits: options.maxQubits,
    maxRegisterSize: Math.max(MAX_REGISTER_SIZE, options.maxQubits),
    inputParameter,
  });
  checkInputTypes(parsed.inputs);
  const featureInputNames = featureInputs(parsed, match, options);
  const clbits = readoutClbits(parsed, options.readout);
  const { circuit } = parsed;
  const columns = new Map(circuit.parameters.map((parameter, column) => [parameter.name, column]));
  const qubitOf = new Map(circuit.measurements.map((m) => [m.clbit, m.qubit]));
  return {
    circuit,
    numQubits: circuit.numQubits,
    featureParameterIndex: featureInputNames.map((name) => columns.get(name)!),
    featureInputNames,
    weightNames: circuit.parameters.filter((p) => p.kind === "weight").map((p) => p.name),
    readoutClbits: clbits,
    readoutQubits: clbits.map((clbit) => qubitOf.get(clbit)!),
  };
}
