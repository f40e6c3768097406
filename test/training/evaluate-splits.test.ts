/**
 * An epoch's evaluations as one provider submission (`TrainableModel.evaluateSplits`): each
 * split's evaluation equals `evaluate` on it alone — on shots too, since the concatenated rows
 * are sampled in the order separate calls would sample them — for one submission instead of
 * one per split.
 */
import { describe, expect, it } from "vitest";
import { createRng } from "../../src/random/rng.js";
import type { Evaluation, TrainableModel } from "../../src/training/model.js";
import { concatenateRows, resultRows } from "../../src/training/row-batches.js";
import { prepareRun } from "../local-backend.js";

/** The splits evaluated one call each, as the loop did before batching. */
async function oneByOne(
  model: TrainableModel,
  weights: Float64Array,
  requests: Parameters<TrainableModel["evaluateSplits"]>[1],
  seed: number,
): Promise<Evaluation[]> {
  const rng = createRng(seed);
  const out: Evaluation[] = [];
  for (const { split, information } of requests) {
    out.push(await model.evaluate(weights, split, null, { information, rng }));
  }
  return out;
}

describe("evaluateSplits on the VQC", () => {
  const cases = [
    ["classification, 200 shots", { dataset: { name: "moons", samples: 60 } }, 200],
    ["classification, exact", { dataset: { name: "iris" } }, 0],
    ["regression, 150 shots", { dataset: { name: "sine", samples: 50 } }, 150],
  ] as const;

  it.each(cases)(
    "gives each split what evaluate gives it, in one submission (%s)",
    async (_, base, shots) => {
      const { model, data } = prepareRun({
        ...base,
        dataset: { ...base.dataset, validationFraction: 0.2 },
        model: { qubits: 3, layers: 1 },
        training: { gradient: "parameter-shift" },
        backend: { shots },
      });
      const weights = model.initialWeights(createRng(3));
      const requests = [
        { split: data.train, information: true },
        { split: data.test, information: false },
        { split: data.validation!, information: false },
      ];
      const before = model.usage!.submissions;
      const separate = await oneByOne(model, weights, requests, 9);
      const afterSeparate = model.usage!.submissions;
      const batched = await model.evaluateSplits(weights, requests, { rng: createRng(9) });
      expect(afterSeparate - before).toBe(3);
      expect(model.usage!.submissions - afterSeparate).toBe(1);
      expect(batched).toEqual(separate);
      expect(batched[0]!.information!.shots).toBe(shots);
      expect(batched.map((e) => e.circuitEvaluations)).toEqual([
        data.train.samples,
        data.test.samples,
        data.validation!.samples,
      ]);
      // a different seed draws different shots: the equality above is not vacuous
      if (shots > 0) {
        const other = await model.evaluateSplits(weights, requests, { rng: createRng(10) });
        expect(other[0]!.loss).not.toBe(separate[0]!.loss);
      }
    },
  );

  it("runs a differing representation circuit once more, on the informed split only", async () => {
    const { model, data } = prepareRun({
      dataset: { name: "moons", samples: 60 },
      model: { qubits: 3, layers: 1 },
      infoPlane: { split: "test", shots: 300 },
      training: { gradient: "parameter-shift" },
      backend: { shots: 100 },
    });
    const weights = model.initialWeights(createRng(4));
    const requests = [
      { split: data.train, information: false },
      { split: data.test, information: true },
    ];
    const separate = await oneByOne(model, weights, requests, 5);
    const before = model.usage!.submissions;
    const batched = await model.evaluateSplits(weights, requests, { rng: createRng(5) });
    // the model run for both splits, then the test split's 300-shot representation run
    expect(model.usage!.submissions - before).toBe(2);
    expect(batched).toEqual(separate);
    expect(batched[1]!.information!.shots).toBe(300);
    expect(batched[1]!.circuitEvaluations).toBe(2 * data.test.samples);
  });
});

describe("row batches", () => {
  it("concatenates rows in order and refuses mismatched columns, naming both", () => {
    const a = { rows: 2, cols: 2, values: Float64Array.of(1, 2, 3, 4) };
    const b = { rows: 1, cols: 2, values: Float64Array.of(5, 6) };
    const joined = concatenateRows([a, b]);
    expect(joined.rows).toBe(3);
    expect(Array.from(joined.values)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(() => concatenateRows([a, { rows: 1, cols: 3, values: new Float64Array(3) }])).toThrow(
      "concatenateRows: 3 columns where 2 were expected",
    );
  });

  it("splits a result back into row ranges, keeping its kind and shots", () => {
    const counts = {
      kind: "counts" as const,
      rows: 3,
      outcomeCount: 2,
      shots: 10,
      values: Uint32Array.of(1, 9, 2, 8, 3, 7),
    };
    const tail = resultRows(counts, 1, 2);
    expect(tail).toMatchObject({ kind: "counts", rows: 2, shots: 10 });
    expect(Array.from(tail.values)).toEqual([2, 8, 3, 7]);
    const probabilities = {
      kind: "probabilities" as const,
      rows: 2,
      outcomeCount: 2,
      values: Float64Array.of(0.25, 0.75, 0.5, 0.5),
    };
    expect(Array.from(resultRows(probabilities, 0, 1).values)).toEqual([0.25, 0.75]);
    expect(() => resultRows(counts, 2, 2)).toThrow(
      "resultRows: rows 2..4 outside a result of 3 rows",
    );
  });
});
