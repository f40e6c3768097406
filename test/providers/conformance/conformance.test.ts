/**
 * One contract for every provider (issue 13): the same circuits give the same distributions
 * within shot noise, outcomes are indexed Σ c[i]·2^i, parameter rows come back in the order
 * given, an aborted signal cancels with QPLANE_ERR_RUN_CANCELLED and leaves nothing running,
 * refused input is refused with its catalogue code before anything is submitted, and what
 * `capabilities()` declares (qubits, shots, exact probabilities) is what the provider does.
 *
 * Expected distributions are computed here, analytically (not by the simulator under test):
 * Bell and GHZ-3 are ½/½; ry(x)⊗ry(θ) then CX gives P(c0, c1) = P0(c0)·P1(c1 ⊕ c0) with
 * P0(1) = sin²(x/2), P1(1) = sin²(θ/2); readout errors (local-noisy) flip each measured bit
 * independently. Shot noise bound: every outcome's frequency within 5σ of its probability
 * (σ of a binomial proportion at SHOTS shots, plus 1e-3 for outcomes of probability ≈ 0 or 1):
 * a false failure has probability below 1e-5 per outcome.
 */

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ExecutionResult,
  type Provider,
  resultProbabilities,
  supportsDerivatives,
  supportsStatevectors,
  supportsTranspile,
} from "../../../providers/types.js";
import { type Circuit, CircuitBuilder, input, weight } from "../../../src/circuits/ir.js";
import { QplaneError } from "../../../src/errors/catalogue.js";
import { runPaced } from "../../../src/pacing/pacing.js";
import { ghz } from "../../fixtures/circuits/ghz.js";
import {
  type ReadoutError,
  SUBJECT_NAMES,
  SUBJECT_TRAITS,
  type Subject,
  type SubjectName,
  startSubjects,
} from "./subjects.js";

const SHOTS = 4000;
const SIGMAS = 5;

let subjects: ReadonlyMap<SubjectName, Subject>;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ subjects, close } = await startSubjects());
});
afterAll(() => close());

const bell = new CircuitBuilder(2).add("h", [0]).add("cx", [0, 1]).measureAll().build();
const ghz3 = ghz(3);
/** X on qubits 0 and 2 of 3: outcome 1·2⁰ + 0·2¹ + 1·2² = 5 with certainty. */
const bitOrder = new CircuitBuilder(3).add("x", [0]).add("x", [2]).measureAll().build();
/** Columns [x (input), theta (weight)]. */
const parameterised = new CircuitBuilder(2)
  .add("ry", [0], input("x"))
  .add("ry", [1], weight("theta"))
  .add("cx", [0, 1])
  .measureAll()
  .build();
/** Rows far enough apart that any two swapped would fail the bound. */
const ROWS = [
  [0.3, 1.1],
  [2.0, -0.4],
  [-1.2, 2.7],
];

function parameterisedExact([x, theta]: readonly number[]): number[] {
  const p0 = Math.sin(x! / 2) ** 2;
  const p1 = Math.sin(theta! / 2) ** 2;
  const bit = (p: number, b: number) => (b === 1 ? p : 1 - p);
  return [0, 1, 2, 3].map((k) => {
    const c0 = k & 1;
    const c1 = (k >> 1) & 1;
    return bit(p0, c0) * bit(p1, c1 ^ c0);
  });
}

/** `exact` over `bits` measured bits as read through independent per-bit flips. */
function withReadout(exact: readonly number[], bits: number, error: ReadoutError | undefined) {
  if (error === undefined) return [...exact];
  const read = (truth: number, seen: number) =>
    truth === 0
      ? seen === 1
        ? error.p1Given0
        : 1 - error.p1Given0
      : seen === 0
        ? error.p0Given1
        : 1 - error.p0Given1;
  return exact.map((_, seen) =>
    exact.reduce((sum, p, truth) => {
      let flip = 1;
      for (let i = 0; i < bits; i++) flip *= read((truth >> i) & 1, (seen >> i) & 1);
      return sum + p * flip;
    }, 0),
  );
}

/** Row `row` of a counts result as frequencies (checks the result's shape on the way). */
function frequencies(result: ExecutionResult, row: number): number[] {
  expect(result.kind).toBe("counts");
  if (result.kind !== "counts") throw new Error("unreachable");
  expect(result.shots).toBe(SHOTS);
  const counts = Array.from(
    result.values.subarray(row * result.outcomeCount, (row + 1) * result.outcomeCount),
  );
  expect(counts.reduce((a, b) => a + b, 0)).toBe(SHOTS);
  return counts.map((count) => count / SHOTS);
}

function expectWithinShotNoise(observed: readonly number[], expected: readonly number[]) {
  expect(observed).toHaveLength(expected.length);
  for (const [k, p] of expected.entries()) {
    const bound = SIGMAS * Math.sqrt((p * (1 - p)) / SHOTS) + 1e-3;
    expect(Math.abs(observed[k]! - p), `outcome ${k}: ${observed[k]} vs ${p}`).toBeLessThanOrEqual(
      bound,
    );
  }
}

async function sampled(provider: Provider, circuit: Circuit, rows: readonly number[][] = []) {
  const handle = await provider.run(
    circuit,
    rows.map((row) => [...row]),
    { shots: SHOTS, seed: 3 },
  );
  const result = await handle.result();
  expect(await handle.status()).toBe("completed");
  return result;
}

async function refusal(promise: Promise<unknown>): Promise<QplaneError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(QplaneError);
    return error as QplaneError;
  }
  throw new Error("expected a refusal");
}

describe.each(SUBJECT_NAMES)("provider conformance: %s", (name) => {
  const subject = () => subjects.get(name)!;

  describe("distributions, bit order and row order", () => {
    it("samples Bell and GHZ-3 within shot noise of ½/½", async () => {
      const { provider, readoutError } = subject();
      const bellExact = withReadout([0.5, 0, 0, 0.5], 2, readoutError);
      expectWithinShotNoise(frequencies(await sampled(provider, bell), 0), bellExact);
      const ghzExact = withReadout([0.5, 0, 0, 0, 0, 0, 0, 0.5], 3, readoutError);
      expectWithinShotNoise(frequencies(await sampled(provider, ghz3), 0), ghzExact);
    });

    it("indexes outcomes Σ c[i]·2^i (X on qubits 0 and 2 reads 5)", async () => {
      const { provider, readoutError } = subject();
      const exact = withReadout([0, 0, 0, 0, 0, 1, 0, 0], 3, readoutError);
      const observed = frequencies(await sampled(provider, bitOrder), 0);
      expectWithinShotNoise(observed, exact);
      expect(observed.indexOf(Math.max(...observed))).toBe(5);
    });

    it("returns the rows of a parameter matrix in the order given", async () => {
      const { provider, readoutError } = subject();
      const result = await sampled(provider, parameterised, ROWS);
      expect(result.rows).toBe(ROWS.length);
      expect(result.outcomeCount).toBe(4);
      for (const [row, values] of ROWS.entries()) {
        const exact = withReadout(parameterisedExact(values), 2, readoutError);
        expectWithinShotNoise(frequencies(result, row), exact);
      }
    });

    it.runIf(SUBJECT_TRAITS[name].braket)(
      "reads Braket program-set results in the layout the service wrote them",
      async () => {
        const { provider, braketResults } = subject();
        if (braketResults === undefined) throw new Error(`${name} has no Braket results`);
        const before = braketResults.s3Reads().length;
        await sampled(provider, parameterised, ROWS);
        const keys = braketResults.s3Reads().slice(before);
        const programFiles = keys.filter((key) => /\/programs\/\d+\/results\.json$/.test(key));
        const executableFiles = keys.filter((key) => /\/executables\/\d+\.json$/.test(key));
        if (braketResults.layout === "inline") {
          expect(keys.every((key) => key.endsWith("/results.json"))).toBe(true);
          expect(programFiles).toEqual([]);
        } else {
          // one program of three executables (one per row), each file read once
          expect(programFiles).toHaveLength(1);
          expect(executableFiles).toHaveLength(ROWS.length);
        }
      },
    );
  });

  describe("cancellation", () => {
    it("refuses to start a run whose signal is already aborted", async () => {
      const controller = new AbortController();
      controller.abort();
      const error = await refusal(
        subject().provider.run(bell, [], { shots: SHOTS, signal: controller.signal }),
      );
      expect(error.code).toBe("QPLANE_ERR_RUN_CANCELLED");
    });

    // a local run completes within `run`: there is nothing to cancel after it
    it.runIf(SUBJECT_TRAITS[name].remote)(
      "cancels a submitted run when its signal aborts, leaving nothing running",
      async () => {
        const { provider, remote } = subject();
        if (remote === undefined) throw new Error(`${name} declares no remote service`);
        const release = remote.hold();
        try {
          const controller = new AbortController();
          const handle = await provider.run(parameterised, ROWS, {
            shots: SHOTS,
            signal: controller.signal,
          });
          expect(await handle.status()).not.toBe("completed");
          controller.abort();
          const error = await refusal(handle.result());
          expect(error.code).toBe("QPLANE_ERR_RUN_CANCELLED");
          expect(await handle.status()).toBe("cancelled");
          expect(remote.activeJobs()).toBe(0);
          await handle.cancel(); // a settled run: nothing more happens
          expect(await handle.status()).toBe("cancelled");
        } finally {
          release();
        }
      },
    );
  });

  describe("refused input", () => {
    it("refuses parameter rows of the wrong width with QPLANE_ERR_PARAMS_SHAPE", async () => {
      const error = await refusal(subject().provider.run(parameterised, [[0.1]], { shots: SHOTS }));
      expect(error.code).toBe("QPLANE_ERR_PARAMS_SHAPE");
    });
  });

  describe("declared capabilities are honoured", () => {
    it("refuses a circuit wider than numQubits", async () => {
      const { provider, refusals } = subject();
      const { numQubits } = await provider.capabilities();
      const wide = new CircuitBuilder(numQubits + 1).add("x", [numQubits]).measureAll().build();
      const error = await refusal(provider.run(wide, [], { shots: SHOTS }));
      expect(error.code).toBe(refusals.tooManyQubits);
    });

    it("refuses shots above maxShots and gives exact probabilities exactly when declared", async () => {
      const { provider, refusals, readoutError } = subject();
      const capabilities = await provider.capabilities();
      const tooMany = await refusal(provider.run(bell, [], { shots: capabilities.maxShots + 1 }));
      expect(tooMany.code).toBe(refusals.shots);
      if (!capabilities.exactProbabilities) {
        const error = await refusal(provider.run(bell, [], { shots: 0 }));
        expect(error.code).toBe("QPLANE_ERR_PROVIDER_CIRCUIT");
        return;
      }
      const result = await (await provider.run(parameterised, ROWS, { shots: 0 })).result();
      expect(result.kind).toBe("probabilities");
      for (const [row, values] of ROWS.entries()) {
        const exact = withReadout(parameterisedExact(values), 2, readoutError);
        const got = Array.from(result.values.subarray(row * 4, row * 4 + 4));
        for (const [k, p] of exact.entries()) expect(got[k]).toBeCloseTo(p, 12);
      }
    });
  });

  // ── declared capabilities (derivatives/statevectors/transpile) ─────────────────────────
  // Optional members are offered exactly when declared, and what they give agrees with `run`:
  // derivatives are the gradients of run's own exact probabilities (readout error included),
  // statevectors the state before measurement. Only in-process simulators offer either.
  describe("declared capabilities (derivatives/statevectors/transpile)", () => {
    it("has a transpile member exactly when its descriptor declares one", () => {
      const { provider, declaresTranspile } = subject();
      expect(supportsTranspile(provider)).toBe(declaresTranspile);
    });

    it("offers derivatives and statevectors exactly when it simulates in this process", () => {
      const { provider, remote } = subject();
      expect(supportsDerivatives(provider)).toBe(remote === undefined);
      expect(supportsStatevectors(provider)).toBe(remote === undefined);
    });

    it("gives derivatives equal to finite differences of its own exact probabilities", async () => {
      const { provider } = subject();
      if (!supportsDerivatives(provider)) return;
      const { derivatives } = provider;
      const [x, theta] = ROWS[1]!;
      const exactAt = async (row: readonly number[]) =>
        resultProbabilities(
          await (await provider.run(parameterised, [row], { shots: 0 })).result(),
        );
      for (let outcome = 0; outcome < 4; outcome++) {
        const pass = await runPaced(
          derivatives.probabilityGradients(
            parameterised,
            { rows: 1, cols: 2, values: Float64Array.from([x!, theta!]) },
            (_row, _probabilities, cotangent) => {
              cotangent[outcome] = 1;
            },
            derivatives.meter(),
          ),
        );
        expect(Array.from(pass.probabilities.values)).toEqual(
          Array.from(await exactAt([x!, theta!])),
        );
        // the one weight is theta (column 1); central differences, error O(h²)
        const h = 1e-5;
        const up = await exactAt([x!, theta! + h]);
        const down = await exactAt([x!, theta! - h]);
        expect(pass.gradients[0]).toBeCloseTo((up[outcome]! - down[outcome]!) / (2 * h), 8);
      }
    });

    it("gives the statevector before measurement: |amplitude|² are the noiseless probabilities", async () => {
      const { provider } = subject();
      if (!supportsStatevectors(provider)) return;
      const { statevectors } = provider;
      const row = ROWS[2]!;
      const state = await runPaced(
        statevectors.finalStatevector(parameterised, row, statevectors.meter()),
      );
      const expected = parameterisedExact(row);
      for (let k = 0; k < 4; k++)
        expect(state.re[k]! ** 2 + state.im[k]! ** 2).toBeCloseTo(expected[k]!, 12);
    });
  });
});
