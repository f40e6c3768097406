import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ansatzSize, buildAnsatz } from "../../src/circuits/ansatz.js";
import { isParameterAngle } from "../../src/circuits/ir.js";
import {
  EIGENSOLVE_OPERATIONS_PER_CUBE as EIG,
  MAX_HOLEVO_REGISTER_QUBITS,
  TRACE_OPERATIONS_PER_MULTIPLY_ADD as TRACE,
} from "../../src/infoplane/holevo.js";
import {
  ansatzCircuitShape,
  forwardOperations,
  MLP_OPERATIONS_PER_MULTIPLY_ADD,
  SAMPLE_OVERHEAD_OPERATIONS,
  type VqcCostShape,
} from "../../src/training/cost.js";
import { planRun } from "../../src/training/plan.js";
import { prepareData, prepareDataShape } from "../../src/training/prepare.js";
import { jobCostOf, modelCostShape } from "../../src/training/sizing.js";
import { type JobSpecInput, parseJobSpec } from "../../src/training/spec.js";
import { shapeOfPrepared } from "../helpers/prepared-data.js";
import { LOCAL_PROVIDER, prepareRun, REMOTE_PROVIDER } from "../local-backend.js";
import { costOf, FORWARD, OVERHEAD, SHOT_1_BIT, SHOT_2_BITS, TINY } from "./cost-fixtures.js";

describe("the cost model", () => {
  it("prices an adjoint run by hand: 4 forward passes per training row, 1 per evaluated row", () => {
    const cost = costOf(TINY);
    // per epoch: 6 training rows × 4 passes, 6 + 2 evaluated rows
    expect(cost.amplitudeOperations).toBe(2 * ((6 * 4 + 8) * FORWARD + OVERHEAD));
    expect(cost.amplitudeOperations).toBe(546_816);
    // features (8 × 2 Float64, raw and scaled) 256 B; state, λ and 4 snapshots of 4
    // amplitudes × 16 B = 384 B; the largest call is the epoch's one evaluation of all 8 rows
    // (matrix 8 × 6 × 8, probabilities 8 × 2 × 8 = 512 B), over the batch of 4 (matrix
    // 4 × 6 × 8, probabilities 4 × 2 × 8, gradients 4 × 4 × 8 = 384 B)
    expect(cost.peakMemoryBytes).toBe(256 + 384 + 512);
    expect(cost.drivers).toEqual({
      "model.qubits": 2,
      "model.layers": 1,
      "model.entangler": "linear",
      "dataset.samples": 8,
      "training.batchSize": 4,
      "training.epochs": 2,
      "training.gradient": "adjoint",
    });
  });

  it("prices the linear encoding by hand: φ weights in the circuit, W·x + b per row built", () => {
    const cost = costOf({ ...TINY, model: { ...TINY.model, encoding: "linear" } });
    // the same 7 gates (2 ry(φ) for 2 features), now 6 weights; W·x + b: 2 angles × 2
    // features = 4 multiply-adds (× 3) per row built: twice per stepped row, once per evaluated
    expect(cost.amplitudeOperations).toBe(
      2 * ((6 * 4 + 8) * FORWARD + (2 * 6 + 8) * 4 * MLP_OPERATIONS_PER_MULTIPLY_ADD + OVERHEAD),
    );
    // features 256 B; state, λ and 6 snapshots of 64 B = 512 B; W 4 × 8 B; the joined
    // evaluation of 8 rows (matrix 8 × 6 × 8, probabilities 8 × 2 × 8 = 512 B) over the batch
    // of 4 (matrix 4 × 6 × 8, probabilities 4 × 2 × 8, gradients 4 × 6 × 8 = 448 B)
    expect(cost.peakMemoryBytes).toBe(256 + 512 + 32 + 384 + 128);
  });

  it("prices parameter-shift by hand: (shifts + 1) rows per sample, plus the shots' sampling", () => {
    const cost = costOf({
      ...TINY,
      training: { ...TINY.training, gradient: "parameter-shift" },
      backend: { shots: 10 },
    });
    // 4 weights × 2 shifts + 1 unshifted = 9 rows per training sample
    expect(cost.amplitudeOperations).toBe(
      2 * ((9 * 6 + 8) * (FORWARD + 10 * SHOT_1_BIT) + OVERHEAD),
    );
    // the batch of 4: its rows 4·6·8 = 192, 36 shifted rows of 6 columns (1728) with
    // probabilities and counts (36·2·12 = 864), the Jacobian and unshifted p 4·2·5·8 = 320
    expect(cost.peakMemoryBytes).toBe(256 + 2 * 64 + 192 + 1728 + 864 + 320);
  });

  it("prices a remote backend's rows as this process's work only: their values and outcomes", () => {
    const spec = parseJobSpec({
      ...TINY,
      training: { ...TINY.training, gradient: "parameter-shift" },
      backend: { shots: 10 },
    });
    const cost = jobCostOf(spec, REMOTE_PROVIDER);
    // 6 columns + 2 outcomes per row, whatever the gates and qubits
    expect(cost.amplitudeOperations).toBe(2 * ((9 * 6 + 8) * (6 + 2) + OVERHEAD));
    // no statevector is kept: the data and the batch's parameter-shift buffers
    expect(cost.peakMemoryBytes).toBe(256 + 192 + 1728 + 864 + 320);
  });

  it("prices SPSA, the representation run, feedback probes and Holevo by hand", () => {
    const cost = costOf({
      ...TINY,
      training: { ...TINY.training, gradient: "spsa" },
      backend: { shots: 10 },
      // T = both qubits at other shots: its own run on the measured split
      infoPlane: { register: "all", shots: 20 },
      feedback: { mode: "loss", probeSize: 3 },
    });
    const own = FORWARD + 10 * SHOT_1_BIT;
    const all = FORWARD + 20 * SHOT_2_BITS;
    // per epoch 2·6 SPSA rows, 6 + 2 evaluated, 6 representation rows (train split);
    // one probe of 3 rows per epoch (model and representation)
    expect(cost.amplitudeOperations).toBe(
      2 * (12 * own + 8 * own + 6 * all + OVERHEAD) +
        2 * 3 * (own + all + SAMPLE_OVERHEAD_OPERATIONS),
    );
    const holevo = costOf({ ...TINY, infoPlane: { holevo: true } });
    // 6 training states per epoch, each reduced onto 1 readout qubit (2^(2+1) multiply-adds)
    // and its 2×2 matrix solved; then the mean state's 2×2 eigensolve
    expect(holevo.amplitudeOperations - costOf(TINY).amplitudeOperations).toBe(
      2 * (6 * (FORWARD + TRACE * 8 + EIG * 8) + EIG * 8),
    );
  });

  it("prices the Holevo quantity of a multi-qubit readout: both partial traces, both eigensolves", () => {
    // 10 qubits, readout of 6: per state ρ_R (2^16 multiply-adds) and ρ of the 4 others
    // (2^14), a 16×16 eigensolve; per epoch one 64×64 eigensolve of the mean state
    const spec: JobSpecInput = {
      ...TINY,
      // fixed encoding: no classical W·x + b per Holevo state in the difference below
      model: { qubits: 10, layers: 1, readout: [0, 1, 2, 3, 4, 5], encoding: "fixed" },
    };
    const forward = forwardOperations(
      (
        modelCostShape(
          parseJobSpec(spec),
          prepareDataShape(parseJobSpec(spec)),
          LOCAL_PROVIDER,
        ) as VqcCostShape
      ).circuit,
    );
    const holevo = costOf({ ...spec, infoPlane: { holevo: true } });
    const perState = TRACE * (2 ** 16 + 2 ** 14) + EIG * 16 ** 3;
    expect(holevo.amplitudeOperations - costOf(spec).amplitudeOperations).toBe(
      2 * (6 * (forward + perState) + EIG * 64 ** 3),
    );
    // per epoch 6 × (245 760 + 40 960 + forward) + 2 621 440
    expect(perState).toBe(286_720);
    expect(EIG * 64 ** 3).toBe(2_621_440);
  });

  it(`refuses the Holevo quantity of a readout over ${MAX_HOLEVO_REGISTER_QUBITS} qubits, naming the fields`, () => {
    const nine = parseJobSpec({
      ...TINY,
      model: { qubits: 12, layers: 1, readout: [0, 1, 2, 3, 4, 5, 6, 7, 8] },
      infoPlane: { holevo: true },
    });
    expect(() => jobCostOf(nine, LOCAL_PROVIDER)).toThrow(
      expect.objectContaining({
        code: "QPLANE_ERR_SPEC_INVALID",
        message:
          "spec.infoPlane.holevo: the Holevo quantity of a 9-qubit readout register needs 512×512 density matrices; at most 8 readout qubits (got model.readout [0,1,2,3,4,5,6,7,8], model.qubits 12); set infoPlane.holevo to false or use fewer readout qubits",
      }),
    );
    // the same readout without χ, and 8 readout qubits with it, are admitted
    expect(() =>
      jobCostOf({ ...nine, infoPlane: { ...nine.infoPlane, holevo: false } }, LOCAL_PROVIDER),
    ).not.toThrow();
    const eight = parseJobSpec({
      ...TINY,
      model: { qubits: 12, layers: 1, readout: [0, 1, 2, 3, 4, 5, 6, 7] },
      infoPlane: { holevo: true },
    });
    expect(jobCostOf(eight, LOCAL_PROVIDER).amplitudeOperations).toBeGreaterThan(
      2 * EIG * 256 ** 3,
    );
  });

  it("prices the MLP in weighted multiply-adds: 3 per weight and training sample, 1 per evaluated", () => {
    // sine, 8 samples: 6 train, 2 test; 1 → 8 → 1 has 8·2 + 1·9 = 25 weights
    const spec: JobSpecInput = {
      dataset: { name: "sine", samples: 8 },
      model: { kind: "mlp", hidden: [8], representation: "hidden" },
      training: { epochs: 2, batchSize: 4 },
    };
    const cost = costOf(spec);
    expect(cost.amplitudeOperations).toBe(
      2 * ((3 * 6 + 8) * 25 * MLP_OPERATIONS_PER_MULTIPLY_ADD + OVERHEAD),
    );
    // features 8 × 1 × 8 × 2, weights 25 × 8, T of the 6 training samples 6 × 8 × 8
    expect(cost.peakMemoryBytes).toBe(128 + 200 + 384);
    expect(cost.drivers).toMatchObject({ "model.hidden": "[8]", "dataset.samples": 8 });
    // the default representation, the output: T is the 1 prediction of each, 6 × 1 × 8
    const output = costOf({ ...spec, model: { kind: "mlp", hidden: [8] } });
    expect(output.amplitudeOperations).toBe(cost.amplitudeOperations);
    expect(output.peakMemoryBytes).toBe(128 + 200 + 48);
  });

  it("sizes the ansatz arithmetically exactly as buildAnsatz builds it (both encodings)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 12 }),
        fc.boolean(),
        fc.constantFrom("linear", "ring", "full" as const),
        fc.constantFrom("fixed", "linear" as const),
        (qubits, layers, features, reupload, entangler, encoding) => {
          const options = {
            qubits,
            layers,
            features,
            reupload,
            entangler,
            encoding,
            readoutQubits: [0],
          };
          const { circuit, encodingAngleNames } = buildAnsatz(options);
          expect(ansatzSize(options).encodingAngles).toBe(encodingAngleNames.length);
          const weightArgs = circuit.gates.flatMap((gate) =>
            gate.args.filter((arg) => isParameterAngle(arg) && arg.kind === "weight"),
          );
          const weights = circuit.parameters.filter((p) => p.kind === "weight").length;
          // every weight sits in one ry or rz: 2 shifts each
          expect(weightArgs).toHaveLength(weights);
          expect(ansatzCircuitShape(ansatzSize(options))).toEqual({
            qubits: circuit.numQubits,
            clbits: circuit.numClbits,
            gates: circuit.gates.length,
            columns: circuit.parameters.length,
            weights,
            weightGates: weights,
            shifts: 2 * weights,
            expandedColumns: circuit.parameters.length,
          });
        },
      ),
    );
  });

  it("sizes the data arithmetically exactly as prepareData splits it", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("moons", "circles", "xor", "blobs", "sine", "polynomial", "iris" as const),
        fc.integer({ min: 6, max: 300 }),
        fc.double({ min: 0.05, max: 0.9, noNaN: true }),
        fc.integer({ min: 2, max: 5 }),
        fc.constantFrom(0, 0.05, 0.2, 0.4),
        (name, samples, testFraction, classes, validationFraction) => {
          if (testFraction + validationFraction >= 1) {
            const input = { dataset: { name, samples, testFraction, validationFraction } };
            expect(() => parseJobSpec(input)).toThrow("spec.dataset.validationFraction");
            return;
          }
          const spec = parseJobSpec({
            dataset: {
              name,
              samples,
              testFraction,
              validationFraction,
              ...(name === "blobs" ? { classes } : {}),
            },
          });
          // both paths refuse the same specs (test + validation ≥ 1, an empty split)
          let data: ReturnType<typeof prepareData>;
          try {
            data = prepareData(spec);
          } catch (error) {
            expect(() => prepareDataShape(spec)).toThrow((error as Error).message);
            return;
          }
          const shape = prepareDataShape(spec);
          expect(shape).toEqual(shapeOfPrepared(data));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("puts the numbers admission checks in the plan of a prepared run", async () => {
    for (const extra of [
      {},
      { training: { epochs: 3, gradient: "parameter-shift" }, backend: { shots: 50 } },
      { infoPlane: { register: "all", shots: 7 }, training: { gradient: "spsa" } },
      { model: { kind: "mlp", hidden: [4, 3] } },
    ] as JobSpecInput[]) {
      const input = { ...extra, dataset: { name: "iris" } } as JobSpecInput;
      const prepared = prepareRun(input);
      const plan = await planRun(prepared);
      const cost = jobCostOf(prepared.spec, LOCAL_PROVIDER);
      expect(plan).toMatchObject({
        amplitudeOperations: cost.amplitudeOperations,
        peakMemoryBytes: cost.peakMemoryBytes,
        costDrivers: cost.drivers,
      });
    }
  });

  it("never lowers the work when qubits, layers, epochs or samples grow, nor memory with data", () => {
    const spec = fc.record({
      qubits: fc.integer({ min: 2, max: 24 }),
      layers: fc.integer({ min: 1, max: 200 }),
      epochs: fc.integer({ min: 1, max: 1000 }),
      samples: fc.integer({ min: 8, max: 100_000 }),
      batchSize: fc.integer({ min: 1, max: 100_000 }),
      gradient: fc.constantFrom("adjoint", "parameter-shift", "spsa" as const),
      shots: fc.constantFrom(0, 100),
      dataset: fc.constantFrom("moons", "blobs", "sine" as const),
    });
    const build = (s: typeof spec extends fc.Arbitrary<infer T> ? T : never) =>
      costOf({
        dataset: { name: s.dataset, samples: s.samples },
        model: { qubits: s.qubits, layers: s.layers },
        training: { epochs: s.epochs, batchSize: s.batchSize, gradient: s.gradient },
        backend: { shots: s.gradient === "adjoint" ? 0 : s.shots },
      });
    fc.assert(
      fc.property(
        spec,
        fc.constantFrom("qubits", "layers", "epochs", "samples" as const),
        fc.integer({ min: 1, max: 50 }),
        (s, field, more) => {
          const limit = { qubits: 24, layers: 200, epochs: 1000, samples: 100_000 }[field];
          const bigger = { ...s, [field]: Math.min(limit, s[field] + more) };
          const small = build(s);
          const large = build(bigger);
          expect(large.amplitudeOperations).toBeGreaterThanOrEqual(small.amplitudeOperations);
          // (more weights shrink the adjoint's chunk of rows, so memory may dip by a row)
          if (field === "epochs" || field === "samples") {
            expect(large.peakMemoryBytes).toBeGreaterThanOrEqual(small.peakMemoryBytes);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
