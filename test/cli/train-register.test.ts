/**
 * `qplane train --register`: readout, all or a comma list of qubits; an unreachable
 * label-entropy target on the chosen register is refused before any training.
 */
import { readdir } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { specFromFlags, trainCommand } from "../../src/cli/train.js";
import { isQplaneError } from "../../src/errors/catalogue.js";
import { parseJobSpec } from "../../src/training/spec.js";
import { errorOf } from "../helpers/errors.js";
import { useTempDir } from "../helpers/temp-dir.js";

describe("qplane train --register", () => {
  const runs = useTempDir("qplane-train-register-");

  it("reads readout, all and a comma list (bit order as written)", () => {
    const register = (text: string) =>
      (specFromFlags(undefined, { register: text }).infoPlane as { register: unknown }).register;
    expect(register("readout")).toBe("readout");
    expect(register("all")).toBe("all");
    expect(register("0,2,3")).toEqual([0, 2, 3]);
    expect(register(" 3, 1 ")).toEqual([3, 1]);
    expect(register("2")).toEqual([2]);
    // anything else reaches the spec as text, whose error names the field and the value
    expect(
      errorOf(() =>
        parseJobSpec({ dataset: { name: "moons" }, infoPlane: { register: register("0,x") } }),
      ).message,
    ).toBe(
      'spec.infoPlane.register: must be "readout", "all" or a list of 1 to 20 distinct qubit indices (integers 0–23) (got "0,x")',
    );
  });

  it("refuses log2 3 bits of iris labels on a 1-qubit T before training (no run folder)", async () => {
    const flags = { dataset: "iris", feedback: "lr", register: "0", epochs: "1" };
    let thrown: unknown;
    try {
      await trainCommand({ flags, runsDir: runs.path, json: true, quiet: true }, () => {});
    } catch (error) {
      thrown = error;
    }
    expect(isQplaneError(thrown) && thrown.message).toBe(
      'spec.feedback.target: "label-entropy" is unreachable: H(Y) of the training labels is 1.585 bits, but the representation register carries at most 1.000 bits (I(X;T) ≤ |R|), so L_comp could never fall; choose a number of bits ≤ 1.000, a larger register (infoPlane.register "all", more readout qubits, or fewer infoPlane.bins for a regression target), or set feedback.allowUnreachableTarget to true',
    );
    expect(await readdir(runs.path)).toEqual([]);
  });
});
