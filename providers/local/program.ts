/**
 * Compiles an immutable Circuit once into a flat program for the statevector kernels.
 *
 * Gate fusion: runs of one-qubit gates on the same qubit with no two-qubit gate touching
 * that qubit in between are merged into one operation whose matrix is their product
 * (gates on other qubits commute with them). The standard layer [ry(x) ry(θ) rz(φ) on each
 * qubit, CNOT chain] thus costs one pass per qubit instead of three. A fused operation is
 * diagonal or real when all its gates are, and gets the matching specialised kernel.
 *
 * Binding a parameter row rewrites, in place, only the matrices of gates with parametric
 * arguments and of the operations containing them: evaluating thousands of rows never
 * copies the circuit or allocates.
 */
import { GATES, type GateName } from "../../src/circuits/gates.js";
import { type Circuit, isParameterAngle } from "../../src/circuits/ir.js";
import {
  CONTROLLED_BASE,
  MATRIX1_SIZE,
  MATRIX2_SIZE,
  multiply2x2,
  writeMatrix1,
  writeMatrix2,
} from "../../src/circuits/matrices.js";

/** Kernel kinds; each names the specialised kernel in kernels.ts that applies an operation. */
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

const DIAGONAL_1Q: ReadonlySet<GateName> = new Set(["z", "s", "sdg", "t", "tdg", "rz", "p"]);
const REAL_1Q: ReadonlySet<GateName> = new Set(["h", "x", "z", "ry"]);

export interface CompileOptions {
  /** Merge runs of one-qubit gates per qubit. @defaultValue true */
  readonly fuse?: boolean;
}

export interface Program {
  readonly circuit: Circuit;
  readonly numQubits: number;
  readonly dim: number;

  // ---- per circuit gate ----
  readonly gateNames: readonly GateName[];
  /** Offset of each gate's own matrix in `matrices` (2×2 target block for controlled gates). */
  readonly gateMatrixOffset: Int32Array;
  /** Index of each gate's first argument in the arg* arrays; argStart[g+1] − argStart[g] args. */
  readonly argStart: Int32Array;
  /** Parameter column of each argument, −1 for a constant. */
  readonly argColumn: Int32Array;
  readonly argScale: Float64Array;
  readonly argOffset: Float64Array;
  /** Values of the arguments for the row last bound. */
  readonly argValue: Float64Array;

  // ---- per (possibly fused) operation, in application order ----
  readonly opCount: number;
  readonly kernels: Uint8Array;
  /** First and second operand qubit per operation (second = −1 for one-qubit operations). */
  readonly qubitA: Int32Array;
  readonly qubitB: Int32Array;
  readonly matrixOffset: Int32Array;
  /** Circuit gates of operation o, in application order: opGates[opGateStart[o] .. opGateStart[o+1]). */
  readonly opGateStart: Int32Array;
  readonly opGates: Int32Array;
  /** Operations containing a parametric gate, in order. */
  readonly parametricOps: Int32Array;

  /** Gate and fused-operation matrices; parametric entries are rewritten by {@link bindRow}. */
  readonly matrices: Float64Array;
}

/** Writes gate g's own matrix from the current argValue entries. */
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

const productScratch = new Float64Array(2 * MATRIX1_SIZE);

/** Recomputes a fused operation's matrix as the product of its gates' matrices. */
function writeFusedMatrix(program: Program, op: number): void {
  const start = program.opGateStart[op]!;
  const end = program.opGateStart[op + 1]!;
  const { matrices, gateMatrixOffset, opGates } = program;
  const target = program.matrixOffset[op]!;
  if (target === gateMatrixOffset[opGates[start]!]!) return; // single gate: shares its matrix
  // accumulate U_k ⋯ U_1 in scratch, ping-ponging between its two halves
  const first = gateMatrixOffset[opGates[start]!]!;
  for (let i = 0; i < MATRIX1_SIZE; i++) productScratch[i] = matrices[first + i]!;
  let current = 0;
  for (let k = start + 1; k < end; k++) {
    const next = current === 0 ? MATRIX1_SIZE : 0;
    multiply2x2(
      matrices,
      gateMatrixOffset[opGates[k]!]!,
      productScratch,
      current,
      productScratch,
      next,
    );
    current = next;
  }
  for (let i = 0; i < MATRIX1_SIZE; i++) matrices[target + i] = productScratch[current + i]!;
}

function fusedKernel(names: readonly GateName[]): KernelKind {
  if (names.length === 1) return KERNEL_OF_GATE[names[0]!];
  if (names.every((name) => DIAGONAL_1Q.has(name))) return Kernel.diagonal1;
  if (names.every((name) => REAL_1Q.has(name))) return Kernel.real1;
  return Kernel.matrix1;
}

export function compileProgram(circuit: Circuit, options: CompileOptions = {}): Program {
  const fuse = options.fuse ?? true;
  const gateCount = circuit.gates.length;
  const columns = new Map(circuit.parameters.map((p, column) => [`${p.kind}:${p.name}`, column]));

  // per-gate matrices and arguments
  const gateMatrixOffset = new Int32Array(gateCount);
  const argStart = new Int32Array(gateCount + 1);
  let matrixLength = 0;
  let argCount = 0;
  circuit.gates.forEach((gate, g) => {
    gateMatrixOffset[g] = matrixLength;
    matrixLength +=
      KERNEL_OF_GATE[gate.name] === Kernel.matrix2 || gate.name === "rzz"
        ? MATRIX2_SIZE
        : MATRIX1_SIZE;
    argStart[g] = argCount;
    argCount += gate.args.length;
  });
  argStart[gateCount] = argCount;
  const argColumn = new Int32Array(argCount).fill(-1);
  const argScale = new Float64Array(argCount);
  const argOffset = new Float64Array(argCount);
  const argValue = new Float64Array(argCount);
  const gateIsParametric = circuit.gates.map((gate, g) => {
    let parametric = false;
    gate.args.forEach((arg, k) => {
      const slot = argStart[g]! + k;
      if (isParameterAngle(arg)) {
        argColumn[slot] = columns.get(`${arg.kind}:${arg.name}`)!;
        argScale[slot] = arg.scale;
        argOffset[slot] = arg.offset;
        parametric = true;
      } else {
        argOffset[slot] = arg;
        argValue[slot] = arg;
      }
    });
    return parametric;
  });

  // group gates into operations
  const opGateLists: number[][] = [];
  const openOpOnQubit = new Int32Array(circuit.numQubits).fill(-1);
  circuit.gates.forEach((gate, g) => {
    if (gate.name === "id") return;
    if (gate.qubits.length === 1) {
      const q = gate.qubits[0]!;
      const open = openOpOnQubit[q]!;
      if (fuse && open >= 0) {
        opGateLists[open]!.push(g);
        return;
      }
      openOpOnQubit[q] = opGateLists.length;
    } else {
      for (const q of gate.qubits) openOpOnQubit[q] = -1;
    }
    opGateLists.push([g]);
  });

  const opCount = opGateLists.length;
  const kernels = new Uint8Array(opCount);
  const qubitA = new Int32Array(opCount);
  const qubitB = new Int32Array(opCount).fill(-1);
  const matrixOffset = new Int32Array(opCount);
  const opGateStart = new Int32Array(opCount + 1);
  const opGates = new Int32Array(gateCount);
  const parametricOps: number[] = [];
  let cursor = 0;
  opGateLists.forEach((gates, op) => {
    const first = circuit.gates[gates[0]!]!;
    kernels[op] = fusedKernel(gates.map((g) => circuit.gates[g]!.name));
    qubitA[op] = first.qubits[0]!;
    if (first.qubits.length > 1) qubitB[op] = first.qubits[1]!;
    if (gates.length === 1) {
      matrixOffset[op] = gateMatrixOffset[gates[0]!]!;
    } else {
      matrixOffset[op] = matrixLength;
      matrixLength += MATRIX1_SIZE;
    }
    opGateStart[op] = cursor;
    for (const g of gates) opGates[cursor++] = g;
    if (gates.some((g) => gateIsParametric[g])) parametricOps.push(op);
  });
  opGateStart[opCount] = cursor;

  const program: Program = {
    circuit,
    numQubits: circuit.numQubits,
    dim: 2 ** circuit.numQubits,
    gateNames: circuit.gates.map((gate) => gate.name),
    gateMatrixOffset,
    argStart,
    argColumn,
    argScale,
    argOffset,
    argValue,
    opCount,
    kernels,
    qubitA,
    qubitB,
    matrixOffset,
    opGateStart,
    opGates: opGates.subarray(0, cursor),
    parametricOps: Int32Array.from(parametricOps),
    matrices: new Float64Array(matrixLength),
  };
  // constant gates and operations keep the matrices written here
  for (let g = 0; g < gateCount; g++)
    writeGateMatrix(program, g, program.matrices, gateMatrixOffset[g]!);
  for (let op = 0; op < opCount; op++) writeFusedMatrix(program, op);
  return program;
}

/** Binds row `row` of a row-major parameter matrix: argument values, then matrices. */
export function bindRow(program: Program, values: Float64Array, cols: number, row: number): void {
  const {
    argColumn,
    argScale,
    argOffset,
    argValue,
    parametricOps,
    opGateStart,
    opGates,
    argStart,
  } = program;
  const rowStart = row * cols;
  for (let slot = 0; slot < argColumn.length; slot++) {
    const column = argColumn[slot]!;
    if (column >= 0)
      argValue[slot] = argScale[slot]! * values[rowStart + column]! + argOffset[slot]!;
  }
  for (let k = 0; k < parametricOps.length; k++) {
    const op = parametricOps[k]!;
    for (let i = opGateStart[op]!; i < opGateStart[op + 1]!; i++) {
      const g = opGates[i]!;
      if (argStart[g + 1]! > argStart[g]!)
        writeGateMatrix(program, g, program.matrices, program.gateMatrixOffset[g]!);
    }
    writeFusedMatrix(program, op);
  }
}
