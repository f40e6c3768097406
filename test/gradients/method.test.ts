import { describe, expect, it } from "vitest";
import { LocalProvider } from "../../providers/local/provider.js";
import {
  type Provider,
  resultProbabilities,
  supportsDerivatives,
  supportsStatevectors,
  supportsTranspile,
} from "../../providers/types.js";
import { CircuitBuilder, weight } from "../../src/circuits/ir.js";
import {
  type BatchObjective,
  chooseGradientMethod,
  type GradientSpec,
} from "../../src/gradients/method.js";
import { spsaMethod } from "../../src/gradients/spsa.js";
import { runPaced } from "../../src/pacing/pacing.js";
import { createRng } from "../../src/random/rng.js";
import type { BackendResolver } from "../../src/training/run.js";
import { runTraining } from "../local-backend.js";

/** The local simulator's running, with none of its optional capabilities declared. */
function withoutCapabilities(inner: LocalProvider): Provider {
  return {
    capabilities: () => inner.capabilities(),
    status: () => inner.status(),
    estimate: (circuit, shape, config) => inner.estimate(circuit, shape, config),
    run: (circuit, rows, config) => inner.run(circuit, rows, config),
  };
}

const spec = (gradient: GradientSpec["training"]["gradient"], shots = 0): GradientSpec => ({
  training: { gradient },
  backend: { name: "local", shots },
});

describe("provider capabilities", () => {
  it("are declared by the local simulator (with or without readout errors) and nothing else", () => {
    for (const provider of [
      new LocalProvider(),
      new LocalProvider({ readoutError: { p1Given0: 0.1, p0Given1: 0.2 } }),
    ]) {
      expect(supportsDerivatives(provider)).toBe(true);
      expect(supportsStatevectors(provider)).toBe(true);
      expect(supportsTranspile(provider)).toBe(false);
    }
    const bare = withoutCapabilities(new LocalProvider());
    expect(supportsDerivatives(bare)).toBe(false);
    expect(supportsStatevectors(bare)).toBe(false);
    expect(supportsTranspile(bare)).toBe(false);
    expect(supportsTranspile({ transpile: async () => Promise.reject(new Error("unused")) })).toBe(
      true,
    );
  });

  it("differentiate exactly the probabilities `run` returns, readout errors included", async () => {
    const circuit = new CircuitBuilder(2)
      .add("ry", [0], weight("a"))
      .add("cx", [0, 1])
      .add("rx", [1], weight("b"))
      .measureAll()
      .build();
    const noisy = new LocalProvider({ readoutError: { p1Given0: 0.1, p0Given1: 0.2 } });
    const row = [0.7, -1.3];
    const probabilitiesAt = async (values: number[]) =>
      resultProbabilities(await (await noisy.run(circuit, [values], { shots: 0 })).result());
    const { derivatives } = noisy;
    // d p_3 / d weights through the cotangent e_3
    const pass = derivatives.probabilityGradients(
      circuit,
      { rows: 1, cols: 2, values: Float64Array.from(row) },
      (_row, _p, cotangent) => {
        cotangent[3] = 1;
      },
      derivatives.meter(),
    );
    const result = await runPaced(pass);
    expect(Array.from(result.probabilities.values)).toEqual(Array.from(await probabilitiesAt(row)));
    const h = 1e-5;
    for (let w = 0; w < 2; w++) {
      const up = [...row];
      const down = [...row];
      up[w]! += h;
      down[w]! -= h;
      const numeric =
        ((await probabilitiesAt(up))[3]! - (await probabilitiesAt(down))[3]!) / (2 * h);
      expect(result.gradients[w]).toBeCloseTo(numeric, 8);
    }
    // the noiseless gradient differs: the readout error is really in the derivative
    const clean = new LocalProvider().derivatives;
    const cleanResult = await runPaced(
      clean.probabilityGradients(
        circuit,
        { rows: 1, cols: 2, values: Float64Array.from(row) },
        (_row, _p, cotangent) => {
          cotangent[3] = 1;
        },
        clean.meter(),
      ),
    );
    expect(Math.abs(cleanResult.gradients[0]! - result.gradients[0]!)).toBeGreaterThan(1e-3);
  });

  it("give the state before measurement: readout errors do not touch it", async () => {
    const circuit = new CircuitBuilder(1).add("ry", [0], weight("a")).measureAll().build();
    const noisy = new LocalProvider({ readoutError: { p1Given0: 0.3, p0Given1: 0.3 } });
    const { statevectors } = noisy;
    const state = await runPaced(
      statevectors.finalStatevector(circuit, [1.2], statevectors.meter()),
    );
    expect(state.re[0]).toBeCloseTo(Math.cos(0.6), 14);
    expect(state.re[1]).toBeCloseTo(Math.sin(0.6), 14);
    expect(Array.from(state.im)).toEqual([0, 0]);
  });
});

describe("chooseGradientMethod", () => {
  const local = new LocalProvider();
  const bare = withoutCapabilities(local);

  it("gives adjoint only at shots 0 on a provider with derivatives", () => {
    expect(chooseGradientMethod(spec("adjoint"), local).name).toBe("adjoint");
    expect(() => chooseGradientMethod(spec("adjoint", 100), local)).toThrow(
      'spec.training.gradient: "adjoint" needs exact probabilities on the local simulator (backend "local", shots 100): it differentiates exact probabilities, not shot estimates; use "parameter-shift" or "spsa"',
    );
    // refused by what the provider offers, whatever its name
    expect(() => chooseGradientMethod(spec("adjoint"), bare)).toThrow(
      'spec.training.gradient: "adjoint" needs exact probabilities on the local simulator (backend "local", shots 0): backend "local" offers no derivatives of its probabilities; use "parameter-shift" or "spsa"',
    );
  });

  it("gives parameter-shift and SPSA on any provider", () => {
    for (const provider of [local, bare]) {
      expect(chooseGradientMethod(spec("parameter-shift"), provider).name).toBe("parameter-shift");
      expect(chooseGradientMethod(spec("spsa", 50), provider).name).toBe("spsa");
    }
  });
});

describe("a run on a backend named local whose provider declares no capabilities", () => {
  const bare: BackendResolver = () => ({
    provider: withoutCapabilities(new LocalProvider()),
    exactProbabilities: true,
  });
  const base = {
    dataset: { name: "moons", samples: 40 },
    model: { qubits: 2, layers: 1 },
    training: { epochs: 2 },
  };

  it("refuses adjoint gradients and the Holevo quantity, naming the fields", async () => {
    await expect(runTraining(base, { resolveBackend: bare })).rejects.toThrow(
      /^spec\.training\.gradient: "adjoint" needs exact probabilities .*offers no derivatives/,
    );
    await expect(
      runTraining(
        {
          ...base,
          training: { ...base.training, gradient: "parameter-shift" },
          infoPlane: { holevo: true },
        },
        { resolveBackend: bare },
      ),
    ).rejects.toThrow(/^spec\.infoPlane\.holevo: the Holevo quantity needs the final statevectors/);
  });

  it("trains with parameter-shift exactly as on the local simulator (the same numbers)", async () => {
    const shifted = { ...base, training: { ...base.training, gradient: "parameter-shift" } };
    const onBare = await runTraining(shifted, { resolveBackend: bare });
    const onLocal = await runTraining(shifted);
    expect(Array.from(onBare.result.weights)).toEqual(Array.from(onLocal.result.weights));
    expect(onBare.result.records.map((r) => r.trainLoss)).toEqual(
      onLocal.result.records.map((r) => r.trainLoss),
    );
  });
});

describe("the SPSA method", () => {
  it("steps along ±1 directions by the loss difference of both perturbed points (one call)", async () => {
    const circuit = new CircuitBuilder(1).add("ry", [0], weight("w")).measureAll().build();
    const provider = new LocalProvider();
    let calls = 0;
    // loss of a row: −ln p(outcome 1) = −ln sin²(w/2), one row per batch sample
    const objective: BatchObjective = {
      circuit,
      shots: 0,
      batchSize: 2,
      circuitWeights: 1,
      circuitWeightsAreModelWeights: true,
      rows: (at, from, to) => ({
        rows: to - from,
        cols: 1,
        values: new Float64Array(to - from).fill(at[0]!),
      }),
      loss: ({ probabilities, offset }) => -Math.log(probabilities[offset + 1]!),
      addRowGradient: () => {},
      addOutsideGradient: () => {},
      probabilities: async (c, rows, shots) => {
        calls++;
        return resultProbabilities(await (await provider.run(c, rows, { shots })).result());
      },
    };
    const weights = Float64Array.of(1.1);
    const gradient = new Float64Array(1);
    const step = 4;
    const result = await spsaMethod.lossAndGradient(objective, weights, gradient, {
      rng: createRng(7),
      step,
    });
    const delta = createRng(7).nextFloat() < 0.5 ? -1 : 1;
    const c = 0.1 / (step + 1) ** 0.101;
    const lossAt = (w: number) => -Math.log(Math.sin(w / 2) ** 2);
    const plus = lossAt(1.1 + c * delta);
    const minus = lossAt(1.1 - c * delta);
    expect(calls).toBe(1);
    expect(result.circuitEvaluations).toBe(4);
    expect(result.loss).toBeCloseTo((plus + minus) / 2, 12);
    expect(gradient[0]).toBeCloseTo(((plus - minus) / (2 * c)) * delta, 10);
    // and close to the true derivative −cot(w/2)
    expect(gradient[0]).toBeCloseTo(-1 / Math.tan(1.1 / 2), 2);
  });
});
