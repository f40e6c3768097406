/**
 * Braket standardized properties → calibration → noise model, against hand-computed numbers
 * from test/fixtures/calibration/braket-standardized.json (no gate durations: p = d·e/(d − 1)
 * with e = 1 − F̄), fetched through GetDevice on the fake Braket service; a device without
 * fidelities is refused.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  calibrationFromBraket,
  fetchBraketCalibration,
} from "../../providers/braket/calibration.js";
import { snapshotFromCalibration } from "../../providers/local/calibration-noise.js";
import { parseCalibration } from "../../providers/local/calibration-snapshot.js";
import { perGateValue } from "../../providers/local/noise-model.js";
import type { FakeBraket, FakeDevice } from "../providers/braket/fake-server.js";
import { ARIA, startFakeBraket } from "../providers/braket/harness.js";

const STANDARDIZED = JSON.parse(
  readFileSync(
    new URL("../fixtures/calibration/braket-standardized.json", import.meta.url),
    "utf8",
  ),
);
const FETCHED_AT = new Date("2026-12-04T16:00:00.000Z");

const ANKAA: FakeDevice = {
  arn: "arn:aws:braket:us-west-1::device/qpu/rigetti/Ankaa-twin",
  name: "Ankaa-twin",
  qubitCount: 3,
  supportedOperations: ["rx", "rz", "cz", "iswap"],
  programSet: null,
  connectivity: { "0": ["1"], "1": ["0", "2"], "2": ["1"] },
  supportPhysicalQubits: true,
  standardized: STANDARDIZED,
};
/** An IonQ device that, like Aria, publishes no standardized fidelities. */
const IONQ: FakeDevice = {
  ...ARIA,
  arn: "arn:aws:braket:us-east-1::device/qpu/ionq/Aria-twin",
  name: "Aria-twin",
};

let fake: FakeBraket;
beforeAll(async () => {
  fake = await startFakeBraket([ANKAA, IONQ]);
});
afterAll(() => fake.stop());

const fetch = (device: FakeDevice) =>
  fetchBraketCalibration(
    {
      deviceArn: device.arn,
      s3Bucket: "amazon-braket-qplane",
      s3Prefix: "twin",
      region: "us-east-1",
      endpoint: fake.endpoint,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    },
    FETCHED_AT,
  );

describe("a Braket calibration snapshot", () => {
  it("has the hand-computed depolarizing and readout numbers", async () => {
    const snapshot = snapshotFromCalibration(await fetch(ANKAA));
    const { noise } = parseCalibration(snapshot);
    const depolarizing = noise.depolarizing!;
    // q0: simultaneous RB 0.998 is preferred over RB 0.999: p = 2·0.002 on every 1q gate
    expect(perGateValue(depolarizing, "ry", [0])).toBeCloseTo(0.004, 14);
    expect(perGateValue(depolarizing, "h", [0])).toBeCloseTo(0.004, 14);
    expect(perGateValue(depolarizing, "sx", [1])).toBeCloseTo(0.003, 14);
    // q2 publishes readout only: its gates are noiseless
    expect(perGateValue(depolarizing, "ry", [2])).toBe(0);
    // the pair's best two-qubit fidelity (CZ 0.97 over ISWAP 0.96): p = (4/3)·0.03, both orders
    expect(perGateValue(depolarizing, "cx", [0, 1])).toBeCloseTo(0.04, 14);
    expect(perGateValue(depolarizing, "cx", [1, 0])).toBeCloseTo(0.04, 14);
    expect(perGateValue(depolarizing, "cz", [2, 1])).toBeCloseTo((4 / 3) * 0.05, 14);
    expect(perGateValue(depolarizing, "cx", [0, 2])).toBe(0);
    expect(
      noise.readout!.map(([p10, p01]) => [p10, p01].map((p) => Number(p.toFixed(12)))),
    ).toEqual([
      [0.05, 0.05],
      [0.1, 0.1],
      [0.03, 0.03],
    ]);
    // no gate durations: no relaxation, and the snapshot says why
    expect(noise.thermalRelaxation).toBeUndefined();
    expect(snapshot.notes).toEqual([
      "no gate durations published: no thermal relaxation in the model",
    ]);
    expect(snapshot).toMatchObject({
      source: "braket",
      device: ANKAA.arn,
      fetchedAt: "2026-12-04T16:00:00.000Z",
      numQubits: 3,
      basisGates: ["rx", "rz", "cz"],
    });
    expect(snapshot.couplingMap).toEqual([
      [0, 1],
      [1, 0],
      [1, 2],
      [2, 1],
    ]);
  });

  it("adds relaxation when the device publishes gate durations", () => {
    const capabilities = {
      action: { "braket.ir.openqasm.program": { supportedOperations: ["rx", "cz"] } },
      paradigm: { qubitCount: 3, connectivity: { fullyConnected: true } },
      standardized: {
        ...STANDARDIZED,
        SingleQubitGateDuration: { value: 4e-8, unit: "s" },
        TwoQubitGateDuration: { value: 7e-8, unit: "s" },
        TwoQubitGateFidelity: [
          { fidelityType: { name: "RANDOMIZED_BENCHMARKING" }, fidelity: 0.9 },
        ],
      },
    };
    const calibration = calibrationFromBraket(
      { deviceArn: ANKAA.arn, deviceCapabilities: JSON.stringify(capabilities) },
      FETCHED_AT,
    );
    const { noise, snapshot } = parseCalibration(snapshotFromCalibration(calibration));
    const relaxation = noise.thermalRelaxation!;
    expect(relaxation.t1Ns[0]).toBeCloseTo(25_000, 6);
    // q1 publishes T2 = 10 µs ≤ 2·T1 = 40 µs: kept as is
    expect(relaxation.t2Ns[1]).toBeCloseTo(10_000, 6);
    expect(perGateValue(relaxation.gateDurationsNs, "ry", [0])).toBeCloseTo(40, 9);
    expect(perGateValue(relaxation.gateDurationsNs, "cz", [0, 1])).toBeCloseTo(70, 9);
    // part of the error is now relaxation's: p is below the relaxation-free 0.004
    const p = perGateValue(noise.depolarizing!, "ry", [0]);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(0.004);
    // fully connected: the device-wide two-qubit fidelity reaches the pair without its own
    // (0, 2: e = 0.1), a pair with its own keeps it (0, 1: e = 0.03)
    expect(snapshot.couplingMap).toBeNull();
    const p02 = perGateValue(noise.depolarizing!, "cz", [2, 0]);
    const p01 = perGateValue(noise.depolarizing!, "cz", [0, 1]);
    expect(p02).toBeGreaterThan(0.1);
    expect(p02).toBeLessThan((4 / 3) * 0.1);
    expect(p01).toBeLessThan((4 / 3) * 0.03);
    expect(p01).toBeGreaterThan(0.03);
  });

  it("refuses a device without fidelities, naming it", async () => {
    await expect(fetch(IONQ)).rejects.toThrow(
      `Braket device Aria-twin (${IONQ.arn}) publishes no fidelities`,
    );
  });
});
