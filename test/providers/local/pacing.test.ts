/**
 * Paced simulation: a batch processed in chunks, with pauses between chunks (and inside a
 * row), computes exactly the numbers of an unchunked run; pauses give the event loop a
 * turn, and an abort stops the run at the next pause.
 */
import { describe, expect, it } from "vitest";
import { pacedAdjointProbabilityGradients } from "../../../providers/local/adjoint.js";
import { type Paced, runPaced, runToEnd } from "../../../providers/local/pacing.js";
import { LocalProvider } from "../../../providers/local/provider.js";
import { sampleCounts } from "../../../providers/local/sampling.js";
import {
  exactProbabilities,
  pacedExactProbabilities,
  pacedSampledCounts,
  workspaceFor,
} from "../../../providers/local/simulator.js";
import { buildAnsatz } from "../../../src/circuits/ansatz.js";
import type { ParameterMatrix } from "../../../src/circuits/parameters.js";
import { createRng } from "../../../src/random/rng.js";

const QUBITS = 6;
const ROWS = 5;
const { circuit } = buildAnsatz({
  qubits: QUBITS,
  layers: 3,
  features: 2,
  readoutQubits: [0, 1],
  entangler: "ring",
});

function randomRows(rows: number): ParameterMatrix {
  const rng = createRng(7);
  const cols = circuit.parameters.length;
  return { rows, cols, values: Float64Array.from({ length: rows * cols }, () => rng.nextFloat()) };
}

/** Runs to the end, counting the pauses. */
function countPauses<T>(work: Paced<T>): { value: T; pauses: number } {
  let pauses = 0;
  for (;;) {
    const next = work.next();
    if (next.done) return { value: next.value, pauses };
    pauses++;
  }
}

const dim = 2 ** QUBITS;
const unchunked = { chunkAmplitudeOperations: Number.POSITIVE_INFINITY };
/** A pause after every gate pass. */
const everyGate = { chunkAmplitudeOperations: dim };

describe("paced simulation", () => {
  it("gives probabilities identical to an unchunked run, pausing after every chunk", () => {
    const rows = randomRows(ROWS);
    const whole = countPauses(pacedExactProbabilities(circuit, rows, unchunked));
    const chunked = countPauses(pacedExactProbabilities(circuit, rows, everyGate));
    expect(whole.pauses).toBe(0);
    const { opCount } = workspaceFor(circuit).program;
    expect(chunked.pauses).toBe(ROWS * opCount);
    expect(chunked.value).toEqual(whole.value);
  });

  it("draws shots in blocks with pauses, with the counts of one draw per row", () => {
    const rows = randomRows(ROWS);
    // three blocks per row (2^16 shots each, the last one short)
    const sampling = { shots: 2 ** 17 + 3, seed: 11 };
    const whole = countPauses(pacedSampledCounts(circuit, rows, sampling, unchunked));
    // a pause after every gate pass, every cumulative sum and every block of shots
    const chunked = countPauses(
      pacedSampledCounts(circuit, rows, sampling, { chunkAmplitudeOperations: 1 }),
    );
    expect(whole.pauses).toBe(0);
    const { opCount } = workspaceFor(circuit).program;
    expect(chunked.pauses).toBe(ROWS * (opCount + 1 + 3));
    expect(chunked.value).toEqual(whole.value);
    // the same counts as sampling each row in one go
    const probabilities = exactProbabilities(circuit, rows);
    const { outcomeCount } = probabilities;
    const counts = new Uint32Array(ROWS * outcomeCount);
    const rng = createRng(11);
    const cdf = new Float64Array(outcomeCount);
    for (let row = 0; row < ROWS; row++) {
      const o = row * outcomeCount;
      sampleCounts(probabilities.values, o, outcomeCount, sampling.shots, rng, cdf, counts, o);
    }
    expect(Array.from(chunked.value.values)).toEqual(Array.from(counts));
  });

  it("gives adjoint gradients identical to an unchunked run, pausing inside each row", () => {
    const rows = randomRows(ROWS);
    // an ordinary loss cotangent, depending on the row's probabilities
    const cotangent = (row: number, p: Float64Array, out: Float64Array) => {
      out[row % 4] = -1 / Math.max(p[row % 4]!, 1e-10);
    };
    const whole = countPauses(
      pacedAdjointProbabilityGradients(circuit, rows, cotangent, unchunked),
    );
    const chunked = countPauses(
      pacedAdjointProbabilityGradients(circuit, rows, cotangent, everyGate),
    );
    expect(whole.pauses).toBe(0);
    // forward and backward passes both pause: more than one pause per row
    expect(chunked.pauses).toBeGreaterThan(2 * ROWS);
    expect(chunked.value.gradients).toEqual(whole.value.gradients);
    expect(chunked.value.probabilities).toEqual(whole.value.probabilities);
    // and with the default snapshot budget switched off (un-computing the forward states)
    const uncomputed = runToEnd(
      pacedAdjointProbabilityGradients(circuit, rows, cotangent, {
        ...everyGate,
        snapshotBudgetBytes: 0,
      }),
    );
    expect(uncomputed.gradients).toEqual(
      runToEnd(
        pacedAdjointProbabilityGradients(circuit, rows, cotangent, {
          ...unchunked,
          snapshotBudgetBytes: 0,
        }),
      ).gradients,
    );
  });

  it("lets timers run during a provider run and stops at the next pause after an abort", async () => {
    const provider = new LocalProvider(everyGate);
    const rows = randomRows(40);
    let timerRan = false;
    setTimeout(() => {
      timerRan = true;
    }, 0);
    const handle = await provider.run(circuit, rows, { shots: 0 });
    expect(timerRan).toBe(true);
    const unpaced = await new LocalProvider(unchunked).run(circuit, rows, { shots: 0 });
    expect(await handle.result()).toEqual(await unpaced.result());

    const controller = new AbortController();
    setImmediate(() => controller.abort());
    await expect(
      provider.run(circuit, rows, { shots: 0, signal: controller.signal }),
    ).rejects.toMatchObject({
      code: "QPLANE_ERR_RUN_CANCELLED",
      message: "run was cancelled while it was running",
    });
  });

  it("keeps two overlapping paced runs of one circuit apart (each its own state)", async () => {
    const provider = new LocalProvider(everyGate);
    const [a, b] = [randomRows(6), randomRows(9)];
    const [first, second] = await Promise.all([
      provider.run(circuit, a, { shots: 0 }),
      provider.run(circuit, b, { shots: 0 }),
    ]);
    const unpaced = new LocalProvider(unchunked);
    expect(await first.result()).toEqual(
      await (await unpaced.run(circuit, a, { shots: 0 })).result(),
    );
    expect(await second.result()).toEqual(
      await (await unpaced.run(circuit, b, { shots: 0 })).result(),
    );
  });

  it("gives the event loop a turn at each pause when paced, none when run to the end", async () => {
    const order: string[] = [];
    function* work(): Paced<number> {
      order.push("chunk 1");
      yield;
      order.push("chunk 2");
      return 42;
    }
    setImmediate(() => order.push("event loop"));
    expect(await runPaced(work())).toBe(42);
    expect(order).toEqual(["chunk 1", "event loop", "chunk 2"]);
    order.length = 0;
    setImmediate(() => order.push("event loop"));
    expect(runToEnd(work())).toBe(42);
    expect(order).toEqual(["chunk 1", "chunk 2"]);
  });
});
