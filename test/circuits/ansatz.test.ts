import { describe, expect, it } from "vitest";
import { exactProbabilities } from "../../providers/local/simulator.js";
import {
  buildAnsatz,
  entanglingPairs,
  readoutQubitsForClasses,
} from "../../src/circuits/ansatz.js";

function describeGates(ansatz: ReturnType<typeof buildAnsatz>): string[] {
  return ansatz.circuit.gates.map((gate) => {
    const args = gate.args.map((arg) =>
      typeof arg === "number" ? String(arg) : `${arg.scale}*${arg.name}`,
    );
    return `${gate.name}(${args.join(",")}) ${gate.qubits.join(",")}`;
  });
}

describe("ansatz builders", () => {
  it("lays out encoding, rotations and a ring of CNOTs, re-uploading before each layer", () => {
    const ansatz = buildAnsatz({
      qubits: 3,
      layers: 2,
      entangler: "ring",
      encodingScale: 0.5,
      readoutQubits: [0, 1],
    });
    const layer = (l: number) => [
      "ry(0.5*x0) 0",
      "ry(0.5*x1) 1",
      "ry(0.5*x2) 2",
      `ry(1*theta_${l}_0_ry) 0`,
      `rz(1*theta_${l}_0_rz) 0`,
      `ry(1*theta_${l}_1_ry) 1`,
      `rz(1*theta_${l}_1_rz) 1`,
      `ry(1*theta_${l}_2_ry) 2`,
      `rz(1*theta_${l}_2_rz) 2`,
      "cx() 0,1",
      "cx() 1,2",
      "cx() 2,0",
    ];
    expect(describeGates(ansatz)).toEqual([...layer(0), ...layer(1)]);
    expect(ansatz.circuit.parameters.map((p) => p.name)).toEqual([
      "x0",
      "x1",
      "x2",
      ...ansatz.weightNames,
    ]);
    expect(ansatz.weightNames).toHaveLength(12);
    expect(ansatz.circuit.measurements).toEqual([
      { qubit: 0, clbit: 0 },
      { qubit: 1, clbit: 1 },
    ]);
  });

  it("encodes only once without re-uploading, and uses CZ when asked", () => {
    const ansatz = buildAnsatz({ qubits: 2, layers: 2, reupload: false, entanglingGate: "cz" });
    const gates = describeGates(ansatz);
    expect(gates.filter((g) => g.includes("x0"))).toEqual(["ry(1*x0) 0"]);
    expect(gates.filter((g) => g.startsWith("cz"))).toEqual(["cz() 0,1", "cz() 0,1"]);
  });

  it("alternates ry and rz when there are more features than qubits", () => {
    const ansatz = buildAnsatz({ qubits: 2, layers: 1, features: 5 });
    expect(describeGates(ansatz).slice(0, 5)).toEqual([
      "ry(1*x0) 0",
      "ry(1*x1) 1",
      "rz(1*x2) 0",
      "rz(1*x3) 1",
      "ry(1*x4) 0",
    ]);
  });

  it("gives p(1) = sin²((x + θ)/2) for the one-qubit, one-layer model", () => {
    const { circuit } = buildAnsatz({ qubits: 1, layers: 1 });
    const [x, theta, phi] = [0.4, 1.1, -0.6];
    const { values } = exactProbabilities(circuit, [[x, theta, phi]]);
    expect(values[1]).toBeCloseTo(Math.sin((x + theta) / 2) ** 2, 14);
  });

  it("lists entangling pairs and readout sizes", () => {
    expect(entanglingPairs(4, "full")).toEqual([
      [0, 1],
      [0, 2],
      [0, 3],
      [1, 2],
      [1, 3],
      [2, 3],
    ]);
    expect(entanglingPairs(2, "ring")).toEqual([[0, 1]]);
    expect(readoutQubitsForClasses(2, 4)).toEqual([3]);
    expect(readoutQubitsForClasses(3, 4)).toEqual([2, 3]);
    expect(readoutQubitsForClasses(5, 4)).toEqual([1, 2, 3]);
  });

  it("refuses bad options naming the field and value", () => {
    expect(() => buildAnsatz({ qubits: 0, layers: 1 })).toThrow(
      /qubits must be an integer in 1..64, got 0/,
    );
    expect(() => buildAnsatz({ qubits: 2, layers: 1.5 })).toThrow(
      /layers must be an integer in 0..10000, got 1.5/,
    );
    expect(() => buildAnsatz({ qubits: 2, layers: 1, readoutQubits: [2] })).toThrow(
      /readoutQubits entry must be an integer in 0..1, got 2/,
    );
    expect(() => buildAnsatz({ qubits: 2, layers: 1, readoutQubits: [0, 0] })).toThrow(/distinct/);
  });
});
