import { readFileSync } from "node:fs";
import type { FastifyInstance } from "fastify";
import { describe, expect, it } from "vitest";
import type { FakeJobService } from "./fake-job-service.js";
import { submit, useTestApp } from "./helpers.js";

const FIXTURE = readFileSync(
  new URL("../fixtures/circuits/qiskit-vqc.qasm", import.meta.url),
  "utf8",
);
const circuitSpec = (model: Record<string, unknown>) => ({
  dataset: { name: "iris", samples: 150 },
  model: { kind: "circuit", ...model },
  training: { epochs: 2 },
});

let app: FastifyInstance;
let service: FakeJobService;

useTestApp((built) => ({ app, service } = built));

describe("model.kind: circuit over HTTP", () => {
  it("plans an inline program (dry run) and GET shows the program in the spec", async () => {
    const body = circuitSpec({ qasm: FIXTURE });
    const dry = await app.inject({ method: "POST", url: "/v1/jobs?dryRun=true", payload: body });
    expect(dry.statusCode).toBe(200);
    expect(dry.json().plan).toMatchObject({ epochs: 2 });
    expect(service.submitted).toHaveLength(0);

    const id = await submit(app, body);
    const job = (await app.inject({ url: `/v1/jobs/${id}` })).json();
    expect(job.spec.model).toMatchObject({ kind: "circuit", qasm: FIXTURE, qubits: 4 });
  });

  it("refuses model.qasmFile (400 naming the field) and a bad program with its line and column", async () => {
    const file = await app.inject({
      method: "POST",
      url: "/v1/jobs",
      payload: circuitSpec({ qasmFile: "/etc/passwd" }),
    });
    expect(file.statusCode).toBe(400);
    expect(file.json().error.code).toBe("QPLANE_ERR_SPEC_INVALID");
    expect(file.json().error.message).toContain("spec.model.qasmFile: only the CLI reads");

    const bad = await app.inject({
      method: "POST",
      url: "/v1/jobs",
      payload: circuitSpec({
        qasm: FIXTURE.replace("reset", "").replace("cx q[0], q[1];", "reset q[0];"),
      }),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(
      /spec\.model\.qasm: line 37, column 1: 'reset' is not supported/,
    );

    // the data's feature count is only known at admission: still a 400 before queueing
    const moons = await app.inject({
      method: "POST",
      url: "/v1/jobs",
      payload: { ...circuitSpec({ qasm: FIXTURE }), dataset: { name: "moons", samples: 64 } },
    });
    expect(moons.statusCode).toBe(400);
    expect(moons.json().error.message).toMatch(/spec\.model\.qasm: .*input x2 names feature 2/);
    expect(service.submitted).toHaveLength(0);
  });

  it("refuses model.initialWeights naming no weight, or a non-finite value, before queueing", async () => {
    const unknown = await app.inject({
      method: "POST",
      url: "/v1/jobs",
      payload: circuitSpec({ qasm: FIXTURE, initialWeights: { theta_0: 0.1, phi: 2 } }),
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error).toEqual({
      code: "QPLANE_ERR_SPEC_INVALID",
      message:
        "spec.model.initialWeights.phi: the program declares no input phi (got 2; weights: theta_0, theta_1, theta_2, theta_3, theta_4, theta_5, theta_6, theta_7, … (16 in all))",
    });
    const text = await app.inject({
      method: "POST",
      url: "/v1/jobs",
      payload: circuitSpec({ qasm: FIXTURE, initialWeights: { theta_0: "big" } }),
    });
    expect(text.statusCode).toBe(400);
    expect(text.json().error.message).toBe(
      'spec.model.initialWeights.theta_0: Invalid input: expected number, received string (got "big")',
    );
    expect(service.submitted).toHaveLength(0);

    const id = await submit(app, circuitSpec({ qasm: FIXTURE, initialWeights: { theta_3: -0.5 } }));
    const job = (await app.inject({ url: `/v1/jobs/${id}` })).json();
    expect(job.spec.model.initialWeights).toEqual({ theta_3: -0.5 });
  });

  it("model.qubits is the program's: one rule, and POST → GET → POST is a fixed point", async () => {
    // a 2-qubit program: moons' two features, weights a and b, T = c[0] (qubit 1)
    const qasm = [
      "OPENQASM 3.0;",
      'include "stdgates.inc";',
      "input float[64] feat0;",
      "input float[64] feat1;",
      "input float[64] a;",
      "input float[64] b;",
      "qubit[2] q;",
      "bit[2] c;",
      "ry(feat0) q[0];",
      "ry(feat1) q[1];",
      "ry(a) q[0];",
      "ry(b) q[1];",
      "cx q[0], q[1];",
      "c[0] = measure q[1];",
      "c[1] = measure q[0];",
      "",
    ].join("\n");
    const model = {
      kind: "circuit",
      qasm,
      featureInputs: "feat<j>",
      readoutBits: ["c[0]"],
      initialWeights: { b: 0.25 },
    };
    const body = { dataset: { name: "moons", samples: 64 }, model, training: { epochs: 2 } };
    // the default 4 does not fit a 2-qubit program: refused naming the field and the count
    const defaulted = await app.inject({ method: "POST", url: "/v1/jobs", payload: body });
    expect(defaulted.statusCode).toBe(400);
    expect(defaulted.json().error.message).toBe(
      "spec.model.qubits: the program declares 2 qubit(s) but model.qubits is 4 (4 when not given); a circuit model's qubits are its program's: set model.qubits to 2 (got nothing)",
    );
    const three = { ...body, model: { ...model, qubits: 3 } };
    expect(
      (await app.inject({ method: "POST", url: "/v1/jobs", payload: three })).json().error.message,
    ).toBe(
      "spec.model.qubits: the program declares 2 qubit(s) but model.qubits is 3 (4 when not given); a circuit model's qubits are its program's: set model.qubits to 2 (got 3)",
    );

    const first = await submit(app, { ...body, model: { ...model, qubits: 2 } });
    const stored = (await app.inject({ url: `/v1/jobs/${first}` })).json().spec;
    expect(stored.model).toMatchObject({ ...model, qubits: 2 });
    // what GET shows is a valid submission that is stored unchanged
    const second = await submit(app, stored);
    expect((await app.inject({ url: `/v1/jobs/${second}` })).json().spec).toEqual(stored);
    const program = await app.inject({ url: `/v1/jobs/${second}/circuit.qasm` });
    expect(program.body).toBe(qasm);
  });
});
