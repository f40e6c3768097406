/**
 * Unitary matrices of the IR's gates and their derivatives with respect to each argument.
 *
 * Layout: complex entries interleaved (re, im), row-major. One-qubit gates are 2×2
 * (8 numbers). Two-qubit gates are 4×4 (32 numbers) in Qiskit's little-endian basis:
 * index = bit(first qubit) + 2·bit(second qubit); for controlled gates the first qubit is
 * the control. Writers fill a caller-provided buffer so hot paths never allocate.
 */
import { GATES, type GateName } from "./gates.js";

export const MATRIX1_SIZE = 8;
export const MATRIX2_SIZE = 32;

const SQRT1_2 = Math.SQRT1_2;

/** Base one-qubit gate applied to the target of each controlled gate. */
export const CONTROLLED_BASE: Readonly<Partial<Record<GateName, GateName>>> = {
  cx: "x",
  cy: "y",
  cz: "z",
  crx: "rx",
  cry: "ry",
  crz: "rz",
};

function set1(
  out: Float64Array,
  o: number,
  ar: number,
  ai: number,
  br: number,
  bi: number,
  cr: number,
  ci: number,
  dr: number,
  di: number,
): void {
  out[o] = ar;
  out[o + 1] = ai;
  out[o + 2] = br;
  out[o + 3] = bi;
  out[o + 4] = cr;
  out[o + 5] = ci;
  out[o + 6] = dr;
  out[o + 7] = di;
}

/** Writes the 2×2 matrix of a one-qubit gate at `out[o..o+8)`. */
export function writeMatrix1(
  name: GateName,
  a0: number,
  a1: number,
  a2: number,
  out: Float64Array,
  o = 0,
): void {
  switch (name) {
    // parametric gates first: they are the ones rewritten for every parameter row
    case "rx": {
      const c = Math.cos(a0 / 2);
      const s = Math.sin(a0 / 2);
      return set1(out, o, c, 0, 0, -s, 0, -s, c, 0);
    }
    case "ry": {
      const c = Math.cos(a0 / 2);
      const s = Math.sin(a0 / 2);
      return set1(out, o, c, 0, -s, 0, s, 0, c, 0);
    }
    case "rz": {
      const c = Math.cos(a0 / 2);
      const s = Math.sin(a0 / 2);
      return set1(out, o, c, -s, 0, 0, 0, 0, c, s);
    }
    case "p":
      return set1(out, o, 1, 0, 0, 0, 0, 0, Math.cos(a0), Math.sin(a0));
    case "u3": {
      // U3(θ,φ,λ) = [[cos θ/2, −e^{iλ} sin θ/2], [e^{iφ} sin θ/2, e^{i(φ+λ)} cos θ/2]]
      const c = Math.cos(a0 / 2);
      const s = Math.sin(a0 / 2);
      return set1(
        out,
        o,
        c,
        0,
        -Math.cos(a2) * s,
        -Math.sin(a2) * s,
        Math.cos(a1) * s,
        Math.sin(a1) * s,
        Math.cos(a1 + a2) * c,
        Math.sin(a1 + a2) * c,
      );
    }
    case "id":
      return set1(out, o, 1, 0, 0, 0, 0, 0, 1, 0);
    case "h":
      return set1(out, o, SQRT1_2, 0, SQRT1_2, 0, SQRT1_2, 0, -SQRT1_2, 0);
    case "x":
      return set1(out, o, 0, 0, 1, 0, 1, 0, 0, 0);
    case "y":
      return set1(out, o, 0, 0, 0, -1, 0, 1, 0, 0);
    case "z":
      return set1(out, o, 1, 0, 0, 0, 0, 0, -1, 0);
    case "s":
      return set1(out, o, 1, 0, 0, 0, 0, 0, 0, 1);
    case "sdg":
      return set1(out, o, 1, 0, 0, 0, 0, 0, 0, -1);
    case "t":
      return set1(out, o, 1, 0, 0, 0, 0, 0, SQRT1_2, SQRT1_2);
    case "tdg":
      return set1(out, o, 1, 0, 0, 0, 0, 0, SQRT1_2, -SQRT1_2);
    case "sx":
      // √X = ½[[1+i, 1−i], [1−i, 1+i]]
      return set1(out, o, 0.5, 0.5, 0.5, -0.5, 0.5, -0.5, 0.5, 0.5);
    default:
      throw new Error(`writeMatrix1: ${name} is not a one-qubit gate`);
  }
}

/** Writes d(matrix)/d(argument k) of a one-qubit gate at `out[o..o+8)`. */
export function writeDerivative1(
  name: GateName,
  a0: number,
  a1: number,
  a2: number,
  k: number,
  out: Float64Array,
  o = 0,
): void {
  const c = Math.cos(a0 / 2) / 2;
  const s = Math.sin(a0 / 2) / 2;
  switch (name) {
    case "rx":
      return set1(out, o, -s, 0, 0, -c, 0, -c, -s, 0);
    case "ry":
      return set1(out, o, -s, 0, -c, 0, c, 0, -s, 0);
    case "rz":
      // d/dθ e^{∓iθ/2} = ∓(i/2) e^{∓iθ/2}
      return set1(out, o, -s, -c, 0, 0, 0, 0, -s, c);
    case "p":
      return set1(out, o, 0, 0, 0, 0, 0, 0, -Math.sin(a0), Math.cos(a0));
    case "u3": {
      const c2 = 2 * c;
      const s2 = 2 * s;
      if (k === 0) {
        return set1(
          out,
          o,
          -s,
          0,
          -Math.cos(a2) * c,
          -Math.sin(a2) * c,
          Math.cos(a1) * c,
          Math.sin(a1) * c,
          -Math.cos(a1 + a2) * s,
          -Math.sin(a1 + a2) * s,
        );
      }
      if (k === 1) {
        // d/dφ: i·(row 1)
        return set1(
          out,
          o,
          0,
          0,
          0,
          0,
          -Math.sin(a1) * s2,
          Math.cos(a1) * s2,
          -Math.sin(a1 + a2) * c2,
          Math.cos(a1 + a2) * c2,
        );
      }
      // d/dλ: i·(column 1)
      return set1(
        out,
        o,
        0,
        0,
        Math.sin(a2) * s2,
        -Math.cos(a2) * s2,
        0,
        0,
        -Math.sin(a1 + a2) * c2,
        Math.cos(a1 + a2) * c2,
      );
    }
    default:
      throw new Error(`writeDerivative1: ${name} has no arguments to differentiate`);
  }
}

function zero(out: Float64Array, o: number, length: number): void {
  out.fill(0, o, o + length);
}

function setEntry(
  out: Float64Array,
  o: number,
  row: number,
  col: number,
  re: number,
  im: number,
): void {
  out[o + 8 * row + 2 * col] = re;
  out[o + 8 * row + 2 * col + 1] = im;
}

/** Embeds a 2×2 block as the target action of a controlled gate (control = low bit). */
function writeControlledFromBlock(
  block: Float64Array,
  out: Float64Array,
  o: number,
  identity: boolean,
): void {
  zero(out, o, MATRIX2_SIZE);
  if (identity) {
    setEntry(out, o, 0, 0, 1, 0);
    setEntry(out, o, 2, 2, 1, 0);
  }
  // control set: indices 1 (target 0) and 3 (target 1)
  setEntry(out, o, 1, 1, block[0]!, block[1]!);
  setEntry(out, o, 1, 3, block[2]!, block[3]!);
  setEntry(out, o, 3, 1, block[4]!, block[5]!);
  setEntry(out, o, 3, 3, block[6]!, block[7]!);
}

const scratch1 = new Float64Array(MATRIX1_SIZE);

/** Writes the 4×4 matrix of a two-qubit gate at `out[o..o+32)`. */
export function writeMatrix2(name: GateName, a0: number, out: Float64Array, o = 0): void {
  const base = CONTROLLED_BASE[name];
  if (base !== undefined) {
    writeMatrix1(base, a0, 0, 0, scratch1);
    return writeControlledFromBlock(scratch1, out, o, true);
  }
  zero(out, o, MATRIX2_SIZE);
  switch (name) {
    case "swap":
      setEntry(out, o, 0, 0, 1, 0);
      setEntry(out, o, 1, 2, 1, 0);
      setEntry(out, o, 2, 1, 1, 0);
      setEntry(out, o, 3, 3, 1, 0);
      return;
    case "ecr":
      // ECR = (IX − XY)/√2 = 1/√2 [[0,1,0,i],[1,0,−i,0],[0,i,0,1],[−i,0,1,0]]
      setEntry(out, o, 0, 1, SQRT1_2, 0);
      setEntry(out, o, 0, 3, 0, SQRT1_2);
      setEntry(out, o, 1, 0, SQRT1_2, 0);
      setEntry(out, o, 1, 2, 0, -SQRT1_2);
      setEntry(out, o, 2, 1, 0, SQRT1_2);
      setEntry(out, o, 2, 3, SQRT1_2, 0);
      setEntry(out, o, 3, 0, 0, -SQRT1_2);
      setEntry(out, o, 3, 2, SQRT1_2, 0);
      return;
    case "rzz": {
      // RZZ(θ) = exp(−iθ/2 Z⊗Z): e^{−iθ/2} on even parity, e^{+iθ/2} on odd
      const c = Math.cos(a0 / 2);
      const s = Math.sin(a0 / 2);
      setEntry(out, o, 0, 0, c, -s);
      setEntry(out, o, 1, 1, c, s);
      setEntry(out, o, 2, 2, c, s);
      setEntry(out, o, 3, 3, c, -s);
      return;
    }
    default:
      throw new Error(`writeMatrix2: ${name} is not a two-qubit gate`);
  }
}

/** Writes d(matrix)/d(argument 0) of a parametric two-qubit gate at `out[o..o+32)`. */
export function writeDerivative2(name: GateName, a0: number, out: Float64Array, o = 0): void {
  const base = CONTROLLED_BASE[name];
  if (base !== undefined) {
    writeDerivative1(base, a0, 0, 0, 0, scratch1);
    return writeControlledFromBlock(scratch1, out, o, false);
  }
  if (name !== "rzz")
    throw new Error(`writeDerivative2: ${name} has no arguments to differentiate`);
  zero(out, o, MATRIX2_SIZE);
  const c = Math.cos(a0 / 2) / 2;
  const s = Math.sin(a0 / 2) / 2;
  setEntry(out, o, 0, 0, -s, -c);
  setEntry(out, o, 1, 1, -s, c);
  setEntry(out, o, 2, 2, -s, c);
  setEntry(out, o, 3, 3, -s, -c);
}

/** The gate's matrix as a new array (2×2 or 4×4); for tests, transpilation and tooling. */
export function gateMatrix(name: GateName, args: readonly number[] = []): Float64Array {
  if (GATES[name].qubitCount === 1) {
    const out = new Float64Array(MATRIX1_SIZE);
    writeMatrix1(name, args[0] ?? 0, args[1] ?? 0, args[2] ?? 0, out);
    return out;
  }
  const out = new Float64Array(MATRIX2_SIZE);
  writeMatrix2(name, args[0] ?? 0, out);
  return out;
}

/** d(matrix)/d(argument k) as a new array. */
export function gateDerivative(name: GateName, args: readonly number[], k: number): Float64Array {
  if (GATES[name].qubitCount === 1) {
    const out = new Float64Array(MATRIX1_SIZE);
    writeDerivative1(name, args[0] ?? 0, args[1] ?? 0, args[2] ?? 0, k, out);
    return out;
  }
  const out = new Float64Array(MATRIX2_SIZE);
  writeDerivative2(name, args[0] ?? 0, out);
  return out;
}

/** out[oo..] = a[ao..] · b[bo..] for 2×2 complex matrices (out may alias neither input). */
export function multiply2x2(
  a: Float64Array,
  ao: number,
  b: Float64Array,
  bo: number,
  out: Float64Array,
  oo: number,
): void {
  for (let r = 0; r < 2; r++) {
    for (let c = 0; c < 2; c++) {
      const x0r = a[ao + 4 * r]!;
      const x0i = a[ao + 4 * r + 1]!;
      const x1r = a[ao + 4 * r + 2]!;
      const x1i = a[ao + 4 * r + 3]!;
      const y0r = b[bo + 2 * c]!;
      const y0i = b[bo + 2 * c + 1]!;
      const y1r = b[bo + 4 + 2 * c]!;
      const y1i = b[bo + 4 + 2 * c + 1]!;
      out[oo + 4 * r + 2 * c] = x0r * y0r - x0i * y0i + x1r * y1r - x1i * y1i;
      out[oo + 4 * r + 2 * c + 1] = x0r * y0i + x0i * y0r + x1r * y1i + x1i * y1r;
    }
  }
}
