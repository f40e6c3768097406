import { describe, expect, it } from "vitest";
import {
  decodeHexSample,
  denseCounts,
  registerSamples,
  sampleBitstring,
  samplesByRow,
  sparseCounts,
} from "../../../providers/ibm/results.js";

describe("IBM Sampler V2 sample decoding", () => {
  it("reads bit i of each hex integer as c[i] (c[0] rightmost in bitstrings)", () => {
    expect(sampleBitstring("0x1", 3)).toBe("001");
    expect(sampleBitstring("0x4", 3)).toBe("100");
    expect(sampleBitstring("0x6", 3)).toBe("110");
    const counts = denseCounts(["0x1", "0x1", "0x4", "0x0", "0x6"], 3, 1, 5);
    expect(counts).toMatchObject({ kind: "counts", rows: 1, outcomeCount: 8, shots: 5 });
    // outcome index Σ c[i]·2^i: 0x1 → c[0]=1 → index 1; 0x4 → c[2]=1 → index 4.
    expect(Array.from(counts.values)).toEqual([1, 2, 0, 0, 1, 0, 1, 0]);
  });

  it("decodes a 60-bit register exactly with BigInt", () => {
    const hex = "0x800000000000001"; // c[59] and c[0]
    expect(decodeHexSample(hex)).toBe((1n << 59n) | 1n);
    const bits = sampleBitstring(hex, 60);
    expect(bits).toHaveLength(60);
    expect(bits[0]).toBe("1"); // c[59] leftmost
    expect(bits[59]).toBe("1"); // c[0] rightmost
    expect(bits.slice(1, 59)).toBe("0".repeat(58));
    // 2^53 + 1 is not representable as a double; BigInt keeps it.
    expect(sampleBitstring("0x20000000000001", 60).endsWith("1")).toBe(true);
    const sparse = sparseCounts([[hex, hex, "0xfffffffffffffff"]], 60);
    expect(sparse[0]!.get(bits)).toBe(2);
    expect(sparse[0]!.get("1".repeat(60))).toBe(1);
    expect(() => sampleBitstring("0x1000000000000000", 60)).toThrow(/does not fit in 60/);
  });

  it("accepts flat (one row) and nested (per-row) sample lists", () => {
    expect(samplesByRow(["0x0", "0x1"])).toEqual([["0x0", "0x1"]]);
    expect(samplesByRow([["0x0"], ["0x1"]])).toEqual([["0x0"], ["0x1"]]);
    const nested = denseCounts(
      [
        ["0x0", "0x3"],
        ["0x2", "0x2"],
      ],
      2,
      2,
      2,
    );
    expect(Array.from(nested.values)).toEqual([1, 0, 0, 1, 0, 0, 2, 0]);
    const split = denseCounts(["0x0", "0x1", "0x1", "0x1"], 1, 2, 2, true);
    expect(Array.from(split.values)).toEqual([1, 1, 0, 2]);
  });

  it("refuses malformed results with a clear reason", () => {
    expect(() => denseCounts([["0x0"]], 1, 2, 1)).toThrow(/samples for 1 parameter row.*2 were/);
    expect(() => denseCounts(["0x0"], 1, 1, 2)).toThrow(/1 sample\(s\); 2 shots/);
    expect(() => denseCounts(["0x2"], 1, 1, 1)).toThrow(/does not fit in 1 bit/);
    expect(() => denseCounts(["zz"], 1, 1, 1)).toThrow(/not a hex string/);
    expect(() => samplesByRow([1, 2])).toThrow(/neither/);
    expect(() => registerSamples({ __type__: "PrimitiveResult" }, "c")).toThrow(/support_qiskit/);
    expect(() => registerSamples({ results: [{ data: { meas: {} } }] }, "c")).toThrow(
      /no classical register "c" \(registers: meas\)/,
    );
  });
});
