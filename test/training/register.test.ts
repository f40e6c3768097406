/**
 * `infoPlane.register` as a qubit list: the spec's rules, T = the marginal on the listed
 * qubits (bit order = list order), sizing, |R| = list length, and H(Y) of the training labels
 * known at admission (`trainLabelEntropyOf`) equal to what the worker measures on the data.
 */
import { describe, expect, it } from "vitest";
import { exactProbabilities } from "../../providers/local/simulator.js";
import { CircuitBuilder, withMeasured } from "../../src/circuits/ir.js";
import { labelEntropyBits } from "../../src/training/information.js";
import { prepareData, prepareDataShape, summarizeDataset } from "../../src/training/prepare.js";
import {
  admitFeedbackTarget,
  modelCostShape,
  representationBitsOf,
  trainLabelEntropyOf,
} from "../../src/training/sizing.js";
import { type JobSpecInput, parseJobSpec } from "../../src/training/spec.js";
import { buildVqcCircuits } from "../../src/training/vqc-circuits.js";
import { errorOf } from "../helpers/errors.js";
import { LOCAL_PROVIDER, prepareRun, runTraining } from "../local-backend.js";

const unreachable = (hy: string, bits: string) =>
  `spec.feedback.target: "label-entropy" is unreachable: H(Y) of the training labels is ${hy} bits, but the representation register carries at most ${bits} bits (I(X;T) ≤ |R|), so L_comp could never fall; choose a number of bits ≤ ${bits}, a larger register (infoPlane.register "all", more readout qubits, or fewer infoPlane.bins for a regression target), or set feedback.allowUnreachableTarget to true`;

describe("infoPlane.register in the spec", () => {
  it("accepts readout, all and a list of distinct qubits; refuses the rest naming the field", () => {
    const with_ = (register: unknown, model: object = {}) => ({
      dataset: { name: "moons" },
      model,
      infoPlane: { register },
    });
    expect(parseJobSpec(with_([3, 0])).infoPlane.register).toEqual([3, 0]);
    expect(parseJobSpec(with_("all")).infoPlane.register).toBe("all");
    const cases: [unknown, object, string][] = [
      [[0, 5], {}, "spec.infoPlane.register.1: qubit 5 does not exist in a 4-qubit model (got 5)"],
      [[1, 1], {}, "spec.infoPlane.register: must list distinct qubits (got [1,1])"],
      [
        "some",
        {},
        'spec.infoPlane.register: must be "readout", "all" or a list of 1 to 20 distinct qubit indices (integers 0–23) (got "some")',
      ],
      [
        Array.from({ length: 21 }, (_, q) => q),
        { qubits: 24 },
        'spec.infoPlane.register: must be "readout", "all" or a list of 1 to 20 distinct qubit indices (integers 0–23) (got [0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20])',
      ],
      [
        [0, 1],
        { kind: "mlp" },
        'spec.infoPlane.register: only applies to model.kind "vqc"; model.kind "mlp" takes its T from model.representation (use "readout") (got [0,1])',
      ],
      [
        "all",
        { kind: "linear" },
        'spec.infoPlane.register: only applies to model.kind "vqc"; model.kind "linear" takes its T from model.representation (use "readout") (got "all")',
      ],
    ];
    for (const [register, model, message] of cases) {
      expect(errorOf(() => parseJobSpec(with_(register, model)))).toEqual({
        code: "QPLANE_ERR_SPEC_INVALID",
        message,
      });
    }
  });
});

describe("T on a qubit list", () => {
  it("is the marginal of the circuit's distribution on the listed qubits, first listed = bit 0", () => {
    // ry(2π/3) q0, cx q0→q1: cos(π/3)|00⟩ + sin(π/3)|11⟩ on q0 q1; ry(π/2) q2: |+⟩
    const state = new CircuitBuilder(3)
      .add("ry", [0], (2 * Math.PI) / 3)
      .add("cx", [0, 1])
      .add("ry", [2], Math.PI / 2)
      .build();
    // T = (q2, q0): P(q2, q0) = P(q2)·P(q0) = [½·¼, ½·¼, ½·¾, ½·¾] at index q2 + 2·q0
    const marginalOn = (qubits: number[]) =>
      Array.from(exactProbabilities(withMeasured(state, qubits), []).values, (p) =>
        Number(p.toFixed(14)),
      );
    expect(marginalOn([2, 0])).toEqual([1 / 8, 1 / 8, 3 / 8, 3 / 8]);
    // q0 and q1 agree: T = (q0, q1) has no weight on 01 or 10
    expect(marginalOn([0, 1])).toEqual([1 / 4, 0, 0, 3 / 4]);
  });

  it("builds the representation circuit measuring exactly the listed qubits into c[0..k−1]", () => {
    const spec = parseJobSpec({
      dataset: { name: "moons" },
      model: { qubits: 4 },
      infoPlane: { register: [3, 1] },
    });
    const circuits = buildVqcCircuits(spec, {
      task: "classification",
      classes: 2,
      featureCount: 2,
    });
    const { representationCircuit, circuit } = circuits;
    expect(representationCircuit.numClbits).toBe(2);
    expect(representationCircuit.measurements).toEqual([
      { qubit: 3, clbit: 0 },
      { qubit: 1, clbit: 1 },
    ]);
    expect(representationCircuit.gates).toEqual(circuit.gates);
    // the readout register as a list is the readout: one circuit serves both
    const readoutList = parseJobSpec({ ...spec, infoPlane: { register: [3] } });
    const same = buildVqcCircuits(readoutList, {
      task: "classification",
      classes: 2,
      featureCount: 2,
    });
    expect(same.readoutQubits).toEqual([3]);
    expect(same.representationCircuit).toBe(same.circuit);
  });

  it("gives the I(X;T) of 'all' when it lists every qubit, in any order", async () => {
    const base = {
      dataset: { name: "moons", samples: 40 },
      model: { qubits: 3, layers: 1 },
      training: { epochs: 2 },
    };
    const readout = await runTraining(base);
    const all = await runTraining({ ...base, infoPlane: { register: "all" } });
    const listed = await runTraining({ ...base, infoPlane: { register: [0, 1, 2] } });
    const reversed = await runTraining({ ...base, infoPlane: { register: [2, 1, 0] } });
    expect(listed.model.representationBits).toBe(3);
    all.result.records.forEach((record, epoch) => {
      expect(listed.result.records[epoch]!.ixt).toBe(record.ixt);
      expect(listed.result.records[epoch]!.ity).toBe(record.ity);
      // a permuted list relabels T's outcomes: the same information up to rounding
      expect(reversed.result.records[epoch]!.ixt).toBeCloseTo(record.ixt, 12);
      expect(reversed.result.records[epoch]!.ity).toBeCloseTo(record.ity, 12);
    });
    // T on every qubit refines the 1-qubit readout: more I(X;T)
    const [r, a] = [readout.result.records.at(-1)!, all.result.records.at(-1)!];
    expect(a.ixt).toBeGreaterThan(r.ixt + 0.01);
  });

  it("sizes the representation run with one clbit per listed qubit", () => {
    const representationOf = (register: unknown, shots: object = {}) => {
      const spec = parseJobSpec({
        dataset: { name: "moons" },
        model: { qubits: 4 },
        infoPlane: { register, ...shots },
      });
      const shape = modelCostShape(spec, prepareDataShape(spec), LOCAL_PROVIDER);
      if (shape.kind !== "vqc") throw new Error("expected the VQC's shape");
      return shape.representation;
    };
    expect(representationOf([0, 2, 1])?.clbits).toBe(3);
    expect(representationOf("all")?.clbits).toBe(4);
    // the readout qubit (3 of 4 for two classes) listed alone is the model's own run
    expect(representationOf([3])).toBeNull();
    expect(representationOf([3], { shots: 50 })?.clbits).toBe(1);
  });
});

describe("|R| and H(Y) without the data", () => {
  it("|R| from the spec equals the built model's, for VQC registers and classical models", () => {
    const specs: JobSpecInput[] = [
      { dataset: { name: "iris" }, infoPlane: { register: [0] } },
      { dataset: { name: "iris" }, infoPlane: { register: "all" } },
      { dataset: { name: "iris" } },
      { dataset: { name: "sine", samples: 40 } },
      { dataset: { name: "iris" }, model: { kind: "mlp", representation: "hidden" } },
      { dataset: { name: "sine", samples: 40 }, model: { kind: "linear" } },
    ];
    const bits = specs.map((input) => {
      const { spec, model } = prepareRun(input);
      expect(representationBitsOf(spec, prepareDataShape(spec))).toBe(model.representationBits);
      return Number(model.representationBits.toFixed(3));
    });
    // 2 readout qubits for 3 classes; 4 for regression; 8 hidden units × log2 30; log2 30
    expect(bits).toEqual([1, 4, 2, 4, 39.255, 4.907]);
  });

  it("H(Y) of the training labels from the summary equals the worker's on the prepared data", () => {
    const specs: JobSpecInput[] = [
      { dataset: { name: "iris" } },
      { dataset: { name: "iris", testFraction: 0.3, validationFraction: 0.2 } },
      { dataset: { name: "penguins" } },
      { dataset: { name: "blobs", classes: 5, samples: 103 } },
      { dataset: { name: "wide", classes: 3, samples: 91, labelNoise: 0.2 } },
      { dataset: { name: "sine", samples: 97 } },
      {
        dataset: { name: "friedman1", samples: 50, validationFraction: 0.2 },
        infoPlane: { bins: 7 },
      },
      { dataset: { name: "polynomial", samples: 5 } }, // 4 training rows, fewer than 8 bins
    ];
    for (const input of specs) {
      const spec = parseJobSpec(input);
      const data = prepareData(spec);
      const measured = labelEntropyBits(data.train.infoLabels, data.infoClasses);
      expect(trainLabelEntropyOf(spec, summarizeDataset(spec))).toBeCloseTo(measured, 12);
    }
    const polynomial = parseJobSpec({ dataset: { name: "polynomial", samples: 5 } });
    expect(trainLabelEntropyOf(polynomial, summarizeDataset(polynomial))).toBe(2);
    // a real regression target may have ties, which merge bins: only the data can tell
    const cars = parseJobSpec({ dataset: { name: "cars" } });
    expect(trainLabelEntropyOf(cars, summarizeDataset(cars))).toBeNull();
  });

  it("refuses log2 3 bits of iris labels on a 1-qubit T at admission, as the worker does", () => {
    const input = {
      dataset: { name: "iris" },
      feedback: { mode: "lr" },
      infoPlane: { register: [0] },
    } as const;
    const spec = parseJobSpec(input);
    const admit = () => admitFeedbackTarget(spec, summarizeDataset(spec), prepareDataShape(spec));
    const expected = { code: "QPLANE_ERR_SPEC_INVALID", message: unreachable("1.585", "1.000") };
    expect(errorOf(admit)).toEqual(expected);
    expect(errorOf(() => prepareRun(input))).toEqual(expected);
    // every qubit (4 bits), or the opt-in, is admitted
    for (const other of [
      { ...input, infoPlane: { register: "all" } },
      { ...input, feedback: { ...input.feedback, allowUnreachableTarget: true } },
    ]) {
      const admitted = parseJobSpec(other);
      expect(
        admitFeedbackTarget(admitted, summarizeDataset(admitted), prepareDataShape(admitted)),
      ).toBeUndefined();
      expect(prepareRun(other).spec.infoPlane.register).toEqual(other.infoPlane.register);
    }
  });

  it("refuses a regression target's 3 bits (8 bins) on a 2-qubit T", () => {
    const spec = parseJobSpec({
      dataset: { name: "sine", samples: 96 },
      model: { qubits: 3 },
      feedback: { mode: "loss" },
      infoPlane: { register: [0, 1] },
    });
    expect(
      errorOf(() => admitFeedbackTarget(spec, summarizeDataset(spec), prepareDataShape(spec))),
    ).toEqual({ code: "QPLANE_ERR_SPEC_INVALID", message: unreachable("3.000", "2.000") });
  });
});
