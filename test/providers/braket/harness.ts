/** Shared helpers of the Braket contract tests (provider against the fake). */
import { expect } from "vitest";
import { BraketProvider, type BraketProviderOptions } from "../../../providers/braket/provider.js";
import type { QplaneError } from "../../../src/errors/catalogue.js";
import { FakeBraket, type FakeDevice, type RecordedRequest } from "./fake-server.js";

/** IQM-like QPU: 1-based qubits on a line $1–$2–$3–$4–$5, cz as the only two-qubit gate. */
export const LINE_QPU: FakeDevice = {
  arn: "arn:aws:braket:eu-north-1::device/qpu/iqm/Line",
  name: "Line",
  qubitCount: 5,
  supportedOperations: ["rx", "ry", "rz", "cz", "x"],
  programSet: null,
  pollIntervalMs: 2,
  shotsRange: [10, 20_000],
  connectivity: { "1": ["2"], "2": ["1", "3"], "3": ["2", "4"], "4": ["3", "5"], "5": ["4"] },
  supportPhysicalQubits: true,
};

/** Gates of the program-set and single-program test devices. */
const OPS = ["h", "x", "ry", "rx", "rz", "cnot", "cz", "si", "v", "zz", "phaseshift"];
export const GARNET: FakeDevice = {
  arn: "arn:aws:braket:eu-north-1::device/qpu/iqm/Garnet",
  name: "Garnet",
  qubitCount: 4,
  supportedOperations: OPS,
  programSet: { maximumExecutables: 100, maximumTotalShots: 200_000 },
  pollIntervalMs: 5,
};
export const SMALL_SETS: FakeDevice = {
  ...GARNET,
  arn: "arn:aws:braket:us-east-1::device/qpu/rigetti/Small",
  name: "Small",
  programSet: { maximumExecutables: 2, maximumTotalShots: 100_000 },
};
export const ARIA: FakeDevice = {
  arn: "arn:aws:braket:us-east-1::device/qpu/ionq/Aria-1",
  name: "Aria-1",
  qubitCount: 4,
  supportedOperations: OPS.filter((op) => op !== "cz"),
  programSet: null,
  pollIntervalMs: 5,
};

/** The line QPU with one qubit more than its graph holds, like Emerald's 54 vs 49. */
export const LINE: FakeDevice = { ...LINE_QPU, qubitCount: 6 };
/** Only one-qubit gates: nothing can express an entangling gate. */
export const LONELY: FakeDevice = {
  ...ARIA,
  arn: "arn:aws:braket:::device/qpu/x/Lonely",
  name: "Lonely",
  supportedOperations: ["rx", "ry", "rz"],
};

/** A fake Braket + S3 serving `devices`, listening. */
export async function startFakeBraket(devices: FakeDevice[]): Promise<FakeBraket> {
  const fake = new FakeBraket({ devices });
  await fake.start();
  return fake;
}

/** Undoes what a test may have left on a fake shared by a file: faults, requests, pacing. */
export function resetFake(fake: FakeBraket): void {
  fake.clearFaults();
  fake.requests.length = 0;
  fake.pollsPerState = 1;
  fake.maxActive = 0;
  fake.programSetResults = "inline";
}

/** A provider on `device` of the fake, with test credentials. */
export function fakeProvider(
  fake: FakeBraket,
  device: FakeDevice,
  extra: Partial<BraketProviderOptions> = {},
): BraketProvider {
  return new BraketProvider({
    deviceArn: device.arn,
    s3Bucket: "amazon-braket-qplane",
    s3Prefix: "runs/test",
    region: "us-east-1",
    endpoint: fake.endpoint,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    ...extra,
  });
}

/** CreateQuantumTask requests the fake received. */
export function createRequests(fake: FakeBraket): RecordedRequest[] {
  return fake.requests.filter((r) => r.method === "POST" && r.url === "/quantum-task");
}

/** Keys of the S3 GetObject requests the fake received, in order (bucket first). */
export function s3Reads(fake: FakeBraket): string[] {
  return fake.requests
    .filter(
      (r) =>
        r.method === "GET" && !r.url.startsWith("/device/") && !r.url.startsWith("/quantum-task"),
    )
    .map((r) => decodeURIComponent(r.url.slice(1).split("?")[0]!));
}

/** GetQuantumTask requests the fake received. */
export function getRequests(fake: FakeBraket): RecordedRequest[] {
  return fake.requests.filter((r) => r.method === "GET" && r.url.startsWith("/quantum-task/"));
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<QplaneError> {
  try {
    await promise;
  } catch (error) {
    return error as QplaneError;
  }
  throw new Error("expected a rejection");
}

/**
 * Every count over `shots` lies within 5σ of its exact probability (σ of a binomial
 * proportion, plus 1e-3 for outcomes of probability ≈ 0 or 1).
 */
export function expectCountsNear(
  counts: ArrayLike<number>,
  exact: ArrayLike<number>,
  shots: number,
): void {
  for (let k = 0; k < exact.length; k++) {
    const p = exact[k]!;
    expect(Math.abs(counts[k]! / shots - p)).toBeLessThanOrEqual(
      5 * Math.sqrt((p * (1 - p)) / shots) + 1e-3,
    );
  }
}
