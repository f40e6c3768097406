/**
 * A twin's cost: the density matrix (4ⁿ) or trajectories (shots × 2ⁿ), whichever the noisy
 * simulator will use (`noisyMethod`), priced for admission and plans; and the simulator
 * really switching by that rule.
 */
import { describe, expect, it } from "vitest";
import { noisyCounts } from "../../providers/local/density-simulator.js";
import { parseNoiseModel } from "../../providers/local/noise-model.js";
import { trajectoryCounts } from "../../providers/local/trajectories.js";
import { simulationKindOf } from "../../providers/types.js";
import { CircuitBuilder, weight } from "../../src/circuits/ir.js";
import {
  CHECKPOINT_BYTES,
  DENSITY_MAX_QUBITS,
  noisyMethod,
  noisyStateBytes,
} from "../../src/pacing/work-units.js";
import {
  GATE_OVERHEAD_AMPLITUDES,
  noisyCallBytes,
  noisyRowOperations,
  SAMPLE_OVERHEAD_OPERATIONS,
  STEP_OVERHEAD_OPERATIONS,
} from "../../src/training/cost.js";
import { jobCostOf } from "../../src/training/sizing.js";
import { type JobSpecInput, parseJobSpec } from "../../src/training/spec.js";
import { LOCAL_PROVIDER } from "../local-backend.js";

/** What the cost model reads of a twin: it simulates in this process, under noise. */
const TWIN = { noisySimulation: true } as const;

describe("noisyMethod: the density matrix or trajectories, by cost", () => {
  it("takes the density matrix for exact probabilities and trajectories beyond its limit", () => {
    expect(noisyMethod(12, 100, 0)).toBe("density");
    expect(noisyMethod(DENSITY_MAX_QUBITS + 1, 100, 1_000_000)).toBe("trajectories");
  });

  it("switches where 4·4ⁿ = (3 + 2·shots)·2ⁿ: 4 qubits from 31 shots, 8 from 511, 12 from 8191", () => {
    expect([30, 31].map((shots) => noisyMethod(4, 50, shots))).toEqual(["trajectories", "density"]);
    expect([510, 511].map((shots) => noisyMethod(8, 50, shots))).toEqual([
      "trajectories",
      "density",
    ]);
    expect([8190, 8191].map((shots) => noisyMethod(12, 50, shots))).toEqual([
      "trajectories",
      "density",
    ]);
  });

  it("keeps ρ (16·4ⁿ B) or a statevector, the path's probabilities and its checkpoints", () => {
    expect(noisyStateBytes(12, 100, "density")).toBe(256 * 2 ** 20);
    // 8 qubits: 4 KiB a state; 30 gates → 30 checkpoints
    expect(noisyStateBytes(8, 30, "trajectories")).toBe(4096 + 2048 + 30 * 4096);
    // 20 qubits: 16 MiB a state, so one checkpoint (|0⟩'s)
    expect(noisyStateBytes(20, 300, "trajectories")).toBe(
      16 * 2 ** 20 + 8 * 2 ** 20 + CHECKPOINT_BYTES,
    );
  });

  it("is what the noisy simulator does: 8 qubits, 100 shots are trajectories, same seed same counts", () => {
    const builder = new CircuitBuilder(8);
    for (let q = 0; q < 8; q++) builder.add("ry", [q], weight(`w${q}`));
    for (let q = 0; q < 7; q++) builder.add("cx", [q, q + 1]);
    const circuit = builder.measureAll().build();
    const model = parseNoiseModel({ depolarizing: { default: 0.02 } });
    const rows = [Array.from({ length: 8 }, (_, q) => 0.3 * (q + 1))];
    expect(noisyMethod(8, circuit.gates.length, 100)).toBe("trajectories");
    const counts = noisyCounts(circuit, rows, model, { shots: 100, seed: 7 });
    expect(Array.from(counts.values)).toEqual(
      Array.from(trajectoryCounts(circuit, rows, model, { shots: 100, seed: 7 }).values),
    );
    expect(Array.from(noisyCounts(circuit, rows, model, { shots: 100, seed: 7 }).values)).toEqual(
      Array.from(counts.values),
    );
  });
});

/** moons, 8 samples (6 train, 2 test); 2 qubits, 1 layer, fixed encoding: 7 gates, 1 clbit. */
const TINY: JobSpecInput = {
  dataset: { name: "moons", samples: 8 },
  model: { qubits: 2, layers: 1, encoding: "fixed" },
  training: { epochs: 2, batchSize: 4, gradient: "spsa" },
  backend: { name: "twin", shots: 0 },
};

describe("the cost model on a twin", () => {
  it("knows a twin by its declared noisy simulation", () => {
    expect(simulationKindOf(TWIN)).toBe("noisy");
    expect(simulationKindOf(LOCAL_PROVIDER)).toBe("statevector");
    expect(simulationKindOf({})).toBe("remote");
  });

  it("prices a row by the density matrix: 4 passes over 4ⁿ entries per gate", () => {
    // 4 · 7 · 16 = 448, the per-gate overhead 8 · 64 = 512, the readout 4
    expect(noisyRowOperations({ qubits: 2, gates: 7 }, 0)).toBe(964);
    expect(GATE_OVERHEAD_AMPLITUDES).toBe(64);
    // 14 qubits with 100 shots: trajectories, (3 + 2 · 100) · 50 · 2¹⁴ + 51 · 64 + 2¹⁴
    expect(noisyRowOperations({ qubits: 14, gates: 50 }, 100)).toBe(
      203 * 50 * 16384 + 51 * 64 + 16384,
    );
    expect(noisyCallBytes({ qubits: 10, gates: 50 }, 0)).toBe(16 * 2 ** 20);
  });

  it("prices a SPSA run on a twin by hand, and far above the statevector's", () => {
    const spec = parseJobSpec(TINY);
    const cost = jobCostOf(spec, TWIN);
    // per epoch: 2 SPSA steps of 2 × 4 and 2 × 2 rows, one evaluation of 8 rows: 20 rows
    const overhead = 2 * STEP_OVERHEAD_OPERATIONS + 14 * SAMPLE_OVERHEAD_OPERATIONS;
    expect(cost.amplitudeOperations).toBe(2 * (20 * 964 + overhead));
    // features 256 B, ρ 16 · 16 = 256 B; the largest call, the batch of 4: its 8 rows twice
    // (8 × 6 × 8 = 384 B each) and their probabilities (8 × 2 × 8 = 128 B)
    expect(cost.peakMemoryBytes).toBe(256 + 256 + 384 + 384 + 128);
    const statevector = jobCostOf(spec, LOCAL_PROVIDER);
    // one forward pass on the statevector is (7 + 1) · (4 + 64) = 544
    expect(statevector.amplitudeOperations).toBe(2 * (20 * 544 + overhead));
  });

  it("prices a 10-qubit twin's density matrix, refused where the statevector is admitted", () => {
    const spec = parseJobSpec({
      ...TINY,
      dataset: { name: "moons", samples: 400 },
      model: { qubits: 10, layers: 4 },
      training: { epochs: 20, gradient: "parameter-shift" },
    });
    const twin = jobCostOf(spec, TWIN);
    const local = jobCostOf(spec, LOCAL_PROVIDER);
    expect(twin.amplitudeOperations / local.amplitudeOperations).toBeGreaterThan(1000);
    expect(twin.peakMemoryBytes - 16 * 4 ** 10).toBeGreaterThan(0);
    expect(local.peakMemoryBytes).toBeLessThan(16 * 4 ** 10);
  });
});
