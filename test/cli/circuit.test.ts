import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { buildAnsatz } from "../../src/circuits/ansatz.js";
import { analyzeModelProgram } from "../../src/circuits/qasm3/index.js";
import { modelCircuitProgram } from "../../src/cli/circuit.js";

const bin = fileURLToPath(new URL("../../bin/qplane.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "qplane-circuit-h7-"));

function qplane(...args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function specFile(name: string, spec: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(spec));
  return path;
}

describe("modelCircuitProgram", () => {
  it("writes the built-in ansatz with x<j> feature inputs, named weights and T's bits", () => {
    const text = modelCircuitProgram({
      dataset: { name: "moons" },
      model: { qubits: 2, layers: 1, encoding: "fixed" },
    });
    expect(text).toBe(
      [
        "OPENQASM 3.0;",
        'include "stdgates.inc";',
        "// qplane model: vqc, 2 qubits, 1 layer(s), entangler linear (cx), encoding fixed",
        "// dataset moons: 2 feature(s) after model.scaling / model.reduce",
        "// input x<j> receives feature j; the other inputs are trainable weights",
        "// readout: c[i] = bit i of T's outcome (qubits 1)",
        "input float[64] x0;",
        "input float[64] x1;",
        "input float[64] theta_0_0_ry;",
        "input float[64] theta_0_0_rz;",
        "input float[64] theta_0_1_ry;",
        "input float[64] theta_0_1_rz;",
        "qubit[2] q;",
        "bit[1] c;",
        "ry(x0) q[0];",
        "ry(x1) q[1];",
        "ry(theta_0_0_ry) q[0];",
        "rz(theta_0_0_rz) q[0];",
        "ry(theta_0_1_ry) q[1];",
        "rz(theta_0_1_rz) q[1];",
        "cx q[0], q[1];",
        "c[0] = measure q[1];",
        "",
      ].join("\n"),
    );
  });

  it("round trip: analysing the program gives back the circuit training builds", () => {
    // iris: 4 features, 3 classes → readout "auto" is the last ceil(log2 3) = 2 qubits
    const text = modelCircuitProgram({
      dataset: { name: "iris" },
      model: { qubits: 4, layers: 2, encoding: "fixed", entangler: "ring", entanglingGate: "cz" },
    });
    const expected = buildAnsatz({
      qubits: 4,
      layers: 2,
      features: 4,
      encoding: "fixed",
      entangler: "ring",
      entanglingGate: "cz",
      readoutQubits: [2, 3],
    });
    const program = analyzeModelProgram(text, { featureCount: 4, maxQubits: 4 });
    expect(program.circuit).toEqual(expected.circuit);
    expect(program.weightNames).toEqual(expected.weightNames);
    expect(program.featureParameterIndex).toEqual([0, 1, 2, 3]);
    expect(program.readoutQubits).toEqual([2, 3]);
  });

  it("follows model.reduce and the regression readout", () => {
    // sine: 1 feature, regression → readout "auto" is the last min(3, 4) = 3 qubits
    const text = modelCircuitProgram({
      dataset: { name: "sine" },
      model: { qubits: 3, layers: 1, encoding: "fixed" },
    });
    const program = analyzeModelProgram(text, { featureCount: 1, maxQubits: 3 });
    expect(program.readoutQubits).toEqual([0, 1, 2]);
    expect(program.featureInputNames).toEqual(["x0"]);
    // iris reduced by PCA to 2 components: two feature inputs
    const reduced = modelCircuitProgram({
      dataset: { name: "iris" },
      model: { qubits: 2, layers: 1, encoding: "fixed", reduce: "pca", components: 2 },
    });
    expect(reduced.match(/^input float\[64\] x\d+;$/gm)).toEqual([
      "input float[64] x0;",
      "input float[64] x1;",
    ]);
  });

  it("writes linear-encoding angles as named inputs, one per qubit and encoding layer", () => {
    const text = modelCircuitProgram({
      dataset: { name: "moons" },
      model: { qubits: 2, layers: 2 },
    });
    expect(text.match(/^input float\[64\] phi_\d_\d;$/gm)).toHaveLength(4);
    expect(text).toContain("// phi_<l>_<q> are set per sample by qplane's trained linear encoding");
  });

  it("uses an explicit model.readout, refusing qubits the model lacks", () => {
    const spec = { dataset: { name: "moons" }, model: { qubits: 3, layers: 1, encoding: "fixed" } };
    const text = modelCircuitProgram({ ...spec, model: { ...spec.model, readout: [2, 0] } });
    expect(text).toContain("bit[2] c;\n");
    expect(text.endsWith("c[0] = measure q[2];\nc[1] = measure q[0];\n")).toBe(true);
    expect(() => modelCircuitProgram({ ...spec, model: { ...spec.model, readout: [3] } })).toThrow(
      "spec.model.readout: qubit 3 does not exist in a 3-qubit model",
    );
  });

  it("refuses classical models, naming spec.model.kind", () => {
    for (const kind of ["mlp", "linear"]) {
      expect(() => modelCircuitProgram({ dataset: { name: "moons" }, model: { kind } })).toThrow(
        `spec.model.kind: "${kind}" is a classical model without a circuit; qplane circuit prints the circuit of model.kind "vqc"`,
      );
    }
  });
});

describe("qplane circuit", () => {
  it("prints the program of --spec on stdout", () => {
    const spec = { dataset: { name: "moons" }, model: { qubits: 3, layers: 2, encoding: "fixed" } };
    const { code, stdout, stderr } = qplane("circuit", "--spec", specFile("vqc.json", spec));
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toBe(modelCircuitProgram(spec));
  });

  it("fails with one error line for an mlp spec", () => {
    const path = specFile("mlp.json", { dataset: { name: "moons" }, model: { kind: "mlp" } });
    const { code, stdout, stderr } = qplane("circuit", "--spec", path);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toBe(
      'qplane: error: spec.model.kind: "mlp" is a classical model without a circuit; qplane circuit prints the circuit of model.kind "vqc"\n',
    );
  });
});
