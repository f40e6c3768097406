/**
 * The gate set of the circuit IR. Matrices follow Qiskit's conventions (little-endian:
 * the first qubit argument is the least significant bit of a basis index); see matrices.ts.
 */
export const GATE_NAMES = [
  "id",
  "h",
  "x",
  "y",
  "z",
  "s",
  "sdg",
  "t",
  "tdg",
  "sx",
  "rx",
  "ry",
  "rz",
  "p",
  "u3",
  "cx",
  "cy",
  "cz",
  "swap",
  "crx",
  "cry",
  "crz",
  "ecr",
  "rzz",
] as const;

export type GateName = (typeof GATE_NAMES)[number];

export interface GateSpec {
  readonly name: GateName;
  readonly qubitCount: 1 | 2;
  readonly paramCount: 0 | 1 | 3;
  /** In OpenQASM 3's `stdgates.inc`; the others need a `gate` definition in exported text. */
  readonly inStdGates: boolean;
}

function spec(
  name: GateName,
  qubitCount: 1 | 2,
  paramCount: 0 | 1 | 3,
  inStdGates = true,
): GateSpec {
  return { name, qubitCount, paramCount, inStdGates };
}

export const GATES: Readonly<Record<GateName, GateSpec>> = {
  id: spec("id", 1, 0),
  h: spec("h", 1, 0),
  x: spec("x", 1, 0),
  y: spec("y", 1, 0),
  z: spec("z", 1, 0),
  s: spec("s", 1, 0),
  sdg: spec("sdg", 1, 0),
  t: spec("t", 1, 0),
  tdg: spec("tdg", 1, 0),
  sx: spec("sx", 1, 0),
  rx: spec("rx", 1, 1),
  ry: spec("ry", 1, 1),
  rz: spec("rz", 1, 1),
  p: spec("p", 1, 1),
  u3: spec("u3", 1, 3),
  cx: spec("cx", 2, 0),
  cy: spec("cy", 2, 0),
  cz: spec("cz", 2, 0),
  swap: spec("swap", 2, 0),
  crx: spec("crx", 2, 1),
  cry: spec("cry", 2, 1),
  crz: spec("crz", 2, 1),
  ecr: spec("ecr", 2, 0, false),
  rzz: spec("rzz", 2, 1, false),
};

export function isGateName(name: string): name is GateName {
  return Object.hasOwn(GATES, name);
}
