import { beforeEach, describe, expect, it } from "vitest";
import { IBM_API_VERSION } from "../../../providers/ibm/client.js";
import { exactProbabilities } from "../../../providers/local/simulator.js";
import { CircuitBuilder } from "../../../src/circuits/ir.js";
import { emitQasm3, qasmParameterNames } from "../../../src/circuits/qasm3/emit.js";
import { type FakeIbmServer, startFakeIbm } from "./fake-server.js";
import { clientFor, ISA_ROWS, isaCircuit, providerFor } from "./helpers.js";

let fake: FakeIbmServer;
beforeEach(async () => {
  fake = await startFakeIbm();
  return () => fake.close(); // a fresh fake for every test
});

const rows = ISA_ROWS;

describe("IbmProvider against the fake Qiskit Runtime", () => {
  it("reads capabilities and status from the backend endpoints", async () => {
    const provider = providerFor(fake);
    const capabilities = await provider.capabilities();
    expect(capabilities).toEqual({
      provider: "ibm",
      device: "fake_lagos",
      numQubits: 7,
      nativeGates: ["ecr", "rz", "sx", "x"],
      couplingMap: fake.device.couplingMap,
      exactProbabilities: false,
      minShots: 1,
      maxShots: 10_000_000,
      batchesParameterRows: true,
    });
    await provider.capabilities(); // cached
    expect(fake.apiRequests("GET").map((r) => r.path)).toEqual([
      "/api/v1/backends/fake_lagos/configuration",
    ]);
    expect(await provider.status()).toEqual({
      operational: true,
      message: "active",
      queueLength: 0,
    });
  });

  it("sends the IAM form body and the required headers on every API call", async () => {
    const provider = providerFor(fake);
    const handle = await provider.run(isaCircuit, rows, { shots: 100 });
    await handle.result();
    const [iam] = fake.iamRequests();
    expect(fake.iamRequests()).toHaveLength(1);
    expect(iam!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(iam!.body).toEqual({
      grant_type: "urn:ibm:params:oauth:grant-type:apikey",
      apikey: fake.apiKey,
    });
    const token = [...fake.tokens.keys()][0];
    const api = fake.apiRequests();
    expect(api.length).toBeGreaterThanOrEqual(5); // configuration, jobs, ≥2 polls, results
    for (const request of api) {
      expect(request.headers.authorization).toBe(`Bearer ${token}`);
      expect(request.headers["service-crn"]).toBe(fake.instanceCrn);
      expect(request.headers["ibm-api-version"]).toBe(IBM_API_VERSION);
      expect(request.headers.accept).toBe("application/json");
      expect(request.headers["content-type"]).toBe("application/json");
      expect(request.status).toBe(200);
    }
    expect(IBM_API_VERSION).toBe("2026-04-15");
  });

  it("submits one Sampler V2 job whose PUB carries the whole parameter matrix", async () => {
    const provider = providerFor(fake);
    const handle = await provider.run(isaCircuit, rows, { shots: 256 });
    const posts = fake.apiRequests("POST");
    expect(posts).toHaveLength(1);
    expect(posts[0]!.path).toBe("/api/v1/jobs");
    const qasm = emitQasm3(isaCircuit);
    expect(posts[0]!.body).toEqual({
      program_id: "sampler",
      backend: "fake_lagos",
      params: { pubs: [[qasm, rows, 256]], version: 2, support_qiskit: false },
    });
    // Column order = circuit.parameters = ASCII order of the emitted input names.
    const names = qasmParameterNames(isaCircuit);
    expect(names).toEqual(["d00_x", "w01_a", "w02_b"]);
    expect([...names].sort()).toEqual(names);
    for (const name of names) expect(qasm).toContain(`input float[64] ${name};`);
    expect(qasm).toContain("gate ecr a, b {");
    expect(qasm).toContain("ecr $0, $1;");
    expect(qasm).toContain("c[2] = measure $2;");
    expect(handle.id).toBe([...fake.jobs.keys()][0]);
    const result = await handle.result();
    expect(result).toMatchObject({ kind: "counts", rows: 3, outcomeCount: 8, shots: 256 });
    expect(await handle.status()).toBe("completed");
  });

  it("makes exactly one submission per run for 1, 7 and 40 rows", async () => {
    const provider = providerFor(fake);
    for (const n of [1, 7, 40]) {
      const before = fake.apiRequests("POST").length;
      const matrix = Array.from({ length: n }, (_, r) => [r * 0.1, 1 - r * 0.05, r * 0.2]);
      const result = await (await provider.run(isaCircuit, matrix, { shots: 10 })).result();
      expect(result.rows).toBe(n);
      expect(fake.apiRequests("POST").length - before).toBe(1);
    }
    expect(fake.jobs.size).toBe(3);
    const estimate = await provider.estimate(
      isaCircuit,
      { rows: rows.length, cols: isaCircuit.parameters.length },
      { shots: 1000 },
    );
    expect(estimate).toEqual({
      submissions: 1,
      circuits: 3,
      totalShots: 3000,
      estimatedCostUsd: 0,
    });
  });

  it("returns counts that match the exact distribution within shot noise", async () => {
    const provider = providerFor(fake);
    const shots = 4000;
    const result = await (await provider.run(isaCircuit, rows, { shots })).result();
    if (result.kind !== "counts") throw new Error("expected counts");
    const exact = exactProbabilities(isaCircuit, rows);
    expect(exact.outcomeCount).toBe(result.outcomeCount);
    for (let row = 0; row < rows.length; row++) {
      let total = 0;
      for (let k = 0; k < result.outcomeCount; k++) {
        const i = row * result.outcomeCount + k;
        const p = exact.values[i]!;
        const observed = result.values[i]! / shots;
        total += result.values[i]!;
        const sigma = Math.sqrt((p * (1 - p)) / shots);
        expect(Math.abs(observed - p), `row ${row} outcome ${k}`).toBeLessThanOrEqual(
          5 * sigma + 1e-12,
        );
      }
      expect(total).toBe(shots);
    }
  });

  it("sends null values for a circuit without parameters and splits several rows", async () => {
    const provider = providerFor(fake);
    const bell = new CircuitBuilder(2, true)
      .add("x", [0])
      .add("ecr", [0, 1])
      .measure([0, 1])
      .build();
    const result = await (await provider.run(bell, [], { shots: 50 })).result();
    expect(fake.apiRequests("POST")[0]!.body).toMatchObject({
      params: { pubs: [[emitQasm3(bell), null, 50]] },
    });
    expect(result).toMatchObject({ rows: 1, shots: 50 });
    const three = await (await provider.run(bell, [[], [], []], { shots: 20 })).result();
    expect(fake.apiRequests("POST")[1]!.body).toMatchObject({
      params: { pubs: [[emitQasm3(bell), null, 60]] },
    });
    expect(three).toMatchObject({ rows: 3, shots: 20 });
    const exact = exactProbabilities(bell, []);
    for (let row = 0; row < 3; row++) {
      const counts = Array.from(three.values.slice(row * 4, row * 4 + 4));
      expect(counts.reduce((a, b) => a + b, 0)).toBe(20);
      counts.forEach((count, k) => {
        if (exact.values[k] === 0) expect(count).toBe(0);
      });
    }
  });

  it("refuses a circuit wider than the device with both numbers, before submitting", async () => {
    const provider = providerFor(fake);
    const wide = new CircuitBuilder(8, true).add("x", [7]).measure([7]).build();
    await expect(provider.run(wide, [], { shots: 10 })).rejects.toMatchObject({
      code: "QPLANE_ERR_PROVIDER_CIRCUIT",
      message: expect.stringMatching(/uses 8 qubits; fake_lagos has 7/),
    });
    expect(fake.apiRequests("POST")).toHaveLength(0);
    expect(fake.jobs.size).toBe(0);
  });

  it("refuses shots = 0 and circuits without measurements before any request", async () => {
    const provider = providerFor(fake);
    await expect(provider.run(isaCircuit, rows, { shots: 0 })).rejects.toMatchObject({
      code: "QPLANE_ERR_PROVIDER_CIRCUIT",
      message: expect.stringMatching(/exact probabilities/),
    });
    const unmeasured = new CircuitBuilder(1, true).add("x", [0]).build();
    await expect(provider.run(unmeasured, [], { shots: 5 })).rejects.toMatchObject({
      code: "QPLANE_ERR_PROVIDER_CIRCUIT",
      message: expect.stringMatching(/measures nothing/),
    });
    expect(fake.requests).toHaveLength(0);
  });

  it("refuses non-ISA circuits itself (virtual qubits, non-basis gates, uncoupled pairs)", async () => {
    const provider = providerFor(fake);
    const virtual = new CircuitBuilder(2).add("x", [0]).measureAll().build();
    const hadamard = new CircuitBuilder(1, true).add("h", [0]).measure([0]).build();
    const uncoupled = new CircuitBuilder(3, true).add("ecr", [0, 2]).measure([0, 2]).build();
    const reversed = new CircuitBuilder(2, true).add("ecr", [1, 0]).measure([0, 1]).build();
    await expect(provider.run(virtual, [], { shots: 5 })).rejects.toThrow(/virtual qubits/);
    await expect(provider.run(hadamard, [], { shots: 5 })).rejects.toThrow(
      /gate 0 \(h on \$0\) is not a basis gate of fake_lagos \(ecr, rz, sx, x\)/,
    );
    await expect(provider.run(uncoupled, [], { shots: 5 })).rejects.toThrow(/not coupled/);
    await expect(provider.run(reversed, [], { shots: 5 })).rejects.toThrow(/not coupled/);
    expect(fake.apiRequests("POST")).toHaveLength(0);
  });

  it("surfaces the service's 1517 when the fake refuses a circuit as non-ISA", async () => {
    // Straight through the client: IBM's real error shape and text.
    const client = clientFor(fake);
    const qasm = emitQasm3(new CircuitBuilder(1, true).add("h", [0]).measure([0]).build());
    const body = {
      program_id: "sampler",
      backend: "fake_lagos",
      params: { pubs: [[qasm, null, 10]], version: 2, support_qiskit: false },
    };
    const error = await client.post("/jobs", body).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "QPLANE_ERR_PROVIDER_REJECTED",
      retryable: false,
      message: expect.stringContaining(
        "HTTP 400, IBM error 1517: instruction h on qubits (0,) is not supported by the target system",
      ),
    });
    expect(fake.apiRequests("POST")).toHaveLength(1); // no retry of a 400

    // Through the provider: the device's coupling changed after capabilities were cached.
    const provider = providerFor(fake);
    await provider.capabilities();
    fake.device = { ...fake.device, couplingMap: fake.device.couplingMap.slice(1) };
    await expect(provider.run(isaCircuit, rows, { shots: 10 })).rejects.toMatchObject({
      code: "QPLANE_ERR_PROVIDER_REJECTED",
      message: expect.stringContaining(
        "IBM error 1517: instruction ecr on qubits (0, 1) is not supported by the target system",
      ),
    });
  });

  it("enforces parameter shapes and body fields in the fake", async () => {
    const client = clientFor(fake);
    const qasm = emitQasm3(isaCircuit);
    const post = (params: unknown, extra: object = {}) =>
      client
        .post("/jobs", { program_id: "sampler", backend: "fake_lagos", params, ...extra })
        .catch((e: Error) => e.message);
    expect(await post({ pubs: [[qasm, [[1, 2]], 10]], version: 2 })).toMatch(
      /values row 0 must hold 3 finite/,
    );
    expect(await post({ pubs: [[qasm, null, 10]], version: 2 })).toMatch(/values are missing/);
    expect(await post({ pubs: [[qasm, rows, 10]], version: 1 })).toMatch(/version must be 2/);
    expect(await post({ pubs: [[qasm, rows, 10]], version: 2, shots: 10 })).toMatch(
      /unknown keys: shots/,
    );
    expect(
      await post({ pubs: [[qasm, rows, 10]], version: 2 }, { program_id: "estimator" }),
    ).toMatch(/program_id must be "sampler"/);
    const noDefinition = qasm.replace(/gate ecr[^\n]*\n/, "");
    expect(await post({ pubs: [[noDefinition, rows, 10]], version: 2 })).toMatch(
      /IBM error 1603: gate ecr is not defined/,
    );
    const ok = (await client.post<{ id: string }>("/jobs", {
      program_id: "sampler",
      backend: "fake_lagos",
      params: { pubs: [[qasm, rows, 10]], version: 2 },
    })) as { data: { id: string } };
    expect(fake.jobs.get(ok.data.id)?.bindings).toEqual(rows);
  });

  it("fails the run with IBM's reason when the job fails", async () => {
    const provider = providerFor(fake);
    fake.failNextJob("Error in transpilation process. [1517]");
    const handle = await provider.run(isaCircuit, rows, { shots: 10 });
    await expect(handle.result()).rejects.toMatchObject({
      code: "QPLANE_ERR_PROVIDER_JOB_FAILED",
      message: `IBM job ${handle.id} failed (reason code 1517): Error in transpilation process. [1517]`,
    });
    expect(await handle.status()).toBe("failed");
  });

  it("times out a job that never finishes and cancels it", async () => {
    fake.queuedPolls = 1_000_000;
    const provider = providerFor(fake, { timeoutMs: 60 });
    const handle = await provider.run(isaCircuit, rows, { shots: 10 });
    await expect(handle.result()).rejects.toMatchObject({ code: "QPLANE_ERR_PROVIDER_TIMEOUT" });
    expect([...fake.jobs.values()].map((j) => j.status)).toEqual(["Cancelled"]);
  });
});
