import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { OutcomeLoss } from "../../src/gradients/method.js";
import { PROBABILITY_FLOOR } from "../../src/training/model.js";
import {
  classLoss,
  classMasses,
  createClassMap,
  headPrediction,
  predictedClass,
  readoutExpectations,
  regressionLoss,
} from "../../src/training/readout.js";

/** Central differences of f with respect to each entry of p. */
function numericGradient(p: Float64Array, f: (p: Float64Array) => number, step = 1e-6) {
  return Array.from(p, (_, t) => {
    const plus = Float64Array.from(p);
    const minus = Float64Array.from(p);
    plus[t]! += step;
    minus[t]! -= step;
    return (f(plus) - f(minus)) / (2 * step);
  });
}

/** The loss context of a one-row probability vector (offset 0). */
function rowOf(p: Float64Array, batchSize: number, cotangent: Float64Array | null): OutcomeLoss {
  return { probabilities: p, offset: 0, outcomeCount: p.length, batchSize, cotangent };
}

describe("class maps", () => {
  it("balanced gives every class ⌊M/C⌋ outcomes and leaves the rest out; modulo is t mod C", () => {
    expect(Array.from(createClassMap("balanced", 3, 4).outcomeClass)).toEqual([0, 1, 2, -1]);
    expect(Array.from(createClassMap("balanced", 3, 8).outcomeClass)).toEqual([
      0, 1, 2, 0, 1, 2, -1, -1,
    ]);
    expect(Array.from(createClassMap("modulo", 3, 4).outcomeClass)).toEqual([0, 1, 2, 0]);
    expect(createClassMap("balanced", 3, 4).renormalised).toBe(true);
    // C divides M: nothing left out, nothing to renormalise
    expect(Array.from(createClassMap("balanced", 2, 4).outcomeClass)).toEqual([0, 1, 0, 1]);
    expect(createClassMap("balanced", 2, 4).renormalised).toBe(false);
    expect(createClassMap("modulo", 3, 4).renormalised).toBe(false);
  });

  it("refuses a register with fewer outcomes than classes", () => {
    expect(() => createClassMap("balanced", 5, 4)).toThrow(
      expect.objectContaining({
        code: "QPLANE_ERR_SPEC_INVALID",
        message: "spec.model.readout: 4 readout outcomes cannot hold 5 classes",
      }),
    );
  });

  it("balanced renormalises over the voting outcomes: p(0|x) = 0.1 / 0.6 for p = (.1, .2, .3, .4)", () => {
    const p = Float64Array.of(0.1, 0.2, 0.3, 0.4);
    const balanced = createClassMap("balanced", 3, 4);
    const masses = new Float64Array(3);
    expect(classMasses(balanced, p, 0, masses)).toBeCloseTo(0.6, 15);
    expect(Array.from(masses)).toEqual([0.1, 0.2, 0.3]);
    expect(classLoss(balanced, 0, rowOf(p, 1, null))).toBeCloseTo(Math.log(6), 14);
    expect(classLoss(balanced, 2, rowOf(p, 1, null))).toBeCloseTo(Math.log(2), 14);
    expect(predictedClass(balanced, p, 0, masses)).toBe(2);
    // modulo: class 0 holds outcomes 0 and 3
    const modulo = createClassMap("modulo", 3, 4);
    expect(classLoss(modulo, 0, rowOf(p, 1, null))).toBeCloseTo(Math.log(2), 14);
    expect(predictedClass(modulo, p, 0, masses)).toBe(0);
    // ties go to the first class
    expect(predictedClass(balanced, Float64Array.of(0.3, 0.3, 0.3, 0.1), 0, masses)).toBe(0);
  });

  it("writes ∂L/∂p_t / batch equal to central differences (balanced and modulo, C = 3 on 2 and 3 bits)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("balanced", "modulo" as const),
        fc.constantFrom(4, 8),
        fc.integer({ min: 0, max: 2 }),
        fc.array(fc.double({ min: 0.05, max: 1, noNaN: true }), { minLength: 8, maxLength: 8 }),
        (name, outcomes, label, raw) => {
          const map = createClassMap(name, 3, outcomes);
          const p = Float64Array.from(raw.slice(0, outcomes));
          const cotangent = new Float64Array(outcomes);
          classLoss(map, label, rowOf(p, 4, cotangent));
          const numeric = numericGradient(p, (q) => classLoss(map, label, rowOf(q, 1, null)) / 4);
          for (let t = 0; t < outcomes; t++) expect(cotangent[t]).toBeCloseTo(numeric[t]!, 6);
          // the formula: −1/P(S_y)·[t ∈ S_y] + 1/P(A)·[t ∈ A] (A: the voters when balanced)
          const masses = new Float64Array(3);
          const voting = classMasses(map, p, 0, masses);
          for (let t = 0; t < outcomes; t++) {
            const c = map.outcomeClass[t]!;
            const own = c === label ? -1 / masses[label]! : 0;
            const all = map.renormalised && c >= 0 ? 1 / voting : 0;
            expect(cotangent[t]).toBeCloseTo((own + all) / 4, 12);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it("floors the probability: a class with no mass costs −log(floor) and no gradient", () => {
    const map = createClassMap("balanced", 3, 4);
    const p = Float64Array.of(0, 0.5, 0.5, 0);
    const cotangent = new Float64Array(4).fill(7);
    expect(classLoss(map, 0, rowOf(p, 1, cotangent))).toBeCloseTo(-Math.log(PROBABILITY_FLOOR), 12);
    expect(Array.from(cotangent)).toEqual([0, 0, 0, 0]);
  });
});

describe("the regression head", () => {
  it("reads ⟨Z_k⟩ from bit k of the outcome and predicts b + Σ a_k⟨Z_k⟩", () => {
    const p = Float64Array.of(0.1, 0.2, 0.3, 0.4);
    const z = new Float64Array(2);
    readoutExpectations(p, 0, 4, z);
    // bit 0 set in outcomes 1, 3; bit 1 in outcomes 2, 3
    expect(z[0]).toBeCloseTo(0.1 - 0.2 + 0.3 - 0.4, 15);
    expect(z[1]).toBeCloseTo(0.1 + 0.2 - 0.3 - 0.4, 15);
    const head = Float64Array.of(9, 2, -1, 0.5); // offset 1: a = (2, −1), b = 0.5
    expect(headPrediction(head, 1, z)).toBeCloseTo(2 * -0.2 - 1 * -0.4 + 0.5, 15);
    expect(
      regressionLoss({ weights: head, offset: 1, z, gradient: null }, 1, rowOf(p, 1, null)),
    ).toBeCloseTo(0.25, 14);
  });

  it("writes ∂/∂p_t and ∂/∂a_k, ∂/∂b equal to central differences (K = 3)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 8, maxLength: 8 }),
        fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 4, maxLength: 4 }),
        fc.double({ min: -2, max: 2, noNaN: true }),
        (raw, rawHead, target) => {
          const p = Float64Array.from(raw);
          const head = Float64Array.from(rawHead);
          const z = new Float64Array(3);
          const cotangent = new Float64Array(8);
          const headGradient = new Float64Array(4);
          const loss = (q: Float64Array, h: Float64Array) =>
            regressionLoss(
              { weights: h, offset: 0, z: new Float64Array(3), gradient: null },
              target,
              rowOf(q, 1, null),
            ) / 5;
          regressionLoss(
            { weights: head, offset: 0, z, gradient: headGradient },
            target,
            rowOf(p, 5, cotangent),
          );
          const numeric = numericGradient(p, (q) => loss(q, head));
          for (let t = 0; t < 8; t++) expect(cotangent[t]).toBeCloseTo(numeric[t]!, 6);
          const numericHead = numericGradient(head, (h) => loss(p, h));
          for (let k = 0; k < 4; k++) expect(headGradient[k]).toBeCloseTo(numericHead[k]!, 6);
        },
      ),
      { numRuns: 100 },
    );
  });
});
