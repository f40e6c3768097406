/** fast-check arbitraries for noise models (shared by the density-matrix and trajectory tests). */
import fc from "fast-check";
import type { NoiseModel } from "../../providers/local/noise-model.js";
import { parseNoiseModel } from "../../providers/local/noise-model.js";
import { GATE_NAMES, type GateName } from "../../src/circuits/gates.js";
import { circuitArbitrary } from "../helpers/random-circuits.js";
import type { ReferenceNoise } from "./dense-density-reference.js";

/** A random noise model for `numQubits` qubits, as the file and as the reference reads it. */
export function noiseArbitrary(numQubits: number): fc.Arbitrary<[NoiseModel, ReferenceNoise]> {
  // spread over the range (fc.double favours 0 and the bounds, which hide order mistakes)
  const upTo = (max: number) => fc.integer({ min: 0, max: 1000 }).map((k) => (k / 1000) * max);
  const probability = upTo(0.3);
  const gate = fc.constantFrom<GateName>(...GATE_NAMES);
  const qubits = <T>(value: fc.Arbitrary<T>) =>
    fc.array(value, { minLength: numQubits, maxLength: numQubits });
  return fc
    .record({
      pDefault: probability,
      pGates: fc.dictionary(gate, probability, { maxKeys: 4 }),
      t1: qubits(upTo(450).map((t) => 50 + t)),
      t2Fraction: qubits(upTo(0.95).map((f) => 0.05 + f)),
      relax: fc.boolean(),
      tDefault: upTo(40),
      tGates: fc.dictionary(gate, upTo(100), { maxKeys: 4 }),
      readout: fc.option(qubits(fc.tuple(probability, probability)), { nil: undefined }),
    })
    .map(({ pDefault, pGates, t1, t2Fraction, relax, tDefault, tGates, readout }) => {
      const t2 = t1.map((t, q) => 2 * t * t2Fraction[q]!);
      const document = {
        depolarizing: { default: pDefault, ...pGates },
        ...(relax
          ? {
              thermalRelaxation: {
                t1Ns: t1,
                t2Ns: t2,
                gateDurationsNs: { default: tDefault, ...tGates },
              },
            }
          : {}),
        ...(readout ? { readout } : {}),
      };
      const reference: ReferenceNoise = {
        depolarizingDefault: pDefault,
        depolarizingByGate: pGates,
        ...(relax
          ? { t1Ns: t1, t2Ns: t2, durationDefaultNs: tDefault, durationByGateNs: tGates }
          : {}),
        readout,
      };
      return [parseNoiseModel(document), reference];
    });
}

/** A random circuit (every qubit scrambled first) with a random noise model and a row seed. */
export const noisyCircuitArbitrary = (maxQubits: number, maxGates: number, minQubits = 1) =>
  circuitArbitrary({ minQubits, maxQubits, maxGates, scramble: true }).chain((circuit) =>
    fc.tuple(fc.constant(circuit), noiseArbitrary(circuit.numQubits), fc.integer()),
  );
