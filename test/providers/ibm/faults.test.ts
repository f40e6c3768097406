import { describe, expect, it } from "vitest";
import { parseRetryAfter } from "../../../providers/ibm/client.js";
import type { FakeIbmServer } from "./fake-server.js";
import { isaCircuit, providerFor, useFreshFakeIbm } from "./helpers.js";

let fake: FakeIbmServer;
useFreshFakeIbm((started) => (fake = started));

const rows = [[0.1, 0.2, 0.3]];

describe("IBM rate limits, 5xx retries and cancellation", () => {
  it("honours Retry-After on 429", async () => {
    const provider = providerFor(fake); // rateLimitMinDelayMs = 5: the wait comes from the header
    await provider.capabilities();
    fake.injectFault({ status: 429, count: 1, retryAfter: "1" });
    const started = Date.now();
    await (await provider.run(isaCircuit, rows, { shots: 10 })).result();
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    const posts = fake.apiRequests("POST");
    expect(posts.map((r) => r.status)).toEqual([429, 200]);
    expect(fake.jobs.size).toBe(1);
    expect(parseRetryAfter("2")).toBe(2000);
    expect(parseRetryAfter(new Date(Date.now() + 3000).toUTCString(), Date.now())).toBeGreaterThan(
      1000,
    );
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });

  it("waits at least the configured minimum on a 429 without Retry-After", async () => {
    const provider = providerFor(fake, {
      retry: { baseDelayMs: 1, maxDelayMs: 5, rateLimitMinDelayMs: 300 },
    });
    fake.injectFault({ status: 429, count: 1 });
    const started = Date.now();
    await provider.status();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it("retries 5xx with backoff and succeeds", async () => {
    const provider = providerFor(fake);
    fake.injectFault({ status: 503, count: 2 });
    fake.injectFault({ status: 524, count: 1 });
    expect((await provider.status()).operational).toBe(true);
    expect(fake.apiRequests().map((r) => r.status)).toEqual([503, 503, 524, 200]);
  });

  it("gives up after 5 attempts with IBM's code and message", async () => {
    const provider = providerFor(fake);
    fake.injectFault({ status: 503, count: 100 });
    await expect(provider.status()).rejects.toMatchObject({
      code: "QPLANE_ERR_PROVIDER_UNAVAILABLE",
      retryable: true,
      message: expect.stringMatching(
        /failed after 5 attempts: HTTP 503, IBM error 9999: Service temporarily unavailable/,
      ),
    });
    expect(fake.apiRequests()).toHaveLength(5);
    expect(fake.iamRequests()).toHaveLength(1);
  });

  it("bounds 429 retries too", async () => {
    const provider = providerFor(fake);
    fake.injectFault({ status: 429, count: 100, retryAfter: "0" });
    await expect(provider.status()).rejects.toMatchObject({
      code: "QPLANE_ERR_PROVIDER_UNAVAILABLE",
      message: expect.stringMatching(/HTTP 429, IBM error 1202: Too many requests/),
    });
    expect(fake.apiRequests()).toHaveLength(5);
  });

  it("cancels the IBM job when the AbortSignal fires and leaves nothing running", async () => {
    fake.queuedPolls = 1_000_000;
    const provider = providerFor(fake);
    const controller = new AbortController();
    const handle = await provider.run(isaCircuit, rows, { shots: 10, signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(await handle.status()).toBe("queued");
    controller.abort();
    await expect(handle.result()).rejects.toMatchObject({ code: "QPLANE_ERR_RUN_CANCELLED" });
    const cancels = fake.apiRequests("POST").filter((r) => r.path.endsWith("/cancel"));
    expect(cancels.map((r) => r.path)).toEqual([`/api/v1/jobs/${handle.id}/cancel`]);
    expect(cancels[0]!.status).toBe(204);
    expect([...fake.jobs.values()].map((j) => j.status)).toEqual(["Cancelled"]);
    expect(await handle.status()).toBe("cancelled"); // asked of the service: one GET
    const getsAfter = fake.apiRequests("GET").length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fake.apiRequests("GET").length).toBe(getsAfter); // polling stopped
  });

  it("cancels through the handle; cancelling a finished job is harmless", async () => {
    fake.queuedPolls = 1_000_000;
    const provider = providerFor(fake);
    const handle = await provider.run(isaCircuit, rows, { shots: 10 });
    await handle.cancel();
    await handle.cancel(); // idempotent
    await expect(handle.result()).rejects.toMatchObject({ code: "QPLANE_ERR_RUN_CANCELLED" });
    expect(fake.apiRequests("POST").filter((r) => r.path.endsWith("/cancel"))).toHaveLength(1);
    expect(fake.jobs.get(handle.id)?.status).toBe("Cancelled");

    fake.queuedPolls = 0;
    const done = await provider.run(isaCircuit, rows, { shots: 10 });
    await done.result();
    await done.cancel(); // already completed: no call
    expect(fake.jobs.get(done.id)?.status).toBe("Completed");
  });

  it("a signal aborted before run refuses to submit", async () => {
    const provider = providerFor(fake);
    const controller = new AbortController();
    controller.abort();
    await expect(
      provider.run(isaCircuit, rows, { shots: 10, signal: controller.signal }),
    ).rejects.toMatchObject({ code: "QPLANE_ERR_RUN_CANCELLED" });
    expect(fake.jobs.size).toBe(0);
  });

  it("a job that is cancelled on the service side ends the run as cancelled", async () => {
    fake.queuedPolls = 3;
    const provider = providerFor(fake);
    const handle = await provider.run(isaCircuit, rows, { shots: 10 });
    fake.jobs.get(handle.id)!.status = "Cancelled";
    await expect(handle.result()).rejects.toMatchObject({
      code: "QPLANE_ERR_RUN_CANCELLED",
      message: expect.stringContaining('ended as "Cancelled"'),
    });
  });
});
