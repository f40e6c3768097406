/** Shared helpers of the Braket contract tests (provider against the fake). */
import { BraketProvider, type BraketProviderOptions } from "../../../providers/braket/provider.js";
import type { QplaneError } from "../../../src/errors/catalogue.js";
import type { FakeBraket, FakeDevice, RecordedRequest } from "./fake-server.js";

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
