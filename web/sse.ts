/**
 * Server-Sent Events over fetch(): EventSource cannot send an Authorization header, so the
 * response body is read here and cut into frames by SseParser.
 */
import { api } from "./api.js";
import { type SseFrame, SseParser } from "./sse-parser.js";

export interface StreamOptions {
  readonly signal: AbortSignal;
  /** Called once the response headers arrived (the server has subscribed). */
  readonly onOpen?: () => void;
}

/**
 * Reads one event stream until the server ends it or `signal` aborts; frames whose data is
 * not JSON are skipped. Errors (other than the abort) propagate.
 */
export async function readEvents<T>(
  path: string,
  onEvent: (event: T) => void,
  options: StreamOptions,
): Promise<void> {
  const response = await api(path, {
    signal: options.signal,
    headers: { accept: "text/event-stream" },
  });
  options.onOpen?.();
  if (response.body === null) return;
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const parser = new SseParser();
  const deliver = (frame: SseFrame) => {
    let parsed: T;
    try {
      parsed = JSON.parse(frame.data) as T;
    } catch {
      return;
    }
    onEvent(parsed);
  };
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      parser.push(value, deliver);
    }
  } finally {
    reader.releaseLock();
  }
}

export const isAbort = (error: unknown) =>
  error instanceof DOMException && error.name === "AbortError";
