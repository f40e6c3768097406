/**
 * GET /v1/jobs/:id/circuit.qasm over the fake service: the model's program (the CLI's
 * `qplane circuit` text for a built-in model, the user's text for a circuit model), the
 * kept ISA program with `program=sent`, and the refusals with their catalogue codes.
 */
import { readFileSync } from "node:fs";
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { modelCircuitProgram } from "../../src/cli/circuit.js";
import type { FakeJobService } from "./fake-job-service.js";
import { submit, testApp } from "./helpers.js";

const FIXTURE = readFileSync(
  new URL("../fixtures/circuits/qiskit-vqc.qasm", import.meta.url),
  "utf8",
);

let app: FastifyInstance;
let service: FakeJobService;
afterEach(async () => {
  await app?.close();
});

const builtIn = {
  dataset: { name: "moons", samples: 64 },
  model: { qubits: 2, layers: 1, encoding: "fixed" },
  training: { epochs: 2 },
};

describe("GET /v1/jobs/:id/circuit.qasm", () => {
  it("serves a built-in model's program exactly as qplane circuit prints it, as text/plain", async () => {
    ({ app, service } = await testApp());
    const id = await submit(app, builtIn);
    const response = await app.inject({ url: `/v1/jobs/${id}/circuit.qasm` });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(response.headers["content-disposition"]).toBe(`inline; filename="${id}-model.qasm"`);
    expect(response.body).toBe(modelCircuitProgram(builtIn));
    // the CLI's exact text is asserted in test/cli/circuit.test.ts
    const lines = response.body.split("\n");
    expect(lines.slice(0, 3)).toEqual([
      "OPENQASM 3.0;",
      'include "stdgates.inc";',
      "// qplane model: vqc, 2 qubits, 1 layer(s), entangler linear (cx), encoding fixed",
    ]);
    expect(lines.slice(-3)).toEqual(["cx q[0], q[1];", "c[0] = measure q[1];", ""]);
    // program=model is the default
    const explicit = await app.inject({ url: `/v1/jobs/${id}/circuit.qasm?program=model` });
    expect(explicit.body).toBe(response.body);
  });

  it("serves a circuit model's own program byte for byte", async () => {
    ({ app, service } = await testApp());
    const id = await submit(app, {
      dataset: { name: "iris", samples: 150 },
      model: { kind: "circuit", qasm: FIXTURE },
      training: { epochs: 2 },
    });
    const response = await app.inject({ url: `/v1/jobs/${id}/circuit.qasm` });
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe(FIXTURE);
  });

  it("refuses a classical model with QPLANE_ERR_JOB_NO_CIRCUIT, for either program", async () => {
    ({ app, service } = await testApp());
    const id = await submit(app, { ...builtIn, model: { kind: "mlp" } });
    for (const query of ["", "?program=sent"]) {
      const response = await app.inject({ url: `/v1/jobs/${id}/circuit.qasm${query}` });
      expect(response.statusCode).toBe(404);
      expect(response.json().error).toEqual({
        code: "QPLANE_ERR_JOB_NO_CIRCUIT",
        message: `job ${id}'s model.kind "mlp" is a classical model without a circuit; circuit.qasm serves model.kind "vqc" and "circuit"`,
      });
    }
  });

  it("program=sent: 404 QPLANE_ERR_JOB_NOT_TRANSPILED on a backend that runs circuits as written", async () => {
    ({ app, service } = await testApp());
    const id = await submit(app, builtIn);
    const response = await app.inject({ url: `/v1/jobs/${id}/circuit.qasm?program=sent` });
    expect(response.statusCode).toBe(404);
    expect(response.json().error).toEqual({
      code: "QPLANE_ERR_JOB_NOT_TRANSPILED",
      message: `job ${id} has no sent program: its backend "local" runs circuits as written, without transpiling; program=model is the circuit it ran`,
    });
  });

  it("program=sent serves the kept program, and says so when it was over the size kept", async () => {
    ({ app, service } = await testApp());
    const id = await submit(app, builtIn);
    const isa = "OPENQASM 3.0;\nrz(0.5) $0;\nc[0] = measure $0;\n";
    service.sent(id, { qasm: isa });
    const response = await app.inject({ url: `/v1/jobs/${id}/circuit.qasm?program=sent` });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-disposition"]).toBe(`inline; filename="${id}-sent.qasm"`);
    expect(response.body).toBe(isa);

    const large = await submit(app, builtIn);
    service.sent(large, { omittedChars: 2_000_000 });
    const refused = await app.inject({ url: `/v1/jobs/${large}/circuit.qasm?program=sent` });
    expect(refused.statusCode).toBe(404);
    expect(refused.json().error).toEqual({
      code: "QPLANE_ERR_JOB_NOT_TRANSPILED",
      message: `job ${large} has no sent program: its transpiled program was 2000000 characters, over the 1048576 kept`,
    });
  });

  it("is tenant-scoped: another key's job is not found; a bad program value names the field", async () => {
    ({ app, service } = await testApp({ apiKeys: ["key-one-123456", "key-two-654321"] }));
    const id = await submit(app, builtIn, { authorization: "Bearer key-one-123456" });
    const other = await app.inject({
      url: `/v1/jobs/${id}/circuit.qasm`,
      headers: { authorization: "Bearer key-two-654321" },
    });
    expect(other.statusCode).toBe(404);
    expect(other.json().error.code).toBe("QPLANE_ERR_JOB_NOT_FOUND");
    const mine = await app.inject({
      url: `/v1/jobs/${id}/circuit.qasm`,
      headers: { authorization: "Bearer key-one-123456" },
    });
    expect(mine.statusCode).toBe(200);
    const bad = await app.inject({
      url: `/v1/jobs/${id}/circuit.qasm?program=isa`,
      headers: { authorization: "Bearer key-one-123456" },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toEqual({
      code: "QPLANE_ERR_REQUEST_INVALID",
      message: 'query.program: Invalid option: expected one of "model"|"sent" (got "isa")',
    });
  });
});
