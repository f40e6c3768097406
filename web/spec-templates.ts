/**
 * Starter specs for the New job and New experiment editors: small enough to run in seconds on
 * the local simulator, written as YAML with comments saying what to change.
 */

export interface SpecTemplate {
  readonly id: string;
  readonly label: string;
  readonly text: string;
}

/** A 4-qubit program in the style Qiskit exports: x0..x3 receive iris's 4 features. */
const IRIS_PROGRAM = `OPENQASM 3.0;
include "stdgates.inc";
input float[64] x0;
input float[64] x1;
input float[64] x2;
input float[64] x3;
input float[64] theta_0;
input float[64] theta_1;
input float[64] theta_2;
input float[64] theta_3;
qubit[4] q;
bit[2] c;
ry(x0) q[0];
ry(x1) q[1];
ry(x2) q[2];
ry(x3) q[3];
ry(theta_0) q[0];
ry(theta_1) q[1];
ry(theta_2) q[2];
ry(theta_3) q[3];
cx q[0], q[1];
cx q[1], q[2];
cx q[2], q[3];
c[0] = measure q[2];
c[1] = measure q[3];`;

const indent = (text: string, spaces: number) =>
  text
    .split("\n")
    .map((line) => `${" ".repeat(spaces)}${line}`)
    .join("\n");

export const JOB_TEMPLATES: readonly SpecTemplate[] = [
  {
    id: "iris-vqc",
    label: "Built-in ansatz on iris",
    text: `# The body of POST /v1/jobs, as YAML (JSON works too).
name: iris vqc
tags: [dashboard]
dataset:
  name: iris
model:
  kind: vqc        # the built-in ansatz
  qubits: 4
  layers: 2
training:
  epochs: 10
feedback:
  mode: "off"      # or lr / loss: compression-gnostic feedback
backend:
  name: local
  shots: 0         # 0 = exact probabilities (simulators only)
`,
  },
  {
    id: "iris-program",
    label: "OpenQASM program (model.kind: circuit) on iris",
    text: `# Your own circuit: x<j> inputs receive the features, every other input is trained,
# the measured bits are the readout (docs/circuits.md).
name: iris program
tags: [dashboard]
dataset:
  name: iris
model:
  kind: circuit
  qubits: 4        # must equal the program's qubit count
  qasm: |
${indent(IRIS_PROGRAM, 4)}
training:
  epochs: 10
  gradient: adjoint
backend:
  name: local
`,
  },
];

export const EXPERIMENT_TEMPLATES: readonly SpecTemplate[] = [
  {
    id: "feedback-sweep",
    label: "Feedback off vs lr on moons, 3 seeds",
    text: `# The body of POST /v1/experiments: a base spec and a grid of spec fields to vary.
name: feedback sweep
tags: [dashboard]
spec:
  dataset:
    name: moons
    samples: 80
  model:
    qubits: 2
    layers: 1
  training:
    epochs: 8
grid:
  feedback.mode: ["off", lr]
  training.seed: [1, 2, 3]   # the replicate axis: aggregated within an arm
compare:
  baseline:
    feedback.mode: "off"
threshold:
  metric: testAccuracy
  value: 0.8
`,
  },
];
