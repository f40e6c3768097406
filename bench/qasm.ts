/**
 * Model-program admission benchmark: parse + validate (analyzeModelProgram) of a generated
 * 1,000-gate OpenQASM 3 program in the Qiskit export style — 8 qubits, feature inputs
 * x0..x7, one weight input per rotation, re-uploading layers of `ry(x_j)`, `ry(θ) rz(θ)`
 * and a CNOT chain, 2 measured bits. Issue 16's target: under 50 ms at submission.
 * Prints the median and range of 20 runs (the first included: a submission is parsed once).
 *
 *   npm run bench:qasm
 */
import { performance } from "node:perf_hooks";
import { analyzeModelProgram } from "../src/circuits/qasm3/index.js";

const QUBITS = 8;
const GATES = 1000;
const RUNS = 20;
const TARGET_MS = 50;

/** The program text and its gate count (exactly {@link GATES}). */
export function generateProgram(qubits = QUBITS, gates = GATES): string {
  const body: string[] = [];
  const weights: string[] = [];
  const emit = (line: string) => {
    if (body.length < gates) body.push(line);
  };
  while (body.length < gates) {
    for (let q = 0; q < qubits; q++) emit(`ry(x${q}) q[${q}];`);
    for (let q = 0; q < qubits; q++) {
      for (const axis of ["ry", "rz"]) {
        const name = `theta_${weights.length}`;
        if (body.length < gates) weights.push(name);
        emit(`${axis}(${name}) q[${q}];`);
      }
    }
    for (let q = 0; q + 1 < qubits; q++) emit(`cx q[${q}], q[${q + 1}];`);
  }
  return [
    "OPENQASM 3.0;",
    'include "stdgates.inc";',
    ...Array.from({ length: qubits }, (_, j) => `input float[64] x${j};`),
    ...weights.map((name) => `input float[64] ${name};`),
    `qubit[${qubits}] q;`,
    "bit[2] c;",
    ...body,
    `c[0] = measure q[${qubits - 2}];`,
    `c[1] = measure q[${qubits - 1}];`,
    "",
  ].join("\n");
}

function main(): void {
  const source = generateProgram();
  const timesMs: number[] = [];
  let gates = 0;
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    const program = analyzeModelProgram(source, { featureCount: QUBITS, maxQubits: QUBITS });
    timesMs.push(performance.now() - start);
    gates = program.circuit.gates.length;
  }
  const sorted = [...timesMs].sort((a, b) => a - b);
  const median = (sorted[RUNS / 2 - 1]! + sorted[RUNS / 2]!) / 2;
  process.stdout.write(
    `parse + validate of a ${gates}-gate model program (${source.length} characters), ${RUNS} runs: median ${median.toFixed(2)} ms (min ${sorted[0]!.toFixed(2)}, max ${sorted.at(-1)!.toFixed(2)}); target < ${TARGET_MS} ms: ${median < TARGET_MS ? "met" : "MISSED"}\n`,
  );
}

main();
