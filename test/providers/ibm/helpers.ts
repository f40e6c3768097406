import { beforeEach } from "vitest";
import { IamTokenSource } from "../../../providers/ibm/auth.js";
import { IbmRuntimeClient } from "../../../providers/ibm/client.js";
import { IbmProvider, type IbmProviderOptions } from "../../../providers/ibm/provider.js";
import type { BackendConfig } from "../../../src/backends/config.js";
import { type BackendRegistry, createBackendRegistry } from "../../../src/backends/registry.js";
import { CircuitBuilder, input, weight } from "../../../src/circuits/ir.js";
import {
  type FakeIbmOptions,
  type FakeIbmServer,
  type RecordedRequest,
  startFakeIbm,
} from "./fake-server.js";

export const FAST_RETRY = {
  maxAttempts: 5,
  baseDelayMs: 1,
  maxDelayMs: 5,
  rateLimitMinDelayMs: 5,
} as const;

/** Registers a beforeEach that starts a fresh fake for each test, hands it to `use`, closes it after. */
export function useFreshFakeIbm(use: (fake: FakeIbmServer) => void): void {
  beforeEach(async () => {
    const fake = await startFakeIbm();
    use(fake);
    return () => fake.close();
  });
}

export function providerFor(
  fake: FakeIbmServer,
  overrides: Partial<IbmProviderOptions> = {},
): IbmProvider {
  return new IbmProvider({
    device: fake.device.name,
    instanceCrn: fake.instanceCrn,
    apiKey: fake.apiKey,
    baseUrl: fake.baseUrl,
    iamUrl: fake.iamUrl,
    pollIntervalMs: 5,
    maxPollIntervalMs: 20,
    retry: FAST_RETRY,
    ...overrides,
  });
}

/** A Runtime client of the fake with its own IAM token source, below the provider. */
export function clientFor(fake: FakeIbmServer): IbmRuntimeClient {
  return new IbmRuntimeClient({
    instanceCrn: fake.instanceCrn,
    baseUrl: fake.baseUrl,
    tokens: new IamTokenSource({ apiKey: fake.apiKey, iamUrl: fake.iamUrl }),
    retry: FAST_RETRY,
  });
}

type IbmBackendConfig = Extract<BackendConfig, { provider: "ibm" }>;

/** The QPLANE_BACKENDS entry of IBM backend `name` on the fake's device, polling every 5 ms. */
export function fakeIbmBackend(
  fake: FakeIbmServer,
  name: string,
  extra: Partial<Omit<IbmBackendConfig, "name" | "provider">> = {},
): IbmBackendConfig {
  return {
    name,
    provider: "ibm",
    device: fake.device.name,
    instanceCrn: fake.instanceCrn,
    baseUrl: fake.baseUrl,
    iamUrl: fake.iamUrl,
    pollIntervalMs: 5,
    ...extra,
  };
}

/** A registry of `backends` with the fake's API key in the environment, its only way in. */
export function registryWithFakeIbmKey(
  fake: FakeIbmServer,
  backends: readonly BackendConfig[],
): BackendRegistry {
  return createBackendRegistry(backends, { IBM_CLOUD_API_KEY: fake.apiKey });
}

/** Runs `use` against a fake started for it alone, and closes the fake however `use` ends. */
export async function withFakeIbm<T>(
  options: FakeIbmOptions,
  use: (fake: FakeIbmServer) => Promise<T>,
): Promise<T> {
  const fake = await startFakeIbm(options);
  try {
    return await use(fake);
  } finally {
    await fake.close();
  }
}

/**
 * A parametric ISA circuit for the fake's device: rz/sx/x and ecr on coupled physical
 * qubits ($0→$1, $1→$2), columns [x (input), a, b (weights)].
 */
export const isaCircuit = new CircuitBuilder(3, true)
  .add("rz", [0], weight("a"))
  .add("sx", [0])
  .add("rz", [1], input("x", 2, 0.25))
  .add("sx", [1])
  .add("x", [2])
  .add("ecr", [0, 1])
  .add("rz", [2], weight("b"))
  .add("sx", [2])
  .add("ecr", [1, 2])
  .add("sx", [0])
  .measure([0, 1, 2])
  .build();

/** Parameter rows [x, a, b] for `isaCircuit`. */
export const ISA_ROWS: readonly number[][] = [
  [0.3, 0.1, -0.7],
  [1.1, 2.0, 0.4],
  [-0.5, -1.3, 2.9],
];

/** The Sampler job submissions (POST /api/v1/jobs) the fake received, in order. */
export function samplerJobPosts(fake: FakeIbmServer): RecordedRequest[] {
  return fake.apiRequests("POST").filter((r) => r.path === "/api/v1/jobs");
}

/** How many calibration fetches (`GET …/properties`) the fake has answered so far. */
export function propertyFetches(fake: FakeIbmServer): number {
  return fake.requests.filter((request) => request.path.endsWith("/properties")).length;
}
