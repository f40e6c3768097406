/**
 * `GET /v1/jobs/:id/events`: Server-Sent Events of one job.
 *
 * Each event is `event: <type>` plus one `data:` line holding the JobEvent as JSON
 * (`{"type":"status","status":"running","at":"…"}`, `{"type":"progress",…}`,
 * `{"type":"metric","record":{…}}`). The first event is always the job's current status; the
 * stream ends after a terminal status (completed, failed, cancelled), so a client that sees one
 * should close its EventSource rather than let it reconnect. `: heartbeat` comments keep idle
 * connections open through proxies. The subscription is released when either side closes, and
 * open streams end when the app closes (so a graceful shutdown does not wait on them).
 *
 * `GET /v1/events`: the same frames for every job, each JSON object carrying its `jobId`
 * (a new job shows up as a `queued` status event). It never ends by itself: dashboards keep
 * one open for the job list.
 *
 * Both show only the jobs the request's key may see (every job for an admin key, or without
 * keys). One key (one address without keys) holds at most `maxStreamsPerKey` streams at once
 * in this process; one more is refused with 429 QPLANE_ERR_TOO_MANY_STREAMS (and Retry-After)
 * until one closes. A store that does not answer is a 503, never a silent stream.
 *
 * A client that does not read its stream is disconnected once more than
 * {@link SSE_MAX_BUFFERED_BYTES} wait unsent for it, so it cannot grow the server's memory;
 * an EventSource reconnects and re-reads the current status.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { QplaneError } from "../../errors/catalogue.js";
import { required } from "../../errors/checked.js";
import { type JobEvent, type JobRecord, TERMINAL_JOB_STATUSES } from "../../jobs/types.js";
import { clientKey, viewerOf } from "../context.js";
import { errorResponse, jobEventStreamSchema, jobParamsSchema } from "../schemas.js";
import { commonErrors, serviceErrors } from "./jobs.js";

/** One SSE frame. JSON text has no raw newlines, so `data` is always a single line. */
export function sseFrame(event: JobEvent | (JobEvent & { readonly jobId: string })): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** Unsent bytes a stream may hold for a slow client before it is disconnected: 1 MiB. */
export const SSE_MAX_BUFFERED_BYTES = 1024 * 1024;

const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
  "x-accel-buffering": "no",
};

/** The status event a stream opens with: the job's status and when it entered it. */
export function currentStatusEvent(job: JobRecord): JobEvent {
  return {
    type: "status",
    status: job.status,
    at: job.finishedAt ?? job.startedAt ?? job.createdAt,
  };
}

/** Frames as a client reads them: a status, a metric, a terminal status. */
const EXAMPLE_STREAM = [
  sseFrame({ type: "status", status: "running", at: "2026-01-01T12:00:00.000Z" }),
  sseFrame({ type: "progress", epoch: 1, epochs: 2, step: 4, stepsPerEpoch: 4 }),
  ": heartbeat\n\n",
  sseFrame({ type: "status", status: "completed", at: "2026-01-01T12:00:05.000Z" }),
].join("");

const eventStreamResponse = {
  description:
    "An event stream (`text/event-stream`). Each event is `event: <type>` and one `data:` line " +
    "holding the event as JSON: `status` (`JobStatusEvent`), `progress` (`JobProgressEvent`) " +
    "or `metric` (`JobMetricEvent`); `JobEvent` is their union by `type`. Lines starting " +
    "with `:` are comments (`: heartbeat`, `: connected`) that keep the connection open.",
  content: { "text/event-stream": { schema: jobEventStreamSchema, example: EXAMPLE_STREAM } },
};

export const eventRoutes: FastifyPluginAsyncZod = async (app) => {
  const { service, keys, options } = app.qplane;
  const maxStreams = options.limits.maxStreamsPerKey;
  /** Open streams per client (clientKey), for the per-key cap. */
  const streamsByClient = new Map<string, number>();
  /** Open streams, ended when the app closes (server.close waits for open connections). */
  const open = new Set<() => void>();
  app.addHook("preClose", async () => {
    for (const close of [...open]) close();
  });

  /**
   * Counts a stream against the request's client, or refuses it when the client has its
   * maximum open. The returned function gives the place back (once).
   */
  function admitStream(request: FastifyRequest): () => void {
    const client = clientKey(keys, request);
    const openNow = streamsByClient.get(client) ?? 0;
    if (openNow >= maxStreams) {
      throw new QplaneError(
        "QPLANE_ERR_TOO_MANY_STREAMS",
        `${client.startsWith("key:") ? "this API key" : "this address"} has ${openNow} event streams open, the most allowed (${maxStreams}); close one and retry`,
      );
    }
    streamsByClient.set(client, openNow + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = required(streamsByClient, client, "open stream count") - 1;
      if (left === 0) streamsByClient.delete(client);
      else streamsByClient.set(client, left);
    };
  }

  /**
   * Hijacks the reply into an event stream with heartbeats. `write` sends a frame (nothing once
   * the stream ended; a client more than SSE_MAX_BUFFERED_BYTES behind is disconnected);
   * `close` ends the stream (also called when the client goes away or the app closes),
   * releases the subscription and gives the client's stream place back.
   */
  function openStream(
    reply: FastifyReply,
    request: FastifyRequest,
    unsubscribe: () => Promise<void>,
    release: () => void,
  ): { write(frame: string): void; close(): void } {
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, { ...(reply.getHeaders() as Record<string, string>), ...SSE_HEADERS });
    let closed = false;
    const write = (frame: string) => {
      if (closed || raw.writableEnded) return;
      // write() returning false only says the buffer is past its high-water mark; a client
      // that keeps not reading lets it grow, so past the bound the connection is dropped
      if (!raw.write(frame) && raw.writableLength > SSE_MAX_BUFFERED_BYTES) {
        request.log.warn(
          { bufferedBytes: raw.writableLength },
          "event stream client is not reading; disconnected",
        );
        raw.destroy();
        close();
      }
    };
    const heartbeat = setInterval(() => write(": heartbeat\n\n"), options.sseHeartbeatMs);
    heartbeat.unref();
    const close = () => {
      if (closed) return;
      closed = true;
      open.delete(close);
      clearInterval(heartbeat);
      release();
      unsubscribe().catch((error: unknown) =>
        request.log.warn({ err: error }, "unsubscribe failed"),
      );
      if (!raw.writableEnded) raw.end();
    };
    raw.on("close", close);
    open.add(close);
    // the client may have gone while the subscription was being made
    if (raw.destroyed) close();
    return { write, close };
  }

  app.get(
    "/events",
    {
      exposeHeadRoute: false,
      schema: {
        operationId: "streamAllJobEvents",
        summary: "Live events of every job (Server-Sent Events)",
        description:
          "The frames of `/v1/jobs/{id}/events` for every job of the key (every job for an " +
          "admin key, or without keys), each `data:` object carrying " +
          "`jobId`; a new job appears as a `queued` status event. The stream stays open " +
          "(with `: heartbeat` comments) until the client closes it.",
        tags: ["jobs"],
        security: [{ bearerAuth: [] }],
        response: {
          200: eventStreamResponse,
          ...serviceErrors,
        },
      },
    },
    async (request, reply) => {
      const viewer = viewerOf(keys, request);
      const release = admitStream(request);
      let send: (jobId: string, event: JobEvent) => void = () => {};
      let unsubscribe: () => Promise<void>;
      try {
        unsubscribe = await service.watchAll((jobId, event) => send(jobId, event), viewer);
      } catch (error) {
        release();
        throw error;
      }
      const stream = openStream(reply, request, unsubscribe, release);
      send = (jobId, event) => stream.write(sseFrame({ jobId, ...event }));
      // a first comment tells the client the stream is open before any job moves
      stream.write(": connected\n\n");
    },
  );

  app.get(
    "/jobs/:id/events",
    {
      // A HEAD request would open a stream with no body to carry it.
      exposeHeadRoute: false,
      schema: {
        operationId: "streamJobEvents",
        summary: "Live status, progress and metric events (Server-Sent Events)",
        description:
          "`event: status|progress|metric`, `data:` the event as JSON. The current status comes " +
          "first; the stream ends after a terminal status. Comments (`: heartbeat`) keep it alive.",
        tags: ["jobs"],
        security: [{ bearerAuth: [] }],
        params: jobParamsSchema,
        response: {
          200: eventStreamResponse,
          ...commonErrors,
          404: errorResponse("No such job."),
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const viewer = viewerOf(keys, request);
      const release = admitStream(request);
      // Subscribe before reading the status so no event falls between the two; hold events
      // until the current status is out.
      let pending: JobEvent[] | null = [];
      let write: (event: JobEvent) => void = (event) => pending?.push(event);
      let unsubscribe: () => Promise<void> = async () => {};
      let job: JobRecord;
      try {
        unsubscribe = await service.subscribe(id, (event) => write(event), viewer);
        job = await service.get(id, viewer);
      } catch (error) {
        release();
        await unsubscribe().catch(() => {});
        throw error;
      }

      const stream = openStream(reply, request, unsubscribe, release);
      const send = (event: JobEvent) => {
        stream.write(sseFrame(event));
        if (event.type === "status" && TERMINAL_JOB_STATUSES.has(event.status)) stream.close();
      };
      const held = pending;
      pending = null;
      write = send;
      send(currentStatusEvent(job));
      for (const event of held) send(event);
    },
  );
};
