/** Information-plane measurements: entropies, I(X;T) and I(T;Y), binning, Holevo χ. */
export {
  applyBins,
  type BinRange,
  binnedLayerInformation,
  equalFrequencyBins,
  equalWidthBins,
  fitEqualFrequencyEdges,
} from "./binning.js";
export {
  type ComplexMatrix,
  type PureState,
  reducedDensityMatrix,
} from "./density-matrix.js";
export { klDivergenceBits, klPhi } from "./divergence.js";
export {
  entropyBits,
  millerMadowCorrectionBits,
  millerMadowEntropyBits,
  occupiedOutcomes,
  pluginEntropyBits,
  totalShots,
} from "./entropy.js";
export {
  createHolevoAccumulator,
  type HolevoAccumulator,
  holevoQuantity,
} from "./holevo.js";
export {
  type InformationPlaneOptions,
  type InformationPlanePoint,
  informationPlane,
  informationPlaneFromCounts,
  mutualInformationXT,
  type ShotEstimator,
  type ShotInformationPlaneOptions,
  type ShotInformationPlanePoint,
} from "./mutual-information.js";
export { hermitianEigenvalues, vonNeumannEntropyBits } from "./spectrum.js";
