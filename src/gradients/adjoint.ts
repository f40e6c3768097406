/**
 * The adjoint gradient as a gradient method: the provider's own exact derivatives of its
 * outcome probabilities (its `derivatives` capability; the local simulator's adjoint sweep),
 * contracted row by row with the loss's cotangent. Runs in this process, paced: a long step
 * lets the event loop run (lock renewal, cancel) and stops on abort.
 */
import type { DerivativesCapability } from "../../providers/types.js";
import { runPaced } from "../pacing/pacing.js";
import type { GradientMethod } from "./method.js";

/**
 * Values (8 bytes each) of the per-row buffers (weight gradients, outcome probabilities) of
 * one adjoint chunk: a batch is differentiated in chunks of rows, so a step's memory stays
 * at 8 MiB per buffer whatever the batch size. Chunks are summed in row order, as one pass.
 */
const ADJOINT_CHUNK_VALUES = 2 ** 20;

/** Rows per adjoint chunk for a circuit of `weights` weights and `outcomes` outcomes. */
export function adjointChunkRows(weights: number, outcomes: number): number {
  return Math.max(1, Math.floor(ADJOINT_CHUNK_VALUES / Math.max(weights, outcomes)));
}

/** The adjoint method over a provider's derivatives. */
export function adjointMethod(derivatives: DerivativesCapability): GradientMethod {
  return {
    name: "adjoint",
    async lossAndGradient(objective, weights, gradient, { signal }) {
      const { circuit, circuitWeights, batchSize } = objective;
      const outcomeCount = 2 ** circuit.numClbits;
      const chunkRows = adjointChunkRows(circuitWeights, outcomeCount);
      // one meter for the whole step: chunks of rows do not restart the count to a pause
      const meter = derivatives.meter();
      let loss = 0;
      for (let start = 0; start < batchSize; start += chunkRows) {
        const end = Math.min(start + chunkRows, batchSize);
        const pass = derivatives.probabilityGradients(
          circuit,
          objective.rows(weights, start, end),
          (row, probabilities, cotangent) => {
            loss += objective.loss({
              probabilities,
              offset: 0,
              outcomeCount,
              batchSize,
              cotangent,
              row: start + row,
              weights,
            });
          },
          meter,
        );
        const result = await runPaced(pass, signal);
        for (let row = 0; row < end - start; row++)
          objective.addRowGradient(result.gradients, row * circuitWeights, start + row, gradient);
      }
      objective.addOutsideGradient(gradient);
      return { loss: loss / batchSize, circuitEvaluations: batchSize };
    },
  };
}
