/**
 * Shared by the first-epoch prediction tests (training, dry run, CLI estimate): the twin with
 * strong depolarizing noise, the small spec they predict, its expected prediction, and the
 * shape of a prediction that ran, from its values alone.
 */
import { parseNoiseModel } from "../../providers/local/noise-model.js";
import { NoisyLocalProvider } from "../../providers/local/noisy-provider.js";
import type { Prediction, PredictionNoise } from "../../src/training/prediction.js";
import type { ResolvedBackend } from "../../src/training/run.js";
import type { JobSpecInput } from "../../src/training/spec.js";

/** A twin whose every gate depolarizes with p = 0.3. */
export function strongTwin(): ResolvedBackend {
  return {
    provider: new NoisyLocalProvider({
      device: "strong",
      noise: parseNoiseModel({ depolarizing: { default: 0.3 } }),
    }),
    exactProbabilities: true,
  };
}

/** Where a prediction on backend "strong-twin" says its noise comes from. */
const STRONG_TWIN_SOURCE: Prediction["noise"] = { source: "twin", backend: "strong-twin" };

/** `twin` as the prediction noise of backend "strong-twin". */
export function strongTwinNoise(twin: ResolvedBackend = strongTwin()): PredictionNoise {
  return { ...STRONG_TWIN_SOURCE, twin };
}

/** 40 moons rows on 2 qubits × 2 layers, 5 SPSA epochs, exact probabilities on "strong-twin". */
export const SMALL_SPEC: JobSpecInput = {
  dataset: { name: "moons", samples: 40, seed: 3 },
  model: { qubits: 2, layers: 2 },
  training: { epochs: 5, gradient: "spsa", seed: 5 },
  backend: { name: "strong-twin", shots: 0 },
};

/** A first epoch's I(X;T), I(T;Y) and test accuracy. */
export type EpochValues = readonly [ixt: number, ity: number, testAccuracy: number];

/** The budget and the priced work of a prediction, in amplitude-operations. */
export interface PredictionWork {
  readonly max: number;
  /** Absent when the prediction was skipped before pricing. */
  readonly priced?: number;
}

/** A prediction's noisy and noiseless first epochs. */
export interface FirstEpochs {
  readonly noisy: EpochValues;
  readonly noiseless: EpochValues;
}

/** The prediction that ran on `noise` within `work`: its noisy and its noiseless first epoch. */
export function ranPrediction(
  noise: Prediction["noise"],
  work: Required<PredictionWork>,
  { noisy, noiseless }: FirstEpochs,
): Prediction {
  const outcome = ([ixt, ity, value]: EpochValues) => ({
    ixt,
    ity,
    testMetric: { name: "testAccuracy" as const, value },
  });
  return {
    noise,
    maxAmplitudeOperations: work.max,
    amplitudeOperations: work.priced,
    noisy: outcome(noisy),
    noiseless: outcome(noiseless),
  };
}

/** A prediction on "strong-twin" within `work` that ran nothing, for the reason `skipped`. */
export function skippedOnStrongTwin(work: PredictionWork, skipped: string): Prediction {
  return {
    noise: STRONG_TWIN_SOURCE,
    maxAmplitudeOperations: work.max,
    ...(work.priced === undefined ? {} : { amplitudeOperations: work.priced }),
    skipped,
  };
}

/**
 * SMALL_SPEC's prediction on the strong twin within `maxAmplitudeOperations`: p = 0.3 on each
 * of the 2-qubit circuit's gates leaves the readout almost uniform.
 */
export function strongTwinPrediction(maxAmplitudeOperations: number): Prediction {
  return ranPrediction(
    STRONG_TWIN_SOURCE,
    { max: maxAmplitudeOperations, priced: 1_252_800 },
    {
      noisy: [0.0000358448562643217, 5.3355874163837795e-8, 0.4],
      noiseless: [0.11748900507523526, 0.009969423996012665, 0.4],
    },
  );
}
