import { describe, expect, it } from "vitest";
import { DENSITY_MAX_QUBITS, noisyProbabilities } from "../../providers/local/density-simulator.js";
import { parseNoiseModel } from "../../providers/local/noise-model.js";
import { CircuitBuilder } from "../../src/circuits/ir.js";
import { errorOf } from "../helpers/errors.js";

const noise = (document: unknown) => errorOf(() => parseNoiseModel(document));

describe("noise-model files", () => {
  it("fills the per-gate tables of the issue's minimal file", () => {
    expect(
      parseNoiseModel({ depolarizing: { default: 0.001, cx: 0.01 }, readout: [[0.02, 0.03]] }),
    ).toEqual({
      depolarizing: { default: 0.001, byGate: { cx: 0.01 }, perQubit: {}, perPair: {} },
      readout: [[0.02, 0.03]],
    });
  });

  it("names an unknown gate", () => {
    expect(noise({ depolarizing: { cnot: 0.01 } })).toEqual({
      code: "QPLANE_ERR_SIM_NOISE",
      message:
        'noise.depolarizing.cnot: unknown gate "cnot" (gates: id, h, x, y, z, s, sdg, t, tdg, sx, rx, ry, rz, p, u3, cx, cy, cz, swap, crx, cry, crz, ecr, rzz; or default, perQubit, perPair) (got 0.01)',
    });
  });

  it("names a probability outside [0, 1]", () => {
    expect(noise({ depolarizing: { default: 0.001, cx: 1.5 } })).toEqual({
      code: "QPLANE_ERR_SIM_NOISE",
      message: "noise.depolarizing.cx: must be a probability in [0, 1] (got 1.5)",
    });
    expect(
      noise({
        readout: [
          [0.1, 0.2],
          [-0.1, 0],
        ],
      }).message,
    ).toBe("noise.readout.1.0: must be a probability in [0, 1] (got -0.1)");
  });

  it("names T2 > 2·T1 with the qubit", () => {
    expect(
      noise({ thermalRelaxation: { t1Ns: [100, 50], t2Ns: [150, 101], gateDurationsNs: {} } }),
    ).toEqual({
      code: "QPLANE_ERR_SIM_NOISE",
      message:
        "noise.thermalRelaxation.t2Ns.1: T2 = 101 ns exceeds 2·T1 = 100 ns of qubit 1 (physical relaxation needs T2 ≤ 2·T1) (got 101)",
    });
  });

  it("names a negative duration, a wrong per-qubit key and an unknown field", () => {
    expect(
      noise({
        thermalRelaxation: { t1Ns: [100], t2Ns: [100], gateDurationsNs: { default: 20, cx: -5 } },
      }).message,
    ).toBe("noise.thermalRelaxation.gateDurationsNs.cx: must be ≥ 0 ns (got -5)");
    expect(noise({ depolarizing: { perPair: { cx: { "2,2": 0.1 } } } }).message).toBe(
      'noise.depolarizing.perPair.cx.2,2: a key must name two different qubits like "0,1" (got 0.1)',
    );
    expect(noise({ depolarizing: { perQubit: { cx: { "0": 0.1 } } } }).message).toBe(
      'noise.depolarizing.perQubit.cx: not a 1-qubit gate (1-qubit gates: id, h, x, y, z, s, sdg, t, tdg, sx, rx, ry, rz, p, u3) (got {"0":0.1})',
    );
    expect(noise({ depolarising: {} }).message).toBe("noise.depolarising: unknown field");
  });

  it("refuses a circuit with more qubits than a per-qubit list covers", () => {
    const circuit = new CircuitBuilder(3).add("x", [2]).measureAll().build();
    const model = parseNoiseModel({
      readout: [
        [0.1, 0.1],
        [0.1, 0.1],
      ],
    });
    expect(errorOf(() => noisyProbabilities(circuit, [], model))).toEqual({
      code: "QPLANE_ERR_SIM_NOISE",
      message: "noise.readout has 2 entries; the circuit has 3 qubits (one entry per qubit)",
    });
  });

  it("refuses circuits over the density-matrix qubit limit before allocating", () => {
    expect(DENSITY_MAX_QUBITS).toBe(12);
    const circuit = new CircuitBuilder(13).add("x", [12]).measureAll().build();
    expect(errorOf(() => noisyProbabilities(circuit, [], parseNoiseModel({})))).toEqual({
      code: "QPLANE_ERR_SIM_TOO_MANY_QUBITS",
      message:
        "numQubits 13 exceeds the noisy (density-matrix) simulator's limit of 12 qubits (16·4^n bytes of state: 256 MiB at 12) for exact probabilities (shots = 0); shots ≥ 1 sample larger circuits by quantum trajectories",
    });
  });
});
