/**
 * Real HTTP against a listening server, for the security tests: JSON requests with a bearer
 * key, and Server-Sent Event streams read as they arrive.
 */
import type { FastifyInstance } from "fastify";

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON when the response is JSON, the text otherwise. */
  readonly body: unknown;
}

/** The base URL of an app listening on an ephemeral loopback port. */
export async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  if (address === null || typeof address === "string") throw new Error("not listening on TCP");
  return `http://127.0.0.1:${address.port}`;
}

export function authorization(key: string | null): Record<string, string> {
  return key === null ? {} : { authorization: `Bearer ${key}` };
}

export async function request(
  base: string,
  method: string,
  path: string,
  key: string | null,
  body?: unknown,
): Promise<Answer> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...authorization(key),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const json = (response.headers.get("content-type") ?? "").startsWith("application/json");
  return {
    status: response.status,
    headers: response.headers,
    body: json && text !== "" ? JSON.parse(text) : text,
  };
}

export interface SseFrame {
  readonly event: string;
  readonly data: Record<string, unknown>;
}

/** An open event stream collecting its frames; `close` aborts it. */
export interface OpenStream {
  readonly status: number;
  readonly headers: Headers;
  /** The error body when the stream was refused. */
  readonly body: unknown;
  readonly frames: SseFrame[];
  /** Resolves when the server ends the stream (or it is closed). */
  readonly ended: Promise<void>;
  close(): void;
}

/** Opens `path` as an event stream; a non-200 answer is read whole and returned as is. */
export async function openStream(
  base: string,
  path: string,
  key: string | null,
): Promise<OpenStream> {
  const controller = new AbortController();
  const response = await fetch(`${base}${path}`, {
    headers: authorization(key),
    signal: controller.signal,
  });
  const frames: SseFrame[] = [];
  const close = () => controller.abort();
  if (response.status !== 200) {
    const body = await response.json();
    return {
      status: response.status,
      headers: response.headers,
      body,
      frames,
      ended: Promise.resolve(),
      close,
    };
  }
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  const ended = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffered += decoder.decode(value, { stream: true });
        const blocks = buffered.split("\n\n");
        buffered = blocks.pop()!;
        for (const block of blocks) {
          if (block.startsWith(":")) continue; // comments: connected, heartbeat
          const lines = block.split("\n");
          frames.push({
            event: lines.find((line) => line.startsWith("event: "))!.slice(7),
            data: JSON.parse(lines.find((line) => line.startsWith("data: "))!.slice(6)),
          });
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return { status: 200, headers: response.headers, body: null, frames, ended, close };
}

/** Polls `condition` every few ms until it holds, failing after `timeoutMs`. */
export async function until(
  condition: () => boolean,
  what: string,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
