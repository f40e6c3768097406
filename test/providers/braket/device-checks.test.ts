/**
 * Device rules against the fake: shots = 0 on simulators, placement and routing on a
 * connectivity graph, contiguous qubit indices, and program-set minimumTotalShots.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { exactProbabilities } from "../../../providers/local/simulator.js";
import { CircuitBuilder, weight } from "../../../src/circuits/ir.js";
import { type FakeBraket, type FakeDevice, PROGRAM_SET_RESULT_LAYOUTS } from "./fake-server.js";
import {
  createRequests,
  expectCountsNear,
  fakeProvider,
  LINE_QPU,
  rejection,
  resetFake,
  startFakeBraket,
} from "./harness.js";

const SV1: FakeDevice = {
  arn: "arn:aws:braket:::device/quantum-simulator/amazon/sv1",
  name: "SV1",
  type: "SIMULATOR",
  qubitCount: 6,
  supportedOperations: ["h", "x", "rx", "ry", "rz", "cnot", "cz", "swap", "zz", "phaseshift"],
  programSet: null,
  pollIntervalMs: 2,
  shotsRange: [0, 100_000],
  supportPhysicalQubits: true,
  requiresContiguousQubitIndices: true,
};
/** A simulator whose shotsRange starts at 1 (no exact results). */
const SAMPLING_SIM: FakeDevice = {
  ...SV1,
  arn: "arn:aws:braket:::device/quantum-simulator/x/sampling",
  name: "Sampling",
  shotsRange: [1, 100_000],
};
/** The same line, with program sets (placement + routing inside program-set tasks). */
const LINE_SETS: FakeDevice = {
  ...LINE_QPU,
  arn: "arn:aws:braket:eu-north-1::device/qpu/iqm/LineSets",
  name: "LineSets",
  programSet: { maximumExecutables: 10, maximumTotalShots: 100_000 },
};
/** Program sets of ≤ 2 executables and at least 1000 shots per task. */
const MINIMUM: FakeDevice = {
  arn: "arn:aws:braket:us-east-1::device/qpu/rigetti/Minimum",
  name: "Minimum",
  qubitCount: 4,
  supportedOperations: ["ry", "cnot", "zz", "h"],
  programSet: { maximumExecutables: 2, maximumTotalShots: 100_000, minimumTotalShots: 1000 },
  pollIntervalMs: 2,
};

let fake: FakeBraket;
const creates = () => createRequests(fake);
const actionOf = (k: number) => JSON.parse((creates()[k]!.body as { action: string }).action);

beforeAll(async () => {
  fake = await startFakeBraket([SV1, SAMPLING_SIM, LINE_QPU, LINE_SETS, MINIMUM]);
});
afterAll(() => fake.stop());
beforeEach(() => resetFake(fake));

/** A 3-qubit circuit whose cx(0, 2) cannot sit on a line next to cx(0,1) and cx(1,2). */
const triangle = new CircuitBuilder(3)
  .add("ry", [0], weight("a"))
  .add("h", [1])
  .add("cx", [0, 1])
  .add("cx", [1, 2])
  .add("ry", [2], weight("b", 0.5))
  .add("cx", [0, 2])
  .measure([2, 0, 1])
  .build();

describe("shots = 0 (exact probabilities) on simulators", () => {
  it("submits a probability result type and decodes exact probabilities in clbit order", async () => {
    const rows = [
      [0.3, 1.1],
      [2.4, -0.7],
    ];
    const p = fakeProvider(fake, SV1);
    expect((await p.capabilities()).exactProbabilities).toBe(true);
    expect((await p.estimate(triangle, { rows: 2, cols: 2 }, { shots: 0 })).totalShots).toBe(0);
    const handle = await p.run(triangle, rows, { shots: 0 });
    const result = await handle.result();
    expect(creates()).toHaveLength(2);
    const body = creates()[0]!.body as Record<string, unknown>;
    expect(body.shots).toBe(0);
    expect(JSON.parse(body.action as string)).toEqual({
      braketSchemaHeader: { name: "braket.ir.openqasm.program", version: "1" },
      source: [
        "OPENQASM 3;",
        "input float w00_a;",
        "input float w01_b;",
        "qubit[3] q;",
        "ry(w00_a) q[0];",
        "h q[1];",
        "cnot q[0], q[1];",
        "cnot q[1], q[2];",
        "ry(0.5*w01_b) q[2];",
        "cnot q[0], q[2];",
        "#pragma braket result probability q[2], q[0], q[1]",
        "",
      ].join("\n"),
      inputs: { w00_a: 0.3, w01_b: 1.1 },
    });
    expect(result.kind).toBe("probabilities");
    const exact = exactProbabilities(triangle, rows).values;
    expect(result.values).toHaveLength(16);
    for (let k = 0; k < 16; k++) expect(result.values[k]).toBeCloseTo(exact[k]!, 12);
  });

  it("keeps bit order on an asymmetric state: only q1 set, clbit 0 ← q0, clbit 1 ← q1", async () => {
    const c = new CircuitBuilder(2).add("x", [1]).measureAll().build();
    const result = await (await fakeProvider(fake, SV1).run(c, [], { shots: 0 })).result();
    expect(Array.from(result.values)).toEqual([0, 0, 1, 0]);
  });

  it("refuses shots = 0 on a simulator whose shotsRange starts above 0", async () => {
    const p = fakeProvider(fake, SAMPLING_SIM);
    expect((await p.capabilities()).exactProbabilities).toBe(false);
    const error = await rejection(p.run(triangle, [[0, 0]], { shots: 0 }));
    expect(error.message).toBe(
      `shots = 0 (exact probabilities) is not available on device Sampling (${SAMPLING_SIM.arn}): its service.shotsRange or Probability result type does not allow 0 shots (shotsRange [1, 100000]); set shots to 1..100000`,
    );
    expect(creates()).toHaveLength(0);
  });
});

describe("connectivity, placement and routing", () => {
  it("places a virtual circuit on coupled qubits with SWAP routing, decomposed to cz, end to end", async () => {
    const rows = [
      [0.4, 1.7],
      [2.2, 0.3],
    ];
    const p = fakeProvider(fake, LINE_QPU);
    const caps = await p.capabilities();
    expect(caps.couplingMap).toContainEqual([1, 2]);
    const result = await (await p.run(triangle, rows, { shots: 8000 })).result();
    const source = actionOf(0).source as string;
    expect(source).not.toMatch(/qubit\[|\$0/); // physical qubits of the graph only
    const pairs = [...source.matchAll(/^cz \$(\d+), \$(\d+);$/gm)].map(([, a, b]) =>
      [Number(a), Number(b)].sort(),
    );
    for (const [a, b] of pairs) expect(b! - a!).toBe(1); // every cz on a line edge
    // 3 cx + one routing swap (3 cx) = 6 cz: a triangle on a line needs exactly one swap
    expect(pairs).toHaveLength(6);
    expect(source).toMatch(
      /c\[0\] = measure \$\d;\nc\[1\] = measure \$\d;\nc\[2\] = measure \$\d;\n$/,
    );
    expectCountsNear(result.values, exactProbabilities(triangle, rows).values, 8000);
  });

  it.each(PROGRAM_SET_RESULT_LAYOUTS)(
    "routes inside program sets too and decodes through the final layout (results %s)",
    async (layout) => {
      fake.programSetResults = layout;
      const rows = [
        [1.0, 0.2],
        [0.1, 2.9],
        [3.0, 1.5],
      ];
      const result = await (
        await fakeProvider(fake, LINE_SETS).run(triangle, rows, { shots: 6000 })
      ).result();
      expect(creates()).toHaveLength(1);
      expect(actionOf(0).programs[0].inputs).toEqual({
        w00_a: [1.0, 0.1, 3.0],
        w01_b: [0.2, 2.9, 1.5],
      });
      expectCountsNear(result.values, exactProbabilities(triangle, rows).values, 6000);
    },
  );

  it("refuses physical circuits on uncoupled or missing qubits, naming them and the device", async () => {
    const p = fakeProvider(fake, LINE_QPU);
    const uncoupled = new CircuitBuilder(4, true).add("cz", [1, 3]).measure([1, 3]).build();
    const error = await rejection(p.run(uncoupled, [], { shots: 100 }));
    expect(error.code).toBe("QPLANE_ERR_PROVIDER_CIRCUIT");
    expect(error.message).toBe(
      `gate 0 (cz) acts on $1 and $3, which are not coupled on device Line (${LINE_QPU.arn}) (neighbours of $1: $2)`,
    );
    const zero = new CircuitBuilder(2, true).add("x", [0]).measure([0]).build();
    expect((await rejection(p.run(zero, [], { shots: 100 }))).message).toBe(
      `physical qubit(s) $0 are not in the connectivity graph of device Line (${LINE_QPU.arn})`,
    );
    expect(creates()).toHaveLength(0);
  });

  it("runs a physical circuit on coupled qubits as it is", async () => {
    const physical = new CircuitBuilder(4, true)
      .add("x", [2])
      .add("cz", [2, 3])
      .measure([3, 2])
      .build();
    const result = await (
      await fakeProvider(fake, LINE_QPU).run(physical, [], { shots: 200 })
    ).result();
    expect(actionOf(0).source).toBe(
      [
        "OPENQASM 3;",
        "bit[2] c;",
        "x $2;",
        "cz $2, $3;",
        "c[0] = measure $3;",
        "c[1] = measure $2;",
        "",
      ].join("\n"),
    );
    expect(Array.from(result.values)).toEqual([0, 0, 200, 0]);
  });
});

describe("contiguous indices and program-set minimumTotalShots", () => {
  it("refuses physical qubits with gaps where requiresContiguousQubitIndices", async () => {
    const gappy = new CircuitBuilder(3, true).add("cx", [0, 2]).measure([0, 2]).build();
    const error = await rejection(fakeProvider(fake, SV1).run(gappy, [], { shots: 100 }));
    expect(error.message).toBe(
      `device SV1 (${SV1.arn}) requires contiguous qubit indices (requiresContiguousQubitIndices); the program uses $0, $2 and skips $1`,
    );
    expect(creates()).toHaveLength(0);
  });

  it.each(PROGRAM_SET_RESULT_LAYOUTS)(
    "balances program-set tasks and refuses when the smallest is below minimumTotalShots (results %s)",
    async (layout) => {
      fake.programSetResults = layout;
      const c = new CircuitBuilder(1).add("ry", [0], weight("a")).measureAll().build();
      const p = fakeProvider(fake, MINIMUM);
      const error = await rejection(p.run(c, [[0.1], [0.2], [0.3]], { shots: 400 }));
      expect(error.message).toBe(
        `3 parameter row(s) × 400 shots in 2 program-set task(s) give 400 shots in the smallest task, below the minimumTotalShots 1000 of device Minimum (${MINIMUM.arn}); use at least 1000 shots`,
      );
      expect(creates()).toHaveLength(0);
      await (await p.run(c, [[0.1], [0.2], [0.3], [0.4]], { shots: 500 })).result();
      expect(creates().map((r) => (r.body as { shots: number }).shots)).toEqual([1000, 1000]);
    },
  );
});
