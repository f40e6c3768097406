import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { modelCircuitProgram } from "../../src/cli/circuit.js";
import { readSpecFile } from "../../src/cli/train.js";
import { QplaneError } from "../../src/errors/catalogue.js";
import { writeRunFolder } from "../../src/runs/run-folder.js";
import type { EpochRecord } from "../../src/training/records.js";
import { jobCostOf } from "../../src/training/sizing.js";
import { parseJobSpec } from "../../src/training/spec.js";
import { LOCAL_PROVIDER, prepareRun, runTraining } from "../local-backend.js";

const FIXTURE = readFileSync(
  new URL("../fixtures/circuits/qiskit-vqc.qasm", import.meta.url),
  "utf8",
);

const withoutTimes = (records: readonly EpochRecord[]) =>
  records.map(({ elapsedMs: _, ...rest }) => rest);

// the fixture is the built-in ansatz with 4 qubits, 2 layers, re-uploading and the fixed
// encoding; iris has 3 classes, so the readout is the last 2 qubits (c[0] = q[2], c[1] = q[3])
const iris = { name: "iris", samples: 150 };
const builtIn = { qubits: 4, layers: 2, encoding: "fixed" };
const training = { epochs: 2, batchSize: 16, seed: 7 };

function message(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(QplaneError);
    return `${(error as QplaneError).code}: ${(error as Error).message}`;
  }
  throw new Error("expected a refusal");
}

describe("model.kind: circuit", () => {
  it("trains the Qiskit-style fixture to the built-in ansatz's weights and records, bit for bit", async () => {
    const reference = await runTraining({ dataset: iris, model: builtIn, training });
    const program = await runTraining({
      dataset: iris,
      model: { kind: "circuit", qasm: FIXTURE },
      training,
    });
    expect(program.spec.model.qubits).toBe(4);
    expect(program.result.weights.length).toBe(16);
    expect(Array.from(program.result.weights)).toEqual(Array.from(reference.result.weights));
    expect(withoutTimes(program.result.records)).toEqual(withoutTimes(reference.result.records));
    // the run learned something: not the initial weights, and above chance on 3 classes
    expect(program.result.records.at(-1)!.trainAccuracy).toBeGreaterThan(0.4);
  });

  it("round trip: qplane circuit's program, trained as model.kind circuit, gives identical records (regression, SPSA)", async () => {
    const spec = {
      dataset: { name: "sine", samples: 40 },
      model: { qubits: 3, layers: 1, encoding: "fixed", entangler: "ring" },
      training: { epochs: 2, gradient: "spsa", seed: 3 },
    };
    const qasm = modelCircuitProgram(spec);
    // and qplane circuit on the circuit spec prints the program back unchanged
    expect(modelCircuitProgram({ ...spec, model: { kind: "circuit", qasm, qubits: 3 } })).toBe(
      qasm,
    );
    const reference = await runTraining(spec);
    const program = await runTraining({ ...spec, model: { kind: "circuit", qasm, qubits: 3 } });
    expect(withoutTimes(program.result.records)).toEqual(withoutTimes(reference.result.records));
    expect(Array.from(program.result.weights)).toEqual(Array.from(reference.result.weights));
  });

  it("gives parameter-shift the same trajectory as adjoint gradients on a program", async () => {
    const base = { dataset: iris, model: { kind: "circuit", qasm: FIXTURE } };
    // plain SGD: Adam's normalisation would magnify the gradients' rounding differences
    const sgd = { ...training, epochs: 1, optimizer: "sgd", learningRate: 0.1 };
    const adjoint = await runTraining({ ...base, training: sgd });
    const shift = await runTraining({
      ...base,
      training: { ...sgd, gradient: "parameter-shift" },
    });
    const a = adjoint.result.weights;
    const b = shift.result.weights;
    for (let k = 0; k < a.length; k++) expect(Math.abs(a[k]! - b[k]!)).toBeLessThan(1e-10);
  });

  it("is sized from the program: the same cost as the equivalent built-in ansatz", () => {
    const reference = jobCostOf(parseJobSpec({ dataset: iris, model: builtIn }), LOCAL_PROVIDER);
    const program = jobCostOf(
      parseJobSpec({ dataset: iris, model: { kind: "circuit", qasm: FIXTURE } }),
      LOCAL_PROVIDER,
    );
    expect(program.amplitudeOperations).toBe(reference.amplitudeOperations);
    expect(program.peakMemoryBytes).toBe(reference.peakMemoryBytes);
    expect(program.amplitudeOperations).toBeGreaterThan(0);
  });

  it("refuses a bad program at parse time, naming spec.model.qasm with line and column", () => {
    const bad = FIXTURE.replace("cx q[2], q[3];", "foo q[2], q[3];");
    expect(
      message(() => parseJobSpec({ dataset: iris, model: { kind: "circuit", qasm: bad } })),
    ).toMatch(/^QPLANE_ERR_SPEC_INVALID: spec\.model\.qasm: line 39, column 1: unknown gate 'foo'/);
    expect(message(() => parseJobSpec({ dataset: iris, model: { kind: "circuit" } }))).toMatch(
      /spec\.model\.qasm: model\.kind "circuit" needs its OpenQASM 3 program/,
    );
    expect(
      message(() => parseJobSpec({ dataset: iris, model: { kind: "vqc", qasm: FIXTURE } })),
    ).toMatch(/spec\.model\.qasm: only applies to model\.kind "circuit"/);
    expect(
      message(() =>
        parseJobSpec({ dataset: iris, model: { kind: "circuit", qasmFile: "vqc.qasm" } }),
      ),
    ).toMatch(/spec\.model\.qasmFile: only the CLI reads a program file/);
  });

  it("refuses a model.qubits other than the program's count", () => {
    expect(
      message(() =>
        parseJobSpec({ dataset: iris, model: { kind: "circuit", qasm: FIXTURE, qubits: 5 } }),
      ),
    ).toBe(
      "QPLANE_ERR_SPEC_INVALID: spec.model.qubits: the program declares 4 qubit(s) but model.qubits is 5 (4 when not given); a circuit model's qubits are its program's: set model.qubits to 4 (got 5)",
    );
  });

  it("the run folder's spec.json is the parsed spec, which parses back to itself", async () => {
    const { spec, result } = await runTraining({
      dataset: { name: "iris", samples: 60 },
      model: { kind: "circuit", qasm: FIXTURE, initialWeights: { theta_2: 0.5 } },
      training: { epochs: 1 },
    });
    const folder = await writeRunFolder(mkdtempSync(join(tmpdir(), "qplane-circuit-run-")), {
      id: "circuit-run",
      spec,
      records: result.records,
      summary: result.summary,
      artifacts: "metrics",
    });
    const written = JSON.parse(readFileSync(join(folder, "spec.json"), "utf8"));
    expect(written.model).toMatchObject({
      kind: "circuit",
      qasm: FIXTURE,
      qubits: 4,
      initialWeights: { theta_2: 0.5 },
    });
    expect(parseJobSpec(written)).toEqual(spec);
    expect(modelCircuitProgram(written)).toBe(FIXTURE);
  });

  it("refuses too many qubits with the declaration's position", () => {
    const wide = FIXTURE.replace("qubit[4] q;", "qubit[25] q;");
    expect(
      message(() => parseJobSpec({ dataset: iris, model: { kind: "circuit", qasm: wide } })),
    ).toMatch(/spec\.model\.qasm: line 23, column \d+: .*25 qubits; at most 24/);
  });

  it("refuses a feature count mismatch before training (moons has 2 features, the program 4)", () => {
    const spec = {
      dataset: { name: "moons", samples: 40 },
      model: { kind: "circuit", qasm: FIXTURE },
    };
    expect(message(() => prepareRun(spec))).toMatch(
      /^QPLANE_ERR_SPEC_INVALID: spec\.model\.qasm: line \d+, column \d+: input x2 names feature 2, but the data has 2 feature\(s\) \(0\.\.1\)/,
    );
  });

  it("reads features by an explicit map and the readout by bit names", async () => {
    const renamed = FIXTURE.replaceAll("x0", "sepal_length").replaceAll("x1", "sepal_width");
    const spec = {
      dataset: iris,
      model: {
        kind: "circuit",
        qasm: renamed,
        featureInputs: { sepal_length: 0, sepal_width: 1, x2: 2, x3: 3 },
        readoutBits: ["c[0]", "c[1]"],
      },
      training: { ...training, epochs: 1 },
    };
    const reference = await runTraining({
      dataset: iris,
      model: builtIn,
      training: { ...training, epochs: 1 },
    });
    const program = await runTraining(spec);
    expect(Array.from(program.result.weights)).toEqual(Array.from(reference.result.weights));
    expect(
      message(() => prepareRun({ ...spec, model: { ...spec.model, readoutBits: ["d[0]"] } })),
    ).toMatch(/^QPLANE_ERR_SPEC_INVALID: spec\.model\./);
  });

  it("CLI: reads model.qasmFile (relative to the spec file) into model.qasm", () => {
    const folder = mkdtempSync(join(tmpdir(), "qplane-circuit-"));
    writeFileSync(join(folder, "vqc.qasm"), FIXTURE);
    const specPath = join(folder, "spec.json");
    writeFileSync(
      specPath,
      JSON.stringify({ dataset: iris, model: { kind: "circuit", qasmFile: "vqc.qasm" } }),
    );
    const read = readSpecFile(specPath);
    expect(read.model).toEqual({ kind: "circuit", qasm: FIXTURE });
    expect(parseJobSpec(read).model.qasm).toBe(FIXTURE);
    writeFileSync(
      specPath,
      JSON.stringify({ dataset: iris, model: { kind: "circuit", qasmFile: "missing.qasm" } }),
    );
    expect(message(() => readSpecFile(specPath))).toMatch(
      /^QPLANE_ERR_IO: spec\.model\.qasmFile missing\.qasm: cannot read file/,
    );
  });
});
