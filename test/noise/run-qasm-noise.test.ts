import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../../bin/qplane.js", import.meta.url));
const bell = fileURLToPath(new URL("../fixtures/qasm/cli-bell.qasm", import.meta.url));
const folder = mkdtempSync(join(tmpdir(), "qplane-noise-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function qplane(...args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function file(name: string, text: string): string {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
}

describe("qplane run-qasm --noise", () => {
  it("prints the noisy Bell distribution of the issue's minimal model (JSON or YAML)", () => {
    const json = file(
      "minimal.json",
      '{"depolarizing": {"default": 0.001, "cx": 0.01}, "readout": [[0.02, 0.03], [0.01, 0.04]]}',
    );
    const yaml = file(
      "minimal.yaml",
      "depolarizing: {default: 0.001, cx: 0.01}\nreadout:\n  - [0.02, 0.03]\n  - [0.01, 0.04]\n",
    );
    for (const model of [json, yaml]) {
      const { code, stdout } = qplane("run-qasm", bell, "--noise", model, "--format", "array");
      expect(code).toBe(0);
      const { probabilities } = JSON.parse(stdout) as { probabilities: number[] };
      const expected = [0.48344375, 0.03155625, 0.02155625, 0.46344375];
      probabilities.forEach((p, t) => {
        expect(Math.abs(p - expected[t]!)).toBeLessThan(1e-15);
      });
    }
  });

  it("samples seeded noisy shots", () => {
    const model = file("cx.json", '{"depolarizing": {"cx": 0.4}}');
    const first = qplane("run-qasm", bell, "--noise", model, "--shots", "2000", "--seed", "3");
    const again = qplane("run-qasm", bell, "--noise", model, "--shots", "2000", "--seed", "3");
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(again.stdout);
    const { counts } = JSON.parse(first.stdout) as { counts: Record<string, number> };
    // P(01) = P(10) = 0.1: about 200 each (standard deviation 13)
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(2000);
    expect(Math.abs(counts["01"]! - 200)).toBeLessThan(70);
    expect(Math.abs(counts["10"]! - 200)).toBeLessThan(70);
  });

  it("refuses circuits over the density-matrix limit, naming the file", () => {
    const model = file("none.json", "{}");
    const wide = file(
      "wide.qasm",
      'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[13] q;\nbit[13] c;\nx q[12];\nc = measure q;\n',
    );
    const { code, stdout, stderr } = qplane("run-qasm", wide, "--noise", model);
    expect(code).not.toBe(0);
    expect(stdout).toBe("");
    expect(stderr).toBe(
      `qplane: error: ${wide}: numQubits 13 exceeds the noisy (density-matrix) simulator's limit of 12 qubits (16·4^n bytes of state: 256 MiB at 12) for exact probabilities (shots = 0); shots ≥ 1 sample larger circuits by quantum trajectories\n`,
    );
  });

  it("samples shots of circuits over the density-matrix limit by trajectories", () => {
    const model = file("x-depolarizing.json", '{"depolarizing": {"x": 0.5}}');
    const wide = file(
      "wide-shots.qasm",
      'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[13] q;\nbit[13] c;\nx q[12];\nc = measure q;\n',
    );
    const args = ["run-qasm", wide, "--noise", model, "--shots", "2000", "--seed", "4"];
    const first = qplane(...args);
    expect(first.stderr).toBe("");
    expect(first.stdout).toBe(qplane(...args).stdout);
    const { counts } = JSON.parse(first.stdout) as { counts: Record<string, number> };
    // depolarizing 0.5 after x: P(1) = 0.75 on qubit 12 (σ = 19 counts), every other bit 0
    const one = `1${"0".repeat(12)}`;
    const zero = "0".repeat(13);
    expect(Object.keys(counts).sort()).toEqual([zero, one]);
    expect(counts[one]! + counts[zero]!).toBe(2000);
    expect(Math.abs(counts[one]! - 1500)).toBeLessThan(5 * 19.4);
  });

  it("checks that every file's qubits are covered before simulating any", () => {
    const model = file("two.json", '{"readout": [[0.1, 0.1], [0.1, 0.1]]}');
    const ghz = file(
      "ghz.qasm",
      'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[3] q;\nh q[0];\ncx q[0], q[1];\ncx q[1], q[2];\n',
    );
    const { code, stdout, stderr } = qplane("run-qasm", bell, ghz, "--noise", model);
    expect(code).not.toBe(0);
    expect(stdout).toBe("");
    expect(stderr).toBe(
      `qplane: error: ${ghz}: noise.readout has 2 entries; the circuit has 3 qubits (one entry per qubit)\n`,
    );
  });

  it("names the file and the field of a bad model, before simulating", () => {
    const model = file("bad.json", '{"depolarizing": {"cx": 1.5}}');
    const { code, stdout, stderr } = qplane("run-qasm", bell, "--noise", model);
    expect(code).not.toBe(0);
    expect(stdout).toBe("");
    expect(stderr).toBe(
      `qplane: error: --noise ${model}: noise.depolarizing.cx: must be a probability in [0, 1] (got 1.5)\n`,
    );
  });
});
