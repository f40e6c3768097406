/**
 * `qplane engine-check`: exercises the engine end to end on a real model, with no services: the
 * re-uploading hardware-efficient classifier circuit evaluated exactly and with shots over a
 * batch of inputs, its loss gradient by adjoint differentiation checked against the
 * parameter-shift rule, and an OpenQASM 3 round trip of the circuit.
 */

import { adjointProbabilityGradients } from "../../providers/local/adjoint.js";
import { exactProbabilities, sampledCounts } from "../../providers/local/simulator.js";
import { buildAnsatz } from "../circuits/ansatz.js";
import { type ParameterMatrix, toParameterMatrix } from "../circuits/parameters.js";
import { emitQasm3, parseQasm3 } from "../circuits/qasm3/index.js";
import { parameterShiftJacobian } from "../gradients/parameter-shift.js";
import { createRng } from "../random/rng.js";

export interface EngineCheckOptions {
  readonly qubits: number;
  readonly seed: number;
}

const SAMPLES = 128;
const SHOTS = 1024;
const LOG_FLOOR = 1e-12;

function elapsedMs(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export async function runEngineCheck(
  options: EngineCheckOptions,
  write: (text: string) => void,
): Promise<void> {
  const { qubits, seed } = options;
  const rng = createRng(seed);
  const ansatz = buildAnsatz({ qubits, layers: 4, readoutQubits: [0, 1] });
  const { circuit } = ansatz;
  const features = ansatz.inputNames.length;
  const weights = ansatz.weightNames.map(() => (rng.nextFloat() * 2 - 1) * Math.PI);
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const x = Array.from({ length: features }, () => (rng.nextFloat() * 2 - 1) * Math.PI);
    rows.push([...x, ...weights]);
    labels.push(Math.floor(rng.nextFloat() * 4));
  }
  const matrix: ParameterMatrix = toParameterMatrix(circuit, rows);
  write(
    `model: ${qubits} qubits, 4 re-uploading layers, ${circuit.gates.length} gates, ${ansatz.weightNames.length} weights, readout c[0..1]\n`,
  );

  let start = process.hrtime.bigint();
  const exact = exactProbabilities(circuit, matrix);
  const exactMs = elapsedMs(start);
  const meanDistribution = new Float64Array(exact.outcomeCount);
  for (let i = 0; i < exact.values.length; i++)
    meanDistribution[i % exact.outcomeCount]! += exact.values[i]! / SAMPLES;
  write(
    `exact:  ${SAMPLES} inputs in ${exactMs.toFixed(1)} ms; mean p(t) = [${Array.from(meanDistribution, (p) => p.toFixed(4)).join(", ")}]\n`,
  );

  start = process.hrtime.bigint();
  const counts = sampledCounts(circuit, matrix, { shots: SHOTS, seed });
  const shotsMs = elapsedMs(start);
  let totalVariation = 0;
  for (let i = 0; i < counts.values.length; i++) {
    totalVariation += Math.abs(counts.values[i]! / SHOTS - exact.values[i]!) / 2 / SAMPLES;
  }
  write(
    `shots:  ${SHOTS} per input in ${shotsMs.toFixed(1)} ms; mean total-variation distance to exact = ${totalVariation.toFixed(4)}\n`,
  );

  // mean cross-entropy over the batch, class = outcome t (4 outcomes, 4 classes)
  start = process.hrtime.bigint();
  let loss = 0;
  const adjoint = adjointProbabilityGradients(circuit, matrix, (row, probabilities, cotangent) => {
    const p = Math.max(probabilities[labels[row]!]!, LOG_FLOOR);
    loss -= Math.log(p) / SAMPLES;
    cotangent[labels[row]!] = -1 / p / SAMPLES;
  });
  const adjointMs = elapsedMs(start);
  const weightCount = adjoint.weightCount;
  const adjointGradient = new Float64Array(weightCount);
  for (let i = 0; i < adjoint.gradients.length; i++)
    adjointGradient[i % weightCount]! += adjoint.gradients[i]!;

  start = process.hrtime.bigint();
  const shifted = await parameterShiftJacobian(
    circuit,
    matrix,
    (c, m) => exactProbabilities(c, m).values,
  );
  const shiftMs = elapsedMs(start);
  const shiftGradient = new Float64Array(weightCount);
  for (let row = 0; row < SAMPLES; row++) {
    const label = labels[row]!;
    const p = Math.max(exact.values[row * exact.outcomeCount + label]!, LOG_FLOOR);
    for (let w = 0; w < weightCount; w++) {
      shiftGradient[w]! +=
        (-1 / p / SAMPLES) *
        shifted.jacobian[(row * exact.outcomeCount + label) * weightCount + w]!;
    }
  }
  let maxDifference = 0;
  for (let w = 0; w < weightCount; w++)
    maxDifference = Math.max(maxDifference, Math.abs(adjointGradient[w]! - shiftGradient[w]!));
  write(`loss:   mean cross-entropy ${loss.toFixed(6)} over ${SAMPLES} inputs\n`);
  write(
    `grad:   adjoint ${adjointMs.toFixed(1)} ms (1 backward sweep per input) vs parameter-shift ${shiftMs.toFixed(1)} ms (${shifted.evaluations} circuit evaluations); max |difference| = ${maxDifference.toExponential(2)}\n`,
  );

  const qasm = emitQasm3(circuit);
  const roundTrip = parseQasm3(qasm);
  const same = JSON.stringify(roundTrip) === JSON.stringify(circuit);
  write(
    `qasm3:  ${qasm.split("\n").length} lines; parse(emit(circuit)) ${same ? "equals" : "DIFFERS FROM"} the circuit\n`,
  );
}
