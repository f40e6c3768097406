import { CreateQuantumTaskCommand } from "@aws-sdk/client-braket";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { mapBraketError } from "../../../providers/braket/errors.js";
import { clientTokenFor } from "../../../providers/braket/plan.js";
import type { BraketProviderOptions } from "../../../providers/braket/provider.js";
import { MAX_RESULT_BYTES } from "../../../providers/braket/s3-objects.js";
import { exactProbabilities } from "../../../providers/local/simulator.js";
import type { ExecutionResult } from "../../../providers/types.js";
import { CircuitBuilder, input, weight } from "../../../src/circuits/ir.js";
import { type FakeBraket, type FakeDevice, PROGRAM_SET_RESULT_LAYOUTS } from "./fake-server.js";
import {
  ARIA,
  createRequests,
  expectCountsNear,
  fakeProvider,
  GARNET,
  LINE,
  LONELY,
  rejection,
  resetFake,
  SMALL_SETS,
  s3Reads,
  startFakeBraket,
} from "./harness.js";

const circuit = new CircuitBuilder(2)
  .add("ry", [0], input("x"))
  .add("ry", [1], weight("theta"))
  .add("cx", [0, 1])
  .add("rzz", [0, 1], 0.3)
  .measureAll()
  .build();

let fake: FakeBraket;

function provider(device: FakeDevice, extra: Partial<BraketProviderOptions> = {}) {
  return fakeProvider(fake, device, extra);
}

function creates() {
  return createRequests(fake);
}

/** Sends a CreateQuantumTask straight to the fake and maps the error it must answer. */
async function rejectedCreate(
  p: ReturnType<typeof provider>,
  clientToken: string,
  action: string,
): Promise<ReturnType<typeof mapBraketError>> {
  const error = await rejection(
    p.braket.send(
      new CreateQuantumTaskCommand({
        clientToken,
        deviceArn: GARNET.arn,
        shots: 10,
        outputS3Bucket: "amazon-braket-qplane",
        outputS3KeyPrefix: "x",
        action,
      }),
    ),
  );
  return mapBraketError(error, "CreateQuantumTask");
}

function expectWithinShotNoise(result: ExecutionResult, rows: number[][], shots: number) {
  expect(result.kind).toBe("counts");
  expect(result.rows).toBe(rows.length);
  expectCountsNear(result.values, exactProbabilities(circuit, rows).values, shots);
  for (let r = 0; r < rows.length; r++) {
    const total = Array.from(result.values.slice(r * 4, r * 4 + 4)).reduce((a, b) => a + b, 0);
    expect(total).toBe(shots);
  }
}

beforeAll(async () => {
  fake = await startFakeBraket([GARNET, SMALL_SETS, ARIA, LINE, LONELY]);
});
afterAll(() => fake.stop());
beforeEach(() => resetFake(fake));

// Every test runs with the fake writing program-set results inline and as S3 paths.
describe.each(PROGRAM_SET_RESULT_LAYOUTS)(
  "BraketProvider against the fake Braket + S3 (program-set results %s)",
  (layout) => {
    beforeEach(() => {
      fake.programSetResults = layout;
    });

    it("reads capabilities via GetDevice with the BraketSchemas/1.8.0 user agent", async () => {
      const caps = await provider(GARNET).capabilities();
      const get = fake.requests.find((r) => r.method === "GET" && r.url.startsWith("/device/"))!;
      expect(get.url).toBe(`/device/${encodeURIComponent(GARNET.arn)}`);
      const ua = `${get.headers["user-agent"]} ${get.headers["x-amz-user-agent"]}`;
      expect(ua).toContain("BraketSchemas/1.8.0");
      expect(caps).toMatchObject({
        provider: "braket",
        device: "Garnet",
        numQubits: 4,
        batchesParameterRows: true,
        exactProbabilities: false,
        couplingMap: null,
      });
      expect(caps.nativeGates).toEqual(
        expect.arrayContaining(["h", "cx", "cz", "sdg", "sx", "rzz", "p"]),
      );
      expect(caps.nativeGates).not.toContain("u3");
    });

    it("submits one program-set task with the exact body and decodes counts", async () => {
      const rows = [
        [0.1, 0.2],
        [1.3, 0.4],
        [2.5, 2.6],
      ];
      const handle = await provider(GARNET).run(circuit, rows, { shots: 2000 });
      const result = await handle.result();
      expect(await handle.status()).toBe("completed");
      expect(creates()).toHaveLength(1);
      const body = creates()[0]!.body as Record<string, unknown>;
      expect(body).toMatchObject({
        deviceArn: GARNET.arn,
        shots: 6000,
        outputS3Bucket: "amazon-braket-qplane",
        outputS3KeyPrefix: "runs/test",
        clientToken: clientTokenFor(handle.id, 0),
      });
      expect(typeof body.action).toBe("string");
      expect(JSON.parse(body.action as string)).toEqual({
        braketSchemaHeader: { name: "braket.ir.openqasm.program_set", version: "1" },
        programs: [
          {
            braketSchemaHeader: { name: "braket.ir.openqasm.program", version: "1" },
            source: [
              "OPENQASM 3;",
              "input float d00_x;",
              "input float w01_theta;",
              "qubit[2] q;",
              "bit[2] c;",
              "ry(d00_x) q[0];",
              "ry(w01_theta) q[1];",
              "cnot q[0], q[1];",
              "zz(0.3) q[0], q[1];",
              "c[0] = measure q[0];",
              "c[1] = measure q[1];",
              "",
            ].join("\n"),
            inputs: { d00_x: [0.1, 1.3, 2.5], w01_theta: [0.2, 0.4, 2.6] },
          },
        ],
      });
      expect(clientTokenFor(handle.id, 0)).toBe(clientTokenFor(handle.id, 0));
      expect(clientTokenFor(handle.id, 1)).not.toBe(clientTokenFor(handle.id, 0));
      expect(clientTokenFor(handle.id, 0).length).toBeLessThanOrEqual(64);
      expectWithinShotNoise(result, rows, 2000);
    });

    it("reads program-set results from the S3 keys the AWS SDK resolves", async () => {
      const rows = [
        [0.7, 1.1],
        [3.0, 0.2],
      ];
      const result = await (await provider(GARNET).run(circuit, rows, { shots: 3000 })).result();
      expectWithinShotNoise(result, rows, 3000);
      const task = [...fake.tasks.values()].at(-1)!;
      const folder = `amazon-braket-qplane/${task.outputS3Directory}`;
      expect(task.outputS3Directory).toMatch(/^runs\/test\/task-\d+$/);
      if (layout === "inline") {
        expect(s3Reads(fake)).toEqual([`${folder}/results.json`]);
        return;
      }
      // results.json → programs/0/results.json → executables relative to programs/0/
      expect(s3Reads(fake)).toEqual([
        `${folder}/results.json`,
        `${folder}/programs/0/results.json`,
        `${folder}/programs/0/executables/0.json`,
        `${folder}/programs/0/executables/1.json`,
      ]);
      // Where the old resolution looked (the task's folder): nothing there.
      const old = await rejection(
        provider(GARNET).s3.send(
          new GetObjectCommand({
            Bucket: "amazon-braket-qplane",
            Key: `${task.outputS3Directory}/executables/0.json`,
          }),
        ),
      );
      expect((old as unknown as { name: string }).name).toBe("NoSuchKey");
    });

    it("runs a circuit without parameters as one program per row, reading each program's folder", async () => {
      const bell = new CircuitBuilder(2).add("h", [0]).add("cx", [0, 1]).measureAll().build();
      const result = await (
        await provider(GARNET).run(bell, [[], [], []], { shots: 1000 })
      ).result();
      const action = JSON.parse((creates()[0]!.body as { action: string }).action);
      expect(action.programs).toHaveLength(3);
      for (let row = 0; row < 3; row++) {
        // a Bell pair: only 00 and 11, all shots of the row accounted for
        const [c00, c01, c10, c11] = result.values.slice(row * 4, row * 4 + 4);
        expect([c01, c10, c00! + c11!]).toEqual([0, 0, 1000]);
      }
      expectCountsNear(result.values, exactProbabilities(bell, [[], [], []]).values, 1000);
      const folder = `amazon-braket-qplane/${[...fake.tasks.values()].at(-1)!.outputS3Directory}`;
      expect(s3Reads(fake)).toEqual(
        layout === "inline"
          ? [`${folder}/results.json`]
          : [
              `${folder}/results.json`,
              ...[0, 1, 2].flatMap((p) => [
                `${folder}/programs/${p}/results.json`,
                `${folder}/programs/${p}/executables/0.json`,
              ]),
            ],
      );
    });

    it("splits rows over several program sets when they exceed maximumExecutables", async () => {
      const rows = [0, 1, 2, 3, 4].map((k) => [k * 0.6, 0.3]);
      const p = provider(SMALL_SETS);
      expect((await p.estimate(circuit, { rows: 5, cols: 2 }, { shots: 500 })).submissions).toBe(3);
      const handle = await p.run(circuit, rows, { shots: 1000 });
      const result = await handle.result();
      const bodies = creates().map((r) => r.body as { shots: number; clientToken: string });
      expect(bodies.map((b) => b.shots).sort()).toEqual([1000, 2000, 2000]);
      expect(new Set(bodies.map((b) => b.clientToken)).size).toBe(3);
      expectWithinShotNoise(result, rows, 1000);
    });

    it("runs one task per row with bounded concurrency on a device without program sets", async () => {
      fake.pollsPerState = 3;
      const rows = Array.from({ length: 9 }, (_, k) => [k * 0.35, 1 - k * 0.1]);
      const p = provider(ARIA, { maxConcurrentTasks: 3 });
      const caps = await p.capabilities();
      expect(caps.batchesParameterRows).toBe(false);
      const result = await (await p.run(circuit, rows, { shots: 1500 })).result();
      expect(creates()).toHaveLength(9);
      const actions = creates().map((r) => JSON.parse((r.body as { action: string }).action));
      expect(actions[0].braketSchemaHeader.name).toBe("braket.ir.openqasm.program");
      expect(actions[0].inputs).toEqual({ d00_x: 0, w01_theta: 1 });
      expect(creates().every((r) => (r.body as { shots: number }).shots === 1500)).toBe(true);
      expect(fake.maxActive).toBeGreaterThan(1);
      expect(fake.maxActive).toBeLessThanOrEqual(3);
      expectWithinShotNoise(result, rows, 1500);
    });

    it("decomposes gates the device lacks (cz on Aria → h·cnot·h, crx) and runs them", async () => {
      const c = new CircuitBuilder(2)
        .add("ry", [0], weight("a"))
        .add("cz", [0, 1])
        .add("crx", [0, 1], weight("a", 2, 0.25))
        .measureAll()
        .build();
      const rows = [[0.9], [2.1]];
      const result = await (await provider(ARIA).run(c, rows, { shots: 4000 })).result();
      const action = JSON.parse((creates()[0]!.body as { action: string }).action);
      expect(action.source).toBe(
        [
          "OPENQASM 3;",
          "input float w00_a;",
          "qubit[2] q;",
          "bit[2] c;",
          "ry(w00_a) q[0];",
          "h q[1];",
          "cnot q[0], q[1];",
          "h q[1];",
          "h q[1];",
          "rz(w00_a + 0.125) q[1];",
          "cnot q[0], q[1];",
          "rz(-1*w00_a - 0.125) q[1];",
          "cnot q[0], q[1];",
          "h q[1];",
          "c[0] = measure q[0];",
          "c[1] = measure q[1];",
          "",
        ].join("\n"),
      );
      expectCountsNear(result.values, exactProbabilities(c, rows).values, 4000);
    });

    it("refuses, before any create, gates with no decomposition into the device's operations", async () => {
      const error = await rejection(provider(LONELY).run(circuit, [[0, 0]], { shots: 100 }));
      expect(error.code).toBe("QPLANE_ERR_PROVIDER_CIRCUIT");
      expect(error.message).toBe(
        `gate(s) "cx", "rzz" cannot be expressed on device Lonely (${LONELY.arn}): no exact decomposition into its supportedOperations [rx, ry, rz]`,
      );
      expect(creates()).toHaveLength(0);
    });

    it("refuses circuits wider than the device with both numbers, and shots = 0", async () => {
      const wide = new CircuitBuilder(5).add("h", [4]).measureAll().build();
      const error = await rejection(provider(GARNET).run(wide, [], { shots: 100 }));
      expect(error.code).toBe("QPLANE_ERR_PROVIDER_CIRCUIT");
      expect(error.message).toMatch(/5 qubits.*has 4/);
      const zero = await rejection(provider(GARNET).run(circuit, [[0, 0]], { shots: 0 }));
      expect(zero.code).toBe("QPLANE_ERR_PROVIDER_CIRCUIT");
      expect(zero.message).toBe(
        `shots = 0 (exact probabilities) is not available on device Garnet (${GARNET.arn}): it is a QPU and only samples (shotsRange [1, 100000]); set shots to 1..100000`,
      );
      const many = await rejection(provider(LINE).run(circuit, [[0, 0]], { shots: 20_001 }));
      expect(many.message).toBe(
        `shots 20001 exceed the maximum 20000 of device Line (${LINE.arn})`,
      );
      const few = await rejection(provider(LINE).run(circuit, [[0, 0]], { shots: 5 }));
      expect(few.message).toBe(
        `shots must be an integer in 10..20000 on device Line (${LINE.arn}), got 5`,
      );
      const graph = await rejection(
        provider(LINE).run(new CircuitBuilder(6).measureAll().build(), [], { shots: 100 }),
      );
      expect(graph.message).toBe(
        `circuit uses 6 qubits; the connectivity graph of device Line (${LINE.arn}) has 5 (qubitCount 6)`,
      );
      expect(creates()).toHaveLength(0);
    });

    it("cancels every in-flight task when the signal aborts", async () => {
      fake.pollsPerState = 10_000;
      const rows = Array.from({ length: 6 }, (_, k) => [k * 0.1, 0]);
      const controller = new AbortController();
      const handle = await provider(ARIA, { maxConcurrentTasks: 4 }).run(circuit, rows, {
        shots: 100,
        signal: controller.signal,
      });
      while (creates().length < 4) await new Promise((r) => setTimeout(r, 5));
      expect(await handle.status()).toBe("queued");
      controller.abort();
      const error = await rejection(handle.result());
      expect(error.code).toBe("QPLANE_ERR_RUN_CANCELLED");
      expect(await handle.status()).toBe("cancelled");
      expect(creates()).toHaveLength(4); // nothing submitted after the abort
      expect(fake.activeTasks()).toEqual([]);
      const cancels = fake.requests.filter((r) => r.method === "PUT" && r.url.endsWith("/cancel"));
      expect(cancels).toHaveLength(4);
    });

    it("cancels a program-set task through the handle", async () => {
      fake.pollsPerState = 10_000;
      const handle = await provider(GARNET).run(circuit, [[0.1, 0.2]], { shots: 100 });
      while (creates().length < 1) await new Promise((r) => setTimeout(r, 5));
      await handle.cancel();
      expect(await handle.status()).toBe("cancelled");
      expect(fake.activeTasks()).toEqual([]);
    });

    it("retries throttling with the same clientToken, then surfaces it after bounded attempts", async () => {
      fake.throttleNextCreates(1);
      const handle = await provider(GARNET).run(circuit, [[0.1, 0.2]], { shots: 100 });
      await handle.result();
      expect(creates()).toHaveLength(2);
      const tokens = creates().map((r) => (r.body as { clientToken: string }).clientToken);
      expect(tokens[0]).toBe(tokens[1]);

      fake.requests.length = 0;
      fake.throttleNextCreates(10);
      const throttled = await provider(GARNET, { maxAttempts: 2 }).run(circuit, [[0.1, 0.2]], {
        shots: 100,
      });
      const error = await rejection(throttled.result());
      expect(error.code).toBe("QPLANE_ERR_PROVIDER_UNAVAILABLE");
      expect(error.message).toMatch(/ThrottlingException.*Rate exceeded/);
      expect(error.message).toMatch(/after 2 attempt/);
      expect(creates()).toHaveLength(2);
      expect(await throttled.status()).toBe("failed");
      fake.throttleNextCreates(0);
    });

    it("fails fast with a clear message on wrong credentials", async () => {
      const p = provider(GARNET, { credentials: { accessKeyId: "wrong", secretAccessKey: "x" } });
      const error = await rejection(p.run(circuit, [[0, 0]], { shots: 100 }));
      expect(error.code).toBe("QPLANE_ERR_PROVIDER_AUTH");
      expect(error.message).toMatch(
        /refused the credentials.*AccessDeniedException.*security token/,
      );
      expect(fake.requests).toHaveLength(1); // no retries
      expect((await p.status()).operational).toBe(false);
    });

    it("maps program-set ValidationExceptions with their reason and failures", async () => {
      const p = provider(GARNET);
      const action = JSON.stringify({
        braketSchemaHeader: { name: "braket.ir.openqasm.program_set", version: "1" },
        programs: [
          {
            braketSchemaHeader: { name: "braket.ir.openqasm.program", version: "1" },
            source: "OPENQASM 3;\ninput float a;\ninput float b;\nqubit[1] q;\nrx(a) q[0];\n",
            inputs: { a: [1, 2], b: [3] },
          },
        ],
      });
      const mapped = await rejectedCreate(p, "t1", action);
      expect(mapped.code).toBe("QPLANE_ERR_PROVIDER_REJECTED");
      expect(mapped.message).toMatch(
        /ProgramSetValidationFailed.*program 0 inputs 0: inputs lists differ/,
      );
    });

    it("decodes measuredQubits in measurement order end to end (clbit 0 ← q1, clbit 1 ← q0)", async () => {
      const reversed = new CircuitBuilder(2)
        .add("ry", [0], weight("a"))
        .add("x", [1])
        .measure([1, 0])
        .build();
      const rows = [[0], [Math.PI], [Math.PI / 2]];
      const result = await (await provider(GARNET).run(reversed, rows, { shots: 1000 })).result();
      // q1 = 1 always → clbit 0 set; q0 follows ry(a) → clbit 1.
      expect(Array.from(result.values.slice(0, 8))).toEqual([0, 1000, 0, 0, 0, 0, 0, 1000]);
      expect(result.values[8]! + result.values[10]!).toBe(0);
      expect(result.values[9]! + result.values[11]!).toBe(1000);
      expect(result.values[9]!).toBeGreaterThan(400);
      expect(result.values[11]!).toBeGreaterThan(400);
    });

    it("surfaces a FAILED task's failureReason and cancels the other tasks", async () => {
      fake.failNextTask("Failed to compile task");
      const rows = [[0.1, 0.2]];
      const handle = await provider(GARNET).run(circuit, rows, { shots: 100 });
      const error = await rejection(handle.result());
      expect(error.code).toBe("QPLANE_ERR_PROVIDER_JOB_FAILED");
      expect(error.message).toMatch(/Failed to compile task/);
      expect(await handle.status()).toBe("failed");

      fake.failNextTask("device calibration");
      fake.pollsPerState = 2;
      const perRow = await provider(ARIA, { maxConcurrentTasks: 1 }).run(
        circuit,
        [
          [0, 0],
          [1, 1],
        ],
        {
          shots: 100,
        },
      );
      const rowError = await rejection(perRow.result());
      expect(rowError.message).toMatch(/device calibration/);
      expect(fake.activeTasks()).toEqual([]);
    });

    it("the fake rejects gate names outside supportedOperations with a ValidationException", async () => {
      const action = JSON.stringify({
        braketSchemaHeader: { name: "braket.ir.openqasm.program", version: "1" },
        source: "OPENQASM 3;\nqubit[2] q;\ncx q[0], q[1];\n",
        inputs: {},
      });
      const mapped = await rejectedCreate(provider(GARNET), "t2", action);
      expect(mapped.code).toBe("QPLANE_ERR_PROVIDER_REJECTED");
      expect(mapped.message).toMatch(/Gate 'cx' is not supported.*UnsupportedOperation/);
    });

    it("reports device status and queue length", async () => {
      expect(await provider(GARNET).status()).toEqual({
        operational: true,
        message: "Garnet: ONLINE",
        queueLength: 3,
      });
    });
  },
);

describe("BraketProvider reading result files", () => {
  it("refuses a result file over MAX_RESULT_BYTES without reading its body", async () => {
    const p = provider(GARNET);
    let destroyed = 0;
    vi.spyOn(p.s3, "send").mockResolvedValue({
      ContentLength: MAX_RESULT_BYTES + 1,
      Body: {
        destroy: () => destroyed++,
        transformToString: () => Promise.reject(new Error("body read")),
      },
    } as never);
    const error = await rejection((await p.run(circuit, [[0.1, 0.2]], { shots: 100 })).result());
    const task = [...fake.tasks.values()].at(-1)!;
    expect(error.code).toBe("QPLANE_ERR_PROVIDER_JOB_FAILED");
    expect(error.message).toBe(
      `s3://amazon-braket-qplane/${task.outputS3Directory}/results.json holds ${MAX_RESULT_BYTES + 1} bytes, more than the ${MAX_RESULT_BYTES} a Braket result file is read up to`,
    );
    expect(destroyed).toBe(1);
  });
});
