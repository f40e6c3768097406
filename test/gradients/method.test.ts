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
import { chooseGradientMethod, type GradientSpec } from "../../src/gradients/method.js";
import { runPaced } from "../../src/pacing/pacing.js";
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
