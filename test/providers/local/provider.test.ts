import { describe, expect, it } from "vitest";
import { LocalProvider } from "../../../providers/local/provider.js";
import { resultProbabilities, TERMINAL_JOB_STATES } from "../../../providers/types.js";
import { CircuitBuilder, weight } from "../../../src/circuits/ir.js";
import { createRng } from "../../../src/random/rng.js";

const circuit = new CircuitBuilder(2)
  .add("ry", [0], weight("theta"))
  .add("cx", [0, 1])
  .measureAll()
  .build();

describe("LocalProvider", () => {
  it("returns a completed handle with exact probabilities for every row when shots = 0", async () => {
    const provider = new LocalProvider();
    const handle = await provider.run(circuit, [[0], [Math.PI / 2], [Math.PI]], { shots: 0 });
    expect(handle.id).toMatch(/^local-/);
    expect(TERMINAL_JOB_STATES.has(await handle.status())).toBe(true);
    const result = await handle.result();
    expect(result.kind).toBe("probabilities");
    const p = resultProbabilities(result);
    expect(Array.from(p.slice(0, 4))).toEqual([1, 0, 0, 0]);
    expect(p[4]).toBeCloseTo(0.5, 15);
    expect(p[7]).toBeCloseTo(0.5, 15);
    expect(p[11]).toBeCloseTo(1, 15);
  });

  it("samples counts reproducibly from a seed or a generator", async () => {
    const provider = new LocalProvider();
    const rows = [[Math.PI / 2]];
    const a = await (await provider.run(circuit, rows, { shots: 500, seed: 4 })).result();
    const b = await (await provider.run(circuit, rows, { shots: 500, seed: 4 })).result();
    const c = await (await provider.run(circuit, rows, { shots: 500, rng: createRng(4) })).result();
    expect(a.kind).toBe("counts");
    expect(Array.from(a.values)).toEqual(Array.from(b.values));
    expect(a.values[0]! + a.values[3]!).toBe(500);
    expect(c.kind === "counts" && c.shots).toBe(500);
  });

  it("estimates one free submission per call and validates before computing", async () => {
    const provider = new LocalProvider({ maxShots: 100 });
    expect(await provider.estimate(circuit, { rows: 2, cols: 1 }, { shots: 50 })).toEqual({
      submissions: 1,
      circuits: 2,
      totalShots: 100,
      estimatedCostUsd: 0,
    });
    // an estimate takes the matrix's shape only: 10^12 rows cost nothing to price
    expect(await provider.estimate(circuit, { rows: 1e12, cols: 1 }, { shots: 0 })).toMatchObject({
      circuits: 1e12,
    });
    await expect(provider.estimate(circuit, { rows: 2, cols: 3 }, { shots: 0 })).rejects.toThrow(
      "parameter matrix is 2×3; the circuit has 1 parameter column(s)",
    );
    await expect(provider.run(circuit, [[0]], { shots: 101 })).rejects.toThrow(
      /shots must be an integer in 1..100, got 101/,
    );
    await expect(provider.run(circuit, [[0, 1]], { shots: 0 })).rejects.toThrow(
      /row 0 has 2 value/,
    );
    const small = new LocalProvider({ maxQubits: 1 });
    await expect(small.run(circuit, [[0]], { shots: 0 })).rejects.toThrow(/limit is 1/);
  });

  it("refuses to start an aborted run and reports static capabilities", async () => {
    const provider = new LocalProvider();
    const controller = new AbortController();
    controller.abort();
    await expect(
      provider.run(circuit, [[0]], { shots: 0, signal: controller.signal }),
    ).rejects.toMatchObject({
      code: "QPLANE_ERR_RUN_CANCELLED",
    });
    const capabilities = await provider.capabilities();
    expect(capabilities).toMatchObject({
      provider: "local",
      numQubits: 24,
      couplingMap: null,
      exactProbabilities: true,
    });
    expect(capabilities.nativeGates).toContain("ecr");
    expect(await provider.status()).toEqual({
      operational: true,
      message: "local simulator",
      queueLength: 0,
    });
  });
});
