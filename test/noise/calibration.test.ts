/**
 * IBM calibration → noise model, against numbers computed by hand from the fixture
 * (test/fixtures/calibration/ibm-properties.json) with Qiskit Aer's formula
 * p = d·(e − r)/(d·F_r − 1), F_r the relaxation's average fidelity; the snapshot file round
 * trip; refusals of bad snapshot files.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchIbmCalibration } from "../../providers/ibm/calibration.js";
import {
  clampT2,
  depolarizingFromGateError,
  relaxationFidelity,
} from "../../providers/local/calibration-formulas.js";
import { snapshotFromCalibration } from "../../providers/local/calibration-noise.js";
import {
  parseCalibration,
  readCalibrationFile,
  writeCalibrationFile,
} from "../../providers/local/calibration-snapshot.js";
import { perGateValue } from "../../providers/local/noise-model.js";
import { toNanoseconds } from "../../src/circuits/calibration.js";
import {
  IBM_FETCHED_AT,
  IBM_PROPERTIES,
  ibmSnapshot,
  TWIN_DEVICE,
} from "../fixtures/calibration/ibm.js";
import {
  FAKE_API_KEY,
  FAKE_CRN,
  type FakeIbmServer,
  startFakeIbm,
} from "../providers/ibm/fake-server.js";

describe("Qiskit Aer's conversion formulas", () => {
  it("gives p = d·e/(d − 1) without relaxation and caps the error at d/(d + 1)", () => {
    expect(depolarizingFromGateError(0.001, 1)).toBeCloseTo(0.002, 15);
    expect(depolarizingFromGateError(0.03, 2)).toBeCloseTo(0.04, 15);
    // e above d/(d+1) = 2/3 is capped there: p = 2·(2/3) = 4/3, then capped at 1
    expect(depolarizingFromGateError(0.9, 1)).toBe(1);
    expect(depolarizingFromGateError(0, 2)).toBe(0);
  });

  it("gives relaxation average fidelity (3 + 2c + k)/6 on one qubit", () => {
    const k = Math.exp(-50 / 1000);
    const c = Math.exp(-50 / 500);
    expect(relaxationFidelity(50, [{ t1Ns: 1000, t2Ns: 500 }])).toBeCloseTo(
      (3 + 2 * c + k) / 6,
      15,
    );
    // two qubits: process fidelities multiply, F = (4·F_pro + 1)/5
    const pro = (1 + 2 * c + k) / 4;
    expect(
      relaxationFidelity(50, [
        { t1Ns: 1000, t2Ns: 500 },
        { t1Ns: 1000, t2Ns: 500 },
      ]),
    ).toBeCloseTo((4 * pro * pro + 1) / 5, 15);
  });

  it("makes depolarizing + relaxation reproduce the reported error exactly", () => {
    const relax = relaxationFidelity(300, [
      { t1Ns: 60_000, t2Ns: 40_000 },
      { t1Ns: 90_000, t2Ns: 70_000 },
    ]);
    const p = depolarizingFromGateError(0.01, 2, relax);
    // F̄(total) = (1 − p)·F_r + p/4
    expect(1 - ((1 - p) * relax + p / 4)).toBeCloseTo(0.01, 15);
  });

  it("truncates T2 to 2·T1 and converts vendor units", () => {
    expect(clampT2(50, 120)).toEqual({ t2Ns: 100, clamped: true });
    expect(clampT2(50, 80)).toEqual({ t2Ns: 80, clamped: false });
    expect(toNanoseconds(100, "us")).toBe(100_000);
    expect(toNanoseconds(2.5e-5, "s")).toBeCloseTo(25_000, 9);
    expect(toNanoseconds(1, "fortnights")).toBeUndefined();
  });
});

describe("an IBM calibration snapshot", () => {
  const snapshot = ibmSnapshot();
  const { noise } = parseCalibration(snapshot);

  it("has the hand-computed depolarizing probabilities per gate and qubit", () => {
    const depolarizing = noise.depolarizing!;
    // sx on q0: e = 0.0002 but relaxation over 36 ns alone has infidelity 0.00021: p = 0
    expect(perGateValue(depolarizing, "sx", [0])).toBe(0);
    // q1: T1 50 µs, T2 clamped from 120 to 100 µs, e = 0.0005, 36 ns
    expect(perGateValue(depolarizing, "sx", [1])).toBeCloseTo(0.0005203792887152285, 15);
    expect(perGateValue(depolarizing, "x", [1])).toBeCloseTo(0.0005203792887152285, 15);
    expect(perGateValue(depolarizing, "sx", [2])).toBeCloseTo(0.0003801082125966766, 15);
    expect(perGateValue(depolarizing, "cz", [0, 1])).toBeCloseTo(0.006650092320553832, 15);
    expect(perGateValue(depolarizing, "cz", [1, 2])).toBeCloseTo(0.009619723899242615, 15);
    // cz is symmetric: (2, 1) gets (1, 2)'s entry; the dead (1, 0) listing (error 0.5) is
    // dropped and (0, 1)'s mirror stands for it
    expect(perGateValue(depolarizing, "cz", [2, 1])).toBeCloseTo(0.009619723899242615, 15);
    expect(perGateValue(depolarizing, "cz", [1, 0])).toBeCloseTo(0.006650092320553832, 15);
    expect(perGateValue(depolarizing, "rz", [0])).toBe(0);
  });

  it("has T1/T2 in ns (T2 clamped, noted), gate durations and readout", () => {
    const relaxation = noise.thermalRelaxation!;
    expect(relaxation.t1Ns.slice(0, 3)).toEqual([100_000, 50_000, 200_000]);
    expect(relaxation.t2Ns.slice(0, 3)).toEqual([80_000, 100_000, 150_000]);
    expect(snapshot.notes).toContain(
      "qubit 1: T2 = 120000 ns exceeds 2·T1 = 100000 ns; clamped to 2·T1 (as Qiskit Aer)",
    );
    expect(perGateValue(relaxation.gateDurationsNs, "sx", [2])).toBe(36);
    expect(perGateValue(relaxation.gateDurationsNs, "cz", [0, 1])).toBe(68);
    expect(perGateValue(relaxation.gateDurationsNs, "rz", [0])).toBe(0);
    // prob_meas1_prep0 / prob_meas0_prep1 where given, readout_error for both otherwise
    expect(noise.readout!.slice(0, 3)).toEqual([
      [0.01, 0.03],
      [0.04, 0.04],
      [0.012, 0.018],
    ]);
  });

  it("drops the faulty qubit 3, its gates and its pairs", () => {
    expect(snapshot.faultyQubits).toEqual([3]);
    expect(snapshot.couplingMap).toEqual([
      [0, 1],
      [1, 2],
      [2, 1],
    ]);
    expect(noise.depolarizing!.perPair.cz!["2,3"]).toBeUndefined();
    expect(noise.depolarizing!.perQubit.sx!["3"]).toBeUndefined();
    expect(noise.thermalRelaxation!.t1Ns[3]).toBe(Number.MAX_VALUE);
    expect(noise.readout![3]).toEqual([0, 0]);
    // id, measure and the unknown xslow are not in the transpiler's basis: ignored
    expect(snapshot.basisGates).toEqual(["cz", "rz", "sx", "x"]);
    expect(noise.depolarizing!.perQubit.id).toBeUndefined();
    expect(snapshot.reportedErrors!.twoQubit["0,1"]).toBe(0.006);
  });

  it("round-trips through a file", () => {
    const dir = mkdtempSync(join(tmpdir(), "qplane-twin-"));
    const path = join(dir, "snapshot.json");
    writeCalibrationFile(path, snapshot);
    const loaded = readCalibrationFile(path);
    expect(loaded.snapshot).toEqual(snapshot);
    expect(loaded.noise).toEqual(noise);
  });
});

describe("fetching from the fake IBM service", () => {
  let fake: FakeIbmServer;
  beforeAll(async () => {
    fake = await startFakeIbm({ device: TWIN_DEVICE, properties: IBM_PROPERTIES });
  });
  afterAll(() => fake.close());

  it("reads configuration + properties into the same snapshot as the pure reader", async () => {
    const calibration = await fetchIbmCalibration({
      device: "fake_twin",
      instanceCrn: FAKE_CRN,
      apiKey: FAKE_API_KEY,
      baseUrl: fake.baseUrl,
      iamUrl: fake.iamUrl,
      fetchedAt: IBM_FETCHED_AT,
    });
    expect(snapshotFromCalibration(calibration)).toEqual(ibmSnapshot());
    const paths = fake.requests.map((request) => request.path);
    expect(paths).toContain("/api/v1/backends/fake_twin/properties");
    expect(paths).toContain("/api/v1/backends/fake_twin/configuration");
  });
});

describe("snapshot files refused", () => {
  // biome-ignore lint/suspicious/noExplicitAny: documents are edited freely to break them
  const good = () => structuredClone(ibmSnapshot()) as any;
  const refusal = (document: unknown) => {
    try {
      parseCalibration(document);
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error("accepted");
  };

  it("T2 > 2·T1 (vendor data is clamped; a file is refused), naming the field", () => {
    const document = good();
    document.noise.thermalRelaxation.t2Ns[1] = 120_000;
    expect(refusal(document)).toMatch(
      /^snapshot\.noise\.thermalRelaxation\.t2Ns\.1: T2 = 120000 ns exceeds 2·T1 = 100000 ns/,
    );
  });

  it("unknown gate names, in the noise and in the basis", () => {
    const document = good();
    document.noise.depolarizing.perQubit.xslow = { "0": 0.001 };
    expect(refusal(document)).toMatch(
      /^snapshot\.noise\.depolarizing\.perQubit\.xslow: not a 1-qubit gate/,
    );
    const basis = good();
    basis.basisGates.push("xslow");
    expect(refusal(basis)).toMatch(
      /^snapshot\.basisGates\.4: must be a gate name .*\(got "xslow"\)/,
    );
  });

  it("probabilities outside [0, 1]", () => {
    const readout = good();
    readout.noise.readout[2] = [1.5, 0];
    expect(refusal(readout)).toBe(
      "snapshot.noise.readout.2.0: must be a probability in [0, 1] (got 1.5)",
    );
    const depolarizing = good();
    depolarizing.noise.depolarizing.perPair.cz["0,1"] = -0.1;
    expect(refusal(depolarizing)).toMatch(
      /^snapshot\.noise\.depolarizing\.perPair\.cz\.0,1: must be a probability/,
    );
    const reported = good();
    reported.reportedErrors.readout[0] = 2;
    expect(refusal(reported)).toMatch(
      /^snapshot\.reportedErrors\.readout\.0: must be a probability/,
    );
  });

  it("wrong format, unknown fields, lists not one per qubit, pairs off the device", () => {
    expect(refusal({ ...good(), format: "qiskit" })).toMatch(/^snapshot\.format: /);
    expect(refusal({ ...good(), colour: "blue" })).toBe("snapshot.colour: unknown field");
    const short = good();
    short.noise.readout.pop();
    expect(refusal(short)).toBe(
      "snapshot.noise.readout: has 3 entries; numQubits is 4 (one per qubit)",
    );
    const off = good();
    off.couplingMap.push([2, 9]);
    expect(refusal(off)).toMatch(
      /^snapshot\.couplingMap\.3: must couple two different qubits below numQubits 4/,
    );
  });

  it("a file that is not JSON or not there, naming the file", () => {
    const dir = mkdtempSync(join(tmpdir(), "qplane-twin-"));
    const path = join(dir, "bad.json");
    writeFileSync(path, "{not json");
    expect(() => readCalibrationFile(path)).toThrow(`calibration snapshot ${path}: not valid JSON`);
    expect(() => readCalibrationFile(join(dir, "missing.json"))).toThrow(
      `calibration snapshot ${join(dir, "missing.json")}: cannot read (ENOENT)`,
    );
  });
});
