/**
 * One interface for the three ways training differentiates a VQC's batch loss, and the rule
 * that picks one from the spec and the provider's capabilities:
 * - `adjoint` (adjoint.ts): the provider's own exact derivatives (`derivatives` capability),
 *   so only a provider that declares them, at shots 0, may stand behind it;
 * - `parameter-shift` (parameter-shift.ts): shifted circuits run on any provider;
 * - `spsa` (spsa.ts): two perturbed evaluations of the loss, on any provider.
 *
 * A method sees the model only as a {@link BatchObjective}: the circuit, its parameter rows
 * at given model weights, one row's loss from its outcome probabilities, and the chain rule
 * from circuit weights back to model weights. Nothing here names a provider or a model.
 */
import { type Provider, supportsDerivatives } from "../../providers/types.js";
import type { Circuit } from "../circuits/ir.js";
import type { ParameterMatrix } from "../circuits/parameters.js";
import { QplaneError } from "../errors/catalogue.js";
import type { Rng } from "../random/rng.js";
import { adjointMethod } from "./adjoint.js";
import { parameterShiftMethod } from "./parameter-shift.js";
import { spsaMethod } from "./spsa.js";

export type GradientName = "adjoint" | "parameter-shift" | "spsa";

/**
 * One row's outcome probabilities and where its loss's derivative goes: the one context
 * every loss takes, whatever the task.
 */
export interface OutcomeLoss {
  /** Outcome probabilities; this row's are probabilities[offset … offset + outcomeCount). */
  readonly probabilities: Float64Array;
  readonly offset: number;
  readonly outcomeCount: number;
  /** The loss's derivatives are of loss / batchSize (one row of a batch's mean). */
  readonly batchSize: number;
  /** When given, receives ∂(loss / batchSize)/∂p_t for every outcome t. */
  readonly cotangent: Float64Array | null;
}

/** {@link OutcomeLoss} of one row of the batch, at the model weights it was computed at. */
export interface RowLoss extends OutcomeLoss {
  /** The row's index in the batch. */
  readonly row: number;
  /** The model weights (SPSA: a perturbed copy) the probabilities were computed at. */
  readonly weights: Float64Array;
}

/** A model's batch loss as the gradient methods see it (one optimisation step's batch). */
export interface BatchObjective {
  readonly circuit: Circuit;
  readonly shots: number;
  /** Rows of the batch. */
  readonly batchSize: number;
  /** The circuit's weight columns (its gradient's length per row). */
  readonly circuitWeights: number;
  /**
   * The circuit's weights are the model's first weights one for one (no encoding map in
   * between), so a row's circuit gradient may be summed straight into the model's.
   */
  readonly circuitWeightsAreModelWeights: boolean;
  /** The circuit's parameter rows for batch rows [from, to) at model weights `weights`. */
  rows(weights: Float64Array, from: number, to: number): ParameterMatrix;
  /** One row's loss; with a cotangent, also its derivative (and the head's, kept inside). */
  loss(context: RowLoss): number;
  /** Adds batch row `row`'s gradient over the circuit's weights, g[offset …], to the model's. */
  addRowGradient(g: Float64Array, offset: number, row: number, gradient: Float64Array): void;
  /** Adds the gradient of the weights outside the circuit that `loss` gathered. */
  addOutsideGradient(gradient: Float64Array): void;
  /** Outcome probabilities (exact, or shot estimates) of `rows` run on the provider. */
  probabilities(circuit: Circuit, rows: ParameterMatrix, shots: number): Promise<Float64Array>;
}

export interface StepContext {
  readonly rng: Rng;
  /** Optimisation steps so far, from 0 (SPSA's perturbation schedule). */
  readonly step: number;
  readonly signal?: AbortSignal;
}

export interface GradientStep {
  readonly loss: number;
  readonly circuitEvaluations: number;
}

export interface GradientMethod {
  readonly name: GradientName;
  /**
   * The batch's mean loss, and its gradient with respect to every model weight written into
   * `gradient` (which the caller has zeroed).
   */
  lossAndGradient(
    objective: BatchObjective,
    weights: Float64Array,
    gradient: Float64Array,
    context: StepContext,
  ): Promise<GradientStep>;
}

/** What choosing a method reads of a job spec. */
export interface GradientSpec {
  readonly training: { readonly gradient: GradientName };
  readonly backend: { readonly name: string; readonly shots: number };
}

/**
 * The spec's gradient method on this provider; refuses, naming `spec.training.gradient`, an
 * adjoint gradient the provider cannot give: it needs exact probabilities (shots 0) and the
 * provider's own derivatives of them.
 */
export function chooseGradientMethod(
  spec: GradientSpec,
  provider: Pick<Provider, "derivatives">,
): GradientMethod {
  const { training, backend } = spec;
  switch (training.gradient) {
    case "adjoint": {
      const exact = backend.shots === 0;
      if (!exact || !supportsDerivatives(provider)) {
        const why = exact
          ? `backend "${backend.name}" offers no derivatives of its probabilities`
          : "it differentiates exact probabilities, not shot estimates";
        throw new QplaneError(
          "QPLANE_ERR_SPEC_INVALID",
          `spec.training.gradient: "adjoint" needs exact probabilities on the local simulator (backend "${backend.name}", shots ${backend.shots}): ${why}; use "parameter-shift" or "spsa"`,
        );
      }
      return adjointMethod(provider.derivatives);
    }
    case "parameter-shift":
      return parameterShiftMethod;
    case "spsa":
      return spsaMethod;
  }
}
