/**
 * A pooled simulator thread (pool.ts): parks in Atomics.wait until the caller bumps REQUEST,
 * runs every task queued on its port (protocol.ts), publishes DONE, and parks again. It keeps
 * the circuits it was sent compiled, and between the two phases of an adjoint block the
 * states of its rows.
 */
import { type MessagePort, receiveMessageOnPort, workerData } from "node:worker_threads";
import type { Circuit } from "../../../src/circuits/ir.js";
import { buffersFor } from "../adjoint-sweep.js";
import { runToEnd, WorkMeter } from "../pacing.js";
import { compileProgram, type Program } from "../program.js";
import {
  allocateState,
  buildOutcomeMap,
  type OutcomeMap,
  type Statevector,
} from "../statevector.js";
import { adjointRow, workerAwaitServed } from "./adjoint-rows.js";
import { applySegmentToBlocks, type BlockPlan, blockPlan } from "./blocks.js";
import {
  CANCEL,
  type CircuitRef,
  DONE,
  FAILED,
  REQUEST,
  type Task,
  type TaskFailure,
} from "./protocol.js";
import { forwardRows } from "./rows.js";

const { control, port } = workerData as { control: Int32Array; port: MessagePort };

interface Compiled {
  readonly program: Program;
  readonly outcomes: OutcomeMap;
  state: Statevector | undefined;
}

const circuits = new Map<number, { circuit: Circuit; compiled: Map<boolean, Compiled> }>();
/** Workers never pause: the calling thread paces the run. */
const meter = new WorkMeter(Number.POSITIVE_INFINITY);
const cancelled = (): boolean => Atomics.load(control, CANCEL) === 1;

function compiledFor(ref: CircuitRef): Compiled {
  for (const id of ref.forget ?? []) circuits.delete(id);
  let entry = circuits.get(ref.id);
  if (entry === undefined) {
    if (ref.circuit === undefined) throw new Error(`circuit ${ref.id} was never sent`);
    entry = { circuit: ref.circuit, compiled: new Map() };
    circuits.set(ref.id, entry);
  }
  let compiled = entry.compiled.get(ref.fuse);
  if (compiled === undefined) {
    const program = compileProgram(entry.circuit, { fuse: ref.fuse });
    compiled = {
      program,
      outcomes: buildOutcomeMap(program),
      state: undefined,
    };
    entry.compiled.set(ref.fuse, compiled);
  }
  return compiled;
}

function stateOf(compiled: Compiled): Statevector {
  compiled.state ??= allocateState(compiled.program.dim);
  return compiled.state;
}

/** The row of an amplitude-split pass being computed (set by bind-blocks). */
let blocks:
  | {
      program: Program;
      plan: BlockPlan;
      re: Float64Array;
      im: Float64Array;
      matrices: Float64Array;
      from: number;
      to: number;
    }
  | undefined;

function run(task: Task): void {
  switch (task.kind) {
    case "forward-rows": {
      const compiled = compiledFor(task.circuit);
      const { program, outcomes } = compiled;
      runToEnd(
        forwardRows(
          program,
          stateOf(compiled),
          outcomes,
          task.params,
          task.cols,
          task.from,
          task.to,
          task.out,
          meter,
          cancelled,
        ),
      );
      return;
    }
    case "adjoint-rows": {
      const compiled = compiledFor(task.circuit);
      const { program, outcomes } = compiled;
      const b = buffersFor(program, task.snapshotBudgetBytes);
      const state = stateOf(compiled);
      const { rowState } = task;
      for (let row = task.thread; row < task.rows && !cancelled(); row += task.threads) {
        const served = () => workerAwaitServed(rowState, row, cancelled);
        if (!runToEnd(adjointRow(program, outcomes, b, state, task, row, meter, served))) return;
      }
      return;
    }
    case "bind-blocks": {
      const { program } = compiledFor(task.circuit);
      blocks = {
        program,
        plan: blockPlan(program, task.blocks),
        re: task.re,
        im: task.im,
        matrices: task.matrices,
        from: task.from,
        to: task.to,
      };
      return;
    }
    case "segment": {
      if (blocks === undefined) throw new Error("segment before bind-blocks");
      const { program, plan, re, im, matrices, from, to } = blocks;
      if (!cancelled())
        applySegmentToBlocks(program, plan, task.segment, re, im, matrices, from, to);
      return;
    }
  }
}

let seen = 0;
for (;;) {
  Atomics.wait(control, REQUEST, seen);
  seen = Atomics.load(control, REQUEST);
  for (;;) {
    const received = receiveMessageOnPort(port);
    if (received === undefined) break;
    try {
      run(received.message as Task);
    } catch (error) {
      const failure: TaskFailure = { message: (error as Error).message ?? String(error) };
      port.postMessage(failure);
      Atomics.store(control, FAILED, 1);
    }
  }
  Atomics.store(control, DONE, seen);
  Atomics.notify(control, DONE);
}
