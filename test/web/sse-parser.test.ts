/** The dashboard's SSE parser on the frames the API writes, split at every possible point. */
import { describe, expect, it } from "vitest";
import { type SseFrame, SseParser } from "../../web/sse-parser.js";

const STREAM =
  'event: status\ndata: {"type":"status","status":"running","at":"t"}\n\n' +
  ": heartbeat\n\n" +
  'event: metric\r\ndata: {"type":"metric","record":{"epoch":1}}\r\n\r\n' +
  "data: first\ndata: second\n\n" +
  "event: progress\ndata:no-space\n\n" +
  "event: pending\ndata: never ended";

const EXPECTED: SseFrame[] = [
  { event: "status", data: '{"type":"status","status":"running","at":"t"}' },
  { event: "metric", data: '{"type":"metric","record":{"epoch":1}}' },
  { event: "message", data: "first\nsecond" },
  { event: "progress", data: "no-space" },
];

function parse(chunks: readonly string[]): SseFrame[] {
  const parser = new SseParser();
  const frames: SseFrame[] = [];
  for (const chunk of chunks) parser.push(chunk, (frame) => frames.push(frame));
  return frames;
}

describe("SseParser", () => {
  it("parses whole frames, skips comments and holds an unterminated frame", () => {
    expect(parse([STREAM])).toEqual(EXPECTED);
  });

  it("gives the same frames however the stream is cut into two chunks", () => {
    for (let cut = 0; cut <= STREAM.length; cut++) {
      expect(parse([STREAM.slice(0, cut), STREAM.slice(cut)]), `cut at ${cut}`).toEqual(EXPECTED);
    }
  });

  it("gives the same frames fed one character at a time", () => {
    expect(parse([...STREAM])).toEqual(EXPECTED);
  });

  it("emits the held frame once its blank line arrives", () => {
    const parser = new SseParser();
    const frames: SseFrame[] = [];
    parser.push("event: status\ndata: x\n", (frame) => frames.push(frame));
    expect(frames).toEqual([]);
    parser.push("\n", (frame) => frames.push(frame));
    expect(frames).toEqual([{ event: "status", data: "x" }]);
  });
});
