/**
 * A simulator worker thread that ends (exits, throws, is stopped out of memory) never hangs a
 * synchronous caller: the caller sees it without a turn of the event loop, fails with
 * QPLANE_ERR_UNAVAILABLE if it needed the thread's share, and the next call runs on a new
 * thread with the same numbers.
 */
import { afterEach, describe, expect, it } from "vitest";
import * as sourceSimulator from "../../../providers/local/simulator.js";
import {
  expectIdentical,
  matrixFor,
  pool,
  settings,
  simulator,
  workload,
} from "../../helpers/simulator-threads.js";

afterEach(() => settings.setThreadCount(undefined));

/** One 14-qubit row: gate passes split by amplitude blocks, so every call needs the worker. */
const blocksCircuit = workload(14, 2);
const blocksRows = matrixFor(blocksCircuit, 1, 21);
const blocksReference = sourceSimulator.exactProbabilities(blocksCircuit, blocksRows).values;

/** Blocks `ms` milliseconds without a turn of the event loop. */
function blockFor(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

describe("a simulator thread that ends", () => {
  it("fails the call that waits for it with QPLANE_ERR_UNAVAILABLE; the next call gets a new thread", () => {
    settings.setThreadCount(2);
    expectIdentical(
      simulator.exactProbabilities(blocksCircuit, blocksRows).values,
      blocksReference,
    );
    pool.poolTestHooks.exitOnNextTask(0, 7);
    expect(() => simulator.exactProbabilities(blocksCircuit, blocksRows)).toThrowError(
      expect.objectContaining({
        code: "QPLANE_ERR_UNAVAILABLE",
        message:
          "a simulator worker thread ended during the simulation (exit code 7); the thread is replaced, retry the call",
      }),
    );
    expect(pool.poolTestHooks.alive(0)).toBe(false);
    const before = pool.postedTaskCount();
    expectIdentical(
      simulator.exactProbabilities(blocksCircuit, blocksRows).values,
      blocksReference,
    );
    expect(pool.postedTaskCount() - before).toBeGreaterThan(2);
    expect(pool.poolTestHooks.alive(0)).toBe(true);
  });

  it("leaves a row-sharing call to the calling thread when the worker exits before a row", () => {
    settings.setThreadCount(2);
    const circuit = workload(8);
    const matrix = matrixFor(circuit, 64, 22);
    const reference = sourceSimulator.exactProbabilities(circuit, matrix).values;
    expectIdentical(simulator.exactProbabilities(circuit, matrix).values, reference);
    pool.poolTestHooks.exitOnNextTask(0, 9);
    expectIdentical(simulator.exactProbabilities(circuit, matrix).values, reference);
    const before = pool.postedTaskCount();
    expectIdentical(simulator.exactProbabilities(circuit, matrix).values, reference);
    expect(pool.postedTaskCount() - before).toBe(1);
    expect(pool.poolTestHooks.alive(0)).toBe(true);
  });

  it("sees a thread stopped without running JavaScript before the event loop turns", async () => {
    settings.setThreadCount(2);
    expectIdentical(
      simulator.exactProbabilities(blocksCircuit, blocksRows).values,
      blocksReference,
    );
    // the thread comes online (a loaded machine may take a while to start it)
    for (let waitedMs = 0; !pool.poolTestHooks.online(0) && waitedMs < 10_000; waitedMs += 20)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(pool.poolTestHooks.online(0)).toBe(true);
    pool.poolTestHooks.terminate(0);
    // from here on synchronous: Node's exit event cannot be delivered
    let waitedMs = 0;
    while (pool.poolTestHooks.alive(0) && waitedMs < 10_000) {
      blockFor(10);
      waitedMs += 10;
    }
    expect(pool.poolTestHooks.alive(0)).toBe(false);
    expectIdentical(
      simulator.exactProbabilities(blocksCircuit, blocksRows).values,
      blocksReference,
    );
    expect(pool.poolTestHooks.alive(0)).toBe(true);
  });
});
