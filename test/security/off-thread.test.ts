/**
 * Routing off the event loop (the compiled modules in dist/; `npm test` builds first): IBM
 * transpilation and Braket placement of a circuit whose routing takes a second or more on a
 * 129-qubit heavy-hex device leave the caller's event loop free and give what the
 * in-thread computation gives; a task past its time bound is refused with a 4xx naming the
 * circuit's size.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BraketDevice } from "../../providers/braket/device.js";
import { fitToDevice } from "../../providers/braket/fit.js";
import { buildAnsatz } from "../../src/circuits/ansatz.js";
import { type Target, transpile } from "../../src/circuits/transpile/index.js";
import { summarizeDataset } from "../../src/training/prepare.js";
import { type JobSpec, jobSpecSchema } from "../../src/training/spec.js";
import { heavyHex } from "../circuits/transpile/coupling-maps.js";

type OffThread = typeof import("../../src/compute/off-thread.js");
const COMPILED = "../../dist/src/compute/off-thread.js";
const compiled = () => import(COMPILED) as Promise<OffThread>;
type FitModule = typeof import("../../providers/braket/fit.js");
const COMPILED_FIT = "../../dist/providers/braket/fit.js";
const compiledFit = () => import(COMPILED_FIT) as Promise<FitModule>;
type DatasetShapeModule = typeof import("../../src/api/dataset-shape.js");
const COMPILED_SHAPES = "../../dist/src/api/dataset-shape.js";
const compiledShapes = () => import(COMPILED_SHAPES) as Promise<DatasetShapeModule>;

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
    const { FIT_TO_DEVICE_TASK } = await compiledFit();
    const where = "device heavy-hex";
    const run = await longestStall(() =>
      runOffThread(FIT_TO_DEVICE_TASK, [DEEP, DEVICE, where, false], describeCircuit(DEEP)),
    );
    expect(run.elapsedMs).toBeGreaterThan(200);
    expect(run.longestGapMs).toBeLessThan(200);
    expect(run.result).toEqual(fitToDevice(DEEP, DEVICE, where, false));
  });

  it("refuses a task past its time bound with QPLANE_ERR_PROVIDER_CIRCUIT", async () => {
    const { runOffThread, describeCircuit } = await compiled();
    await expect(
      runOffThread("transpile", [DEEP, TARGET], describeCircuit(DEEP), { timeoutMs: 50 }),
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
      runOffThread("transpile", [DEEP, TARGET], what, { timeoutMs: 50 }).then(
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

  it("drops a waiting call whose client has gone, giving its place back", async () => {
    const { runOffThread, describeCircuit, OFF_THREAD_CONCURRENCY, OFF_THREAD_QUEUE_LENGTH } =
      await compiled();
    const what = describeCircuit(DEEP);
    const busy = Array.from({ length: OFF_THREAD_CONCURRENCY }, () =>
      runOffThread("transpile", [DEEP, TARGET], what, { timeoutMs: 300 }).catch(() => "done"),
    );
    const client = new AbortController();
    const started = performance.now();
    const waiter = runOffThread("transpile", [DEEP, TARGET], what, { signal: client.signal });
    client.abort();
    await expect(waiter).rejects.toMatchObject({
      code: "QPLANE_ERR_UNAVAILABLE",
      message: `${what}: the request was abandoned while waiting for a worker thread; retry`,
    });
    expect(performance.now() - started).toBeLessThan(250); // before any thread was free
    // the whole queue is free again: none of these is refused
    const { circuit: small } = buildAnsatz({
      qubits: 2,
      layers: 1,
      features: 1,
      readoutQubits: [0],
    });
    const queued = Array.from({ length: OFF_THREAD_QUEUE_LENGTH }, () =>
      runOffThread("transpile", [small, TARGET], describeCircuit(small)).then(() => "answered"),
    );
    expect(await Promise.all([...busy, ...queued])).toEqual([
      ...busy.map(() => "done"),
      ...queued.map(() => "answered"),
    ]);
  });
});

describe("CSV datasets read in a worker thread (dist: the API's admission path)", () => {
  let root: string;
  const csvSpec = (file: string, features?: string[]): JobSpec =>
    jobSpecSchema.parse({
      dataset: { name: "csv", path: join(root, file), target: "y", features },
    });
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "qplane-off-thread-csv-"));
    const rows = Array.from({ length: 40 }, (_, i) => `${i},${i * 2},${i % 3 === 0 ? "a" : "b"}`);
    await writeFile(join(root, "points.csv"), `x1,x2,y\n${rows.join("\n")}\n`);
    await writeFile(join(root, "empty.csv"), "");
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it("summarises the file in a thread as the in-thread reader does", async () => {
    const { DatasetShapes } = await compiledShapes();
    const spec = csvSpec("points.csv");
    expect(await new DatasetShapes(undefined).summaryOf(spec)).toEqual(summarizeDataset(spec));
  });

  it("refuses a bad file with a message naming the field and the file, not the server's directory", async () => {
    const { DatasetShapes } = await compiledShapes();
    const error = await new DatasetShapes(undefined).of(csvSpec("empty.csv")).catch((e) => e);
    expect(error).toMatchObject({
      code: "QPLANE_ERR_DATASET",
      message: 'dataset.path "empty.csv": file is empty',
    });
    expect(error.message).not.toContain(root);
  });

  it("runs one read at a time per API key; features in another order share the read", async () => {
    const { DatasetShapes } = await compiledShapes();
    const shapes = new DatasetShapes(undefined);
    const outcome = (spec: JobSpec) =>
      shapes.of(spec, { owner: "key_a" }).then(
        (shape) => shape.featureCount,
        (error: { code: string; message: string }) => `${error.code}: ${error.message}`,
      );
    // the same file with its features reordered: one cached read, no second task
    expect(
      await Promise.all([
        outcome(csvSpec("points.csv", ["x1", "x2"])),
        outcome(csvSpec("points.csv", ["x2", "x1"])),
      ]),
    ).toEqual([2, 2]);
    // another summary of the same key while the first is in flight: refused at once
    const fresh = new DatasetShapes(undefined);
    const settled = await Promise.allSettled([
      fresh.of(csvSpec("points.csv", ["x1"]), { owner: "key_a" }),
      fresh.of(csvSpec("points.csv", ["x2"]), { owner: "key_a" }),
    ]);
    // each call stats the file first: which of the two reaches the thread first is a race
    const first = settled.find((outcome) => outcome.status === "fulfilled");
    const second = settled.find((outcome) => outcome.status === "rejected");
    expect(first).toMatchObject({ status: "fulfilled", value: { featureCount: 1 } });
    expect(second).toMatchObject({
      status: "rejected",
      reason: {
        code: "QPLANE_ERR_RATE_LIMITED",
        message:
          "spec.dataset.path: this API key already has a task running or waiting on the server's worker threads (1 at a time per key); retry when it has finished",
      },
    });
    // another key, and the same key once its read is over, are served
    expect(await fresh.of(csvSpec("points.csv", ["x2"]), { owner: "key_b" })).toMatchObject({
      featureCount: 1,
    });
    expect(await fresh.of(csvSpec("points.csv", ["x1", "x2"]), { owner: "key_a" })).toMatchObject({
      featureCount: 2,
    });
  });
});
