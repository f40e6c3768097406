import { describe, expect, it } from "vitest";
import { classifyError } from "../../src/api/errors.js";
import { at, missingValue, present, required } from "../../src/errors/checked.js";

describe("checked access", () => {
  it("returns a present value, including falsy ones", () => {
    expect(at([0, 1], 0, "weights")).toBe(0);
    expect(at(new Float64Array([2.5]), 0, "losses")).toBe(2.5);
    expect(required(new Map([["a", ""]]), "a", "label")).toBe("");
    expect(present(false, "flag")).toBe(false);
  });

  it("names what is missing, the index and the length", () => {
    expect(() => at([1, 2], 2, "arm")).toThrowError(
      expect.objectContaining({
        code: "QPLANE_ERR_INTERNAL",
        message: "internal: arm at index 2 (of 2) is missing",
      }),
    );
    expect(() => required(new Map<string, number>(), "x", "class index")).toThrowError(
      'internal: class index for "x" is missing',
    );
    expect(() => required(new Map<number, number>(), 7, "row")).toThrowError(
      "internal: row for 7 is missing",
    );
    expect(() => present(undefined, "the job's owner")).toThrowError(
      "internal: the job's owner is missing",
    );
    expect(() => present(null, "cursor")).toThrowError("internal: cursor is missing");
  });

  it("is an internal fault to the API: 500, the detail kept for the log", () => {
    expect(classifyError(missingValue("backend local"), 1024)).toEqual({
      statusCode: 500,
      code: "QPLANE_ERR_INTERNAL",
      message: "internal: backend local is missing",
      internal: true,
    });
  });
});
