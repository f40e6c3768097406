/**
 * The classical models' shapes (mlp-model.ts): where each layer's weights sit in the flat
 * weight vector, and the cap |R| on I(X;T). Arithmetic on the spec and the data's shape, so
 * the cost model and admission size a network without building it.
 */

import { present } from "../errors/checked.js";
import type { PreparedData } from "./model.js";
import type { JobSpec, ModelSpec } from "./spec.js";

/** Where one layer's parameters sit in the flat weight vector. */
export interface MlpLayerLayout {
  readonly inputs: number;
  readonly units: number;
  /** Offset of W (units × inputs, row-major). */
  readonly weightOffset: number;
  /** Offset of b (units); = weightOffset + units·inputs. */
  readonly biasOffset: number;
}

/**
 * The layers of an MLP with the given input count, hidden widths and output units, with
 * their offsets in the flat weight vector; the last entry is the output layer.
 */
export function mlpLayout(
  inputs: number,
  hidden: readonly number[],
  outputs: number,
): MlpLayerLayout[] {
  const layers: MlpLayerLayout[] = [];
  let offset = 0;
  let previous = inputs;
  for (const units of [...hidden, outputs]) {
    layers.push({
      inputs: previous,
      units,
      weightOffset: offset,
      biasOffset: offset + units * previous,
    });
    offset += units * (previous + 1);
    previous = units;
  }
  return layers;
}

/** The hidden layer widths of a classical model: `model.hidden` for the MLP, none for linear. */
export function hiddenWidthsOf(model: Pick<ModelSpec, "kind" | "hidden">): readonly number[] {
  return model.kind === "linear" ? [] : model.hidden;
}

/** The MLP's layers for a spec and its data: one output per class, or one for regression. */
export function mlpLayoutFor(
  spec: JobSpec,
  data: Pick<PreparedData, "task" | "classes" | "featureCount">,
): MlpLayerLayout[] {
  const outputs = data.task === "classification" ? data.classes : 1;
  return mlpLayout(data.featureCount, hiddenWidthsOf(spec.model), outputs);
}

/**
 * |R| of a classical model, the cap on its I(X;T): units·log2 B of the binned last hidden
 * layer, log2 C of the sampled class, or log2 B of the binned regression output.
 */
export function mlpRepresentationBits(
  config: {
    readonly hidden: readonly number[];
    readonly bins: number;
    readonly representation: "output" | "hidden";
  },
  data: Pick<PreparedData, "task" | "classes">,
): number {
  return config.representation === "hidden"
    ? present(config.hidden.at(-1), "the last hidden layer's width") * Math.log2(config.bins)
    : Math.log2(data.task === "classification" ? data.classes : config.bins);
}
