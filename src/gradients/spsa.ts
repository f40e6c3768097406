/**
 * SPSA (Spall 1992) as a gradient method: ĝ = (L(w + cΔ) − L(w − cΔ)) / (2c) · Δ with
 * Δ ∈ {±1}^W over every model weight (the circuit's and those outside it), both points run in
 * one provider call. Any provider, exact probabilities or shots.
 */
import type { GradientMethod } from "./method.js";

/** SPSA perturbation size c_k = SPSA_C / (k+1)^SPSA_GAMMA (Spall's recommended γ). */
const SPSA_C = 0.1;
const SPSA_GAMMA = 0.101;

export const spsaMethod: GradientMethod = {
  name: "spsa",
  async lossAndGradient(objective, weights, gradient, { rng, step }) {
    const { circuit, batchSize, shots } = objective;
    const outcomeCount = 2 ** circuit.numClbits;
    const c = SPSA_C / (step + 1) ** SPSA_GAMMA;
    const delta = new Float64Array(weights.length);
    for (let k = 0; k < delta.length; k++) delta[k] = rng.nextFloat() < 0.5 ? -1 : 1;
    const plus = Float64Array.from(weights, (w, k) => w + c * delta[k]!);
    const minus = Float64Array.from(weights, (w, k) => w - c * delta[k]!);
    const plusRows = objective.rows(plus, 0, batchSize);
    const both = {
      rows: 2 * batchSize,
      cols: plusRows.cols,
      values: new Float64Array(2 * plusRows.values.length),
    };
    both.values.set(plusRows.values, 0);
    both.values.set(objective.rows(minus, 0, batchSize).values, plusRows.values.length);
    const p = await objective.probabilities(circuit, both, shots);
    // the plus point's rows come first in the call, then the minus point's
    const lossAt = (row: number, firstRow: number, point: Float64Array) =>
      objective.loss({
        probabilities: p,
        offset: (firstRow + row) * outcomeCount,
        outcomeCount,
        batchSize: 1,
        cotangent: null,
        row,
        weights: point,
      });
    let lossPlus = 0;
    let lossMinus = 0;
    for (let row = 0; row < batchSize; row++) {
      lossPlus += lossAt(row, 0, plus);
      lossMinus += lossAt(row, batchSize, minus);
    }
    lossPlus /= batchSize;
    lossMinus /= batchSize;
    const scale = (lossPlus - lossMinus) / (2 * c);
    for (let k = 0; k < gradient.length; k++) gradient[k] = scale * delta[k]!;
    return { loss: (lossPlus + lossMinus) / 2, circuitEvaluations: 2 * batchSize };
  },
};
