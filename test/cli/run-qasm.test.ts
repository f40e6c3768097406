import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../../bin/qplane.js", import.meta.url));
const fixture = (name: string) =>
  fileURLToPath(new URL(`../fixtures/qasm/${name}`, import.meta.url));

function qplane(...args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function jsonLines(stdout: string): unknown[] {
  return stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
}

describe("qplane run-qasm", () => {
  it("prints exact Bell probabilities keyed by bitstring", () => {
    const { code, stdout } = qplane("run-qasm", fixture("cli-bell.qasm"));
    expect(code).toBe(0);
    // keys in increasing outcome order in the text (JSON.parse would reorder "11" first)
    expect(stdout).toMatch(/^\{"probabilities":\{"00":[\d.]+,"11":[\d.]+\}\}\n$/);
    const [result] = jsonLines(stdout) as [{ probabilities: Record<string, number> }];
    expect(result.probabilities["00"]).toBeCloseTo(0.5, 15);
    expect(result.probabilities["11"]).toBeCloseTo(0.5, 15);
  });

  it("indexes arrays by Σ c[i]·2^i and writes c[0] rightmost in keys", () => {
    // q[1] = 1 is measured into c[0]; q[2] = 0 into c[1] → outcome 1, key "01"
    const array = qplane("run-qasm", fixture("cli-x-on-q1.qasm"), "--format", "array");
    expect(jsonLines(array.stdout)).toEqual([{ probabilities: [0, 1, 0, 0] }]);
    const counts = qplane("run-qasm", fixture("cli-x-on-q1.qasm"), "--shots", "10");
    expect(jsonLines(counts.stdout)).toEqual([{ counts: { "01": 10 } }]);
    const countsArray = qplane(
      "run-qasm",
      fixture("cli-x-on-q1.qasm"),
      "--shots",
      "7",
      "--format",
      "array",
    );
    expect(jsonLines(countsArray.stdout)).toEqual([{ counts: [0, 7, 0, 0] }]);
  });

  it("prints one line per file in the order given, reproducibly from the seed", () => {
    const args = [
      "run-qasm",
      fixture("cli-bell.qasm"),
      fixture("cli-x-on-q1.qasm"),
      fixture("cli-bell.qasm"),
    ];
    const first = qplane(...args, "--shots", "1000", "--seed", "5");
    const again = qplane(...args, "--shots", "1000", "--seed", "5");
    expect(first.stdout).toBe(again.stdout);
    const lines = jsonLines(first.stdout) as { counts: Record<string, number> }[];
    expect(lines).toHaveLength(3);
    expect(lines[1]).toEqual({ counts: { "01": 1000 } });
    expect(first.stdout.split("\n")[0]).toMatch(/^\{"counts":\{"00":\d+,"11":\d+\}\}$/);
    for (const bell of [lines[0]!, lines[2]!]) {
      expect(bell.counts["00"]! + bell.counts["11"]!).toBe(1000);
    }
  });

  it("binds input parameters given with --param", () => {
    const { stdout } = qplane(
      "run-qasm",
      fixture("cli-param.qasm"),
      "--param",
      `theta=${Math.PI / 3}`,
      "--format",
      "array",
    );
    const [result] = jsonLines(stdout) as [{ probabilities: number[] }];
    expect(result.probabilities[1]).toBeCloseTo(0.25, 15);
  });

  it.each([
    [["run-qasm", fixture("cli-malformed.qasm")], /cli-malformed\.qasm: line 5, column 1: .*;/],
    [
      ["run-qasm", fixture("cli-bell.qasm"), "/nonexistent/x.qasm"],
      /x\.qasm: cannot read file \(ENOENT\)/,
    ],
    [
      ["run-qasm", fixture("cli-wide.qasm")],
      /cli-wide\.qasm: circuit has 25 qubits; the local simulator's limit is 24/,
    ],
    [
      ["run-qasm", fixture("cli-bell.qasm"), "--shots", "0"],
      /--shots must be an integer ≥ 1, got "0"/,
    ],
    [
      ["run-qasm", fixture("cli-bell.qasm"), "--shots", "2000000"],
      /shots must be an integer in 1..1000000, got 2000000/,
    ],
    [["run-qasm", fixture("cli-bell.qasm"), "--format", "counts"], /--format counts needs --shots/],
    [["run-qasm", fixture("cli-bell.qasm"), "--format", "histogram"], /--format.*histogram/],
    [["run-qasm", fixture("cli-param.qasm")], /no value for input parameter\(s\) theta/],
    [
      ["run-qasm", fixture("cli-param.qasm"), "--param", "theta=inf"],
      /--param must be NAME=VALUE with a finite number, got "theta=inf"/,
    ],
    [
      ["run-qasm", fixture("cli-param.qasm"), "--param", "phi=1", "--param", "theta=1"],
      /--param "phi", which is not a parameter of any file given \(parameters: theta\)/,
    ],
  ])("fails cleanly: %j", (args, message) => {
    const { code, stdout, stderr } = qplane(...(args as string[]));
    expect(code).not.toBe(0);
    expect(stdout).toBe("");
    expect(stderr).toMatch(message as RegExp);
    expect(stderr).toMatch(/^qplane: error: /);
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe("qplane engine-check", () => {
  it("runs the engine end to end and agrees on gradients two ways", () => {
    const { code, stdout } = qplane("engine-check", "--qubits", "4");
    expect(code).toBe(0);
    expect(stdout).toMatch(/model: 4 qubits, 4 re-uploading layers/);
    const difference = Number(/max \|difference\| = ([\d.e+-]+)/.exec(stdout)?.[1]);
    expect(difference).toBeLessThan(1e-10);
    expect(stdout).toMatch(/parse\(emit\(circuit\)\) equals the circuit/);
  });
});
