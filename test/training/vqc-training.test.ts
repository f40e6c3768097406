import { describe, expect, it } from "vitest";
import type { TrainingCheckpoint } from "../../src/training/loop.js";
import type { EpochRecord } from "../../src/training/records.js";
import { runTraining } from "../local-backend.js";

const withoutTimes = (records: readonly EpochRecord[]) =>
  records.map(({ elapsedMs: _, ...rest }) => rest);

const small = { dataset: { name: "moons", samples: 60 }, model: { qubits: 2, layers: 2 } };

describe("training the VQC", () => {
  it("follows the same trajectory with parameter-shift as with adjoint gradients (exact)", async () => {
    const base = { ...small, training: { epochs: 3, optimizer: "sgd", learningRate: 0.1 } };
    const adjoint = await runTraining({
      ...base,
      training: { ...base.training, gradient: "adjoint" },
    });
    const shift = await runTraining({
      ...base,
      training: { ...base.training, gradient: "parameter-shift" },
    });
    const a = adjoint.result.weights;
    const b = shift.result.weights;
    for (let k = 0; k < a.length; k++) expect(Math.abs(a[k]! - b[k]!)).toBeLessThan(1e-10);
    // per training sample: 2 shifted circuits per circuit parameter occurrence + 1 unshifted.
    // The default linear encoding has 2·2 trainable angles θ (ry, rz per qubit and layer; 8)
    // and one φ per qubit and encoding layer (reupload: 2·2 = 4), so 2·12 + 1 = 25 circuits
    // (the chain rule to b and W costs no circuits); then one evaluation per sample of each split
    const { train, test } = shift.data;
    expect(shift.result.records[0]!.circuitEvaluations).toBe(
      train.samples * 25 + train.samples + test.samples,
    );
    expect(adjoint.result.records[0]!.circuitEvaluations).toBe(2 * train.samples + test.samples);
  });

  it("resumes from a checkpoint with a bit-identical result", async () => {
    const spec = { ...small, training: { epochs: 4 }, feedback: { mode: "lr" } };
    const full = await runTraining(spec);
    let checkpoint: TrainingCheckpoint | undefined;
    await runTraining(
      { ...spec, training: { epochs: 2 } },
      {
        onEvent: (event) => {
          if (event.type === "checkpoint") checkpoint = event.checkpoint;
        },
      },
    );
    const resumed = await runTraining(spec, { resumeFrom: JSON.parse(JSON.stringify(checkpoint)) });
    expect(Array.from(resumed.result.weights)).toEqual(Array.from(full.result.weights));
    expect(withoutTimes(resumed.result.records)).toEqual(withoutTimes(full.result.records));
  });

  it("trains on shots with parameter-shift and SPSA, reporting Miller–Madow estimates with the shot count", async () => {
    for (const gradient of ["parameter-shift", "spsa"] as const) {
      const { result } = await runTraining({
        ...small,
        training: { epochs: 3, gradient, learningRate: 0.1 },
        backend: { shots: 200 },
      });
      const last = result.records.at(-1)!;
      expect(last.estimator).toBe("miller-madow");
      expect(last.shots).toBe(200);
      expect(Number.isFinite(last.ixt) && Number.isFinite(last.ity)).toBe(true);
      expect(last.testAccuracy).toBeGreaterThan(0.5);
    }
  });

  it("is reproducible bit for bit with shots, from the seeds", async () => {
    const spec = { ...small, training: { epochs: 2, gradient: "spsa" }, backend: { shots: 64 } };
    const a = await runTraining(spec);
    const b = await runTraining(spec);
    expect(Array.from(a.result.weights)).toEqual(Array.from(b.result.weights));
    expect(withoutTimes(a.result.records)).toEqual(withoutTimes(b.result.records));
  });

  it("reports the Holevo quantity, which bounds I(X;T) of the readout register from above", async () => {
    const { result } = await runTraining({
      ...small,
      training: { epochs: 2 },
      infoPlane: { holevo: true },
    });
    for (const record of result.records) {
      expect(record.holevo).toBeDefined();
      expect(record.holevo!).toBeGreaterThanOrEqual(record.ixt - 1e-9);
      expect(record.holevo!).toBeLessThanOrEqual(1 + 1e-9); // one readout qubit
    }
  });

  it("measures T on all qubits when asked: I(X;T) may exceed the readout register's one bit", async () => {
    const readout = await runTraining({
      ...small,
      model: { qubits: 3, layers: 2 },
      training: { epochs: 2 },
    });
    const all = await runTraining({
      ...small,
      model: { qubits: 3, layers: 2 },
      training: { epochs: 2 },
      infoPlane: { register: "all" },
    });
    // same training either way; only the measured representation differs
    expect(Array.from(all.result.weights)).toEqual(Array.from(readout.result.weights));
    const r = readout.result.records.at(-1)!;
    const a = all.result.records.at(-1)!;
    expect(r.ixt).toBeLessThanOrEqual(1 + 1e-12);
    expect(a.ixt).toBeGreaterThan(r.ixt); // T on all qubits refines the readout outcome
    expect(a.ity).toBeGreaterThanOrEqual(r.ity - 1e-12);
  });

  it("trains regression with the affine readout of ⟨Z⟩ and reports MSE and R² in target units", async () => {
    const { result } = await runTraining({
      dataset: { name: "sine", samples: 80 },
      training: { epochs: 10 },
    });
    const last = result.records.at(-1)!;
    expect(last.testR2).toBeGreaterThan(0.8);
    expect(last.testMse).toBeLessThan(0.2);
    expect(last.hy).toBeCloseTo(3, 1); // 8 equal-frequency bins of the target
  });
});
