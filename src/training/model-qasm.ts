/**
 * The OpenQASM 3 program of a job spec's model, one definition for `qplane circuit` and
 * `GET /v1/jobs/:id/circuit.qasm`: a circuit model's own program, or the built-in ansatz as
 * training builds it (docs/circuits.md). Features are `input float[64] x<j>`, weights
 * `input float[64]` under their qplane names, and T's bits `c[0]`, `c[1]`, …; analysing the
 * text with the default conventions gives back the same circuit.
 */
import { emitQasm3 } from "../circuits/qasm3/emit.js";
import type { PreparedDataShape } from "./prepare.js";
import type { JobSpec } from "./spec.js";
import { buildVqcCircuits } from "./vqc-circuits.js";

/** The model's program, or null for a classical model (`mlp`, `linear`), which has no circuit. */
export function modelProgramText(spec: JobSpec, data: PreparedDataShape): string | null {
  const { model } = spec;
  // a circuit model's circuit is its program, already OpenQASM 3
  if (model.kind === "circuit" && model.qasm !== undefined) return model.qasm;
  if (model.kind !== "vqc") return null;
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
