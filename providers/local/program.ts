/**
 * Compiles an immutable Circuit once into a flat program for the statevector kernels:
 * one kernel kind and operand pair per gate, a matrix buffer, and for each gate argument
 * its parameter column (or −1), scale and offset. Binding a parameter row rewrites only the
 * matrices of parametric gates in place, so evaluating thousands of rows never copies the
 * circuit or allocates.
 */
import { GATES, type GateName } from "../../src/circuits/gates.js";
import { type Circuit, isParameterAngle } from "../../src/circuits/ir.js";
import {
  CONTROLLED_BASE,
  MATRIX1_SIZE,
  MATRIX2_SIZE,
  writeMatrix1,
  writeMatrix2,
} from "../../src/circuits/matrices.js";

/** Kernel kinds; each names the specialised kernel in kernels.ts that applies the gate. */
export const Kernel = {
  skip: 0,
  matrix1: 1,
  real1: 2,
  diagonal1: 3,
  x: 4,
  cx: 5,
  cz: 6,
  swap: 7,
  controlled1: 8,
  diagonal2: 9,
  matrix2: 10,
} as const;
export type KernelKind = (typeof Kernel)[keyof typeof Kernel];

const KERNEL_OF_GATE: Readonly<Record<GateName, KernelKind>> = {
  id: Kernel.skip,
  h: Kernel.real1,
  x: Kernel.x,
  y: Kernel.matrix1,
  z: Kernel.diagonal1,
  s: Kernel.diagonal1,
  sdg: Kernel.diagonal1,
  t: Kernel.diagonal1,
  tdg: Kernel.diagonal1,
  sx: Kernel.matrix1,
  rx: Kernel.matrix1,
  ry: Kernel.real1,
  rz: Kernel.diagonal1,
  p: Kernel.diagonal1,
  u3: Kernel.matrix1,
  cx: Kernel.cx,
  cy: Kernel.controlled1,
  cz: Kernel.cz,
  swap: Kernel.swap,
  crx: Kernel.controlled1,
  cry: Kernel.controlled1,
  crz: Kernel.controlled1,
  ecr: Kernel.matrix2,
  rzz: Kernel.diagonal2,
};

export interface Program {
  readonly circuit: Circuit;
  readonly numQubits: number;
  readonly dim: number;
  readonly gateCount: number;
  readonly gateNames: readonly GateName[];
  readonly kernels: Uint8Array;
  /** First and second operand qubit per gate (second = −1 for one-qubit gates). */
  readonly qubitA: Int32Array;
  readonly qubitB: Int32Array;
  /** Offset of each gate's matrix in `matrices` (the 2×2 target block for controlled gates). */
  readonly matrixOffset: Int32Array;
  /** Current matrices; parametric entries are rewritten by {@link bindRow}. */
  readonly matrices: Float64Array;
  /** Index of each gate's first argument in the arg* arrays; argStart[g+1] − argStart[g] args. */
  readonly argStart: Int32Array;
  /** Parameter column of each argument, −1 for a constant. */
  readonly argColumn: Int32Array;
  readonly argScale: Float64Array;
  readonly argOffset: Float64Array;
  /** Values of the arguments for the row last bound. */
  readonly argValue: Float64Array;
  /** Gates with at least one parametric argument, in circuit order. */
  readonly parametricGates: Int32Array;
}

function matrixSize(kernel: KernelKind): number {
  return kernel === Kernel.matrix2 || kernel === Kernel.diagonal2 ? MATRIX2_SIZE : MATRIX1_SIZE;
}

/** Writes gate g's matrix from the current argValue entries. */
export function writeGateMatrix(program: Program, g: number, out: Float64Array, o: number): void {
  const name = program.gateNames[g]!;
  const start = program.argStart[g]!;
  const count = program.argStart[g + 1]! - start;
  const a0 = count > 0 ? program.argValue[start]! : 0;
  if (GATES[name].qubitCount === 1) {
    const a1 = count > 1 ? program.argValue[start + 1]! : 0;
    const a2 = count > 2 ? program.argValue[start + 2]! : 0;
    writeMatrix1(name, a0, a1, a2, out, o);
    return;
  }
  const base = CONTROLLED_BASE[name];
  if (base !== undefined) writeMatrix1(base, a0, 0, 0, out, o);
  else writeMatrix2(name, a0, out, o);
}

export function compileProgram(circuit: Circuit): Program {
  const gateCount = circuit.gates.length;
  const columns = new Map(circuit.parameters.map((p, column) => [`${p.kind}:${p.name}`, column]));
  const kernels = new Uint8Array(gateCount);
  const qubitA = new Int32Array(gateCount);
  const qubitB = new Int32Array(gateCount).fill(-1);
  const matrixOffset = new Int32Array(gateCount);
  const argStart = new Int32Array(gateCount + 1);
  let matrixLength = 0;
  let argCount = 0;
  circuit.gates.forEach((gate, g) => {
    const kernel = KERNEL_OF_GATE[gate.name];
    kernels[g] = kernel;
    qubitA[g] = gate.qubits[0]!;
    if (gate.qubits.length > 1) qubitB[g] = gate.qubits[1]!;
    matrixOffset[g] = matrixLength;
    matrixLength += matrixSize(kernel);
    argStart[g] = argCount;
    argCount += gate.args.length;
  });
  argStart[gateCount] = argCount;

  const argColumn = new Int32Array(argCount).fill(-1);
  const argScale = new Float64Array(argCount);
  const argOffset = new Float64Array(argCount);
  const argValue = new Float64Array(argCount);
  const parametric: number[] = [];
  circuit.gates.forEach((gate, g) => {
    let isParametric = false;
    gate.args.forEach((arg, k) => {
      const slot = argStart[g]! + k;
      if (isParameterAngle(arg)) {
        argColumn[slot] = columns.get(`${arg.kind}:${arg.name}`)!;
        argScale[slot] = arg.scale;
        argOffset[slot] = arg.offset;
        isParametric = true;
      } else {
        argOffset[slot] = arg;
        argValue[slot] = arg;
      }
    });
    if (isParametric) parametric.push(g);
  });

  const program: Program = {
    circuit,
    numQubits: circuit.numQubits,
    dim: 2 ** circuit.numQubits,
    gateCount,
    gateNames: circuit.gates.map((gate) => gate.name),
    kernels,
    qubitA,
    qubitB,
    matrixOffset,
    matrices: new Float64Array(matrixLength),
    argStart,
    argColumn,
    argScale,
    argOffset,
    argValue,
    parametricGates: Int32Array.from(parametric),
  };
  // constant gates keep the matrix written here; parametric ones are rewritten per row
  for (let g = 0; g < gateCount; g++)
    writeGateMatrix(program, g, program.matrices, matrixOffset[g]!);
  return program;
}

/** Binds row `row` of a row-major parameter matrix: argument values and parametric matrices. */
export function bindRow(program: Program, values: Float64Array, cols: number, row: number): void {
  const { argColumn, argScale, argOffset, argValue, parametricGates } = program;
  const rowStart = row * cols;
  for (let slot = 0; slot < argColumn.length; slot++) {
    const column = argColumn[slot]!;
    if (column >= 0)
      argValue[slot] = argScale[slot]! * values[rowStart + column]! + argOffset[slot]!;
  }
  for (let k = 0; k < parametricGates.length; k++) {
    const g = parametricGates[k]!;
    writeGateMatrix(program, g, program.matrices, program.matrixOffset[g]!);
  }
}
