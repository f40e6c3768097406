import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createRedactingLogger, REDACTED } from "../../src/logging/redaction.js";

function capture(): { stream: Writable; lines: () => string[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, lines: () => chunks.join("").split("\n").filter(Boolean) };
}

describe("the redacting logger the workers and job services use", () => {
  it("erases provider credentials from messages, errors, fields and URLs", () => {
    const { stream, lines } = capture();
    const ibmKey = "ibm-key-9f8e7d6c5b4a";
    const awsSecret = "aws/secret+KEY=1234567890";
    const logger = createRedactingLogger({
      name: "qplane-worker",
      stream,
      env: { IBM_CLOUD_API_KEY: ibmKey, AWS_SECRET_ACCESS_KEY: awsSecret },
    });
    logger.error(
      { err: new Error(`IAM refused apikey ${ibmKey}`), config: { token: "t0ken-abc-123" } },
      `job failed; signing with ${awsSecret}`,
    );
    logger.warn({ redisUrl: "redis://:hunter22@cache:6379/0" }, "reconnecting");
    const output = lines().join("\n");
    expect(output).not.toContain(ibmKey);
    expect(output).not.toContain(awsSecret);
    expect(output).not.toContain("t0ken-abc-123");
    expect(output).not.toContain("hunter22");
    const [first, second] = lines().map((line) => JSON.parse(line));
    expect(first.name).toBe("qplane-worker");
    expect(first.msg).toBe(`job failed; signing with ${REDACTED}`);
    expect(first.err.message).toBe(`IAM refused apikey ${REDACTED}`);
    expect(first.config.token).toBe(REDACTED);
    expect(second.redisUrl).toBe(`redis://${REDACTED}@cache:6379/0`);
  });
});

describe("the log format", () => {
  const ibmKey = "ibm-key-9f8e7d6c5b4a";

  function logOnce(format: "json" | "pretty" | "auto") {
    const { stream, lines } = capture();
    const logger = createRedactingLogger({
      name: "qplane",
      stream,
      format,
      env: { IBM_CLOUD_API_KEY: ibmKey },
    });
    logger.warn(
      { err: new Error(`IAM refused apikey ${ibmKey}`), redisUrl: "redis://:hunter22@cache:6379" },
      `Redis at redis://:hunter22@cache:6379 does not answer; key ${ibmKey}`,
    );
    return lines();
  }

  it("pretty: human-readable lines, still without secrets", () => {
    const output = logOnce("pretty");
    const text = output.join("\n");
    expect(output[0]).toMatch(
      /^\[\d\d:\d\d:\d\d\.\d{3}\] WARN \(qplane\): Redis at redis:\/\/\[redacted\]@cache:6379 does not answer; key \[redacted\]$/,
    );
    expect(text).not.toContain(ibmKey);
    expect(text).not.toContain("hunter22");
    expect(text).not.toMatch(/^\{/m);
    // no terminal colours when writing to a stream
    expect(text).not.toContain("\u001b[");
  });

  it("json, and auto when the lines do not go to a terminal: one JSON object per line", () => {
    for (const format of ["json", "auto"] as const) {
      const [line, ...rest] = logOnce(format);
      expect(rest).toEqual([]);
      expect(JSON.parse(line!)).toMatchObject({
        level: 40,
        name: "qplane",
        msg: `Redis at redis://${REDACTED}@cache:6379 does not answer; key ${REDACTED}`,
        redisUrl: `redis://${REDACTED}@cache:6379`,
      });
    }
  });
});
