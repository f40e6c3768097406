/**
 * Faults against the fake: 5xx and throttling on CreateQuantumTask / GetQuantumTask are
 * retried with the SDK's bounded exponential back-off (standard mode, `maxAttempts`),
 * a retried create reuses its clientToken (so a lost reply never makes a second task),
 * the bound surfaces the service's reason, and cancelling leaves nothing running.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { clientTokenFor } from "../../../providers/braket/plan.js";
import { CircuitBuilder, weight } from "../../../src/circuits/ir.js";
import type { FakeBraket, FakeDevice, FakeFault } from "./fake-server.js";
import {
  createRequests,
  fakeProvider,
  getRequests,
  rejection,
  resetFake,
  startFakeBraket,
} from "./harness.js";

const DEVICE: FakeDevice = {
  arn: "arn:aws:braket:us-east-1::device/qpu/ionq/Aria-1",
  name: "Aria-1",
  qubitCount: 2,
  supportedOperations: ["ry", "cnot"],
  programSet: null,
  pollIntervalMs: 2,
};

const INTERNAL: FakeFault = { status: 500, type: "InternalServiceException", message: "boom" };
const UNAVAILABLE: FakeFault = { status: 503, type: "ServiceUnavailable", message: "try later" };
const THROTTLED: FakeFault = { status: 429, type: "ThrottlingException", message: "Rate exceeded" };

const circuit = new CircuitBuilder(2)
  .add("ry", [0], weight("a"))
  .add("cx", [0, 1])
  .measureAll()
  .build();

let fake: FakeBraket;
const creates = () => createRequests(fake);
const tokens = () => creates().map((r) => (r.body as { clientToken: string }).clientToken);

beforeAll(async () => {
  fake = await startFakeBraket([DEVICE]);
});
afterAll(() => fake.stop());
beforeEach(() => resetFake(fake));

describe("retries with bounded back-off", () => {
  it("retries 500 and 503 on CreateQuantumTask with the same clientToken: one task", async () => {
    const before = fake.tasks.size;
    fake.injectFaults("create", INTERNAL, UNAVAILABLE);
    const handle = await fakeProvider(fake, DEVICE).run(circuit, [[Math.PI]], { shots: 50 });
    const result = await handle.result();
    expect(creates()).toHaveLength(3);
    expect(new Set(tokens())).toEqual(new Set([clientTokenFor(handle.id, 0)]));
    expect(fake.tasks.size - before).toBe(1);
    expect(Array.from(result.values)).toEqual([0, 0, 0, 50]); // ry(π)·cx → |11⟩
    const gaps = creates()
      .slice(1)
      .map((r, k) => r.at - creates()[k]!.at);
    // standard mode waits a jittered, capped exponential delay before each retry
    expect(gaps.every((gap) => gap >= 0 && gap < 5000)).toBe(true);
  });

  it("never makes a second task when a create reply is lost (idempotent clientToken)", async () => {
    const before = fake.tasks.size;
    fake.loseNextCreateResponses(2);
    const result = await (
      await fakeProvider(fake, DEVICE).run(circuit, [[Math.PI]], { shots: 40 })
    ).result();
    expect(creates()).toHaveLength(3);
    expect(new Set(tokens()).size).toBe(1);
    expect(fake.tasks.size - before).toBe(1);
    expect(result.values[3]).toBe(40);
  });

  it("retries 503 and throttling on GetQuantumTask while polling", async () => {
    const result = await (
      await fakeProvider(fake, DEVICE).run(circuit, [[0]], { shots: 30 })
    ).result();
    const cleanPolls = getRequests(fake).length;
    fake.requests.length = 0;
    fake.injectFaults("get", UNAVAILABLE, THROTTLED);
    const retried = await (
      await fakeProvider(fake, DEVICE).run(circuit, [[0]], { shots: 30 })
    ).result();
    expect(getRequests(fake)).toHaveLength(cleanPolls + 2);
    expect(Array.from(retried.values)).toEqual(Array.from(result.values));
  });

  it("fails with the service's reason after maxAttempts creates, making no task", async () => {
    const before = fake.tasks.size;
    fake.injectFaults("create", UNAVAILABLE, UNAVAILABLE, UNAVAILABLE, UNAVAILABLE);
    const handle = await fakeProvider(fake, DEVICE, { maxAttempts: 3 }).run(circuit, [[0]], {
      shots: 10,
    });
    const error = await rejection(handle.result());
    expect(error.code).toBe("QPLANE_ERR_PROVIDER_UNAVAILABLE");
    expect(error.message).toBe(
      "Amazon Braket CreateQuantumTask (batch 0) failed after 3 attempt(s): ServiceUnavailable (HTTP 503): try later",
    );
    expect(creates()).toHaveLength(3);
    expect(fake.tasks.size).toBe(before);
    expect(await handle.status()).toBe("failed");
  });

  it("fails after maxAttempts polls and cancels the task it created", async () => {
    fake.pollsPerState = 1000;
    fake.injectFaults("get", INTERNAL, INTERNAL);
    const handle = await fakeProvider(fake, DEVICE, { maxAttempts: 2 }).run(circuit, [[0]], {
      shots: 10,
    });
    const error = await rejection(handle.result());
    expect(error.code).toBe("QPLANE_ERR_PROVIDER_UNAVAILABLE");
    expect(error.message).toMatch(
      /^Amazon Braket GetQuantumTask arn:aws:braket:.*quantum-task\/task-\d+ failed after 2 attempt\(s\): InternalServiceException \(HTTP 500\): boom$/,
    );
    expect(getRequests(fake)).toHaveLength(2);
    expect(fake.activeTasks()).toEqual([]);
  });
});

describe("failures and cancellation", () => {
  it("surfaces a FAILED task's failureReason verbatim", async () => {
    fake.failNextTask("Failed to compile task: gate count exceeds 20000");
    const error = await rejection(
      (await fakeProvider(fake, DEVICE).run(circuit, [[0]], { shots: 10 })).result(),
    );
    expect(error.code).toBe("QPLANE_ERR_PROVIDER_JOB_FAILED");
    expect(error.message).toMatch(
      /^Braket task arn:.*task-\d+ failed: Failed to compile task: gate count exceeds 20000$/,
    );
  });

  it("cancelling while a create is being retried leaves no running task at the fake", async () => {
    fake.pollsPerState = 1000;
    fake.injectFaults("create", THROTTLED);
    const rows = [[0.1], [0.2], [0.3]];
    const handle = await fakeProvider(fake, DEVICE, { maxConcurrentTasks: 3 }).run(circuit, rows, {
      shots: 10,
    });
    while (creates().length < 1) await new Promise((r) => setTimeout(r, 1));
    await handle.cancel();
    expect(await handle.status()).toBe("cancelled");
    expect(fake.activeTasks()).toEqual([]);
    const made = [...fake.tasks.values()].filter((t) => tokens().includes(t.clientToken));
    const cancels = fake.requests.filter((r) => r.method === "PUT" && r.url.endsWith("/cancel"));
    // every create in flight at the cancel completes (the retry included) and is cancelled
    expect(made).toHaveLength(3);
    expect(cancels).toHaveLength(3);
    expect(made.every((t) => t.status === "CANCELLING" || t.status === "CANCELLED")).toBe(true);
  });
});
