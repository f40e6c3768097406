/**
 * `qplane circuit --spec FILE`: prints the circuit of a job spec's model as OpenQASM 3, so a
 * qplane model can be taken to another tool (and back, as a model program: docs/circuits.md).
 * Features are `input float[64] x<j>`, weights `input float[64]` under their qplane names,
 * and T's bits `c[0]`, `c[1]`, …; analysing the text with the default conventions gives back
 * the same circuit.
 */
import type { Command } from "commander";
import { emitQasm3 } from "../circuits/qasm3/index.js";
import { QplaneError } from "../errors/catalogue.js";
import { prepareDataShape } from "../training/prepare.js";
import { parseJobSpec } from "../training/spec.js";
import { buildVqcCircuits } from "../training/vqc-circuits.js";
import { readSpecFile } from "./train.js";

/** The OpenQASM 3 program of a job spec's model (the spec as read, before defaults). */
export function modelCircuitProgram(specInput: unknown): string {
  const spec = parseJobSpec(specInput);
  const { model } = spec;
  // a circuit model's circuit is its program, already OpenQASM 3
  if (model.kind === "circuit" && model.qasm !== undefined) return model.qasm;
  if (model.kind !== "vqc") {
    throw new QplaneError(
      "QPLANE_ERR_SPEC_INVALID",
      `spec.model.kind: "${model.kind}" is a classical model without a circuit; qplane circuit prints the circuit of model.kind "vqc"`,
    );
  }
  const data = prepareDataShape(spec);
  // the circuit training runs, with its readout register
  const { circuit, readoutQubits: readout } = buildVqcCircuits(spec, data);
  const comments = [
    `qplane model: vqc, ${model.qubits} qubits, ${model.layers} layer(s), entangler ${model.entangler} (${model.entanglingGate}), encoding ${model.encoding}`,
    `dataset ${spec.dataset.name}: ${data.featureCount} feature(s) after model.scaling / model.reduce`,
    model.encoding === "fixed"
      ? `input x<j> receives feature j; the other inputs are trainable weights`
      : `phi_<l>_<q> are set per sample by qplane's trained linear encoding; as a model program they are plain weights`,
    `readout: c[i] = bit i of T's outcome (qubits ${readout.join(", ")})`,
  ];
  return emitQasm3(circuit, { parameterNames: "ir", comments });
}

/** Registers `qplane circuit` on the CLI program. */
export function registerCircuitCommand(program: Command, write: (text: string) => void): void {
  program
    .command("circuit")
    .description(
      "Print the circuit of a job spec's model as OpenQASM 3 (features: input x<j>; weights: named inputs; T: the bits c[i]).",
    )
    .requiredOption("--spec <file>", "job spec, JSON or YAML")
    .action((options: { spec: string }) => {
      write(modelCircuitProgram(readSpecFile(options.spec)));
    });
}
