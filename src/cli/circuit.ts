/**
 * `qplane circuit --spec FILE`: prints the circuit of a job spec's model as OpenQASM 3, so a
 * qplane model can be taken to another tool (and back, as a model program: docs/circuits.md).
 * Features are `input float[64] x<j>`, weights `input float[64]` under their qplane names,
 * and T's bits `c[0]`, `c[1]`, …; analysing the text with the default conventions gives back
 * the same circuit.
 */
import type { Command } from "commander";
import { QplaneError } from "../errors/catalogue.js";
import { modelProgramText } from "../training/model-qasm.js";
import { prepareDataShape } from "../training/prepare.js";
import { parseJobSpec } from "../training/spec.js";
import { readSpecFile } from "./train.js";

/** The OpenQASM 3 program of a job spec's model (the spec as read, before defaults). */
export function modelCircuitProgram(specInput: unknown): string {
  const spec = parseJobSpec(specInput);
  const text = modelProgramText(spec, prepareDataShape(spec));
  if (text === null) {
    throw new QplaneError(
      "QPLANE_ERR_SPEC_INVALID",
      `spec.model.kind: "${spec.model.kind}" is a classical model without a circuit; qplane circuit prints the circuit of model.kind "vqc"`,
    );
  }
  return text;
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
