import { describe, expect, it } from "vitest";
import { createProgressReporter, testMetricLabel } from "../../src/runs/progress.js";
import { classificationRecords, regressionRecords } from "../plots/fixtures.js";

/** A stream stand-in that records what is written to it. */
function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  const stream = {
    isTTY,
    columns: 160,
    write(chunk: string | Uint8Array) {
      writes.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
      return true;
    },
  };
  return { stream: stream as unknown as NodeJS.WriteStream, writes };
}

describe("createProgressReporter", () => {
  const records = classificationRecords(3).map((record, index) => ({
    ...record,
    testAccuracy: [0.5, 0.75, 0.875][index]!,
    ixt: [0.1, 0.2, 0.1234][index]!,
    ity: [0.01, 0.02, 0.0456][index]!,
  }));

  it("prints nothing when the stream is not a TTY", () => {
    const { stream, writes } = fakeStream(false);
    const reporter = createProgressReporter({ total: 3, stream });
    for (const record of records) reporter.update(record.epoch, record);
    reporter.stop();
    expect(writes).toEqual([]);
  });

  it("prints nothing on a TTY when disabled", () => {
    const { stream, writes } = fakeStream(true);
    const reporter = createProgressReporter({ total: 3, stream, enabled: false });
    for (const record of records) reporter.update(record.epoch, record);
    reporter.stop();
    expect(writes).toEqual([]);
  });

  it("draws epoch/total, ETA, test metric and I(X;T), I(T;Y) to 3 decimals on a TTY", () => {
    const { stream, writes } = fakeStream(true);
    const reporter = createProgressReporter({ total: 3, stream });
    for (const record of records) reporter.update(record.epoch, record);
    reporter.stop();
    reporter.stop(); // idempotent
    reporter.update(3, records[2]!); // ignored after stop
    const output = writes.join("");
    expect(output).toContain("epoch 3/3");
    expect(output).toContain("ETA ");
    expect(output).toContain("test acc 0.875");
    expect(output).toContain("I(X;T) 0.123");
    expect(output).toContain("I(T;Y) 0.046");
    expect(output.endsWith("\n")).toBe(true);
    const afterStop = writes.length;
    reporter.update(1, records[0]!);
    expect(writes).toHaveLength(afterStop);
  });

  it("refuses a bad total", () => {
    const { stream } = fakeStream(false);
    expect(() => createProgressReporter({ total: -1, stream })).toThrow(/total/);
    expect(() => createProgressReporter({ total: 2.5, stream })).toThrow(/total/);
  });
});

describe("testMetricLabel", () => {
  it("shows accuracy for classification and MSE for regression", () => {
    expect(testMetricLabel({ ...classificationRecords(1)[0]!, testAccuracy: 0.91234 })).toBe(
      "test acc 0.912",
    );
    expect(testMetricLabel({ ...regressionRecords(1)[0]!, testMse: 0.0123456 })).toBe(
      "test mse 0.012",
    );
  });
});
