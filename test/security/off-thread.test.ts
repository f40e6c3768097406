/**
 * Routing off the event loop (the compiled modules in dist/; `npm test` builds first): IBM
 * transpilation and Braket placement of a circuit whose routing takes a second or more on a
 * 129-qubit heavy-hex device leave the caller's event loop free and give what the
 * in-thread computation gives; a task past its time bound is refused with a 4xx naming the
 * circuit's size.
 */
import { describe, expect, it } from "vitest";
import type { BraketDevice } from "../../providers/braket/device.js";
import { fitToDevice } from "../../providers/braket/fit.js";
import { buildAnsatz } from "../../src/circuits/ansatz.js";
import { type Target, transpile } from "../../src/circuits/transpile/index.js";
import { heavyHex } from "../circuits/transpile/coupling-maps.js";

type OffThread = typeof import("../../src/compute/off-thread.js");
const COMPILED = "../../dist/src/compute/off-thread.js";
const compiled = () => import(COMPILED) as Promise<OffThread>;

const lattice = heavyHex(7, 15);
const TARGET: Target = {
  numQubits: lattice.numQubits,
  basisGates: ["rz", "sx", "x", "cz"],
  couplingMap: lattice.pairs,
};
const DEVICE: BraketDevice = {
  arn: "arn:aws:braket:::device/qpu/test/heavy-hex",
  name: "heavy-hex",
  status: "ONLINE",
  type: "QPU",
  qubitCount: lattice.numQubits,
  couplingMap: lattice.pairs,
  graphQubits: Array.from({ length: lattice.numQubits }, (_, q) => q),
  supportedOperations: ["rx", "ry", "rz", "cz", "x"],
  shotsRange: [1, 10_000],
  exactProbabilities: false,
  supportsPhysicalQubits: true,
  requiresContiguousQubitIndices: false,
  programSet: null,
  pollIntervalMs: undefined,
  queueLength: 0,
};
// 10 qubits, full entangler, 20 layers: 900 CZs to route on heavy-hex (a second or more)
const { circuit: DEEP } = buildAnsatz({
  qubits: 10,
  layers: 20,
  features: 2,
  entangler: "full",
  entanglingGate: "cz",
  readoutQubits: [9],
});

/** Runs `work` while a 10 ms timer measures the event loop's longest stall. */
async function longestStall<T>(work: () => Promise<T>) {
  let longestGapMs = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    longestGapMs = Math.max(longestGapMs, now - last);
    last = now;
  }, 10);
  const started = performance.now();
  const result = await work();
  clearInterval(timer);
  return { result, elapsedMs: performance.now() - started, longestGapMs };
}

describe("routing in a worker thread", () => {
  it("transpiles for IBM with the event loop turning, as the in-thread transpiler does", async () => {
    const { runOffThread, describeCircuit } = await compiled();
    const run = await longestStall(() =>
      runOffThread("transpile", [DEEP, TARGET], describeCircuit(DEEP)),
    );
    expect(run.elapsedMs).toBeGreaterThan(200); // long enough that blocking would show
    expect(run.longestGapMs).toBeLessThan(200);
    expect(run.result).toEqual(transpile(DEEP, TARGET));
  });

  it("places on a Braket device with the event loop turning, as in-thread placement does", async () => {
    const { runOffThread, describeCircuit } = await compiled();
    const where = "device heavy-hex";
    const run = await longestStall(() =>
      runOffThread("fitToDevice", [DEEP, DEVICE, where, false], describeCircuit(DEEP)),
    );
    expect(run.elapsedMs).toBeGreaterThan(200);
    expect(run.longestGapMs).toBeLessThan(200);
    expect(run.result).toEqual(fitToDevice(DEEP, DEVICE, where, false));
  });

  it("refuses a task past its time bound with QPLANE_ERR_PROVIDER_CIRCUIT", async () => {
    const { runOffThread, describeCircuit } = await compiled();
    await expect(
      runOffThread("transpile", [DEEP, TARGET], describeCircuit(DEEP), 50),
    ).rejects.toMatchObject({
      code: "QPLANE_ERR_PROVIDER_CIRCUIT",
      message: `the circuit (${DEEP.gates.length} gates on 10 qubits): routing took longer than 0.05 s; use fewer layers, qubits or entangling pairs`,
    });
  });

  it("runs a bounded number of threads, queues a few calls and refuses the rest with 503", async () => {
    const { runOffThread, describeCircuit, OFF_THREAD_CONCURRENCY, OFF_THREAD_QUEUE_LENGTH } =
      await compiled();
    const what = describeCircuit(DEEP);
    // each call times out after 50 ms of its own thread's time, not of its wait
    const calls = Array.from({ length: OFF_THREAD_CONCURRENCY + OFF_THREAD_QUEUE_LENGTH + 1 }, () =>
      runOffThread("transpile", [DEEP, TARGET], what, 50).then(
        () => "answered",
        (error: { code: string; message: string }) => `${error.code}: ${error.message}`,
      ),
    );
    const outcomes = await Promise.all(calls);
    const timedOut = `QPLANE_ERR_PROVIDER_CIRCUIT: ${what}: routing took longer than 0.05 s; use fewer layers, qubits or entangling pairs`;
    expect(outcomes.slice(0, -1)).toEqual(
      Array.from({ length: OFF_THREAD_CONCURRENCY + OFF_THREAD_QUEUE_LENGTH }, () => timedOut),
    );
    expect(outcomes.at(-1)).toBe(
      `QPLANE_ERR_UNAVAILABLE: ${what}: every worker thread is busy (${OFF_THREAD_CONCURRENCY} running, ${OFF_THREAD_QUEUE_LENGTH} waiting); retry later`,
    );
    // every slot was given back
    const { circuit: small } = buildAnsatz({
      qubits: 2,
      layers: 1,
      features: 1,
      readoutQubits: [0],
    });
    const fits = Array.from({ length: OFF_THREAD_CONCURRENCY + 1 }, () =>
      runOffThread("transpile", [small, TARGET], describeCircuit(small)),
    );
    expect(await Promise.all(fits)).toEqual(fits.map(() => transpile(small, TARGET)));
  });
});
