/**
 * Keeps an event stream open: reconnects after the server ends it or the network drops (with
 * a growing delay), until `stop()` or until `onEvent` returns "done" (a terminal status).
 */
import { ApiError } from "./api.js";
import { isAbort, readEvents } from "./sse.js";

export interface LiveStream {
  stop(): void;
}

export interface LiveOptions<T> {
  readonly path: string;
  /** Return "done" to end the stream for good. */
  readonly onEvent: (event: T) => "done" | undefined;
  /** Each time a connection opens (catch up on what was missed while disconnected). */
  readonly onOpen?: () => void;
  /** The server has no such stream (404): the caller falls back to something else. */
  readonly onMissing?: () => void;
  readonly onError?: (error: unknown) => void;
}

export function liveStream<T>(options: LiveOptions<T>): LiveStream {
  const controller = new AbortController();
  let done = false;
  const run = async () => {
    let delay = 500;
    while (!done && !controller.signal.aborted) {
      try {
        await readEvents<T>(
          options.path,
          (event) => {
            if (options.onEvent(event) === "done") done = true;
          },
          {
            signal: controller.signal,
            onOpen: () => {
              delay = 500;
              options.onOpen?.();
            },
          },
        );
      } catch (error) {
        if (isAbort(error)) return;
        if (error instanceof ApiError && error.status === 404) {
          options.onMissing?.();
          return;
        }
        options.onError?.(error);
      }
      if (done) return;
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 10_000);
    }
  };
  void run();
  return {
    stop() {
      done = true;
      controller.abort();
    },
  };
}
