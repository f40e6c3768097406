/**
 * The VQC's classical readout of its register's outcome distribution p_t (t = the readout
 * register's outcome, bit k of t ↔ clbit k): class probabilities under a class map, their
 * cross-entropy, and the regression head b + Σ_k a_k·⟨Z_k⟩. Each loss writes its derivative
 * with respect to every p_t (the cotangent the circuit gradients contract with).
 */
import { QplaneError } from "../errors/catalogue.js";
import type { OutcomeLoss } from "../gradients/method.js";
import { PROBABILITY_FLOOR } from "./model.js";

/** `readout: "auto"` for regression reads the last min(qubits, this) qubits. */
export const REGRESSION_READOUT_QUBITS = 4;

export type ClassMapName = "balanced" | "modulo";

/** Which outcomes vote for which class. */
export interface ClassMap {
  readonly classes: number;
  /** outcomeClass[t]: the class outcome t votes for, −1 when it votes for none. */
  readonly outcomeClass: Int32Array;
  /** p(c|x) = P(S_c) / P(S_0 ∪ … ∪ S_{C−1}) (balanced); else P(S_c) as is (modulo). */
  readonly renormalised: boolean;
}

/**
 * `modulo`: t votes for t mod C (with M = 2^k outcomes, the first M mod C classes get one
 * outcome more). `balanced`: each class owns m = ⌊M/C⌋ outcomes, S_c = {t < m·C : t mod C = c};
 * the other M − m·C outcomes vote for nobody and p(c|x) is renormalised over the voters.
 */
export function createClassMap(name: ClassMapName, classes: number, outcomes: number): ClassMap {
  if (!Number.isInteger(classes) || classes < 1 || outcomes < classes) {
    throw new QplaneError(
      "QPLANE_ERR_SPEC_INVALID",
      `spec.model.readout: ${outcomes} readout outcomes cannot hold ${classes} classes`,
    );
  }
  const voters = name === "balanced" ? Math.floor(outcomes / classes) * classes : outcomes;
  const outcomeClass = new Int32Array(outcomes);
  for (let t = 0; t < outcomes; t++) outcomeClass[t] = t < voters ? t % classes : -1;
  return { classes, outcomeClass, renormalised: name === "balanced" && voters < outcomes };
}

/**
 * Writes P(S_c) of the row at p[po …] into `classMass[c]`; returns P(A), the mass of the
 * outcomes that vote (1 up to rounding for `modulo`).
 */
export function classMasses(
  map: ClassMap,
  p: Float64Array,
  po: number,
  classMass: Float64Array,
): number {
  classMass.fill(0);
  let voting = 0;
  const { outcomeClass } = map;
  for (let t = 0; t < outcomeClass.length; t++) {
    const c = outcomeClass[t]!;
    if (c < 0) continue;
    classMass[c]! += p[po + t]!;
    voting += p[po + t]!;
  }
  return voting;
}

/** argmax_c p(c|x) (renormalising does not move it); the first class wins a tie. */
export function predictedClass(map: ClassMap, p: Float64Array, po: number, scratch: Float64Array) {
  classMasses(map, p, po, scratch);
  let best = 0;
  for (let c = 1; c < map.classes; c++) if (scratch[c]! > scratch[best]!) best = c;
  return best;
}

/**
 * −log max(p(y|x), floor) of one row. With `cotangent`, writes ∂L/∂p_t / `batchSize` for
 * every outcome t: −1/P(S_y)·[t ∈ S_y] + 1/P(A)·[t ∈ A] when renormalised (p = P(S_y)/P(A)),
 * else −1/P(S_y)·[t ∈ S_y]; zero where the floor holds the loss constant.
 */
export function classLoss(map: ClassMap, label: number, loss: OutcomeLoss): number {
  const { probabilities: p, offset: po, batchSize: batch, cotangent } = loss;
  const { outcomeClass, renormalised } = map;
  const outcomes = outcomeClass.length;
  let own = 0;
  let voting = 0;
  for (let t = 0; t < outcomes; t++) {
    const c = outcomeClass[t]!;
    if (c === label) own += p[po + t]!;
    if (renormalised && c >= 0) voting += p[po + t]!;
  }
  const probability = renormalised ? (voting > 0 ? own / voting : 0) : own;
  if (cotangent) {
    const live = probability > PROBABILITY_FLOOR;
    const ownDerivative = live ? -1 / (batch * own) : 0;
    const votingDerivative = live && renormalised ? 1 / (batch * voting) : 0;
    for (let t = 0; t < outcomes; t++) {
      const c = outcomeClass[t]!;
      cotangent[t] =
        c === label
          ? renormalised
            ? ownDerivative + votingDerivative
            : ownDerivative
          : c >= 0
            ? votingDerivative
            : 0;
    }
  }
  return -Math.log(Math.max(probability, PROBABILITY_FLOOR));
}

/** ⟨Z_k⟩ = Σ_t (−1)^{bit k of t}·p_t for each of the `z.length` readout clbits. */
export function readoutExpectations(
  p: Float64Array,
  po: number,
  outcomes: number,
  z: Float64Array,
): void {
  z.fill(0);
  for (let t = 0; t < outcomes; t++) {
    const pt = p[po + t]!;
    for (let k = 0; k < z.length; k++) z[k]! += (t >> k) & 1 ? -pt : pt;
  }
}

/** The regression head [a_0 … a_{K−1}, b] at `head[offset …]`: b + Σ_k a_k·z_k. */
export function headPrediction(head: Float64Array, offset: number, z: Float64Array): number {
  let sum = 0;
  for (let k = 0; k < z.length; k++) sum += head[offset + k]! * z[k]!;
  return sum + head[offset + z.length]!;
}

/** The regression head a loss reads (and, with a cotangent, differentiates). */
export interface RegressionHead {
  /** The weights holding the head [a_0 … a_{K−1}, b] at `offset`. */
  readonly weights: Float64Array;
  readonly offset: number;
  /** ⟨Z_k⟩ scratch, one per readout clbit (K). */
  readonly z: Float64Array;
  /** Receives ∂/∂a_k, ∂/∂b (÷ batchSize) when the loss has a cotangent. */
  readonly gradient: Float64Array | null;
}

/**
 * Squared error (ŷ − y)² of one row, ŷ = b + Σ_k a_k·⟨Z_k⟩. With `cotangent`, writes
 * ∂/∂p_t / `batchSize` (∂⟨Z_k⟩/∂p_t = (−1)^{bit k of t}) and adds ∂/∂a_k, ∂/∂b (÷
 * `batchSize`) into `head.gradient[0 … K]`.
 */
export function regressionLoss(head: RegressionHead, target: number, loss: OutcomeLoss): number {
  const {
    probabilities: p,
    offset: po,
    outcomeCount: outcomes,
    batchSize: batch,
    cotangent,
  } = loss;
  const { weights, offset, z, gradient: headGradient } = head;
  readoutExpectations(p, po, outcomes, z);
  const residual = headPrediction(weights, offset, z) - target;
  if (cotangent && headGradient) {
    const readout = z.length;
    cotangent.fill(0, 0, outcomes);
    for (let k = 0; k < readout; k++) {
      const dz = (2 * residual * weights[offset + k]!) / batch;
      for (let t = 0; t < outcomes; t++) cotangent[t]! += (t >> k) & 1 ? -dz : dz;
      headGradient[k]! += (2 * residual * z[k]!) / batch;
    }
    headGradient[readout]! += (2 * residual) / batch;
  }
  return residual * residual;
}
