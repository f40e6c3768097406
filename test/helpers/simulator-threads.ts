/**
 * The compiled simulator for the thread tests (test/providers/local/threads*.test.ts). Threads
 * need the compiled worker entry, so these are the modules under dist/ (vitest's global setup
 * builds it); the TypeScript sources, which never start threads, are the single-threaded
 * reference. Plus the workload, irregular parameter rows and the bit-for-bit comparison.
 */
import { expect } from "vitest";
import type * as AdjointModule from "../../providers/local/adjoint.js";
import type * as PacingModule from "../../providers/local/pacing.js";
import type * as SimulatorModule from "../../providers/local/simulator.js";
import type * as PoolModule from "../../providers/local/threads/pool.js";
import type * as SettingsModule from "../../providers/local/threads/settings.js";
import { buildAnsatz } from "../../src/circuits/ansatz.js";
import type { Circuit } from "../../src/circuits/ir.js";
import type { ParameterMatrix } from "../../src/circuits/parameters.js";

/** The URL of `path` under dist/. */
export const dist = (path: string) => new URL(`../../dist/${path}`, import.meta.url).href;

export const simulator = (await import(
  dist("providers/local/simulator.js")
)) as typeof SimulatorModule;
export const adjoint = (await import(dist("providers/local/adjoint.js"))) as typeof AdjointModule;
export const pacing = (await import(dist("providers/local/pacing.js"))) as typeof PacingModule;
export const settings = (await import(
  dist("providers/local/threads/settings.js")
)) as typeof SettingsModule;
export const pool = (await import(dist("providers/local/threads/pool.js"))) as typeof PoolModule;

export const THREAD_COUNTS = [1, 2, 3];

/** The benchmark workload: re-uploading ansatz, CNOT chain, every qubit measured. */
export function workload(qubits: number, layers = 3): Circuit {
  const readoutQubits = Array.from({ length: qubits }, (_, q) => q);
  return buildAnsatz({ qubits, layers, readoutQubits }).circuit;
}

/** `rows` distinct, irregular parameter rows. */
export function matrixFor(circuit: Circuit, rows: number, salt = 0): ParameterMatrix {
  const cols = circuit.parameters.length;
  const values = Float64Array.from(
    { length: rows * cols },
    (_, k) => 2 * Math.sin(0.37 * k + salt),
  );
  return { rows, cols, values };
}

/** `run` on each thread count, with how many tasks went to worker threads. */
export function onThreads<T>(run: () => T): { result: T; tasks: number }[] {
  return THREAD_COUNTS.map((threads) => {
    settings.setThreadCount(threads);
    const before = pool.postedTaskCount();
    const result = run();
    return { result, tasks: pool.postedTaskCount() - before };
  });
}

export function expectIdentical(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i]))
      throw new Error(`index ${i}: ${actual[i]} vs ${expected[i]} (must be bit-identical)`);
  }
}
