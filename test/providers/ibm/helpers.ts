import { IbmProvider, type IbmProviderOptions } from "../../../providers/ibm/provider.js";
import { CircuitBuilder, input, weight } from "../../../src/circuits/ir.js";
import type { FakeIbmServer } from "./fake-server.js";

export const FAST_RETRY = {
  maxAttempts: 5,
  baseDelayMs: 1,
  maxDelayMs: 5,
  rateLimitMinDelayMs: 5,
} as const;

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
