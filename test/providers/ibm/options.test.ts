import { describe, expect, it } from "vitest";
import { samplesPerRow } from "../../../providers/ibm/sampler-options.js";
import { CircuitBuilder, weight } from "../../../src/circuits/ir.js";
import { emitQasm3 } from "../../../src/circuits/qasm3/emit.js";
import type { FakeIbmServer } from "./fake-server.js";
import {
  clientFor,
  fakeIbmBackend,
  isaCircuit,
  providerFor,
  registryWithFakeIbmKey,
  samplerJobPosts,
  useFreshFakeIbm,
} from "./helpers.js";

let fake: FakeIbmServer;
useFreshFakeIbm((started) => (fake = started));

const jobPosts = () => samplerJobPosts(fake);

/**
 * Per qubit q: sx · rz(θ_q) · sx, measured. θ = 0 gives sx·sx = X (outcome 1 for certain),
 * θ = π gives Rz(π) up to phase (outcome 0 for certain): each row is a known bit pattern.
 */
const patternCircuit = new CircuitBuilder(3, true)
  .add("sx", [0])
  .add("rz", [0], weight("a"))
  .add("sx", [0])
  .add("sx", [1])
  .add("rz", [1], weight("b"))
  .add("sx", [1])
  .add("sx", [2])
  .add("rz", [2], weight("c"))
  .add("sx", [2])
  .measure([0, 1, 2])
  .build();

/** The row whose measured outcome index is `k` (bit q of k = c[q]). */
const rowFor = (k: number) => [0, 1, 2].map((q) => ((k >> q) & 1 ? 0 : Math.PI));

describe("several PUBs per job (maxRowsPerPub)", () => {
  it("splits 7 rows into PUBs of 3, 3 and 1 in ONE job, and reassembles results in row order", async () => {
    const provider = providerFor(fake, { maxRowsPerPub: 3 });
    const outcomes = [5, 0, 7, 2, 3, 6, 1];
    const matrix = outcomes.map(rowFor);
    const result = await (await provider.run(patternCircuit, matrix, { shots: 30 })).result();
    const qasm = emitQasm3(patternCircuit);
    expect(jobPosts()).toHaveLength(1);
    expect(jobPosts()[0]!.body).toEqual({
      program_id: "sampler",
      backend: "fake_lagos",
      params: {
        pubs: [
          [qasm, matrix.slice(0, 3), 30],
          [qasm, matrix.slice(3, 6), 30],
          [qasm, matrix.slice(6), 30],
        ],
        version: 2,
        support_qiskit: false,
      },
    });
    expect(result).toMatchObject({ kind: "counts", rows: 7, outcomeCount: 8, shots: 30 });
    const expected = new Uint32Array(7 * 8);
    outcomes.forEach((k, row) => {
      expected[row * 8 + k] = 30;
    });
    expect(Array.from(result.values)).toEqual(Array.from(expected));
    // the estimate still counts one submission
    expect(
      await provider.estimate(
        patternCircuit,
        { rows: matrix.length, cols: patternCircuit.parameters.length },
        { shots: 30 },
      ),
    ).toMatchObject({
      submissions: 1,
      circuits: 7,
      totalShots: 210,
    });
  });

  it("keeps one PUB when the rows fit, and refuses a bad maxRowsPerPub by name", async () => {
    const provider = providerFor(fake, { maxRowsPerPub: 3 });
    await (await provider.run(patternCircuit, [rowFor(1), rowFor(2), rowFor(4)], { shots: 4 }))
      .result()
      .then((result) => expect(Array.from(result.values).filter((v) => v === 4)).toHaveLength(3));
    expect((jobPosts()[0]!.body as { params: { pubs: unknown[] } }).params.pubs).toHaveLength(1);
    expect(() => providerFor(fake, { maxRowsPerPub: 0 })).toThrow(
      "IBM backend fake_lagos: maxRowsPerPub must be an integer in 1..10000000, got 0",
    );
  });
});

describe("Sampler options from the backend configuration", () => {
  it("reach the job body from a QPLANE_BACKENDS entry through the registry", async () => {
    const registry = registryWithFakeIbmKey(fake, [
      fakeIbmBackend(fake, "ibm-opts", {
        maxRowsPerPub: 2,
        options: { dynamical_decoupling: { enable: true, sequence_type: "XX" } },
      }),
    ]);
    const { provider } = registry.resolve("ibm-opts");
    const matrix = [rowFor(1), rowFor(6), rowFor(7)];
    const result = await (await provider.run(patternCircuit, matrix, { shots: 8 })).result();
    const params = (jobPosts()[0]!.body as { params: { pubs: unknown[][]; options: unknown } })
      .params;
    expect(params.pubs.map((pub) => pub[1])).toEqual([matrix.slice(0, 2), matrix.slice(2)]);
    expect(params.options).toEqual({
      dynamical_decoupling: { enable: true, sequence_type: "XX" },
    });
    expect([result.values[1], result.values[8 + 6], result.values[16 + 7]]).toEqual([8, 8, 8]);
  });

  it("sends dynamical decoupling and twirling exactly as params.options", async () => {
    const options = {
      dynamical_decoupling: { enable: true, sequence_type: "XY4" as const },
      twirling: {
        enable_gates: true,
        enable_measure: false,
        num_randomizations: 4,
        shots_per_randomization: 25,
      },
    };
    const provider = providerFor(fake, { samplerOptions: options });
    const rows = [[0.3, 0.1, -0.7]];
    const result = await (await provider.run(isaCircuit, rows, { shots: 100 })).result();
    expect(jobPosts()[0]!.body).toEqual({
      program_id: "sampler",
      backend: "fake_lagos",
      params: {
        pubs: [[emitQasm3(isaCircuit), rows, 100]],
        version: 2,
        support_qiskit: false,
        options,
      },
    });
    // 4 randomizations × 25 shots = the requested 100
    expect(result).toMatchObject({ rows: 1, shots: 100 });
  });

  it("counts the samples twirling actually returns (auto rounds the shots up)", async () => {
    const provider = providerFor(fake, { samplerOptions: { twirling: { enable_measure: true } } });
    // auto/auto: shots_per_randomization = max(64, ⌈100/32⌉) = 64, ⌈100/64⌉ = 2 → 128
    expect(samplesPerRow(100, { twirling: { enable_measure: true } })).toBe(128);
    expect(samplesPerRow(100, { twirling: { num_randomizations: 3, enable_gates: true } })).toBe(
      102,
    );
    expect(samplesPerRow(100, { twirling: { enable_gates: false } })).toBe(100);
    const rows = [rowFor(3), rowFor(4)];
    const result = await (await provider.run(patternCircuit, rows, { shots: 100 })).result();
    expect(result).toMatchObject({ rows: 2, shots: 128 });
    expect(result.values[3]).toBe(128);
    expect(result.values[8 + 4]).toBe(128);
    expect(
      await provider.estimate(
        patternCircuit,
        { rows: 2, cols: patternCircuit.parameters.length },
        { shots: 100 },
      ),
    ).toMatchObject({
      totalShots: 256,
    });
  });

  it("runs a parameterless circuit's rows as one PUB each under twirling (its sample count is not rows × shots)", async () => {
    const provider = providerFor(fake, { samplerOptions: { twirling: { enable_measure: true } } });
    const flip = new CircuitBuilder(1, true).add("x", [0]).measure([0]).build();
    const result = await (await provider.run(flip, [[], []], { shots: 100 })).result();
    const qasm = emitQasm3(flip);
    expect((jobPosts()[0]!.body as { params: { pubs: unknown } }).params.pubs).toEqual([
      [qasm, null, 100],
      [qasm, null, 100],
    ]);
    expect(result).toMatchObject({ rows: 2, outcomeCount: 2, shots: 128 });
    expect(Array.from(result.values)).toEqual([0, 128, 0, 128]);
  });

  it("refuses undocumented fields and bad values, naming the field", () => {
    const bad = (samplerOptions: unknown) => () =>
      providerFor(fake, { samplerOptions: samplerOptions as never });
    expect(bad({ resilience_level: 1 })).toThrow(
      "IBM backend fake_lagos: options.resilience_level: unknown field",
    );
    expect(bad({ dynamical_decoupling: { enable: true, sequence_type: "XYZ" } })).toThrow(
      'options.dynamical_decoupling.sequence_type: Invalid option: expected one of "XX"|"XpXm"|"XY4" (got "XYZ")',
    );
    expect(bad({ twirling: { num_randomizations: "many" } })).toThrow(
      'options.twirling.num_randomizations: must be "auto" or an integer in 1..10000000 (got "many")',
    );
    expect(bad({ twirling: { shots_per_randomization: 0 } })).toThrow(
      /options\.twirling\.shots_per_randomization: .*\(got 0\)/,
    );
    expect(bad({ dynamical_decoupling: { sequence_type: "XX" } })).toThrow(
      /options\.dynamical_decoupling\.enable: .*expected boolean/,
    );
  });

  it("uses fractional gates only on request, and never together with gate twirling (1519)", async () => {
    fake.device = { ...fake.device, basisGates: ["cz", "id", "rx", "rz", "rzz", "sx", "x"] };
    expect((await providerFor(fake).capabilities()).nativeGates).toEqual(["cz", "rz", "sx", "x"]);
    expect((await providerFor(fake, { fractionalGates: true }).capabilities()).nativeGates).toEqual(
      ["cz", "rx", "rz", "rzz", "sx", "x"],
    );
    expect(() =>
      providerFor(fake, {
        fractionalGates: true,
        samplerOptions: { twirling: { enable_gates: true } },
      }),
    ).toThrow(/gate twirling cannot be combined with fractional gates \(rx, rzz\).*1519/);
    // the fake enforces the same rule the service does
    const rzz = new CircuitBuilder(2, true).add("rzz", [0, 1], weight("t")).measure([0, 1]).build();
    const fractional = providerFor(fake, { fractionalGates: true });
    await expect(
      (await fractional.run(rzz, [[0.5]], { shots: 10 })).result(),
    ).resolves.toMatchObject({ rows: 1, shots: 10 });
    // IBM runs rzz only for angles in [0, π/2]: refused before submission, naming the row
    const posts = jobPosts().length;
    await expect(fractional.run(rzz, [[0.5], [-0.25]], { shots: 10 })).rejects.toMatchObject({
      code: "QPLANE_ERR_PROVIDER_CIRCUIT",
      message:
        "fake_lagos runs rzz only for angles in [0, π/2] (IBM error 1517 otherwise): gate 0 (rzz on $0, $1) has angle -0.25 in parameter row 1 (weight t)",
    });
    await expect(fractional.run(rzz, [[1.6]], { shots: 10 })).rejects.toThrow(/angle 1.6 in/);
    expect(jobPosts()).toHaveLength(posts);
    const twirled = providerFor(fake, {
      fractionalGates: true,
      samplerOptions: { twirling: { enable_measure: true } },
    });
    await expect((await twirled.run(rzz, [[0.5]], { shots: 64 })).result()).resolves.toBeTruthy();
    const client = clientFor(fake);
    const body = {
      program_id: "sampler",
      backend: "fake_lagos",
      params: {
        pubs: [[emitQasm3(rzz), [[0.5]], 64]],
        version: 2,
        options: { twirling: { enable_gates: true } },
      },
    };
    await expect(client.post("/jobs", body)).rejects.toThrow(
      /IBM error 1519: fractional gates are not supported with gate twirling/,
    );
    // and refuses rzz angles outside [0, π/2], which the provider catches first
    const negative = { ...body, params: { pubs: [[emitQasm3(rzz), [[-0.25]], 64]], version: 2 } };
    await expect(client.post("/jobs", negative)).rejects.toThrow(
      /IBM error 1517: instruction rzz with angle -0.25 is not supported/,
    );
  });
});
