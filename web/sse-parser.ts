/**
 * Incremental Server-Sent Events parser (no DOM, so it is unit-tested under Node): the subset
 * the API sends — `event:`, `data:` (several lines join with a newline), `:` comments, LF or CRLF
 * line ends, a blank line ending a frame. Chunks may split anywhere.
 */

export interface SseFrame {
  readonly event: string;
  readonly data: string;
}

export class SseParser {
  private buffer = "";
  private event = "";
  private data: string[] = [];

  push(chunk: string, onFrame: (frame: SseFrame) => void): void {
    this.buffer += chunk;
    let start = 0;
    for (;;) {
      const end = this.buffer.indexOf("\n", start);
      if (end < 0) break;
      let line = this.buffer.slice(start, end);
      start = end + 1;
      if (line.endsWith("\r")) line = line.slice(0, -1);
      if (line === "") {
        if (this.data.length > 0) {
          onFrame({ event: this.event || "message", data: this.data.join("\n") });
        }
        this.event = "";
        this.data = [];
      } else if (line.startsWith(":")) {
        // comment (heartbeat)
      } else {
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? "" : line.slice(colon + 1);
        if (value.startsWith(" ")) value = value.slice(1);
        if (field === "event") this.event = value;
        else if (field === "data") this.data.push(value);
      }
    }
    this.buffer = this.buffer.slice(start);
  }
}
