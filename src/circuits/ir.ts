/**
 * The circuit IR: an immutable value holding qubits, gates with numeric or parametric
 * arguments, and terminal measurements into a classical register.
 *
 * Parameters are free symbols bound later from a parameter matrix (one row per
 * evaluation). A parameter is an `input` (a data feature) or a `weight` (trainable).
 * The matrix's column order is {@link Circuit.parameters}: all inputs, then all weights,
 * each group in declaration order. Binding never copies the circuit: simulators and
 * providers read a row and evaluate each argument as `scale · row[column] + offset`.
 */
import { QplaneError } from "../errors/catalogue.js";
import { GATES, type GateName, isGateName } from "./gates.js";

export type ParameterKind = "input" | "weight";

export interface Parameter {
  readonly kind: ParameterKind;
  readonly name: string;
}

/** An affine function of one parameter: `scale · parameter + offset`. */
export interface ParameterAngle extends Parameter {
  readonly scale: number;
  readonly offset: number;
}

/** A gate argument in radians: a constant, or an affine function of one parameter. */
export type Angle = number | ParameterAngle;

export interface Gate {
  readonly name: GateName;
  readonly qubits: readonly number[];
  readonly args: readonly Angle[];
}

export interface Measurement {
  readonly qubit: number;
  readonly clbit: number;
}

export interface Circuit {
  readonly numQubits: number;
  readonly numClbits: number;
  /** Qubit indices name physical device qubits (`$k` in OpenQASM 3) rather than `q[k]`. */
  readonly physicalQubits: boolean;
  readonly gates: readonly Gate[];
  /** Terminal measurements; clbit i of an outcome is bit i of its integer index. */
  readonly measurements: readonly Measurement[];
  /** Parameter-matrix column order: inputs, then weights, each in declaration order. */
  readonly parameters: readonly Parameter[];
}

export interface CircuitDefinition {
  readonly numQubits: number;
  readonly numClbits?: number;
  readonly physicalQubits?: boolean;
  readonly gates: readonly Gate[];
  readonly measurements?: readonly Measurement[];
  /**
   * Declared parameters (may include ones no gate uses). Parameters used by gates but not
   * declared are appended in order of first use.
   */
  readonly parameters?: readonly Parameter[];
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `scale · input(name) + offset`, a data feature as a gate argument. */
export function input(name: string, scale = 1, offset = 0): ParameterAngle {
  return { kind: "input", name, scale, offset };
}

/** `scale · weight(name) + offset`, a trainable weight as a gate argument. */
export function weight(name: string, scale = 1, offset = 0): ParameterAngle {
  return { kind: "weight", name, scale, offset };
}

export function isParameterAngle(angle: Angle): angle is ParameterAngle {
  return typeof angle !== "number";
}

function parameterKey(parameter: Parameter): string {
  return `${parameter.kind}:${parameter.name}`;
}

/** What a message names; a function when building the text per gate would be wasted work. */
type Label = string | (() => string);
const text = (label: Label): string => (typeof label === "string" ? label : label());

function checkFinite(value: number, what: Label): void {
  if (!Number.isFinite(value)) {
    throw new QplaneError(
      "QPLANE_ERR_CIRCUIT_PARAMETER",
      `${text(what)} must be finite, got ${value}`,
    );
  }
}

function checkIndex(value: number, limit: number, what: Label): void {
  if (!Number.isInteger(value) || value < 0 || value >= limit) {
    throw new QplaneError(
      "QPLANE_ERR_CIRCUIT_QUBIT_RANGE",
      `${text(what)} ${value} is out of range 0..${limit - 1}`,
    );
  }
}

function checkGate(gate: Gate, index: number, numQubits: number): Gate {
  // messages are built only on failure: a 50 000-gate ansatz is validated in milliseconds
  const where = () => `gate ${index} (${gate.name})`;
  if (!isGateName(gate.name)) {
    throw new QplaneError(
      "QPLANE_ERR_CIRCUIT_UNKNOWN_GATE",
      `${where()}: unknown gate "${gate.name}"`,
    );
  }
  const gateSpec = GATES[gate.name];
  if (gate.qubits.length !== gateSpec.qubitCount) {
    throw new QplaneError(
      "QPLANE_ERR_CIRCUIT_ARITY",
      `${where()}: takes ${gateSpec.qubitCount} qubit(s), got ${gate.qubits.length}`,
    );
  }
  if (gate.args.length !== gateSpec.paramCount) {
    throw new QplaneError(
      "QPLANE_ERR_CIRCUIT_ARITY",
      `${where()}: takes ${gateSpec.paramCount} argument(s), got ${gate.args.length}`,
    );
  }
  for (const qubit of gate.qubits) checkIndex(qubit, numQubits, () => `${where()}: qubit`);
  if (gateSpec.qubitCount === 2 && gate.qubits[0] === gate.qubits[1]) {
    throw new QplaneError(
      "QPLANE_ERR_CIRCUIT_QUBIT_RANGE",
      `${where()}: both operands are qubit ${gate.qubits[0]}`,
    );
  }
  const args = gate.args.map((arg, k): Angle => {
    if (typeof arg === "number") {
      checkFinite(arg, () => `${where()}: argument ${k}`);
      return arg;
    }
    if (arg.kind !== "input" && arg.kind !== "weight") {
      throw new QplaneError(
        "QPLANE_ERR_CIRCUIT_PARAMETER",
        `${where()}: argument ${k} has unknown parameter kind "${String(arg.kind)}"`,
      );
    }
    if (!IDENTIFIER.test(arg.name)) {
      throw new QplaneError(
        "QPLANE_ERR_CIRCUIT_PARAMETER",
        `${where()}: parameter name "${arg.name}" is not an identifier`,
      );
    }
    checkFinite(arg.scale, () => `${where()}: argument ${k} scale`);
    checkFinite(arg.offset, () => `${where()}: argument ${k} offset`);
    return Object.freeze({ kind: arg.kind, name: arg.name, scale: arg.scale, offset: arg.offset });
  });
  return Object.freeze({
    name: gate.name,
    qubits: Object.freeze([...gate.qubits]),
    args: Object.freeze(args),
  });
}

/** Validates a definition and returns a deeply frozen circuit. */
export function createCircuit(definition: CircuitDefinition): Circuit {
  const { numQubits } = definition;
  if (!Number.isInteger(numQubits) || numQubits < 1) {
    throw new QplaneError(
      "QPLANE_ERR_CIRCUIT_QUBIT_RANGE",
      `numQubits must be a positive integer, got ${numQubits}`,
    );
  }
  const numClbits = definition.numClbits ?? 0;
  if (!Number.isInteger(numClbits) || numClbits < 0) {
    throw new QplaneError(
      "QPLANE_ERR_CIRCUIT_QUBIT_RANGE",
      `numClbits must be a non-negative integer, got ${numClbits}`,
    );
  }
  const gates = definition.gates.map((gate, index) => checkGate(gate, index, numQubits));

  const writtenClbits = new Set<number>();
  const measurements = (definition.measurements ?? []).map(({ qubit, clbit }, index) => {
    checkIndex(qubit, numQubits, `measurement ${index}: qubit`);
    checkIndex(clbit, numClbits, `measurement ${index}: clbit`);
    if (writtenClbits.has(clbit)) {
      throw new QplaneError(
        "QPLANE_ERR_CIRCUIT_QUBIT_RANGE",
        `measurement ${index}: clbit ${clbit} is already written by an earlier measurement`,
      );
    }
    writtenClbits.add(clbit);
    return Object.freeze({ qubit, clbit });
  });

  const declared = new Map<string, Parameter>();
  const declare = (parameter: Parameter): void => {
    if (!IDENTIFIER.test(parameter.name)) {
      throw new QplaneError(
        "QPLANE_ERR_CIRCUIT_PARAMETER",
        `parameter name "${parameter.name}" is not an identifier`,
      );
    }
    const key = parameterKey(parameter);
    if (!declared.has(key))
      declared.set(key, Object.freeze({ kind: parameter.kind, name: parameter.name }));
  };
  for (const parameter of definition.parameters ?? []) declare(parameter);
  for (const gate of gates) for (const arg of gate.args) if (isParameterAngle(arg)) declare(arg);
  const all = [...declared.values()];
  const names = new Map<string, ParameterKind>();
  for (const parameter of all) {
    const other = names.get(parameter.name);
    if (other !== undefined) {
      throw new QplaneError(
        "QPLANE_ERR_CIRCUIT_PARAMETER",
        `parameter "${parameter.name}" is declared both as ${other} and as ${parameter.kind}`,
      );
    }
    names.set(parameter.name, parameter.kind);
  }
  const parameters = [
    ...all.filter((p) => p.kind === "input"),
    ...all.filter((p) => p.kind === "weight"),
  ];

  return Object.freeze({
    numQubits,
    numClbits,
    physicalQubits: definition.physicalQubits ?? false,
    gates: Object.freeze(gates),
    measurements: Object.freeze(measurements),
    parameters: Object.freeze(parameters),
  });
}

/** Column index of each parameter name in the circuit's parameter matrix. */
export function parameterColumns(circuit: Circuit): ReadonlyMap<string, number> {
  return new Map(circuit.parameters.map((parameter, column) => [parameter.name, column]));
}

/** Column indices of the circuit's weights (what gradients differentiate). */
export function weightColumns(circuit: Circuit): number[] {
  const columns: number[] = [];
  circuit.parameters.forEach((parameter, column) => {
    if (parameter.kind === "weight") columns.push(column);
  });
  return columns;
}

/** Measures `c[i] = measure qubits[i]` and nothing else (replacing any measurements). */
export function withMeasured(circuit: Circuit, qubits: readonly number[]): Circuit {
  return createCircuit({
    ...circuit,
    numClbits: qubits.length,
    measurements: qubits.map((qubit, clbit) => ({ qubit, clbit })),
  });
}

/** Appends `c[i] = measure q[i]` for every qubit (replacing any measurements). */
export function withMeasureAll(circuit: Circuit): Circuit {
  return withMeasured(
    circuit,
    Array.from({ length: circuit.numQubits }, (_, qubit) => qubit),
  );
}

/** Fluent builder for circuits; `build()` validates and freezes. */
export class CircuitBuilder {
  private readonly gates: Gate[] = [];
  private readonly measurements: Measurement[] = [];
  private readonly parameters: Parameter[] = [];
  private numClbits = 0;

  constructor(
    readonly numQubits: number,
    private readonly physicalQubits = false,
  ) {}

  add(name: GateName, qubits: readonly number[], ...args: Angle[]): this {
    this.gates.push({ name, qubits, args });
    return this;
  }

  declare(parameter: Parameter): this {
    this.parameters.push(parameter);
    return this;
  }

  /** Measures `qubits[i]` into clbit `clbitOffset + i`, growing the register as needed. */
  measure(qubits: readonly number[], clbitOffset = this.numClbits): this {
    qubits.forEach((qubit, i) => {
      this.measurements.push({ qubit, clbit: clbitOffset + i });
    });
    this.numClbits = Math.max(this.numClbits, clbitOffset + qubits.length);
    return this;
  }

  measureAll(): this {
    return this.measure(
      Array.from({ length: this.numQubits }, (_, qubit) => qubit),
      0,
    );
  }

  build(): Circuit {
    return createCircuit({
      numQubits: this.numQubits,
      numClbits: this.numClbits,
      physicalQubits: this.physicalQubits,
      gates: this.gates,
      measurements: this.measurements,
      parameters: this.parameters,
    });
  }
}
