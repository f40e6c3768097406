/**
 * Adjoint gradients on the simulator's worker threads at every size: probability gradients
 * from 14 qubits (rows shared under the states' memory budget) and ⟨Z⟩ gradients, bit for
 * bit the same on 1, 2 and 3 threads as the single-threaded sources.
 */
import { afterEach, describe, expect, it } from "vitest";
import * as sourceAdjoint from "../../../providers/local/adjoint.js";
import type { Program } from "../../../providers/local/program.js";
import { ADJOINT_THREADS_MEMORY_BYTES } from "../../../providers/local/threads/settings.js";
import { adjointThreads } from "../../../providers/local/threads/shard.js";
import {
  adjoint,
  expectIdentical,
  matrixFor,
  onThreads,
  settings,
  workload,
} from "../../helpers/simulator-threads.js";

afterEach(() => settings.setThreadCount(undefined));

describe("adjoint gradients on threads", () => {
  it("share a 14-qubit batch's rows, cotangents still asked in row order", () => {
    const circuit = workload(14, 2);
    const matrix = matrixFor(circuit, 5, 11);
    const cotangentOf = (order: number[]) => (row: number, p: Float64Array, out: Float64Array) => {
      order.push(row);
      const t = (row * 977) % p.length;
      out[t] = -1 / Math.max(p[t]!, 1e-12);
    };
    const referenceOrder: number[] = [];
    const reference = sourceAdjoint.adjointProbabilityGradients(
      circuit,
      matrix,
      cotangentOf(referenceOrder),
    );
    const orders: number[][] = [];
    const runs = onThreads(() => {
      const order: number[] = [];
      orders.push(order);
      return adjoint.adjointProbabilityGradients(circuit, matrix, cotangentOf(order));
    });
    expect(runs.map(({ tasks }) => tasks)).toEqual([0, 1, 2]);
    expect(reference.gradients.some((g) => Math.abs(g) > 1e-6)).toBe(true);
    for (const { result } of runs) {
      expectIdentical(result.gradients, reference.gradients);
      expectIdentical(result.probabilities.values, reference.probabilities.values);
    }
    for (const order of orders) expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(referenceOrder).toEqual([0, 1, 2, 3, 4]);
  });

  it.each([8, 14])("compute ⟨Z⟩ and its gradients on %d qubits identically", (qubits) => {
    const circuit = workload(qubits, 2);
    const matrix = matrixFor(circuit, qubits === 8 ? 40 : 4, 12);
    const reference = sourceAdjoint.adjointExpectationZ(circuit, matrix, 3);
    const runs = onThreads(() => adjoint.adjointExpectationZ(circuit, matrix, 3));
    expect(runs.map(({ tasks }) => tasks)).toEqual([0, 1, 2]);
    expect(reference.values.every((z) => Math.abs(z) <= 1)).toBe(true);
    for (const { result } of runs) {
      expect(result.weightCount).toBe(reference.weightCount);
      expectIdentical(result.values, reference.values);
      expectIdentical(result.gradients, reference.gradients);
    }
  });

  it("give each worker its states within the memory budget", () => {
    const program = { opCount: 64, dim: 2 ** 22 } as Program;
    const perWorker = 2 * 16 * 2 ** 22; // state and λ, no saved states
    expect(ADJOINT_THREADS_MEMORY_BYTES / perWorker).toBe(2);
    expect(adjointThreads(program, 8, 4, perWorker)).toBe(3);
    expect(adjointThreads(program, 8, 2, perWorker)).toBe(2);
    expect(adjointThreads(program, 2, 4, perWorker)).toBe(2);
    expect(adjointThreads(program, 1, 4, perWorker)).toBe(1);
    expect(adjointThreads(program, 8, 4, ADJOINT_THREADS_MEMORY_BYTES + 1)).toBe(1);
    expect(adjointThreads(program, 8, 1, perWorker)).toBe(1);
    // too little work to share: 3 · rows · ops · 2^n under 2^18
    expect(adjointThreads({ opCount: 16, dim: 16 } as Program, 16, 4, 512)).toBe(1);
  });
});
