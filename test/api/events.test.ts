import { get, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import type { FakeJobService } from "./fake-job-service.js";
import { sampleEpoch } from "./fake-job-service.js";
import { submit, testApp } from "./helpers.js";

interface SseEvent {
  readonly event: string;
  readonly data: unknown;
}

/** Parses an event stream into its events (comments dropped). */
function parseSse(text: string): SseEvent[] {
  return text
    .split("\n\n")
    .filter((block) => block.trim() !== "" && !block.startsWith(":"))
    .map((block) => {
      const lines = block.split("\n");
      const event = lines.find((line) => line.startsWith("event: "))!.slice(7);
      const data = JSON.parse(lines.find((line) => line.startsWith("data: "))!.slice(6));
      return { event, data };
    });
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

let app: FastifyInstance;
let service: FakeJobService;

afterEach(async () => {
  await app.close();
});

/**
 * Opens the job's event stream (injected) and waits until the app has subscribed it to the job;
 * `response` settles when the stream ends.
 */
async function subscribedStream(
  id: string,
): Promise<{ response: Promise<LightMyRequestResponse> }> {
  const response = app.inject({ url: `/v1/jobs/${id}/events` });
  await until(() => service.subscriberCount(id) === 1);
  return { response };
}

/** The job's event stream over a real connection: the app listens on a loopback port. */
async function streamOverHttp(id: string): Promise<IncomingMessage> {
  await app.listen({ port: 0, host: "127.0.0.1" });
  const { port } = app.server.address() as AddressInfo;
  return new Promise<IncomingMessage>((resolve, reject) => {
    get({ host: "127.0.0.1", port, path: `/v1/jobs/${id}/events` }, resolve).on("error", reject);
  });
}

describe("GET /v1/jobs/:id/events", () => {
  it("sends the current status and ends at once for a finished job", async () => {
    ({ app, service } = await testApp());
    const id = await submit(app);
    service.run(id, 2);
    const response = await app.inject({ url: `/v1/jobs/${id}/events` });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
    expect(response.headers["cache-control"]).toBe("no-cache, no-transform");
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    const events = parseSse(response.body);
    expect(events).toEqual([
      { event: "status", data: { type: "status", status: "completed", at: expect.any(String) } },
    ]);
    expect(service.subscriberCount(id)).toBe(0);
  });

  it("streams status, progress and metric events in order and ends at completion", async () => {
    ({ app, service } = await testApp());
    const id = await submit(app);
    const { response: streamed } = await subscribedStream(id);
    service.start(id);
    service.epoch(id);
    service.epoch(id, sampleEpoch(2, { ixt: Number.NaN }));
    service.complete(id);
    // Events after the end are not delivered (and do not throw).
    const response = await streamed;
    const events = parseSse(response.body);
    expect(events.map((event) => event.event)).toEqual([
      "status",
      "status",
      "progress",
      "metric",
      "progress",
      "metric",
      "status",
    ]);
    expect(
      events.map((event) => (event.data as { status?: string }).status).filter(Boolean),
    ).toEqual(["queued", "running", "completed"]);
    expect(events[2]!.data).toEqual({
      type: "progress",
      epoch: 1,
      epochs: 3,
      step: 4,
      stepsPerEpoch: 4,
    });
    expect(events[3]!.data).toEqual({ type: "metric", record: sampleEpoch(1) });
    // A non-finite value arrives as null (JSON has no NaN).
    expect((events[5]!.data as { record: { ixt: unknown } }).record.ixt).toBeNull();
    expect(service.subscriberCount(id)).toBe(0);
  });

  it("ends the stream when the job is cancelled", async () => {
    ({ app, service } = await testApp());
    const id = await submit(app);
    const { response: streamed } = await subscribedStream(id);
    await app.inject({ method: "POST", url: `/v1/jobs/${id}/cancel` });
    const events = parseSse((await streamed).body);
    expect(events.map((event) => (event.data as { status: string }).status)).toEqual([
      "queued",
      "cancelled",
    ]);
  });

  it("sends heartbeat comments and releases the subscription when the client disconnects", async () => {
    ({ app, service } = await testApp({ sseHeartbeatMs: 20 }));
    const id = await submit(app);
    service.start(id);
    const response = await streamOverHttp(id);
    expect(response.statusCode).toBe(200);
    let text = "";
    response.setEncoding("utf8");
    response.on("data", (chunk: string) => {
      text += chunk;
    });
    await until(() => text.includes(": heartbeat"));
    expect(parseSse(text)[0]).toEqual({
      event: "status",
      data: { type: "status", status: "running", at: expect.any(String) },
    });
    service.epoch(id);
    await until(() => text.includes("event: metric"));
    expect(service.subscriberCount(id)).toBe(1);

    response.destroy();
    await until(() => service.subscriberCount(id) === 0);
  });

  it("ends open streams when the app closes, so shutdown does not wait for clients", async () => {
    ({ app, service } = await testApp());
    const id = await submit(app);
    const response = await streamOverHttp(id);
    const ended = new Promise<void>((resolve) => response.on("end", resolve).resume());
    await until(() => service.subscriberCount(id) === 1);
    const started = Date.now();
    await app.close();
    await ended;
    expect(Date.now() - started).toBeLessThan(2000);
    expect(service.subscriberCount(id)).toBe(0);
  });

  it("answers a store outage before streaming with 503", async () => {
    ({ app, service } = await testApp());
    const id = await submit(app);
    service.down = "qplane";
    const response = await app.inject({ url: `/v1/jobs/${id}/events` });
    expect(response.statusCode).toBe(503);
    expect(response.json().error.code).toBe("QPLANE_ERR_UNAVAILABLE");
  });
});
