import { describe, expect, it } from "vitest";
import { assertJobId, isJobId, JOB_ID_PATTERN, jobIdTime, newJobId } from "../../src/jobs/ids.js";

describe("job ids", () => {
  it("are 26 URL-safe characters that encode the creation time", () => {
    const at = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
    const id = newJobId(at);
    expect(id).toMatch(JOB_ID_PATTERN);
    expect(encodeURIComponent(id)).toBe(id);
    expect(jobIdTime(id)).toBe(at);
    // 2026-01-02T03:04:05.678Z = 1767323045678 ms = 01KDYAK3SE in Crockford base 32
    expect(id.slice(0, 10)).toBe("01KDYAK3SE");
  });

  it("sort in creation order, also within one millisecond", () => {
    const at = Date.now() + 10_000;
    const ids = Array.from({ length: 200 }, () => newJobId(at));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => jobIdTime(id) === at)).toBe(true);
    // a clock that goes backwards does not break the order either
    const earlier = newJobId(at - 5000);
    expect(earlier > ids.at(-1)!).toBe(true);
  });

  it("refuses anything else as an unknown job, saying why", () => {
    expect(isJobId(newJobId())).toBe(true);
    for (const bad of [
      "",
      "abc",
      "01kdyn6f1e0000000000000000",
      "01KDYN6F1EIIIIIIIIIIIIIIII",
      "81KDYN6F1E0000000000000000",
      "../../etc/passwd",
      42,
    ]) {
      expect(isJobId(bad)).toBe(false);
      expect(() => assertJobId(bad)).toThrow(
        expect.objectContaining({ code: "QPLANE_ERR_JOB_NOT_FOUND" }),
      );
    }
    expect(() => assertJobId("x".repeat(100))).toThrow(
      `id: "${"x".repeat(37)}..." is not a job id (26 characters of 0-9 and A-Z without I, L, O, U)`,
    );
  });
});
