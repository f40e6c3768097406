/**
 * An unreachable `feedback.target: "label-entropy"` is refused AT SUBMISSION (400 naming
 * spec.feedback.target, the worker's message) for POST /v1/jobs, its dry run and every child
 * of POST /v1/experiments (prefixed with the arm); `infoPlane.register` lists and "all" are
 * admitted and planned as arms.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EVERYONE } from "../../src/jobs/types.js";
import { useRealServer } from "../helpers/real-server.js";
import { testApp } from "./helpers.js";

const unreachable = (hy: string, bits: string) =>
  `spec.feedback.target: "label-entropy" is unreachable: H(Y) of the training labels is ${hy} bits, but the representation register carries at most ${bits} bits (I(X;T) ≤ |R|), so L_comp could never fall; choose a number of bits ≤ ${bits}, a larger register (infoPlane.register "all", more readout qubits, or fewer infoPlane.bins for a regression target), or set feedback.allowUnreachableTarget to true`;

/** Iris (3 classes, log2 3 = 1.585 bits of training labels) with lr feedback aiming at H(Y). */
const IRIS_FEEDBACK = {
  dataset: { name: "iris" },
  training: { epochs: 2 },
  feedback: { mode: "lr" },
};

describe("POST /v1/jobs refuses an unreachable label-entropy target before queuing", () => {
  let app: FastifyInstance;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "qplane-register-"));
    // 12 rows, 3 classes of 4: 3 training rows each (testFraction 0.25) → H(Y) = log2 3
    const rows = Array.from({ length: 12 }, (_, i) => `${i / 10},${i % 3},${"abc"[i % 3]}`);
    await writeFile(join(dir, "three.csv"), `x,y,kind\n${rows.join("\n")}\n`);
    ({ app } = await testApp({ datasetDir: dir }));
  });
  afterAll(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  const post = (body: object, dryRun = false) =>
    app.inject({ method: "POST", url: `/v1/jobs${dryRun ? "?dryRun=true" : ""}`, payload: body });

  it("400 for a 1-qubit T on 3 classes, submitted or dry-run; 'all' is admitted", async () => {
    for (const dryRun of [false, true]) {
      const refused = await post({ ...IRIS_FEEDBACK, infoPlane: { register: [0] } }, dryRun);
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error).toMatchObject({
        code: "QPLANE_ERR_SPEC_INVALID",
        message: unreachable("1.585", "1.000"),
      });
    }
    expect((await post({ ...IRIS_FEEDBACK, infoPlane: { register: "all" } })).statusCode).toBe(202);
    expect(
      (await post({ ...IRIS_FEEDBACK, infoPlane: { register: "all" } }, true)).statusCode,
    ).toBe(200);
  });

  it("reads H(Y) of a CSV's classes from its summary; a CSV regression target is left to the worker", async () => {
    const csv = (target: string) => ({
      ...IRIS_FEEDBACK,
      dataset: { name: "csv", path: "three.csv", target, features: ["x"] },
      infoPlane: { register: [0] },
    });
    const refused = await post(csv("kind"));
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.message).toBe(unreachable("1.585", "1.000"));
    // ties in a real-valued target merge bins: only the data can tell H(Y)
    expect((await post(csv("y"))).statusCode).toBe(202);
  });

  it("400 naming the qubit that does not exist in the model", async () => {
    const refused = await post({ ...IRIS_FEEDBACK, infoPlane: { register: [0, 4] } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.message).toBe(
      "spec.infoPlane.register.1: qubit 4 does not exist in a 4-qubit model (got 4)",
    );
  });
});

describe("POST /v1/experiments admits every child's feedback target", () => {
  const KEY = "register-admission-key-0123456789";
  const headers = { authorization: `Bearer ${KEY}` };
  const server = useRealServer("register-admission", {
    app: ({ jobs, experiments, config }) => ({
      service: jobs,
      experiments,
      apiKeys: [KEY],
      log: false,
      limits: { ...config.limits, rateLimitPerMinute: 0 },
    }),
  });

  const post = (payload: object) =>
    server.app.inject({ method: "POST", url: "/v1/experiments", headers, payload });

  it("refuses the arm whose register cannot carry H(Y), naming the arm; queues nothing", async () => {
    const response = await post({
      spec: IRIS_FEEDBACK,
      grid: { "infoPlane.register": ["all", [0]] },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toBe(
      `grid: arm infoPlane.register=[0]: ${unreachable("1.585", "1.000")}`,
    );
    expect((await server.jobs.list({ limit: 100 }, EVERYONE)).jobs).toHaveLength(0);
  });

  it("queues one child per register arm, keyed readably", async () => {
    const response = await post({
      spec: { dataset: { name: "moons", samples: 40 }, model: { qubits: 2, layers: 1 } },
      grid: { "infoPlane.register": ["readout", "all", [0, 1]] },
    });
    expect(response.statusCode).toBe(202);
    const view = await server.app.inject({
      method: "GET",
      url: `/v1/experiments/${response.json().id}`,
      headers,
    });
    expect(
      view.json().arms.map((arm: { key: string; values: object }) => [arm.key, arm.values]),
    ).toEqual([
      ["infoPlane.register=readout", { "infoPlane.register": "readout" }],
      ["infoPlane.register=all", { "infoPlane.register": "all" }],
      ["infoPlane.register=[0,1]", { "infoPlane.register": [0, 1] }],
    ]);
    const registers = await Promise.all(
      view.json().arms.map(async (arm: { jobIds: string[] }) => {
        expect(arm.jobIds).toHaveLength(1);
        return (await server.jobs.get(arm.jobIds[0]!, EVERYONE)).spec.infoPlane.register;
      }),
    );
    expect(registers).toEqual(["readout", "all", [0, 1]]);
  });
});
